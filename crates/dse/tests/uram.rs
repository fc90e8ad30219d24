//! URAM as a weight tier: on a device that has it, weight memories move there when BRAM runs short, before any
//! weight is streamed from DRAM.

mod common;

use autows_dse::{search, CostModel, Device, DseOptions, FpgaConvNetModel};
use common::sequential_reference;

#[test]
fn weights_move_to_uram_before_they_stream() {
    // AutoWS's ResNet-18 on a ZCU104: a third of the ZCU102's BRAM, but 96 URAM blocks.
    let device = Device::builtin("zcu104").expect("built-in device");
    let model = FpgaConvNetModel::fpgaconvnet();
    let pipeline = sequential_reference();
    let with =
        search(&pipeline, &device, &model, &DseOptions { threads: Some(1), ..DseOptions::default() }).expect("fits");
    let without =
        search(&pipeline, &device, &model, &DseOptions { uram: false, threads: Some(1), ..DseOptions::default() })
            .expect("fits");
    let (with_cost, without_cost) = (&with.evaluation.pipeline, &without.evaluation.pipeline);
    assert!(with_cost.feasibility.is_feasible() && without_cost.feasibility.is_feasible());
    assert!(with_cost.resources.uram.0 > 0 && with_cost.resources.uram.0 <= device.resources.uram.0);
    assert_eq!(without_cost.resources.uram.0, 0);
    let in_uram = with.pipeline.layers().iter().filter(|layer| layer.kind.streaming().is_some_and(|s| s.use_uram));
    assert!(in_uram.count() > 0);
    // Held on chip, those weights need no DRAM bandwidth: the design runs faster.
    assert!(
        with_cost.throughput_fps > without_cost.throughput_fps * 1.1,
        "{} FPS with URAM, {} without",
        with_cost.throughput_fps,
        without_cost.throughput_fps
    );
    // The design is what the model says it is.
    assert_eq!(&model.evaluate(&with.pipeline, &device).expect("valid").pipeline, with_cost);
}

#[test]
fn a_device_without_uram_is_unaffected() {
    let device = Device::builtin("zcu102").expect("built-in device");
    let model = FpgaConvNetModel::fpgaconvnet();
    let pipeline = sequential_reference();
    let options = DseOptions { threads: Some(1), ..DseOptions::default() };
    let with = search(&pipeline, &device, &model, &options).expect("fits");
    let without = search(&pipeline, &device, &model, &DseOptions { uram: false, ..options }).expect("fits");
    assert_eq!(with.evaluation.pipeline.resources.uram.0, 0);
    assert_eq!(with.evaluation.pipeline.throughput_fps, without.evaluation.pipeline.throughput_fps);
}
