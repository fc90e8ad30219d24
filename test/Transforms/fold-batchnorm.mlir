// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fold-batchnorm)' | FileCheck %s
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fold-batchnorm)' -o %t && autows-opt %t --pass-pipeline='builtin.module(graph-fold-batchnorm)' | diff -u %t -
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fold-batchnorm{report})' --verify-diagnostics -o /dev/null

// CHECK-LABEL: func.func @no_bias
func.func @no_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // CHECK: %[[EPS:.*]] = "graph.constant"() {value = dense<9.99999974E-6> : tensor<1xf32>}
  // CHECK: %[[VE:.*]] = "graph.add"(%arg5, %[[EPS]])
  // CHECK: %[[SD:.*]] = "graph.sqrt"(%[[VE]])
  // CHECK: %[[S:.*]] = "graph.div"(%arg2, %[[SD]])
  // CHECK: %[[S4:.*]] = "graph.reshape"(%[[S]]) : (tensor<4xf32>) -> tensor<4x1x1x1xf32>
  // CHECK: %[[W:.*]] = "graph.mul"(%arg1, %[[S4]])
  // CHECK: %[[MS:.*]] = "graph.mul"(%arg4, %[[S]])
  // CHECK: %[[B:.*]] = "graph.sub"(%arg3, %[[MS]])
  // CHECK: %[[C:.*]] = "graph.conv2d"(%arg0, %[[W]], %[[B]]) {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
  // CHECK-NOT: graph.batchnorm
  // CHECK: return %[[C]]
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{folded into the preceding convolution}}
  %n = "graph.batchnorm"(%c, %g, %b, %m, %v) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %n : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @with_bias
func.func @with_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %bias: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // CHECK: %[[D:.*]] = "graph.sub"(%arg2, %arg5)
  // CHECK: %[[DS:.*]] = "graph.mul"(%[[D]], %{{.*}})
  // CHECK: %[[B:.*]] = "graph.add"(%[[DS]], %arg4)
  // CHECK: "graph.conv2d"(%arg0, %{{.*}}, %[[B]])
  %c = "graph.conv2d"(%x, %w, %bias) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{folded into the preceding convolution}}
  %n = "graph.batchnorm"(%c, %g, %b, %m, %v) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %n : tensor<1x4x8x8xf32>
}

// A convolution used twice, or a batchnorm after something else, stays.
// CHECK-LABEL: func.func @shared
// CHECK: "graph.batchnorm"
// CHECK: "graph.batchnorm"
func.func @shared(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %g: tensor<4xf32>, %y: tensor<1x4x8x8xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{not folded: its input is not a convolution used only here}}
  %n = "graph.batchnorm"(%c, %g, %g, %g, %g) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{not folded: its input is not a convolution used only here}}
  %k = "graph.batchnorm"(%y, %g, %g, %g, %g) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %n, %c, %k : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}
