//! Batch normalisation and softmax in `f32`.

use super::{float_tensor, floats};
use crate::{error::Fault, kernels::dims};
use autows_network::Tensor;

/// Inference batch normalisation: `(x - mean) * (scale / sqrt(variance + epsilon)) + bias` per channel
/// (dimension 1), the factor computed once per channel.
pub(crate) fn batch_norm(input: &Tensor, params: &[&Tensor], epsilon: f32) -> Result<Tensor, Fault> {
    let shapes: Vec<&[i64]> = params.iter().map(|p| p.shape.as_slice()).collect();
    let out_shape = autows_shape::batchnorm(&input.shape, &shapes)?;
    let [scale, bias, mean, variance] = [0, 1, 2, 3].map(|index| floats(params[index], "a parameter"));
    let (scale, bias, mean, variance) = (scale?, bias?, mean?, variance?);
    let input_dims = dims(&input.shape);
    let channels = input_dims[1];
    let inner: usize = input_dims[2..].iter().product();
    let factors: Vec<f32> = (0..channels).map(|c| scale[c] / (variance[c] + epsilon).sqrt()).collect();
    let values = floats(input, "the input")?;
    let mut out = Vec::with_capacity(values.len());
    for (index, &x) in values.iter().enumerate() {
        let channel = (index / inner.max(1)) % channels.max(1);
        out.push((x - mean[channel]) * factors[channel] + bias[channel]);
    }
    Ok(float_tensor(out_shape, out))
}

/// Softmax along `axis`: the maximum subtracted first so `exp` never overflows, the exponentials summed in
/// index order, each divided by the sum.
pub(crate) fn softmax(input: &Tensor, axis: i64) -> Result<Tensor, Fault> {
    let along = autows_shape::axis(axis, input.shape.len())?;
    let input_dims = dims(&input.shape);
    let len = input_dims[along];
    let inner: usize = input_dims[along + 1..].iter().product();
    let outer: usize = input_dims[..along].iter().product();
    let values = floats(input, "the input")?;
    let mut out = vec![0.0f32; values.len()];
    for o in 0..outer {
        for i in 0..inner {
            let at = |j: usize| (o * len + j) * inner + i;
            let max = (0..len).map(|j| values[at(j)]).fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0.0f32;
            for j in 0..len {
                let e = (values[at(j)] - max).exp();
                out[at(j)] = e;
                sum += e;
            }
            for j in 0..len {
                out[at(j)] /= sum;
            }
        }
    }
    Ok(float_tensor(input.shape.clone(), out))
}
