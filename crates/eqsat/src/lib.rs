//! Graph optimisation by equality saturation.
//!
//! [`optimize`] loads a [`Network`] into an e-graph of the `graph` dialect ([`language`]), whose e-classes know
//! their tensor types ([`analysis`]); applies every rule of [`rules`] until nothing new is learnt or a node,
//! iteration or time limit stops it; and extracts the equivalent network the hardware would rather build
//! ([`cost`]): fewer compute engines, fewer weight bits, less streaming. Rewrites are thereby not applied in a
//! fixed order, one pass each, but all at once, and the choice between alternatives is made by cost at the end.
//! That choice prices the network as built, where a value read by two operations is computed once: term costs
//! seed it, and single-class swaps improve it while the cost of the whole extracted graph falls.
//!
//! Whatever stops saturation, every e-class only ever holds equivalent terms, so the extracted network is always
//! valid and equivalent to the input; the outcome says which limit stopped it. Weights stay handles: folding a
//! batch normalisation into a convolution builds the new weights as graph arithmetic on the old ones, which the
//! interpreter and the hardware generator evaluate when they need numbers.
//!
//! ```
//! use autows_eqsat::{optimize, EqsatOptions, StopReason};
//! use autows_network::{Network, Op, TensorType};
//!
//! // relu(identity(relu(x))) is relu(x).
//! let mut network = Network::new("example");
//! let x = network.add_input("x", TensorType::f32([1, 4, 8, 8]));
//! let a = network.add("a", Op::Relu, &[x])?;
//! let b = network.add("b", Op::Identity, &[a])?;
//! let c = network.add("c", Op::Relu, &[b])?;
//! network.outputs.push(c);
//!
//! let outcome = optimize(&network, &EqsatOptions::default())?;
//! assert_eq!(outcome.stop_reason, StopReason::Saturated);
//! assert_eq!(outcome.network.nodes.len(), 1);
//! assert_eq!(outcome.network.nodes[0].name, "c");
//! assert_eq!(outcome.rules_fired["identity-removal"], 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod analysis;
pub mod convert;
pub mod cost;
mod extract;
mod fold;
pub mod language;
pub mod rules;

pub use cost::{Cost, CostModel, HardwareCost, NodeView, TermSize};

use autows_network::{Network, NetworkError};
use egg::Runner;
use std::{collections::BTreeMap, fmt, sync::Arc, time::Duration};
use thiserror::Error;

/// How to rank equivalent networks at extraction.
#[derive(Clone)]
pub enum CostChoice {
    /// [`HardwareCost`]: engines, then weight bits, then streaming.
    Hardware(HardwareCost),
    /// [`TermSize`]: fewest operations, for comparison.
    TermSize,
    /// A cost model supplied by the caller, such as one backed by the hardware cost model.
    Custom(Arc<dyn CostModel + Send + Sync>),
}

impl fmt::Debug for CostChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CostChoice::Hardware(cost) => f.debug_tuple("Hardware").field(cost).finish(),
            CostChoice::TermSize => f.write_str("TermSize"),
            CostChoice::Custom(_) => f.write_str("Custom"),
        }
    }
}

impl Default for CostChoice {
    fn default() -> Self {
        CostChoice::Hardware(HardwareCost::default())
    }
}

/// Limits and choices of one optimisation.
#[derive(Clone, Debug)]
pub struct EqsatOptions {
    /// Stop once the e-graph holds this many e-nodes.
    pub node_limit: usize,
    /// Stop after this many rounds of rule applications.
    pub iteration_limit: usize,
    /// Stop once saturation has run this long.
    pub time_limit: Duration,
    /// Fold constants of at most this many elements (larger results stay operations).
    pub fold_limit: usize,
    /// How to choose among equivalent networks.
    pub cost: CostChoice,
    /// The network computes on integer codes (`graph-quantize`): only rewrites exact in that arithmetic apply.
    pub quantized: bool,
}

impl Default for EqsatOptions {
    /// Limits no CNN of the model zoo reaches: they saturate in a few iterations.
    fn default() -> Self {
        Self {
            node_limit: 200_000,
            iteration_limit: 30,
            time_limit: Duration::from_secs(10),
            fold_limit: 4096,
            cost: CostChoice::default(),
            quantized: false,
        }
    }
}

/// Why saturation stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum StopReason {
    /// No rule could add anything new: the result is the best the rules and the cost function can give.
    Saturated,
    /// The e-graph reached the node limit (the limit).
    NodeLimit(usize),
    /// The iteration limit was reached (the limit).
    IterationLimit(usize),
    /// The time limit was reached (the limit).
    TimeLimit(Duration),
    /// Something else stopped it.
    Other(String),
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::Saturated => f.write_str("saturated"),
            StopReason::NodeLimit(limit) => write!(f, "node limit ({limit} e-nodes)"),
            StopReason::IterationLimit(limit) => write!(f, "iteration limit ({limit} iterations)"),
            StopReason::TimeLimit(limit) => write!(f, "time limit ({:.3} s)", limit.as_secs_f64()),
            StopReason::Other(why) => write!(f, "stopped: {why}"),
        }
    }
}

