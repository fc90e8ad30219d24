// RUN: autows-opt %s --pass-pipeline='builtin.module(autows-cse)' | FileCheck %s
// RUN: autows-opt %s --pass-pipeline='builtin.module(autows-cse)' -o %t && autows-opt %t --pass-pipeline='builtin.module(autows-cse)' | diff -u %t -
// RUN: autows-opt %s --pass-pipeline='builtin.module(autows-cse{report=true})' --verify-diagnostics

// CHECK-LABEL: func.func @duplicates
func.func @duplicates(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  // CHECK-NEXT: %[[R:.*]] = "graph.relu"(%arg0)
  // CHECK-NEXT: %[[A:.*]] = "graph.add"(%[[R]], %[[R]])
  // CHECK-NEXT: %[[C:.*]] = "graph.clip"(%[[R]]) {max = 6.0
  // CHECK-NEXT: %[[D:.*]] = "graph.clip"(%[[R]]) {max = 4.0
  // CHECK-NEXT: "graph.add"(%[[C]], %[[C]])
  // CHECK-NEXT: return %[[A]], %[[C]], %[[D]]
  %r1 = "graph.relu"(%x) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{merged into an identical 'graph.relu'}}
  %r2 = "graph.relu"(%x) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %a = "graph.add"(%r1, %r2) : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // Equal attributes merge; different attributes do not.
  %c1 = "graph.clip"(%r1) {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{merged into an identical 'graph.clip'}}
  %c2 = "graph.clip"(%r2) {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %c3 = "graph.clip"(%r1) {min = 0.0 : f32, max = 4.0 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %s = "graph.add"(%c1, %c2) : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %a, %c2, %c3 : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}
