//! RAM primitive models: how many BRAM18, URAM or LUTs an array of a given depth and width occupies.
//!
//! These are the analytic models of AUTOWS.md §2.6.1, valid for UltraScale+ (7-series pads depths to powers of
//! two, which is not modelled). The weight-streaming model also needs the *tile* a memory is cut into (its unit
//! width and depth), since AutoWS evicts whole rows of tiles.

use autows_device::{Bram18, Uram};

/// BRAM18 aspect ratios as (width, depth): a block is used as one of these shapes.
const BRAM18_ASPECTS: [(u32, u64); 6] = [(1, 16384), (2, 8192), (4, 4096), (9, 2048), (18, 1024), (36, 512)];

/// URAM aspect ratios as (width, depth).
const URAM_ASPECTS: [(u32, u64); 7] =
    [(1, 262_144), (2, 131_072), (4, 65536), (9, 32768), (18, 16384), (36, 8192), (72, 4096)];

/// Arrays at or below this many bits are left to LUTRAM or registers by the synthesis tool.
const SMALL_ARRAY_BITS: u64 = 1024;

/// What an array is used for; fpgaConvNet draws the LUTRAM threshold differently for the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RamUse {
    /// Random-access storage (weights, biases, tables): arrays *below* 1024 bits use no BRAM.
    Memory,
    /// A FIFO or line buffer: arrays of *at most* 1024 bits use no BRAM.
    Fifo,
}

/// How an array is tiled into RAM blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RamTiling {
    /// Blocks occupied (0 when the array is too small for block RAM).
    pub blocks: u32,
    /// Width in bits of one tile: the narrowest aspect ratio at least as wide as the array (capped at the
    /// primitive's widest).
    pub unit_width: u32,
    /// Depth in words of one tile at that width.
    pub unit_depth: u64,
}

impl RamTiling {
    /// Tiles side by side needed to cover the array's width (AutoWS' `stream_unit`).
    pub fn tiles_per_row(&self, width: u32) -> u32 {
        width.div_ceil(self.unit_width)
    }

    /// Rows of tiles needed to cover the array's depth.
    pub fn rows(&self, depth: u64) -> u64 {
        depth.div_ceil(self.unit_depth)
    }
}

fn tile(depth: u64, width: u32, aspects: &[(u32, u64)]) -> RamTiling {
    let widest = aspects[aspects.len() - 1];
    let (unit_width, unit_depth) =
        aspects.iter().copied().find(|&(aspect_width, _)| aspect_width >= width.min(widest.0)).unwrap_or(widest);
    let blocks = u64::from(width.div_ceil(unit_width)) * depth.div_ceil(unit_depth);
    RamTiling { blocks: saturate(blocks), unit_width, unit_depth }
}

fn saturate(blocks: u64) -> u32 {
    u32::try_from(blocks).unwrap_or(u32::MAX)
}

/// Tiling of a `depth` × `width`-bit array into BRAM18 blocks.
pub fn bram18_tiling(depth: u64, width: u32, usage: RamUse) -> RamTiling {
    let mut tiling = tile(depth, width, &BRAM18_ASPECTS);
    let bits = depth * u64::from(width);
    let too_small = match usage {
        RamUse::Memory => bits < SMALL_ARRAY_BITS,
        RamUse::Fifo => bits <= SMALL_ARRAY_BITS,
    };
    if depth == 0 || width == 0 || too_small {
        tiling.blocks = 0;
    }
    tiling
}

/// BRAM18 blocks for a `depth` × `width`-bit array.
pub fn bram18(depth: u64, width: u32, usage: RamUse) -> Bram18 {
    Bram18(bram18_tiling(depth, width, usage).blocks)
}

/// Tiling of a `depth` × `width`-bit array into URAM blocks; URAM has no small-array threshold.
pub fn uram_tiling(depth: u64, width: u32) -> RamTiling {
    let mut tiling = tile(depth, width, &URAM_ASPECTS);
    if depth == 0 || width == 0 {
        tiling.blocks = 0;
    }
    tiling
}

/// URAM blocks for a `depth` × `width`-bit array.
pub fn uram(depth: u64, width: u32) -> Uram {
    Uram(uram_tiling(depth, width).blocks)
}

