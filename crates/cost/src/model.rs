//! The cost-model interface and fpgaConvNet's model behind it.

use autows_device::Device;

use crate::depth::{pipeline_depth, ForkRule};
use crate::error::LayerError;
use crate::fidelity::Fidelity;
use crate::layer::Layer;
use crate::layer_cost::{cost_layer, LayerCost};
use crate::layer_resources::Resources;
use crate::pipeline::Pipeline;
use crate::pipeline_cost::{pipeline_cost, PipelineCost, PipelineInputs};

/// A performance and resource model of a layer-wise pipelined accelerator.
///
/// The model is split into a per-layer part and a pipeline part so that a design-space search can cache layer
/// costs and re-cost only the layer it changed (see [`crate::IncrementalEvaluator`]). Another model (a
/// different backend, a fitted model of new hardware) can replace fpgaConvNet's by implementing this trait.
pub trait CostModel {
    /// A short name for reports.
    fn name(&self) -> &str;

    /// The cost of one layer on its own.
    fn layer_cost(&self, layer: &Layer) -> Result<LayerCost, LayerError>;

    /// The fill latency of the pipeline given its layers' costs.
    fn pipeline_depth(&self, pipeline: &Pipeline, layer_costs: &[LayerCost]) -> u64;

    /// Pipeline-level figures from per-layer costs and their sums.
    fn pipeline_cost(&self, inputs: PipelineInputs<'_>) -> PipelineCost;

    /// Costs every layer and then the pipeline, starting from no slow-down.
    fn evaluate(&self, pipeline: &Pipeline, device: &Device) -> Result<PipelineEvaluation, LayerError> {
        let layer_costs =
            pipeline.layers().iter().map(|layer| self.layer_cost(layer)).collect::<Result<Vec<_>, _>>()?;
        let mut resources = Resources::default();
        let mut operations = 0;
        for cost in &layer_costs {
            resources += cost.resources;
            operations += cost.operations;
        }
        let cost = self.pipeline_cost(PipelineInputs {
            pipeline,
            layer_costs: &layer_costs,
            resources,
            operations,
            pipeline_depth: self.pipeline_depth(pipeline, &layer_costs),
            device,
            previous_slowdown: 1.0,
        });
        Ok(PipelineEvaluation { layers: layer_costs, pipeline: cost })
    }
}

/// Per-layer and pipeline costs of one pipeline.
#[derive(Clone, Debug, PartialEq)]
pub struct PipelineEvaluation {
    /// The cost of each layer, index-aligned with the pipeline's layers.
    pub layers: Vec<LayerCost>,
    /// The pipeline figures.
    pub pipeline: PipelineCost,
}

/// fpgaConvNet's performance and resource model (chisel backend, linear-regression resources) with AutoWS'
/// weight streaming, at the chosen [`Fidelity`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FpgaConvNetModel {
    /// Bit-exact fpgaConvNet or corrected.
    pub fidelity: Fidelity,
}

impl FpgaConvNetModel {
    /// The model as fpgaConvNet computes it, quirks included.
    pub const fn fpgaconvnet() -> Self {
        Self { fidelity: Fidelity::FpgaConvNet }
    }

    /// The model with fpgaConvNet's quirks corrected.
    pub const fn strict() -> Self {
        Self { fidelity: Fidelity::Strict }
    }
}

impl CostModel for FpgaConvNetModel {
    fn name(&self) -> &str {
        self.fidelity.name()
    }

    fn layer_cost(&self, layer: &Layer) -> Result<LayerCost, LayerError> {
        cost_layer(layer, self.fidelity)
    }

    fn pipeline_depth(&self, pipeline: &Pipeline, layer_costs: &[LayerCost]) -> u64 {
        let rule = match self.fidelity {
            Fidelity::FpgaConvNet => ForkRule::SkipEltWise,
            Fidelity::Strict => ForkRule::AllConsumers,
        };
        pipeline_depth(pipeline, |index| layer_costs.get(index).map_or(0, |cost| cost.pipeline_depth), rule)
    }

    fn pipeline_cost(&self, inputs: PipelineInputs<'_>) -> PipelineCost {
        pipeline_cost(inputs, self.fidelity)
    }
}
