// RUN: autows-opt %s --split-input-file --verify-diagnostics

func.func @unknown_ram(%w: tensor<4x4xi4>) {
  // expected-error@+1 {{'"hbm"' does not satisfy the constraint}}
  %0 = "memory.onchip_buffer"(%w) {ram = "hbm", width = 16 : i64, depth = 4 : i64, unit_width = 18 : i64, unit_depth = 1024 : i64} : (tensor<4x4xi4>) -> !memory.weights
  return
}

// -----

func.func @zero_width(%w: tensor<4x4xi4>) {
  // expected-error@+1 {{'memory.onchip_buffer' op 'width' must be positive, got 0}}
  %0 = "memory.onchip_buffer"(%w) {ram = "bram", width = 0 : i64, depth = 4 : i64, unit_width = 18 : i64, unit_depth = 1024 : i64} : (tensor<4x4xi4>) -> !memory.weights
  return
}

// -----

func.func @depths_add_up(%w: tensor<64x64x3x3xi4>) {
  %port = "memory.dma_port"() {sym_name = "weights", data_width = 512 : i64, bandwidth = 153.6 : f64} : () -> !memory.port
  // expected-error@+1 {{'onchip_depth' (500) and 'offchip_depth' (64) must add up to 'depth' (576)}}
  %0 = "memory.stream_buffer"(%w, %port) {ram = "bram", width = 288 : i64, depth = 576 : i64, unit_width = 36 : i64, unit_depth = 512 : i64, onchip_depth = 500 : i64, offchip_depth = 64 : i64, staging_depth = 512 : i64, interval = 512 : i64, dram_base = 0 : i64, dma_order = 0 : i64, bandwidth = 12.5 : f64} : (tensor<64x64x3x3xi4>, !memory.port) -> !memory.weights
  return
}

// -----

// expected-error@+1 {{the 'dma_order' values of the 2 stream buffers must be 0..1 once each, got [1, 1]}}
func.func @dma_order(%w: tensor<64x64x3x3xi4>) {
  %port = "memory.dma_port"() {sym_name = "weights", data_width = 512 : i64, bandwidth = 153.6 : f64} : () -> !memory.port
  %0 = "memory.stream_buffer"(%w, %port) {ram = "bram", width = 288 : i64, depth = 576 : i64, unit_width = 36 : i64, unit_depth = 512 : i64, onchip_depth = 512 : i64, offchip_depth = 64 : i64, staging_depth = 512 : i64, interval = 512 : i64, dram_base = 0 : i64, dma_order = 1 : i64, bandwidth = 12.5 : f64} : (tensor<64x64x3x3xi4>, !memory.port) -> !memory.weights
  %1 = "memory.stream_buffer"(%w, %port) {ram = "bram", width = 288 : i64, depth = 576 : i64, unit_width = 36 : i64, unit_depth = 512 : i64, onchip_depth = 512 : i64, offchip_depth = 64 : i64, staging_depth = 512 : i64, interval = 512 : i64, dram_base = 4096 : i64, dma_order = 1 : i64, bandwidth = 12.5 : f64} : (tensor<64x64x3x3xi4>, !memory.port) -> !memory.weights
  return
}

// -----

func.func @port_width() {
  // expected-error@+1 {{'data_width' must be a whole number of bytes, got 12 bits}}
  %port = "memory.dma_port"() {sym_name = "weights", data_width = 12 : i64, bandwidth = 1.0 : f64} : () -> !memory.port
  return
}

// -----

func.func @port_operand(%w: tensor<4x4xi4>, %x: tensor<4xf32>) {
  // expected-error@+1 {{expected base type 'memory.port' but got 'builtin.tensor'}}
  %0 = "memory.stream_buffer"(%w, %x) {ram = "bram", width = 16 : i64, depth = 4 : i64, unit_width = 18 : i64, unit_depth = 1024 : i64, onchip_depth = 0 : i64, offchip_depth = 4 : i64, staging_depth = 1024 : i64, interval = 0 : i64, dram_base = 0 : i64, dma_order = 0 : i64, bandwidth = 1.0 : f64} : (tensor<4x4xi4>, tensor<4xf32>) -> !memory.weights
  return
}
