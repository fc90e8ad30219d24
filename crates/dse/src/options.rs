//! What the caller asks of a search.

use std::time::Duration;

use serde::Serialize;

/// What the search optimises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Objective {
    /// Frames per second; fpgaConvNet's default and AutoWS' setting.
    #[default]
    Throughput,
    /// Seconds per batch. With a fixed batch both objectives minimise cycles per run; latency weighs the fill
    /// latency more while the search balances resources, because for it the fill is not amortised.
    Latency,
}

/// Which search to run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Algorithm {
    /// This crate's search: bisection on the target interval with the cheapest configuration per engine,
    /// bandwidth-aware streaming and local improvement.
    #[default]
    Bisection,
    /// AutoWS' own greedy (fpgaConvNet's `GreedyPartition` with `allocate_memory`), kept as the baseline.
    AutowsGreedy,
}

impl Algorithm {
    /// The name used on the command line (`--dse=...`).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Bisection => "bisection",
            Algorithm::AutowsGreedy => "autows-greedy",
        }
    }

    /// Parses a command-line name; `None` for an unknown one.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "bisection" | "default" => Some(Algorithm::Bisection),
            "autows-greedy" => Some(Algorithm::AutowsGreedy),
            _ => None,
        }
    }
}

/// Options of a search.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DseOptions {
    /// The search to run.
    pub algorithm: Algorithm,
    /// What to optimise.
    pub objective: Objective,
    /// Whether weights may be streamed from DRAM (false gives vanilla fpgaConvNet).
    pub weight_streaming: bool,
    /// Whether weight memories may move to URAM when BRAM runs short (on devices that have URAM). The default
    /// search only; AutoWS's greedy keeps its weights in BRAM, as published.
    pub uram: bool,
    /// Wall-clock budget; the search returns its best design so far when it runs out. With a limit the result
    /// may depend on the machine's speed; without one it depends on the seed only.
    pub time_limit: Option<Duration>,
    /// Seeds the extra starting points of the default search; the same seed gives the same design.
    pub seed: u64,
    /// When no design fits, return the closest one inside the error instead of nothing.
    pub return_partial: bool,
    /// Worker threads for the default search (`None`: rayon's global pool). The result does not depend on it.
    pub threads: Option<usize>,
}

impl Default for DseOptions {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::default(),
            objective: Objective::default(),
            weight_streaming: true,
            uram: true,
            time_limit: None,
            seed: 0,
            return_partial: false,
            threads: None,
        }
    }
}
