//! A whole design: one or more partitions run one after another on the same FPGA, with a reconfiguration in
//! between (AUTOWS.md §2.5).

use autows_device::Device;

use crate::error::LayerError;
use crate::model::{CostModel, PipelineEvaluation};
use crate::pipeline::Pipeline;

/// One partition of a design.
#[derive(Clone, Debug, PartialEq)]
pub struct Partition {
    /// Its pipeline.
    pub pipeline: Pipeline,
    /// The layer whose filters would be split over several runs by weights reloading (recorded for reports;
    /// weights reloading itself is not modelled, its factor is always 1).
    pub weights_reloading_layer: Option<String>,
}

/// A design: the partitions of a network, in execution order.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// The partitions.
    pub partitions: Vec<Partition>,
}

/// The cost of a whole design.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignCost {
    /// Each partition's costs, in order.
    pub partitions: Vec<PipelineEvaluation>,
    /// Cycles of all partitions together (reconfiguration excluded).
    pub cycles: u64,
    /// Seconds for one batch through every partition, reconfigurations included.
    pub latency_s: f64,
    /// Frames per second.
    pub throughput_fps: f64,
    /// Operations per frame.
    pub operations: u64,
    /// Operations per second.
    pub operations_per_s: f64,
}

impl DesignCost {
    /// Whether every partition fits the device.
    pub fn is_feasible(&self) -> bool {
        self.partitions.iter().all(|partition| partition.pipeline.feasibility.is_feasible())
    }
}

/// Costs every partition of `design` on `device` and combines them.
pub fn evaluate_design(model: &impl CostModel, design: &Design, device: &Device) -> Result<DesignCost, LayerError> {
    let partitions = design
        .partitions
        .iter()
        .map(|partition| model.evaluate(&partition.pipeline, device))
        .collect::<Result<Vec<_>, _>>()?;
    let reconfigurations = partitions.len().saturating_sub(1) as f64;
    let latency_s = partitions.iter().map(|partition| partition.pipeline.latency_s).sum::<f64>()
        + reconfigurations * device.reconfiguration_time_s;
    let batch_size = partitions.first().map_or(1, |partition| partition.pipeline.batch_size);
    let operations = partitions.iter().map(|partition| partition.pipeline.operations).sum();
    Ok(DesignCost {
        cycles: partitions.iter().map(|partition| partition.pipeline.cycles).sum(),
        latency_s,
        throughput_fps: f64::from(batch_size) / latency_s,
        operations,
        operations_per_s: operations as f64 / latency_s,
        partitions,
    })
}
