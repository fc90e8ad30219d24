//! Composition of a layer's resources from its hardware modules and memories (AUTOWS.md §2.6.2–2.6.4).

use std::ops::{Add, AddAssign};

use autows_device::{Bram18, Uram};

use crate::error::LayerProblem;
use crate::fidelity::Fidelity;
use crate::layer::{
    Activation, ActivationFunction, Convolution, EltWise, EltWiseOp, FeatureMap, GlobalPooling, InnerProduct, Layer,
    LayerKind, Pooling, Split, Squeeze, Window,
};
use crate::modules::{
    accum, bias, fork, global_pool, glue, pool, sliding_window, squeeze, vector_dot, vector_dot_dsp, AccumModule,
    BiasModule, ForkModule, GlobalPoolModule, GlueModule, ModuleResources, PoolModule, SlidingWindowModule,
    SqueezeModule, VectorDotModule,
};
use crate::ram::{bram18, lutram_luts, RamUse};
use crate::weights::WeightMemory;

/// Resources of one layer, or summed over several.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Resources {
    /// Look-up tables (logic, LUTRAM and shift registers).
    pub lut: u64,
    /// Flip-flops.
    pub ff: u64,
    /// DSP slices; fractional because several narrow multipliers share one slice.
    pub dsp: f64,
    /// Block RAM.
    pub bram: Bram18,
    /// UltraRAM.
    pub uram: Uram,
}

impl Add for Resources {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self {
            lut: self.lut + other.lut,
            ff: self.ff + other.ff,
            dsp: self.dsp + other.dsp,
            bram: self.bram + other.bram,
            uram: self.uram + other.uram,
        }
    }
}

impl AddAssign for Resources {
    fn add_assign(&mut self, other: Self) {
        *self = *self + other;
    }
}

impl Resources {
    /// Takes back a part previously added to this sum, for running totals that follow one changing layer.
    pub(crate) fn remove(&mut self, part: &Self) {
        self.lut = self.lut.saturating_sub(part.lut);
        self.ff = self.ff.saturating_sub(part.ff);
        self.dsp -= part.dsp;
        self.bram = self.bram.saturating_sub(part.bram);
        self.uram = self.uram.saturating_sub(part.uram);
    }
}

impl From<ModuleResources> for Resources {
    fn from(module: ModuleResources) -> Self {
        Self { lut: module.lut, ff: module.ff, dsp: module.dsp, bram: module.bram, uram: Uram::ZERO }
    }
}

/// The resources of `layer` and, for weight-carrying layers, its weight memory.
pub(crate) fn layer_resources(
    layer: &Layer,
    fidelity: Fidelity,
) -> Result<(Resources, Option<WeightMemory>), LayerProblem> {
    Ok(match &layer.kind {
        LayerKind::Convolution(conv) => {
            let (resources, memory) = convolution(layer, conv, fidelity)?;
            let streams = conv.streams_out();
            let resources = with_fused_activation(resources, conv.fused_activation, streams, conv.widths.output);
            (with_fused_pool(with_fused_residual(resources, conv), layer, conv), Some(memory))
        }
        LayerKind::InnerProduct(fc) => {
            let (resources, memory) = inner_product(layer, fc, fidelity)?;
            let streams = fc.parallelism.coarse_out;
            (with_fused_activation(resources, fc.fused_activation, streams, fc.widths.output), Some(memory))
        }
        LayerKind::Pooling(pooling) => (pooling_resources(layer, pooling).into(), None),
        LayerKind::Activation(activation) => (activation_resources(activation), None),
        LayerKind::EltWise(eltwise) => (eltwise_resources(eltwise, fidelity), None),
        LayerKind::GlobalPooling(pooling) => (global_pooling_resources(layer, pooling).into(), None),
        LayerKind::Split(split) => (split_resources(split, fidelity).into(), None),
        LayerKind::Squeeze(squeeze_layer) => (squeeze_resources(squeeze_layer).into(), None),
        // No fitted model exists for concatenation; it only re-orders words between its ports.
        LayerKind::Concat(_) => (Resources::default(), None),
    })
}

fn weights_on_chip(memory: &WeightMemory) -> Resources {
    let (bram, uram) = memory.on_chip();
    Resources { bram, uram, ..Resources::default() }
}

