"""Writes small ONNX models for the autows-translate tests: `python make_model.py KIND OUT.onnx`."""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def initializer(name, shape, seed):
    values = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return numpy_helper.from_array(values, name)


def small_cnn():
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization", ["c1", "g", "b", "m", "v"], ["n1"], name="bn1"),
        helper.make_node("Relu", ["n1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p1"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"], name="fc", transB=1),
    ]
    inits = [
        initializer("w1", [4, 3, 3, 3], 1),
        initializer("g", [4], 2),
        initializer("b", [4], 3),
        initializer("m", [4], 4),
        numpy_helper.from_array(np.abs(np.random.default_rng(5).standard_normal([4])).astype(np.float32) + 0.5, "v"),
        initializer("fc_w", [10, 64], 6),
        initializer("fc_b", [10], 7),
    ]
    graph = helper.make_graph(
        nodes,
        "small_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def unsupported():
    graph = helper.make_graph(
        [helper.make_node("Tanh", ["x"], ["y"], name="squash")],
        "unsupported",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


if __name__ == "__main__":
    kind, out = sys.argv[1], sys.argv[2]
    model = {"small_cnn": small_cnn, "unsupported": unsupported}[kind]()
    onnx.checker.check_model(model)
    onnx.save(model, out)
