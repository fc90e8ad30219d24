//! Vanilla fpgaConvNet (no weight streaming) on the same graph at minimum parallelism does not fit ZCU102
//! (AUTOWS.md §3.3): the model must say so and blame BRAM.

mod reference;

use autows_cost::{
    Activation, Bram18, Concat, ConvParallelism, CostModel, EltWise, FpgaConvNetModel, GlobalPooling,
    InnerProductParallelism, Layer, LayerKind, Pipeline, Pooling, Resource, Split, WeightStreaming,
};
use autows_device::Device;
use reference::reference_design;

/// Every layer at coarse = fine = 1 with all weights on chip.
fn sequential(layer: &mut Layer) {
    match &mut layer.kind {
        LayerKind::Convolution(conv) => {
            conv.parallelism = ConvParallelism::SEQUENTIAL;
            conv.streaming = WeightStreaming::ON_CHIP;
        }
        LayerKind::InnerProduct(fc) => {
            fc.parallelism = InnerProductParallelism { coarse_in: 1, coarse_out: 1 };
            fc.streaming = WeightStreaming::ON_CHIP;
        }
        LayerKind::Squeeze(squeeze) => {
            squeeze.coarse_in = 1;
            squeeze.coarse_out = 1;
        }
        LayerKind::Pooling(Pooling { coarse, .. })
        | LayerKind::Activation(Activation { coarse, .. })
        | LayerKind::EltWise(EltWise { coarse, .. })
        | LayerKind::GlobalPooling(GlobalPooling { coarse, .. })
        | LayerKind::Split(Split { coarse, .. })
        | LayerKind::Concat(Concat { coarse, .. }) => *coarse = 1,
    }
}

/// The reference graph rebuilt at minimum parallelism; with every stream count 1 no squeeze is needed, so
/// they are removed as fpgaConvNet's parser would never have inserted them.
fn vanilla_pipeline() -> Pipeline {
    let mut pipeline = reference_design().partitions.remove(0).pipeline;
    for index in 0..pipeline.layers().len() {
        let mut layer = pipeline.layers()[index].clone();
        sequential(&mut layer);
        pipeline.replace_layer(index, layer).expect("same shapes");
    }
    while let Some(index) = pipeline.layers().iter().position(|layer| matches!(layer.kind, LayerKind::Squeeze(_))) {
        pipeline.bypass_layer(index).expect("a squeeze is a pass-through");
    }
    pipeline
}

#[test]
fn minimum_parallelism_needs_3006_bram18_and_does_not_fit_zcu102() {
    let pipeline = vanilla_pipeline();
    assert_eq!(pipeline.layers().len(), 77 - 21);
    let device = Device::builtin("zcu102").expect("built-in device");
    let cost = FpgaConvNetModel::fpgaconvnet().evaluate(&pipeline, &device).expect("valid");
    let resources = &cost.pipeline.resources;
    assert_eq!(resources.bram, Bram18(3006));
    assert_eq!(resources.lut, 72_151);

    let feasibility = &cost.pipeline.feasibility;
    // ⌊(274,080 − 72,151)/288⌋ = 701 blocks move to LUTRAM, far short of the 1,182 missing.
    assert_eq!(feasibility.lutram_substituted, Bram18(701));
    assert_eq!(feasibility.effective_bram, Bram18(2305));
    assert!(!feasibility.is_feasible());
    assert_eq!(feasibility.binding_resource(), Resource::Bram);
    let over: Vec<Resource> = feasibility.violations().map(|usage| usage.resource).collect();
    assert_eq!(over, [Resource::Bram]);
}

#[test]
fn with_streaming_the_same_resources_fit() {
    let design = reference_design();
    let device = Device::builtin("zcu102").expect("built-in device");
    let cost = FpgaConvNetModel::fpgaconvnet().evaluate(&design.partitions[0].pipeline, &device).expect("valid");
    assert!(cost.pipeline.feasibility.is_feasible());
    // Back on chip go the 577 streamed blocks, and the 106 blocks of refill buffers go away (AUTOWS.md §3.3).
    let mut pipeline = design.partitions[0].pipeline.clone();
    for index in 0..pipeline.layers().len() {
        let mut layer = pipeline.layers()[index].clone();
        if let Some(streaming) = layer.kind.streaming_mut() {
            streaming.stream_weights = 0;
            pipeline.replace_layer(index, layer).expect("same shapes");
        }
    }
    let on_chip = FpgaConvNetModel::fpgaconvnet().evaluate(&pipeline, &device).expect("valid");
    assert_eq!(on_chip.pipeline.resources.bram, Bram18(2291 + 577 - 106));
    assert!(!on_chip.pipeline.feasibility.is_feasible());
    assert_eq!(on_chip.pipeline.feasibility.binding_resource(), Resource::Bram);
}
