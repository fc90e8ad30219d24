//! Pipeline depth: the cycles between a layer's first input word and its first output word, and the fill
//! latency of a whole pipeline (AUTOWS.md §2.4).

use crate::layer::{Convolution, Layer, LayerKind, Window};
use crate::pipeline::Pipeline;

/// Fill latency of a sliding window over `channels` words per pixel: the line buffer fill minus the padding the
/// window generates itself.
fn window_fill(window: &Window, cols: u32, channels: u64) -> i64 {
    let (kr, kc) = (i64::from(window.kernel_rows), i64::from(window.kernel_cols));
    let cols = i64::from(cols);
    let horizontal_pad = i64::from(window.pad_left) + i64::from(window.pad_right);
    let channels = channels as i64;
    (kr - 1) * (cols + horizontal_pad) * channels + (kc - 1) * channels
        - (i64::from(window.pad_top) * cols * channels + horizontal_pad * channels)
}

/// Fill latency of one layer in cycles.
pub fn layer_depth(layer: &Layer) -> u64 {
    let depth: i64 = match &layer.kind {
        LayerKind::Convolution(conv) => convolution_depth(layer, conv) + fused_pool_fill(layer, conv),
        LayerKind::Pooling(pool) => {
            window_fill(&pool.window, layer.input.cols, u64::from(layer.input.channels / pool.coarse))
        }
        LayerKind::InnerProduct(fc) => {
            // Vector dot (fine = 1) + accumulator over its input words + glue over the input streams.
            let accumulated = layer.input.words() / u64::from(fc.parallelism.coarse_in);
            1 + accumulated as i64 + i64::from(fc.parallelism.coarse_in)
        }
        _ => 0,
    };
    u64::try_from(depth).unwrap_or(0)
}

/// The convolution's own fill, up to its result before any fused pooling.
fn convolution_depth(layer: &Layer, conv: &Convolution) -> i64 {
    // The convolution's own formula divides each term by the input streams separately (floor).
    let streams = i64::from(conv.parallelism.coarse_in * conv.parallelism.coarse_group);
    let window = &conv.window;
    let (kr, kc) = (i64::from(window.kernel_rows), i64::from(window.kernel_cols));
    let cols = i64::from(layer.input.cols);
    let channels = i64::from(layer.input.channels);
    let horizontal_pad = i64::from(window.pad_left) + i64::from(window.pad_right);
    (kr - 1) * (cols + horizontal_pad) * channels / streams + (kc - 1) * channels / streams
        - (i64::from(window.pad_top) * cols * channels / streams + horizontal_pad * channels / streams)
        + channels / streams
}

/// The fill of a fused pooling's window over the convolved map, per output stream (0 without one).
fn fused_pool_fill(layer: &Layer, conv: &Convolution) -> i64 {
    let Some(pool) = &conv.fused_pool else { return 0 };
    let convolved = conv.convolved(layer.input).unwrap_or(layer.output);
    window_fill(&pool.window, convolved.cols, u64::from(conv.filters / conv.streams_out().max(1)))
}

/// Cycles from the first word entering input port `port` of `layer` to the point inside the layer where its
/// input ports meet: 0 for every port of an element-wise join or a concatenation; for a fused-residual
/// convolution, its depth up to the residual add (before any fused pooling) on port 0 and 0 on the residual
/// port 1; 0 for every other layer.
pub fn join_depth(layer: &Layer, port: usize) -> u64 {
    match &layer.kind {
        LayerKind::Convolution(conv) if conv.fused_residual && port == 0 => {
            u64::try_from(convolution_depth(layer, conv)).unwrap_or(0)
        }
        _ => 0,
    }
}

/// Whether `producer` feeds `consumer` only at a join: an element-wise layer, or a fused-residual convolution
/// through its residual port.
fn joins_at(pipeline: &Pipeline, producer: usize, consumer: usize) -> bool {
    match &pipeline.layers()[consumer].kind {
        LayerKind::EltWise(_) => true,
        LayerKind::Convolution(conv) => conv.fused_residual && pipeline.producers(consumer).first() != Some(&producer),
        _ => false,
    }
}

/// Which consumers a path may continue through at a fork.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ForkRule {
    /// fpgaConvNet: at a node with several consumers, element-wise consumers are not followed (the identity
    /// branch of a residual block), unless they are all there is.
    SkipEltWise,
    /// The true longest path over every consumer.
    AllConsumers,
}

/// Fill latency of a pipeline: the longest path from an input layer to an output layer, summing layer depths.
pub(crate) fn pipeline_depth(pipeline: &Pipeline, layer_depth: impl Fn(usize) -> u64, rule: ForkRule) -> u64 {
    let layers = pipeline.layers();
    let mut longest = vec![0u64; layers.len()];
    for &node in pipeline.topological_order().iter().rev() {
        let consumers = pipeline.consumers(node);
        let followed = |&&consumer: &&usize| {
            rule == ForkRule::AllConsumers || consumers.len() < 2 || !joins_at(pipeline, node, consumer)
        };
        // A path entering a fused-residual convolution by its residual port skips the convolution before the add.
        let entering = |&consumer: &usize| {
            let layer = &layers[consumer];
            let port = pipeline.producers(consumer).iter().position(|&producer| producer == node).unwrap_or(0);
            let skipped = join_depth(layer, 0).saturating_sub(join_depth(layer, port));
            longest[consumer].saturating_sub(skipped)
        };
        let tail = consumers
            .iter()
            .filter(followed)
            .map(entering)
            .max()
            .or_else(|| consumers.iter().map(entering).max())
            .unwrap_or(0);
        longest[node] = layer_depth(node) + tail;
    }
    pipeline.inputs().map(|input| longest[input]).max().unwrap_or(0)
}
