// The `memory` dialect: where every weight of a pipeline lives.
//
// An engine's weights form one packed memory of `depth` words of `width` bits (one word is all the weights the
// engine consumes in one cycle). The memory is tiled into RAM blocks of `unit_width` x `unit_depth`; a row of
// the tiling is `unit_depth` words. AutoWS keeps some rows on chip and streams the others from off-chip DRAM on
// every sweep: the engine reads `interval` on-chip words, then one staging row that the DMA refilled meanwhile.
//
// This level carries everything the RTL generator needs: word width and depth, row geometry, which rows are on
// chip and which are streamed, the staging depth, the interval, the DRAM base address and the DMA order.
// Rules IRDL cannot state (depths add up, the order is a permutation, shares fit the port) are checked by the
// `autows-verify` pass.
//
// A line starting with `///` before a type or operation documents it.
irdl.dialect @memory {
  /// An engine's weight memory, as produced by `onchip_buffer` or `stream_buffer`.
  irdl.type @weights {
    irdl.parameters()
  }

  /// An AXI4 read port the weight DMA uses.
  irdl.type @port {
    irdl.parameters()
  }

  /// A DMA read port: `data_width` bits per beat and `bandwidth` (Gb/s) of the device's DRAM bandwidth.
  irdl.operation @dma_port {
    %port = irdl.base @memory::@port
    %name = irdl.base "#builtin.string"
    %data_width = irdl.base "#builtin.integer"
    %bandwidth = irdl.base "#builtin.float"
    irdl.results(port: %port)
    irdl.attributes {
      "sym_name" = %name,
      "data_width" = %data_width,
      "bandwidth" = %bandwidth
    }
  }

  /// A weight memory held wholly on chip in "bram" (BRAM18 blocks) or "uram": `depth` words of `width` bits,
  /// tiled into `unit_width` x `unit_depth` blocks, initialised from `weights`.
  irdl.operation @onchip_buffer {
    %tensor = irdl.base "!builtin.tensor"
    %memory = irdl.base @memory::@weights
    %bram = irdl.is "bram"
    %uram = irdl.is "uram"
    %ram = irdl.any_of(%bram, %uram)
    %width = irdl.base "#builtin.integer"
    %depth = irdl.base "#builtin.integer"
    %unit_width = irdl.base "#builtin.integer"
    %unit_depth = irdl.base "#builtin.integer"
    irdl.operands(weights: %tensor)
    irdl.results(memory: %memory)
    irdl.attributes {
      "ram" = %ram,
      "width" = %width,
      "depth" = %depth,
      "unit_width" = %unit_width,
      "unit_depth" = %unit_depth
    }
  }

  /// A weight memory split between chip and DRAM. `onchip_depth` words stay in `ram`; `offchip_depth` words are
  /// read from DRAM at `dram_base` (bytes) through `port` into a staging buffer of `staging_depth` words on every
  /// sweep. The engine reads `interval` on-chip words between two staging rows. `dma_order` is this memory's
  /// place in the DMA scheduler's static order and `bandwidth` its share of the port (Gb/s).
  irdl.operation @stream_buffer {
    %tensor = irdl.base "!builtin.tensor"
    %port = irdl.base @memory::@port
    %memory = irdl.base @memory::@weights
    %bram = irdl.is "bram"
    %uram = irdl.is "uram"
    %ram = irdl.any_of(%bram, %uram)
    %width = irdl.base "#builtin.integer"
    %depth = irdl.base "#builtin.integer"
    %unit_width = irdl.base "#builtin.integer"
    %unit_depth = irdl.base "#builtin.integer"
    %onchip_depth = irdl.base "#builtin.integer"
    %offchip_depth = irdl.base "#builtin.integer"
    %staging_depth = irdl.base "#builtin.integer"
    %interval = irdl.base "#builtin.integer"
    %dram_base = irdl.base "#builtin.integer"
    %dma_order = irdl.base "#builtin.integer"
    %bandwidth = irdl.base "#builtin.float"
    irdl.operands(weights: %tensor, port: %port)
    irdl.results(memory: %memory)
    irdl.attributes {
      "ram" = %ram,
      "width" = %width,
      "depth" = %depth,
      "unit_width" = %unit_width,
      "unit_depth" = %unit_depth,
      "onchip_depth" = %onchip_depth,
      "offchip_depth" = %offchip_depth,
      "staging_depth" = %staging_depth,
      "interval" = %interval,
      "dram_base" = %dram_base,
      "dma_order" = %dma_order,
      "bandwidth" = %bandwidth
    }
  }
}
