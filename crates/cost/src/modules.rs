//! Resource models of fpgaConvNet's hardware modules (AUTOWS.md §2.6.5).
//!
//! Each module's LUT and FF count is a fitted linear function of a feature vector; BRAM comes from the analytic
//! RAM model of its buffers. Each regression is evaluated term by term in feature order and truncated toward
//! zero separately for logic LUTs, LUTRAM, shift-register LUTs and FFs, because that is where fpgaConvNet rounds
//! and a different order or rounding point changes the integers it reports.

use std::ops::{Add, AddAssign};

use autows_device::Bram18;

use crate::coefficients::{
    ModuleCoefficients, ACCUM, BIAS, FORK, GLOBAL_POOL, GLUE, POOL, SLIDING_WINDOW, SQUEEZE, VECTOR_DOT,
};
use crate::ram::{address_bits, bram18, lutram_luts, RamUse};

/// Resources of one module (or a sum of modules).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct ModuleResources {
    pub lut: u64,
    pub ff: u64,
    pub bram: Bram18,
    pub dsp: f64,
}

impl ModuleResources {
    /// The same module instantiated `copies` times.
    pub fn times(self, copies: u32) -> Self {
        Self {
            lut: self.lut * u64::from(copies),
            ff: self.ff * u64::from(copies),
            bram: self.bram * copies,
            dsp: self.dsp * f64::from(copies),
        }
    }
}

impl Add for ModuleResources {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self {
            lut: self.lut + other.lut,
            ff: self.ff + other.ff,
            bram: self.bram + other.bram,
            dsp: self.dsp + other.dsp,
        }
    }
}

impl AddAssign for ModuleResources {
    fn add_assign(&mut self, other: Self) {
        *self = *self + other;
    }
}

/// One regression: the dot product in feature order, truncated toward zero.
fn fit<const N: usize>(features: [f64; N], coefficients: &[f64; N]) -> u64 {
    let mut total = 0.0;
    for (feature, coefficient) in features.iter().zip(coefficients) {
        total += feature * coefficient;
    }
    // Truncation is the model's rounding; the coefficients are non-negative, so nothing is clamped.
    total as u64
}

/// The feature vectors of one module, one per regressed resource.
struct Features<const LOGIC: usize, const RAM: usize, const SHIFT: usize, const FF: usize> {
    logic_lut: [f64; LOGIC],
    lut_ram: [f64; RAM],
    lut_sr: [f64; SHIFT],
    ff: [f64; FF],
}

impl<const LOGIC: usize, const RAM: usize, const SHIFT: usize, const FF: usize> Features<LOGIC, RAM, SHIFT, FF> {
    fn regress(&self, coefficients: &ModuleCoefficients<LOGIC, RAM, SHIFT, FF>) -> ModuleResources {
        ModuleResources {
            lut: fit(self.logic_lut, &coefficients.logic_lut)
                + fit(self.lut_ram, &coefficients.lut_ram)
                + fit(self.lut_sr, &coefficients.lut_sr),
            ff: fit(self.ff, &coefficients.ff),
            ..ModuleResources::default()
        }
    }
}

fn f(value: u64) -> f64 {
    value as f64
}

fn bits(value: u64) -> f64 {
    f64::from(address_bits(value))
}

/// The line and window buffers that present a k_r × k_c window of the input.
pub(crate) struct SlidingWindowModule {
    pub rows: u32,
    pub cols: u32,
    /// Channels per stream.
    pub channels: u32,
    pub streams: u32,
    pub data_width: u32,
    pub kernel_rows: u32,
    pub kernel_cols: u32,
}

