//! The third weight tier: UltraRAM. A device with URAM (Alveo, some Zynq UltraScale+ parts) can hold weight
//! memories there instead of in BRAM, without the DRAM traffic streaming costs. When a design is over its BRAM
//! budget, memories move to URAM, the most BRAM freed per URAM block first, until the excess is gone or URAM is
//! full; streaming then covers whatever is left.

use autows_cost::{CostModel, Pipeline, PipelineEvaluation};
use autows_device::Device;

use crate::error::DseError;
use crate::streaming::bram_excess;

/// A weight memory that could move to URAM: the BRAM18 blocks it frees and the URAM blocks it takes.
struct Move {
    layer: usize,
    frees: u32,
    takes: u32,
}

/// Moves weight memories of `pipeline` (costed as `evaluation`) from BRAM to URAM while the design exceeds its
/// BRAM budget and `device` has URAM left; returns the pipeline and its evaluation, unchanged if nothing moved.
pub(crate) fn place_in_uram<M: CostModel>(
    model: &M,
    device: &Device,
    pipeline: Pipeline,
    evaluation: PipelineEvaluation,
) -> Result<(Pipeline, PipelineEvaluation), DseError> {
    let resources = evaluation.pipeline.resources;
    let needed = bram_excess(resources.bram.0, resources.lut, device);
    let room = device.resources.uram.0.saturating_sub(resources.uram.0);
    if needed == 0 || room == 0 {
        return Ok((pipeline, evaluation));
    }
    let mut moves = Vec::new();
    for (index, (layer, cost)) in pipeline.layers().iter().zip(&evaluation.layers).enumerate() {
        let Some(memory) = cost.weight_memory else { continue };
        let (bram, _) = memory.on_chip();
        if bram.0 == 0 || layer.kind.streaming().is_none_or(|streaming| streaming.use_uram) {
            continue;
        }
        let mut moved = layer.clone();
        if let Some(streaming) = moved.kind.streaming_mut() {
            streaming.use_uram = true;
            streaming.stream_weights = 0;
        }
        let Ok(moved_cost) = model.layer_cost(&moved) else { continue };
        let Some(moved_memory) = moved_cost.weight_memory else { continue };
        let (_, uram) = moved_memory.on_chip();
        // Streamed blocks come back on chip in URAM, so a memory frees only what it holds in BRAM now.
        moves.push(Move { layer: index, frees: bram.0, takes: uram.0.max(1) });
    }
    // Most BRAM per URAM block first; the layer index breaks ties so the result does not depend on the order.
    moves.sort_by(|a, b| {
        let (left, right) = (u64::from(a.frees) * u64::from(b.takes), u64::from(b.frees) * u64::from(a.takes));
        right.cmp(&left).then(a.layer.cmp(&b.layer))
    });
    let (mut freed, mut used) = (0u64, 0u32);
    let mut placed = pipeline.clone();
    for candidate in moves {
        if freed >= needed {
            break;
        }
        if used + candidate.takes > room {
            continue;
        }
        let mut layer = placed.layers()[candidate.layer].clone();
        if let Some(streaming) = layer.kind.streaming_mut() {
            streaming.use_uram = true;
            streaming.stream_weights = 0;
        }
        placed.replace_layer(candidate.layer, layer)?;
        freed += u64::from(candidate.frees);
        used += candidate.takes;
    }
    if used == 0 {
        return Ok((pipeline, evaluation));
    }
    let evaluation = model.evaluate(&placed, device)?;
    Ok((placed, evaluation))
}
