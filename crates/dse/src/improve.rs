//! Local improvement of the best bisection result on the true objective.
//!
//! The bisection prices fill latency only approximately (as if every engine were on the longest path). Here
//! single-engine changes that shorten an engine's fill without lengthening the interval are tried on the real
//! design, with the neighbouring stream group following the engine's new input streams so no squeeze appears;
//! a change is kept when the design still fits and takes fewer cycles.

use std::time::Instant;

use autows_cost::CostModel;
use autows_device::Device;

use crate::assign::{Prices, Pricing};
use crate::error::DseError;
use crate::options::DseOptions;
use crate::problem::Problem;
use crate::realise::{realise, Outcome};

/// Options tried per engine and pass, cheapest first.
const TRIES_PER_ENGINE: usize = 4;
const PASSES: usize = 3;

/// Improves `best` (built from `selection`); returns the improved design and the number of designs costed.
pub(crate) fn improve<M: CostModel>(
    problem: &Problem,
    model: &M,
    device: &Device,
    options: &DseOptions,
    mut best: Outcome,
    mut selection: Vec<usize>,
    started: Instant,
) -> Result<(Outcome, u64), DseError> {
    let mut evaluations = 0;
    let prices = Prices { lut: 1.0, ff: 0.5, dsp: 1.0, bram: 1.0, depth: 0.0 };
    for _ in 0..PASSES {
        let mut improved = false;
        for &engine in problem.core.topological_order() {
            if options.time_limit.is_some_and(|limit| started.elapsed() >= limit) {
                return Ok((best, evaluations));
            }
            let interval = best.evaluation.pipeline.interval;
            let pricing = Pricing::new(problem, device, prices, interval);
            let current = &problem.choices[engine][selection[engine]];
            let mut tries: Vec<(f64, usize)> = problem.choices[engine]
                .iter()
                .enumerate()
                .filter(|(_, choice)| choice.depth < current.depth && choice.interval <= interval)
                .map(|(option, _)| (pricing.option(engine, option), option))
                .collect();
            tries.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for &(_, option) in tries.iter().take(TRIES_PER_ENGINE) {
                let choice = &problem.choices[engine][option];
                let mut trial = selection.clone();
                trial[engine] = option;
                for (component, port) in problem.upstream_components(engine) {
                    let streams_in = choice.streams_into(port);
                    for (member, member_option) in pricing.component_at(component, streams_in).unwrap_or_default() {
                        trial[member] = member_option;
                    }
                }
                let outcome = realise(problem, model, device, &trial, options)?;
                evaluations += 1;
                if outcome.feasible && outcome.evaluation.pipeline.cycles < best.evaluation.pipeline.cycles {
                    best = outcome;
                    selection = trial;
                    improved = true;
                    break;
                }
            }
        }
        if !improved {
            break;
        }
    }
    Ok((best, evaluations))
}
