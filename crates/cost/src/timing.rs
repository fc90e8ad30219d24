//! Per-layer timing: the rate balancing of a module chain and the resulting cycles per frame.
//!
//! A layer is a chain of hardware modules, each with a nominal input and output rate in words per cycle and
//! stream. fpgaConvNet balances the chain so that no module is asked to run faster than its neighbours allow
//! (AUTOWS.md §2.3), then divides each port's workload by the achieved rate. The balancing is reproduced step by
//! step, in the same floating-point order, because the pipeline interval is the *untruncated* maximum of these
//! quotients and a different rounding moves the cycle count.

use crate::layer::{Convolution, FeatureMap, InnerProduct, Layer, LayerKind, Window};

/// The nominal rates of one module: words per cycle and stream consumed and produced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ModuleRates {
    /// Input rate.
    pub input: f64,
    /// Output rate.
    pub output: f64,
}

const PASS_THROUGH: ModuleRates = ModuleRates { input: 1.0, output: 1.0 };

/// The longest chain of any layer kind: a convolution's eight modules and a fused pooling's two.
const MAX_CHAIN: usize = 10;

/// The rates a whole layer achieves once its chain is balanced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LayerRates {
    /// Words per cycle and stream entering the layer.
    pub input: f64,
    /// Words per cycle and stream leaving the layer.
    pub output: f64,
}

/// Balances a module chain: a consumer slower than its producer slows everything upstream, a consumer faster
/// than its producer is held back to the producer's pace downstream. Each module keeps its own output/input
/// ratio, computed once before balancing.
pub(crate) fn balance(chain: &[ModuleRates]) -> LayerRates {
    let (input, output) = balanced(chain);
    LayerRates { input: input[0], output: output[chain.len() - 1] }
}

/// The balanced input and output rate of every module of `chain`.
fn balanced(chain: &[ModuleRates]) -> ([f64; MAX_CHAIN], [f64; MAX_CHAIN]) {
    let count = chain.len();
    debug_assert!(count > 0 && count <= MAX_CHAIN);
    let mut input = [0.0; MAX_CHAIN];
    let mut output = [0.0; MAX_CHAIN];
    let mut ratio = [0.0; MAX_CHAIN];
    for (index, module) in chain.iter().enumerate() {
        input[index] = module.input;
        output[index] = module.output;
        ratio[index] = module.output / module.input;
    }
    for last in (1..count).rev() {
        if input[last] > output[last - 1] {
            for index in last..count {
                if input[index] <= output[index - 1] {
                    break;
                }
                input[index] = output[index - 1];
                output[index] = input[index] * ratio[index];
            }
        } else if input[last] < output[last - 1] {
            for offset in 0..last {
                let consumer = last - offset;
                if input[consumer] >= output[consumer - 1] {
                    break;
                }
                output[consumer - 1] = input[consumer];
                input[consumer - 1] = output[consumer - 1] / ratio[consumer - 1];
            }
        }
    }
    (input, output)
}

/// Cycles per frame of one layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayerTiming {
    /// The untruncated maximum over ports of workload / (rate · streams), without port ceilings: the quantity
    /// the pipeline interval is the maximum of.
    pub interval: f64,
    /// The same with each port's rate capped by its word-rate ceiling, before any rounding; fpgaConvNet
    /// truncates it to report the layer's latency.
    pub capped_interval: f64,
}

fn sliding_window_rates(input: FeatureMap, output: FeatureMap, window: &Window) -> ModuleRates {
    let padded = f64::from(window.padded_rows(input.rows)) * f64::from(window.padded_cols(input.cols));
    ModuleRates { input: input.pixels() as f64 / padded, output: output.pixels() as f64 / input.pixels() as f64 }
}

/// Modules of a convolution chain before its fused pooling stage.
const CONVOLUTION_MODULES: usize = 8;

