//! The direct 2-D convolution loop nest, without bias.
//!
//! For every output element the products are added one at a time, starting from zero, in this order: input
//! channels of the filter's group ascending, then kernel rows, then kernel columns. Taps that fall into padding are
//! skipped (they would add a zero). The loops run channel, kernel row, kernel column outside and output positions
//! inside, so the innermost loop streams along an input row and an output row; the order in which different
//! output elements are updated never changes the order of any one element's sum.

use super::{
    window::{size, Sliding},
    Element,
};
use crate::error::Fault;

/// A convolution's dimensions, already checked by the shape rules.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConvShape {
    /// Images in the batch.
    pub batch: usize,
    /// Input channels.
    pub channels: usize,
    /// Output channels (filters).
    pub filters: usize,
    /// Channel groups.
    pub groups: usize,
    /// The sliding window over rows and columns.
    pub window: Sliding,
}

impl ConvShape {
    /// Input channels each filter reads.
    pub fn channels_per_group(&self) -> usize {
        self.channels / self.groups
    }

    /// Weights per filter.
    pub fn taps_per_filter(&self) -> usize {
        self.channels_per_group() * self.window.rows.kernel * self.window.cols.kernel
    }

    /// Elements of one output plane.
    pub fn output_plane(&self) -> usize {
        self.window.rows.output * self.window.cols.output
    }
}

/// The result shape and dimensions of a convolution of `input` by `weight` (with a bias of `bias`), by the
/// shape rules.
pub(crate) fn convolution(
    input: &[i64],
    weight: &[i64],
    bias: Option<&[i64]>,
    (strides, pads, dilations, groups): ([i64; 2], [i64; 4], [i64; 2], i64),
) -> Result<(Vec<i64>, ConvShape), Fault> {
    let out = autows_shape::conv2d(input, weight, bias, &strides, &pads, &dilations, groups)?;
    let window = Sliding::new(
        [size(input[2]), size(input[3])],
        [size(out[2]), size(out[3])],
        [size(weight[2]), size(weight[3])],
        strides,
        pads,
        dilations,
    );
    let shape = ConvShape {
        batch: size(input[0]),
        channels: size(input[1]),
        filters: size(weight[0]),
        groups: size(groups),
        window,
    };
    Ok((out, shape))
}

/// Convolves `input` (N x C x H x W) with `weight` (F x C/groups x KH x KW) into N x F x OH x OW.
pub(crate) fn conv2d<T: Element>(shape: &ConvShape, input: &[T], weight: &[T]) -> Vec<T> {
    let (rows, cols) = (shape.window.rows, shape.window.cols);
    let in_plane = rows.input * cols.input;
    let out_plane = shape.output_plane();
    let per_group = shape.channels_per_group();
    let filters_per_group = shape.filters / shape.groups.max(1);
    let row_ranges: Vec<_> = (0..rows.kernel).map(|tap| rows.valid_outputs(tap)).collect();
    let col_ranges: Vec<_> = (0..cols.kernel).map(|tap| cols.valid_outputs(tap)).collect();
    let mut output = vec![T::default(); shape.batch * shape.filters * out_plane];
    if output.is_empty() {
        return output;
    }
    for (image, out_image) in output.chunks_mut(shape.filters * out_plane).enumerate() {
        for (filter, out_plane_values) in out_image.chunks_mut(out_plane).enumerate() {
            let group = filter / filters_per_group.max(1);
            for channel in 0..per_group {
                let plane_start = (image * shape.channels + group * per_group + channel) * in_plane;
                let plane = &input[plane_start..plane_start + in_plane];
                let weight_start = (filter * per_group + channel) * rows.kernel * cols.kernel;
                for (ky, row_range) in row_ranges.iter().enumerate() {
                    for (kx, col_range) in col_ranges.iter().enumerate() {
                        if col_range.is_empty() {
                            continue;
                        }
                        let w = weight[weight_start + ky * cols.kernel + kx];
                        let first_col = cols.position(col_range.start, kx) as usize;
                        let len = col_range.len();
                        for oy in row_range.clone() {
                            let iy = rows.position(oy, ky) as usize;
                            let in_row = &plane[iy * cols.input..(iy + 1) * cols.input];
                            let out_row = &mut out_plane_values[oy * cols.output..][col_range.clone()];
                            accumulate_row(out_row, w, &in_row[first_col..], cols.stride, len);
                        }
                    }
                }
            }
        }
    }
    output
}

/// `out[i] += w * input[i * stride]` for the `len` outputs of one row.
fn accumulate_row<T: Element>(out: &mut [T], w: T, input: &[T], stride: usize, len: usize) {
    if stride == 1 {
        for (o, &x) in out.iter_mut().zip(&input[..len]) {
            *o = *o + w * x;
        }
    } else {
        for (o, &x) in out.iter_mut().zip(input.iter().step_by(stride)) {
            *o = *o + w * x;
        }
    }
}
