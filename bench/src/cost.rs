//! How fast the cost model evaluates a whole pipeline, and how fast it re-evaluates after one engine changes.

use crate::timing::rate;
use autows_cost::{ConvParallelism, CostModel, FpgaConvNetModel, IncrementalEvaluator, LayerKind};
use autows_device::Device;
use serde_json::{json, Value};

/// Measures full and incremental evaluations of `model` (lowered with the compiler's passes) on `device`.
pub fn run(model: &str, device_name: &str, seconds: f64) -> Result<Value, String> {
    let pipeline = crate::pipeline::lowered(model)?;
    let device = Device::builtin(device_name).map_err(|error| error.to_string())?;
    let cost_model = FpgaConvNetModel::fpgaconvnet();
    cost_model.evaluate(&pipeline, &device).map_err(|error| error.to_string())?;
    let full = rate(seconds, || {
        if let Ok(evaluation) = cost_model.evaluate(&pipeline, &device) {
            std::hint::black_box(evaluation.pipeline.cycles);
        }
    });
    // The change a search makes most: one convolution's output parallelism, toggled between 1 and 2.
    let convolutions: Vec<usize> = pipeline
        .layers()
        .iter()
        .enumerate()
        .filter(|(_, layer)| matches!(&layer.kind, LayerKind::Convolution(conv) if conv.filters % 2 == 0))
        .map(|(index, _)| index)
        .collect();
    if convolutions.is_empty() {
        return Err(format!("{model} has no convolution with an even number of filters to vary"));
    }
    let layers = pipeline.layers().len();
    let mut evaluator = IncrementalEvaluator::new(cost_model, pipeline, device).map_err(|error| error.to_string())?;
    let mut step = 0usize;
    let mut failure = None;
    let incremental = rate(seconds, || {
        let index = convolutions[step % convolutions.len()];
        let coarse_out = if (step / convolutions.len()) % 2 == 0 { 2 } else { 1 };
        step += 1;
        let updated = evaluator.update_layer(index, |layer| {
            if let LayerKind::Convolution(conv) = &mut layer.kind {
                conv.parallelism = ConvParallelism { coarse_out, ..conv.parallelism };
            }
        });
        match updated {
            Ok(()) => {
                std::hint::black_box(evaluator.evaluate().cycles);
            }
            Err(error) => failure = Some(error.to_string()),
        }
    });
    if let Some(error) = failure {
        return Err(error);
    }
    Ok(json!({
        "benchmark": "cost-model",
        "model": model,
        "device": device_name,
        "layers": layers,
        "full_evaluations_per_s": full.per_second(),
        "incremental_evaluations_per_s": incremental.per_second(),
        "incremental_over_full": incremental.per_second() / full.per_second(),
        "full_runs": full.runs,
        "incremental_runs": incremental.runs,
    }))
}
