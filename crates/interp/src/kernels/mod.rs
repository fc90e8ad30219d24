//! Loop nests shared by the float and the quantised evaluation. Each is generic over the element type, so the
//! float reference and the integer model walk windows, broadcasts and layouts in exactly the same way and differ
//! only in their arithmetic.

pub(crate) mod broadcast;
pub(crate) mod conv;
pub(crate) mod layout;
pub(crate) mod matmul;
pub(crate) mod pool;
pub(crate) mod window;

use std::ops::{Add, Mul};

/// A number the convolution and matrix kernels multiply and accumulate: `f32` for the float reference (summed
/// one product at a time in the documented order, never fused) and `i64` for the exact integer accumulator.
pub(crate) trait Element: Copy + Default + Add<Output = Self> + Mul<Output = Self> {}

impl Element for f32 {}
impl Element for i64 {}

/// Converts validated (non-negative) dimensions to sizes.
pub(crate) fn dims(shape: &[i64]) -> Vec<usize> {
    shape.iter().map(|&dim| usize::try_from(dim).unwrap_or(0)).collect()
}