/// The convolution's modules, then a fused pooling's window and pool modules (per output stream).
fn convolution_chain(layer: &Layer, conv: &Convolution) -> ([ModuleRates; MAX_CHAIN], usize) {
    let parallelism = &conv.parallelism;
    let filters_per_stream = conv.filters / (parallelism.coarse_out * conv.groups);
    let accumulated = (u64::from(layer.input.channels) * u64::from(conv.window.kernel_size()))
        / u64::from(parallelism.fine * parallelism.coarse_in * parallelism.coarse_group);
    let convolved = convolved(layer, conv);
    let mut chain = [PASS_THROUGH; MAX_CHAIN];
    chain[..CONVOLUTION_MODULES].copy_from_slice(&[
        sliding_window_rates(layer.input, convolved, &conv.window),
        PASS_THROUGH,
        PASS_THROUGH,
        ModuleRates { input: 1.0 / f64::from(filters_per_stream), output: 1.0 },
        ModuleRates { input: 1.0, output: 1.0 / accumulated as f64 },
        PASS_THROUGH,
        PASS_THROUGH,
        PASS_THROUGH,
    ]);
    match &conv.fused_pool {
        Some(pool) => {
            chain[CONVOLUTION_MODULES] = sliding_window_rates(convolved, layer.output, &pool.window);
            (chain, CONVOLUTION_MODULES + 2)
        }
        None => (chain, CONVOLUTION_MODULES),
    }
}

/// The map the convolution produces before any fused pooling (the output when the window does not fit, which
/// the layer check refuses anyway).
fn convolved(layer: &Layer, conv: &Convolution) -> FeatureMap {
    conv.convolved(layer.input).unwrap_or(layer.output)
}

fn inner_product_chain(layer: &Layer, fc: &InnerProduct) -> [ModuleRates; 6] {
    [
        PASS_THROUGH,
        ModuleRates { input: f64::from(fc.parallelism.coarse_out) / f64::from(fc.filters), output: 1.0 },
        ModuleRates { input: 1.0, output: f64::from(fc.parallelism.coarse_in) / layer.input.words() as f64 },
        PASS_THROUGH,
        PASS_THROUGH,
        PASS_THROUGH,
    ]
}

/// A layer's balanced rates and, for a fused-residual convolution, the rate per stream at which its residual
/// port is read: the pace of the convolution's result where the add sits, before any pooling.
fn layer_rates(layer: &Layer) -> (LayerRates, Option<f64>) {
    match &layer.kind {
        LayerKind::Convolution(conv) => {
            let (chain, count) = convolution_chain(layer, conv);
            let (input, output) = balanced(&chain[..count]);
            let rates = LayerRates { input: input[0], output: output[count - 1] };
            (rates, conv.fused_residual.then_some(output[CONVOLUTION_MODULES - 1]))
        }
        LayerKind::InnerProduct(fc) => (balance(&inner_product_chain(layer, fc)), None),
        LayerKind::Pooling(pool) => {
            (balance(&[sliding_window_rates(layer.input, layer.output, &pool.window), PASS_THROUGH]), None)
        }
        _ => (LayerRates { input: 1.0, output: 1.0 }, None),
    }
}

/// Cycles per frame of `layer` at its own pace.
pub fn layer_timing(layer: &Layer) -> LayerTiming {
    let (rates, residual_rate) = layer_rates(layer);
    let streams_out = f64::from(layer.streams_out());
    let mut interval: f64 = 0.0;
    let mut capped_interval: f64 = 0.0;
    for port in 0..layer.ports_in() as usize {
        let workload = layer.input_of_port(port).words() as f64;
        let per_stream = match residual_rate {
            Some(rate) if port == 1 => rate,
            _ => rates.input,
        };
        let rate = per_stream * f64::from(layer.streams_in_port(port));
        interval = interval.max(workload / rate);
        capped_interval = capped_interval.max(workload / layer.port_limits.input_port(port).min(rate));
    }
    let workload = layer.output.words() as f64;
    for port in 0..layer.ports_out() as usize {
        let rate = rates.output * streams_out;
        interval = interval.max(workload / rate);
        capped_interval = capped_interval.max(workload / layer.port_limits.output_port(port).min(rate));
    }
    LayerTiming { interval, capped_interval }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_chain_is_the_bottleneck_in_input_terms() {
        // A window module producing a quarter of what it reads, then a dot product taking 1/64 per cycle.
        let chain =
            [ModuleRates { input: 0.5, output: 0.25 }, ModuleRates { input: 1.0 / 64.0, output: 1.0 }, PASS_THROUGH];
        assert_eq!(balance(&chain).input, 1.0 / 32.0);
    }

    #[test]
    fn a_fast_consumer_is_held_to_the_producer() {
        let chain = [ModuleRates { input: 0.5, output: 0.5 }, ModuleRates { input: 1.0, output: 2.0 }];
        let rates = balance(&chain);
        assert_eq!(rates.input, 0.5);
        assert_eq!(rates.output, 1.0);
    }
}
