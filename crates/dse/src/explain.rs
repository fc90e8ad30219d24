//! The account of a design: what limits it, which engines set its pace, and what is streamed and why.

use autows_cost::{LayerKind, Pipeline, PipelineEvaluation, Resource};
use autows_device::Device;
use serde::Serialize;

use crate::parallelism::Parallelism;

/// Engines whose interval is within this fraction of the pipeline interval count as critical.
pub const CRITICAL_MARGIN: f64 = 0.03;

/// One resource against its budget.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Utilisation {
    /// Resource name (LUT, FF, DSP, BRAM, URAM, bandwidth).
    pub resource: String,
    /// Amount used; BRAM after the LUTRAM substitution, bandwidth in Gb/s.
    pub used: f64,
    /// Amount available.
    pub available: f64,
    /// `used / available`.
    pub utilisation: f64,
}

/// An engine that sets the pace of the pipeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CriticalEngine {
    /// Layer name.
    pub name: String,
    /// Layer kind.
    pub kind: String,
    /// Its interval in cycles per frame.
    pub interval: f64,
    /// Its interval over the pipeline interval.
    pub share_of_interval: f64,
    /// Its parallelism.
    pub parallelism: String,
}

/// An engine that streams part of its weights from DRAM.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamedEngine {
    /// Layer name.
    pub name: String,
    /// BRAM18 blocks evicted to DRAM (`stream_weights`).
    pub blocks_streamed: u32,
    /// Blocks its weights would occupy entirely on chip.
    pub weight_blocks: u32,
    /// Blocks freed net of the refill buffer.
    pub bram_freed: i64,
    /// DRAM bandwidth it takes at the pipeline's pace, Gb/s.
    pub gbps: f64,
    /// Fraction of the time the engine is busy (its latency over the slowest weight engine's): the factor that
    /// dilutes its stream.
    pub duty: f64,
    /// Why streaming this engine is cheap.
    pub reason: String,
}

/// Why a design looks the way it does: the binding resource, the engines setting the pace, what is streamed and
/// why, and every resource's utilisation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// Frames per second.
    pub throughput_fps: f64,
    /// Milliseconds per batch.
    pub latency_ms: f64,
    /// Cycles per run.
    pub cycles: u64,
    /// Pipeline interval at compute pace (cycles per frame).
    pub interval: f64,
    /// DRAM slow-down factor (1 when bandwidth suffices).
    pub slowdown: f64,
    /// Fill latency in cycles.
    pub pipeline_depth: u64,
    /// Whether the design fits the device.
    pub feasible: bool,
    /// The most utilised resource: over budget if the design does not fit, otherwise the first to run out.
    pub binding_resource: String,
    /// Resources within 2 % of their budget (the ones that stop further parallelism).
    pub saturated: Vec<String>,
    /// Every resource against its budget.
    pub utilisation: Vec<Utilisation>,
    /// Raw BRAM18 before the LUTRAM substitution.
    pub raw_bram: u32,
    /// BRAM18 absorbed by spare LUTs.
    pub lutram_substituted: u32,
    /// Engines within [`CRITICAL_MARGIN`] of the interval.
    pub critical: Vec<CriticalEngine>,
    /// Engines streaming weights.
    pub streamed: Vec<StreamedEngine>,
    /// Squeeze layers and the LUTs they cost.
    pub squeezes: usize,
    /// LUTs of all squeeze layers.
    pub squeeze_luts: u64,
}

