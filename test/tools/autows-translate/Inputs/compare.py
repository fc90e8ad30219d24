"""Compares the outputs of two JSON result files (autows-translate --run, or run_onnxruntime.py).

`python compare.py A.json B.json [--tolerance T]`: every output must have the same shape, and every value must be
within T times the largest magnitude of that output (default 1e-4). Exits 1 and says where they differ otherwise.
"""
import json
import sys

first, second = (json.load(open(path)) for path in sys.argv[1:3])
tolerance = float(sys.argv[sys.argv.index("--tolerance") + 1]) if "--tolerance" in sys.argv else 1e-4
if len(first["outputs"]) != len(second["outputs"]):
    sys.exit(f"{len(first['outputs'])} outputs against {len(second['outputs'])}")
for index, (a, b) in enumerate(zip(first["outputs"], second["outputs"])):
    if a["shape"] != b["shape"]:
        sys.exit(f"output {index}: shape {a['shape']} against {b['shape']}")
    scale = max(1.0, max(abs(v) for v in a["values"]))
    worst = max(abs(x - y) for x, y in zip(a["values"], b["values"]))
    if worst > tolerance * scale:
        sys.exit(f"output {index}: differs by {worst} (allowed {tolerance * scale})")
    print(f"output {index}: {len(a['values'])} values agree within {worst:.3g}")
