//! Shared access to the AutoWS reference design (ResNet-18, w4a5, ZCU102) that sits beside the repository.

// Each test binary uses a subset of these helpers.
#![allow(dead_code)]

use std::path::PathBuf;

use autows_cost::{read_config_file, Design};
use serde_json::Value;

/// The shared reference folder (the repository sits beside `shared/`, locally and in CI).
fn shared_reference() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference")
}

/// The folder with the reference `config.json`, `report.json` and `layers.json`.
pub fn reference_dir() -> PathBuf {
    shared_reference().join("autows-resnet18-w4a5-zcu102")
}

/// The reference design as read from its fpgaConvNet configuration.
pub fn reference_design() -> Design {
    let path = reference_dir().join("config.json");
    read_config_file(&path).unwrap_or_else(|error| panic!("{error}"))
}

/// A JSON file of the design's reference folder, or of the shared reference folder above it.
pub fn reference_json(name: &str) -> Value {
    let beside_design = reference_dir().join(name);
    let path = if beside_design.exists() { beside_design } else { shared_reference().join(name) };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A number of a JSON value, failing the test with the path if it is not one.
pub fn number(value: &Value, path: &str) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("{path} is not a number: {value}"))
}
