//! From an assignment of options to a costed design: squeezes materialised, weight memories moved to URAM where
//! the device has it and BRAM runs short, streaming planned, the cost model's verdict attached.

use autows_cost::{CostModel, Pipeline, PipelineEvaluation};
use autows_device::Device;

use crate::error::DseError;
use crate::options::DseOptions;
use crate::problem::Problem;
use crate::squeeze::materialise_squeezes;
use crate::streaming::{bram_excess, plan_streaming};
use crate::uram::place_in_uram;

/// A fully built design and its true cost.
#[derive(Clone, Debug)]
pub(crate) struct Outcome {
    pub pipeline: Pipeline,
    pub evaluation: PipelineEvaluation,
    pub feasible: bool,
}

impl Outcome {
    fn new(pipeline: Pipeline, evaluation: PipelineEvaluation) -> Self {
        let feasible = evaluation.pipeline.feasibility.is_feasible();
        Self { pipeline, evaluation, feasible }
    }

    /// How far over budget the worst resource is (utilisation; at most 1 when feasible).
    pub fn violation(&self) -> f64 {
        self.evaluation.pipeline.feasibility.usage.iter().map(|usage| usage.utilisation()).fold(0.0, f64::max)
    }
}

/// Builds the selection, squeezes included, moves weights to URAM and streams what must leave BRAM, as far as
/// `options` allow.
pub(crate) fn realise<M: CostModel>(
    problem: &Problem,
    model: &M,
    device: &Device,
    selection: &[usize],
    options: &DseOptions,
) -> Result<Outcome, DseError> {
    let pipeline = materialise_squeezes(&problem.build(selection)?)?;
    let evaluation = model.evaluate(&pipeline, device)?;
    let (pipeline, evaluation) =
        if options.uram { place_in_uram(model, device, pipeline, evaluation)? } else { (pipeline, evaluation) };
    if !options.weight_streaming {
        return Ok(Outcome::new(pipeline, evaluation));
    }
    stream_to_fit(model, device, pipeline, evaluation)
}

/// Streams the fewest Gb/s that bring an all-on-chip design within BRAM; the design as it stands if it
/// already fits, everything streamable if nothing suffices.
pub(crate) fn stream_to_fit<M: CostModel>(
    model: &M,
    device: &Device,
    pipeline: Pipeline,
    evaluation: PipelineEvaluation,
) -> Result<Outcome, DseError> {
    let resources = evaluation.pipeline.resources;
    let excess = bram_excess(resources.bram.0, resources.lut, device);
    if excess == 0 {
        return Ok(Outcome::new(pipeline, evaluation));
    }
    let mut needed = excess;
    let mut last = None;
    // The planner's arithmetic mirrors the model's; the re-evaluation is the judge, with a margin if it disagrees.
    for _ in 0..4 {
        let plan = plan_streaming(&pipeline, &evaluation.layers, device, needed);
        let streamed = apply_plan(&pipeline, &evaluation, plan.as_deref())?;
        let streamed_evaluation = model.evaluate(&streamed, device)?;
        let now = &streamed_evaluation.pipeline.resources;
        let left = bram_excess(now.bram.0, now.lut, device);
        let outcome = Outcome::new(streamed, streamed_evaluation);
        if left == 0 || plan.is_none() {
            return Ok(outcome);
        }
        needed += left;
        last = Some(outcome);
    }
    Ok(last.unwrap_or_else(|| Outcome::new(pipeline, evaluation)))
}

/// The pipeline with the planned evictions (`None`: evict every weight block).
fn apply_plan(
    pipeline: &Pipeline,
    evaluation: &PipelineEvaluation,
    plan: Option<&[crate::streaming::StreamChoice]>,
) -> Result<Pipeline, DseError> {
    let mut streamed = pipeline.clone();
    for (index, cost) in evaluation.layers.iter().enumerate() {
        let Some(memory) = cost.weight_memory else { continue };
        let blocks = match plan {
            Some(plan) => plan.iter().find(|choice| choice.layer == index).map_or(0, |choice| choice.blocks),
            None => memory.full_blocks,
        };
        let mut layer = streamed.layers()[index].clone();
        if let Some(streaming) = layer.kind.streaming_mut() {
            streaming.stream_weights = blocks;
        }
        streamed.replace_layer(index, layer)?;
    }
    Ok(streamed)
}
