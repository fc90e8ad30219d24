//! Pipeline-level figures: interval, fill, bandwidth, the streaming slow-down, cycles and feasibility
//! (AUTOWS.md §1.2, §2.5).

use autows_device::Device;

use crate::feasibility::{assess, Feasibility};
use crate::fidelity::Fidelity;
use crate::layer_cost::LayerCost;
use crate::layer_resources::Resources;
use crate::pipeline::Pipeline;

/// DRAM traffic of a pipeline in Gb/s.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bandwidth {
    /// Input feature maps read from DRAM.
    pub input_gbps: f64,
    /// Output feature maps written to DRAM.
    pub output_gbps: f64,
    /// Streamed weights at the throttled pace.
    pub weight_gbps: f64,
    /// Streamed weights if the pipeline were not throttled (slow-down 1).
    pub unthrottled_weight_gbps: f64,
}

impl Bandwidth {
    /// All DRAM traffic, as checked against the device's bandwidth.
    pub fn total_gbps(&self) -> f64 {
        self.input_gbps + self.output_gbps + self.weight_gbps
    }
}

/// The cost of a whole pipeline.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineCost {
    /// Initiation interval in cycles per frame at compute pace: the slowest layer.
    pub interval: f64,
    /// Factor by which the pipeline runs slower than `interval` because DRAM cannot feed the streamed weights
    /// fast enough (1 when it can).
    pub slowdown: f64,
    /// Cycles per frame actually achieved, `ceil(interval · slowdown)`.
    pub effective_interval: u64,
    /// Fill latency in cycles.
    pub pipeline_depth: u64,
    /// Frames per run.
    pub batch_size: u32,
    /// Cycles of one run: `effective_interval · batch_size + pipeline_depth`.
    pub cycles: u64,
    /// Seconds of one run.
    pub latency_s: f64,
    /// Frames per second.
    pub throughput_fps: f64,
    /// DRAM traffic.
    pub bandwidth: Bandwidth,
    /// Resources summed over the layers.
    pub resources: Resources,
    /// Operations per frame summed over the layers.
    pub operations: u64,
    /// The verdict against the device.
    pub feasibility: Feasibility,
}

/// What the pipeline-level model needs, whether freshly computed or taken from caches.
#[derive(Clone, Copy, Debug)]
pub struct PipelineInputs<'a> {
    /// The pipeline.
    pub pipeline: &'a Pipeline,
    /// The cost of each layer, index-aligned with the pipeline's layers.
    pub layer_costs: &'a [LayerCost],
    /// Resources summed over the layers.
    pub resources: Resources,
    /// Operations summed over the layers.
    pub operations: u64,
    /// Fill latency of the pipeline.
    pub pipeline_depth: u64,
    /// The target device.
    pub device: &'a Device,
    /// The slow-down factor of the previous evaluation (1 for a fresh design); fpgaConvNet keeps it unless the
    /// bandwidth check fails.
    pub previous_slowdown: f64,
}

/// Per streaming layer: Gb/s at the layer's own pace and the fraction of time it runs at that pace.
struct WeightDemand {
    gbps: f64,
    duty: f64,
}

impl WeightDemand {
    fn throttled(&self, slowdown: f64) -> f64 {
        self.gbps * (self.duty / slowdown)
    }
}

fn weight_demands(inputs: &PipelineInputs<'_>, interval: f64, fidelity: Fidelity) -> Vec<WeightDemand> {
    let clock_mhz = inputs.device.clock_mhz;
    let pace = match fidelity {
        // The slowest convolution or inner product, by truncated latency.
        Fidelity::FpgaConvNet => inputs
            .pipeline
            .layers()
            .iter()
            .zip(inputs.layer_costs)
            .filter(|(layer, _)| layer.kind.has_weights())
            .map(|(_, cost)| cost.latency)
            .max()
            .unwrap_or(0) as f64,
        Fidelity::Strict => interval,
    };
    if pace <= 0.0 {
        return Vec::new();
    }
    inputs
        .layer_costs
        .iter()
        .filter(|cost| cost.weight_bits_per_cycle() > 0.0)
        .map(|cost| WeightDemand {
            gbps: cost.weight_bits_per_cycle() * clock_mhz / 1000.0,
            duty: cost.latency as f64 / pace,
        })
        .collect()
}

fn weight_gbps(demands: &[WeightDemand], slowdown: f64) -> f64 {
    demands.iter().map(|demand| demand.throttled(slowdown)).sum()
}