pub(crate) fn sliding_window(module: &SlidingWindowModule) -> ModuleResources {
    let word = u64::from(module.streams) * u64::from(module.data_width);
    let (kr, kc) = (u64::from(module.kernel_rows), u64::from(module.kernel_cols));
    let channels = u64::from(module.channels);
    let line_depth = u64::from(module.cols) * channels;
    let line_width = width((kr - 1) * word);
    let window_width = width((kc - 1) * word);
    let line_bram = bram18(line_depth, line_width, RamUse::Fifo);
    let window_bram = bram18(channels, window_width, RamUse::Fifo) * module.kernel_rows;
    let line_lutram = if line_bram == Bram18::ZERO { lutram_luts(line_depth, line_width) } else { 0 };
    let window_lutram = if window_bram == Bram18::ZERO { kr * lutram_luts(channels, window_width) } else { 0 };
    let frame_lutram = kr * kc * lutram_luts(2, width(word));
    let features = Features {
        logic_lut: [f(word), f(kr - 1), f(kr * (kc - 1)), f(word * (kr - 1)), f(word * kr * (kc - 1))],
        lut_ram: [f(line_lutram), f(window_lutram), f(frame_lutram)],
        lut_sr: [1.0],
        ff: [
            bits(u64::from(module.rows)),
            bits(u64::from(module.cols)),
            bits(channels),
            f(word),
            f(word * kr * kc),
            f(kr * kc),
            f(word * (kr - 1)),
            f(word * kr * (kc - 1)),
            f(kr * kc),
            1.0,
        ],
    };
    ModuleResources { bram: line_bram + window_bram, ..features.regress(&SLIDING_WINDOW) }
}

/// Re-packs `coarse_in` parallel words into `coarse_out` parallel words through a bank of small FIFOs.
pub(crate) struct SqueezeModule {
    pub coarse_in: u32,
    pub coarse_out: u32,
    pub streams: u32,
    pub data_width: u32,
}

pub(crate) fn squeeze(module: &SqueezeModule) -> ModuleResources {
    let (c_a, c_b) = (u64::from(module.coarse_in), u64::from(module.coarse_out));
    let lcm = c_a / gcd(c_a, c_b) * c_b;
    let word = u64::from(module.streams) * u64::from(module.data_width);
    let buffer_depth = lcm / c_a + 1;
    let buffers = bram18(buffer_depth, width(word), RamUse::Fifo) * saturating_u32(lcm);
    let buffer_lutram = if buffers == Bram18::ZERO { lcm * lutram_luts(buffer_depth, width(word)) } else { 0 };
    let features = Features {
        logic_lut: [
            f(lcm / c_a),
            f(word * c_b * (lcm / c_b)),
            f(lcm / c_a),
            f(lcm / c_b),
            f(c_a),
            f(c_b),
            f(word * c_b),
            1.0,
        ],
        lut_ram: [f(buffer_lutram)],
        lut_sr: [1.0],
        ff: [bits(lcm / c_a), f(lcm), f(word * c_b), f(c_b), f(c_b * u64::from(address_bits(lcm / c_b))), 1.0],
    };
    ModuleResources { bram: buffers, ..features.regress(&SQUEEZE) }
}

/// Copies each window (`kernel_words` words per stream) to `fan_out` consumers.
pub(crate) struct ForkModule {
    pub kernel_words: u32,
    pub fan_out: u32,
    pub streams: u32,
    pub data_width: u32,
}

pub(crate) fn fork(module: &ForkModule) -> ModuleResources {
    let (s, k, c, w) = (
        u64::from(module.streams),
        u64::from(module.kernel_words),
        u64::from(module.fan_out),
        u64::from(module.data_width),
    );
    Features {
        logic_lut: [f(s * k), f(s * w * k), f(s * k * c), f(s * w * k * c), 1.0],
        lut_ram: [1.0],
        lut_sr: [1.0],
        ff: [f(s * k), f(s * w * k * c), 1.0],
    }
    .regress(&FORK)
}

/// The multiply-accumulate array: `fine` products per stream and cycle, summed.
pub(crate) struct VectorDotModule {
    pub filters: u32,
    pub fine: u32,
    pub streams: u32,
    pub data_width: u32,
    pub weight_width: u32,
    pub accumulator_width: u32,
}

