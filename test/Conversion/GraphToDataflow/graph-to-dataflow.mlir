// RUN: autows-opt %s --pass-pipeline='builtin.module(convert-graph-to-dataflow)' | FileCheck %s
// Converting twice changes nothing the second time.
// RUN: autows-opt %s --pass-pipeline='builtin.module(convert-graph-to-dataflow)' -o %t && autows-opt %t --pass-pipeline='builtin.module(convert-graph-to-dataflow)' | diff -u %t -

// A residual block with a classifier: one engine per layer, a fork for the skip, wires for flatten.
// CHECK-LABEL: func.func @block
// CHECK-SAME: (%[[IN:.*]]: !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x10xf32>, 1 : i64> attributes {dataflow.pipeline}
// CHECK: %[[F:.*]]:2 = "dataflow.fork"(%[[IN]])
// CHECK: %[[W:.*]] = "graph.weight"
// CHECK: %[[C:.*]] = "dataflow.conv"(%[[F]]#0, %[[W]]) {coarse_group = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, dilations = array<i64: 1, 1>, fine = 1 : i64, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK: %[[R:.*]] = "dataflow.activation"(%[[C]]) {coarse = 1 : i64, kind = "relu"}
// CHECK: %[[A:.*]] = "dataflow.eltwise"(%[[R]], %[[F]]#1) {coarse = 1 : i64, kind = "add"}
// CHECK: %[[P:.*]] = "dataflow.pool"(%[[A]]) {coarse = 1 : i64, kernel = array<i64: 2, 2>, kind = "max", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>}
// CHECK: %[[G:.*]] = "dataflow.global_pool"(%[[P]]) {coarse = 1 : i64}
// CHECK: %[[FC:.*]] = "dataflow.fc"(%[[G]], %{{.*}}, %{{.*}}) {coarse_in = 1 : i64, coarse_out = 1 : i64}
// CHECK: return %[[FC]]
// CHECK-NOT: graph.conv2d
func.func @block(%x: tensor<1x8x8x8xf32>) -> tensor<1x10xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "conv.w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<8x8x3x3xf32>
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32>
  %r = "graph.relu"(%c) : (tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %a = "graph.add"(%r, %x) : (tensor<1x8x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32>
  %p = "graph.maxpool"(%a) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  %g = "graph.global_avgpool"(%p) : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32>
  %f = "graph.flatten"(%g) {axis = 1 : i64} : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
  %fw = "graph.weight"() {source = "m.onnx", key = "fc.w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<10x8xf32>
  %fb = "graph.weight"() {source = "m.onnx", key = "fc.b", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<10xf32>
  %y = "graph.gemm"(%f, %fw, %fb) {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32} : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// Parameter arithmetic (a folded batch norm) stays in the graph dialect and feeds the engine.
// CHECK-LABEL: func.func @folded
// CHECK: %[[S:.*]] = "graph.mul"
// CHECK: "dataflow.conv"(%arg0, %[[S]])
func.func @folded(%x: tensor<1x8x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "conv.w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<8x8x3x3xf32>
  %k = "graph.constant"() {value = dense<0.5> : tensor<8x1x1x1xf32>} : () -> tensor<8x1x1x1xf32>
  %s = "graph.mul"(%w, %k) : (tensor<8x8x3x3xf32>, tensor<8x1x1x1xf32>) -> tensor<8x8x3x3xf32>
  %c = "graph.conv2d"(%x, %s) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x8x8x8xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %c : tensor<1x8x8x8xf32>
}

// A matmul by a weight becomes a fully connected engine with the weight transposed to outputs x inputs.
// CHECK-LABEL: func.func @matmul
// CHECK: %[[T:.*]] = "graph.transpose"(%{{.*}}) {perm = array<i64: 1, 0>} : (tensor<8x10xf32>) -> tensor<10x8xf32>
// CHECK: "dataflow.fc"(%arg0, %[[T]])
func.func @matmul(%x: tensor<1x8xf32>) -> tensor<1x10xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<8x10xf32>
  %y = "graph.matmul"(%x, %w) : (tensor<1x8xf32>, tensor<8x10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}
