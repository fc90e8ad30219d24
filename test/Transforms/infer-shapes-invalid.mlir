// RUN: autows-opt %s --split-input-file --pass-pipeline='builtin.module(graph-infer-shapes)' --verify-diagnostics

func.func @bad_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<?x?x?x?xf32> {
  // expected-error@+1 {{'graph.conv2d' op the weight has 2 input channels per group but the input has 3 channels in 1 group(s)}}
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<?x?x?x?xf32>
  return %c : tensor<?x?x?x?xf32>
}

// -----

func.func @dynamic_argument(%x: tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32> {
  // expected-error@+1 {{'graph.relu' op operand 0 has no static shape}}
  %r = "graph.relu"(%x) : (tensor<?x3x8x8xf32>) -> tensor<?x3x8x8xf32>
  return %r : tensor<?x3x8x8xf32>
}
