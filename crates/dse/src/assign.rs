//! The cheapest assignment of options to engines that meets a target interval, under a weighting of the
//! resources (a Lagrangian relaxation of the device budget): every engine and every squeeze must run within the
//! target, and the weighted resource use plus a price on fill latency is minimised by coordinate descent.

use autows_cost::Resources;
use autows_device::Device;

use crate::parallelism::Parallelism;
use crate::problem::{Problem, SqueezeCost};

/// Prices of the resources (per unit of device utilisation) and of fill latency (per interval of fill).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Prices {
    pub lut: f64,
    pub ff: f64,
    pub dsp: f64,
    pub bram: f64,
    pub depth: f64,
}

const INFEASIBLE: f64 = 1e12;
const SWEEPS: usize = 6;

/// Prices and target bound to a device, ready to price options.
pub(crate) struct Pricing<'a> {
    problem: &'a Problem,
    prices: Prices,
    target: f64,
    scale: [f64; 4],
}

impl<'a> Pricing<'a> {
    pub fn new(problem: &'a Problem, device: &Device, prices: Prices, target: f64) -> Self {
        let budget = &device.resources;
        let inverse = |available: f64| if available > 0.0 { 1.0 / available } else { 0.0 };
        let scale = [
            prices.lut * inverse(f64::from(budget.lut)),
            prices.ff * inverse(f64::from(budget.ff)),
            prices.dsp * inverse(f64::from(budget.dsp)),
            prices.bram * inverse(f64::from(budget.bram.0)),
        ];
        Self { problem, prices, target, scale }
    }

    fn resources(&self, resources: &Resources, depth: u64) -> f64 {
        self.scale[0] * resources.lut as f64
            + self.scale[1] * resources.ff as f64
            + self.scale[2] * resources.dsp
            + self.scale[3] * f64::from(resources.bram.0)
            + self.prices.depth * depth as f64 / self.target
    }

    fn fits(&self, interval: f64) -> bool {
        interval <= self.target * (1.0 + 1e-12)
    }

    pub(crate) fn option(&self, engine: usize, option: usize) -> f64 {
        let choice = &self.problem.choices[engine][option];
        if !self.fits(choice.interval) {
            return INFEASIBLE;
        }
        self.resources(&choice.resources, choice.depth)
    }

    fn edge(&self, edge: usize, streams_out: u32, streams_in: u32) -> f64 {
        if streams_out == streams_in {
            return 0.0;
        }
        match self.problem.squeezes[edge].get(&(streams_out, streams_in)) {
            Some(SqueezeCost { resources, interval, depth }) if self.fits(*interval) => {
                self.resources(resources, *depth)
            }
            _ => INFEASIBLE,
        }
    }

    /// Change in total price if the engines in `changes` took the given options.
    fn delta(&self, selection: &[usize], changes: &[(usize, usize)], seen: &mut [bool]) -> f64 {
        let problem = self.problem;
        let new_option = |engine: usize| {
            changes.iter().find(|(changed, _)| *changed == engine).map_or(selection[engine], |&(_, option)| option)
        };
        let mut delta = 0.0;
        let mut touched = Vec::new();
        for &(engine, option) in changes {
            delta += self.option(engine, option) - self.option(engine, selection[engine]);
            for &edge in &problem.incident[engine] {
                if !seen[edge] {
                    seen[edge] = true;
                    touched.push(edge);
                }
            }
        }
        for &edge in &touched {
            seen[edge] = false;
            let (producer, consumer) = problem.edges[edge];
            let old = self.edge(
                edge,
                problem.choices[producer][selection[producer]].streams_out,
                problem.streams_into(edge, selection[consumer]),
            );
            let new = self.edge(
                edge,
                problem.choices[producer][new_option(producer)].streams_out,
                problem.streams_into(edge, new_option(consumer)),
            );
            delta += new - old;
        }
        delta
    }

    /// Options of a component's members that all take `coarse` streams, if each member offers it within target.
    pub(crate) fn component_at(&self, component: usize, coarse: u32) -> Option<Vec<(usize, usize)>> {
        self.problem.components[component]
            .iter()
            .map(|&engine| {
                let option = self.problem.option_of(engine, Parallelism::Coarse(coarse))?;
                self.fits(self.problem.choices[engine][option].interval).then_some((engine, option))
            })
            .collect()
    }

