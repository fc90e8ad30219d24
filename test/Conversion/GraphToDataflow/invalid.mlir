// RUN: autows-opt %s --split-input-file --pass-pipeline='builtin.module(convert-graph-to-dataflow)' --verify-diagnostics

func.func @unfolded(%x: tensor<1x4x4x4xf32>, %p: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error@+1 {{'graph.batchnorm' op has no engine of its own; fold it into its convolution first (graph-fold-batchnorm)}}
  %n = "graph.batchnorm"(%x, %p, %p, %p, %p) {epsilon = 1.0e-05 : f32} : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %n : tensor<1x4x4x4xf32>
}

// -----

func.func @softmax(%x: tensor<1x10xf32>) -> tensor<1x10xf32> {
  // expected-error@+1 {{'graph.softmax' op has no compute engine}}
  %s = "graph.softmax"(%x) {axis = 1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return %s : tensor<1x10xf32>
}

// -----

func.func @activation_weights(%x: tensor<1x3x4x4xf32>, %w: tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error@+1 {{'graph.conv2d' op the weights and bias of a convolution engine must be parameters}}
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %c : tensor<1x2x4x4xf32>
}