/// LUTs of a small queue held in LUTRAM: 32-deep RAMs are 16 bits wide, 64-deep ones 8 bits wide, and one extra
/// bit of width is charged for control.
pub fn lutram_luts(depth: u64, width: u32) -> u64 {
    let (unit_depth, unit_width) = if depth <= 32 { (32, 16) } else { (64, 8) };
    u64::from((width + 1).div_ceil(unit_width)) * depth.div_ceil(unit_depth)
}

/// Bits needed to count to `n` (`ceil(log2 n)`, 0 for n ≤ 1): the address or counter width of a module.
pub fn address_bits(n: u64) -> u32 {
    if n <= 1 {
        0
    } else {
        u64::BITS - (n - 1).leading_zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_examples_of_the_spec() {
        assert_eq!(bram18(3584, 10, RamUse::Fifo), Bram18(4));
        assert_eq!(bram18(256, 10, RamUse::Fifo), Bram18(1));
        assert_eq!(bram18(64, 10, RamUse::Fifo), Bram18(0));
        assert_eq!(bram18(1792, 20, RamUse::Fifo), Bram18(4));
    }

    #[test]
    fn memory_examples_of_the_spec() {
        assert_eq!(
            bram18_tiling(16384, 288, RamUse::Memory),
            RamTiling { blocks: 256, unit_width: 36, unit_depth: 512 }
        );
        assert_eq!(
            bram18_tiling(512_000, 4, RamUse::Memory),
            RamTiling { blocks: 125, unit_width: 4, unit_depth: 4096 }
        );
        assert_eq!(bram18(1000, 9, RamUse::Memory), Bram18(1));
        assert_eq!(bram18(64, 9, RamUse::Memory), Bram18(0));
        assert_eq!(bram18(64, 72, RamUse::Memory), Bram18(2));
        assert_eq!(bram18(8192, 1152, RamUse::Memory), Bram18(512));
    }

    #[test]
    fn the_1024_bit_threshold_differs_between_memories_and_fifos() {
        assert_eq!(bram18(1024, 1, RamUse::Memory), Bram18(1));
        assert_eq!(bram18(1024, 1, RamUse::Fifo), Bram18(0));
        assert_eq!(bram18(1023, 1, RamUse::Memory), Bram18(0));
    }

    #[test]
    fn width_rounds_up_to_the_next_aspect() {
        assert_eq!(bram18_tiling(4096, 5, RamUse::Memory).unit_width, 9);
        assert_eq!(bram18_tiling(4096, 10, RamUse::Memory).unit_width, 18);
        assert_eq!(bram18_tiling(4096, 20, RamUse::Memory).unit_width, 36);
        assert_eq!(bram18_tiling(4096, 32, RamUse::Memory).unit_width, 36);
        let wide = bram18_tiling(64, 588, RamUse::Memory);
        assert_eq!((wide.blocks, wide.tiles_per_row(588), wide.rows(64)), (17, 17, 1));
    }

    #[test]
    fn empty_arrays_use_nothing() {
        assert_eq!(bram18(0, 36, RamUse::Memory), Bram18(0));
        assert_eq!(bram18(512, 0, RamUse::Fifo), Bram18(0));
        assert_eq!(uram(0, 72), Uram(0));
    }

    #[test]
    fn uram_has_no_small_threshold_and_wider_aspects() {
        assert_eq!(uram(1, 1), Uram(1));
        assert_eq!(uram_tiling(8192, 1152), RamTiling { blocks: 32, unit_width: 72, unit_depth: 4096 });
        assert_eq!(uram(512_000, 4), Uram(8));
    }

    #[test]
    fn lutram_queues() {
        assert_eq!(lutram_luts(2, 5), 1);
        assert_eq!(lutram_luts(64, 10), 2);
        assert_eq!(lutram_luts(1, 90), 6);
        assert_eq!(lutram_luts(5, 144), 10);
        assert_eq!(lutram_luts(200, 7), 4);
    }

    #[test]
    fn address_bits_is_ceil_log2() {
        let expected = [(1, 0), (2, 1), (3, 2), (4, 2), (5, 3), (9, 4), (16, 4), (17, 5), (512, 9), (1000, 10)];
        for (n, bits) in expected {
            assert_eq!(address_bits(n), bits, "n = {n}");
        }
    }
}
