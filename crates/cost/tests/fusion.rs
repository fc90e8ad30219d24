//! Layer fusion inside a convolution engine: a residual add (second input port) and a pooling stage cost what
//! the separate layers they replace cost, shapes are checked per port, and configs round-trip.

use autows_cost::{
    check_layer, join_depth, layer_depth, parse_config, write_config, ActivationFunction, ArithmeticWidths,
    ConvParallelism, Convolution, CostModel, Design, EltWise, EltWiseOp, FeatureMap, Fidelity, FpgaConvNetModel,
    FusedPool, Layer, LayerKind, LayerProblem, Partition, Pipeline, PipelineError, PoolOp, Pooling, PortLimits, Split,
    WeightStreaming, Window,
};
use autows_device::Device;

const MAP: FeatureMap = FeatureMap::new(56, 56, 64);
const WIDTHS: ArithmeticWidths = ArithmeticWidths { input: 5, output: 5, weight: 4, accumulator: 9 };
const PARALLEL: ConvParallelism = ConvParallelism { coarse_in: 2, coarse_out: 4, coarse_group: 1, fine: 9 };

fn layer(name: &str, input: FeatureMap, output: FeatureMap, kind: LayerKind) -> Layer {
    let mut layer = Layer { name: name.to_owned(), input, output, kind, port_limits: PortLimits::default() };
    layer.port_limits = PortLimits::for_ports(layer.ports_in(), layer.ports_out());
    layer
}

fn convolution(parallelism: ConvParallelism, stride: u32) -> Convolution {
    Convolution {
        window: Window::square(3, stride, 1),
        filters: 64,
        groups: 1,
        parallelism,
        widths: WIDTHS,
        has_bias: true,
        block_floating_point: false,
        streaming: WeightStreaming::ON_CHIP,
        fused_activation: None,
        fused_residual: false,
        fused_pool: None,
    }
}

/// A 3×3 convolution over 56×56×64, with its output shape derived from the fusions it carries.
fn conv(name: &str, conv: Convolution) -> Layer {
    let convolved = conv.convolved(MAP).expect("the window fits");
    let output = match &conv.fused_pool {
        Some(pool) => {
            let (rows, cols) = pool.window.output_size(convolved.rows, convolved.cols).expect("the pool fits");
            FeatureMap::new(rows, cols, conv.filters)
        }
        None => convolved,
    };
    layer(name, MAP, output, LayerKind::Convolution(conv))
}

fn residual(parallelism: ConvParallelism) -> Convolution {
    Convolution { fused_residual: true, ..convolution(parallelism, 1) }
}

const MAX_POOL: FusedPool = FusedPool { op: PoolOp::Max, window: Window::square(2, 2, 0) };

fn add(name: &str, coarse: u32) -> Layer {
    layer(
        name,
        MAP,
        MAP,
        LayerKind::EltWise(EltWise {
            op: EltWiseOp::Add,
            ports_in: 2,
            coarse,
            data_width: 5,
            skip_buffer_depths: Vec::new(),
        }),
    )
}

fn split(name: &str, coarse: u32) -> Layer {
    layer(name, MAP, MAP, LayerKind::Split(Split { ports_out: 2, coarse, data_width: 5 }))
}

fn relu(name: &str, coarse: u32) -> Layer {
    layer(
        name,
        MAP,
        MAP,
        LayerKind::Activation(autows_cost::Activation { function: ActivationFunction::Relu, coarse, data_width: 5 }),
    )
}

fn model() -> FpgaConvNetModel {
    FpgaConvNetModel::fpgaconvnet()
}

fn device() -> Device {
    Device::builtin("zcu102").expect("built-in device")
}

