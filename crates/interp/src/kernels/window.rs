//! Geometry of 2-D sliding windows (convolution and pooling): which input position each kernel tap of each
//! output reads, and which of those fall into padding.

use crate::error::Fault;
use std::ops::Range;

/// One spatial axis of a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Axis {
    /// Input size along the axis.
    pub input: usize,
    /// Output size along the axis (from the shape rule, so `ceil_mode` is already accounted for).
    pub output: usize,
    /// Kernel taps.
    pub kernel: usize,
    /// Distance between consecutive outputs' first taps.
    pub stride: usize,
    /// Distance between consecutive taps.
    pub dilation: usize,
    /// Padding before the first input element.
    pub pad_begin: usize,
    /// Padding after the last input element.
    pub pad_end: usize,
}

impl Axis {
    /// The input position tap `tap` of output `out` reads; negative or past the end means padding.
    pub fn position(&self, out: usize, tap: usize) -> isize {
        (out * self.stride + tap * self.dilation) as isize - self.pad_begin as isize
    }

    /// Whether `position` is a real input element.
    pub fn inside(&self, position: isize) -> bool {
        position >= 0 && (position as usize) < self.input
    }

    /// Whether `position` lies in the input or its padding (a `ceil_mode` window may reach past both).
    pub fn inside_padded(&self, position: isize) -> bool {
        position >= -(self.pad_begin as isize) && position < (self.input + self.pad_end) as isize
    }

    /// The outputs whose tap `tap` reads a real input element: a contiguous range, since positions grow with
    /// the output index.
    pub fn valid_outputs(&self, tap: usize) -> Range<usize> {
        let offset = (tap * self.dilation) as isize - self.pad_begin as isize;
        let stride = self.stride as isize;
        let first = if offset >= 0 { 0 } else { (-offset + stride - 1) / stride };
        let end_span = self.input as isize - offset;
        let end = if end_span <= 0 { 0 } else { (end_span + stride - 1) / stride };
        let end = (end as usize).min(self.output);
        (first as usize).min(end)..end
    }
}

/// A 2-D window: rows and columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sliding {
    /// The row axis.
    pub rows: Axis,
    /// The column axis.
    pub cols: Axis,
}

impl Sliding {
    /// A window from validated parameters: `pads` is `[top, left, bottom, right]`.
    pub fn new(
        input: [usize; 2],
        output: [usize; 2],
        kernel: [usize; 2],
        strides: [i64; 2],
        pads: [i64; 4],
        dilations: [i64; 2],
    ) -> Self {
        let axis = |index: usize| Axis {
            input: input[index],
            output: output[index],
            kernel: kernel[index],
            stride: size(strides[index]),
            dilation: size(dilations[index]),
            pad_begin: size(pads[index]),
            pad_end: size(pads[index + 2]),
        };
        Self { rows: axis(0), cols: axis(1) }
    }
}

/// The result shape and window geometry of pooling `input` (N x C x H x W) with `window`, by the shape rules.
pub(crate) fn pooling(
    input: &[i64],
    window: &autows_network::Window2d,
    ceil_mode: bool,
) -> Result<(Vec<i64>, Sliding), Fault> {
    let rule = autows_shape::Window {
        kernel: window.kernel,
        strides: window.strides.to_vec(),
        pads: window.pads.to_vec(),
        dilations: window.dilations.to_vec(),
        ceil_mode,
    };
    let out = autows_shape::pool(input, &rule)?;
    let sliding = Sliding::new(
        [size(input[2]), size(input[3])],
        [size(out[2]), size(out[3])],
        [size(window.kernel[0]), size(window.kernel[1])],
        window.strides,
        window.pads,
        window.dilations,
    );
    Ok((out, sliding))
}

/// A parameter the shape rules have already checked to be non-negative, as a size.
pub(crate) fn size(value: i64) -> usize {
    usize::try_from(value).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(input: usize, output: usize, kernel: usize, stride: usize, pad: usize) -> Axis {
        Axis { input, output, kernel, stride, dilation: 1, pad_begin: pad, pad_end: pad }
    }

    #[test]
    fn valid_outputs_agree_with_positions() {
        for (input, kernel, stride, pad, dilation) in
            [(5, 3, 1, 1, 1), (7, 3, 2, 1, 2), (6, 2, 3, 0, 1), (4, 5, 1, 2, 1)]
        {
            let extent = dilation * (kernel - 1) + 1;
            let output = (input + 2 * pad - extent) / stride + 1;
            let axis = Axis { dilation, ..axis(input, output, kernel, stride, pad) };
            for tap in 0..kernel {
                let range = axis.valid_outputs(tap);
                for out in 0..output {
                    assert_eq!(range.contains(&out), axis.inside(axis.position(out, tap)), "{axis:?} tap {tap}");
                }
            }
        }
    }
}
