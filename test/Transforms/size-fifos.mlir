// RUN: autows-opt %s --pass-pipeline='builtin.module(dataflow-size-fifos)' | FileCheck %s
// RUN: autows-opt %s --pass-pipeline='builtin.module(dataflow-size-fifos)' -o %t && autows-opt %t --pass-pipeline='builtin.module(dataflow-size-fifos)' | diff -u %t -
// RUN: autows-opt %s --pass-pipeline='builtin.module(dataflow-size-fifos{margin=0})' | FileCheck %s --check-prefix=TIGHT

// The skip branch waits for the convolution's fill latency (a 3x3 window over 8 columns of 8 channels).
// CHECK-LABEL: func.func @residual
// CHECK: %[[F:.*]]:2 = "dataflow.fork"
// CHECK: %[[C:.*]] = "dataflow.conv"(%[[F]]#0
// CHECK: %[[Q:.*]] = "dataflow.fifo"(%[[F]]#1) {depth = [[DEPTH:[0-9]+]] : i64}
// CHECK: "dataflow.eltwise"(%[[C]], %[[Q]])
// TIGHT: "dataflow.fifo"{{.*}}depth = [[TIGHT_DEPTH:[0-9]+]] : i64
func.func @residual(%in: !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64> attributes {dataflow.pipeline} {
  %f:2 = "dataflow.fork"(%in) : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>)
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<8x8x3x3xf32>
  %c = "dataflow.conv"(%f#0, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, tensor<8x8x3x3xf32>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
  %a = "dataflow.eltwise"(%c, %f#1) {kind = "add", coarse = 1 : i64} : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
  return %a : !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
}

// With the join inside the second convolution, the skip branch also waits for that engine's own window and
// accumulation (104 cycles each here), and its FIFO sits on the residual operand.
// CHECK-LABEL: func.func @fused_residual
// CHECK: %[[F:.*]]:2 = "dataflow.fork"
// CHECK: %[[C:.*]] = "dataflow.conv"(%[[F]]#0
// CHECK: %[[Q:.*]] = "dataflow.fifo"(%[[F]]#1) {depth = 210 : i64}
// CHECK: "dataflow.conv_add"(%[[C]], %{{.*}}, %[[Q]])
func.func @fused_residual(%in: !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64> attributes {dataflow.pipeline} {
  %f:2 = "dataflow.fork"(%in) : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>)
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<8x8x3x3xf32>
  %c = "dataflow.conv"(%f#0, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, tensor<8x8x3x3xf32>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
  %a = "dataflow.conv_add"(%c, %w, %f#1) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64, activation = "relu"} : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, tensor<8x8x3x3xf32>, !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
  return %a : !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
}
