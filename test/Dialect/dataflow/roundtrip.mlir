// RUN: autows-opt %s | FileCheck %s
// RUN: autows-opt %s -o %t && autows-opt %t | diff -u %t -

// A residual block as a pipeline: a fork feeds the convolution branch and the skip branch, a FIFO holds the
// skip branch while the convolution fills, and the join adds them.
// CHECK-LABEL: func.func @block
// CHECK-SAME: dataflow.pipeline
func.func @block(%in: !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>) -> !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64> attributes {dataflow.pipeline} {
  // CHECK: %[[F:.*]]:2 = "dataflow.fork"(%arg0)
  %f:2 = "dataflow.fork"(%in) : (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>) -> (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>, !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>)
  %w = "graph.weight"() {source = "m.onnx", key = "conv.weight", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<16x16x3x3xi4>
  // CHECK: "dataflow.conv"(%[[F]]#0, %{{.*}}) {coarse_group = 1 : i64, coarse_in = 4 : i64, coarse_out = 2 : i64, dilations = array<i64: 1, 1>, fine = 9 : i64, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  %c = "dataflow.conv"(%f#0, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 4 : i64, coarse_out = 2 : i64, coarse_group = 1 : i64, fine = 9 : i64} : (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>, tensor<16x16x3x3xi4>) -> !dataflow.stream<tensor<1x16x8x8xi8>, 2 : i64>
  // CHECK: "dataflow.squeeze"
  %s = "dataflow.squeeze"(%c) : (!dataflow.stream<tensor<1x16x8x8xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>
  // CHECK: "dataflow.activation"{{.*}}kind = "relu"
  %r = "dataflow.activation"(%s) {kind = "relu", coarse = 4 : i64} : (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>) -> !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>
  // CHECK: "dataflow.fifo"{{.*}}depth = 96
  %q = "dataflow.fifo"(%f#1) {depth = 96 : i64} : (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>) -> !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>
  // CHECK: "dataflow.eltwise"{{.*}}kind = "add"
  %a = "dataflow.eltwise"(%r, %q) {kind = "add", coarse = 4 : i64} : (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>, !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>) -> !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>
  return %a : !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>
}

// CHECK-LABEL: func.func @head
func.func @head(%in: !dataflow.stream<tensor<1x16x8x8xi8>, 2 : i64>, %other: !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x10xi8>, 5 : i64> attributes {dataflow.pipeline} {
  // CHECK: "dataflow.pool"{{.*}}kind = "max"
  %p = "dataflow.pool"(%in) {kind = "max", kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, coarse = 2 : i64} : (!dataflow.stream<tensor<1x16x8x8xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x16x4x4xi8>, 2 : i64>
  // CHECK: "dataflow.concat"
  %j = "dataflow.concat"(%p, %other) {coarse = 2 : i64} : (!dataflow.stream<tensor<1x16x4x4xi8>, 2 : i64>, !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x24x4x4xi8>, 2 : i64>
  // CHECK: "dataflow.global_pool"
  %g = "dataflow.global_pool"(%j) {coarse = 2 : i64} : (!dataflow.stream<tensor<1x24x4x4xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x24x1x1xi8>, 2 : i64>
  %w = "graph.weight"() {source = "m.onnx", key = "fc.weight", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<10x24xi4>
  // CHECK: "dataflow.fc"{{.*}}coarse_in = 2 : i64, coarse_out = 5 : i64
  %y = "dataflow.fc"(%g, %w) {coarse_in = 2 : i64, coarse_out = 5 : i64} : (!dataflow.stream<tensor<1x24x1x1xi8>, 2 : i64>, tensor<10x24xi4>) -> !dataflow.stream<tensor<1x10xi8>, 5 : i64>
  return %y : !dataflow.stream<tensor<1x10xi8>, 5 : i64>
}

// The same block with its join inside the convolution engine: the skip stream enters as the residual, on the
// engine's output lanes, and a fused max pool shrinks the output.
// CHECK-LABEL: func.func @fused_block
func.func @fused_block(%in: !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>) -> !dataflow.stream<tensor<1x16x4x4xi8>, 2 : i64> attributes {dataflow.pipeline} {
  %f:2 = "dataflow.fork"(%in) : (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>) -> (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>, !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>)
  %w = "graph.weight"() {source = "m.onnx", key = "conv.weight", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<16x16x3x3xi4>
  %q = "dataflow.fifo"(%f#1) {depth = 96 : i64} : (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>) -> !dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>
  // CHECK: "dataflow.squeeze"
  %s = "dataflow.squeeze"(%q) : (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>) -> !dataflow.stream<tensor<1x16x8x8xi8>, 2 : i64>
  // CHECK: "dataflow.conv_add"(%[[IN:.*]], %{{.*}}, %{{.*}}) {activation = "relu", coarse_group = 1 : i64, coarse_in = 4 : i64, coarse_out = 2 : i64, dilations = array<i64: 1, 1>, fine = 9 : i64, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, pool = "max", pool_kernel = array<i64: 2, 2>, pool_pads = array<i64: 0, 0, 0, 0>, pool_strides = array<i64: 2, 2>, strides = array<i64: 1, 1>}
  %c = "dataflow.conv_add"(%f#0, %w, %s) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 4 : i64, coarse_out = 2 : i64, coarse_group = 1 : i64, fine = 9 : i64, activation = "relu", pool = "max", pool_kernel = array<i64: 2, 2>, pool_strides = array<i64: 2, 2>, pool_pads = array<i64: 0, 0, 0, 0>} : (!dataflow.stream<tensor<1x16x8x8xi8>, 4 : i64>, tensor<16x16x3x3xi4>, !dataflow.stream<tensor<1x16x8x8xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x16x4x4xi8>, 2 : i64>
  return %c : !dataflow.stream<tensor<1x16x4x4xi8>, 2 : i64>
}