#[test]
fn a_fused_residual_costs_the_conv_plus_one_add_module_per_output_stream() {
    let model = model();
    let fused = model.layer_cost(&conv("conv", residual(PARALLEL))).expect("valid");
    let plain = model.layer_cost(&conv("conv", convolution(PARALLEL, 1))).expect("valid");
    let adder = model.layer_cost(&add("add", PARALLEL.coarse_out)).expect("valid");
    assert!(adder.interval < plain.interval, "the add must not be the bottleneck here");
    assert_eq!(fused.interval, plain.interval);
    assert_eq!(fused.latency, plain.latency);
    assert_eq!(fused.pipeline_depth, plain.pipeline_depth);
    assert_eq!(fused.operations, plain.operations);
    assert_eq!(fused.resources.lut, plain.resources.lut + 49 * 4);
    assert_eq!(fused.resources.ff, plain.resources.ff + 23 * 4);
    assert_eq!(fused.resources, plain.resources + adder.resources);
    assert_eq!((fused.resources.dsp, fused.resources.bram), (plain.resources.dsp, plain.resources.bram));

    // As a pipeline: split -> conv -> add (skip from the split) against split -> fused conv (skip on port 1).
    let separate = Pipeline::new(
        vec![split("fork", 4), conv("conv", convolution(PARALLEL, 1)), add("add", 4)],
        &[(0, 1), (1, 2), (0, 2)],
        1,
    )
    .expect("valid");
    let together =
        Pipeline::new(vec![split("fork", 4), conv("conv", residual(PARALLEL))], &[(0, 1), (0, 1)], 1).expect("valid");
    assert_eq!(together.layers().len() + 1, separate.layers().len());
    let separate = model.evaluate(&separate, &device()).expect("valid");
    let together = model.evaluate(&together, &device()).expect("valid");
    assert_eq!(together.pipeline.interval, separate.pipeline.interval);
    assert_eq!(together.pipeline.resources, separate.pipeline.resources);
    assert_eq!(together.pipeline.pipeline_depth, separate.pipeline.pipeline_depth);
}

#[test]
fn the_residual_port_runs_at_the_pace_of_the_convolved_result() {
    // The residual port takes the output streams (coarse_out·coarse_group), whatever the input streams, and is
    // read as fast as the convolution's result leaves: it never slows the engine down.
    for (coarse_in, coarse_out) in [(64, 64), (1, 64), (64, 1), (2, 4)] {
        let parallelism = ConvParallelism { coarse_in, coarse_out, coarse_group: 1, fine: 9 };
        let fused = conv("conv", residual(parallelism));
        assert_eq!(fused.ports_in(), 2);
        assert_eq!(
            (fused.streams_in(), fused.streams_in_port(0), fused.streams_in_port(1)),
            (coarse_in, coarse_in, coarse_out)
        );
        let fused = model().layer_cost(&fused).expect("valid");
        let plain = model().layer_cost(&conv("conv", convolution(parallelism, 1))).expect("valid");
        assert_eq!(fused.interval, plain.interval, "{parallelism:?}");
        assert_eq!(fused.latency, plain.latency, "{parallelism:?}");
    }
}

#[test]
fn a_fused_pool_costs_the_conv_plus_the_pooling_modules() {
    let model = model();
    for parallelism in [PARALLEL, ConvParallelism { coarse_in: 64, coarse_out: 16, coarse_group: 1, fine: 9 }] {
        let fused_layer = conv("conv", Convolution { fused_pool: Some(MAX_POOL), ..convolution(parallelism, 1) });
        assert_eq!(fused_layer.output, FeatureMap::new(28, 28, 64));
        let fused = model.layer_cost(&fused_layer).expect("valid");
        let plain = model.layer_cost(&conv("conv", convolution(parallelism, 1))).expect("valid");
        let streams = parallelism.coarse_out * parallelism.coarse_group;
        let pool_layer = layer(
            "pool",
            MAP,
            FeatureMap::new(28, 28, 64),
            LayerKind::Pooling(Pooling { window: MAX_POOL.window, op: PoolOp::Max, coarse: streams, data_width: 5 }),
        );
        let pool = model.layer_cost(&pool_layer).expect("valid");
        assert_eq!(fused.interval, plain.interval.max(pool.interval), "{parallelism:?}");
        assert_eq!(fused.resources, plain.resources + pool.resources, "{parallelism:?}");
        assert!(pool.resources.lut > 0);
        assert_eq!(fused.operations, plain.operations);
        assert_eq!(fused.pipeline_depth, plain.pipeline_depth + pool.pipeline_depth);
        assert_eq!(layer_depth(&fused_layer), fused.pipeline_depth);
    }
}

#[test]
fn all_fusions_together_follow_the_engine_order() {
    let model = model();
    let everything = Convolution {
        fused_activation: Some(ActivationFunction::Relu),
        fused_pool: Some(MAX_POOL),
        ..residual(PARALLEL)
    };
    let fused = model.layer_cost(&conv("conv", everything)).expect("valid");
    let pooled = model
        .layer_cost(&conv("conv", Convolution { fused_pool: Some(MAX_POOL), ..convolution(PARALLEL, 1) }))
        .expect("valid");
    let adder = model.layer_cost(&add("add", 4)).expect("valid");
    let activation = model.layer_cost(&relu("relu", 4)).expect("valid");
    assert_eq!(fused.resources, pooled.resources + adder.resources + activation.resources);
    assert_eq!(fused.interval, pooled.interval);
}

