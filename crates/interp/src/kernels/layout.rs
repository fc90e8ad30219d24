//! Operations that only move elements: each computes, for every output element, which input element it copies
//! (or that it is a fill value), so one index map serves every element type.

use crate::error::{fault, Fault};
use autows_network::PadMode;

/// Marks an output element that takes the fill value instead of an input element.
pub(crate) const FILL: usize = usize::MAX;

/// Copies `values[index]` for every index, `fill` where the index is [`FILL`].
pub(crate) fn gather<T: Copy>(values: &[T], indices: &[usize], fill: T) -> Vec<T> {
    indices.iter().map(|&index| if index == FILL { fill } else { values[index] }).collect()
}

/// Row-major strides of `shape`.
fn strides(shape: &[usize]) -> Vec<usize> {
    let mut strides = vec![1; shape.len()];
    for dim in (0..shape.len().saturating_sub(1)).rev() {
        strides[dim] = strides[dim + 1] * shape[dim + 1];
    }
    strides
}

/// Walks every index of `shape` in row-major order and collects, per element, the input offset that
/// `sources[dim][coordinate]` gives for each dimension (summed), or [`FILL`] if any dimension has none.
fn collect_offsets(shape: &[usize], sources: &[Vec<Option<usize>>]) -> Vec<usize> {
    let total: usize = shape.iter().product();
    let mut out = Vec::with_capacity(total);
    if total == 0 {
        return out;
    }
    let mut index = vec![0; shape.len()];
    for _ in 0..total {
        let offset = index
            .iter()
            .enumerate()
            .try_fold(0, |sum, (dim, &coordinate)| sources[dim][coordinate].map(|offset| sum + offset));
        out.push(offset.unwrap_or(FILL));
        for dim in (0..shape.len()).rev() {
            index[dim] += 1;
            if index[dim] < shape[dim] {
                break;
            }
            index[dim] = 0;
        }
    }
    out
}

/// The input offset of every element of the transpose by `perm` (already checked to be a permutation).
pub(crate) fn transpose_indices(shape: &[usize], perm: &[usize]) -> Vec<usize> {
    let in_strides = strides(shape);
    let out_shape: Vec<usize> = perm.iter().map(|&axis| shape[axis]).collect();
    let sources: Vec<Vec<Option<usize>>> = perm
        .iter()
        .map(|&axis| (0..shape[axis]).map(|coordinate| Some(coordinate * in_strides[axis])).collect())
        .collect();
    collect_offsets(&out_shape, &sources)
}

/// The input offset of every element of `shape` padded by `begins` and `ends` in `mode` ([`FILL`] for the
/// constant border).
pub(crate) fn pad_indices(
    shape: &[usize],
    begins: &[usize],
    ends: &[usize],
    mode: PadMode,
) -> Result<Vec<usize>, Fault> {
    let in_strides = strides(shape);
    let mut sources = Vec::with_capacity(shape.len());
    for (dim, &size) in shape.iter().enumerate() {
        let (begin, end) = (begins[dim], ends[dim]);
        match mode {
            PadMode::Reflect if begin.max(end) >= size.max(1) && begin.max(end) > 0 => {
                return fault(format!(
                    "reflect padding of {} along dimension {dim} needs a size of at least {}, got {size}",
                    begin.max(end),
                    begin.max(end) + 1
                ));
            }
            PadMode::Edge if size == 0 && begin + end > 0 => {
                return fault(format!("edge padding along dimension {dim} needs a non-empty dimension"));
            }
            _ => {}
        }
        let last = size as isize - 1;
        let source = (0..begin + size + end)
            .map(|out| {
                let position = out as isize - begin as isize;
                let position = match mode {
                    _ if (0..=last).contains(&position) => position,
                    PadMode::Constant => return None,
                    PadMode::Reflect if position < 0 => -position,
                    PadMode::Reflect => 2 * last - position,
                    PadMode::Edge => position.clamp(0, last),
                };
                Some(position as usize * in_strides[dim])
            })
            .collect();
        sources.push(source);
    }
    let out_shape: Vec<usize> = shape.iter().enumerate().map(|(dim, size)| begins[dim] + size + ends[dim]).collect();
    Ok(collect_offsets(&out_shape, &sources))
}

/// Joins `a` and `b` along an axis: `outer` is the product of the dimensions before it, `a_chunk` and `b_chunk`
/// the elements of each operand per outer index.
pub(crate) fn concat<T: Copy>(a: &[T], b: &[T], (outer, a_chunk, b_chunk): (usize, usize, usize)) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    for index in 0..outer {
        out.extend_from_slice(&a[index * a_chunk..(index + 1) * a_chunk]);
        out.extend_from_slice(&b[index * b_chunk..(index + 1) * b_chunk]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_of_a_matrix() {
        assert_eq!(transpose_indices(&[2, 3], &[1, 0]), [0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn pad_modes_along_one_dimension() {
        let values = [1, 2, 3];
        let pad = |mode| pad_indices(&[3], &[2], &[2], mode).map(|indices| gather(&values, &indices, 0));
        assert_eq!(pad(PadMode::Constant).unwrap(), [0, 0, 1, 2, 3, 0, 0]);
        assert_eq!(pad(PadMode::Reflect).unwrap(), [3, 2, 1, 2, 3, 2, 1]);
        assert_eq!(pad(PadMode::Edge).unwrap(), [1, 1, 1, 2, 3, 3, 3]);
        assert!(pad_indices(&[2], &[2], &[0], PadMode::Reflect).is_err());
    }
}
