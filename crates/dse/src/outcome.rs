//! What a search returns.

use autows_cost::{Pipeline, PipelineEvaluation};
use serde::Serialize;

use crate::explain::Explanation;
use crate::options::Algorithm;

/// Why a search stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum StopReason {
    /// It ran to completion.
    Converged,
    /// The time limit ran out; the result is the best design found until then.
    TimeLimit,
}

/// Effort figures of a search, for reports and for comparing searches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchStats {
    /// The search that ran.
    pub algorithm: Algorithm,
    /// Designs costed in full (squeezes and streaming included).
    pub evaluations: u64,
    /// Wall-clock seconds.
    pub elapsed_s: f64,
    /// Why it stopped.
    pub stopped: StopReason,
}

/// A searched design: the pipeline fpgaConvNet would build (parallelism, streaming and squeezes all set), its
/// cost, and why it looks the way it does.
#[derive(Clone, Debug)]
pub struct DseResult {
    /// The design, squeeze layers included.
    pub pipeline: Pipeline,
    /// Its cost under the search's model, evaluated fresh (no carried slow-down).
    pub evaluation: PipelineEvaluation,
    /// The human- and machine-readable account of the design.
    pub explanation: Explanation,
    /// How the search went.
    pub stats: SearchStats,
}