fn convolution(
    layer: &Layer,
    conv: &Convolution,
    fidelity: Fidelity,
) -> Result<(Resources, WeightMemory), LayerProblem> {
    let parallelism = &conv.parallelism;
    let widths = &conv.widths;
    let (c_in, c_out, c_g, fine) =
        (parallelism.coarse_in, parallelism.coarse_out, parallelism.coarse_group, parallelism.fine);
    let kernel_size = conv.window.kernel_size();
    let streams_in = c_in * c_g;
    let channels_per_stream = layer.input.channels / streams_in;
    let filters_per_stream = conv.filters / (c_out * conv.groups);
    let accumulated = u64::from(layer.input.channels) * u64::from(kernel_size) / u64::from(fine * c_in * c_g);

    let mut modules = ModuleResources::default();
    if !conv.window.is_pointwise() {
        modules += sliding_window(&SlidingWindowModule {
            rows: layer.input.rows,
            cols: layer.input.cols,
            channels: channels_per_stream,
            streams: streams_in,
            data_width: widths.input,
            kernel_rows: conv.window.kernel_rows,
            kernel_cols: conv.window.kernel_cols,
        });
    }
    if fine < kernel_size {
        modules += squeeze(&SqueezeModule {
            coarse_in: kernel_size,
            coarse_out: fine,
            streams: streams_in,
            data_width: widths.input,
        });
    }
    if c_out > 1 {
        modules +=
            fork(&ForkModule { kernel_words: fine, fan_out: c_out, streams: streams_in, data_width: widths.input });
    }
    let dot = VectorDotModule {
        filters: filters_per_stream,
        fine,
        streams: c_in * c_out * c_g,
        data_width: widths.input,
        weight_width: widths.weight,
        accumulator_width: widths.accumulator,
    };
    modules += vector_dot(&dot);
    modules.dsp += vector_dot_dsp(&dot).ceil();
    if channels_per_stream > 1 {
        modules += accum(&AccumModule {
            channels: u32::try_from(accumulated).unwrap_or(u32::MAX),
            filters: filters_per_stream,
            streams: c_in * c_out * c_g,
            accumulator_width: widths.accumulator,
        });
    }
    if c_in > 1 {
        modules += glue(&GlueModule { coarse_in: c_in, accumulator_width: widths.accumulator });
    }
    if conv.has_bias {
        modules += bias(&BiasModule { streams: c_out * c_g, output_width: widths.output });
    }
    if conv.block_floating_point {
        // One shift/scale DSP per output stream.
        modules.dsp += f64::from(c_out * c_g);
    }

    let (depth, width) = conv.weight_memory_size(layer.input);
    let memory = WeightMemory::new(depth, width, &conv.streaming, fidelity).map_err(|available| {
        LayerProblem::StreamsMoreThanStored { requested: conv.streaming.stream_weights, available }
    })?;

    let output_streams = c_out * c_g;
    let tables =
        per_channel_tables(conv.filters, output_streams, widths.accumulator, conv.has_bias, conv.block_floating_point);
    Ok((Resources::from(modules) + weights_on_chip(&memory) + tables, memory))
}

/// Bias and block-floating-point shift/scale tables, one entry per filter, split over the output streams.
fn per_channel_tables(
    filters: u32,
    output_streams: u32,
    accumulator_width: u32,
    has_bias: bool,
    block_floating_point: bool,
) -> Resources {
    let mut bram = Bram18::ZERO;
    if has_bias {
        bram += bram18(u64::from(filters.div_ceil(output_streams)), accumulator_width * output_streams, RamUse::Memory);
    }
    if block_floating_point {
        bram += bram18(u64::from(filters / output_streams), accumulator_width, RamUse::Memory) * (2 * output_streams);
    }
    Resources { bram, ..Resources::default() }
}

fn inner_product(
    layer: &Layer,
    fc: &InnerProduct,
    fidelity: Fidelity,
) -> Result<(Resources, WeightMemory), LayerProblem> {
    let (c_in, c_out) = (fc.parallelism.coarse_in, fc.parallelism.coarse_out);
    let widths = &fc.widths;
    let inputs = layer.input.words();
    let inputs_per_stream = inputs / u64::from(c_in);
    let filters_per_stream = fc.filters / c_out;

    let mut modules = ModuleResources::default();
    if c_out > 1 {
        modules += fork(&ForkModule { kernel_words: 1, fan_out: c_out, streams: c_in, data_width: widths.input });
    }
    let dot = VectorDotModule {
        filters: filters_per_stream,
        fine: 1,
        streams: c_in * c_out,
        data_width: widths.input,
        weight_width: widths.weight,
        accumulator_width: widths.accumulator,
    };
    modules += vector_dot(&dot);
    // Unlike the convolution, the inner product keeps fractional DSPs.
    modules.dsp += vector_dot_dsp(&dot);
    if inputs_per_stream > 1 {
        modules += accum(&AccumModule {
            channels: u32::try_from(inputs_per_stream).unwrap_or(u32::MAX),
            filters: filters_per_stream,
            streams: c_in * c_out,
            accumulator_width: widths.accumulator,
        });
    }
    if c_in > 1 {
        modules += glue(&GlueModule { coarse_in: c_in, accumulator_width: widths.accumulator });
    }
    if fc.has_bias {
        modules += bias(&BiasModule { streams: c_out, output_width: widths.output });
    }
    if fc.block_floating_point {
        modules.dsp += f64::from(c_out);
    }

    let (depth, width) = fc.weight_memory_size(layer.input);
    let memory = WeightMemory::new(depth, width, &fc.streaming, fidelity).map_err(|available| {
        LayerProblem::StreamsMoreThanStored { requested: fc.streaming.stream_weights, available }
    })?;
    let tables = per_channel_tables(fc.filters, c_out, widths.accumulator, fc.has_bias, fc.block_floating_point);
    Ok((Resources::from(modules) + weights_on_chip(&memory) + tables, memory))
}

