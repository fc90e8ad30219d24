// RUN: autows-opt %s | FileCheck %s
// RUN: autows-opt %s -o %t && autows-opt %t | diff -u %t -

// Two engines: one keeps its weights on chip, the other streams three of its five BRAM rows from DRAM.
// CHECK-LABEL: func.func @partitioned
func.func @partitioned(%in: !dataflow.stream<tensor<1x64x8x8xi5>, 8 : i64>) -> !dataflow.stream<tensor<1x64x8x8xi5>, 8 : i64> attributes {dataflow.pipeline} {
  // CHECK: %[[PORT:.*]] = "memory.dma_port"() {bandwidth = 1.536000e+02 : f64, data_width = 512 : i64, sym_name = "weights"}
  %port = "memory.dma_port"() {sym_name = "weights", data_width = 512 : i64, bandwidth = 153.6 : f64} : () -> !memory.port
  %w0 = "graph.weight"() {source = "m.onnx", key = "a.weight", checksum = "fnv1a64:0123456789abcdef"} : () -> tensor<64x64x3x3xi4>
  %w1 = "graph.weight"() {source = "m.onnx", key = "b.weight", checksum = "fnv1a64:fedcba9876543210"} : () -> tensor<64x64x3x3xi4>
  // CHECK: "memory.onchip_buffer"(%{{.*}}) {depth = 576 : i64, ram = "bram", unit_depth = 512 : i64, unit_width = 36 : i64, width = 288 : i64} : (tensor<64x64x3x3xi4>) -> !memory.weights
  %m0 = "memory.onchip_buffer"(%w0) {ram = "bram", width = 288 : i64, depth = 576 : i64, unit_width = 36 : i64, unit_depth = 512 : i64} : (tensor<64x64x3x3xi4>) -> !memory.weights
  // CHECK: "memory.stream_buffer"(%{{.*}}, %[[PORT]]) {{.*}}offchip_depth = 64 : i64, onchip_depth = 512 : i64
  %m1 = "memory.stream_buffer"(%w1, %port) {ram = "bram", width = 288 : i64, depth = 576 : i64, unit_width = 36 : i64, unit_depth = 512 : i64, onchip_depth = 512 : i64, offchip_depth = 64 : i64, staging_depth = 512 : i64, interval = 512 : i64, dram_base = 0 : i64, dma_order = 0 : i64, bandwidth = 12.5 : f64} : (tensor<64x64x3x3xi4>, !memory.port) -> !memory.weights
  // CHECK: "dataflow.conv"(%arg0, %{{.*}})
  %a = "dataflow.conv"(%in, %m0) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 8 : i64, coarse_out = 8 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x64x8x8xi5>, 8 : i64>, !memory.weights) -> !dataflow.stream<tensor<1x64x8x8xi5>, 8 : i64>
  %b = "dataflow.conv"(%a, %m1) {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, coarse_in = 8 : i64, coarse_out = 8 : i64, coarse_group = 1 : i64, fine = 1 : i64} : (!dataflow.stream<tensor<1x64x8x8xi5>, 8 : i64>, !memory.weights) -> !dataflow.stream<tensor<1x64x8x8xi5>, 8 : i64>
  return %b : !dataflow.stream<tensor<1x64x8x8xi5>, 8 : i64>
}
