//! AutoWS' greedy DSE: fpgaConvNet's `GreedyPartition` with AutoWS' `allocate_memory` (AUTOWS.md §1.3), kept
//! as the baseline the default search is measured against.
//!
//! It grows parallelism one engine at a time, slowest engine first: first `fine`, then four `coarse` phases
//! with fpgaConvNet's short-circuit (`changed = changed or run(phase)`: once a phase changes something the pass
//! restarts from the first phase). After every change the squeezes are re-derived and `allocate_memory`
//! re-plans streaming from scratch; a change is kept while the design fits and `II · s` does not grow. The
//! slow-down `s` is sticky: it is carried between steps and only recomputed when bandwidth is exceeded.

use std::time::Instant;

use autows_cost::{CostModel, IncrementalEvaluator, Layer, LayerKind, Pipeline, PipelineCost};
use autows_device::Device;

use crate::error::DseError;
use crate::options::DseOptions;
use crate::parallelism::{candidates, divisors, Parallelism};
use crate::realise::Outcome;
use crate::search::Found;
use crate::squeeze::materialise_squeezes;

/// One of the coarse phases: which factor it prefers to grow and which it keeps fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CoarsePhase {
    FavourCoarseOut,
    GrowCoarseInOnly,
    GrowCoarseOutOnly,
    FavourCoarseIn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    MoreFine,
    Coarse(CoarsePhase),
}

/// The design being grown: the materialised pipeline (squeezes included) with its carried slow-down.
struct State<M: CostModel + Clone> {
    evaluator: IncrementalEvaluator<M>,
    streaming: bool,
}

impl<M: CostModel + Clone> Clone for State<M> {
    fn clone(&self) -> Self {
        Self { evaluator: self.evaluator.clone(), streaming: self.streaming }
    }
}

impl<M: CostModel + Clone> State<M> {
    fn new(model: &M, pipeline: Pipeline, device: &Device, slowdown: f64, streaming: bool) -> Result<Self, DseError> {
        let mut evaluator = IncrementalEvaluator::new(model.clone(), materialise_squeezes(&pipeline)?, device.clone())?;
        evaluator.set_slowdown(slowdown);
        Ok(Self { evaluator, streaming })
    }

    fn pipeline(&self) -> &Pipeline {
        self.evaluator.pipeline()
    }

    /// Re-derives the squeezes after a parallelism change, keeping the carried slow-down.
    fn rebuild(&mut self) -> Result<(), DseError> {
        let model = self.evaluator.model().clone();
        let device = self.evaluator.device().clone();
        let slowdown = self.evaluator.slowdown();
        *self = Self::new(&model, self.pipeline().clone(), &device, slowdown, self.streaming)?;
        Ok(())
    }

    fn peek(&mut self) -> PipelineCost {
        self.evaluator.peek()
    }

    fn lut_over(&mut self) -> bool {
        let budget = u64::from(self.evaluator.device().resources.lut);
        self.evaluator.resources().lut > budget
    }

    fn latency(&self, index: usize) -> u64 {
        self.evaluator.layer_costs()[index].latency
    }

    fn set(&mut self, index: usize, parallelism: Parallelism) -> Result<(), DseError> {
        self.evaluator.update_layer(index, |layer| parallelism.apply(layer))?;
        Ok(())
    }
}

/// Layer indices in `base` order, sorted by latency descending with fpgaConvNet's tie rule (a stable ascending
/// sort, reversed: among equal latencies the later layer comes first).
fn slowest_first<M: CostModel + Clone>(state: &State<M>, base: &[usize]) -> Vec<usize> {
    let mut order = base.to_vec();
    order.sort_by_key(|&index| state.latency(index));
    order.reverse();
    order
}

/// The latency `layer` would have with `parallelism`.
fn latency_with<M: CostModel>(model: &M, layer: &Layer, parallelism: Parallelism) -> Option<u64> {
    let mut trial = layer.clone();
    parallelism.apply(&mut trial);
    model.layer_cost(&trial).ok().map(|cost| cost.latency)
}

