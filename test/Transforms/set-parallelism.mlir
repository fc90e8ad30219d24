// RUN: autows-opt %s --pass-pipeline='builtin.module(dataflow-set-parallelism{engine=conv coarse_in=2 coarse_out=4 fine=9})' | FileCheck %s
// Setting the same again changes nothing.
// RUN: autows-opt %s --pass-pipeline='builtin.module(dataflow-set-parallelism{engine=conv coarse_in=2 coarse_out=4 fine=9})' -o %t && autows-opt %t --pass-pipeline='builtin.module(dataflow-set-parallelism{engine=conv coarse_in=2 coarse_out=4 fine=9})' | diff -u %t -
// Back to one lane everywhere: every squeeze goes.
// RUN: autows-opt %t --pass-pipeline='builtin.module(dataflow-set-parallelism{coarse_in=1 coarse_out=1 fine=1 coarse=1})' | FileCheck %s --check-prefix=ONE
// ONE-NOT: dataflow.squeeze

// The convolution gets coarse_in 2 and coarse_out 4: streams follow, squeezes convert where neighbours disagree,
// and the pipeline input arrives with the two lanes the convolution reads.
// CHECK-LABEL: func.func @pipeline
// CHECK-SAME: (%arg0: !dataflow.stream<tensor<1x8x8x8xf32>, 2 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
// CHECK: %[[C:.*]] = "dataflow.conv"(%arg0, %{{.*}}) {coarse_group = 1 : i64, coarse_in = 2 : i64, coarse_out = 4 : i64, {{.*}}fine = 9 : i64{{.*}} -> !dataflow.stream<tensor<1x8x8x8xf32>, 4 : i64>
// CHECK: %[[F:.*]]:2 = "dataflow.fork"(%[[C]]) : (!dataflow.stream<tensor<1x8x8x8xf32>, 4 : i64>) -> (!dataflow.stream<tensor<1x8x8x8xf32>, 4 : i64>, !dataflow.stream<tensor<1x8x8x8xf32>, 4 : i64>)
// CHECK: %[[S:.*]] = "dataflow.squeeze"(%[[F]]#0) {{.*}} -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
// CHECK: %[[R:.*]] = "dataflow.activation"(%[[S]])
// CHECK: %[[T:.*]] = "dataflow.squeeze"(%[[F]]#1) {{.*}} -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
// CHECK: "dataflow.eltwise"(%[[R]], %[[T]])
// CHECK: return
func.func @pipeline(%in: !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64> attributes {dataflow.pipeline} {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<8x8x3x3xf32>
  %c = "dataflow.conv"(%in, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, tensor<8x8x3x3xf32>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64> loc("conv")
  %f:2 = "dataflow.fork"(%c) : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>)
  %r = "dataflow.activation"(%f#0) {kind = "relu", coarse = 1 : i64} : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
  %a = "dataflow.eltwise"(%r, %f#1) {kind = "add", coarse = 1 : i64} : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
  return %a : !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
}

// A convolution with a fused residual add reads its residual on its output lanes (coarse_out), its input on
// coarse_in lanes: each side gets its own squeeze.
// CHECK-LABEL: func.func @fused_residual
// CHECK: %[[F:.*]]:2 = "dataflow.fork"(%arg0)
// CHECK: %[[A:.*]] = "dataflow.squeeze"(%[[F]]#0) {{.*}} -> !dataflow.stream<tensor<1x8x8x8xf32>, 2 : i64>
// CHECK: %[[B:.*]] = "dataflow.squeeze"(%[[F]]#1) {{.*}} -> !dataflow.stream<tensor<1x8x8x8xf32>, 4 : i64>
// CHECK: "dataflow.conv_add"(%[[A]], %{{.*}}, %[[B]]) {{.*}} -> !dataflow.stream<tensor<1x8x8x8xf32>, 4 : i64>
func.func @fused_residual(%in: !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64> attributes {dataflow.pipeline} {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<8x8x3x3xf32>
  %f:2 = "dataflow.fork"(%in) : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>)
  %c = "dataflow.conv_add"(%f#0, %w, %f#1) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>, tensor<8x8x3x3xf32>, !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>) -> !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64> loc("conv")
  return %c : !dataflow.stream<tensor<1x8x8x8xf32>, 1 : i64>
}
