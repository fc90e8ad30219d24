//! Design-space exploration for AutoWS: per compute engine, the parallelism (coarse_in, coarse_out,
//! coarse_group, fine) and how much of its weight memory is streamed from DRAM, to maximise throughput (or
//! minimise latency) within a device's DSP, BRAM, URAM, LUT, FF and DRAM bandwidth.
//!
//! [`search`] takes any [`Pipeline`] (from a fpgaConvNet `config.json`, from the compiler's IR, ...), a
//! [`Device`] and a [`CostModel`], and returns a [`DseResult`]: the pipeline as fpgaConvNet would build it
//! (squeeze layers included, see [`squeeze`]), its cost, and an [`Explanation`]. Two searches are offered
//! ([`Algorithm`]): this crate's bisection on the target interval (the default, see the `search` module) and
//! AutoWS' own greedy, re-implemented as the baseline (see the `greedy` module).

mod assign;
mod error;
mod explain;
mod greedy;
mod improve;
mod options;
mod outcome;
pub mod parallelism;
mod problem;
mod realise;
mod search;
pub mod squeeze;
pub mod streaming;
mod uram;

use std::time::Instant;

pub use autows_cost::{CostModel, FpgaConvNetModel, Pipeline};
pub use autows_device::Device;
pub use error::DseError;
pub use explain::{CriticalEngine, Explanation, StreamedEngine, Utilisation, CRITICAL_MARGIN};
pub use options::{Algorithm, DseOptions, Objective};
pub use outcome::{DseResult, SearchStats, StopReason};

use autows_cost::{Resource, ResourceUsage};
use realise::Outcome;

/// Searches the parallelism and weight streaming of every engine of `pipeline` for `device` under `model`.
///
/// The input's parallelism, streaming and squeezes are ignored (squeezes are removed and re-derived). The
/// result is deterministic for given options unless a time limit cuts the search short.
pub fn search<M: CostModel + Clone + Sync>(
    pipeline: &Pipeline,
    device: &Device,
    model: &M,
    options: &DseOptions,
) -> Result<DseResult, DseError> {
    check_input(pipeline, device)?;
    let started = Instant::now();
    let (best, closest, evaluations, timed_out) = match options.algorithm {
        Algorithm::Bisection => {
            let found = search::bisection_search(pipeline, model, device, options, started)?;
            (found.best, found.closest, found.evaluations, found.timed_out)
        }
        Algorithm::AutowsGreedy => {
            let found = greedy::greedy_search(pipeline, model, device, options, started)?;
            (found.best, found.closest, found.evaluations, found.timed_out)
        }
    };
    let stats = SearchStats {
        algorithm: options.algorithm,
        evaluations,
        elapsed_s: started.elapsed().as_secs_f64(),
        stopped: if timed_out { StopReason::TimeLimit } else { StopReason::Converged },
    };
    let result = |outcome: Outcome| {
        let explanation = Explanation::new(&outcome.pipeline, &outcome.evaluation, device);
        DseResult { pipeline: outcome.pipeline, evaluation: outcome.evaluation, explanation, stats: stats.clone() }
    };
    match (best, closest) {
        (Some(best), _) => Ok(result(best)),
        (None, Some(closest)) => Err(infeasible(result(closest), options.return_partial)),
        (None, None) => Err(DseError::InvalidInput("the search produced no design".to_owned())),
    }
}

fn check_input(pipeline: &Pipeline, device: &Device) -> Result<(), DseError> {
    if device.clock_mhz <= 0.0 || !device.clock_mhz.is_finite() {
        return Err(DseError::InvalidInput(format!("device `{}` has no usable clock", device.name)));
    }
    if pipeline.inputs().next().is_none() {
        return Err(DseError::InvalidInput("the pipeline has no input layer".to_owned()));
    }
    Ok(())
}

/// The error for a design that does not fit, naming the most over-budget resource and the shortfall.
fn infeasible(closest: DseResult, return_partial: bool) -> DseError {
    let feasibility = &closest.evaluation.pipeline.feasibility;
    let worst = feasibility
        .violations()
        .copied()
        .max_by(|a, b| a.utilisation().total_cmp(&b.utilisation()))
        .unwrap_or(*feasibility.usage_of(feasibility.binding_resource()));
    let ResourceUsage { resource, used, available } = worst;
    let shortfall = used - available;
    let detail = match resource {
        Resource::Bram => format!(
            "needs {} BRAM18 ({} after LUTRAM), device has {}",
            closest.evaluation.pipeline.resources.bram.0, feasibility.effective_bram.0, available
        ),
        Resource::Bandwidth => format!("needs {used:.2} Gb/s of DRAM bandwidth, device has {available:.2}"),
        other => format!("needs {used} {other}, device has {available}"),
    };
    DseError::Infeasible { resource, detail, shortfall, partial: return_partial.then(|| Box::new(closest)) }
}