/// "More fine": bump the slowest convolution's fine to the next feasible value if that lowers its latency.
fn more_fine<M: CostModel + Clone>(state: &mut State<M>) -> Result<bool, DseError> {
    let model = state.evaluator.model().clone();
    let graph: Vec<usize> = (0..state.pipeline().layers().len()).collect();
    for index in slowest_first(state, &graph) {
        let layer = &state.pipeline().layers()[index];
        let LayerKind::Convolution(conv) = &layer.kind else { continue };
        let fines = divisors(conv.window.kernel_size());
        if fines.len() < 2 {
            continue;
        }
        let p = conv.parallelism;
        let Some(&next) = fines.iter().find(|&&fine| fine > p.fine) else { continue };
        let bumped = Parallelism::Convolution {
            coarse_in: p.coarse_in,
            coarse_out: p.coarse_out,
            coarse_group: p.coarse_group,
            fine: next,
        };
        if latency_with(&model, layer, bumped).is_some_and(|latency| latency < state.latency(index)) {
            state.set(index, bumped)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// (c_g, c_in, c_out) of a parallelism, single-coarse layers as (1, c, c).
fn factors(parallelism: Parallelism) -> Option<(u32, u32, u32)> {
    match parallelism {
        Parallelism::Convolution { coarse_in, coarse_out, coarse_group, .. } => {
            Some((coarse_group, coarse_in, coarse_out))
        }
        Parallelism::InnerProduct { coarse_in, coarse_out } => Some((1, coarse_in, coarse_out)),
        Parallelism::Coarse(coarse) => Some((1, coarse, coarse)),
        Parallelism::Fixed => None,
    }
}

/// One coarse step: the slowest engine that can go faster does, by the smallest larger product.
fn more_coarse<M: CostModel + Clone>(state: &mut State<M>, phase: CoarsePhase) -> Result<bool, DseError> {
    let model = state.evaluator.model().clone();
    let order = slowest_first(state, state.pipeline().topological_order());
    for index in order {
        let layer = &state.pipeline().layers()[index];
        let current = Parallelism::of(layer);
        let Some((group, c_in, c_out)) = factors(current) else { continue };
        let product = group * c_in * c_out;
        let grown: Vec<(Parallelism, (u32, u32, u32))> = candidates(layer)
            .into_iter()
            .filter_map(|candidate| {
                let (g, i, o) = factors(candidate)?;
                // Keep the other knobs (fine) as they are.
                let same_fine = match (candidate, current) {
                    (Parallelism::Convolution { fine: a, .. }, Parallelism::Convolution { fine: b, .. }) => a == b,
                    _ => true,
                };
                let fixed = match phase {
                    CoarsePhase::GrowCoarseInOnly => o == c_out && g >= group,
                    CoarsePhase::GrowCoarseOutOnly => i == c_in && g >= group,
                    _ => true,
                };
                (same_fine && fixed && g * i * o > product).then_some((candidate, (g, i, o)))
            })
            .collect();
        let Some(smallest) = grown.iter().map(|(_, (g, i, o))| g * i * o).min() else { continue };
        let mut next: Vec<(Parallelism, (u32, u32, u32))> =
            grown.into_iter().filter(|(_, (g, i, o))| g * i * o == smallest).collect();
        match phase {
            CoarsePhase::FavourCoarseIn => next.sort_by_key(|(_, (g, i, o))| (*o, *i, *g)),
            _ => next.sort_by_key(|(_, (g, i, o))| (*i, *o, *g)),
        }
        let before = state.latency(index);
        for (candidate, _) in next {
            if latency_with(&model, layer, candidate).is_some_and(|latency| latency < before) {
                state.set(index, candidate)?;
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// AutoWS' `allocate_memory` (AUTOWS.md §1.3.1) on BRAM: from nothing streamed, evict 10 % of the rows of the
/// engine with the most blocks freed per added Gb/s until BRAM fits, recomputing the slow-down when bandwidth
/// is exceeded.
pub(crate) fn allocate_memory<M: CostModel + Clone>(
    evaluator: &mut IncrementalEvaluator<M>,
    streaming: bool,
) -> Result<(), DseError> {
    let weighted: Vec<usize> = (0..evaluator.pipeline().layers().len())
        .filter(|&i| evaluator.pipeline().layers()[i].kind.has_weights())
        .collect();
    for &index in &weighted {
        let on_chip =
            evaluator.pipeline().layers()[index].kind.streaming().is_some_and(|s| s.stream_weights == 0 && !s.use_uram);
        if !on_chip {
            evaluator.update_layer(index, |layer| {
                if let Some(streaming) = layer.kind.streaming_mut() {
                    *streaming = autows_cost::WeightStreaming::ON_CHIP;
                }
            })?;
        }
    }
    if !streaming {
        return Ok(());
    }
    let model = evaluator.model().clone();
    let device = evaluator.device().clone();
    let clock = device.clock_mhz;
    loop {
        let cost = evaluator.peek();
        if cost.feasibility.effective_bram.0 <= device.resources.bram.0 {
            return Ok(());
        }
        let costs = evaluator.layer_costs();
        let pace = weighted.iter().map(|&i| costs[i].latency).max().unwrap_or(1).max(1) as f64;
        let slowdown = evaluator.slowdown();
        let mut best: Option<(f64, usize, u32)> = None;
        for &index in &weighted {
            let Some(memory) = costs[index].weight_memory else { continue };
            if memory.remaining_blocks == 0 {
                continue;
            }
            let step = memory.remaining_blocks.min(memory.step_blocks);
            let mut trial = evaluator.pipeline().layers()[index].clone();
            if let Some(streaming) = trial.kind.streaming_mut() {
                streaming.stream_weights += step;
            }
            let after = model.layer_cost(&trial)?;
            let Some(after_memory) = after.weight_memory else { continue };
            let freed = f64::from(costs[index].resources.bram.0)
                - (f64::from(after.resources.bram.0) - f64::from(after_memory.buffer_blocks));
            let scale = clock / 1000.0 * costs[index].latency as f64 / pace / slowdown;
            let added = (after_memory.bits_per_cycle - memory.bits_per_cycle) * scale;
            let score = freed / added;
            if best.is_none_or(|(best_score, _, _)| score > best_score) {
                best = Some((score, index, step));
            }
        }
        let Some((_, index, step)) = best else { return Ok(()) };
        let snapshot = evaluator.clone();
        evaluator.update_layer(index, |layer| {
            if let Some(streaming) = layer.kind.streaming_mut() {
                streaming.stream_weights += step;
            }
        })?;
        let cost = evaluator.peek();
        let fmaps = cost.bandwidth.input_gbps + cost.bandwidth.output_gbps;
        if fmaps >= device.memory_bandwidth_gbps {
            *evaluator = snapshot;
            return Ok(());
        }
        evaluator.evaluate();
    }
}

/// `adjust_coarse`: for the slowest convolution or inner product, the first other (c_in, c_out) split of the
/// same product that needs fewer LUTs without being slower.
fn adjust_coarse<M: CostModel + Clone>(state: &mut State<M>) -> Result<bool, DseError> {
    let model = state.evaluator.model().clone();
    let graph: Vec<usize> = (0..state.pipeline().layers().len()).collect();
    let Some(&index) = slowest_first(state, &graph).first() else { return Ok(false) };
    let layer = state.pipeline().layers()[index].clone();
    if !layer.kind.has_weights() {
        return Ok(false);
    }
    let current = Parallelism::of(&layer);
    let own = &state.evaluator.layer_costs()[index];
    let (lut, latency) = (own.resources.lut, own.latency);
    for candidate in candidates(&layer) {
        let same = match (candidate, current) {
            (
                Parallelism::Convolution { coarse_in: a, coarse_out: b, coarse_group: g, fine: f },
                Parallelism::Convolution { coarse_in: c, coarse_out: d, coarse_group: h, fine: e },
            ) => g == h && f == e && a * b == c * d && a != c,
            (
                Parallelism::InnerProduct { coarse_in: a, coarse_out: b },
                Parallelism::InnerProduct { coarse_in: c, coarse_out: d },
            ) => a * b == c * d && a != c,
            _ => false,
        };
        if !same {
            continue;
        }
        let mut trial = layer.clone();
        candidate.apply(&mut trial);
        let Ok(cost) = model.layer_cost(&trial) else { continue };
        if cost.resources.lut < lut && cost.latency <= latency {
            state.set(index, candidate)?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// `balance_coarse`: move the most unbalanced convolution or inner product one notch towards c_in = c_out at
/// the same product; kept if the design fits and its cycles do not grow.
fn balance_coarse<M: CostModel + Clone>(state: &mut State<M>) -> Result<bool, DseError> {
    let layers = state.pipeline().layers();
    let mut target: Option<(u32, usize)> = None;
    for (index, layer) in layers.iter().enumerate() {
        if !layer.kind.has_weights() {
            continue;
        }
        let Some((_, c_in, c_out)) = factors(Parallelism::of(layer)) else { continue };
        let gap = c_in.abs_diff(c_out);
        if target.is_none_or(|(best, _)| gap > best) {
            target = Some((gap, index));
        }
    }
    let Some((gap, index)) = target else { return Ok(false) };
    if gap == 0 {
        return Ok(false);
    }
    let layer = layers[index].clone();
    let current = Parallelism::of(&layer);
    let Some((_, c_in, c_out)) = factors(current) else { return Ok(false) };
    let product = c_in * c_out;
    let splits: Vec<Parallelism> = candidates(&layer)
        .into_iter()
        .filter(|candidate| match (candidate, current) {
            (
                Parallelism::Convolution { coarse_in, coarse_out, coarse_group, fine },
                Parallelism::Convolution { coarse_group: g, fine: f, .. },
            ) => *coarse_group == g && *fine == f && coarse_in * coarse_out == product,
            (Parallelism::InnerProduct { coarse_in, coarse_out }, Parallelism::InnerProduct { .. }) => {
                coarse_in * coarse_out == product
            }
            _ => false,
        })
        .collect();
    let pick = if c_in > c_out {
        splits
            .iter()
            .filter_map(|&p| factors(p).map(|f| (p, f)))
            .filter(|(_, (_, i, o))| *i < c_in && *o > c_out && i >= o)
            .max_by_key(|(_, (_, i, _))| *i)
    } else {
        splits
            .iter()
            .filter_map(|&p| factors(p).map(|f| (p, f)))
            .filter(|(_, (_, i, o))| *i > c_in && *o < c_out && i <= o)
            .min_by_key(|(_, (_, i, _))| *i)
    };
    let Some((balanced, _)) = pick else { return Ok(false) };
    let before = state.peek().cycles;
    let snapshot = state.clone();
    state.set(index, balanced)?;
    state.rebuild()?;
    let streaming = state.streaming;
    allocate_memory(&mut state.evaluator, streaming)?;
    let cost = state.peek();
    if cost.feasibility.is_feasible() && cost.cycles <= before {
        state.evaluator.evaluate();
        Ok(true)
    } else {
        *state = snapshot;
        Ok(false)
    }
}

fn paced_interval(cost: &PipelineCost) -> f64 {
    cost.interval * cost.slowdown
}

/// `empirical_solver`: repeat one phase step while the design fits and `II · s` does not grow.
fn empirical_solver<M: CostModel + Clone>(
    state: &mut State<M>,
    phase: Phase,
    options: &DseOptions,
    started: Instant,
    evaluations: &mut u64,
) -> Result<bool, DseError> {
    let mut accepted = false;
    let mut last = state.peek();
    loop {
        if options.time_limit.is_some_and(|limit| started.elapsed() >= limit) {
            return Ok(accepted);
        }
        let snapshot = state.clone();
        let changed = match phase {
            Phase::MoreFine => more_fine(state)?,
            Phase::Coarse(coarse) => more_coarse(state, coarse)?,
        };
        if !changed {
            *state = snapshot;
            return Ok(accepted);
        }
        state.rebuild()?;
        let mut reshaped = false;
        if state.lut_over() {
            reshaped |= adjust_coarse(state)?;
            if reshaped {
                state.rebuild()?;
            }
            reshaped |= balance_coarse(state)?;
        }
        if !reshaped {
            let streaming = state.streaming;
            allocate_memory(&mut state.evaluator, streaming)?;
        }
        let cost = state.evaluator.evaluate();
        *evaluations += 1;
        if state.streaming && paced_interval(&cost) > paced_interval(&last) {
            *state = snapshot;
            return Ok(accepted);
        }
        if !cost.feasibility.is_feasible() {
            *state = snapshot;
            return Ok(accepted);
        }
        last = cost;
        accepted = true;
    }
}

/// Runs AutoWS' greedy from the parallelism `pipeline` has (AutoWS starts from coarse = fine = 1).
pub(crate) fn greedy_search<M: CostModel + Clone>(
    pipeline: &Pipeline,
    model: &M,
    device: &Device,
    options: &DseOptions,
    started: Instant,
) -> Result<Found, DseError> {
    let mut evaluations = 0;
    let mut state = State::new(model, pipeline.clone(), device, 1.0, options.weight_streaming)?;
    // remove_conv_squeeze: LUTs over budget but DSPs to spare: full fine everywhere.
    let cost = state.peek();
    let usage = |resource| cost.feasibility.usage_of(resource).utilisation();
    if usage(autows_cost::Resource::Lut) > 1.0 && usage(autows_cost::Resource::Dsp) < 1.0 {
        for index in 0..state.pipeline().layers().len() {
            let layer = &state.pipeline().layers()[index];
            if let Parallelism::Convolution { coarse_in, coarse_out, coarse_group, .. } = Parallelism::of(layer) {
                let LayerKind::Convolution(conv) = &layer.kind else { continue };
                let fine = conv.window.kernel_size();
                state.set(index, Parallelism::Convolution { coarse_in, coarse_out, coarse_group, fine })?;
            }
        }
        state.rebuild()?;
    }
    allocate_memory(&mut state.evaluator, options.weight_streaming)?;
    let start_cost = state.evaluator.evaluate();
    evaluations += 1;
    if !start_cost.feasibility.is_feasible() {
        let closest = outcome(model, device, state.pipeline().clone())?;
        return Ok(Found { best: None, closest: Some(closest), evaluations, timed_out: false });
    }
    let before = state.clone();
    empirical_solver(&mut state, Phase::MoreFine, options, started, &mut evaluations)?;
    let phases = [
        CoarsePhase::FavourCoarseOut,
        CoarsePhase::GrowCoarseInOnly,
        CoarsePhase::GrowCoarseOutOnly,
        CoarsePhase::FavourCoarseIn,
    ];
    loop {
        let mut changed = false;
        for phase in phases {
            // fpgaConvNet's `changed = changed or run(phase)`: later phases run only while nothing changed.
            changed =
                changed || empirical_solver(&mut state, Phase::Coarse(phase), options, started, &mut evaluations)?;
        }
        if !changed || options.time_limit.is_some_and(|limit| started.elapsed() >= limit) {
            break;
        }
    }
    if state.peek().throughput_fps <= before.clone().peek().throughput_fps {
        state = before;
    }
    balance_coarse(&mut state)?;
    let timed_out = options.time_limit.is_some_and(|limit| started.elapsed() >= limit);
    let best = outcome(model, device, state.pipeline().clone())?;
    Ok(Found { best: Some(best), closest: None, evaluations, timed_out })
}

fn outcome<M: CostModel>(model: &M, device: &Device, pipeline: Pipeline) -> Result<Outcome, DseError> {
    let evaluation = model.evaluate(&pipeline, device)?;
    let feasible = evaluation.pipeline.feasibility.is_feasible();
    Ok(Outcome { pipeline, evaluation, feasible })
}
