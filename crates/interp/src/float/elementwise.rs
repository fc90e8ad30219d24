//! Element-wise operations: unary maps and broadcasting binary arithmetic.

use super::{float_tensor, floats};
use crate::{
    error::Fault,
    kernels::{broadcast::broadcast_zip, dims},
};
use autows_network::Tensor;
use autows_shape::broadcast;

/// `f` on every element.
pub(crate) fn unary(x: &Tensor, f: impl Fn(f32) -> f32) -> Result<Tensor, Fault> {
    let values = floats(x, "the operand")?;
    Ok(float_tensor(x.shape.clone(), values.iter().map(|&v| f(v)).collect()))
}

/// `f` on the NumPy broadcast of two operands.
pub(crate) fn binary(a: &Tensor, b: &Tensor, f: impl FnMut(f32, f32) -> f32) -> Result<Tensor, Fault> {
    let out_shape = broadcast(&a.shape, &b.shape)?;
    let (a_values, b_values) = (floats(a, "the left operand")?, floats(b, "the right operand")?);
    let values = broadcast_zip(&dims(&out_shape), (a_values, &dims(&a.shape)), (b_values, &dims(&b.shape)), f);
    Ok(float_tensor(out_shape, values))
}

/// The logistic function, written so that neither branch overflows: `exp` only ever sees a non-positive
/// argument.
pub(crate) fn sigmoid(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// `x * relu6(x + 3) / 6`, evaluated in that order.
pub(crate) fn hard_swish(x: f32) -> f32 {
    x * (x + 3.0).clamp(0.0, 6.0) / 6.0
}
