"""Runs networks described in JSON through ONNX Runtime, for the interpreter's cross-check test.

Reads from standard input {"opset": N, "cases": [case, ...]}, where a case is
  {"name": str,
   "inputs": [{"name", "shape", "bits"}],                     float32 values as their uint32 bit patterns
   "initializers": [{"name", "shape", "dtype", "bits" | "values"}],   dtype "float" (bits) or "int64" (values)
   "nodes": [{"op_type", "name", "inputs", "outputs", "attributes": {...}}],
   "outputs": [{"name", "shape"}]}
and prints, per output of each case, one line
  case <case> output <index> <rank> <dims...> <count> <bits...>
or, when a case fails,
  error <case> <message>
Exact bit patterns travel both ways so no value is rounded on the way.
"""

import json
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper


def float_array(entry):
    return np.array(entry["bits"], dtype=np.uint32).view(np.float32).reshape(entry["shape"])


def initializer(entry):
    if entry["dtype"] == "int64":
        array = np.array(entry["values"], dtype=np.int64).reshape(entry["shape"])
    else:
        array = float_array(entry)
    return numpy_helper.from_array(array, entry["name"])


def build(case, opset):
    nodes = [
        helper.make_node(node["op_type"], node["inputs"], node["outputs"], name=node["name"], **node["attributes"])
        for node in case["nodes"]
    ]
    inputs = [helper.make_tensor_value_info(entry["name"], TensorProto.FLOAT, entry["shape"]) for entry in case["inputs"]]
    outputs = [helper.make_tensor_value_info(entry["name"], TensorProto.FLOAT, entry["shape"]) for entry in case["outputs"]]
    graph = helper.make_graph(
        nodes, case["name"], inputs, outputs, initializer=[initializer(entry) for entry in case["initializers"]]
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    return model


def run(case, opset):
    model = build(case, opset)
    options = ort.SessionOptions()
    # No graph rewrites: every node runs as written, so the comparison is node for node.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    feeds = {entry["name"]: float_array(entry) for entry in case["inputs"]}
    return session.run(None, feeds)


def main():
    request = json.load(sys.stdin)
    opset = request["opset"]
    lines = []
    for index, case in enumerate(request["cases"]):
        try:
            results = run(case, opset)
        except Exception as error:  # reported per case, so one bad case does not hide the others
            message = f"{type(error).__name__}: {error}".replace("\n", " ")
            lines.append(f"error {index} {message}")
            continue
        for number, result in enumerate(results):
            array = np.ascontiguousarray(result, dtype=np.float32)
            bits = array.reshape(-1).view(np.uint32)
            fields = ["case", str(index), "output", str(number), str(array.ndim)]
            fields += [str(dim) for dim in array.shape]
            fields += [str(bits.size)] + [str(bit) for bit in bits]
            lines.append(" ".join(fields))
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
