//! Consistency checks of a single layer: positive sizes, parallelism that divides what it splits, and output
//! shapes that follow from the input.
//!
//! The cost formulas divide by parallelism factors and assume they divide evenly (fpgaConvNet only offers
//! divisors), so a layer must pass these checks before it is costed.

use crate::error::{LayerError, LayerProblem};
use crate::layer::{FeatureMap, Layer, LayerKind, WeightStreaming, Window};
use crate::weights::full_blocks;

/// Checks one layer; the error names the layer and the first problem found.
pub fn check_layer(layer: &Layer) -> Result<(), LayerError> {
    check_layer_problem(layer).map_err(|problem| LayerError::new(&layer.name, problem))
}

fn positive(what: &'static str, value: u32) -> Result<(), LayerProblem> {
    if value == 0 {
        return Err(LayerProblem::Zero { what });
    }
    Ok(())
}

fn divides(parameter: &'static str, value: u32, dimension: &'static str, size: u32) -> Result<(), LayerProblem> {
    positive(parameter, value)?;
    if size % value != 0 {
        return Err(LayerProblem::NotADivisor { parameter, value, dimension, size });
    }
    Ok(())
}

fn same_shape(input: FeatureMap, expected: FeatureMap, actual: FeatureMap) -> Result<(), LayerProblem> {
    if expected != actual {
        return Err(LayerProblem::InconsistentShape { input, expected, actual });
    }
    Ok(())
}

fn windowed_output(input: FeatureMap, window: &Window, channels: u32) -> Result<FeatureMap, LayerProblem> {
    positive("kernel_rows", window.kernel_rows)?;
    positive("kernel_cols", window.kernel_cols)?;
    let (rows, cols) = window.output_size(input.rows, input.cols).ok_or(LayerProblem::WindowDoesNotFit {
        input,
        kernel_rows: window.kernel_rows,
        kernel_cols: window.kernel_cols,
        stride_rows: window.stride_rows,
        stride_cols: window.stride_cols,
    })?;
    Ok(FeatureMap::new(rows, cols, channels))
}

fn check_layer_problem(layer: &Layer) -> Result<(), LayerProblem> {
    let input = layer.input;
    let output = layer.output;
    for (what, value) in [
        ("input rows", input.rows),
        ("input cols", input.cols),
        ("input channels", input.channels),
        ("output rows", output.rows),
        ("output cols", output.cols),
        ("output channels", output.channels),
    ] {
        positive(what, value)?;
    }
    positive("input width", layer.input_width())?;
    positive("output width", layer.output_width())?;
    check_port_limits(layer)?;
    match &layer.kind {
        LayerKind::Convolution(conv) => {
            positive("groups", conv.groups)?;
            positive("weight width", conv.widths.weight)?;
            positive("accumulator width", conv.widths.accumulator)?;
            divides("groups", conv.groups, "input channels", input.channels)?;
            divides("groups", conv.groups, "filters", conv.filters)?;
            let parallelism = &conv.parallelism;
            divides("coarse_in", parallelism.coarse_in, "input channels per group", input.channels / conv.groups)?;
            divides("coarse_out", parallelism.coarse_out, "filters per group", conv.filters / conv.groups)?;
            divides("coarse_group", parallelism.coarse_group, "groups", conv.groups)?;
            divides("fine", parallelism.fine, "kernel size", conv.window.kernel_size())?;
            let convolved = windowed_output(input, &conv.window, conv.filters)?;
            let expected = match &conv.fused_pool {
                Some(pool) => windowed_output(convolved, &pool.window, conv.filters)?,
                None => convolved,
            };
            same_shape(input, expected, output)?;
            let (depth, width) = conv.weight_memory_size(input);
            streams_what_it_stores(depth, width, &conv.streaming)
        }
        LayerKind::InnerProduct(fc) => {
            positive("weight width", fc.widths.weight)?;
            positive("accumulator width", fc.widths.accumulator)?;
            let flattened = u32::try_from(input.words()).unwrap_or(u32::MAX);
            divides("coarse_in", fc.parallelism.coarse_in, "flattened inputs", flattened)?;
            divides("coarse_out", fc.parallelism.coarse_out, "outputs", fc.filters)?;
            same_shape(input, FeatureMap::new(1, 1, fc.filters), output)?;
            let (depth, width) = fc.weight_memory_size(input);
            streams_what_it_stores(depth, width, &fc.streaming)
        }
        LayerKind::Pooling(pool) => {
            divides("coarse", pool.coarse, "channels", input.channels)?;
            same_shape(input, windowed_output(input, &pool.window, input.channels)?, output)
        }
        LayerKind::Activation(activation) => {
            divides("coarse", activation.coarse, "channels", input.channels)?;
            same_shape(input, input, output)
        }
        LayerKind::EltWise(eltwise) => {
            positive("ports_in", eltwise.ports_in)?;
            divides("coarse", eltwise.coarse, "channels", input.channels)?;
            let depths = eltwise.skip_buffer_depths.len();
            if depths != 0 && depths != eltwise.ports_in as usize {
                return Err(LayerProblem::PortCount {
                    what: "skip_buffer_depths",
                    found: depths,
                    expected: eltwise.ports_in,
                });
            }
            same_shape(input, input, output)
        }
        LayerKind::GlobalPooling(pool) => {
            positive("accumulator width", pool.accumulator_width)?;
            divides("coarse", pool.coarse, "channels", input.channels)?;
            same_shape(input, FeatureMap::new(1, 1, input.channels), output)
        }
        LayerKind::Split(split) => {
            positive("ports_out", split.ports_out)?;
            divides("coarse", split.coarse, "channels", input.channels)?;
            same_shape(input, input, output)
        }
        LayerKind::Squeeze(squeeze) => {
            divides("coarse_in", squeeze.coarse_in, "channels", input.channels)?;
            divides("coarse_out", squeeze.coarse_out, "channels", input.channels)?;
            same_shape(input, input, output)
        }
        LayerKind::Concat(concat) => {
            if concat.channels_in.is_empty() {
                return Err(LayerProblem::Zero { what: "number of concatenated inputs" });
            }
            for &channels in &concat.channels_in {
                divides("coarse", concat.coarse, "channels of an input", channels)?;
            }
            let total = concat.channels_in.iter().sum();
            same_shape(input, FeatureMap::new(input.rows, input.cols, total), output)
        }
    }
}