#[test]
fn the_layer_check_wants_the_pooled_shape() {
    let mut wrong = conv("conv", Convolution { fused_pool: Some(MAX_POOL), ..convolution(PARALLEL, 1) });
    assert_eq!(check_layer(&wrong), Ok(()));
    wrong.output = MAP;
    let error = check_layer(&wrong).expect_err("the output is the pooled map");
    assert_eq!(
        error.problem,
        LayerProblem::InconsistentShape { input: MAP, expected: FeatureMap::new(28, 28, 64), actual: MAP }
    );
    // Without a fused pool the output is the convolved map, as before.
    let mut unpooled = conv("conv", residual(PARALLEL));
    assert_eq!(check_layer(&unpooled), Ok(()));
    unpooled.output = FeatureMap::new(28, 28, 64);
    assert!(matches!(check_layer(&unpooled).map_err(|e| e.problem), Err(LayerProblem::InconsistentShape { .. })));
    // A pool window larger than the convolved map does not fit.
    let huge = FusedPool { op: PoolOp::Average, window: Window::square(64, 1, 0) };
    let mut oversized = conv("conv", convolution(PARALLEL, 1));
    if let LayerKind::Convolution(conv) = &mut oversized.kind {
        conv.fused_pool = Some(huge);
    }
    assert!(matches!(check_layer(&oversized).map_err(|e| e.problem), Err(LayerProblem::WindowDoesNotFit { .. })));
}

/// relu -> split -> conv_b -> conv_c, with the split's second copy on conv_c's residual port.
fn residual_block(block_c: Convolution) -> Result<Pipeline, PipelineError> {
    let conv_b = ConvParallelism { coarse_in: 4, coarse_out: 2, coarse_group: 1, fine: 9 };
    let layers = vec![relu("a", 4), split("fork", 4), conv("conv_b", convolution(conv_b, 1)), conv("conv_c", block_c)];
    Pipeline::new(layers, &[(0, 1), (1, 2), (2, 3), (1, 3)], 1)
}

#[test]
fn the_residual_port_takes_the_convolved_map() {
    let pipeline = residual_block(residual(PARALLEL)).expect("valid");
    assert_eq!(pipeline.producers(3), [2, 1]);
    let conv_c = &pipeline.layers()[3];
    assert_eq!((conv_c.input_of_port(0), conv_c.input_of_port(1)), (MAP, MAP));

    // With a fused pool the residual is still added before pooling: port 1 takes 56x56x64, the output is 28x28.
    let pooled = residual_block(Convolution { fused_pool: Some(MAX_POOL), ..residual(PARALLEL) }).expect("valid");
    assert_eq!(pooled.layers()[3].output, FeatureMap::new(28, 28, 64));
    assert_eq!(pooled.layers()[3].input_of_port(1), MAP);

    // A strided convolution produces 28x28x64, so the 56x56x64 skip no longer fits its residual port.
    let error = residual_block(Convolution { fused_residual: true, ..convolution(PARALLEL, 2) })
        .expect_err("the skip has the wrong shape");
    assert_eq!(error.to_string(), "`fork` produces 56x56x64 but `conv_c` expects 28x28x64");

    // Without the fused residual, conv_c has one port and two producers.
    let error = residual_block(convolution(PARALLEL, 1)).expect_err("one port");
    assert!(matches!(error, PipelineError::PortMismatch { .. }), "{error}");
}

#[test]
fn stream_mismatches_compare_the_port_the_edge_enters() {
    // conv_c takes 2 streams on port 0 (coarse_in) and 4 on port 1 (coarse_out): both match.
    let mut pipeline = residual_block(residual(PARALLEL)).expect("valid");
    assert_eq!(pipeline.stream_mismatches(), []);
    assert_eq!(
        pipeline.port_edges().collect::<Vec<_>>(),
        [(0, 1, 0), (1, 2, 0), (2, 3, 0), (1, 3, 1)],
        "edges grouped by consumer, with ports"
    );
    // Wider outputs leave port 0 matched and mismatch the residual port only.
    let wider = ConvParallelism { coarse_out: 8, ..PARALLEL };
    let replaced = pipeline.layers()[3].clone();
    let mut layer = replaced.clone();
    if let LayerKind::Convolution(conv) = &mut layer.kind {
        conv.parallelism = wider;
    }
    pipeline.replace_layer(3, layer).expect("same shapes");
    assert_eq!(pipeline.stream_mismatches(), [(1, 3)]);
    // Dropping the fusion would change the ports, which replacing a layer refuses.
    let mut unfused = replaced;
    if let LayerKind::Convolution(conv) = &mut unfused.kind {
        conv.fused_residual = false;
    }
    unfused.port_limits = PortLimits::default();
    assert!(matches!(pipeline.replace_layer(3, unfused), Err(PipelineError::ShapeChanged { .. })));
}