impl Explanation {
    /// Explains `pipeline`, costed as `evaluation`, on `device`.
    pub fn new(pipeline: &Pipeline, evaluation: &PipelineEvaluation, device: &Device) -> Self {
        let cost = &evaluation.pipeline;
        let feasibility = &cost.feasibility;
        let utilisation: Vec<Utilisation> = feasibility
            .usage
            .iter()
            .filter(|usage| usage.available > 0.0 || usage.used > 0.0)
            .map(|usage| Utilisation {
                resource: usage.resource.name().to_owned(),
                used: usage.used,
                available: usage.available,
                utilisation: usage.utilisation(),
            })
            .collect();
        let saturated =
            utilisation.iter().filter(|usage| usage.utilisation >= 0.98).map(|usage| usage.resource.clone()).collect();
        let layers = pipeline.layers();
        let critical = layers
            .iter()
            .zip(&evaluation.layers)
            .filter(|(_, layer_cost)| layer_cost.interval >= cost.interval * (1.0 - CRITICAL_MARGIN))
            .map(|(layer, layer_cost)| CriticalEngine {
                name: layer.name.clone(),
                kind: layer.kind.type_name().to_owned(),
                interval: layer_cost.interval,
                share_of_interval: layer_cost.interval / cost.interval,
                parallelism: Parallelism::of(layer).to_string(),
            })
            .collect();
        let pace = layers
            .iter()
            .zip(&evaluation.layers)
            .filter(|(layer, _)| layer.kind.has_weights())
            .map(|(_, layer_cost)| layer_cost.latency)
            .max()
            .unwrap_or(1)
            .max(1) as f64;
        let streamed = layers
            .iter()
            .zip(&evaluation.layers)
            .filter_map(|(layer, layer_cost)| {
                let memory = layer_cost.weight_memory.filter(|memory| memory.streams())?;
                let duty = layer_cost.latency as f64 / pace;
                let gbps = memory.bits_per_cycle * device.clock_mhz / 1000.0 * duty / cost.slowdown;
                let freed = i64::from(memory.full_blocks) - i64::from(memory.on_chip_blocks);
                let per_gbps = if gbps > 0.0 { freed as f64 / gbps } else { f64::INFINITY };
                let on_chip_share = memory.on_chip_range / memory.depth.max(1) as f64;
                Some(StreamedEngine {
                    name: layer.name.clone(),
                    blocks_streamed: memory.stream_weights,
                    weight_blocks: memory.full_blocks,
                    bram_freed: freed,
                    gbps,
                    duty,
                    reason: format!(
                        "frees {freed} BRAM18 for {gbps:.2} Gb/s ({per_gbps:.1} blocks per Gb/s): a large weight \
                         memory ({} blocks) busy {:.0} % of the time, {:.0} % of its words still on chip to hide \
                         the refills",
                        memory.full_blocks,
                        duty * 100.0,
                        on_chip_share * 100.0
                    ),
                })
            })
            .collect();
        let (squeezes, squeeze_luts) = layers
            .iter()
            .zip(&evaluation.layers)
            .filter(|(layer, _)| matches!(layer.kind, LayerKind::Squeeze(_)))
            .fold((0, 0), |(count, luts), (_, layer_cost)| (count + 1, luts + layer_cost.resources.lut));
        Self {
            throughput_fps: cost.throughput_fps,
            latency_ms: cost.latency_s * 1e3,
            cycles: cost.cycles,
            interval: cost.interval,
            slowdown: cost.slowdown,
            pipeline_depth: cost.pipeline_depth,
            feasible: feasibility.is_feasible(),
            binding_resource: feasibility.binding_resource().name().to_owned(),
            saturated,
            utilisation,
            raw_bram: cost.resources.bram.0,
            lutram_substituted: feasibility.lutram_substituted.0,
            critical,
            streamed,
            squeezes,
            squeeze_luts,
        }
    }

    /// The binding resource as the cost model's type.
    pub fn binding(evaluation: &PipelineEvaluation) -> Resource {
        evaluation.pipeline.feasibility.binding_resource()
    }
}

impl std::fmt::Display for Explanation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{:.2} FPS ({:.4} ms, {} cycles: interval {:.0} x slow-down {:.4} + fill {}), {}",
            self.throughput_fps,
            self.latency_ms,
            self.cycles,
            self.interval,
            self.slowdown,
            self.pipeline_depth,
            if self.feasible { "fits the device" } else { "does NOT fit the device" }
        )?;
        writeln!(f, "binding resource: {}", self.binding_resource)?;
        if !self.saturated.is_empty() {
            writeln!(f, "at their limit: {}", self.saturated.join(", "))?;
        }
        writeln!(f, "utilisation:")?;
        for usage in &self.utilisation {
            writeln!(
                f,
                "  {:<9} {:>12.1} / {:>10.1} ({:5.1} %)",
                usage.resource,
                usage.used,
                usage.available,
                usage.utilisation * 100.0
            )?;
        }
        writeln!(
            f,
            "  raw BRAM18 {} ({} absorbed by spare LUTs as LUTRAM); {} squeezes cost {} LUT",
            self.raw_bram, self.lutram_substituted, self.squeezes, self.squeeze_luts
        )?;
        writeln!(f, "critical engines (within {:.0} % of the interval):", CRITICAL_MARGIN * 100.0)?;
        for engine in &self.critical {
            writeln!(
                f,
                "  {:<28} {:<12} {:>10.0} cycles ({:.3}) [{}]",
                engine.name, engine.kind, engine.interval, engine.share_of_interval, engine.parallelism
            )?;
        }
        if self.streamed.is_empty() {
            writeln!(f, "no weights streamed")?;
        } else {
            writeln!(f, "streamed weights:")?;
            for engine in &self.streamed {
                writeln!(
                    f,
                    "  {:<10} {:>5} of {:>5} blocks, {:7.2} Gb/s: {}",
                    engine.name, engine.blocks_streamed, engine.weight_blocks, engine.gbps, engine.reason
                )?;
            }
        }
        Ok(())
    }
}
