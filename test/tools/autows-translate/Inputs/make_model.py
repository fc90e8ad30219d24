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


def residual_cnn():
    """A ResNet in miniature: a stem with max pooling, an identity block, a downsampling block with a 1x1
    shortcut, an unpadded average pool after a convolution, then the classifier."""
    nodes, inits = [], []
    seed = iter(range(100, 1000))

    def conv_bn(name, x, cin, cout, kernel, stride):
        pad = kernel // 2
        inits.append(initializer(f"{name}.w", [cout, cin, kernel, kernel], next(seed)))
        for suffix in ("g", "b", "m"):
            inits.append(initializer(f"{name}.{suffix}", [cout], next(seed)))
        variance = np.abs(np.random.default_rng(next(seed)).standard_normal([cout])).astype(np.float32) + 0.5
        inits.append(numpy_helper.from_array(variance, f"{name}.v"))
        nodes.append(helper.make_node("Conv", [x, f"{name}.w"], [f"{name}.c"], name=name,
                                      pads=[pad] * 4, strides=[stride] * 2))
        nodes.append(helper.make_node("BatchNormalization", [f"{name}.c"] + [f"{name}.{s}" for s in "gbmv"],
                                      [f"{name}.n"], name=f"{name}.bn"))
        return f"{name}.n"

    def relu(name, x):
        nodes.append(helper.make_node("Relu", [x], [name], name=name))
        return name

    stem = relu("stem.relu", conv_bn("stem", "x", 3, 8, 3, 1))
    nodes.append(helper.make_node("MaxPool", [stem], ["stem.pool"], name="stem.pool",
                                  kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
    a = relu("a.relu1", conv_bn("a.conv1", "stem.pool", 8, 8, 3, 1))
    b = conv_bn("a.conv2", a, 8, 8, 3, 1)
    nodes.append(helper.make_node("Add", [b, "stem.pool"], ["a.add"], name="a.add"))
    block_a = relu("a.relu2", "a.add")
    c = relu("b.relu1", conv_bn("b.conv1", block_a, 8, 16, 3, 2))
    d = conv_bn("b.conv2", c, 16, 16, 3, 1)
    shortcut = conv_bn("b.down", block_a, 8, 16, 1, 2)
    nodes.append(helper.make_node("Add", [shortcut, d], ["b.add"], name="b.add"))
    block_b = relu("b.relu2", "b.add")
    e = relu("c.relu", conv_bn("c.conv", block_b, 16, 16, 3, 1))
    nodes.append(helper.make_node("AveragePool", [e], ["c.pool"], name="c.pool", kernel_shape=[2, 2], strides=[2, 2]))
    nodes.append(helper.make_node("GlobalAveragePool", ["c.pool"], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"))
    inits.append(initializer("fc_w", [10, 16], next(seed)))
    inits.append(initializer("fc_b", [10], next(seed)))
    nodes.append(helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["y"], name="fc", transB=1))
    graph = helper.make_graph(
        nodes,
        "residual_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
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
    model = {"small_cnn": small_cnn, "residual_cnn": residual_cnn, "unsupported": unsupported}[kind]()
    onnx.checker.check_model(model)
    onnx.save(model, out)