/// Gb/s of the feature maps entering and leaving the pipeline at `cycles_per_frame`.
fn feature_map_gbps(inputs: &PipelineInputs<'_>, cycles_per_frame: f64, fidelity: Fidelity) -> (f64, f64) {
    let layers = inputs.pipeline.layers();
    let clock = inputs.device.clock_mhz;
    // fpgaConvNet prices every external port with the data width of the first layer's input.
    let partition_width = inputs.pipeline.inputs().next().map_or(0, |first| layers[first].input_width());
    let gbps = |words: u64, width: u32| words as f64 / cycles_per_frame * f64::from(width) * clock / 1000.0;
    let input = inputs
        .pipeline
        .inputs()
        .map(|index| {
            let width = match fidelity {
                Fidelity::FpgaConvNet => partition_width,
                Fidelity::Strict => layers[index].input_width(),
            };
            let layer = &layers[index];
            let words = (0..layer.ports_in() as usize).map(|port| layer.input_of_port(port).words()).sum();
            gbps(words, width)
        })
        .sum();
    let output = inputs
        .pipeline
        .outputs()
        .map(|index| {
            let width = match fidelity {
                Fidelity::FpgaConvNet => partition_width,
                Fidelity::Strict => layers[index].output_width(),
            };
            gbps(layers[index].output.words() * u64::from(layers[index].ports_out()), width)
        })
        .sum();
    (input, output)
}

/// The pipeline-level model.
pub(crate) fn pipeline_cost(inputs: PipelineInputs<'_>, fidelity: Fidelity) -> PipelineCost {
    let device = inputs.device;
    let interval = match fidelity {
        Fidelity::FpgaConvNet => inputs.layer_costs.iter().map(|cost| cost.interval).fold(0.0, f64::max),
        Fidelity::Strict => inputs.layer_costs.iter().map(|cost| cost.latency).max().unwrap_or(0) as f64,
    };
    let demands = weight_demands(&inputs, interval, fidelity);
    let unthrottled_weight_gbps = weight_gbps(&demands, 1.0);
    let budget = device.memory_bandwidth_gbps;

    let (slowdown, input_gbps, output_gbps) = match fidelity {
        Fidelity::FpgaConvNet => {
            let (input_gbps, output_gbps) = feature_map_gbps(&inputs, interval, fidelity);
            let mut slowdown = inputs.previous_slowdown;
            if input_gbps + output_gbps + weight_gbps(&demands, slowdown) > budget {
                let available = budget - input_gbps - output_gbps;
                // With the feature maps alone over budget no slow-down helps; the check below reports it.
                if available > 0.0 {
                    slowdown = unthrottled_weight_gbps / available + 0.01;
                }
            }
            (slowdown, input_gbps, output_gbps)
        }
        Fidelity::Strict => {
            let (input_gbps, output_gbps) = feature_map_gbps(&inputs, interval, fidelity);
            let demand = input_gbps + output_gbps + unthrottled_weight_gbps;
            // Without a usable budget no slow-down helps; the bandwidth check reports it.
            let mut slowdown = if budget > 0.0 { (demand / budget).max(1.0) } else { 1.0 };
            // Division may round the throttled traffic a hair above the budget; nudge until it fits.
            for _ in 0..8 {
                if budget <= 0.0 || demand / slowdown <= budget {
                    break;
                }
                slowdown *= 1.0 + f64::EPSILON;
            }
            (slowdown, input_gbps / slowdown, output_gbps / slowdown)
        }
    };
    let bandwidth =
        Bandwidth { input_gbps, output_gbps, weight_gbps: weight_gbps(&demands, slowdown), unthrottled_weight_gbps };

    let effective_interval = (interval * slowdown).ceil() as u64;
    let batch_size = inputs.pipeline.batch_size();
    let cycles = effective_interval * u64::from(batch_size) + inputs.pipeline_depth;
    let latency_s = cycles as f64 / (device.clock_mhz * 1e6);
    PipelineCost {
        interval,
        slowdown,
        effective_interval,
        pipeline_depth: inputs.pipeline_depth,
        batch_size,
        cycles,
        latency_s,
        throughput_fps: f64::from(batch_size) / latency_s,
        bandwidth,
        resources: inputs.resources,
        operations: inputs.operations,
        feasibility: assess(&inputs.resources, bandwidth.total_gbps(), device, fidelity),
    }
}
