// RUN: autows-opt %s --pass-pipeline='builtin.module(autows-dce)' | FileCheck %s
// Running it twice changes nothing the second time.
// RUN: autows-opt %s --pass-pipeline='builtin.module(autows-dce)' -o %t && autows-opt %t --pass-pipeline='builtin.module(autows-dce)' | diff -u %t -
// RUN: autows-opt %s --pass-pipeline='builtin.module(autows-dce{report})' --verify-diagnostics

// CHECK-LABEL: func.func @chain
func.func @chain(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  // CHECK-NEXT: %[[R:.*]] = "graph.relu"(%arg0)
  // CHECK-NEXT: return %[[R]]
  %r = "graph.relu"(%x) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // A dead chain goes whole.
  // expected-remark@+1 {{erased unused 'graph.sigmoid'}}
  %a = "graph.sigmoid"(%x) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{erased unused 'graph.relu'}}
  %b = "graph.relu"(%a) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{erased unused 'graph.constant'}}
  %c = "graph.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<4xf32>
  return %r : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @streams
func.func @streams(%s: !dataflow.stream<tensor<1x4x8x8xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x4x8x8xi8>, 2 : i64> attributes {dataflow.pipeline} {
  // CHECK-NEXT: return %arg0
  // expected-remark@+1 {{erased unused 'dataflow.fifo'}}
  %f = "dataflow.fifo"(%s) {depth = 4 : i64} : (!dataflow.stream<tensor<1x4x8x8xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x4x8x8xi8>, 2 : i64>
  return %s : !dataflow.stream<tensor<1x4x8x8xi8>, 2 : i64>
}
