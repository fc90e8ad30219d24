// RUN: autows-opt %s | FileCheck %s
// Printing is stable: the printed form parses back to the same bytes.
// RUN: autows-opt %s -o %t && autows-opt %t | diff -u %t -

// CHECK-LABEL: func.func @convolutions
func.func @convolutions(%x: tensor<1x3x32x32xf32>) -> tensor<1x8x16x16xf32> {
  // CHECK: %[[W:.*]] = "graph.weight"() {checksum = "fnv1a64:00112233445566aa", key = "stem.weight", source = "model.onnx"} : () -> tensor<8x3x3x3xf32>
  %w = "graph.weight"() {source = "model.onnx", key = "stem.weight", checksum = "fnv1a64:00112233445566aa"} : () -> tensor<8x3x3x3xf32>
  // CHECK: %[[B:.*]] = "graph.constant"() {value = dense<{{.*}}> : tensor<8xf32>}
  %b = "graph.constant"() {value = dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<8xf32>} : () -> tensor<8xf32>
  // CHECK: %[[C:.*]] = "graph.conv2d"(%arg0, %[[W]], %[[B]]) {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
  %c = "graph.conv2d"(%x, %w, %b) {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x32x32xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
  %dw = "graph.weight"() {source = "model.onnx", key = "dw.weight", checksum = "fnv1a64:ffffffffffffffff"} : () -> tensor<8x1x3x3xf32>
  // CHECK: "graph.conv2d"(%[[C]], %{{.*}}) {{.*}}groups = 8 : i64
  %d = "graph.conv2d"(%c, %dw) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 8 : i64} : (tensor<1x8x16x16xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x16x16xf32>
  // CHECK: "graph.batchnorm"
  %s = "graph.constant"() {value = dense<1.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %n = "graph.batchnorm"(%d, %s, %b, %b, %s) {epsilon = 1.0e-05 : f32} : (tensor<1x8x16x16xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
  // CHECK: "graph.relu"
  // CHECK: "graph.clip"{{.*}}{max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
  // CHECK: "graph.sigmoid"
  // CHECK: "graph.hardswish"
  // CHECK: "graph.identity"
  // CHECK: "graph.dropout"
  %r = "graph.relu"(%n) : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %r6 = "graph.clip"(%r) {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %sg = "graph.sigmoid"(%r6) : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %hs = "graph.hardswish"(%sg) : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %id = "graph.identity"(%hs) : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %dr = "graph.dropout"(%id) {ratio = 5.000000e-01 : f32} : (tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  return %dr : tensor<1x8x16x16xf32>
}

// CHECK-LABEL: func.func @elementwise_and_pooling
func.func @elementwise_and_pooling(%x: tensor<1x8x16x16xf32>, %scale: tensor<8x1x1xf32>) -> tensor<1x10xf32> {
  // CHECK: "graph.add"
  // CHECK: "graph.mul"
  // CHECK: "graph.sqrt"
  // CHECK: "graph.div"
  // CHECK: "graph.sub"
  // CHECK: "graph.maxpool"
  // CHECK: "graph.avgpool"
  // CHECK: "graph.global_avgpool"
  // CHECK: "graph.flatten"
  // CHECK: "graph.gemm"
  // CHECK: "graph.softmax"
  %a = "graph.add"(%x, %x) : (tensor<1x8x16x16xf32>, tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32>
  %m0 = "graph.mul"(%a, %scale) : (tensor<1x8x16x16xf32>, tensor<8x1x1xf32>) -> tensor<1x8x16x16xf32>
  %root = "graph.sqrt"(%scale) : (tensor<8x1x1xf32>) -> tensor<8x1x1xf32>
  %q0 = "graph.div"(%m0, %root) : (tensor<1x8x16x16xf32>, tensor<8x1x1xf32>) -> tensor<1x8x16x16xf32>
  %m = "graph.sub"(%q0, %root) : (tensor<1x8x16x16xf32>, tensor<8x1x1xf32>) -> tensor<1x8x16x16xf32>
  %p = "graph.maxpool"(%m) {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
  %q = "graph.avgpool"(%p) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, ceil_mode = false, count_include_pad = true} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
  %g = "graph.global_avgpool"(%q) : (tensor<1x8x4x4xf32>) -> tensor<1x8x1x1xf32>
  %f = "graph.flatten"(%g) {axis = 1 : i64} : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
  %w = "graph.weight"() {source = "model.onnx", key = "fc.weight", checksum = "fnv1a64:0000000000000001"} : () -> tensor<10x8xf32>
  %b = "graph.weight"() {source = "model.onnx", key = "fc.bias", checksum = "fnv1a64:0000000000000002"} : () -> tensor<10xf32>
  %y = "graph.gemm"(%f, %w, %b) {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32} : (tensor<1x8xf32>, tensor<10x8xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  %s = "graph.softmax"(%y) {axis = -1 : i64} : (tensor<1x10xf32>) -> tensor<1x10xf32>
  return %s : tensor<1x10xf32>
}

// CHECK-LABEL: func.func @layout
func.func @layout(%x: tensor<1x4x6x6xf32>, %y: tensor<1x2x6x6xf32>, %a: tensor<2x3xf32>, %b: tensor<3x5xf32>) -> (tensor<1x6x8x8xf32>, tensor<6x6x1x4xf32>, tensor<1x144xf32>, tensor<2x5xf32>) {
  // CHECK: "graph.concat"({{.*}}) {axis = 1 : i64}
  // CHECK: "graph.pad"{{.*}}mode = "constant"
  // CHECK: "graph.transpose"{{.*}}perm = array<i64: 2, 3, 0, 1>
  // CHECK: "graph.reshape"
  // CHECK: "graph.matmul"
  %c = "graph.concat"(%x, %y) {axis = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<1x2x6x6xf32>) -> tensor<1x6x6x6xf32>
  %p = "graph.pad"(%c) {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = "constant", value = 0.0 : f32} : (tensor<1x6x6x6xf32>) -> tensor<1x6x8x8xf32>
  %t = "graph.transpose"(%x) {perm = array<i64: 2, 3, 0, 1>} : (tensor<1x4x6x6xf32>) -> tensor<6x6x1x4xf32>
  %r = "graph.reshape"(%x) : (tensor<1x4x6x6xf32>) -> tensor<1x144xf32>
  %m = "graph.matmul"(%a, %b) : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  return %p, %t, %r, %m : tensor<1x6x8x8xf32>, tensor<6x6x1x4xf32>, tensor<1x144xf32>, tensor<2x5xf32>
}

// A convolution with its residual add, activation and pooling fused (as graph-fuse writes it).
// CHECK-LABEL: func.func @fused
// CHECK: "graph.conv2d_add"(%arg0, %{{.*}}, %arg0, %{{.*}}) {activation = "clip", activation_max = 6.000000e+00 : f64, activation_min = 0.000000e+00 : f64, dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, pool = "avg", pool_kernel = array<i64: 2, 2>, pool_pads = array<i64: 0, 0, 0, 0>, pool_strides = array<i64: 2, 2>, strides = array<i64: 1, 1>}
// CHECK-SAME: -> tensor<1x4x4x4xf32>
func.func @fused(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x4x3x3xf32>
  %b = "graph.weight"() {source = "m.onnx", key = "b", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4xf32>
  %c = "graph.conv2d_add"(%x, %w, %x, %b) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, activation = "clip", activation_min = 0.0 : f64, activation_max = 6.0 : f64, pool = "avg", pool_kernel = array<i64: 2, 2>, pool_strides = array<i64: 2, 2>, pool_pads = array<i64: 0, 0, 0, 0>} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<1x4x8x8xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}