fn streams_what_it_stores(depth: u64, width: u32, streaming: &WeightStreaming) -> Result<(), LayerProblem> {
    let available = full_blocks(depth, width, streaming);
    if streaming.stream_weights > available {
        return Err(LayerProblem::StreamsMoreThanStored { requested: streaming.stream_weights, available });
    }
    Ok(())
}

fn check_port_limits(layer: &Layer) -> Result<(), LayerProblem> {
    let limits = &layer.port_limits;
    for (what, list, ports) in [
        ("input port limits", &limits.input, layer.ports_in()),
        ("output port limits", &limits.output, layer.ports_out()),
    ] {
        if list.len() > ports as usize {
            return Err(LayerProblem::PortCount { what, found: list.len(), expected: ports });
        }
        if let Some(&bad) = list.iter().find(|limit| !(limit.is_finite() && **limit > 0.0)) {
            return Err(LayerProblem::BadPortLimit(bad));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::{ArithmeticWidths, ConvParallelism, Convolution, PortLimits, WeightStreaming};

    fn conv(parallelism: ConvParallelism, output: FeatureMap) -> Layer {
        Layer {
            name: "conv".to_owned(),
            input: FeatureMap::new(14, 14, 256),
            output,
            kind: LayerKind::Convolution(Convolution {
                window: Window::square(3, 2, 1),
                filters: output.channels,
                groups: 1,
                parallelism,
                widths: ArithmeticWidths { input: 5, output: 5, weight: 4, accumulator: 9 },
                has_bias: true,
                block_floating_point: true,
                streaming: WeightStreaming::ON_CHIP,
                fused_activation: None,
                fused_residual: false,
                fused_pool: None,
            }),
            port_limits: PortLimits::default(),
        }
    }

    const PARALLEL: ConvParallelism = ConvParallelism { coarse_in: 1, coarse_out: 8, coarse_group: 1, fine: 9 };

    #[test]
    fn a_consistent_convolution_passes() {
        assert_eq!(check_layer(&conv(PARALLEL, FeatureMap::new(7, 7, 512))), Ok(()));
    }

    #[test]
    fn parallelism_must_divide() {
        let error = check_layer(&conv(ConvParallelism { coarse_out: 3, ..PARALLEL }, FeatureMap::new(7, 7, 512)))
            .expect_err("3 does not divide 512");
        assert_eq!(error.to_string(), "layer `conv`: coarse_out = 3 does not divide the filters per group (512)");
        let error = check_layer(&conv(ConvParallelism { coarse_in: 0, ..PARALLEL }, FeatureMap::new(7, 7, 512)))
            .expect_err("zero");
        assert_eq!(error.problem, LayerProblem::Zero { what: "coarse_in" });
    }

    #[test]
    fn the_output_must_follow_from_the_window() {
        let error = check_layer(&conv(PARALLEL, FeatureMap::new(14, 14, 512))).expect_err("stride 2 halves");
        assert!(matches!(error.problem, LayerProblem::InconsistentShape { .. }), "{error}");
        assert!(error.to_string().contains("expected 7x7x512"), "{error}");
    }

    #[test]
    fn streaming_is_bounded_by_the_memory() {
        let mut layer = conv(PARALLEL, FeatureMap::new(7, 7, 512));
        if let Some(streaming) = layer.kind.streaming_mut() {
            streaming.stream_weights = 257;
        }
        let error = check_layer(&layer).expect_err("only 256 blocks");
        assert_eq!(error.problem, LayerProblem::StreamsMoreThanStored { requested: 257, available: 256 });
    }
}
