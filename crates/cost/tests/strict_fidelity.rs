//! The strict fidelity corrects fpgaConvNet's quirks; each test pins one correction on the AutoWS example.

mod reference;

use autows_cost::{CostModel, Fidelity, FpgaConvNetModel, IncrementalEvaluator, PipelineEvaluation, Resource};
use autows_device::Device;
use reference::reference_design;

fn evaluate(model: FpgaConvNetModel) -> (autows_cost::Pipeline, PipelineEvaluation) {
    let pipeline = reference_design().partitions.remove(0).pipeline;
    let device = Device::builtin("zcu102").expect("built-in device");
    let evaluation = model.evaluate(&pipeline, &device).expect("valid");
    (pipeline, evaluation)
}

fn layer<'a>(
    pipeline: &autows_cost::Pipeline,
    evaluation: &'a PipelineEvaluation,
    name: &str,
) -> &'a autows_cost::LayerCost {
    &evaluation.layers[pipeline.index_of(name).expect("layer exists")]
}

#[test]
fn latencies_are_rounded_up_not_truncated() {
    let (pipeline, loose) = evaluate(FpgaConvNetModel::fpgaconvnet());
    let (_, strict) = evaluate(FpgaConvNetModel::strict());
    assert_eq!(layer(&pipeline, &loose, "Conv_35").latency, 1_048_575);
    assert_eq!(layer(&pipeline, &strict, "Conv_35").latency, 1_048_576);
    assert_eq!(layer(&pipeline, &strict, "Conv_0").latency, 846_400);
    assert_eq!(strict.pipeline.interval, 1_048_576.0);
}

#[test]
fn splits_are_costed_with_their_real_width() {
    let (pipeline, loose) = evaluate(FpgaConvNetModel::fpgaconvnet());
    let (_, strict) = evaluate(FpgaConvNetModel::strict());
    let (loose_split, strict_split) =
        (layer(&pipeline, &loose, "MaxPool_2_split"), layer(&pipeline, &strict, "MaxPool_2_split"));
    assert_eq!(loose_split.resources.lut, 13);
    assert!(strict_split.resources.lut < loose_split.resources.lut, "{:?}", strict_split.resources);
}

#[test]
fn skip_connection_buffers_are_costed() {
    let (pipeline, loose) = evaluate(FpgaConvNetModel::fpgaconvnet());
    let (_, strict) = evaluate(FpgaConvNetModel::strict());
    assert_eq!(layer(&pipeline, &loose, "Add_6").resources.bram.0, 0);
    // 8,043 five-bit words: 9-bit wide BRAM18 of depth 2,048, four deep.
    assert_eq!(layer(&pipeline, &strict, "Add_6").resources.bram.0, 4);
}

#[test]
fn the_slowdown_fits_all_traffic_exactly_without_a_guard() {
    let (_, loose) = evaluate(FpgaConvNetModel::fpgaconvnet());
    let (_, strict) = evaluate(FpgaConvNetModel::strict());
    let device = Device::builtin("zcu102").expect("built-in device");
    let bandwidth = &strict.pipeline.bandwidth;
    assert!(bandwidth.total_gbps() <= device.memory_bandwidth_gbps);
    assert!((bandwidth.total_gbps() - device.memory_bandwidth_gbps).abs() < 1e-9);
    assert!(strict.pipeline.slowdown > 1.0 && strict.pipeline.slowdown < loose.pipeline.slowdown);
    assert!(strict.pipeline.feasibility.usage_of(Resource::Bandwidth).fits());
}

#[test]
fn lutram_substitution_costs_luts() {
    let (_, strict) = evaluate(FpgaConvNetModel::strict());
    let feasibility = &strict.pipeline.feasibility;
    let substituted = u64::from(feasibility.lutram_substituted.0);
    assert!(substituted > 0);
    assert_eq!(feasibility.effective_lut, strict.pipeline.resources.lut + 288 * substituted);
}

#[test]
fn the_strict_slowdown_follows_the_design_not_the_history() {
    let pipeline = reference_design().partitions.remove(0).pipeline;
    let device = Device::builtin("zcu102").expect("built-in device");
    let gemm = pipeline.index_of("Gemm_48").expect("layer");
    let mut evaluator = IncrementalEvaluator::new(FpgaConvNetModel::strict(), pipeline, device).expect("valid");
    let first = evaluator.evaluate();
    evaluator
        .update_layer(gemm, |layer| {
            if let Some(streaming) = layer.kind.streaming_mut() {
                streaming.stream_weights = 0;
            }
        })
        .expect("valid edit");
    assert!(evaluator.evaluate().slowdown < first.slowdown);
}

#[test]
fn fidelity_names_parse() {
    assert_eq!("strict".parse::<Fidelity>(), Ok(Fidelity::Strict));
    assert_eq!("fpgaConvNet".parse::<Fidelity>(), Ok(Fidelity::FpgaConvNet));
    let error = "loose".parse::<Fidelity>().expect_err("unknown");
    assert!(error.to_string().contains("loose"));
}
