// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat{report})' 2>%t.report | FileCheck %s
// RUN: FileCheck %s --check-prefix=REPORT < %t.report
// Pricing by the quantisation graph-quantize will apply changes no rewrite's exactness, only the prices.
// RUN: autows-opt %s --pass-pipeline='builtin.module(graph-eqsat{spec=w4a5})' | FileCheck %s
// RUN: not autows-opt %s --pass-pipeline='builtin.module(graph-eqsat{spec=w0a5})' 2>&1 | FileCheck %s --check-prefix=SPEC
// SPEC: error: invalid quantisation 'w0a5'

// In real arithmetic a per-channel add after a convolution is its bias; on integer codes the convolution rounds
// first and the add comes after, so a quantised function keeps the add.
// CHECK-LABEL: func.func @quantized
// CHECK: %[[C:.*]] = "graph.conv2d"(%arg0, %{{[0-9]+}}) {
// CHECK: "graph.add"(%[[C]], %{{[0-9]+}})
// CHECK-LABEL: func.func @float
// CHECK: %[[F:.*]] = "graph.conv2d"(%arg0, %{{[0-9]+}}, %{{[0-9]+}}) {
// CHECK-NOT: "graph.add"
// CHECK: return %[[F]]
// REPORT: remark: saturated
// REPORT-NOT: bias-into-conv
// REPORT: remark: saturated
// REPORT: bias-into-conv: 1
func.func @quantized(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> attributes {graph.quantization = "w4a5p2-bfp"} {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x3x3x3xf32>
  %k = "graph.weight"() {source = "m.onnx", key = "k", checksum = "fnv1a64:0123456789abcde0"} : () -> tensor<1x4x1x1xf32>
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %a = "graph.add"(%c, %k) : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %a : tensor<1x4x8x8xf32>
}

func.func @float(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = "graph.weight"() {source = "m.onnx", key = "w", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<4x3x3x3xf32>
  %k = "graph.weight"() {source = "m.onnx", key = "k", checksum = "fnv1a64:0123456789abcde0"} : () -> tensor<1x4x1x1xf32>
  %c = "graph.conv2d"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  %a = "graph.add"(%c, %k) : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %a : tensor<1x4x8x8xf32>
}