    /// The cheapest selection meeting the target, or `None` if some engine cannot meet it.
    pub fn assign(&self, start: Option<&[usize]>) -> Option<Vec<usize>> {
        let problem = self.problem;
        let count = problem.choices.len();
        let mut selection: Vec<usize> = Vec::with_capacity(count);
        for engine in 0..count {
            let keep = start.map(|start| start[engine]).filter(|&option| self.option(engine, option) < INFEASIBLE);
            let best = keep.or_else(|| {
                (0..problem.choices[engine].len())
                    .map(|option| (self.option(engine, option), option))
                    .filter(|(price, _)| *price < INFEASIBLE)
                    .min_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(_, option)| option)
            })?;
            selection.push(best);
        }
        let mut seen = vec![false; problem.edges.len()];
        let order: Vec<usize> = problem.core.topological_order().to_vec();
        for _ in 0..SWEEPS {
            let mut improved = false;
            for &engine in &order {
                improved |= self.improve_engine(&mut selection, engine, &mut seen);
            }
            for component in 0..problem.components.len() {
                improved |= self.improve_component(&mut selection, component, &mut seen);
            }
            if !improved {
                break;
            }
        }
        Some(selection)
    }

    fn improve_engine(&self, selection: &mut [usize], engine: usize, seen: &mut [bool]) -> bool {
        let problem = self.problem;
        let mut best: Option<(f64, Vec<(usize, usize)>)> = None;
        let downstream_components = || -> Vec<usize> {
            let mut found = Vec::new();
            for &other in problem.core.consumers(engine) {
                if let Some(component) = problem.component_of[other] {
                    if !found.contains(&component) {
                        found.push(component);
                    }
                }
            }
            found
        };
        let (upstream, downstream) = if problem.has_weights[engine] {
            (problem.upstream_components(engine), downstream_components())
        } else {
            (Vec::new(), Vec::new())
        };
        for option in 0..problem.choices[engine].len() {
            if option == selection[engine] && upstream.is_empty() && downstream.is_empty() {
                continue;
            }
            if self.option(engine, option) >= INFEASIBLE {
                continue;
            }
            let choice = &problem.choices[engine][option];
            let mut variants: Vec<Vec<(usize, usize)>> = vec![vec![(engine, option)]];
            let up: Vec<(usize, usize)> = upstream
                .iter()
                .filter_map(|&(c, port)| self.component_at(c, choice.streams_into(port)))
                .flatten()
                .collect();
            let down: Vec<(usize, usize)> =
                downstream.iter().filter_map(|&c| self.component_at(c, choice.streams_out)).flatten().collect();
            if !up.is_empty() {
                variants.push([vec![(engine, option)], up.clone()].concat());
            }
            if !down.is_empty() {
                variants.push([vec![(engine, option)], down.clone()].concat());
            }
            if !up.is_empty() && !down.is_empty() {
                let mut both = vec![(engine, option)];
                both.extend(up.iter().copied());
                both.extend(down.iter().copied().filter(|change| !up.iter().any(|u| u.0 == change.0)));
                variants.push(both);
            }
            for changes in variants {
                self.keep_if_better(selection, changes, seen, &mut best);
            }
        }
        apply_best(selection, best)
    }

    fn improve_component(&self, selection: &mut [usize], component: usize, seen: &mut [bool]) -> bool {
        let problem = self.problem;
        let Some(&first) = problem.components[component].first() else { return false };
        let mut best: Option<(f64, Vec<(usize, usize)>)> = None;
        for choice in &problem.choices[first] {
            let Parallelism::Coarse(coarse) = choice.parallelism else { continue };
            let Some(changes) = self.component_at(component, coarse) else { continue };
            self.keep_if_better(selection, changes, seen, &mut best);
        }
        apply_best(selection, best)
    }

    /// Keeps `changes` (less those that change nothing) in `best` if they lower the cost more than what `best`
    /// holds.
    fn keep_if_better(
        &self,
        selection: &[usize],
        mut changes: Vec<(usize, usize)>,
        seen: &mut [bool],
        best: &mut Option<(f64, Vec<(usize, usize)>)>,
    ) {
        changes.retain(|&(changed, option)| selection[changed] != option);
        if changes.is_empty() {
            return;
        }
        let delta = self.delta(selection, &changes, seen);
        if delta < -1e-12 && best.as_ref().is_none_or(|(best_delta, _)| delta < *best_delta) {
            *best = Some((delta, changes));
        }
    }
}

/// Applies the best improving change found, if any; whether anything changed.
fn apply_best(selection: &mut [usize], best: Option<(f64, Vec<(usize, usize)>)>) -> bool {
    match best {
        Some((_, changes)) => {
            for (changed, option) in changes {
                selection[changed] = option;
            }
            true
        }
        None => false,
    }
}
