"""Checks an exported ONNX model and runs it in ONNX Runtime, for the exporter's cross-check test.

Usage: onnxruntime_run.py MODEL FOLDER

Checks MODEL with the onnx checker (full check: the declared shapes must agree with onnx's own shape
inference), then runs it on the CPU with graph optimisations off, so every node runs as written. Input N is
read from FOLDER/input_N.bin: the raw little-endian elements, in the type and shape the model declares. Output N
is written to FOLDER/output_N.bin the same way, and described by one line on standard output:
    output N <element type> <dim> <dim> ...
"""

import os
import sys

import numpy as np
import onnx
import onnxruntime as ort

# The element types an exported model uses, by ONNX Runtime's name.
TYPES = {
    "tensor(float)": np.float32,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(int8)": np.int8,
}


def main(model_path, folder):
    # By path, so the checker finds external data next to the model.
    onnx.checker.check_model(model_path, full_check=True)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    feeds = {}
    for index, entry in enumerate(session.get_inputs()):
        raw = np.fromfile(os.path.join(folder, f"input_{index}.bin"), dtype=TYPES[entry.type])
        feeds[entry.name] = raw.reshape(entry.shape)
    for index, result in enumerate(session.run(None, feeds)):
        array = np.ascontiguousarray(result)
        array.astype(array.dtype.newbyteorder("<")).tofile(os.path.join(folder, f"output_{index}.bin"))
        print("output", index, array.dtype.name, *array.shape)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
