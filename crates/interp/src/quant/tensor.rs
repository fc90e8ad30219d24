//! Quantised tensors: integer codes with their fixed-point format.

use super::format::FixedFormat;
use autows_network::{Tensor, TensorData};

/// A tensor of fixed-point codes, all in one format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantTensor {
    /// Dimension sizes.
    pub shape: Vec<i64>,
    /// The codes, row-major.
    pub codes: Vec<i32>,
    /// What the codes stand for.
    pub format: FixedFormat,
}

impl QuantTensor {
    /// Quantises float values to `format`, rounding half to even and saturating.
    pub fn quantize(shape: Vec<i64>, values: &[f32], format: FixedFormat) -> Self {
        Self { shape, codes: values.iter().map(|&v| format.quantize(v)).collect(), format }
    }

    /// The values the codes stand for, as a float tensor (exact for formats of up to 24 bits).
    pub fn to_f32(&self) -> Tensor {
        let values: Vec<f32> = self.codes.iter().map(|&code| self.format.to_f32(code)).collect();
        Tensor { shape: self.shape.clone(), data: TensorData::F32(values.into()) }
    }

    /// The codes as an `i32` tensor, the form the hardware simulation produces.
    pub fn to_tensor(&self) -> Tensor {
        Tensor { shape: self.shape.clone(), data: TensorData::I32(self.codes.clone().into()) }
    }
}

/// One network output of a quantised evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantOutput {
    /// The integer result, bit for bit what the hardware must produce.
    pub fixed: QuantTensor,
    /// The same result as floats, to compare with the float reference.
    pub real: Tensor,
}
