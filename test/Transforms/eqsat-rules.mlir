// RUN: autows-opt %s --split-input-file --pass-pipeline='builtin.module(graph-eqsat)' | FileCheck %s
// RUN: autows-opt %s --split-input-file --pass-pipeline='builtin.module(graph-eqsat{report})' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FIRED

// FIRED: pad-into-conv: 1
// CHECK-LABEL: func.func @pad_into_conv
// CHECK-NOT: graph.pad
// CHECK: "graph.conv2d"{{.*}}pads = array<i64: 2, 2, 2, 2>
func.func @pad_into_conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x10x10xf32> {
  %p = "graph.pad"(%x) {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", value = 0.0 : f32} : (tensor<1x3x8x8xf32>) -> tensor<1x3x10x10xf32>
  %c = "graph.conv2d"(%p, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x10x10xf32>
  return %c : tensor<1x4x10x10xf32>
}

// -----

// FIRED: maxpool-relu-commute
// CHECK-LABEL: func.func @relu_after_pool
// CHECK: "graph.maxpool"
// CHECK: "graph.relu"
func.func @relu_after_pool(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %r = "graph.relu"(%x) : (tensor<1x3x8x8xf32>) -> tensor<1x3x8x8xf32>
  %p = "graph.maxpool"(%r) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  return %p : tensor<1x3x4x4xf32>
}

// -----

// FIRED: reshape-chain
// CHECK-LABEL: func.func @reshapes
// CHECK-COUNT-1: "graph.reshape"
// CHECK-NOT: "graph.flatten"
func.func @reshapes(%x: tensor<1x8x2x2xf32>) -> tensor<2x16xf32> {
  %f = "graph.flatten"(%x) {axis = 1 : i64} : (tensor<1x8x2x2xf32>) -> tensor<1x32xf32>
  %r = "graph.reshape"(%f) : (tensor<1x32xf32>) -> tensor<2x16xf32>
  return %r : tensor<2x16xf32>
}

// -----

// FIRED: add-zero
// FIRED: mul-one
// CHECK-LABEL: func.func @neutral
// CHECK-NOT: "graph.add"
// CHECK-NOT: "graph.mul"
// CHECK: return %arg0
func.func @neutral(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %z = "graph.constant"() {value = dense<0.0> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %o = "graph.constant"() {value = dense<1.0> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %a = "graph.add"(%x, %z) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %m = "graph.mul"(%a, %o) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %m : tensor<1x4xf32>
}

// -----

// FIRED: constant-fold
// CHECK-LABEL: func.func @fold
// CHECK: "graph.constant"() {value = dense<5.000000e+00> : tensor<4xf32>}
// CHECK-NOT: "graph.add"
func.func @fold(%x: tensor<4xf32>) -> tensor<4xf32> {
  %a = "graph.constant"() {value = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %b = "graph.constant"() {value = dense<3.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %s = "graph.add"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %y = "graph.mul"(%x, %s) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// FIRED: bias-into-conv
// CHECK-LABEL: func.func @bias
// CHECK-NOT: "graph.add"
// CHECK: "graph.conv2d"(%arg0, %{{.*}}, %{{.*}})
func.func @bias(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x3x3x3xf32>
  %b = "graph.weight"() {source = "m.onnx", key = "b", checksum = "fnv1a64:0123456789abcde0"} : () -> tensor<1x4x1x1xf32>
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %a = "graph.add"(%c, %b) : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %a : tensor<1x4x8x8xf32>
}

// -----

// FIRED: scale-into-conv
// CHECK-LABEL: func.func @scale
// CHECK-NOT: "graph.mul"(%{{.*}}, %{{.*}}) : (tensor<1x4x8x8xf32>
// CHECK: "graph.conv2d"
func.func @scale(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x3x3x3xf32>
  %s = "graph.weight"() {source = "m.onnx", key = "s", checksum = "fnv1a64:0123456789abcde0"} : () -> tensor<4x1x1xf32>
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %m = "graph.mul"(%c, %s) : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %m : tensor<1x4x8x8xf32>
}

// -----

// FIRED: pad-into-maxpool
// CHECK-LABEL: func.func @pad_into_maxpool
// CHECK-NOT: graph.pad
// CHECK: "graph.maxpool"{{.*}}pads = array<i64: 1, 1, 1, 1>
func.func @pad_into_maxpool(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %p = "graph.pad"(%x) {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", value = 0xFF800000 : f32} : (tensor<1x3x8x8xf32>) -> tensor<1x3x10x10xf32>
  %m = "graph.maxpool"(%p) {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x3x10x10xf32>) -> tensor<1x3x4x4xf32>
  return %m : tensor<1x3x4x4xf32>
}

// -----

// FIRED: pad-into-avgpool
// CHECK-LABEL: func.func @pad_into_avgpool
// CHECK-NOT: graph.pad
// CHECK: "graph.avgpool"{{.*}}count_include_pad = true{{.*}}pads = array<i64: 1, 1, 1, 1>
func.func @pad_into_avgpool(%x: tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32> {
  %p = "graph.pad"(%x) {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", value = 0.0 : f32} : (tensor<1x3x8x8xf32>) -> tensor<1x3x10x10xf32>
  %m = "graph.avgpool"(%p) {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, ceil_mode = false, count_include_pad = true} : (tensor<1x3x10x10xf32>) -> tensor<1x3x4x4xf32>
  return %m : tensor<1x3x4x4xf32>
}

// -----

// FIRED: reshape-noop
// FIRED: transpose-noop
// CHECK-LABEL: func.func @noops
// CHECK-NOT: graph.transpose
// CHECK-NOT: graph.reshape
// CHECK: return %arg0
func.func @noops(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %t = "graph.transpose"(%x) {perm = array<i64: 0, 1, 2, 3>} : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  %r = "graph.reshape"(%t) : (tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  return %r : tensor<1x4x2x2xf32>
}

// -----

// FIRED: div-one
// FIRED: sub-zero
// CHECK-LABEL: func.func @sub_div
// CHECK-NOT: "graph.sub"
// CHECK-NOT: "graph.div"
// CHECK: return %arg0
func.func @sub_div(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %z = "graph.constant"() {value = dense<0.0> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %o = "graph.constant"() {value = dense<1.0> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %s = "graph.sub"(%x, %z) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %d = "graph.div"(%s, %o) : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

// FIRED: batchnorm-into-biased-conv
// CHECK-LABEL: func.func @biased_bn
// CHECK-NOT: graph.batchnorm
func.func @biased_bn(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x3x3x3xf32>
  %b = "graph.weight"() {source = "m.onnx", key = "b", checksum = "fnv1a64:0123456789abcde0"} : () -> tensor<4xf32>
  %p = "graph.weight"() {source = "m.onnx", key = "p", checksum = "fnv1a64:0123456789abcde1"} : () -> tensor<4xf32>
  %c = "graph.conv2d"(%x, %w, %b) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %n = "graph.batchnorm"(%c, %p, %p, %p, %p) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %n : tensor<1x4x8x8xf32>
}
