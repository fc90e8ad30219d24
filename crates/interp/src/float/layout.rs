//! Operations that move elements without arithmetic; they keep the element type, so integer constants pass
//! through them too.

use crate::{
    error::{fault, Fault},
    kernels::{
        dims,
        layout::{concat as concat_kernel, gather, pad_indices, transpose_indices},
    },
};
use autows_network::{PadMode, Tensor, TensorData};
use autows_shape::{axis as normal_axis, show};

/// The elements at `indices` of `data`, `fill` (converted to the element type) at [`crate::kernels::layout::FILL`].
fn gather_data(data: &TensorData, indices: &[usize], fill: f32) -> TensorData {
    match data {
        TensorData::F32(values) => TensorData::F32(gather(values, indices, fill).into()),
        TensorData::I64(values) => TensorData::I64(gather(values, indices, fill as i64).into()),
        TensorData::I32(values) => TensorData::I32(gather(values, indices, fill as i32).into()),
        TensorData::I8(values) => TensorData::I8(gather(values, indices, fill as i8).into()),
    }
}

/// `concat` of two tensors of one element type along `axis`.
pub(crate) fn concat(a: &Tensor, b: &Tensor, axis: i64) -> Result<Tensor, Fault> {
    let out_shape = autows_shape::concat(&a.shape, &b.shape, axis)?;
    let along = normal_axis(axis, a.shape.len())?;
    let (a_dims, b_dims) = (dims(&a.shape), dims(&b.shape));
    let outer: usize = a_dims[..along].iter().product();
    let a_chunk: usize = a_dims[along..].iter().product();
    let b_chunk: usize = b_dims[along..].iter().product();
    let chunks = (outer, a_chunk, b_chunk);
    let data = match (&a.data, &b.data) {
        (TensorData::F32(x), TensorData::F32(y)) => TensorData::F32(concat_kernel(x, y, chunks).into()),
        (TensorData::I64(x), TensorData::I64(y)) => TensorData::I64(concat_kernel(x, y, chunks).into()),
        (TensorData::I32(x), TensorData::I32(y)) => TensorData::I32(concat_kernel(x, y, chunks).into()),
        (TensorData::I8(x), TensorData::I8(y)) => TensorData::I8(concat_kernel(x, y, chunks).into()),
        (x, y) => {
            return fault(format!("cannot join {} and {} elements", x.element().mlir_name(), y.element().mlir_name()))
        }
    };
    Ok(Tensor { shape: out_shape, data })
}

/// `flatten` at `axis`: the same elements as a matrix.
pub(crate) fn flatten(input: &Tensor, axis: i64) -> Result<Tensor, Fault> {
    let shape = autows_shape::flatten(&input.shape, axis)?;
    Ok(Tensor { shape, data: input.data.clone() })
}

/// `reshape` to `target`: the same elements in another shape.
pub(crate) fn reshape(input: &Tensor, target: &[i64]) -> Result<Tensor, Fault> {
    check_target(target)?;
    let shape = autows_shape::reshape(&input.shape, target)?;
    Ok(Tensor { shape, data: input.data.clone() })
}

/// Checks that a reshape target has non-negative dimensions whose product is representable.
pub(crate) fn check_target(target: &[i64]) -> Result<(), Fault> {
    let count = target.iter().try_fold(1i64, |count, &dim| if dim < 0 { None } else { count.checked_mul(dim) });
    match count {
        Some(_) => Ok(()),
        None => fault(format!("cannot reshape to {}: not a valid shape", show(target))),
    }
}

/// Checks that padding `shape` by `pads` gives sizes that are representable, before the shape rule adds them.
pub(crate) fn check_pads(shape: &[i64], pads: &[i64]) -> Result<(), Fault> {
    let rank = shape.len();
    if pads.len() == 2 * rank {
        let mut sizes = shape.iter().enumerate().map(|(dim, &size)| {
            size.checked_add(pads[dim].max(0)).and_then(|size| size.checked_add(pads[dim + rank].max(0)))
        });
        let count = sizes.try_fold(1i64, |count, size| size.and_then(|size| count.checked_mul(size)));
        if count.is_none() {
            return fault(format!("padding by [{}] gives a tensor too large to represent", show(pads)));
        }
    }
    Ok(())
}

/// `transpose` by `perm`.
pub(crate) fn transpose(input: &Tensor, perm: &[i64]) -> Result<Tensor, Fault> {
    let shape = autows_shape::transpose(&input.shape, perm)?;
    let perm: Vec<usize> = perm.iter().map(|&axis| axis as usize).collect();
    let indices = transpose_indices(&dims(&input.shape), &perm);
    Ok(Tensor { shape, data: gather_data(&input.data, &indices, 0.0) })
}

/// `pad` by `pads` (all begins, then all ends) in `mode`; `value` fills the constant border.
pub(crate) fn pad(input: &Tensor, pads: &[i64], mode: PadMode, value: f32) -> Result<Tensor, Fault> {
    check_pads(&input.shape, pads)?;
    let shape = autows_shape::pad(&input.shape, pads)?;
    let rank = input.shape.len();
    let pads = dims(pads);
    let indices = pad_indices(&dims(&input.shape), &pads[..rank], &pads[rank..], mode)?;
    Ok(Tensor { shape, data: gather_data(&input.data, &indices, value) })
}
