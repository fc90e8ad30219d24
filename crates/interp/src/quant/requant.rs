//! From an exact accumulator to an activation code: align by the channel's exponent, add the bias, round once.

use super::format::{pow2, round_shift, FixedFormat};
use thiserror::Error;

/// The largest bias magnitude in the sum format, `2^100`: with the shift limits of [`ChannelScale`] every sum
/// then fits an `i128` with room to spare.
const BIAS_LIMIT: f64 = 1_267_650_600_228_229_401_496_703_205_376.0;

/// A bias with no integer form in the sum format.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("bias {value} does not fit the sum format with {binary_point} fractional bits")]
pub struct BiasRangeError {
    /// The bias.
    pub value: f32,
    /// The sum format's fractional bits.
    pub binary_point: i32,
}

/// How one output channel's accumulator becomes an activation code.
///
/// The accumulator `acc` (products of mantissas and input codes) stands for `acc * 2^(e - p_in)`, with `e` the
/// channel's weight exponent and `p_in` the input's binary point. The sum format has
/// `p_sum = max(p_in - e, p_out)` fractional bits: fine enough for both the accumulator and the output, so
/// aligning the accumulator is an exact left shift by `p_sum - (p_in - e)`. The bias enters in the sum format,
/// and one rounding shift by `p_sum - p_out` (half to even) followed by saturation gives the output code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelScale {
    /// The channel's weight exponent `e`.
    pub exponent: i32,
    /// Fractional bits of the sum, `p_sum`.
    pub sum_binary_point: i32,
    /// Left shift of the accumulator into the sum format.
    pub align_shift: u32,
    /// Rounding right shift from the sum format to the output format.
    pub output_shift: u32,
    /// The output format.
    pub output: FixedFormat,
}

impl ChannelScale {
    /// The scale of a channel with weight exponent `exponent` reading inputs of `input` and producing `output`;
    /// `None` if the alignment would shift by more than [`Self::MAX_ALIGN_SHIFT`] bits (never within the ranges
    /// a [`super::QuantSpec`] and the weight exponents allow).
    pub fn new(exponent: i32, input: FixedFormat, output: FixedFormat) -> Option<Self> {
        let accumulator_point = i64::from(input.binary_point()) - i64::from(exponent);
        let sum_binary_point = accumulator_point.max(i64::from(output.binary_point()));
        let align_shift = sum_binary_point - accumulator_point;
        if align_shift > i64::from(Self::MAX_ALIGN_SHIFT) || sum_binary_point > 1000 {
            return None;
        }
        Some(Self {
            exponent,
            sum_binary_point: sum_binary_point as i32,
            align_shift: align_shift as u32,
            output_shift: (sum_binary_point - i64::from(output.binary_point())) as u32,
            output,
        })
    }

    /// The largest alignment shift: a 64-bit accumulator shifted this far, plus a bias below `2^100`, stays
    /// within an `i128`.
    pub const MAX_ALIGN_SHIFT: u32 = 63;

    /// The bias in the sum format: `bias * 2^p_sum` (exact in `f64`) rounded half to even.
    pub fn quantize_bias(&self, bias: f32) -> Result<i128, BiasRangeError> {
        let scaled = (f64::from(bias) * pow2(self.sum_binary_point)).round_ties_even();
        if scaled.is_nan() || scaled.abs() > BIAS_LIMIT {
            return Err(BiasRangeError { value: bias, binary_point: self.sum_binary_point });
        }
        Ok(scaled as i128)
    }

    /// The output code of accumulator `accumulator` with quantised bias `bias`:
    /// `saturate(round_shift((accumulator << align_shift) + bias, output_shift))`.
    pub fn apply(&self, accumulator: i64, bias: i128) -> i32 {
        let aligned = i128::from(accumulator) << self.align_shift;
        self.output.saturate(round_shift(aligned + bias, self.output_shift))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_format_shifts() {
        let a5 = FixedFormat::new(5, 2).unwrap();
        // Small weights (e = -3): the accumulator has 5 fractional bits; round away 3.
        let small = ChannelScale::new(-3, a5, a5).unwrap();
        assert_eq!((small.sum_binary_point, small.align_shift, small.output_shift), (5, 0, 3));
        // 12 / 32 = 0.375 -> 1.5 output steps -> 2 (ties to even); plus a bias of 0.25 (8 / 32) -> 20 / 32.
        assert_eq!(small.apply(12, 0), 2);
        assert_eq!(small.apply(12, small.quantize_bias(0.25).unwrap()), 2);
        assert_eq!(small.apply(-12, 0), -2);
        assert_eq!(small.apply(1000, 0), 15);
        assert_eq!(small.apply(-1000, 0), -16);
        // Large weights (e = 1): the accumulator steps are coarser than the output's, so it shifts left.
        let large = ChannelScale::new(1, a5, a5).unwrap();
        assert_eq!((large.sum_binary_point, large.align_shift, large.output_shift), (2, 1, 0));
        assert_eq!(large.apply(3, large.quantize_bias(-0.25).unwrap()), 5);
        assert!(small.quantize_bias(f32::NAN).is_err());
        assert!(small.quantize_bias(1e38).is_err());
        assert!(ChannelScale::new(64, FixedFormat::new(8, -64).unwrap(), a5).is_none());
    }
}
