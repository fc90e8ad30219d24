//! Convolution and matrix products in `f32`.

use super::{float_tensor, floats};
use crate::{
    error::Fault,
    kernels::{
        broadcast::broadcast_zip,
        conv::{conv2d as conv_kernel, convolution},
        dims,
        matmul::{matmul as matmul_kernel, oriented},
    },
};
use autows_network::Tensor;

/// `conv2d`: the products summed as [`crate::kernels::conv`] documents, then the bias added.
pub(crate) fn conv2d(
    input: &Tensor,
    weight: &Tensor,
    bias: Option<&Tensor>,
    params: ([i64; 2], [i64; 4], [i64; 2], i64),
) -> Result<Tensor, Fault> {
    let (out_shape, shape) = convolution(&input.shape, &weight.shape, bias.map(|b| b.shape.as_slice()), params)?;
    let mut out = conv_kernel(&shape, floats(input, "the input")?, floats(weight, "the weight")?);
    if let Some(bias) = bias {
        let bias = floats(bias, "the bias")?;
        let plane = shape.output_plane();
        if plane > 0 {
            for (index, values) in out.chunks_mut(plane).enumerate() {
                let b = bias[index % shape.filters];
                values.iter_mut().for_each(|v| *v += b);
            }
        }
    }
    Ok(float_tensor(out_shape, out))
}

/// `gemm`: `alpha * (op(a) op(b)) + beta * c`, the product summed with the inner index ascending, then scaled,
/// then `beta * c` added.
pub(crate) fn gemm(
    a: &Tensor,
    b: &Tensor,
    c: Option<&Tensor>,
    (trans_a, trans_b): (bool, bool),
    (alpha, beta): (f32, f32),
) -> Result<Tensor, Fault> {
    let out_shape = autows_shape::gemm(&a.shape, &b.shape, c.map(|c| c.shape.as_slice()), trans_a, trans_b)?;
    let (a_dims, b_dims) = (dims(&a.shape), dims(&b.shape));
    let (m, n) = (dims(&out_shape)[0], dims(&out_shape)[1]);
    let k = if trans_a { a_dims[0] } else { a_dims[1] };
    let a_rows = oriented(floats(a, "'a'")?, &a_dims, trans_a);
    let b_rows = oriented(floats(b, "'b'")?, &b_dims, trans_b);
    let mut out = matmul_kernel(&a_rows, &b_rows, m, k, n);
    out.iter_mut().for_each(|v| *v *= alpha);
    if let Some(c) = c {
        let c_values = floats(c, "'c'")?;
        out = broadcast_zip(&[m, n], (&out, &[m, n]), (c_values, &dims(&c.shape)), |y, c| y + beta * c);
    }
    Ok(float_tensor(out_shape, out))
}

/// `matmul` with broadcast leading dimensions: one matrix product per index of the broadcast batch shape.
pub(crate) fn matmul(a: &Tensor, b: &Tensor) -> Result<Tensor, Fault> {
    let out_shape = autows_shape::matmul(&a.shape, &b.shape)?;
    let (a_dims, b_dims, out_dims) = (dims(&a.shape), dims(&b.shape), dims(&out_shape));
    let (a_rank, b_rank, out_rank) = (a_dims.len(), b_dims.len(), out_dims.len());
    let (m, k, n) = (a_dims[a_rank - 2], a_dims[a_rank - 1], b_dims[b_rank - 1]);
    let (a_batch, b_batch) = (&a_dims[..a_rank - 2], &b_dims[..b_rank - 2]);
    let a_indices: Vec<usize> = (0..a_batch.iter().product()).collect();
    let b_indices: Vec<usize> = (0..b_batch.iter().product()).collect();
    let pairs = broadcast_zip(&out_dims[..out_rank - 2], (&a_indices, a_batch), (&b_indices, b_batch), |i, j| (i, j));
    let (a_values, b_values) = (floats(a, "the left operand")?, floats(b, "the right operand")?);
    let mut out = Vec::with_capacity(pairs.len() * m * n);
    for (i, j) in pairs {
        let a_matrix = &a_values[i * m * k..(i + 1) * m * k];
        let b_matrix = &b_values[j * k * n..(j + 1) * k * n];
        out.extend(matmul_kernel(a_matrix, b_matrix, m, k, n));
    }
    Ok(float_tensor(out_shape, out))
}
