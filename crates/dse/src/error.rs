//! Why a search can fail.

use autows_cost::{LayerError, PipelineError, Resource};

use crate::outcome::DseResult;

/// The ways a design-space search fails; callers match on them to tell bad input from a design that cannot fit.
#[derive(Debug, thiserror::Error)]
pub enum DseError {
    /// Even the cheapest design the search can build does not fit the device.
    #[error("{resource}: {detail}: {shortfall} short")]
    Infeasible {
        /// The resource that is over budget (the most over-utilised one if several are).
        resource: Resource,
        /// What is needed and what the device offers, in the resource's own unit.
        detail: String,
        /// How much is missing, in the resource's own unit.
        shortfall: f64,
        /// The best design found, when the caller asked for it: useful to see how far off the target is.
        partial: Option<Box<DseResult>>,
    },
    /// The pipeline or options cannot be searched.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The pipeline was rejected by the cost model.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// A layer was rejected by the cost model.
    #[error(transparent)]
    Layer(#[from] LayerError),
}
