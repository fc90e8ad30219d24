//! The pooling window walk: for every output element, the real input elements its window covers, in row-major
//! tap order, and how many taps lie in the input or its padding.

use super::window::Sliding;
use crate::error::Fault;

/// What one pooling window covers.
pub(crate) struct Taps<'a, T> {
    /// The real input elements, kernel rows then kernel columns ascending; padding never appears here.
    pub values: &'a [T],
    /// Taps inside the input or its padding: the divisor of an average that counts padding. A `ceil_mode`
    /// window reaching past the padding counts only the part inside it, as ONNX Runtime and PyTorch do.
    pub padded_count: usize,
}

/// Applies `reduce` to every window of every plane of `input` (`planes` planes of H x W) and returns the
/// results plane by plane. Stops at the first error `reduce` returns.
pub(crate) fn pool<T: Copy, U, E>(
    window: &Sliding,
    planes: usize,
    input: &[T],
    mut reduce: impl FnMut(Taps<'_, T>) -> Result<U, E>,
) -> Result<Vec<U>, E> {
    let (rows, cols) = (window.rows, window.cols);
    let in_plane = rows.input * cols.input;
    let mut out = Vec::with_capacity(planes * rows.output * cols.output);
    let mut buffer = Vec::with_capacity(rows.kernel * cols.kernel);
    for plane_index in 0..planes {
        let plane = &input[plane_index * in_plane..(plane_index + 1) * in_plane];
        for oy in 0..rows.output {
            let row_positions = (0..rows.kernel).map(|ky| rows.position(oy, ky));
            let padded_rows = row_positions.clone().filter(|&p| rows.inside_padded(p)).count();
            for ox in 0..cols.output {
                buffer.clear();
                let mut padded_cols = 0;
                for kx in 0..cols.kernel {
                    padded_cols += usize::from(cols.inside_padded(cols.position(ox, kx)));
                }
                for iy in row_positions.clone().filter(|&p| rows.inside(p)) {
                    let row = &plane[iy as usize * cols.input..(iy as usize + 1) * cols.input];
                    for kx in 0..cols.kernel {
                        let ix = cols.position(ox, kx);
                        if cols.inside(ix) {
                            buffer.push(row[ix as usize]);
                        }
                    }
                }
                out.push(reduce(Taps { values: &buffer, padded_count: padded_rows * padded_cols })?);
            }
        }
    }
    Ok(out)
}

/// The failure of a window that covers no input element, which has neither a maximum nor a mean.
pub(crate) fn only_padding() -> Fault {
    Fault("a pooling window covers padding only; the pads must be smaller than the kernel".into())
}
