//! The default search: bisection on the target interval.
//!
//! For a target interval T, every engine takes the cheapest of its options that runs within T, where "cheap"
//! weighs LUT, FF, DSP and BRAM by a set of prices and adds a price on fill latency; a coordinate descent then
//! trades engine options against the squeezes their stream counts cause (see [`crate::assign`]). The
//! assignment is built into the pipeline fpgaConvNet would build (squeezes materialised), what must leave BRAM is
//! streamed at the least added bandwidth (see [`crate::streaming`]), and the cost model judges the result.
//! Bisection over the distinct option intervals finds the smallest T that still fits; several price vectors are
//! tried (in parallel, each independent, so the answer does not depend on scheduling) and the design with the
//! fewest cycles wins. A local improvement pass finally raises input parallelism where that shortens the fill
//! latency within the budget.

use std::time::Instant;

use autows_cost::{CostModel, Pipeline};
use autows_device::Device;
use rayon::prelude::*;

use crate::assign::{Prices, Pricing};
use crate::error::DseError;
use crate::options::{DseOptions, Objective};
use crate::problem::Problem;
use crate::realise::{realise, Outcome};

/// What one price vector's bisection found.
struct StartResult {
    best: Option<(Outcome, Vec<usize>)>,
    closest: Option<Outcome>,
    evaluations: u64,
    timed_out: bool,
}

/// The prices tried: a fixed grid, then `extra` vectors drawn from `seed`.
pub(crate) fn price_vectors(objective: Objective, seed: u64, extra: usize) -> Vec<Prices> {
    let depth_scale = match objective {
        Objective::Throughput => 1.0,
        Objective::Latency => 3.0,
    };
    let mut prices = Vec::new();
    for &bram in &[0.3, 1.0, 3.0] {
        for &lut in &[0.5, 1.5] {
            for &depth in &[0.5, 2.0] {
                prices.push(Prices { lut, ff: 0.5, dsp: 1.0, bram, depth: depth * depth_scale });
            }
        }
    }
    let mut state = seed ^ 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        // splitmix64: a fixed, portable sequence for a given seed.
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..extra {
        let mut spread = |low: f64, high: f64| low * (high / low).powf(next());
        prices.push(Prices {
            lut: spread(0.3, 3.0),
            ff: spread(0.2, 1.0),
            dsp: spread(0.5, 2.0),
            bram: spread(0.2, 4.0),
            depth: spread(0.2, 4.0) * depth_scale,
        });
    }
    prices
}

/// Fewer cycles first; among equal cycles, the earlier start.
fn better(candidate: &Outcome, incumbent: &Outcome) -> bool {
    candidate.evaluation.pipeline.cycles < incumbent.evaluation.pipeline.cycles
}

fn bisect<M: CostModel>(
    problem: &Problem,
    model: &M,
    device: &Device,
    prices: Prices,
    targets: &[f64],
    options: &DseOptions,
    started: Instant,
) -> Result<StartResult, DseError> {
    let mut result = StartResult { best: None, closest: None, evaluations: 0, timed_out: false };
    let out_of_time = || options.time_limit.is_some_and(|limit| started.elapsed() >= limit);
    let check = |target: f64, result: &mut StartResult| -> Result<bool, DseError> {
        let pricing = Pricing::new(problem, device, prices, target);
        let Some(selection) = pricing.assign(None) else { return Ok(false) };
        let outcome = realise(problem, model, device, &selection, options)?;
        result.evaluations += 1;
        let cost = &outcome.evaluation.pipeline;
        let meets = outcome.feasible && cost.interval * cost.slowdown <= target * (1.0 + 1e-9);
        if outcome.feasible {
            if result.best.as_ref().is_none_or(|(best, _)| better(&outcome, best)) {
                result.best = Some((outcome, selection));
            }
        } else if result.closest.as_ref().is_none_or(|closest| outcome.violation() < closest.violation()) {
            result.closest = Some(outcome);
        }
        Ok(meets)
    };
    let (mut low, mut high) = (0usize, targets.len().saturating_sub(1));
    if targets.is_empty() || !check(targets[high], &mut result)? {
        return Ok(result);
    }
    // Invariant: targets[high] is met; everything below `low` is not.
    while low < high {
        if out_of_time() {
            result.timed_out = true;
            break;
        }
        let middle = (low + high) / 2;
        if check(targets[middle], &mut result)? {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    Ok(result)
}

/// The distinct intervals of all options no lower than the slowest engine's best: the only targets that matter.
fn targets(problem: &Problem) -> Vec<f64> {
    let floor = problem
        .choices
        .iter()
        .map(|options| options.iter().map(|choice| choice.interval).fold(f64::INFINITY, f64::min))
        .fold(0.0, f64::max);
    let mut targets: Vec<f64> =
        problem.choices.iter().flatten().map(|choice| choice.interval).filter(|&interval| interval >= floor).collect();
    targets.sort_by(f64::total_cmp);
    targets.dedup();
    targets
}

/// What the default search hands back before it is explained.
pub(crate) struct Found {
    pub best: Option<Outcome>,
    pub closest: Option<Outcome>,
    pub evaluations: u64,
    pub timed_out: bool,
}

/// Runs the default search on `pipeline`.
pub(crate) fn bisection_search<M: CostModel + Sync>(
    pipeline: &Pipeline,
    model: &M,
    device: &Device,
    options: &DseOptions,
    started: Instant,
) -> Result<Found, DseError> {
    let problem = Problem::new(model, pipeline, device)?;
    let targets = targets(&problem);
    let prices = price_vectors(options.objective, options.seed, 4);
    let run = || {
        prices
            .par_iter()
            .map(|&prices| bisect(&problem, model, device, prices, &targets, options, started))
            .collect::<Result<Vec<_>, _>>()
    };
    let results = match options.threads {
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build()
            .map_err(|error| DseError::InvalidInput(format!("cannot start {threads} threads: {error}")))?
            .install(run)?,
        None => run()?,
    };
    let mut found = Found { best: None, closest: None, evaluations: 0, timed_out: false };
    let mut best_selection = None;
    for result in results {
        found.evaluations += result.evaluations;
        found.timed_out |= result.timed_out;
        if let Some((outcome, selection)) = result.best {
            if found.best.as_ref().is_none_or(|best| better(&outcome, best)) {
                found.best = Some(outcome);
                best_selection = Some(selection);
            }
        }
        if let Some(outcome) = result.closest {
            if found.closest.as_ref().is_none_or(|closest| outcome.violation() < closest.violation()) {
                found.closest = Some(outcome);
            }
        }
    }
    if let (Some(best), Some(selection)) = (found.best.take(), best_selection) {
        let (improved, evaluations) =
            crate::improve::improve(&problem, model, device, options, best, selection, started)?;
        found.evaluations += evaluations;
        found.best = Some(improved);
    }
    Ok(found)
}
