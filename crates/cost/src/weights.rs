//! The weight memory of a convolution or inner-product engine and AutoWS' partial eviction of it to DRAM.
//!
//! The weights form one packed memory, one word per cycle of the engine (AUTOWS.md §1.1). It is tiled into RAM
//! blocks as a grid of `rows` × `stream_unit` tiles; AutoWS evicts whole rows of that grid, re-reads them from
//! DRAM on every sweep of the addresses, and adds one row of tiles as a refill buffer.

use autows_device::{Bram18, Uram};

use crate::fidelity::Fidelity;
use crate::layer::WeightStreaming;
use crate::ram::{bram18_tiling, uram_tiling, RamTiling, RamUse};

/// The RAM primitive a weight memory is built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WeightRam {
    /// 18 Kib block RAM.
    Bram18,
    /// UltraRAM.
    Uram,
}

/// Geometry and streaming figures of one weight memory; the fields match the `wm` objects of the reference
/// `layers.json` (named in brackets). Block counts are in units of [`WeightMemory::ram`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeightMemory {
    /// Words (D) [`depth`].
    pub depth: u64,
    /// Bits per word (W): every weight the engine consumes in one cycle [`width`].
    pub width: u32,
    /// The primitive the memory is built from.
    pub ram: WeightRam,
    /// Blocks for the whole memory on chip [`bram_full`].
    pub full_blocks: u32,
    /// Width of one tile [`unit_w`].
    pub unit_width: u32,
    /// Depth of one tile, also the refill buffer depth [`unit_d`].
    pub unit_depth: u64,
    /// Tiles per row of the grid: the granularity of eviction [`stream_unit`].
    pub stream_unit: u32,
    /// Rows of tiles [`rows`].
    pub rows: u64,
    /// Blocks evicted to DRAM [`sw`].
    pub stream_weights: u32,
    /// Weight blocks still on chip, buffer excluded [`ram_left`].
    pub remaining_blocks: u32,
    /// Addresses served from DRAM, A_off [`off`].
    pub off_chip_range: f64,
    /// Addresses served from on-chip RAM, A_on [`on`].
    pub on_chip_range: f64,
    /// Blocks of the one-row refill buffer (0 when nothing streams) [`buf`].
    pub buffer_blocks: u32,
    /// DRAM bits needed per cycle at the engine's own pace, A_off·W / (A_on + u_d) [`bits_per_cycle`].
    pub bits_per_cycle: f64,
    /// On-chip words read between two evicted rows, `None` when nothing streams [`off_chip_interval`].
    pub off_chip_interval: Option<u64>,
    /// Blocks one AutoWS allocation step evicts: 10 % of the rows, in whole rows [`step`].
    pub step_blocks: u32,
    /// Blocks on chip in total: remaining weights plus the refill buffer [`bram`].
    pub on_chip_blocks: u32,
}

/// Blocks a `depth` × `width` weight memory occupies entirely on chip in the primitive `streaming` selects: the
/// most `stream_weights` can evict.
pub(crate) fn full_blocks(depth: u64, width: u32, streaming: &WeightStreaming) -> u32 {
    if streaming.use_uram {
        uram_tiling(depth, width).blocks
    } else {
        bram18_tiling(depth, width, RamUse::Memory).blocks
    }
}

impl WeightMemory {
    /// Lays out a `depth` × `width`-bit weight memory with `streaming.stream_weights` blocks evicted.
    ///
    /// Returns `Err(full_blocks)` when more blocks are evicted than the memory has.
    pub(crate) fn new(depth: u64, width: u32, streaming: &WeightStreaming, fidelity: Fidelity) -> Result<Self, u32> {
        let (ram, tiling) = if streaming.use_uram {
            (WeightRam::Uram, uram_tiling(depth, width))
        } else {
            (WeightRam::Bram18, bram18_tiling(depth, width, RamUse::Memory))
        };
        let RamTiling { blocks: full_blocks, unit_width, unit_depth } = tiling;
        let stream_weights = streaming.stream_weights;
        if stream_weights > full_blocks {
            return Err(full_blocks);
        }
        let stream_unit = tiling.tiles_per_row(width);
        let rows = tiling.rows(depth);
        let streams = stream_weights > 0;
        let evicted_rows = match fidelity {
            Fidelity::FpgaConvNet => f64::from(stream_weights) / f64::from(stream_unit),
            Fidelity::Strict => f64::from(stream_weights / stream_unit),
        };
        let off_chip_range = (evicted_rows * unit_depth as f64).min(depth as f64);
        let on_chip_range = depth as f64 - off_chip_range;
        let buffer_blocks = if streams {
            match ram {
                WeightRam::Bram18 => bram18_tiling(unit_depth, width, RamUse::Memory).blocks,
                WeightRam::Uram => uram_tiling(unit_depth, width).blocks,
            }
        } else {
            0
        };
        let bits_per_cycle =
            if streams { off_chip_range * f64::from(width) / (on_chip_range + unit_depth as f64) } else { 0.0 };
        let off_chip_interval = (streams && evicted_rows > 0.0).then(|| (on_chip_range / evicted_rows).ceil() as u64);
        // fpgaConvNet computes ceil(0.1 · rows) in floating point, which equals the integer form for every
        // realistic row count (checked up to 10^7).
        let step_rows = rows.div_ceil(10);
        let step_blocks = u32::try_from(u64::from(stream_unit) * step_rows).unwrap_or(u32::MAX);
        let remaining_blocks = full_blocks - stream_weights;
        Ok(Self {
            depth,
            width,
            ram,
            full_blocks,
            unit_width,
            unit_depth,
            stream_unit,
            rows,
            stream_weights,
            remaining_blocks,
            off_chip_range,
            on_chip_range,
            buffer_blocks,
            bits_per_cycle,
            off_chip_interval,
            step_blocks,
            on_chip_blocks: remaining_blocks + buffer_blocks,
        })
    }

