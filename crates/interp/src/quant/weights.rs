//! Weights as integers: channel block floating point, or plain fixed point as its special case with one fixed
//! exponent.

use super::{
    format::{pow2, FixedFormat},
    spec::WeightScheme,
};
use thiserror::Error;

/// The smallest shared exponent. Channels whose weights are all below `2^(MIN_EXPONENT - 1)` quantise to zero
/// mantissas rather than get an ever smaller exponent; the hardware's exponent field is 6 bits.
pub const MIN_EXPONENT: i32 = -32;
/// The largest shared exponent.
pub const MAX_EXPONENT: i32 = 31;

/// Weights that cannot be quantised.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum WeightQuantError {
    /// A weight is infinite or NaN.
    #[error("weight {index} of output channel {channel} is {value}, which has no integer form")]
    NonFinite {
        /// The output channel.
        channel: usize,
        /// The weight's index within the channel.
        index: usize,
        /// The weight.
        value: f32,
    },
    /// A channel's weights are so large their exponent exceeds [`MAX_EXPONENT`].
    #[error("output channel {channel} needs weight exponent {exponent}, beyond the largest, {MAX_EXPONENT}")]
    ExponentRange {
        /// The output channel.
        channel: usize,
        /// The exponent it needs.
        exponent: i32,
    },
}

/// A layer's weights as integers: weight `i` of output channel `c` stands for
/// `mantissas[c * channel_len + i] * 2^exponents[c]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelWeights {
    /// Bits of each mantissa, sign included.
    pub mantissa_bits: u32,
    /// Weights per output channel.
    pub channel_len: usize,
    /// The shared exponent of each output channel.
    pub exponents: Vec<i32>,
    /// The mantissas, channel after channel.
    pub mantissas: Vec<i32>,
}

/// Quantises `values`, laid out as `channels` consecutive runs of equal length, to `bits`-bit mantissas.
///
/// Channel block floating point picks, per channel, the smallest exponent `e` in
/// [[`MIN_EXPONENT`], [`MAX_EXPONENT`]] for which the channel's largest magnitude `m` rounds to at most
/// `2^(bits-1) - 1` (so the most negative code is never used and the format is symmetric): with
/// `m = f * 2^k`, `f` in [0.5, 1), that is `k - (bits - 1)`, or one more when `m` rounds up to `2^(bits-1)`. An
/// all-zero channel gets exponent 0. Fixed point uses `-binary_point` for every channel. Each mantissa is then
/// `w * 2^-e` (exact in `f64`) rounded half to even and saturated to `bits` bits.
pub fn quantize_channels(
    values: &[f32],
    channels: usize,
    bits: u32,
    scheme: WeightScheme,
) -> Result<ChannelWeights, WeightQuantError> {
    let channel_len = values.len().checked_div(channels).unwrap_or(0);
    let format = FixedFormat::from_checked(bits, 0);
    let mut exponents = Vec::with_capacity(channels);
    let mut mantissas = Vec::with_capacity(values.len());
    for channel in 0..channels {
        let weights = &values[channel * channel_len..(channel + 1) * channel_len];
        if let Some(index) = weights.iter().position(|w| !w.is_finite()) {
            return Err(WeightQuantError::NonFinite { channel, index, value: weights[index] });
        }
        let exponent = match scheme {
            WeightScheme::ChannelBfp => {
                let largest = weights.iter().fold(0.0f32, |largest, w| largest.max(w.abs()));
                shared_exponent(largest, bits)
            }
            WeightScheme::FixedPoint { binary_point } => -binary_point,
        };
        if exponent > MAX_EXPONENT {
            return Err(WeightQuantError::ExponentRange { channel, exponent });
        }
        let scale = pow2(-exponent);
        mantissas.extend(weights.iter().map(|&w| {
            let code = (f64::from(w) * scale).round_ties_even();
            code.clamp(f64::from(format.min_code()), f64::from(format.max_code())) as i32
        }));
        exponents.push(exponent);
    }
    Ok(ChannelWeights { mantissa_bits: bits, channel_len, exponents, mantissas })
}

/// The smallest exponent (at least [`MIN_EXPONENT`]) at which `largest` fits a symmetric `bits`-bit mantissa.
fn shared_exponent(largest: f32, bits: u32) -> i32 {
    if largest == 0.0 {
        return 0;
    }
    let largest = f64::from(largest);
    // `largest` is a normal f64 (every f32 is), so its exponent field gives k with largest = f * 2^k, f in [0.5, 1).
    let k = ((largest.to_bits() >> 52) & 0x7ff) as i32 - 1022;
    let limit = f64::from((1i32 << (bits - 1)) - 1);
    let mut exponent = k - (bits as i32 - 1);
    if (largest * pow2(-exponent)).round_ties_even() > limit {
        exponent += 1;
    }
    exponent.max(MIN_EXPONENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_fit_the_largest_magnitude() {
        // 4-bit mantissas reach 7: 1.0 needs steps of 0.25 (4 * 0.25), 0.9 fits steps of 0.125 (7.2 -> 7),
        // 0.95 would round to 8 at 0.125 and so takes 0.25.
        assert_eq!(shared_exponent(1.0, 4), -2);
        assert_eq!(shared_exponent(0.9, 4), -3);
        assert_eq!(shared_exponent(0.95, 4), -2);
        assert_eq!(shared_exponent(7.0, 4), 0);
        assert_eq!(shared_exponent(7.5, 4), 1);
        assert_eq!(shared_exponent(1e-30, 4), MIN_EXPONENT);
    }

    #[test]
    fn channels_quantise_independently() {
        let values = [1.0, -0.5, 0.25, 0.0, 0.1, -0.05, 0.0, 0.0, 0.0];
        let q = quantize_channels(&values, 3, 4, WeightScheme::ChannelBfp).unwrap();
        assert_eq!(q.exponents, [-2, -6, 0]);
        assert_eq!(q.mantissas, [4, -2, 1, 0, 6, -3, 0, 0, 0]);
        let fixed = quantize_channels(&values, 3, 4, WeightScheme::FixedPoint { binary_point: 3 }).unwrap();
        assert_eq!(fixed.exponents, [-3, -3, -3]);
        assert_eq!(fixed.mantissas, [7, -4, 2, 0, 1, 0, 0, 0, 0]);
        let bad = quantize_channels(&[0.0, f32::NAN], 1, 4, WeightScheme::ChannelBfp).unwrap_err();
        assert!(bad.to_string().contains("weight 1 of output channel 0"), "{bad}");
    }
}
