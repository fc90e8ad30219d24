//! AutoWS' greedy, started from coarse = fine = 1 on the reference ResNet-18 graph, lands on the reference
//! design (AUTOWS.md §0 item 3, §6.3).

mod common;

use autows_cost::{Bram18, LayerKind};
use autows_dse::parallelism::Parallelism;
use autows_dse::{search, Algorithm, Device, DseOptions, FpgaConvNetModel};
use common::{reference_pipeline, sequential_reference};

#[test]
fn greedy_from_sequential_reaches_the_reference_totals() {
    let device = Device::builtin("zcu102").expect("built-in device");
    let options = DseOptions { algorithm: Algorithm::AutowsGreedy, ..DseOptions::default() };
    let result = search(&sequential_reference(), &device, &FpgaConvNetModel::fpgaconvnet(), &options).expect("fits");
    let cost = &result.evaluation.pipeline;
    assert_eq!(cost.cycles, 1_186_703);
    assert_eq!(cost.slowdown, 1.0584791031601426);
    assert_eq!(
        (cost.resources.lut, cost.resources.ff, cost.resources.bram, cost.resources.dsp),
        (134_142, 97_755, Bram18(2291), 1621.5)
    );
    assert!(cost.feasibility.is_feasible());
    assert_eq!(result.pipeline.layers().len(), 77, "21 squeezes, as in the reference");

    // Same parallelism and streaming per engine as the reference config (AUTOWS.md allows Conv_41/Conv_43 to
    // swap (c_in, c_out); this implementation's tie-break agrees with the reference).
    let reference = reference_pipeline();
    for layer in reference.layers() {
        if matches!(layer.kind, LayerKind::Squeeze(_)) {
            continue;
        }
        let index = result.pipeline.index_of(&layer.name).unwrap_or_else(|| panic!("{} missing", layer.name));
        let found = &result.pipeline.layers()[index];
        assert_eq!(Parallelism::of(found), Parallelism::of(layer), "{}", layer.name);
        assert_eq!(found.kind.streaming(), layer.kind.streaming(), "{}", layer.name);
    }
}

#[test]
fn greedy_without_streaming_is_infeasible_from_the_start() {
    let device = Device::builtin("zcu102").expect("built-in device");
    let options = DseOptions { algorithm: Algorithm::AutowsGreedy, weight_streaming: false, ..DseOptions::default() };
    let error = search(&sequential_reference(), &device, &FpgaConvNetModel::fpgaconvnet(), &options)
        .expect_err("vanilla does not fit");
    assert_eq!(error.to_string(), "BRAM: needs 3006 BRAM18 (2305 after LUTRAM), device has 1824: 481 short");
}
