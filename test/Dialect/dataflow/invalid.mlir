// RUN: autows-opt %s --split-input-file --verify-diagnostics

func.func @tensor_instead_of_stream(%x: tensor<1x4x4x4xi8>) {
  // expected-error@+1 {{expected base type 'dataflow.stream' but got 'builtin.tensor'}}
  %0 = "dataflow.activation"(%x) {kind = "relu", coarse = 1 : i64} : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8>
  return
}

// -----

func.func @unknown_kind(%s: !dataflow.stream<tensor<1x4x4x4xi8>, 1 : i64>) {
  // expected-error@+1 {{'"tanh"' does not satisfy the constraint}}
  %0 = "dataflow.activation"(%s) {kind = "tanh", coarse = 1 : i64} : (!dataflow.stream<tensor<1x4x4x4xi8>, 1 : i64>) -> !dataflow.stream<tensor<1x4x4x4xi8>, 1 : i64>
  return
}

// -----

func.func @coarse_divides(%s: !dataflow.stream<tensor<1x6x4x4xi8>, 4 : i64>) {
  // expected-error@+1 {{'dataflow.activation' op 'coarse' (4) must be positive and divide the channels (6)}}
  %0 = "dataflow.activation"(%s) {kind = "relu", coarse = 4 : i64} : (!dataflow.stream<tensor<1x6x4x4xi8>, 4 : i64>) -> !dataflow.stream<tensor<1x6x4x4xi8>, 4 : i64>
  return
}

// -----

func.func @lanes_match(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>, %w: tensor<8x8x3x3xi4>) {
  // expected-error@+1 {{the input stream has 2 lanes but coarse_in x coarse_group is 4}}
  %0 = "dataflow.conv"(%s, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 4 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>, tensor<8x8x3x3xi4>) -> !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>
  return
}

// -----

func.func @fine_divides(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, %w: tensor<8x8x3x3xi4>) {
  // expected-error@+1 {{'fine' (2) must be positive and divide the kernel size (9)}}
  %0 = "dataflow.conv"(%s, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 2 : i64} : (!dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, tensor<8x8x3x3xi4>) -> !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>
  return
}

// -----

func.func @conv_output_shape(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, %w: tensor<8x8x3x3xi4>) {
  // expected-error@+1 {{output shape 1x8x4x4 does not match the shape implied by the operands and attributes, 1x8x2x2}}
  %0 = "dataflow.conv"(%s, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, tensor<8x8x3x3xi4>) -> !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>
  return
}

// -----

func.func @fc_weights(%s: !dataflow.stream<tensor<1x24xi8>, 1 : i64>, %w: tensor<10x20xi4>) {
  // expected-error@+1 {{the weights must be 10x24 (outputs x input features), got 10x20}}
  %0 = "dataflow.fc"(%s, %w) {coarse_in = 1 : i64, coarse_out = 1 : i64} : (!dataflow.stream<tensor<1x24xi8>, 1 : i64>, tensor<10x20xi4>) -> !dataflow.stream<tensor<1x10xi8>, 1 : i64>
  return
}

// -----

func.func @squeeze_keeps_map(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>) {
  // expected-error@+1 {{must not change the feature map}}
  %0 = "dataflow.squeeze"(%s) : (!dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x8x4x2xi8>, 4 : i64>
  return
}

// -----

func.func @fork_types(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>) {
  // expected-error@+1 {{expected '!dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>' but got '!dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>'}}
  %0:2 = "dataflow.fork"(%s) : (!dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>) -> (!dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>, !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>)
  return
}

// -----

func.func @fifo_depth(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>) {
  // expected-error@+1 {{'depth' must be positive, got 0}}
  %0 = "dataflow.fifo"(%s) {depth = 0 : i64} : (!dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>
  return
}

// -----

// expected-error@+1 {{expected 2 type arguments, but had 1}}
func.func @stream_parameters(%s: !dataflow.stream<tensor<1x8x4x4xi8>>) {
  return
}

// -----

func.func @residual_lanes(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>, %r: !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>, %w: tensor<8x8x3x3xi4>) {
  // expected-error@+1 {{the residual stream has 2 lanes but coarse_out x coarse_group is 4}}
  %0 = "dataflow.conv_add"(%s, %w, %r) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 2 : i64, coarse_out = 4 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>, tensor<8x8x3x3xi4>, !dataflow.stream<tensor<1x8x4x4xi8>, 2 : i64>) -> !dataflow.stream<tensor<1x8x4x4xi8>, 4 : i64>
  return
}

// -----

func.func @residual_shape(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, %r: !dataflow.stream<tensor<1x8x2x2xi8>, 1 : i64>, %w: tensor<8x8x3x3xi4>) {
  // expected-error@+1 {{the residual (1x8x2x2) must have the convolution's shape (1x8x4x4)}}
  %0 = "dataflow.conv_add"(%s, %w, %r) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, tensor<8x8x3x3xi4>, !dataflow.stream<tensor<1x8x2x2xi8>, 1 : i64>) -> !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>
  return
}

// -----

func.func @fused_pool_shape(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, %w: tensor<8x8x3x3xi4>) {
  // expected-error@+1 {{output shape 1x8x4x4 does not match the shape implied by the operands and attributes, 1x8x2x2}}
  %0 = "dataflow.conv"(%s, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64, pool = "max", pool_kernel = array<i64: 2, 2>, pool_strides = array<i64: 2, 2>, pool_pads = array<i64: 0, 0, 0, 0>} : (!dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, tensor<8x8x3x3xi4>) -> !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>
  return
}

// -----

func.func @fused_pool_kind(%s: !dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, %w: tensor<8x8x3x3xi4>) {
  // expected-error@+1 {{attribute 'pool' must be "max" or "avg", got "min"}}
  %0 = "dataflow.conv"(%s, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 1 : i64, coarse_out = 1 : i64, coarse_group = 1 : i64, fine = 1 : i64, pool = "min", pool_kernel = array<i64: 2, 2>, pool_strides = array<i64: 2, 2>, pool_pads = array<i64: 0, 0, 0, 0>} : (!dataflow.stream<tensor<1x8x4x4xi8>, 1 : i64>, tensor<8x8x3x3xi4>) -> !dataflow.stream<tensor<1x8x2x2xi8>, 1 : i64>
  return
}
