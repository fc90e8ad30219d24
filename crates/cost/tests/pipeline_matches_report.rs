//! Pipeline totals of the AutoWS example against its `report.json` and the figures of AUTOWS.md §3.3.

mod reference;

use autows_cost::{evaluate_design, Bram18, CostModel, FpgaConvNetModel, Resource};
use autows_device::Device;
use reference::{number, reference_design, reference_json};

#[test]
fn totals_match_the_reference_report() {
    let design = reference_design();
    let device = Device::builtin("zcu102").expect("built-in device");
    let cost = FpgaConvNetModel::fpgaconvnet().evaluate(&design.partitions[0].pipeline, &device).expect("valid");
    let pipeline = &cost.pipeline;
    let report = reference_json("report.json");
    let partition = &report["partitions"]["0"];

    assert_eq!(pipeline.cycles as f64, number(&partition["cycles"], "cycles"));
    assert_eq!(pipeline.cycles, 1_186_703);
    assert_eq!(pipeline.latency_s, number(&partition["latency"], "latency"));
    assert!((pipeline.latency_s * 1e3 - 5.933515).abs() < 1e-12, "{}", pipeline.latency_s);
    let throughput = number(&report["network"]["performance"]["throughput (FPS)"], "throughput");
    assert_eq!(pipeline.throughput_fps, throughput);
    assert!((pipeline.throughput_fps - 168.53).abs() < 0.01);
    assert_eq!(pipeline.slowdown, number(&partition["slowdown"], "slowdown"));
    assert_eq!(pipeline.slowdown, 1.0584791031601426);

    let bandwidth = &partition["bandwidth"];
    assert_eq!(pipeline.bandwidth.weight_gbps, number(&bandwidth["weight (Gbps)"], "weight"));
    assert!((pipeline.bandwidth.weight_gbps - 152.006).abs() < 1e-3);
    assert_eq!(pipeline.bandwidth.input_gbps, number(&bandwidth["in (Gbps)"], "in"));
    assert_eq!(pipeline.bandwidth.output_gbps, number(&bandwidth["out (Gbps)"], "out"));

    let usage = &partition["resource_usage"];
    assert_eq!(pipeline.resources.lut as f64, number(&usage["LUT"], "LUT"));
    assert_eq!(pipeline.resources.ff as f64, number(&usage["FF"], "FF"));
    assert_eq!(f64::from(pipeline.resources.bram.0), number(&usage["BRAM"], "BRAM"));
    assert_eq!(pipeline.resources.dsp, number(&usage["DSP"], "DSP"));
    assert_eq!(
        (pipeline.resources.lut, pipeline.resources.ff, pipeline.resources.bram, pipeline.resources.dsp),
        (134_142, 97_755, Bram18(2291), 1621.5)
    );
}

#[test]
fn the_example_fits_zcu102_exactly_at_the_bram_limit() {
    let design = reference_design();
    let device = Device::builtin("zcu102").expect("built-in device");
    let cost = FpgaConvNetModel::fpgaconvnet().evaluate(&design.partitions[0].pipeline, &device).expect("valid");
    let feasibility = &cost.pipeline.feasibility;
    assert_eq!(feasibility.effective_bram, Bram18(1824));
    assert_eq!(feasibility.lutram_substituted, Bram18(467));
    assert!(feasibility.is_feasible(), "{feasibility:?}");
    assert_eq!(feasibility.binding_resource(), Resource::Bram);
}

#[test]
fn interval_and_fill_follow_the_spec() {
    let design = reference_design();
    let device = Device::builtin("zcu102").expect("built-in device");
    let cost = FpgaConvNetModel::fpgaconvnet().evaluate(&design.partitions[0].pipeline, &device).expect("valid");
    // The untruncated float maximum (AUTOWS.md §2.3), its throttled ceiling, and the fill latency (§2.4).
    assert!(cost.pipeline.interval < 1_048_576.0 && cost.pipeline.interval > 1_048_575.99);
    assert_eq!(cost.pipeline.effective_interval, 1_109_896);
    assert_eq!(cost.pipeline.pipeline_depth, 76_807);
}

#[test]
fn per_layer_report_figures_match() {
    let design = reference_design();
    let device = Device::builtin("zcu102").expect("built-in device");
    let cost = FpgaConvNetModel::fpgaconvnet().evaluate(&design.partitions[0].pipeline, &device).expect("valid");
    let report = reference_json("report.json");
    let layers = &report["partitions"]["0"]["layers"];
    for (layer, layer_cost) in design.partitions[0].pipeline.layers().iter().zip(&cost.layers) {
        let expected = &layers[layer.name.as_str()];
        assert_eq!(layer_cost.latency as f64, number(&expected["interval"], &layer.name), "{}", layer.name);
    }
}

#[test]
fn design_level_figures_match_the_network_section() {
    let design = reference_design();
    let device = Device::builtin("zcu102").expect("built-in device");
    let cost = evaluate_design(&FpgaConvNetModel::fpgaconvnet(), &design, &device).expect("valid");
    let report = reference_json("report.json");
    let performance = &report["network"]["performance"];
    assert_eq!(cost.latency_s, number(&performance["latency (s)"], "latency"));
    assert_eq!(cost.cycles as f64, number(&performance["cycles"], "cycles"));
    assert_eq!(cost.operations as f64, number(&report["total_operations"], "total_operations"));
    assert_eq!(cost.operations_per_s, number(&performance["performance (OP/s)"], "performance"));
}