impl StopReason {
    /// Egg's stop reason, with the limit that stopped it (egg reports the size or time reached instead).
    fn from_egg(reason: egg::StopReason, options: &EqsatOptions) -> Self {
        match reason {
            egg::StopReason::Saturated => StopReason::Saturated,
            egg::StopReason::NodeLimit(_) => StopReason::NodeLimit(options.node_limit),
            egg::StopReason::IterationLimit(_) => StopReason::IterationLimit(options.iteration_limit),
            egg::StopReason::TimeLimit(_) => StopReason::TimeLimit(options.time_limit),
            egg::StopReason::Other(why) => StopReason::Other(why),
        }
    }
}

/// The result of [`optimize`].
#[derive(Clone, Debug)]
pub struct EqsatOutcome {
    /// The rewritten network, equivalent to the input.
    pub network: Network,
    /// Why saturation stopped.
    pub stop_reason: StopReason,
    /// E-nodes in the final e-graph.
    pub egraph_nodes: usize,
    /// E-classes in the final e-graph.
    pub egraph_classes: usize,
    /// Rounds of rule application.
    pub iterations: usize,
    /// How many times each rule changed the e-graph, by rule name; rules that never fired are absent.
    pub rules_fired: BTreeMap<String, usize>,
    /// Time spent saturating (search, apply, rebuild).
    pub saturation_time: Duration,
}

impl EqsatOutcome {
    /// A few lines for a pass to print: the stop reason, the e-graph size and the rules that fired.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{}: {} iterations, {} e-nodes in {} e-classes, {:.3} s\n",
            self.stop_reason,
            self.iterations,
            self.egraph_nodes,
            self.egraph_classes,
            self.saturation_time.as_secs_f64()
        );
        for (rule, count) in &self.rules_fired {
            text.push_str(&format!("  {rule}: {count}\n"));
        }
        text
    }
}

/// Why a network cannot be optimised.
#[derive(Debug, Error)]
pub enum EqsatError {
    /// The input network is malformed.
    #[error("node '{node}': {message}")]
    InvalidNetwork {
        /// The node.
        node: String,
        /// What is wrong.
        message: String,
    },
    /// A rule does not parse (a bug in this crate).
    #[error("rule set: {0}")]
    Rules(String),
    /// A rule merged e-classes whose types differ (a bug in that rule).
    #[error("inconsistent rewrite: {}", .0.join("; "))]
    Inconsistent(Vec<String>),
    /// The chosen terms do not form a network.
    #[error("extraction: {0}")]
    Extraction(String),
    /// A rebuilt node breaks its shape rule.
    #[error("rebuilding the network: {0}")]
    Rebuild(#[from] NetworkError),
}

/// Rewrites `network` by equality saturation and returns the cheapest equivalent network found.
pub fn optimize(network: &Network, options: &EqsatOptions) -> Result<EqsatOutcome, EqsatError> {
    let rules = rules::all().map_err(EqsatError::Rules)?;
    let analysis = analysis::ShapeAnalysis::new(options.fold_limit, options.quantized);
    let (egraph, loaded) = convert::load(network, analysis.clone())?;
    let runner: Runner<language::Graph, analysis::ShapeAnalysis> = Runner::new(analysis)
        .with_egraph(egraph)
        .with_node_limit(options.node_limit)
        .with_iter_limit(options.iteration_limit)
        .with_time_limit(options.time_limit)
        .run(&rules);
    let egraph = &runner.egraph;
    if !egraph.analysis.conflicts.is_empty() {
        return Err(EqsatError::Inconsistent(egraph.analysis.conflicts.clone()));
    }
    let mut rules_fired = BTreeMap::new();
    for iteration in &runner.iterations {
        for (rule, &count) in &iteration.applied {
            if count > 0 {
                *rules_fired.entry(rule.to_string()).or_insert(0) += count;
            }
        }
    }
    let saturation_time = runner.iterations.iter().map(|iteration| iteration.total_time).sum::<f64>();
    let stop_reason = runner
        .stop_reason
        .clone()
        .map_or(StopReason::Other("not run".into()), |reason| StopReason::from_egg(reason, options));
    let hardware;
    let model: &dyn CostModel = match &options.cost {
        CostChoice::Hardware(cost) => {
            hardware = *cost;
            &hardware
        }
        CostChoice::TermSize => &TermSize,
        CostChoice::Custom(model) => model.as_ref(),
    };
    let selection = extract::select(egraph, model, &loaded.roots);
    let rebuilt = convert::rebuild(network, &loaded, egraph, &selection)?;
    Ok(EqsatOutcome {
        network: rebuilt,
        stop_reason,
        egraph_nodes: egraph.total_number_of_nodes(),
        egraph_classes: egraph.number_of_classes(),
        iterations: runner.iterations.len(),
        rules_fired,
        saturation_time: Duration::from_secs_f64(saturation_time),
    })
}