/// LUT and FF of the vector dot product; its DSPs are counted by [`vector_dot_dsp`].
pub(crate) fn vector_dot(module: &VectorDotModule) -> ModuleResources {
    let (s, fine, filters) = (u64::from(module.streams), u64::from(module.fine), u64::from(module.filters));
    let (w_d, w_w, w_a) =
        (u64::from(module.data_width), u64::from(module.weight_width), u64::from(module.accumulator_width));
    let tree_depth = u64::from(address_bits(fine)) + 1;
    Features {
        logic_lut: [
            f(fine),
            f(w_d),
            f(w_w),
            f(s * w_d * fine),
            f(s * w_w * fine),
            f(s * w_a * fine),
            f(filters),
            bits(filters),
            1.0,
        ],
        lut_ram: [f(lutram_luts(tree_depth, width(s * w_a))), 1.0],
        lut_sr: [f(tree_depth)],
        ff: [f(w_a), f(filters), f(fine), bits(filters), f(tree_depth), f(s * w_a * fine), f(s * w_a), 1.0],
    }
    .regress(&VECTOR_DOT)
}

/// DSP slices of the multipliers before any rounding: one per ≤18×27-bit product, two 8-bit or four 4-bit
/// products packed per slice.
pub(crate) fn vector_dot_dsp(module: &VectorDotModule) -> f64 {
    let products = f64::from(module.streams) * f64::from(module.fine);
    let per_product = f64::from(module.data_width.div_ceil(18)) * f64::from(module.weight_width.div_ceil(27));
    let packing = if module.weight_width <= 4 && module.data_width <= 4 {
        0.25
    } else if module.weight_width <= 8 && module.data_width <= 8 {
        0.5
    } else {
        1.0
    };
    products * per_product * packing
}

/// Accumulates partial sums over `channels` input words for each of `filters` outputs.
pub(crate) struct AccumModule {
    pub channels: u32,
    pub filters: u32,
    pub streams: u32,
    pub accumulator_width: u32,
}

pub(crate) fn accum(module: &AccumModule) -> ModuleResources {
    let (s, channels, filters, w_a) = (
        u64::from(module.streams),
        u64::from(module.channels),
        u64::from(module.filters),
        u64::from(module.accumulator_width),
    );
    Features {
        logic_lut: [f(filters), f(channels), f(s * w_a), f(s), bits(channels), bits(filters), 1.0],
        lut_ram: [f(lutram_luts(2, width(s * w_a))), f(s * w_a * filters), f(s * w_a), f(s * filters)],
        lut_sr: [1.0],
        ff: [f(w_a), f(s * w_a), bits(channels), bits(filters), f(channels), f(filters), 1.0],
    }
    .regress(&ACCUM)
}

/// Adds the partial sums of the `coarse_in` input-channel streams.
pub(crate) struct GlueModule {
    pub coarse_in: u32,
    pub accumulator_width: u32,
}

pub(crate) fn glue(module: &GlueModule) -> ModuleResources {
    // Packed into a single stream in the chisel backend.
    let s = 1u64;
    let (c_in, w_a) = (u64::from(module.coarse_in), u64::from(module.accumulator_width));
    let adder_bits = u64::from(address_bits(c_in));
    Features {
        logic_lut: [f(s * w_a * c_in), f(s * w_a * adder_bits), f(c_in), 1.0],
        lut_ram: [f(lutram_luts(adder_bits + 1, width(s * w_a))), 1.0],
        lut_sr: [f(adder_bits), 1.0],
        ff: [f(c_in), f(s * w_a), f(adder_bits), f(s * w_a * (1 << adder_bits)), f(s * w_a * c_in), 1.0],
    }
    .regress(&GLUE)
}

/// Adds the bias to each output stream.
pub(crate) struct BiasModule {
    pub streams: u32,
    pub output_width: u32,
}

pub(crate) fn bias(module: &BiasModule) -> ModuleResources {
    // The module's own channel count stays at 1 inside a layer (its coefficients are zero anyway).
    let channels = 1u64;
    let word = u64::from(module.streams) * u64::from(module.output_width);
    Features { logic_lut: [f(word)], lut_ram: [f(word * channels)], lut_sr: [1.0], ff: [f(word), bits(channels), 1.0] }
        .regress(&BIAS)
}

/// Reduces each k_r × k_c window to one word.
pub(crate) struct PoolModule {
    pub kernel_rows: u32,
    pub kernel_cols: u32,
    pub streams: u32,
    pub data_width: u32,
}

