//! Incremental evaluation for design-space search.
//!
//! A search changes one layer's parallelism or streaming at a time and asks for the new pipeline cost, millions
//! of times. The evaluator keeps every layer's cost and the running resource sums, so a change re-costs one
//! layer and adjusts the sums; the pipeline-level figures are then recomputed from cached numbers only (the
//! fill latency only when a layer's depth changed).

use autows_device::Device;

use crate::error::PipelineError;
use crate::layer::Layer;
use crate::layer_cost::LayerCost;
use crate::layer_resources::Resources;
use crate::model::{CostModel, PipelineEvaluation};
use crate::pipeline::Pipeline;
use crate::pipeline_cost::{PipelineCost, PipelineInputs};

/// A pipeline with cached per-layer costs under one model and device.
///
/// It also carries the slow-down factor between evaluations, as fpgaConvNet's search does. Cloning it is the
/// way to snapshot a design point and go back to it.
#[derive(Clone, Debug)]
pub struct IncrementalEvaluator<M> {
    model: M,
    device: Device,
    pipeline: Pipeline,
    layer_costs: Vec<LayerCost>,
    resources: Resources,
    operations: u64,
    pipeline_depth: u64,
    depth_is_stale: bool,
    slowdown: f64,
}

impl<M: CostModel> IncrementalEvaluator<M> {
    /// Costs every layer of `pipeline` once.
    pub fn new(model: M, pipeline: Pipeline, device: Device) -> Result<Self, PipelineError> {
        let layer_costs =
            pipeline.layers().iter().map(|layer| model.layer_cost(layer)).collect::<Result<Vec<_>, _>>()?;
        let mut resources = Resources::default();
        let mut operations = 0;
        for cost in &layer_costs {
            resources += cost.resources;
            operations += cost.operations;
        }
        let pipeline_depth = model.pipeline_depth(&pipeline, &layer_costs);
        Ok(Self {
            model,
            device,
            pipeline,
            layer_costs,
            resources,
            operations,
            pipeline_depth,
            depth_is_stale: false,
            slowdown: 1.0,
        })
    }

    /// The model in use.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The target device.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The pipeline as currently configured.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The cached cost of every layer.
    pub fn layer_costs(&self) -> &[LayerCost] {
        &self.layer_costs
    }

    /// Resources summed over all layers.
    pub fn resources(&self) -> &Resources {
        &self.resources
    }

    /// The slow-down factor carried to the next evaluation.
    pub fn slowdown(&self) -> f64 {
        self.slowdown
    }

    /// Sets the carried slow-down factor (1 forgets any earlier throttling).
    pub fn set_slowdown(&mut self, slowdown: f64) {
        self.slowdown = slowdown;
    }

    /// Replaces layer `index` (same name, shapes and ports) and re-costs it alone; returns the old layer.
    /// Nothing changes if the new layer is invalid.
    pub fn replace_layer(&mut self, index: usize, layer: Layer) -> Result<Layer, PipelineError> {
        let cost = self.model.layer_cost(&layer)?;
        let old_layer = self.pipeline.replace_layer(index, layer)?;
        let old_cost = std::mem::replace(&mut self.layer_costs[index], cost);
        let new_cost = &self.layer_costs[index];
        self.resources.remove(&old_cost.resources);
        self.resources += new_cost.resources;
        self.operations = self.operations - old_cost.operations + new_cost.operations;
        self.depth_is_stale |= old_cost.pipeline_depth != new_cost.pipeline_depth;
        Ok(old_layer)
    }

    /// Edits a copy of layer `index` with `edit` and installs it through [`Self::replace_layer`].
    pub fn update_layer(&mut self, index: usize, edit: impl FnOnce(&mut Layer)) -> Result<(), PipelineError> {
        let count = self.pipeline.layers().len();
        let mut layer = self.pipeline.layer(index).ok_or(PipelineError::NoSuchLayer { index, count })?.clone();
        edit(&mut layer);
        self.replace_layer(index, layer).map(drop)
    }

    fn refresh_depth(&mut self) {
        if self.depth_is_stale {
            self.pipeline_depth = self.model.pipeline_depth(&self.pipeline, &self.layer_costs);
            self.depth_is_stale = false;
        }
    }

    /// The pipeline cost of the current design, without committing the resulting slow-down factor (for
    /// trying a move before deciding to keep it).
    pub fn peek(&mut self) -> PipelineCost {
        self.refresh_depth();
        self.model.pipeline_cost(PipelineInputs {
            pipeline: &self.pipeline,
            layer_costs: &self.layer_costs,
            resources: self.resources,
            operations: self.operations,
            pipeline_depth: self.pipeline_depth,
            device: &self.device,
            previous_slowdown: self.slowdown,
        })
    }

    /// The pipeline cost of the current design; its slow-down factor is carried to the next evaluation.
    pub fn evaluate(&mut self) -> PipelineCost {
        let cost = self.peek();
        self.slowdown = cost.slowdown;
        cost
    }

    /// The per-layer and pipeline costs together, committing the slow-down like [`Self::evaluate`].
    pub fn evaluation(&mut self) -> PipelineEvaluation {
        let pipeline = self.evaluate();
        PipelineEvaluation { layers: self.layer_costs.clone(), pipeline }
    }

    /// Gives the pipeline back.
    pub fn into_pipeline(self) -> Pipeline {
        self.pipeline
    }
}
