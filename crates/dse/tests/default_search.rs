//! The default search on the reference ResNet-18 graph, reset to coarse = fine = 1 and squeeze-free.

mod common;

use autows_cost::{LayerKind, Resource};
use autows_dse::{search, Device, DseError, DseOptions, FpgaConvNetModel};
use common::sequential_reference;

#[test]
fn resnet18_on_zcu102_beats_autows_by_a_third() {
    let device = Device::builtin("zcu102").expect("built-in device");
    let model = FpgaConvNetModel::fpgaconvnet();
    let result = search(&sequential_reference(), &device, &model, &DseOptions::default()).expect("fits");
    let cost = &result.evaluation.pipeline;
    assert!(cost.feasibility.is_feasible(), "{}", result.explanation);
    assert!(cost.throughput_fps >= 227.5, "{}", result.explanation);
    // The returned pipeline carries exactly the squeezes fpgaConvNet would insert, and its cost is the
    // model's verdict on it.
    assert!(result.pipeline.stream_mismatches().is_empty());
    let fresh = autows_cost::CostModel::evaluate(&model, &result.pipeline, &device).expect("valid");
    assert_eq!(fresh, result.evaluation);
    let squeezes = result.pipeline.layers().iter().filter(|l| matches!(l.kind, LayerKind::Squeeze(_))).count();
    assert_eq!(squeezes, result.explanation.squeezes);
    assert!(!result.explanation.critical.is_empty());
    assert!(!result.explanation.streamed.is_empty(), "ResNet-18 does not fit ZCU102 without streaming");
}

#[test]
fn resnet18_on_zc706_reaches_41_fps() {
    let device = Device::builtin("zc706").expect("built-in device");
    let result = search(&sequential_reference(), &device, &FpgaConvNetModel::fpgaconvnet(), &DseOptions::default())
        .expect("fits");
    assert!(result.evaluation.pipeline.feasibility.is_feasible(), "{}", result.explanation);
    assert!(result.evaluation.pipeline.throughput_fps >= 41.0, "{}", result.explanation);
}

#[test]
fn without_streaming_resnet18_fits_zcu102_only_slowly() {
    // In the fpgaConvNet model vanilla (all weights on chip) is not infeasible on ZCU102: full `fine` removes the
    // convolutions' internal squeezes, and the freed LUTs absorb ~890 BRAM18 as LUTRAM. AutoWS' greedy misses
    // this because it checks feasibility at coarse = fine = 1 before growing anything.
    let device = Device::builtin("zcu102").expect("built-in device");
    let options = DseOptions { weight_streaming: false, ..DseOptions::default() };
    let result =
        search(&sequential_reference(), &device, &FpgaConvNetModel::fpgaconvnet(), &options).expect("fits slowly");
    let cost = &result.evaluation.pipeline;
    assert!(cost.feasibility.is_feasible());
    assert!(result.explanation.streamed.is_empty());
    assert_eq!(cost.feasibility.binding_resource(), Resource::Bram, "{}", result.explanation);
    assert!(cost.throughput_fps < 20.0, "{}", result.explanation);
}

#[test]
fn without_streaming_resnet18_does_not_fit_a_zedboard_and_bram_is_blamed() {
    let device = Device::builtin("zedboard").expect("built-in device");
    let options = DseOptions { weight_streaming: false, return_partial: true, ..DseOptions::default() };
    let error = search(&sequential_reference(), &device, &FpgaConvNetModel::fpgaconvnet(), &options)
        .expect_err("vanilla does not fit");
    let message = error.to_string();
    let DseError::Infeasible { resource, shortfall, partial, .. } = error else { panic!("{message}") };
    assert_eq!(resource, Resource::Bram, "{message}");
    assert!(message.starts_with("BRAM: needs ") && message.ends_with(" short"), "{message}");
    assert!(message.contains("device has 280"), "{message}");
    assert!(shortfall > 0.0);
    let partial = partial.expect("asked for the partial design");
    assert!(!partial.evaluation.pipeline.feasibility.is_feasible());
}

#[test]
fn the_same_seed_gives_the_same_design_whatever_the_threads() {
    let device = Device::builtin("zc706").expect("built-in device");
    let model = FpgaConvNetModel::fpgaconvnet();
    let pipeline = sequential_reference();
    let one = search(&pipeline, &device, &model, &DseOptions { seed: 7, threads: Some(1), ..DseOptions::default() })
        .expect("fits");
    let two = search(&pipeline, &device, &model, &DseOptions { seed: 7, threads: Some(2), ..DseOptions::default() })
        .expect("fits");
    assert_eq!(one.pipeline, two.pipeline);
    assert_eq!(one.evaluation, two.evaluation);
}
