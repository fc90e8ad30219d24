// RUN: autows-opt %s --pass-pipeline='builtin.module(convert-tosa-to-graph)' | FileCheck %s
// Converting again changes nothing, and no TOSA is left.
// RUN: autows-opt %s --pass-pipeline='builtin.module(convert-tosa-to-graph)' -o %t && autows-opt %t --pass-pipeline='builtin.module(convert-tosa-to-graph)' | diff -u %t -
// RUN: autows-opt %s --pass-pipeline='builtin.module(convert-tosa-to-graph)' | FileCheck %s --check-prefix=NOTOSA
// NOTOSA-NOT: tosa.

// CHECK-LABEL: func.func @net
// CHECK: %[[X:.*]] = "graph.transpose"(%arg0) {perm = array<i64: 0, 3, 1, 2>} : (tensor<1x8x8x3xf32>) -> tensor<1x3x8x8xf32>
// CHECK: %[[W:.*]] = "graph.transpose"(%arg1) {perm = array<i64: 0, 3, 1, 2>} : (tensor<4x3x3x3xf32>) -> tensor<4x3x3x3xf32>
// CHECK: %[[C:.*]] = "graph.conv2d"(%[[X]], %[[W]], %arg2) {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK: "graph.transpose"(%[[C]]) {perm = array<i64: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
// CHECK: "graph.clip"{{.*}}{max = 6.000000e+00 : f32, min = 0.000000e+00 : f32}
// CHECK: "graph.maxpool"{{.*}}ceil_mode = false, dilations = array<i64: 1, 1>
// CHECK: "graph.avgpool"{{.*}}count_include_pad = false
// CHECK: "graph.add"
// CHECK: "graph.mul"
// CHECK: %[[J:.*]] = "graph.concat"(%{{.*}}, %{{.*}}) {axis = 3 : i64} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x8xf32>
// CHECK: "graph.concat"(%[[J]], %{{.*}}) {axis = 3 : i64} : (tensor<1x4x4x8xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x12xf32>
// CHECK: "graph.transpose"{{.*}}perm = array<i64: 0, 3, 1, 2>
// CHECK: "graph.reshape"{{.*}} -> tensor<1x64xf32>
// CHECK: "graph.matmul"(%arg3, %arg4)
func.func @net(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>, %a: tensor<1x3x12xf32>, %m: tensor<1x12x5xf32>) -> (tensor<1x12x4x4xf32>, tensor<1x64xf32>, tensor<1x3x5xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32>
  %q = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %s = tosa.add %p, %q : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %t = tosa.mul %s, %s, %shift : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1xi8>) -> tensor<1x4x4x4xf32>
  %cat = tosa.concat %t, %t, %p {axis = 3 : i32} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x12xf32>
  %tr = tosa.transpose %cat {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x12xf32>) -> tensor<1x12x4x4xf32>
  %shape = tosa.const_shape {values = dense<[1, 64]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %rs = tosa.reshape %t, %shape : (tensor<1x4x4x4xf32>, !tosa.shape<2>) -> tensor<1x64xf32>
  %mm = tosa.matmul %a, %m, %zp, %zp : (tensor<1x3x12xf32>, tensor<1x12x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x5xf32>
  return %tr, %rs, %mm : tensor<1x12x4x4xf32>, tensor<1x64xf32>, tensor<1x3x5xf32>
}

// TOSA pads are [top, bottom, left, right]; the graph's are [top, left, bottom, right]. A constant used as data
// becomes a graph constant.
// CHECK-LABEL: func.func @pads_and_constants
// CHECK: "graph.conv2d"{{.*}}pads = array<i64: 1, 3, 2, 4>
// CHECK: "graph.constant"() {value = dense<2.500000e-01> : tensor<1x1x1x4xf32>}
func.func @pads_and_constants(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x9x13x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 2, 3, 4>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x9x13x4xf32>
  %k = "tosa.const"() {values = dense<0.25> : tensor<1x1x1x4xf32>} : () -> tensor<1x1x1x4xf32>
  %s = tosa.add %c, %k : (tensor<1x9x13x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x9x13x4xf32>
  return %s : tensor<1x9x13x4xf32>
}
