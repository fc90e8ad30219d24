//! NumPy broadcasting of two operands: each dimension of size 1 (or missing on the left) repeats to the size of
//! the other operand's.

/// Element strides of an operand of `shape` read as `out_shape`: zero along broadcast dimensions.
fn broadcast_strides(shape: &[usize], out_shape: &[usize]) -> Vec<usize> {
    let offset = out_shape.len() - shape.len();
    let mut strides = vec![0; out_shape.len()];
    let mut stride = 1;
    for (index, &dim) in shape.iter().enumerate().rev() {
        if dim != 1 {
            strides[offset + index] = stride;
        }
        stride *= dim;
    }
    strides
}

/// `f(a, b)` over `out_shape` (the broadcast of the operand shapes, already checked), in row-major order.
pub(crate) fn broadcast_zip<T: Copy, U>(
    out_shape: &[usize],
    (a, a_shape): (&[T], &[usize]),
    (b, b_shape): (&[T], &[usize]),
    mut f: impl FnMut(T, T) -> U,
) -> Vec<U> {
    let total: usize = out_shape.iter().product();
    if a_shape == out_shape && b_shape == out_shape {
        return a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect();
    }
    let mut out = Vec::with_capacity(total);
    if total == 0 {
        return out;
    }
    let rank = out_shape.len();
    if rank == 0 {
        out.push(f(a[0], b[0]));
        return out;
    }
    let (a_strides, b_strides) = (broadcast_strides(a_shape, out_shape), broadcast_strides(b_shape, out_shape));
    let inner = out_shape[rank - 1];
    let (a_inner, b_inner) = (a_strides[rank - 1], b_strides[rank - 1]);
    let mut index = vec![0; rank - 1];
    let (mut a_offset, mut b_offset) = (0, 0);
    for _ in 0..total / inner {
        out.extend((0..inner).map(|j| f(a[a_offset + j * a_inner], b[b_offset + j * b_inner])));
        // Advance the outer index like an odometer, keeping both operands' offsets in step.
        for dim in (0..rank - 1).rev() {
            index[dim] += 1;
            a_offset += a_strides[dim];
            b_offset += b_strides[dim];
            if index[dim] < out_shape[dim] {
                break;
            }
            a_offset -= a_strides[dim] * out_shape[dim];
            b_offset -= b_strides[dim] * out_shape[dim];
            index[dim] = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_channel_and_outer_broadcasts() {
        let a = [1, 2, 3, 4, 5, 6];
        let out = broadcast_zip(&[2, 3], (&a[..], &[2, 3][..]), (&[10, 20, 30][..], &[3][..]), |x, y| x + y);
        assert_eq!(out, [11, 22, 33, 14, 25, 36]);
        let out = broadcast_zip(&[2, 3], (&a[..], &[2, 3][..]), (&[100, 200][..], &[2, 1][..]), |x, y| x + y);
        assert_eq!(out, [101, 102, 103, 204, 205, 206]);
        let out = broadcast_zip(&[2, 2], (&[1, 2][..], &[2, 1][..]), (&[10, 20][..], &[1, 2][..]), |x, y| x * y);
        assert_eq!(out, [10, 20, 20, 40]);
    }
}
