//! Signed fixed-point numbers and the three rounding steps the quantised datapath uses.

use std::fmt;

/// A signed two's complement fixed-point format: a code `q` of `width` bits stands for `q * 2^-binary_point`.
///
/// Conversions from floats round to the nearest code, ties to even, and saturate to the format's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FixedFormat {
    width: u32,
    binary_point: i32,
}

impl FixedFormat {
    /// The widest format: codes are stored in an `i32`.
    pub const MAX_WIDTH: u32 = 32;
    /// The largest magnitude of a binary point, which keeps every scale factor an exact `f64`.
    pub const MAX_BINARY_POINT: i32 = 64;

    /// A format of `width` bits (1 to 32) with `binary_point` fractional bits (-64 to 64, negative meaning the
    /// codes count multiples of a power of two above one); `None` outside those ranges.
    pub fn new(width: u32, binary_point: i32) -> Option<Self> {
        let valid = (1..=Self::MAX_WIDTH).contains(&width) && binary_point.abs() <= Self::MAX_BINARY_POINT;
        valid.then_some(Self { width, binary_point })
    }

    /// A format whose ranges the caller has already checked.
    pub(crate) fn from_checked(width: u32, binary_point: i32) -> Self {
        Self { width, binary_point }
    }

    /// Bits per code, sign included.
    pub fn width(self) -> u32 {
        self.width
    }

    /// Fractional bits: the code's weight is `2^-binary_point`.
    pub fn binary_point(self) -> i32 {
        self.binary_point
    }

    /// The smallest code, `-2^(width-1)`.
    pub fn min_code(self) -> i32 {
        (-(1i64 << (self.width - 1))) as i32
    }

    /// The largest code, `2^(width-1) - 1`.
    pub fn max_code(self) -> i32 {
        ((1i64 << (self.width - 1)) - 1) as i32
    }

    /// The value of one code step, `2^-binary_point`.
    pub fn step(self) -> f64 {
        pow2(-self.binary_point)
    }

    /// Clamps an exact integer to the format's codes.
    pub fn saturate(self, value: i128) -> i32 {
        value.clamp(i128::from(self.min_code()), i128::from(self.max_code())) as i32
    }

    /// The code nearest to `value`: `value * 2^binary_point` (exact in `f64`) rounded half to even, then
    /// saturated. Infinities saturate; NaN maps to zero.
    pub fn quantize(self, value: f32) -> i32 {
        if value.is_nan() {
            return 0;
        }
        let scaled = (f64::from(value) * pow2(self.binary_point)).round_ties_even();
        scaled.clamp(f64::from(self.min_code()), f64::from(self.max_code())) as i32
    }

    /// The value a code stands for, as `f32`: exact whenever the code has at most 24 significant bits, which
    /// every format the quantised evaluation uses (at most 16 bits) satisfies.
    pub fn to_f32(self, code: i32) -> f32 {
        (f64::from(code) * self.step()) as f32
    }
}

impl fmt::Display for FixedFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fixed<{}, {}>", self.width, self.binary_point)
    }
}

/// `2^exponent` as an exact `f64`, built from its bits (`exponent` within the normal range, -1022 to 1023).
pub(crate) fn pow2(exponent: i32) -> f64 {
    let exponent = exponent.clamp(-1022, 1023);
    f64::from_bits(((exponent + 1023) as u64) << 52)
}

/// `value / 2^shift` rounded to the nearest integer, ties to even. Shifts of 128 or more give zero.
pub fn round_shift(value: i128, shift: u32) -> i128 {
    if shift == 0 {
        return value;
    }
    if shift >= 128 {
        return 0;
    }
    // An arithmetic shift is a floor division; the remainder is what it dropped, in [0, 2^shift).
    let floor = value >> shift;
    let remainder = value.wrapping_sub(floor.wrapping_shl(shift));
    let half = 1i128 << (shift - 1);
    if remainder > half || (remainder == half && floor & 1 == 1) {
        floor + 1
    } else {
        floor
    }
}

/// `sum / divisor` (`divisor` positive) rounded to the nearest integer, ties to even.
pub fn round_div(sum: i64, divisor: i64) -> i64 {
    let (floor, remainder) = (sum.div_euclid(divisor), sum.rem_euclid(divisor));
    let twice = i128::from(remainder) * 2;
    let divisor = i128::from(divisor);
    if twice > divisor || (twice == divisor && floor & 1 == 1) {
        floor + 1
    } else {
        floor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantize_rounds_half_to_even_and_saturates() {
        let a5 = FixedFormat::new(5, 2).unwrap();
        assert_eq!((a5.min_code(), a5.max_code()), (-16, 15));
        // Steps of 0.25: 0.125 is half way between 0 and 0.25, 0.375 between 0.25 and 0.5.
        assert_eq!(a5.quantize(0.125), 0);
        assert_eq!(a5.quantize(0.375), 2);
        assert_eq!(a5.quantize(-0.125), 0);
        assert_eq!(a5.quantize(-0.375), -2);
        assert_eq!(a5.quantize(0.13), 1);
        assert_eq!(a5.quantize(3.75), 15);
        assert_eq!(a5.quantize(3.9), 15);
        assert_eq!(a5.quantize(-4.0), -16);
        assert_eq!(a5.quantize(-100.0), -16);
        assert_eq!(a5.quantize(f32::INFINITY), 15);
        assert_eq!(a5.quantize(f32::NEG_INFINITY), -16);
        assert_eq!(a5.quantize(f32::NAN), 0);
        assert_eq!(a5.to_f32(-7), -1.75);
    }

    #[test]
    fn wide_and_negative_binary_points() {
        let wide = FixedFormat::new(32, 0).unwrap();
        assert_eq!((wide.min_code(), wide.max_code()), (i32::MIN, i32::MAX));
        assert_eq!(wide.quantize(1e20), i32::MAX);
        let coarse = FixedFormat::new(8, -2).unwrap();
        assert_eq!(coarse.quantize(6.0), 2); // 6/4 = 1.5 rounds to the even 2
        assert_eq!(coarse.quantize(10.0), 2); // 10/4 = 2.5 rounds to the even 2
        assert!(FixedFormat::new(0, 0).is_none());
        assert!(FixedFormat::new(33, 0).is_none());
        assert!(FixedFormat::new(8, 65).is_none());
    }

    #[test]
    fn rounding_shift_and_division() {
        assert_eq!(round_shift(5, 1), 2); // 2.5
        assert_eq!(round_shift(7, 1), 4); // 3.5
        assert_eq!(round_shift(-5, 1), -2); // -2.5
        assert_eq!(round_shift(-7, 1), -4); // -3.5
        assert_eq!(round_shift(-6, 2), -2); // -1.5
        assert_eq!(round_shift(-5, 2), -1); // -1.25
        assert_eq!(round_shift(11, 2), 3); // 2.75
        assert_eq!(round_shift(i128::MIN, 127), -1);
        assert_eq!(round_shift(i128::MAX, 200), 0);
        assert_eq!(round_div(5, 2), 2);
        assert_eq!(round_div(7, 2), 4);
        assert_eq!(round_div(-5, 2), -2);
        assert_eq!(round_div(-7, 2), -4);
        assert_eq!(round_div(10, 4), 2);
        assert_eq!(round_div(-10, 3), -3);
        assert_eq!(round_div(-11, 3), -4);
    }

    #[test]
    fn powers_of_two_are_exact() {
        assert_eq!(pow2(0), 1.0);
        assert_eq!(pow2(3), 8.0);
        assert_eq!(pow2(-2), 0.25);
    }
}