#[test]
fn join_depths_locate_the_add() {
    let eltwise = add("add", 4);
    assert_eq!((join_depth(&eltwise, 0), join_depth(&eltwise, 1)), (0, 0));
    let plain = conv("conv", convolution(PARALLEL, 1));
    assert_eq!(join_depth(&plain, 0), 0);
    let conv_depth = layer_depth(&plain);
    assert!(conv_depth > 0);
    let fused = conv("conv", residual(PARALLEL));
    assert_eq!((join_depth(&fused, 0), join_depth(&fused, 1)), (conv_depth, 0));
    assert_eq!(layer_depth(&fused), conv_depth);
    // The add sits before the pool: the pool's fill is after the join.
    let pooled = conv("conv", Convolution { fused_pool: Some(MAX_POOL), ..residual(PARALLEL) });
    assert_eq!(join_depth(&pooled, 0), conv_depth);
    assert!(layer_depth(&pooled) > conv_depth);
}

#[test]
fn a_path_into_the_residual_port_skips_the_convolution_before_the_add() {
    // x -> split -> [heavy conv -> conv_c port 1], [relu -> conv_c port 0]: the longest path goes through the
    // heavy convolution and then only through conv_c's stages after the add (its pool).
    let heavy = ConvParallelism::SEQUENTIAL;
    let block_c = Convolution { fused_pool: Some(MAX_POOL), ..residual(PARALLEL) };
    let layers = vec![
        relu("x", 1),
        split("fork", 1),
        relu("relu", 1),
        conv("heavy", convolution(heavy, 1)),
        conv("conv_c", block_c),
    ];
    let pipeline = Pipeline::new(layers, &[(0, 1), (1, 2), (1, 3), (2, 4), (3, 4)], 1).expect("valid");
    let heavy_depth = layer_depth(&pipeline.layers()[3]);
    let conv_c = &pipeline.layers()[4];
    let after_add = layer_depth(conv_c) - join_depth(conv_c, 0);
    assert!(heavy_depth + after_add > layer_depth(conv_c), "the residual path must be the longer one");
    for fidelity in [Fidelity::FpgaConvNet, Fidelity::Strict] {
        let evaluation = FpgaConvNetModel { fidelity }.evaluate(&pipeline, &device()).expect("valid");
        assert_eq!(evaluation.pipeline.pipeline_depth, heavy_depth + after_add, "{fidelity:?}");
    }
}

#[test]
fn fused_layers_round_trip_through_the_config() {
    let block_c = Convolution {
        fused_activation: Some(ActivationFunction::Relu),
        fused_pool: Some(FusedPool { op: PoolOp::Average, window: Window::square(3, 2, 1) }),
        ..residual(PARALLEL)
    };
    let pipeline = residual_block(block_c).expect("valid");
    assert_eq!(pipeline.layers()[3].kind.type_name(), "Convolution");
    let design = Design { partitions: vec![Partition { pipeline, weights_reloading_layer: None }] };
    let text = write_config(&design).expect("serialisable");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let entry = &json["partition"][0]["layers"][3];
    assert_eq!(entry["name"], "conv_c");
    assert_eq!(entry["parameters"]["fused_residual"], true);
    assert_eq!(entry["parameters"]["fused_pool"]["pool_type"], "avg");
    assert_eq!(entry["parameters"]["fused_pool"]["kernel_rows"], 3);
    assert_eq!(entry["parameters"]["fused_pool"]["pad_left"], 1);
    let streams: Vec<(&str, u64)> = entry["streams_in"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|stream| (stream["node"].as_str().unwrap_or_default(), stream["coarse"].as_u64().unwrap_or_default()))
        .collect();
    assert_eq!(streams, [("conv_b", 2), ("fork", 4)]);
    // Fields we do not use are left out for plain convolutions.
    let plain = &json["partition"][0]["layers"][2]["parameters"];
    assert!(plain.get("fused_residual").is_none() && plain.get("fused_pool").is_none(), "{plain}");

    let again = parse_config(&text, "written").unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(again.partitions[0].pipeline, design.partitions[0].pipeline);
    let before = model().evaluate(&design.partitions[0].pipeline, &device()).expect("valid");
    let after = model().evaluate(&again.partitions[0].pipeline, &device()).expect("valid");
    assert_eq!(before, after);
    assert_eq!(text, write_config(&again).expect("serialisable"));

    let unknown = text.replace("\"pool_type\": \"avg\"", "\"pool_type\": \"min\"");
    let error = parse_config(&unknown, "edited").expect_err("no min pooling");
    assert_eq!(error.to_string(), "edited: layer `conv_c`: unsupported fused pooling operation `min`");
}
