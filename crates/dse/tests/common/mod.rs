//! The AutoWS reference design (ResNet-18, w4a5, ZCU102) beside the repository, reset for searching.

#![allow(dead_code)]

use std::path::PathBuf;

use autows_cost::{read_config_file, Layer, LayerKind, Pipeline, WeightStreaming};
use autows_dse::parallelism::Parallelism;
use autows_dse::squeeze::strip_squeezes;

/// The reference folder (the repository sits beside `shared/`, locally and in CI).
pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/autows-resnet18-w4a5-zcu102")
}

/// The reference design's pipeline as fpgaConvNet's `config.json` describes it.
pub fn reference_pipeline() -> Pipeline {
    let path = reference_dir().join("config.json");
    let mut design = read_config_file(&path).unwrap_or_else(|error| panic!("{error}"));
    design.partitions.remove(0).pipeline
}

/// Every engine at coarse = fine = 1, nothing streamed.
pub fn sequential(layer: &mut Layer) {
    Parallelism::sequential(layer).apply(layer);
    if let Some(streaming) = layer.kind.streaming_mut() {
        *streaming = WeightStreaming::ON_CHIP;
    }
}

/// The reference graph at minimum parallelism, squeeze-free: where AutoWS' DSE starts.
pub fn sequential_reference() -> Pipeline {
    let mut pipeline = strip_squeezes(&reference_pipeline()).expect("squeezes are pass-throughs");
    for index in 0..pipeline.layers().len() {
        let mut layer = pipeline.layers()[index].clone();
        sequential(&mut layer);
        pipeline.replace_layer(index, layer).expect("same shapes");
    }
    assert!(pipeline.layers().iter().all(|layer| !matches!(layer.kind, LayerKind::Squeeze(_))));
    pipeline
}
