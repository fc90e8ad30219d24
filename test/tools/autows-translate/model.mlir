// Built-in models are emitted with torchvision's shapes and names.
// RUN: autows-translate --list-models | FileCheck %s --check-prefix=LIST
// LIST: resnet18 {{.*}}1.81 GMAC
// LIST: mobilenetv2
// LIST: vgg16
// LIST: lenet

// RUN: autows-translate --model resnet18 | FileCheck %s --check-prefix=R18
// R18: func.func @resnet18(%arg0: tensor<1x3x224x224xf32> loc({{.*}})) -> tensor<1x1000xf32>
// R18: "graph.weight"() {checksum = "fnv1a64:{{[0-9a-f]+}}", key = "conv1.weight", source = "zoo:resnet18"}
// R18-COUNT-20: "graph.conv2d"
// R18: "graph.global_avgpool"
// R18: "graph.gemm"
// R18: loc("layer1.0.conv1")

// The same model is emitted byte for byte, and its IR passes the verifier.
// RUN: autows-translate --model mobilenetv2 -o %t.a && autows-translate --model mobilenetv2 -o %t.b && cmp %t.a %t.b
// RUN: autows-opt %t.a --pass-pipeline='builtin.module(autows-verify)' -o /dev/null

// Folding batch normalisation keeps the function's results (MobileNetV2: 52 convolutions, each with a batch norm).
// RUN: autows-translate --run %t.a --seed 7 > %t.before.json
// RUN: autows-opt %t.a --pass-pipeline='builtin.module(graph-fold-batchnorm,graph-infer-shapes)' -o %t.folded
// RUN: not grep -q graph.batchnorm %t.folded
// RUN: autows-translate --run %t.folded --seed 7 > %t.after.json
// RUN: %python %S/Inputs/compare.py %t.before.json %t.after.json --tolerance 1e-4
