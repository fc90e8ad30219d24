// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat)' | FileCheck %s
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat,convert-graph-to-dataflow)' -o /dev/null
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat{cost=proxy})' | FileCheck %s --check-prefix=PROXY

// A convolution read by a batch norm and by a relu. The extraction prices the network as built (the shared
// convolution counted once), but the dataflow lowering has no batch-norm engine, so the hardware model's cost
// folds it into a second convolution all the same, and the function lowers.
// CHECK-LABEL: func.func @shared_batchnorm
// CHECK-NOT: graph.batchnorm
// CHECK-COUNT-2: "graph.conv2d"
// CHECK-NOT: graph.batchnorm
// CHECK: return
func.func @shared_batchnorm(%x: tensor<1x3x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x3x3x3xf32>
  %g = "graph.weight"() {source = "m.onnx", key = "g", checksum = "fnv1a64:0123456789abcde0"} : () -> tensor<4xf32>
  %b = "graph.weight"() {source = "m.onnx", key = "b", checksum = "fnv1a64:0123456789abcde1"} : () -> tensor<4xf32>
  %m = "graph.weight"() {source = "m.onnx", key = "m", checksum = "fnv1a64:0123456789abcde2"} : () -> tensor<4xf32>
  %v = "graph.weight"() {source = "m.onnx", key = "v", checksum = "fnv1a64:0123456789abcde3"} : () -> tensor<4xf32>
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %n = "graph.batchnorm"(%c, %g, %b, %m, %v) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = "graph.relu"(%c) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %n, %r : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}

// The proxy cost counts a multiplication by a per-channel scale as an engine like any other: folding it into a
// copy of the shared convolution would add weights for no engine saved, so the convolution stays single.
// PROXY-LABEL: func.func @shared_scale
// PROXY-COUNT-1: "graph.conv2d"
// PROXY-NOT: "graph.conv2d"
// PROXY: return
// CHECK-LABEL: func.func @shared_scale
// CHECK-COUNT-2: "graph.conv2d"
func.func @shared_scale(%x: tensor<1x3x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x3x3x3xf32>
  %s = "graph.weight"() {source = "m.onnx", key = "s", checksum = "fnv1a64:0123456789abcde4"} : () -> tensor<1x4x1x1xf32>
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %k = "graph.mul"(%c, %s) : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %r = "graph.relu"(%c) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %k, %r : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}
