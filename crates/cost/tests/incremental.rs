//! The incremental evaluator gives the same answers as a full evaluation after every change.

mod reference;

use autows_cost::{CostModel, FpgaConvNetModel, IncrementalEvaluator, LayerKind, PipelineError};
use autows_device::Device;
use reference::reference_design;

/// A change to one layer's parameters.
type Edit = fn(&mut LayerKind);

fn evaluator() -> IncrementalEvaluator<FpgaConvNetModel> {
    let pipeline = reference_design().partitions.remove(0).pipeline;
    let device = Device::builtin("zcu102").expect("built-in device");
    IncrementalEvaluator::new(FpgaConvNetModel::fpgaconvnet(), pipeline, device).expect("valid")
}

#[test]
fn matches_a_full_evaluation_after_a_sequence_of_changes() {
    let mut incremental = evaluator();
    let model = FpgaConvNetModel::fpgaconvnet();
    let conv37 = incremental.pipeline().index_of("Conv_37").expect("layer");
    let conv3 = incremental.pipeline().index_of("Conv_3").expect("layer");
    let gemm = incremental.pipeline().index_of("Gemm_48").expect("layer");
    let edits: [(usize, Edit); 4] = [
        (conv37, |kind| {
            if let LayerKind::Convolution(conv) = kind {
                conv.streaming.stream_weights = 192;
            }
        }),
        (conv3, |kind| {
            if let LayerKind::Convolution(conv) = kind {
                conv.parallelism.coarse_in = 2;
                conv.parallelism.fine = 3;
            }
        }),
        (gemm, |kind| {
            if let LayerKind::InnerProduct(fc) = kind {
                fc.streaming.stream_weights = 0;
                fc.parallelism.coarse_out = 8;
            }
        }),
        (conv3, |kind| {
            if let LayerKind::Convolution(conv) = kind {
                conv.parallelism.coarse_in = 1;
                conv.parallelism.fine = 9;
            }
        }),
    ];
    for (index, edit) in edits {
        incremental.update_layer(index, |layer| edit(&mut layer.kind)).expect("valid edit");
        let full = model.evaluate(incremental.pipeline(), incremental.device()).expect("valid");
        assert_eq!(incremental.layer_costs(), full.layers.as_slice());
        // Starting from no slow-down, as the full evaluation does.
        incremental.set_slowdown(1.0);
        assert_eq!(incremental.evaluate(), full.pipeline);
    }
}

#[test]
fn the_slowdown_is_carried_between_evaluations() {
    let mut incremental = evaluator();
    let first = incremental.evaluate();
    assert_eq!(first.slowdown, 1.0584791031601426);
    // Stop streaming Gemm_48: less weight traffic, but fpgaConvNet keeps the factor while the check passes.
    let gemm = incremental.pipeline().index_of("Gemm_48").expect("layer");
    incremental
        .update_layer(gemm, |layer| {
            if let Some(streaming) = layer.kind.streaming_mut() {
                streaming.stream_weights = 0;
            }
        })
        .expect("valid edit");
    let second = incremental.evaluate();
    assert_eq!(second.slowdown, first.slowdown);
    assert!(second.bandwidth.weight_gbps < first.bandwidth.weight_gbps);
}

#[test]
fn an_invalid_change_leaves_everything_as_it_was() {
    let mut incremental = evaluator();
    let before = incremental.evaluate();
    let conv3 = incremental.pipeline().index_of("Conv_3").expect("layer");
    let error = incremental
        .update_layer(conv3, |layer| {
            if let LayerKind::Convolution(conv) = &mut layer.kind {
                conv.parallelism.coarse_out = 7;
            }
        })
        .expect_err("7 does not divide 64 filters");
    assert!(matches!(error, PipelineError::Layer(_)));
    assert!(error.to_string().contains("Conv_3"), "{error}");
    let renamed = incremental.update_layer(conv3, |layer| layer.name = "Conv_3b".to_owned());
    assert!(matches!(renamed, Err(PipelineError::ShapeChanged { .. })));
    incremental.set_slowdown(1.0);
    assert_eq!(incremental.evaluate(), before);
}
