//! Bad configurations are refused with messages that name the layer and the problem.

mod reference;

use autows_cost::{parse_config, ConfigError};
use reference::reference_json;
use serde_json::Value;

/// The reference configuration with one edit applied to the layer called `layer`.
fn edited(layer: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut config = reference_json("config.json");
    let layers = config["partition"][0]["layers"].as_array_mut().expect("layers");
    let entry = layers.iter_mut().find(|entry| entry["name"] == layer).expect("layer exists");
    edit(entry);
    config.to_string()
}

fn error_of(text: &str) -> ConfigError {
    parse_config(text, "edited.json").expect_err("the edit makes the configuration invalid")
}

#[test]
fn unknown_layer_type_is_named() {
    let error = error_of(&edited("Relu_1", |entry| entry["type"] = "HARDSWISH".into()));
    assert!(matches!(error, ConfigError::UnknownLayerType { .. }), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("Relu_1") && message.contains("HARDSWISH") && message.starts_with("edited.json"),
        "{message}"
    );
}

#[test]
fn unsupported_activation_is_named() {
    let error = error_of(&edited("Relu_1", |entry| entry["op_type"] = "Sigmoid".into()));
    let message = error.to_string();
    assert!(matches!(error, ConfigError::UnsupportedOperation { .. }), "{message}");
    assert!(message.contains("Relu_1") && message.contains("Sigmoid"), "{message}");
}

#[test]
fn coarse_that_does_not_divide_the_channels_is_named() {
    let error = error_of(&edited("Conv_3", |entry| entry["parameters"]["coarse_in"] = 3.into()));
    let message = error.to_string();
    assert!(message.contains("Conv_3") && message.contains("coarse_in = 3") && message.contains("(64)"), "{message}");
}

#[test]
fn fine_that_does_not_divide_the_kernel_is_named() {
    let error = error_of(&edited("Conv_5", |entry| entry["parameters"]["fine"] = 2.into()));
    let message = error.to_string();
    assert!(
        message.contains("Conv_5") && message.contains("fine = 2") && message.contains("kernel size (9)"),
        "{message}"
    );
}

#[test]
fn output_shape_that_does_not_follow_from_the_input_is_named() {
    let error = error_of(&edited("MaxPool_2", |entry| entry["parameters"]["rows_out"] = 55.into()));
    let message = error.to_string();
    assert!(message.contains("MaxPool_2") && message.contains("55x56x64") && message.contains("56x56x64"), "{message}");
}

#[test]
fn shapes_that_disagree_along_an_edge_are_named() {
    // Relu_1 claims a different input than Conv_0 produces (and keeps itself consistent).
    let error = error_of(&edited("Relu_1", |entry| {
        entry["parameters"]["rows_in"] = 111.into();
        entry["parameters"]["rows_out"] = 111.into();
    }));
    let message = error.to_string();
    assert!(
        message.contains("`Conv_0` produces 112x112x64") && message.contains("`Relu_1` expects 111x112x64"),
        "{message}"
    );
}

#[test]
fn missing_parameter_is_named_with_its_layer() {
    let error = error_of(&edited("Conv_8", |entry| {
        entry["parameters"].as_object_mut().expect("parameters").remove("fine");
    }));
    let message = error.to_string();
    assert!(matches!(error, ConfigError::LayerParameters { .. }), "{message}");
    assert!(message.contains("Conv_8") && message.contains("missing field `fine`"), "{message}");
}

#[test]
fn stream_to_an_unknown_node_is_named() {
    let error = error_of(&edited("Relu_1", |entry| entry["streams_out"][0]["node"] = "Nowhere".into()));
    let message = error.to_string();
    assert!(message.contains("Relu_1") && message.contains("Nowhere"), "{message}");
}

#[test]
fn streaming_more_blocks_than_stored_is_named() {
    let error = error_of(&edited("Gemm_48", |entry| entry["parameters"]["stream_weights"] = 126.into()));
    let message = error.to_string();
    assert!(
        message.contains("Gemm_48") && message.contains("stream_weights = 126") && message.contains("125"),
        "{message}"
    );
}

#[test]
fn weights_reloading_is_refused() {
    let mut config = reference_json("config.json");
    config["partition"][0]["weights_reloading_factor"] = 2.into();
    let error = error_of(&config.to_string());
    assert!(matches!(error, ConfigError::WeightsReloading { factor: 2, .. }), "{error}");
}

#[test]
fn malformed_json_reports_line_and_column() {
    let message = error_of("{\n  \"partition\": [\n    {\"layers\": 3}\n  ]\n}").to_string();
    assert!(message.starts_with("edited.json") && message.contains("line 3"), "{message}");
}

#[test]
fn the_inner_product_edge_is_recovered_from_its_producer() {
    let design = parse_config(&reference_json("config.json").to_string(), "config.json").expect("valid");
    let pipeline = &design.partitions[0].pipeline;
    let gemm = pipeline.index_of("Gemm_48").expect("layer");
    let pool = pipeline.index_of("GlobalAveragePool_46").expect("layer");
    assert_eq!(pipeline.producers(gemm), [pool]);
    assert_eq!(pipeline.inputs().collect::<Vec<_>>(), [pipeline.index_of("Conv_0").expect("layer")]);
    assert_eq!(pipeline.outputs().collect::<Vec<_>>(), [gemm]);
    // fpgaConvNet inserted a squeeze wherever stream counts differ.
    assert!(pipeline.stream_mismatches().is_empty());
}
