//! Everything the model says about one layer, computed in one place so it can be cached per layer.

use crate::depth::layer_depth;
use crate::error::LayerError;
use crate::fidelity::Fidelity;
use crate::layer::{ActivationFunction, Layer, LayerKind};
use crate::layer_check::check_layer;
use crate::layer_resources::{layer_resources, Resources};
use crate::timing::layer_timing;
use crate::weights::WeightMemory;

/// The cost of one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerCost {
    /// Cycles per frame at the layer's own pace, as an unrounded float (the pipeline interval is the maximum
    /// of these); equals `interval` in the reference `layers.json`.
    pub interval: f64,
    /// Cycles per frame as a whole number, with the port ceilings applied: what reports list per layer and
    /// what scales each layer's weight bandwidth.
    pub latency: u64,
    /// Fill latency in cycles.
    pub pipeline_depth: u64,
    /// Resources occupied.
    pub resources: Resources,
    /// The weight memory of a convolution or inner product.
    pub weight_memory: Option<WeightMemory>,
    /// Operations per frame, as fpgaConvNet counts them for its OP/s figure.
    pub operations: u64,
}

impl LayerCost {
    /// DRAM bits per cycle the layer needs at its own pace (0 unless it streams weights).
    pub fn weight_bits_per_cycle(&self) -> f64 {
        self.weight_memory.map_or(0.0, |memory| memory.bits_per_cycle)
    }
}

/// Costs one layer under `fidelity`.
pub(crate) fn cost_layer(layer: &Layer, fidelity: Fidelity) -> Result<LayerCost, LayerError> {
    check_layer(layer)?;
    let timing = layer_timing(layer);
    let latency = match fidelity {
        // Truncation toward zero, as Python's int().
        Fidelity::FpgaConvNet => timing.capped_interval as u64,
        Fidelity::Strict => whole_cycles(timing.capped_interval),
    };
    let (resources, weight_memory) =
        layer_resources(layer, fidelity).map_err(|problem| LayerError { layer: layer.name.clone(), problem })?;
    Ok(LayerCost {
        interval: timing.interval,
        latency,
        pipeline_depth: layer_depth(layer),
        resources,
        weight_memory,
        operations: operations(layer, fidelity),
    })
}

/// Rounds a cycle count up, treating values within float noise of an integer as that integer.
pub(crate) fn whole_cycles(cycles: f64) -> u64 {
    let nearest = cycles.round();
    if (cycles - nearest).abs() <= 1e-9 * nearest.abs().max(1.0) {
        nearest as u64
    } else {
        cycles.ceil() as u64
    }
}

/// Operations per frame: multiply-accumulates (plus bias additions) for convolutions and inner products, one per
/// input word for ReLU and global pooling, none for data movement.
fn operations(layer: &Layer, fidelity: Fidelity) -> u64 {
    match &layer.kind {
        LayerKind::Convolution(conv) => {
            // Multiply-accumulates happen over the convolved map; a fused pooling only reduces it afterwards.
            let convolved = conv.convolved(layer.input).unwrap_or(layer.output);
            let outputs = convolved.pixels() * u64::from(conv.filters);
            // fpgaConvNet does not divide by the groups; a grouped convolution only sees its group's channels.
            let channels = match fidelity {
                Fidelity::FpgaConvNet => layer.input.channels,
                Fidelity::Strict => layer.input.channels / conv.groups,
            };
            let macs = outputs * u64::from(conv.window.kernel_size()) * u64::from(channels);
            macs + if conv.has_bias { outputs } else { 0 }
        }
        LayerKind::InnerProduct(fc) => layer.input.words() * u64::from(fc.filters),
        LayerKind::Activation(activation) => match activation.function {
            ActivationFunction::Relu => layer.input.words(),
        },
        LayerKind::GlobalPooling(_) => layer.input.words(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_cycles_absorbs_float_noise_only() {
        assert_eq!(whole_cycles(1_048_575.999_999_999_9), 1_048_576);
        assert_eq!(whole_cycles(846_399.999_999_999_9), 846_400);
        assert_eq!(whole_cycles(200_704.0), 200_704);
        assert_eq!(whole_cycles(10.25), 11);
    }
}
