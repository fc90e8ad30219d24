//! Matrix products. Each output element is the sum of its `k` products added one at a time from zero with the
//! inner index ascending; the loops run row, inner index, column so the innermost loop streams along a row of
//! `b` and of the output.

use super::Element;
use std::borrow::Cow;

/// `a` (m x k) times `b` (k x n), both row-major.
pub(crate) fn matmul<T: Element>(a: &[T], b: &[T], m: usize, k: usize, n: usize) -> Vec<T> {
    let mut out = vec![T::default(); m * n];
    if n == 0 {
        return out;
    }
    for (row, out_row) in out.chunks_mut(n).enumerate() {
        for inner in 0..k {
            let scale = a[row * k + inner];
            for (o, &x) in out_row.iter_mut().zip(&b[inner * n..(inner + 1) * n]) {
                *o = *o + scale * x;
            }
        }
    }
    out
}

/// A row-major matrix of `shape`, transposed when `transposed` says the operand is stored the other way round.
pub(crate) fn oriented<'a, T: Copy>(values: &'a [T], shape: &[usize], transposed: bool) -> Cow<'a, [T]> {
    if transposed {
        Cow::Owned(transpose(values, shape[0], shape[1]))
    } else {
        Cow::Borrowed(values)
    }
}

/// The transpose of a row-major `rows` x `cols` matrix.
pub(crate) fn transpose<T: Copy>(values: &[T], rows: usize, cols: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(values.len());
    for col in 0..cols {
        out.extend((0..rows).map(|row| values[row * cols + col]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_product_and_transpose() {
        let a = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0];
        let b = [1.0f32, 0.0, 0.0, 1.0, 1.0, 1.0];
        assert_eq!(matmul(&a, &b, 2, 3, 2), [4.0, 5.0, 10.0, 11.0]);
        assert_eq!(transpose(&a, 2, 3), [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }
}
