//! Bandwidth-aware choice of what to stream: free a given number of BRAM18 blocks with the least added DRAM
//! traffic.
//!
//! Evicting `k` rows of an engine's weight grid frees `k · stream_unit` blocks but costs a one-row refill buffer,
//! and needs `A_off · W / (A_on + u_d)` bits per cycle at the engine's own pace, diluted by the fraction of time
//! the engine is busy (`L / L_max`, AUTOWS.md §1.2). The traffic grows faster than linearly in `k`, so the best
//! blocks-per-Gb/s move of an engine is not always its next row: the planner considers every longer eviction
//! from the current one (the buffer is paid once), and finishes with the cheapest move that covers what is left.

use autows_cost::ram::{bram18_tiling, RamUse};
use autows_cost::{LayerCost, Pipeline, WeightRam};
use autows_device::Device;

/// How much one engine streams and what it buys.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamChoice {
    /// Index of the engine in the pipeline.
    pub layer: usize,
    /// BRAM18 blocks evicted (`stream_weights`).
    pub blocks: u32,
    /// Blocks freed net of the refill buffer.
    pub freed: i64,
    /// DRAM traffic added, Gb/s, before any slow-down.
    pub gbps: f64,
}

/// The weight-memory geometry the planner needs for one engine.
#[derive(Clone, Copy, Debug)]
struct Grid {
    layer: usize,
    depth: f64,
    width: f64,
    unit_depth: f64,
    stream_unit: u32,
    rows: u32,
    buffer: i64,
    /// Gb/s per bit-per-cycle, duty included.
    scale: f64,
}

impl Grid {
    fn freed(&self, rows: u32) -> i64 {
        if rows == 0 {
            0
        } else {
            i64::from(rows * self.stream_unit) - self.buffer
        }
    }

    fn gbps(&self, rows: u32) -> f64 {
        if rows == 0 {
            return 0.0;
        }
        let off = (f64::from(rows) * self.unit_depth).min(self.depth);
        let on = self.depth - off;
        off * self.width / (on + self.unit_depth) * self.scale
    }
}

fn grids(pipeline: &Pipeline, costs: &[LayerCost], device: &Device) -> Vec<Grid> {
    let pace = pipeline
        .layers()
        .iter()
        .zip(costs)
        .filter(|(layer, _)| layer.kind.has_weights())
        .map(|(_, cost)| cost.latency)
        .max()
        .unwrap_or(0) as f64;
    if pace <= 0.0 {
        return Vec::new();
    }
    costs
        .iter()
        .enumerate()
        .filter_map(|(layer, cost)| {
            let memory = cost.weight_memory?;
            if memory.ram != WeightRam::Bram18 || memory.full_blocks == 0 {
                return None;
            }
            let rows = u32::try_from(memory.rows).ok()?;
            let buffer = bram18_tiling(memory.unit_depth, memory.width, RamUse::Memory).blocks;
            Some(Grid {
                layer,
                depth: memory.depth as f64,
                width: f64::from(memory.width),
                unit_depth: memory.unit_depth as f64,
                stream_unit: memory.stream_unit,
                rows,
                buffer: i64::from(buffer),
                scale: device.clock_mhz / 1000.0 * cost.latency as f64 / pace,
            })
        })
        .collect()
}

/// Chooses per engine how many whole rows to evict so that at least `needed` BRAM18 blocks are freed with little
/// added bandwidth. `None` if even evicting everything does not free enough.
pub fn plan_streaming(
    pipeline: &Pipeline,
    costs: &[LayerCost],
    device: &Device,
    needed: u64,
) -> Option<Vec<StreamChoice>> {
    let grids = grids(pipeline, costs, device);
    let mut rows = vec![0u32; grids.len()];
    let needed = i64::try_from(needed).unwrap_or(i64::MAX);
    let mut freed = 0i64;
    while freed < needed {
        let remaining = needed - freed;
        // Best ratio move and cheapest finishing move.
        let mut best: Option<(f64, usize, u32)> = None;
        let mut finish: Option<(f64, usize, u32)> = None;
        for (position, grid) in grids.iter().enumerate() {
            let now = rows[position];
            let (freed_now, gbps_now) = (grid.freed(now), grid.gbps(now));
            for next in now + 1..=grid.rows {
                let gain = grid.freed(next) - freed_now;
                if gain <= 0 {
                    continue;
                }
                let cost = (grid.gbps(next) - gbps_now).max(1e-12);
                let ratio = gain as f64 / cost;
                if best.is_none_or(|(best_ratio, _, _)| ratio > best_ratio) {
                    best = Some((ratio, position, next));
                }
                if gain >= remaining {
                    if finish.is_none_or(|(finish_cost, _, _)| cost < finish_cost) {
                        finish = Some((cost, position, next));
                    }
                    break;
                }
            }
        }
        let (ratio, position, next) = best?;
        let chosen = match finish {
            // Finishing in one move is cheaper than the ratio route's estimate for what is left.
            Some((cost, finish_position, finish_next)) if cost <= remaining as f64 / ratio => {
                (finish_position, finish_next)
            }
            _ => (position, next),
        };
        let grid = &grids[chosen.0];
        freed += grid.freed(chosen.1) - grid.freed(rows[chosen.0]);
        rows[chosen.0] = chosen.1;
    }
    Some(
        grids
            .iter()
            .zip(&rows)
            .filter(|(_, &rows)| rows > 0)
            .map(|(grid, &rows)| StreamChoice {
                layer: grid.layer,
                blocks: rows * grid.stream_unit,
                freed: grid.freed(rows),
                gbps: grid.gbps(rows),
            })
            .collect(),
    )
}

/// Blocks that must leave BRAM for `bram` blocks to fit `device` once spare LUTs absorb what they can
/// (fpgaConvNet's LUTRAM substitution at 288 LUTs per BRAM18).
pub fn bram_excess(bram: u32, lut: u64, device: &Device) -> u64 {
    let spare = u64::from(device.resources.lut).saturating_sub(lut) / autows_cost::LUTS_PER_BRAM18;
    u64::from(bram).saturating_sub(u64::from(device.resources.bram.0) + spare)
}
