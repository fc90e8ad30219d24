//! Writing a report in fpgaConvNet's `report.json` schema.
//!
//! The keys fpgaConvNet writes are kept as they are, so tools that read its reports read ours; what we add
//! (fill latency, weight-memory geometry, feasibility, effective resources) sits under `autows` keys at the
//! top level, per partition and per layer.

use autows_device::Device;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::design::{Design, DesignCost};
use crate::feasibility::Feasibility;
use crate::layer::Layer;
use crate::layer_cost::LayerCost;
use crate::layer_resources::Resources;
use crate::model::PipelineEvaluation;
use crate::weights::{WeightMemory, WeightRam};

/// Free-form fields of a report that the model cannot know.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportMetadata {
    /// The design's name (fpgaConvNet writes the network's name).
    pub name: String,
    /// When the report was made, in whatever format the caller prefers.
    pub date_created: String,
}

/// Renders the report of `design` as pretty-printed JSON.
///
/// `cost` must be the evaluation of `design` on `device` by the model called `model_name`.
pub fn report_json(
    design: &Design,
    cost: &DesignCost,
    device: &Device,
    model_name: &str,
    metadata: &ReportMetadata,
) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(&build_report(design, cost, device, model_name, metadata))
}

/// A JSON number written as an integer when it is one, as fpgaConvNet's Python writes whole counts.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Number(f64);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.0;
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            serializer.serialize_i64(value as i64)
        } else {
            serializer.serialize_f64(value)
        }
    }
}

/// A JSON object whose keys keep their insertion order.
struct Ordered<T>(Vec<(String, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Report {
    name: String,
    date_created: String,
    platform: Platform,
    total_operations: f64,
    network: Network,
    partitions: Ordered<PartitionReport>,
    autows: DesignExtras,
}

#[derive(Serialize)]
struct Platform {
    part: String,
    board: String,
    resources: PlatformResources,
    board_freq: Number,
    mem_bw: f64,
    reconf_time: f64,
    port_width: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "UPPERCASE")]
struct PlatformResources {
    dsp: u32,
    bram: u32,
    ff: u32,
    lut: u32,
}

#[derive(Serialize)]
struct Network {
    multi_fpga: bool,
    performance: Performance,
    num_partitions: usize,
    max_resource_usage: ResourceUsage,
    sum_resource_usage: ResourceUsage,
}

#[derive(Serialize)]
struct Performance {
    #[serde(rename = "latency (s)")]
    latency: f64,
    #[serde(rename = "throughput (FPS)")]
    throughput: f64,
    #[serde(rename = "performance (OP/s)")]
    performance: f64,
    cycles: u64,
    #[serde(rename = "delays between partitions (s)")]
    delays: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "UPPERCASE")]
struct ResourceUsage {
    lut: u64,
    ff: u64,
    bram: u32,
    dsp: Number,
}

impl ResourceUsage {
    fn of(resources: &Resources) -> Self {
        Self { lut: resources.lut, ff: resources.ff, bram: resources.bram.0, dsp: Number(resources.dsp) }
    }
}

#[derive(Serialize)]
struct PartitionReport {
    partition_index: usize,
    batch_size: u32,
    num_layers: usize,
    latency: f64,
    cycles: u64,
    slowdown: f64,
    weights_reloading_factor: u32,
    weights_reloading_layer: Option<String>,
    resource_usage: ResourceUsage,
    bandwidth: BandwidthReport,
    layers: Ordered<LayerReport>,
    autows: PartitionExtras,
}

#[derive(Serialize)]
struct BandwidthReport {
    #[serde(rename = "in (Gbps)")]
    input: f64,
    #[serde(rename = "out (Gbps)")]
    output: f64,
    #[serde(rename = "weight (Gbps)")]
    weight: f64,
}

#[derive(Serialize)]
struct LayerReport {
    #[serde(rename = "type")]
    layer_type: String,
    interval: u64,
    cycle: u64,
    resource_usage: LayerUsage,
    autows: LayerExtras,
}

#[derive(Serialize)]
struct LayerUsage {
    #[serde(rename = "LUT")]
    lut: u64,
    #[serde(rename = "FF")]
    ff: u64,
    #[serde(rename = "BRAM")]
    bram: u32,
    #[serde(rename = "DSP")]
    dsp: Number,
    #[serde(rename = "URAM", skip_serializing_if = "Option::is_none")]
    uram: Option<u32>,
    #[serde(rename = "BW(weight)", skip_serializing_if = "Option::is_none")]
    weight_bandwidth: Option<f64>,
}

