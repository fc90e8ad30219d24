// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat)' | FileCheck %s
// Saturating again changes nothing.
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat)' --mlir-print-debuginfo -o %t && autows-opt %t --pass-pipeline='builtin.module(graph-eqsat)' --mlir-print-debuginfo | diff -u %t -
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat{report})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=REPORT
// REPORT: remark: saturated
// REPORT-DAG: batchnorm-into-conv: 1
// REPORT-DAG: identity-removal: 1
// REPORT-DAG: dropout-removal: 1
// REPORT-DAG: relu-idempotence: 1
// REPORT-DAG: transpose-pair: 1
// A limit that stops saturation early still gives an equivalent function, and says so.
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat{node-limit=5})' 2>&1 >/dev/null | FileCheck %s --check-prefix=LIMIT
// LIMIT: warning: saturation stopped early (node limit

// The batch norm folds into the convolution (as arithmetic on the weight handles), the identity, dropout and
// second relu go, and the transpose pair cancels.
// CHECK-LABEL: func.func @block
// CHECK-NOT: graph.batchnorm
// CHECK-NOT: graph.identity
// CHECK-NOT: graph.dropout
// CHECK-NOT: graph.transpose
// CHECK: "graph.conv2d"
// CHECK: "graph.relu"
// CHECK-NOT: "graph.relu"
// CHECK: return
func.func @block(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x3x3x3xf32>
  %g = "graph.weight"() {source = "m.onnx", key = "g", checksum = "fnv1a64:0123456789abcde0"} : () -> tensor<4xf32>
  %b = "graph.weight"() {source = "m.onnx", key = "b", checksum = "fnv1a64:0123456789abcde1"} : () -> tensor<4xf32>
  %m = "graph.weight"() {source = "m.onnx", key = "m", checksum = "fnv1a64:0123456789abcde2"} : () -> tensor<4xf32>
  %v = "graph.weight"() {source = "m.onnx", key = "v", checksum = "fnv1a64:0123456789abcde3"} : () -> tensor<4xf32>
  %i = "graph.identity"(%x) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  %c = "graph.conv2d"(%i, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %n = "graph.batchnorm"(%c, %g, %b, %m, %v) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = "graph.relu"(%n) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %r2 = "graph.relu"(%r) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %d = "graph.dropout"(%r2) {ratio = 5.000000e-01 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %t = "graph.transpose"(%d) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
  %u = "graph.transpose"(%t) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x8x8xf32>
  return %u : tensor<1x4x8x8xf32>
}

// Extraction asks the hardware cost model by default; the proxy and term size remain available.
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat{cost=proxy})' | FileCheck %s
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat{cost=size})' | FileCheck %s
