//! What to quantise to: weight and activation widths, the activations' binary point and the weight scheme,
//! written as `w4a5` style strings.

use super::format::FixedFormat;
use std::{fmt, str::FromStr};
use thiserror::Error;

/// How weights become integers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WeightScheme {
    /// Channel block floating point: each output channel shares a power-of-two exponent chosen from its largest
    /// magnitude, so small and large channels both keep their precision.
    ChannelBfp,
    /// Plain fixed point: every weight of the layer has the same `binary_point`.
    FixedPoint {
        /// Fractional bits of every weight.
        binary_point: i32,
    },
}

/// A quantisation: `weight_bits`-bit weight mantissas in a [`WeightScheme`], and activations as
/// `activation_bits`-bit fixed point with `activation_binary_point` fractional bits. The fields are checked
/// when it is made, so every `QuantSpec` can be evaluated.
///
/// As a string: `w<weight bits>a<activation bits>[p<binary point>][-bfp|-fixed]`. The binary point defaults to
/// three integer bits, sign included (`activation bits - 3`, at least 0); the scheme defaults to channel block
/// floating point; `-fixed` gives the weights `weight bits - 1` fractional bits (the range [-1, 1)). So `w4a5` is
/// the reference AutoWS design: 4-bit channel BFP weights, 5-bit activations with binary point 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QuantSpec {
    weight_bits: u32,
    activation_bits: u32,
    activation_binary_point: i32,
    scheme: WeightScheme,
}

/// A quantisation that cannot be used, with the offending text.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum QuantSpecError {
    /// The string does not follow the grammar.
    #[error(
        "invalid quantisation '{spec}': {message}; write it as 'w<weight bits>a<activation bits>[p<binary point>][-bfp|-fixed]', e.g. 'w4a5'"
    )]
    Syntax {
        /// The text given.
        spec: String,
        /// What is wrong.
        message: String,
    },
    /// A width is outside the supported range.
    #[error("invalid quantisation '{spec}': {what} bits must be {min} to {max}, got {bits}")]
    Bits {
        /// The text given.
        spec: String,
        /// "weight" or "activation".
        what: &'static str,
        /// The width asked for.
        bits: u64,
        /// The smallest width.
        min: u32,
        /// The largest width.
        max: u32,
    },
    /// A binary point is outside the supported range.
    #[error("invalid quantisation '{spec}': the {what} binary point must be {min} to {max}, got {value}")]
    BinaryPoint {
        /// The text given.
        spec: String,
        /// "activation" or "weight".
        what: &'static str,
        /// The binary point asked for.
        value: i64,
        /// The smallest.
        min: i32,
        /// The largest.
        max: i32,
    },
    /// The weight scheme is not known.
    #[error("invalid quantisation '{spec}': unknown weight scheme '{scheme}'; use 'bfp' or 'fixed'")]
    Scheme {
        /// The text given.
        spec: String,
        /// The scheme asked for.
        scheme: String,
    },
}

impl QuantSpec {
    /// The narrowest weight or activation width: a sign bit and one magnitude bit.
    pub const MIN_BITS: u32 = 2;
    /// The widest weight or activation width. Sixteen bits keep every product within 32 bits and every
    /// accumulator within an `i64` for any layer with fewer than 2^31 products per output.
    pub const MAX_BITS: u32 = 16;
    /// The largest binary point of activations and fixed-point weights.
    pub const MAX_BINARY_POINT: i32 = 24;

    /// A checked quantisation.
    pub fn new(
        weight_bits: u32,
        activation_bits: u32,
        activation_binary_point: i32,
        scheme: WeightScheme,
    ) -> Result<Self, QuantSpecError> {
        let spec = Self { weight_bits, activation_bits, activation_binary_point, scheme };
        spec.check(&spec.to_string())?;
        Ok(spec)
    }

