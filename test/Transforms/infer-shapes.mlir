// RUN: autows-opt %s --split-input-file --pass-pipeline='builtin.module(graph-infer-shapes)' | FileCheck %s
// RUN: autows-opt %s --split-input-file --pass-pipeline='builtin.module(graph-infer-shapes)' -o %t && autows-opt %t --split-input-file --pass-pipeline='builtin.module(graph-infer-shapes)' | diff -u %t -

// CHECK-LABEL: func.func @stem
// CHECK-SAME: -> tensor<1x10xf32>
// CHECK: "graph.conv2d"{{.*}} -> tensor<1x64x112x112xf32>
// CHECK: "graph.relu"{{.*}} -> tensor<1x64x112x112xf32>
// CHECK: "graph.maxpool"{{.*}} -> tensor<1x64x56x56xf32>
// CHECK: "graph.global_avgpool"{{.*}} -> tensor<1x64x1x1xf32>
// CHECK: "graph.flatten"{{.*}} -> tensor<1x64xf32>
// CHECK: "graph.gemm"{{.*}} -> tensor<1x10xf32>
// CHECK: return {{.*}} : tensor<1x10xf32>
func.func @stem(%x: tensor<1x3x224x224xf32>) -> tensor<?x?xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "conv1.weight", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<64x3x7x7xf32>
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<?x?x?x?xf32>
  %r = "graph.relu"(%c) : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %p = "graph.maxpool"(%r) {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %g = "graph.global_avgpool"(%p) : (tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  %f = "graph.flatten"(%g) {axis = 1 : i64} : (tensor<?x?x?x?xf32>) -> tensor<?x?xf32>
  %fw = "graph.weight"() {source = "m.onnx", key = "fc.weight", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<10x64xf32>
  %y = "graph.gemm"(%f, %fw) {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32} : (tensor<?x?xf32>, tensor<10x64xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