    /// Whether any part of the memory lives in DRAM.
    pub fn streams(&self) -> bool {
        self.stream_weights > 0
    }

    /// The on-chip blocks as typed BRAM and URAM counts (one of them is zero).
    pub fn on_chip(&self) -> (Bram18, Uram) {
        match self.ram {
            WeightRam::Bram18 => (Bram18(self.on_chip_blocks), Uram::ZERO),
            WeightRam::Uram => (Bram18::ZERO, Uram(self.on_chip_blocks)),
        }
    }

    /// The depth of the refill buffer as fpgaConvNet's config records it (`off_chip_buffer_size`).
    pub fn buffer_depth(&self) -> u64 {
        if self.streams() {
            self.unit_depth
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streamed(blocks: u32) -> WeightStreaming {
        WeightStreaming { stream_weights: blocks, use_uram: false }
    }

    /// Conv_35 of the AutoWS example (AUTOWS.md §4.1).
    #[test]
    fn conv35_streaming_figures() {
        let memory = WeightMemory::new(16384, 288, &streamed(64), Fidelity::FpgaConvNet).expect("fits");
        assert_eq!((memory.full_blocks, memory.stream_unit, memory.rows), (256, 8, 32));
        assert_eq!((memory.off_chip_range, memory.on_chip_range), (4096.0, 12288.0));
        assert_eq!((memory.buffer_blocks, memory.on_chip_blocks, memory.step_blocks), (8, 200, 32));
        assert_eq!(memory.off_chip_interval, Some(1536));
        assert_eq!(memory.bits_per_cycle, 92.16);
    }

    /// Gemm_48: a 4-bit wide memory tiled 4 × 4096.
    #[test]
    fn fully_connected_streaming_figures() {
        let memory = WeightMemory::new(512_000, 4, &streamed(117), Fidelity::FpgaConvNet).expect("fits");
        assert_eq!((memory.full_blocks, memory.step_blocks, memory.on_chip_blocks), (125, 13, 9));
        assert_eq!((memory.off_chip_range, memory.on_chip_range), (479_232.0, 32768.0));
        assert_eq!(memory.off_chip_interval, Some(281));
        assert_eq!(memory.bits_per_cycle, 52.0);
    }

    #[test]
    fn nothing_streamed_means_no_buffer() {
        let memory = WeightMemory::new(256, 576, &WeightStreaming::ON_CHIP, Fidelity::FpgaConvNet).expect("fits");
        assert_eq!((memory.on_chip_blocks, memory.buffer_blocks, memory.off_chip_interval), (16, 0, None));
        assert_eq!(memory.buffer_depth(), 0);
    }

    #[test]
    fn evicting_more_than_stored_is_refused() {
        assert_eq!(WeightMemory::new(16384, 288, &streamed(257), Fidelity::FpgaConvNet), Err(256));
    }

    #[test]
    fn strict_evicts_whole_rows_only() {
        // 12 blocks of an 8-wide grid: fpgaConvNet evicts 1.5 rows, strict one row.
        let loose = WeightMemory::new(16384, 288, &streamed(12), Fidelity::FpgaConvNet).expect("fits");
        let strict = WeightMemory::new(16384, 288, &streamed(12), Fidelity::Strict).expect("fits");
        assert_eq!((loose.off_chip_range, strict.off_chip_range), (768.0, 512.0));
        assert_eq!((loose.off_chip_interval, strict.off_chip_interval), (Some(10411), Some(15872)));
    }

    #[test]
    fn uram_weights_use_uram_tiles() {
        let streaming = WeightStreaming { stream_weights: 8, use_uram: true };
        let memory = WeightMemory::new(8192, 1152, &streaming, Fidelity::FpgaConvNet).expect("fits");
        assert_eq!((memory.ram, memory.full_blocks, memory.stream_unit, memory.rows), (WeightRam::Uram, 32, 16, 2));
        assert_eq!(memory.on_chip(), (Bram18::ZERO, Uram(32 - 8 + 16)));
    }
}
