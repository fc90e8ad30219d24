// RUN: autows-opt %s --split-input-file --pass-pipeline='builtin.module(convert-tosa-to-graph)' --verify-diagnostics

func.func @unsupported(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error@+1 {{'tosa.tanh' cannot be converted to the graph dialect; supported: tosa.conv2d, tosa.matmul}}
  %0 = tosa.tanh %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @zero_point(%x: tensor<1x4x4x3xi8>, %w: tensor<2x1x1x3xi8>, %b: tensor<2xi32>) -> tensor<1x4x4x2xi32> {
  %izp = "tosa.const"() {values = dense<3> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  // expected-error@+1 {{'tosa.conv2d' op only a constant zero input zero point is supported}}
  %c = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x2xi32>
  return %c : tensor<1x4x4x2xi32>
}