    /// The reference AutoWS design, `w4a5`: 4-bit channel BFP weights, 5-bit activations with binary point 2.
    pub fn reference() -> Self {
        Self { weight_bits: 4, activation_bits: 5, activation_binary_point: 2, scheme: WeightScheme::ChannelBfp }
    }

    fn check(&self, spec: &str) -> Result<(), QuantSpecError> {
        for (what, bits) in [("weight", self.weight_bits), ("activation", self.activation_bits)] {
            if !(Self::MIN_BITS..=Self::MAX_BITS).contains(&bits) {
                return Err(QuantSpecError::Bits {
                    spec: spec.to_string(),
                    what,
                    bits: u64::from(bits),
                    min: Self::MIN_BITS,
                    max: Self::MAX_BITS,
                });
            }
        }
        let mut points = vec![("activation", self.activation_binary_point)];
        if let WeightScheme::FixedPoint { binary_point } = self.scheme {
            points.push(("weight", binary_point));
        }
        for (what, value) in points {
            if !(0..=Self::MAX_BINARY_POINT).contains(&value) {
                return Err(QuantSpecError::BinaryPoint {
                    spec: spec.to_string(),
                    what,
                    value: i64::from(value),
                    min: 0,
                    max: Self::MAX_BINARY_POINT,
                });
            }
        }
        Ok(())
    }

    /// Bits of each weight mantissa (sign included).
    pub fn weight_bits(&self) -> u32 {
        self.weight_bits
    }

    /// Bits of each activation (sign included).
    pub fn activation_bits(&self) -> u32 {
        self.activation_bits
    }

    /// Fractional bits of each activation.
    pub fn activation_binary_point(&self) -> i32 {
        self.activation_binary_point
    }

    /// How weights are quantised.
    pub fn scheme(&self) -> WeightScheme {
        self.scheme
    }

    /// The format of every activation: network inputs and every quantised result.
    pub fn activation_format(&self) -> FixedFormat {
        FixedFormat::from_checked(self.activation_bits, self.activation_binary_point)
    }

    /// The accumulator width (sign included) that holds the sum of `terms` weight-activation products without
    /// overflow: `weight bits + activation bits + ceil(log2 terms)`. The hardware must be at least this wide
    /// to match the exact accumulator of the reference.
    pub fn accumulator_bits(&self, terms: u64) -> u32 {
        let growth = if terms <= 1 { 0 } else { u64::BITS - (terms - 1).leading_zeros() };
        self.weight_bits + self.activation_bits + growth
    }
}

impl fmt::Display for QuantSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "w{}a{}p{}", self.weight_bits, self.activation_bits, self.activation_binary_point)?;
        match self.scheme {
            WeightScheme::ChannelBfp => write!(f, "-bfp"),
            WeightScheme::FixedPoint { binary_point } if binary_point == self.weight_bits as i32 - 1 => {
                write!(f, "-fixed")
            }
            WeightScheme::FixedPoint { binary_point } => write!(f, "-fixed{binary_point}"),
        }
    }
}

/// Reads the digits at the start of `text`: the number (saturated, so huge numbers still report as too big)
/// and the rest.
fn number(text: &str) -> Option<(u64, &str)> {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    if end == 0 {
        return None;
    }
    let value =
        text[..end].bytes().fold(0u64, |value, digit| value.saturating_mul(10).saturating_add(u64::from(digit - b'0')));
    Some((value, &text[end..]))
}