#[derive(Serialize)]
struct LayerExtras {
    interval: f64,
    pipeline_depth: u64,
    operations: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    weight_memory: Option<WeightMemoryReport>,
}

/// The weight memory with the key names of the reference `layers.json`.
#[derive(Serialize)]
struct WeightMemoryReport {
    ram: &'static str,
    depth: u64,
    width: u32,
    bram_full: u32,
    unit_w: u32,
    unit_d: u64,
    sw: u32,
    ram_left: u32,
    stream_unit: u32,
    rows: u64,
    off: f64,
    on: f64,
    buf: u32,
    bits_per_cycle: f64,
    off_chip_interval: i64,
    off_chip_buffer_size: u64,
    step: u32,
    bram: u32,
}

impl WeightMemoryReport {
    fn of(memory: &WeightMemory) -> Self {
        Self {
            ram: match memory.ram {
                WeightRam::Bram18 => "BRAM18",
                WeightRam::Uram => "URAM",
            },
            depth: memory.depth,
            width: memory.width,
            bram_full: memory.full_blocks,
            unit_w: memory.unit_width,
            unit_d: memory.unit_depth,
            sw: memory.stream_weights,
            ram_left: memory.remaining_blocks,
            stream_unit: memory.stream_unit,
            rows: memory.rows,
            off: memory.off_chip_range,
            on: memory.on_chip_range,
            buf: memory.buffer_blocks,
            bits_per_cycle: memory.bits_per_cycle,
            off_chip_interval: memory
                .off_chip_interval
                .map_or(-1, |interval| i64::try_from(interval).unwrap_or(i64::MAX)),
            off_chip_buffer_size: memory.buffer_depth(),
            step: memory.step_blocks,
            bram: memory.on_chip_blocks,
        }
    }
}

#[derive(Serialize)]
struct PartitionExtras {
    interval: f64,
    effective_interval: u64,
    pipeline_depth: u64,
    operations: u64,
    #[serde(rename = "weight unthrottled (Gbps)")]
    unthrottled_weight_gbps: f64,
    #[serde(rename = "total bandwidth (Gbps)")]
    total_gbps: f64,
    feasibility: FeasibilityReport,
}

#[derive(Serialize)]
struct FeasibilityReport {
    feasible: bool,
    binding_resource: &'static str,
    effective_lut: u64,
    effective_bram: u32,
    lutram_substituted_bram: u32,
    utilisation: Ordered<f64>,
    over_budget: Vec<&'static str>,
}

impl FeasibilityReport {
    fn of(feasibility: &Feasibility) -> Self {
        Self {
            feasible: feasibility.is_feasible(),
            binding_resource: feasibility.binding_resource().name(),
            effective_lut: feasibility.effective_lut,
            effective_bram: feasibility.effective_bram.0,
            lutram_substituted_bram: feasibility.lutram_substituted.0,
            utilisation: Ordered(
                feasibility.usage.iter().map(|usage| (usage.resource.name().to_owned(), usage.utilisation())).collect(),
            ),
            over_budget: feasibility.violations().map(|usage| usage.resource.name()).collect(),
        }
    }
}

#[derive(Serialize)]
struct DesignExtras {
    model: String,
    device: String,
    feasible: bool,
}

