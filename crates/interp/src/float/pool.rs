//! Pooling in `f32`.

use super::{float_tensor, floats};
use crate::{
    error::{fault, Fault},
    kernels::{
        pool::{only_padding, pool},
        window::pooling,
    },
};
use autows_network::{Tensor, Window2d};

/// Max pooling: the largest real element of each window; padding never wins. A window over padding only has
/// no maximum and is an error.
pub(crate) fn max_pool(input: &Tensor, window: &Window2d, ceil_mode: bool) -> Result<Tensor, Fault> {
    let (out_shape, sliding) = pooling(&input.shape, window, ceil_mode)?;
    let planes = (out_shape[0] * out_shape[1]) as usize;
    let values = pool(&sliding, planes, floats(input, "the input")?, |taps| {
        let (&first, rest) = taps.values.split_first().ok_or_else(only_padding)?;
        Ok::<_, Fault>(rest.iter().fold(first, |best, &v| if v > best { v } else { best }))
    })?;
    Ok(float_tensor(out_shape, values))
}

/// Average pooling: the window's real elements summed in row-major tap order from zero, divided by the count
/// of real elements, or with `count_include_pad` by the taps inside the input or its padding.
pub(crate) fn avg_pool(
    input: &Tensor,
    window: &Window2d,
    ceil_mode: bool,
    count_include_pad: bool,
) -> Result<Tensor, Fault> {
    let (out_shape, sliding) = pooling(&input.shape, window, ceil_mode)?;
    let planes = (out_shape[0] * out_shape[1]) as usize;
    let values = pool(&sliding, planes, floats(input, "the input")?, |taps| {
        let divisor = if count_include_pad { taps.padded_count } else { taps.values.len() };
        if divisor == 0 {
            return Err(only_padding());
        }
        Ok(taps.values.iter().fold(0.0f32, |sum, &v| sum + v) / divisor as f32)
    })?;
    Ok(float_tensor(out_shape, values))
}

/// The mean of each H x W plane: summed in row-major order from zero, divided by H * W.
pub(crate) fn global_avg_pool(input: &Tensor) -> Result<Tensor, Fault> {
    let out_shape = autows_shape::global_pool(&input.shape)?;
    let plane = (input.shape[2] * input.shape[3]) as usize;
    if plane == 0 {
        return fault("the input planes are empty and have no mean");
    }
    let values = floats(input, "the input")?;
    let means = values.chunks(plane).map(|p| p.iter().fold(0.0f32, |sum, &v| sum + v) / plane as f32).collect();
    Ok(float_tensor(out_shape, means))
}