impl FromStr for QuantSpec {
    type Err = QuantSpecError;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let syntax = |message: &str| QuantSpecError::Syntax { spec: spec.to_string(), message: message.to_string() };
        let rest = spec.strip_prefix('w').ok_or_else(|| syntax("it must start with 'w' and the weight bits"))?;
        let (weight_bits, rest) = number(rest).ok_or_else(|| syntax("expected the weight bits after 'w'"))?;
        let rest = rest.strip_prefix('a').ok_or_else(|| syntax("expected 'a' and the activation bits"))?;
        let (activation_bits, rest) = number(rest).ok_or_else(|| syntax("expected the activation bits after 'a'"))?;
        let (binary_point, rest) = match rest.strip_prefix('p') {
            Some(rest) => {
                let (point, rest) = number(rest).ok_or_else(|| syntax("expected the binary point after 'p'"))?;
                (Some(point), rest)
            }
            None => (None, rest),
        };
        let scheme = match rest {
            "" | "-bfp" => None,
            _ => match rest.strip_prefix("-fixed") {
                Some("") => Some(None),
                Some(point) => match number(point) {
                    Some((value, "")) => Some(Some(value)),
                    _ => return Err(syntax("expected the weight binary point after '-fixed'")),
                },
                None => match rest.strip_prefix('-') {
                    Some(name) => {
                        return Err(QuantSpecError::Scheme { spec: spec.to_string(), scheme: name.to_string() })
                    }
                    None => return Err(syntax(&format!("unexpected '{rest}'"))),
                },
            },
        };
        let bits = |what, bits: u64| {
            u32::try_from(bits).ok().filter(|&bits| bits <= QuantSpec::MAX_BITS).ok_or(QuantSpecError::Bits {
                spec: spec.to_string(),
                what,
                bits,
                min: QuantSpec::MIN_BITS,
                max: QuantSpec::MAX_BITS,
            })
        };
        let point = |what, value: u64| {
            i32::try_from(value).ok().filter(|&value| value <= QuantSpec::MAX_BINARY_POINT).ok_or(
                QuantSpecError::BinaryPoint {
                    spec: spec.to_string(),
                    what,
                    value: i64::try_from(value).unwrap_or(i64::MAX),
                    min: 0,
                    max: QuantSpec::MAX_BINARY_POINT,
                },
            )
        };
        let weight_bits = bits("weight", weight_bits)?;
        let activation_bits = bits("activation", activation_bits)?;
        let activation_binary_point = match binary_point {
            Some(value) => point("activation", value)?,
            None => (activation_bits as i32 - 3).max(0),
        };
        let scheme = match scheme {
            None => WeightScheme::ChannelBfp,
            Some(None) => WeightScheme::FixedPoint { binary_point: (weight_bits as i32 - 1).max(0) },
            Some(Some(value)) => WeightScheme::FixedPoint { binary_point: point("weight", value)? },
        };
        let parsed = Self { weight_bits, activation_bits, activation_binary_point, scheme };
        parsed.check(spec)?;
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_spelling() {
        let spec: QuantSpec = "w4a5".parse().unwrap();
        assert_eq!(spec, QuantSpec::reference());
        assert_eq!(spec.to_string(), "w4a5p2-bfp");
        assert_eq!(spec.to_string().parse::<QuantSpec>().unwrap(), spec);
    }

    #[test]
    fn options() {
        let spec: QuantSpec = "w8a8p4-fixed".parse().unwrap();
        assert_eq!(spec.scheme(), WeightScheme::FixedPoint { binary_point: 7 });
        assert_eq!(spec.activation_binary_point(), 4);
        assert_eq!(spec.to_string(), "w8a8p4-fixed");
        let spec: QuantSpec = "w8a8-fixed5".parse().unwrap();
        assert_eq!(spec.scheme(), WeightScheme::FixedPoint { binary_point: 5 });
        assert_eq!(spec.to_string().parse::<QuantSpec>().unwrap(), spec);
        assert_eq!("w2a2".parse::<QuantSpec>().unwrap().activation_binary_point(), 0);
    }

    #[test]
    fn accumulator_width() {
        let spec = QuantSpec::reference();
        assert_eq!(spec.accumulator_bits(1), 9);
        assert_eq!(spec.accumulator_bits(9), 13);
        assert_eq!(spec.accumulator_bits(576), 19);
        assert_eq!(spec.accumulator_bits(512), 18);
    }
}
