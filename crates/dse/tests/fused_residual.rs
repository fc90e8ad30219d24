//! Searching a pipeline whose convolution adds a residual on its second input port: the residual port takes the
//! engine's output streams, and the squeezes the design needs follow from that.

use autows_cost::{
    ArithmeticWidths, ConvParallelism, Convolution, FeatureMap, Layer, LayerKind, Pipeline, PortLimits, Split,
    WeightStreaming, Window,
};
use autows_dse::parallelism::Parallelism;
use autows_dse::squeeze::materialise_squeezes;
use autows_dse::{search, CostModel, Device, DseOptions, FpgaConvNetModel};

const MAP: FeatureMap = FeatureMap::new(14, 14, 32);

fn layer(name: &str, kind: LayerKind) -> Layer {
    let mut layer = Layer { name: name.to_owned(), input: MAP, output: MAP, kind, port_limits: PortLimits::default() };
    layer.port_limits = PortLimits::for_ports(layer.ports_in(), layer.ports_out());
    layer
}

fn conv(name: &str, fused_residual: bool) -> Layer {
    layer(
        name,
        LayerKind::Convolution(Convolution {
            window: Window::square(3, 1, 1),
            filters: 32,
            groups: 1,
            parallelism: ConvParallelism::SEQUENTIAL,
            widths: ArithmeticWidths { input: 8, output: 8, weight: 8, accumulator: 24 },
            has_bias: true,
            block_floating_point: false,
            streaming: WeightStreaming::ON_CHIP,
            fused_activation: None,
            fused_residual,
            fused_pool: None,
        }),
    )
}

fn split(name: &str) -> Layer {
    layer(name, LayerKind::Split(Split { ports_out: 2, coarse: 1, data_width: 8 }))
}

/// conv_a -> split -> conv_b -> conv_c, the split's second copy on conv_c's residual port.
fn residual_block() -> Pipeline {
    let layers = vec![conv("conv_a", false), split("fork"), conv("conv_b", false), conv("conv_c", true)];
    Pipeline::new(layers, &[(0, 1), (1, 2), (2, 3), (1, 3)], 1).expect("valid")
}

/// conv_a -> split -> conv_c with the split on both of conv_c's ports: conv(x) + x.
fn self_residual() -> Pipeline {
    let layers = vec![conv("conv_a", false), split("fork"), conv("conv_c", true)];
    Pipeline::new(layers, &[(0, 1), (1, 2), (1, 2)], 1).expect("valid")
}

fn set(pipeline: &mut Pipeline, name: &str, parallelism: Parallelism) {
    let index = pipeline.index_of(name).expect("a layer of the pipeline");
    let mut layer = pipeline.layers()[index].clone();
    parallelism.apply(&mut layer);
    pipeline.replace_layer(index, layer).expect("same shapes");
}

fn conv_parallelism(coarse_in: u32, coarse_out: u32) -> Parallelism {
    Parallelism::Convolution { coarse_in, coarse_out, coarse_group: 1, fine: 9 }
}

/// The squeeze feeding `consumer` on input port `port` of `pipeline`, as (coarse_in, coarse_out).
fn squeeze_into(pipeline: &Pipeline, consumer: &str, port: usize) -> Option<(u32, u32)> {
    let consumer = pipeline.index_of(consumer).expect("a layer of the pipeline");
    let producer = pipeline.producers(consumer)[port];
    match &pipeline.layers()[producer].kind {
        LayerKind::Squeeze(squeeze) => Some((squeeze.coarse_in, squeeze.coarse_out)),
        _ => None,
    }
}

#[test]
fn squeezes_into_the_residual_port_convert_to_the_output_streams() {
    let mut pipeline = residual_block();
    set(&mut pipeline, "fork", Parallelism::Coarse(2));
    set(&mut pipeline, "conv_b", conv_parallelism(2, 8));
    set(&mut pipeline, "conv_c", conv_parallelism(8, 4));
    // Port 0 of conv_c takes 8 streams (conv_b gives 8); port 1 takes conv_c's 4 output streams (the split
    // gives 2). conv_a gives 1 to the split's 2.
    assert_eq!(pipeline.stream_mismatches(), [(0, 1), (1, 3)]);
    let built = materialise_squeezes(&pipeline).expect("valid");
    assert!(built.stream_mismatches().is_empty());
    assert_eq!(squeeze_into(&built, "conv_c", 0), None);
    assert_eq!(squeeze_into(&built, "conv_c", 1), Some((2, 4)));
    assert_eq!(squeeze_into(&built, "fork", 0), Some((1, 2)));

    // conv(x) + x: the same split feeds both ports, which take different stream counts.
    let mut pipeline = self_residual();
    set(&mut pipeline, "fork", Parallelism::Coarse(2));
    set(&mut pipeline, "conv_a", conv_parallelism(1, 2));
    set(&mut pipeline, "conv_c", conv_parallelism(4, 8));
    let built = materialise_squeezes(&pipeline).expect("valid");
    assert!(built.stream_mismatches().is_empty());
    assert_eq!(squeeze_into(&built, "conv_c", 0), Some((2, 4)));
    assert_eq!(squeeze_into(&built, "conv_c", 1), Some((2, 8)));
    assert_eq!(built.layers().len(), 5);
}

#[test]
fn the_search_handles_a_fused_residual() {
    let device = Device::builtin("zcu102").expect("built-in device");
    let model = FpgaConvNetModel::fpgaconvnet();
    for pipeline in [residual_block(), self_residual()] {
        let result = search(&pipeline, &device, &model, &DseOptions::default()).expect("fits");
        assert!(result.evaluation.pipeline.feasibility.is_feasible(), "{}", result.explanation);
        assert!(result.pipeline.stream_mismatches().is_empty());
        let fresh = model.evaluate(&result.pipeline, &device).expect("valid");
        assert_eq!(fresh, result.evaluation);
        let conv_c = result.pipeline.index_of("conv_c").expect("kept");
        let LayerKind::Convolution(fused) = &result.pipeline.layers()[conv_c].kind else { panic!("a convolution") };
        assert!(fused.fused_residual);
        assert_eq!(result.pipeline.producers(conv_c).len(), 2);
        // The search parallelises: something beyond the sequential design's interval.
        let sequential = model.evaluate(&materialise_squeezes(&pipeline).expect("valid"), &device).expect("valid");
        assert!(result.evaluation.pipeline.interval < sequential.pipeline.interval / 4.0);
    }
}
