// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fuse)' | FileCheck %s
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fuse{residual=false pool=false})' | FileCheck %s --check-prefix=ACTIVATION-ONLY
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fuse)' -o %t && autows-opt %t --pass-pipeline='builtin.module(graph-fuse)' | diff -u %t -
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-fuse{report})' --verify-diagnostics -o /dev/null

// The join of a residual block: the add becomes part of the convolution (whichever side it is on), and the relu
// after the add follows it in.
// CHECK-LABEL: func.func @residual
// CHECK: %[[W:.*]] = "graph.weight"
// CHECK: %[[B:.*]] = "graph.weight"
// CHECK: %[[F:.*]] = "graph.conv2d_add"(%arg0, %[[W]], %arg0, %[[B]]) {activation = "relu", dilations
// CHECK-SAME: (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<1x4x8x8xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK-NOT: graph.add
// CHECK-NOT: graph.relu
// CHECK: return %[[F]]
// ACTIVATION-ONLY-LABEL: func.func @residual
// ACTIVATION-ONLY: "graph.conv2d"
// ACTIVATION-ONLY-NOT: activation
// ACTIVATION-ONLY: "graph.add"
// ACTIVATION-ONLY: "graph.relu"
func.func @residual(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x4x3x3xf32>
  %b = "graph.weight"() {source = "m.onnx", key = "b", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4xf32>
  // expected-remark@+2 {{fused the following 'graph.add' into this 'graph.conv2d_add'}}
  // expected-remark@+1 {{fused the following 'graph.relu' into this 'graph.conv2d_add'}}
  %c = "graph.conv2d"(%x, %w, %b) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %a = "graph.add"(%x, %c) : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %r = "graph.relu"(%a) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// An add that broadcasts (a per-channel term) is no residual join, and an add after an activation comes too
// late for the engine, which adds before it activates.
// CHECK-LABEL: func.func @not_a_join
// CHECK: "graph.conv2d"
// CHECK-NOT: activation
// CHECK: "graph.add"
// CHECK: "graph.conv2d"{{.*}}activation = "relu"
// CHECK: "graph.add"
func.func @not_a_join(%x: tensor<1x4x8x8xf32>, %s: tensor<1x4x1x1xf32>) -> (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x4x3x3xf32>
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %a = "graph.add"(%c, %s) : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  // expected-remark@+1 {{fused the following 'graph.relu' into this 'graph.conv2d'}}
  %d = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %r = "graph.relu"(%d) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %e = "graph.add"(%r, %x) : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %a, %e : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>
}

// A network's stem: convolution, relu and max pool become one operation with the pooled result type.
// CHECK-LABEL: func.func @stem
// CHECK: %[[S:.*]] = "graph.conv2d"(%arg0, %{{.*}}) {activation = "relu", dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, pool = "max", pool_kernel = array<i64: 3, 3>, pool_pads = array<i64: 1, 1, 1, 1>, pool_strides = array<i64: 2, 2>, strides = array<i64: 1, 1>}
// CHECK-SAME: -> tensor<1x4x4x4xf32>
// CHECK-NOT: graph.maxpool
// CHECK: return %[[S]]
// ACTIVATION-ONLY-LABEL: func.func @stem
// ACTIVATION-ONLY: "graph.maxpool"
func.func @stem(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x4x3x3xf32>
  // expected-remark@+2 {{fused the following 'graph.relu' into this 'graph.conv2d'}}
  // expected-remark@+1 {{fused the following 'graph.maxpool' into this 'graph.conv2d'}}
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %r = "graph.relu"(%c) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %p = "graph.maxpool"(%r) {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// Max pooling commutes with a clip, so a clip after the pool joins too; an average pool does not commute, and
// one that pads is left alone (the conventions for its divisor differ).
// CHECK-LABEL: func.func @pools
// CHECK: "graph.conv2d"{{.*}}activation = "clip"{{.*}}pool = "max"
// CHECK-NOT: graph.clip
// CHECK: %[[A:.*]] = "graph.conv2d"{{.*}}pool = "avg"
// CHECK-NOT: activation
// CHECK: "graph.relu"(%[[A]])
// CHECK: "graph.conv2d"
// CHECK-NOT: pool =
// CHECK: "graph.avgpool"
func.func @pools(%x: tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>) {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x4x3x3xf32>
  // expected-remark@+2 {{fused the following 'graph.maxpool' into this 'graph.conv2d'}}
  // expected-remark@+1 {{fused the following 'graph.clip' into this 'graph.conv2d'}}
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %p = "graph.maxpool"(%c) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %k = "graph.clip"(%p) {min = 0.0 : f32, max = 6.0 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  // expected-remark@+1 {{fused the following 'graph.avgpool' into this 'graph.conv2d'}}
  %d = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %q = "graph.avgpool"(%d) {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, ceil_mode = false, count_include_pad = false} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
  %r = "graph.relu"(%q) : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %e = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %v = "graph.avgpool"(%e) {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, ceil_mode = false, count_include_pad = false} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %k, %r, %v : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x8x8xf32>
}
