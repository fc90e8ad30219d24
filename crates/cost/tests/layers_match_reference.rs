//! Every layer of the AutoWS example, costed by the fpgaConvNet-fidelity model, against the per-layer test
//! vectors of `layers.json` (interval, pipeline depth, LUT, FF, BRAM, DSP and the weight-memory figures).

mod reference;

use autows_cost::{CostModel, FpgaConvNetModel, LayerCost};
use autows_device::Device;
use reference::{number, reference_design, reference_json};
use serde_json::Value;

fn compare(mismatches: &mut Vec<String>, layer: &str, field: &str, ours: f64, expected: &Value) {
    let expected = number(expected, &format!("{layer}.{field}"));
    if ours != expected {
        mismatches.push(format!("{layer}.{field}: ours {ours:?}, reference {expected:?}"));
    }
}

fn compare_weight_memory(mismatches: &mut Vec<String>, layer: &str, cost: &LayerCost, expected: &Value) {
    let Some(memory) = cost.weight_memory else {
        mismatches.push(format!("{layer}: no weight memory, reference has one"));
        return;
    };
    let off_chip_interval = memory.off_chip_interval.map_or(-1.0, |interval| interval as f64);
    let fields: [(&str, f64); 16] = [
        ("depth", memory.depth as f64),
        ("width", f64::from(memory.width)),
        ("bram_full", f64::from(memory.full_blocks)),
        ("unit_w", f64::from(memory.unit_width)),
        ("unit_d", memory.unit_depth as f64),
        ("sw", f64::from(memory.stream_weights)),
        ("ram_left", f64::from(memory.remaining_blocks)),
        ("stream_unit", f64::from(memory.stream_unit)),
        ("rows", memory.rows as f64),
        ("off", memory.off_chip_range),
        ("on", memory.on_chip_range),
        ("buf", f64::from(memory.buffer_blocks)),
        ("bits_per_cycle", memory.bits_per_cycle),
        ("off_chip_interval", off_chip_interval),
        ("step", f64::from(memory.step_blocks)),
        ("bram", f64::from(memory.on_chip_blocks)),
    ];
    for (field, ours) in fields {
        compare(mismatches, layer, &format!("wm.{field}"), ours, &expected[field]);
    }
}

#[test]
fn all_77_layers_match_layers_json() {
    let design = reference_design();
    let expected = reference_json("layers.json");
    let expected = expected.as_object().expect("layers.json is an object of layers");
    let device = Device::builtin("zcu102").expect("built-in device");
    let pipeline = &design.partitions[0].pipeline;
    let evaluation = FpgaConvNetModel::fpgaconvnet().evaluate(pipeline, &device).expect("valid design");

    assert_eq!(pipeline.layers().len(), 77);
    assert_eq!(expected.len(), 77);
    let mut mismatches = Vec::new();
    for (layer, cost) in pipeline.layers().iter().zip(&evaluation.layers) {
        let name = layer.name.as_str();
        let Some(reference) = expected.get(name) else {
            mismatches.push(format!("{name}: not in layers.json"));
            continue;
        };
        compare(&mut mismatches, name, "interval", cost.interval, &reference["interval"]);
        compare(&mut mismatches, name, "pd", cost.pipeline_depth as f64, &reference["pd"]);
        let resources = &reference["rsc"];
        compare(&mut mismatches, name, "LUT", cost.resources.lut as f64, &resources["LUT"]);
        compare(&mut mismatches, name, "FF", cost.resources.ff as f64, &resources["FF"]);
        compare(&mut mismatches, name, "BRAM", f64::from(cost.resources.bram.0), &resources["BRAM"]);
        compare(&mut mismatches, name, "DSP", cost.resources.dsp, &resources["DSP"]);
        match (&reference["wm"], layer.kind.has_weights()) {
            (Value::Null, false) => {}
            (Value::Null, true) => mismatches.push(format!("{name}: weight memory not in layers.json")),
            (memory, _) => compare_weight_memory(&mut mismatches, name, cost, memory),
        }
    }
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}
