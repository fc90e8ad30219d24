//! Repeating work for a fixed time and reporting its rate.

use std::time::Instant;

/// How often something ran in how long.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    /// Completed runs.
    pub runs: u64,
    /// Seconds they took.
    pub seconds: f64,
}

impl Rate {
    /// Runs per second.
    pub fn per_second(&self) -> f64 {
        self.runs as f64 / self.seconds
    }
}

/// Runs `work` repeatedly for about `seconds` (at least three times) and returns the rate.
pub fn rate(seconds: f64, mut work: impl FnMut()) -> Rate {
    let start = Instant::now();
    let mut runs = 0;
    while runs < 3 || start.elapsed().as_secs_f64() < seconds {
        work();
        runs += 1;
    }
    Rate { runs, seconds: start.elapsed().as_secs_f64() }
}
