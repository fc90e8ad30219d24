// A factor that does not divide what it splits is refused by the verifier after the pass.
// RUN: not autows-opt %s --pass-pipeline='builtin.module(dataflow-set-parallelism{engine=conv coarse_in=3})' 2>&1 | FileCheck %s
// CHECK: conv: error: 'dataflow.conv' op 'coarse_in' (3) must be positive and divide the input channels per group (8)
func.func @pipeline(%in: !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64> attributes {dataflow.pipeline} {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<8x8x3x3xf32>
  %c = "dataflow.conv"(%in, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, tensor<8x8x3x3xf32>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64> loc("conv")
  return %c : !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
}
