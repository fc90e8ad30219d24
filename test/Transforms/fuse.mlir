// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fuse)' | FileCheck %s
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fuse)' -o %t && autows-opt %t --pass-pipeline='builtin.module(graph-fuse)' | diff -u %t -
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fuse{report})' --verify-diagnostics -o /dev/null

// The activations after a convolution and a gemm become attributes; the one after the add stays, and so does
// the relu of a convolution whose result is also used elsewhere.
// CHECK-LABEL: func.func @block
// CHECK: %[[C:.*]] = "graph.conv2d"{{.*}}activation = "relu"
// CHECK: %[[S:.*]] = "graph.conv2d"{{.*}}activation = "clip", activation_max = 6.000000e+00 : f64, activation_min = 0.000000e+00 : f64
// CHECK: "graph.add"(%[[S]], %[[C]])
// CHECK: "graph.relu"
// CHECK: %[[D:.*]] = "graph.conv2d"
// CHECK-NOT: activation
// CHECK: "graph.relu"(%[[D]])
func.func @block(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x4x3x3xf32>
  // expected-remark@+1 {{fused the following 'graph.relu' into this 'graph.conv2d'}}
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %r = "graph.relu"(%c) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{fused the following 'graph.clip' into this 'graph.conv2d'}}
  %s = "graph.conv2d"(%r, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %k = "graph.clip"(%s) {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %a = "graph.add"(%k, %r) : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %o = "graph.relu"(%a) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %d = "graph.conv2d"(%o, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %e = "graph.relu"(%d) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %e, %d, %o : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}
