//! The design-space search on the built-in models: our search against AutoWS's greedy and against vanilla
//! (no weight streaming), per device.

use crate::timing::Rate;
use autows_cost::FpgaConvNetModel;
use autows_device::Device;
use autows_dse::{search, Algorithm, DseError, DseOptions};
use serde_json::{json, Value};
use std::time::Instant;

/// The published AutoWS design's throughput (ResNet-18, w4a5, ZCU102), in frames per second.
const REFERENCE_FPS: f64 = 168.53;

pub(crate) fn one(pipeline: &autows_cost::Pipeline, device: &Device, algorithm: Algorithm, streaming: bool) -> Value {
    let options = DseOptions { algorithm, weight_streaming: streaming, threads: Some(1), ..DseOptions::default() };
    one_with(pipeline, device, &options)
}

fn one_with(pipeline: &autows_cost::Pipeline, device: &Device, options: &DseOptions) -> Value {
    let started = Instant::now();
    let result = search(pipeline, device, &FpgaConvNetModel::fpgaconvnet(), options);
    let seconds = Rate { runs: 1, seconds: started.elapsed().as_secs_f64() }.seconds;
    match result {
        Ok(result) => {
            let cost = &result.evaluation.pipeline;
            let usage = |resource| cost.feasibility.usage_of(resource).used;
            json!({
                "feasible": cost.feasibility.is_feasible(),
                "fps": cost.throughput_fps,
                "latency_ms": cost.latency_s * 1e3,
                "cycles": cost.cycles,
                "slowdown": cost.slowdown,
                "binding": cost.feasibility.binding_resource().name(),
                "lut": cost.resources.lut,
                "ff": cost.resources.ff,
                "dsp": cost.resources.dsp,
                "bram18": cost.resources.bram.0,
                "bram18_effective": cost.feasibility.effective_bram.0,
                "uram": cost.resources.uram.0,
                "dram_gbps": usage(autows_cost::Resource::Bandwidth),
                "dse_seconds": seconds,
            })
        }
        Err(DseError::Infeasible { resource, detail, shortfall, .. }) => json!({
            "feasible": false,
            "fps": 0.0,
            "error": format!("{resource}: {detail}: {shortfall} short"),
            "dse_seconds": seconds,
        }),
        Err(error) => json!({ "feasible": false, "fps": 0.0, "error": error.to_string(), "dse_seconds": seconds }),
    }
}

/// Runs every model on every device with the three searches, on one thread each.
pub fn run(models: &[String], devices: &[String]) -> Result<Value, String> {
    let mut rows = Vec::new();
    for model in models {
        let pipeline = crate::pipeline::lowered(model)?;
        for device_name in devices {
            let device = Device::builtin(device_name).map_err(|error| error.to_string())?;
            let ours = one(&pipeline, &device, Algorithm::Bisection, true);
            let greedy = one(&pipeline, &device, Algorithm::AutowsGreedy, true);
            let vanilla = one(&pipeline, &device, Algorithm::Bisection, false);
            // On a device with URAM, the same search with every weight in BRAM or DRAM shows what URAM buys.
            let without_uram = (device.resources.uram.0 > 0).then(|| {
                let options = DseOptions { uram: false, threads: Some(1), ..DseOptions::default() };
                one_with(&pipeline, &device, &options)
            });
            let fps = |value: &Value| value["fps"].as_f64().unwrap_or(0.0);
            let ratio = if fps(&greedy) > 0.0 { Some(fps(&ours) / fps(&greedy)) } else { None };
            eprintln!(
                "{model:<12} {device_name:<7} ours {:>9.2} FPS ({:.2} s)  greedy {:>9.2} FPS  vanilla {:>9.2} FPS",
                fps(&ours),
                ours["dse_seconds"].as_f64().unwrap_or(0.0),
                fps(&greedy),
                fps(&vanilla)
            );
            rows.push(json!({
                "model": model,
                "device": device_name,
                "quantization": "w4a5",
                "ours": ours,
                "autows_greedy": greedy,
                "vanilla": vanilla,
                "ours_without_uram": without_uram,
                "ours_over_ours_without_uram": without_uram.as_ref().filter(|w| fps(w) > 0.0).map(|w| fps(&ours) / fps(w)),
                "ours_over_greedy": ratio,
                "ours_over_published_autows": (model == "resnet18" && device_name == "zcu102").then(|| fps(&ours) / REFERENCE_FPS),
            }));
        }
    }
    Ok(json!({
        "benchmark": "dse",
        "cost_model": "fpgaconvnet",
        "threads": 1,
        "baselines": "AutoWS's greedy on the same input, our search with weight streaming off (vanilla fpgaConvNet), and on devices with URAM our search with weights kept out of URAM",
        "runs": rows,
    }))
}
