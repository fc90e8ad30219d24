//! Layer fusion on the built-in models: the pipeline `graph-fuse` leaves against the one-engine-per-layer
//! lowering (the baseline, same run), and what the design-space search makes of each.

use autows_cost::{LayerKind, Pipeline};
use autows_device::Device;
use autows_dse::Algorithm;
use serde_json::{json, Value};

use crate::pipeline::{lowered_with, FUSED_LOWERING, LOWERING};

/// The layers of `pipeline` by role: compute engines, and the forks and squeezes between them.
fn census(pipeline: &Pipeline) -> Value {
    let layers = pipeline.layers();
    let count = |keep: fn(&LayerKind) -> bool| layers.iter().filter(|layer| keep(&layer.kind)).count();
    let fused = |layer: &&autows_cost::Layer| match &layer.kind {
        LayerKind::Convolution(conv) => {
            conv.fused_activation.is_some() || conv.fused_residual || conv.fused_pool.is_some()
        }
        LayerKind::InnerProduct(fc) => fc.fused_activation.is_some(),
        _ => false,
    };
    json!({
        "layers": layers.len(),
        "compute_engines": count(|kind| !matches!(kind, LayerKind::Split(_) | LayerKind::Squeeze(_))),
        "forks": count(|kind| matches!(kind, LayerKind::Split(_))),
        "fused_engines": layers.iter().filter(fused).count(),
        "edges": pipeline.edges().len(),
    })
}

/// Lowers each model with and without fusion and searches both on `device` (one thread, our search).
pub fn run(models: &[String], device: &str) -> Result<Value, String> {
    let device = Device::builtin(device).map_err(|error| error.to_string())?;
    let mut rows = Vec::new();
    for model in models {
        let unfused = lowered_with(model, LOWERING)?;
        let fused = lowered_with(model, FUSED_LOWERING)?;
        let before = crate::dse::one(&unfused, &device, Algorithm::Bisection, true);
        let after = crate::dse::one(&fused, &device, Algorithm::Bisection, true);
        let fps = |value: &Value| value["fps"].as_f64().unwrap_or(0.0);
        let engines = |census: &Value| census["compute_engines"].as_u64().unwrap_or(0);
        let (census_before, census_after) = (census(&unfused), census(&fused));
        eprintln!(
            "{model:<12} engines {:>4} -> {:>4}   {:>9.2} -> {:>9.2} FPS",
            engines(&census_before),
            engines(&census_after),
            fps(&before),
            fps(&after)
        );
        rows.push(json!({
            "model": model,
            "device": device.name,
            "unfused": { "pipeline": census_before, "design": before },
            "fused": { "pipeline": census_after, "design": after },
            "engines_fused_over_unfused": engines(&census_after) as f64 / engines(&census_before).max(1) as f64,
            "fps_fused_over_unfused": (fps(&before) > 0.0).then(|| fps(&after) / fps(&before)),
        }));
    }
    Ok(json!({
        "benchmark": "fusion",
        "baseline": "the same model lowered one engine per layer (no graph-fuse), searched the same way",
        "fused_lowering": FUSED_LOWERING,
        "unfused_lowering": LOWERING,
        "runs": rows,
    }))
}
