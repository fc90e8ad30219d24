// RUN: autows-opt %s --split-input-file --verify-diagnostics

func.func @unknown_op(%x: tensor<4xf32>) {
  // expected-error@+1 {{unregistered operation 'graph.frobnicate'}}
  %0 = "graph.frobnicate"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @missing_attribute(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{attribute "groups" is expected but not provided}}
  %0 = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @wrong_attribute_kind(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{expected base attribute 'builtin.dense_array' but got 'builtin.string'}}
  %0 = "graph.conv2d"(%x, %w) {strides = "1x1", pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @wrong_operand_count(%x: tensor<1x3x8x8xf32>) {
  // expected-error@+1 {{op expects at least 2 operands, but got 1}}
  %0 = "graph.conv2d"(%x) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @not_a_tensor(%x: i32) {
  // expected-error@+1 {{expected base type 'builtin.tensor' but got 'builtin.integer'}}
  %0 = "graph.relu"(%x) : (i32) -> i32
  return
}

// -----

func.func @relu_changes_type(%x: tensor<4xf32>) {
  // expected-error@+1 {{expected 'tensor<4xf32>' but got 'tensor<4xf16>'}}
  %0 = "graph.relu"(%x) : (tensor<4xf32>) -> tensor<4xf16>
  return
}

// -----

func.func @bad_enum(%x: tensor<1x3xf32>) {
  // expected-error@+1 {{'"wrap"' does not satisfy the constraint}}
  %0 = "graph.pad"(%x) {pads = array<i64: 0, 1, 0, 1>, mode = "wrap", value = 0.0 : f32} : (tensor<1x3xf32>) -> tensor<1x5xf32>
  return
}

// -----

func.func @conv_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{'graph.conv2d' op result shape 1x4x8x8 does not match the shape implied by the operands and attributes, 1x4x6x6}}
  %0 = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error@+1 {{the weight has 2 input channels per group but the input has 3 channels in 1 group(s)}}
  %0 = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_pads_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error@+1 {{'pads' must have 4 values, got 2}}
  %0 = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error@+1 {{the bias must have shape 4 (one per filter), got 3}}
  %0 = "graph.conv2d"(%x, %w, %b) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) {
  // expected-error@+1 {{shapes 2x3 and 4x3 do not broadcast}}
  %0 = "graph.add"(%a, %b) : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @gemm_inner(%a: tensor<1x512xf32>, %w: tensor<1000x500xf32>) {
  // expected-error@+1 {{the inner dimensions differ: 512 and 500}}
  %0 = "graph.gemm"(%a, %w) {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32} : (tensor<1x512xf32>, tensor<1000x500xf32>) -> tensor<1x1000xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<1x512x1x1xf32>) {
  // expected-error@+1 {{cannot reshape 1x512x1x1 (512 elements) to 1x500 (500 elements)}}
  %0 = "graph.reshape"(%x) : (tensor<1x512x1x1xf32>) -> tensor<1x500xf32>
  return
}

// -----

func.func @concat_mismatch(%a: tensor<1x4x6x6xf32>, %b: tensor<1x4x5x6xf32>) {
  // expected-error@+1 {{cannot concatenate 1x4x6x6 and 1x4x5x6 along axis 1}}
  %0 = "graph.concat"(%a, %b) {axis = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<1x4x5x6xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<1x2x3xf32>) {
  // expected-error@+1 {{'perm' [0, 0, 1] is not a permutation of 0..3}}
  %0 = "graph.transpose"(%x) {perm = array<i64: 0, 0, 1>} : (tensor<1x2x3xf32>) -> tensor<1x1x2xf32>
  return
}

// -----

func.func @pool_window(%x: tensor<1x4x2x2xf32>) {
  // expected-error@+1 {{the window (3) is larger than the padded input (2) along rows}}
  %0 = "graph.maxpool"(%x) {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x4x2x2xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @clip_range(%x: tensor<4xf32>) {
  // expected-error@+1 {{'min' (6) must not exceed 'max' (0)}}
  %0 = "graph.clip"(%x) {min = 6.0 : f32, max = 0.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @constant_type() {
  // expected-error@+1 {{'value' has type tensor<4xf32> but the result has type tensor<3xf32>}}
  %0 = "graph.constant"() {value = dense<1.0> : tensor<4xf32>} : () -> tensor<3xf32>
  return
}

// -----

func.func @weight_checksum() {
  // expected-error@+1 {{'checksum' must be 'fnv1a64:' and 16 hex digits, got "md5:abc"}}
  %0 = "graph.weight"() {source = "m.onnx", key = "w", checksum = "md5:abc"} : () -> tensor<3xf32>
  return
}

// -----

func.func @syntax_error(%x: tensor<4xf32>) {
  // expected-error@+1 {{expected ')' to end operand list}}
  %0 = "graph.relu"(%x : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @residual_shape(%x: tensor<1x4x8x8xf32>, %r: tensor<1x4x4x4xf32>, %w: tensor<4x4x3x3xf32>) {
  // expected-error@+1 {{'graph.conv2d_add' op the residual (1x4x4x4) must have the convolution's shape (1x4x8x8)}}
  %c = "graph.conv2d_add"(%x, %w, %r) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @fused_avgpool_pads(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) {
  // expected-error@+1 {{a fused average pool must not pad ('pool_pads' must be zero)}}
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, pool = "avg", pool_kernel = array<i64: 3, 3>, pool_strides = array<i64: 1, 1>, pool_pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @pool_on_gemm(%x: tensor<1x8xf32>, %w: tensor<4x8xf32>) {
  // expected-error@+1 {{only a convolution can have a fused 'pool'}}
  %c = "graph.gemm"(%x, %w) {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32, pool = "max", pool_kernel = array<i64: 1, 1>, pool_strides = array<i64: 1, 1>, pool_pads = array<i64: 0, 0, 0, 0>} : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  return
}