fn pooling_resources(layer: &Layer, pooling: &Pooling) -> ModuleResources {
    pool_modules(layer.input, &pooling.window, pooling.coarse, pooling.data_width)
}

/// The sliding window and pool modules of a pooling over `input` split into `streams` channel streams.
fn pool_modules(input: FeatureMap, window: &Window, streams: u32, data_width: u32) -> ModuleResources {
    sliding_window(&SlidingWindowModule {
        rows: input.rows,
        cols: input.cols,
        channels: input.channels / streams,
        streams,
        data_width,
        kernel_rows: window.kernel_rows,
        kernel_cols: window.kernel_cols,
    }) + pool(&PoolModule { kernel_rows: window.kernel_rows, kernel_cols: window.kernel_cols, streams, data_width })
}

/// Constant per-stream costs of the activation modules.
const RELU_LUT: u64 = 16;
const RELU_FF: u64 = 35;
/// Constant per-stream costs of the element-wise module.
const ELTWISE_LUT: u64 = 49;
const ELTWISE_FF: u64 = 23;
/// The data width fpgaConvNet's split layer is costed with, whatever the real width.
const SPLIT_COSTED_WIDTH: u32 = 16;

/// `resources` plus one activation module per output stream when an activation is fused into the engine.
fn with_fused_activation(
    resources: Resources,
    function: Option<ActivationFunction>,
    streams: u32,
    data_width: u32,
) -> Resources {
    let Some(function) = function else { return resources };
    let extra = activation_resources(&Activation { function, coarse: streams, data_width });
    Resources { lut: resources.lut + extra.lut, ff: resources.ff + extra.ff, ..resources }
}

/// `resources` plus one element-wise add module per output stream when a residual add is fused into the
/// engine (the skip buffer in front of the residual port is a FIFO of the pipeline, costed where FIFOs are).
fn with_fused_residual(resources: Resources, conv: &Convolution) -> Resources {
    if !conv.fused_residual {
        return resources;
    }
    let streams = u64::from(conv.streams_out());
    Resources { lut: resources.lut + ELTWISE_LUT * streams, ff: resources.ff + ELTWISE_FF * streams, ..resources }
}

/// `resources` plus the modules a pooling layer over the convolved map would build, one stream per output
/// stream, when a pooling is fused into the engine.
fn with_fused_pool(resources: Resources, layer: &Layer, conv: &Convolution) -> Resources {
    let Some(fused) = &conv.fused_pool else { return resources };
    let convolved = conv.convolved(layer.input).unwrap_or(layer.output);
    resources + Resources::from(pool_modules(convolved, &fused.window, conv.streams_out(), conv.widths.output))
}

fn activation_resources(activation: &Activation) -> Resources {
    let streams = u64::from(activation.coarse);
    match activation.function {
        ActivationFunction::Relu => {
            Resources { lut: RELU_LUT * streams, ff: RELU_FF * streams, ..Resources::default() }
        }
    }
}

fn eltwise_resources(eltwise: &EltWise, fidelity: Fidelity) -> Resources {
    let streams = u64::from(eltwise.coarse);
    let dsp = match eltwise.op {
        EltWiseOp::Add => 0.0,
        EltWiseOp::Multiply => f64::from(eltwise.coarse),
    };
    let mut resources = Resources { lut: ELTWISE_LUT * streams, ff: ELTWISE_FF * streams, dsp, ..Resources::default() };
    if fidelity == Fidelity::Strict {
        let word = eltwise.coarse * eltwise.data_width;
        for &depth in &eltwise.skip_buffer_depths {
            let blocks = bram18(u64::from(depth), word, RamUse::Fifo);
            if blocks == Bram18::ZERO {
                resources.lut += lutram_luts(u64::from(depth), word);
            }
            resources.bram += blocks;
        }
    }
    resources
}

fn global_pooling_resources(layer: &Layer, pooling: &GlobalPooling) -> ModuleResources {
    global_pool(&GlobalPoolModule {
        rows: layer.input.rows,
        cols: layer.input.cols,
        channels: layer.input.channels / pooling.coarse,
        data_width: pooling.data_width,
        accumulator_width: pooling.accumulator_width,
    })
    .times(pooling.coarse)
}

fn split_resources(split: &Split, fidelity: Fidelity) -> ModuleResources {
    let data_width = match fidelity {
        Fidelity::FpgaConvNet => SPLIT_COSTED_WIDTH,
        Fidelity::Strict => split.data_width,
    };
    fork(&ForkModule { kernel_words: 1, fan_out: split.ports_out, streams: 1, data_width }).times(split.coarse)
}

fn squeeze_resources(squeeze_layer: &Squeeze) -> ModuleResources {
    squeeze(&SqueezeModule {
        coarse_in: squeeze_layer.coarse_in,
        coarse_out: squeeze_layer.coarse_out,
        streams: 1,
        data_width: squeeze_layer.data_width,
    })
}