fn build_report(
    design: &Design,
    cost: &DesignCost,
    device: &Device,
    model_name: &str,
    metadata: &ReportMetadata,
) -> Report {
    let partitions: Vec<(String, PartitionReport)> = design
        .partitions
        .iter()
        .zip(&cost.partitions)
        .enumerate()
        .map(|(index, (partition, evaluation))| {
            (index.to_string(), partition_report(index, partition, evaluation, device))
        })
        .collect();
    let mut max_usage = Resources::default();
    let mut sum_usage = Resources::default();
    for evaluation in &cost.partitions {
        let resources = &evaluation.pipeline.resources;
        max_usage.lut = max_usage.lut.max(resources.lut);
        max_usage.ff = max_usage.ff.max(resources.ff);
        max_usage.bram = max_usage.bram.max(resources.bram);
        max_usage.dsp = max_usage.dsp.max(resources.dsp);
        sum_usage += *resources;
    }
    // fpgaConvNet sums whole DSPs across partitions.
    sum_usage.dsp = sum_usage.dsp.trunc();
    Report {
        name: metadata.name.clone(),
        date_created: metadata.date_created.clone(),
        platform: Platform {
            part: device.part.clone().unwrap_or_default(),
            board: device.board.clone().unwrap_or_default(),
            resources: PlatformResources {
                dsp: device.resources.dsp,
                bram: device.resources.bram.0,
                ff: device.resources.ff,
                lut: device.resources.lut,
            },
            board_freq: Number(device.clock_mhz),
            mem_bw: device.memory_bandwidth_gbps,
            reconf_time: device.reconfiguration_time_s,
            port_width: device.port_width_bits,
        },
        total_operations: cost.operations as f64,
        network: Network {
            multi_fpga: false,
            performance: Performance {
                latency: cost.latency_s,
                throughput: cost.throughput_fps,
                performance: cost.operations_per_s,
                cycles: cost.cycles,
                delays: device.reconfiguration_time_s,
            },
            num_partitions: cost.partitions.len(),
            max_resource_usage: ResourceUsage::of(&max_usage),
            sum_resource_usage: ResourceUsage::of(&sum_usage),
        },
        partitions: Ordered(partitions),
        autows: DesignExtras {
            model: model_name.to_owned(),
            device: device.name.clone(),
            feasible: cost.is_feasible(),
        },
    }
}

fn partition_report(
    index: usize,
    partition: &crate::design::Partition,
    evaluation: &PipelineEvaluation,
    device: &Device,
) -> PartitionReport {
    let pipeline = &partition.pipeline;
    let cost = &evaluation.pipeline;
    // fpgaConvNet's per-layer "BW(weight)" scales by the slowest layer of any kind and ignores the slow-down.
    let slowest = evaluation.layers.iter().map(|layer| layer.latency).max().unwrap_or(0);
    let layers = pipeline
        .layers()
        .iter()
        .zip(&evaluation.layers)
        .map(|(layer, layer_cost)| (layer.name.clone(), layer_report(layer, layer_cost, slowest, device)))
        .collect();
    PartitionReport {
        partition_index: index,
        batch_size: pipeline.batch_size(),
        num_layers: pipeline.layers().len(),
        latency: cost.latency_s,
        cycles: cost.cycles,
        slowdown: cost.slowdown,
        weights_reloading_factor: 1,
        weights_reloading_layer: partition.weights_reloading_layer.clone(),
        resource_usage: ResourceUsage::of(&cost.resources),
        bandwidth: BandwidthReport {
            input: cost.bandwidth.input_gbps,
            output: cost.bandwidth.output_gbps,
            weight: cost.bandwidth.weight_gbps,
        },
        layers: Ordered(layers),
        autows: PartitionExtras {
            interval: cost.interval,
            effective_interval: cost.effective_interval,
            pipeline_depth: cost.pipeline_depth,
            operations: cost.operations,
            unthrottled_weight_gbps: cost.bandwidth.unthrottled_weight_gbps,
            total_gbps: cost.bandwidth.total_gbps(),
            feasibility: FeasibilityReport::of(&cost.feasibility),
        },
    }
}

fn layer_report(layer: &Layer, cost: &LayerCost, slowest: u64, device: &Device) -> LayerReport {
    let weight_bandwidth = (layer.kind.has_weights() && slowest > 0)
        .then(|| cost.weight_bits_per_cycle() * device.clock_mhz / 1000.0 * (cost.latency as f64 / slowest as f64));
    LayerReport {
        layer_type: format!("LAYER_TYPE.{}", layer.kind.type_name()),
        interval: cost.latency,
        cycle: cost.latency,
        resource_usage: LayerUsage {
            lut: cost.resources.lut,
            ff: cost.resources.ff,
            bram: cost.resources.bram.0,
            dsp: Number(cost.resources.dsp),
            uram: layer.kind.has_weights().then_some(cost.resources.uram.0),
            weight_bandwidth,
        },
        autows: LayerExtras {
            interval: cost.interval,
            pipeline_depth: cost.pipeline_depth,
            operations: cost.operations,
            weight_memory: cost.weight_memory.as_ref().map(WeightMemoryReport::of),
        },
    }
}