pub(crate) fn pool(module: &PoolModule) -> ModuleResources {
    let (kr, kc) = (u64::from(module.kernel_rows), u64::from(module.kernel_cols));
    let word = u64::from(module.streams) * u64::from(module.data_width);
    let kernel = kr * kc;
    Features {
        logic_lut: [f(kernel), f(word * kernel), f(word * u64::from(address_bits(kernel))), f(kr), f(kc), 1.0],
        lut_ram: [f(lutram_luts(u64::from(address_bits(kernel)) + 1, width(word))), 1.0],
        lut_sr: [1.0],
        ff: [f(word), f(word * kernel), bits(kernel), 1.0],
    }
    .regress(&POOL)
}

/// Accumulates a whole channel plane per channel (one stream).
pub(crate) struct GlobalPoolModule {
    pub rows: u32,
    pub cols: u32,
    /// Channels per stream.
    pub channels: u32,
    pub data_width: u32,
    pub accumulator_width: u32,
}

pub(crate) fn global_pool(module: &GlobalPoolModule) -> ModuleResources {
    let (w_d, w_a, channels) =
        (u64::from(module.data_width), u64::from(module.accumulator_width), u64::from(module.channels));
    let plane = u64::from(module.rows) * u64::from(module.cols);
    let resources = Features {
        logic_lut: [f(w_a), f(w_d), bits(channels), bits(plane), 1.0],
        lut_ram: [f(lutram_luts(4, module.data_width))],
        lut_sr: [1.0],
        ff: [f(w_d), bits(channels), bits(plane), f(w_a * channels), 1.0],
    }
    .regress(&GLOBAL_POOL);
    let dsp = f64::from(module.data_width.div_ceil(18) * module.accumulator_width.div_ceil(27));
    ModuleResources { dsp, ..resources }
}

/// A word width as the RAM models take it; widths of real designs are far below `u32::MAX`.
fn width(bits: u64) -> u32 {
    saturating_u32(bits)
}

fn saturating_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Conv_3 of the AutoWS example, module by module (AUTOWS.md §2.6.5).
    #[test]
    fn conv3_modules_match_the_worked_example() {
        let window = sliding_window(&SlidingWindowModule {
            rows: 56,
            cols: 56,
            channels: 64,
            streams: 1,
            data_width: 5,
            kernel_rows: 3,
            kernel_cols: 3,
        });
        assert_eq!((window.lut, window.ff, window.bram), (273, 279, Bram18(4)));
        let fork = fork(&ForkModule { kernel_words: 9, fan_out: 16, streams: 1, data_width: 5 });
        assert_eq!((fork.lut, fork.ff), (27, 110));
        let dot =
            VectorDotModule { filters: 4, fine: 9, streams: 16, data_width: 5, weight_width: 4, accumulator_width: 9 };
        let dot_resources = vector_dot(&dot);
        assert_eq!((dot_resources.lut, dot_resources.ff, vector_dot_dsp(&dot)), (1328, 2058, 72.0));
        let accum = accum(&AccumModule { channels: 64, filters: 4, streams: 16, accumulator_width: 9 });
        assert_eq!((accum.lut, accum.ff), (787, 463));
        let bias = bias(&BiasModule { streams: 16, output_width: 5 });
        assert_eq!((bias.lut, bias.ff), (64, 174));
    }

    #[test]
    fn squeeze_16_to_1() {
        let resources = squeeze(&SqueezeModule { coarse_in: 16, coarse_out: 1, streams: 1, data_width: 5 });
        assert_eq!((resources.lut, resources.ff, resources.bram), (4744, 1379, Bram18(0)));
    }

    #[test]
    fn dsp_packing_depends_on_both_widths() {
        let mut dot =
            VectorDotModule { filters: 1, fine: 1, streams: 8, data_width: 4, weight_width: 4, accumulator_width: 9 };
        assert_eq!(vector_dot_dsp(&dot), 2.0);
        dot.data_width = 8;
        assert_eq!(vector_dot_dsp(&dot), 4.0);
        dot.data_width = 16;
        assert_eq!(vector_dot_dsp(&dot), 8.0);
        dot.data_width = 20;
        assert_eq!(vector_dot_dsp(&dot), 16.0);
    }
}
