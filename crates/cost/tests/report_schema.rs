//! Our report of the AutoWS example against the reference `report.json`: the same keys, the same figures, plus
//! our own fields under `autows`.

mod reference;

use autows_cost::{evaluate_design, report_json, CostModel, FpgaConvNetModel, ReportMetadata};
use autows_device::Device;
use reference::{reference_design, reference_json};
use serde_json::Value;

fn our_report() -> Value {
    let design = reference_design();
    let device = Device::builtin("zcu102").expect("built-in device");
    let model = FpgaConvNetModel::fpgaconvnet();
    let cost = evaluate_design(&model, &design, &device).expect("valid");
    let metadata = ReportMetadata { name: "from_onnx".to_owned(), date_created: "today".to_owned() };
    let text = report_json(&design, &cost, &device, model.name(), &metadata).expect("serializable");
    serde_json::from_str(&text).expect("valid JSON")
}

/// Walks the reference and collects every key it has that ours lacks, and every number that differs.
fn differences(reference: &Value, ours: &Value, path: &str, found: &mut Vec<String>) {
    match (reference, ours) {
        (Value::Object(expected), Value::Object(actual)) => {
            for (key, value) in expected {
                let path = format!("{path}/{key}");
                match actual.get(key) {
                    Some(ours) => differences(value, ours, &path, found),
                    None => found.push(format!("{path}: missing")),
                }
            }
        }
        (Value::Number(expected), Value::Number(actual)) => {
            if expected.as_f64() != actual.as_f64() {
                found.push(format!("{path}: ours {actual}, reference {expected}"));
            }
        }
        (expected, actual) => {
            if expected != actual {
                found.push(format!("{path}: ours {actual}, reference {expected}"));
            }
        }
    }
}

#[test]
fn report_has_the_reference_keys_and_figures() {
    let ours = our_report();
    let reference = reference_json("report.json");
    let mut found = Vec::new();
    differences(&reference, &ours, "", &mut found);
    // The creation date is the only free-form field that differs by nature.
    found.retain(|difference| !difference.starts_with("/date_created"));
    assert!(found.is_empty(), "{} differences:\n{}", found.len(), found.join("\n"));
}

#[test]
fn report_adds_our_fields_under_autows() {
    let ours = our_report();
    assert_eq!(ours["autows"]["model"], "fpgaconvnet");
    assert_eq!(ours["autows"]["device"], "ZCU102");
    assert_eq!(ours["autows"]["feasible"], true);
    let partition = &ours["partitions"]["0"]["autows"];
    assert_eq!(partition["pipeline_depth"], 76_807);
    assert_eq!(partition["effective_interval"], 1_109_896);
    assert_eq!(partition["feasibility"]["effective_bram"], 1824);
    assert_eq!(partition["feasibility"]["binding_resource"], "BRAM");
    let conv35 = &ours["partitions"]["0"]["layers"]["Conv_35"]["autows"];
    let expected = reference_json("layers.json");
    for key in ["depth", "width", "sw", "on", "off", "buf", "bits_per_cycle", "off_chip_interval", "step", "bram"] {
        assert_eq!(conv35["weight_memory"][key], expected["Conv_35"]["wm"][key], "Conv_35 wm.{key}");
    }
    assert_eq!(conv35["weight_memory"]["off_chip_buffer_size"], 512);
}
