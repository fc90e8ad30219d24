//! Importing small models written by the test encoder: ops, names, shapes and errors.

mod common;

use autows_network::{checksum, Network, NetworkError, Node, Op, PadMode, TensorData, Window2d};
use autows_onnx::{import_bytes, OnnxError};
use common::{f32_ramp, f32_scalar, f32_tensor, i64_vector, Attr, Data, Dim, ModelBuilder, TensorSpec};

const SOURCE: &str = "models/test.onnx";

fn import(model: &ModelBuilder) -> Result<Network, OnnxError> {
    import_bytes(&model.encode(), SOURCE)
}

fn names(network: &Network) -> Vec<&str> {
    network.nodes.iter().map(|node| node.name.as_str()).collect()
}

fn node<'n>(network: &'n Network, name: &str) -> &'n Node {
    let found = network.nodes.iter().find(|node| node.name == name);
    found.unwrap_or_else(|| panic!("no node '{name}' among {:?}", names(network)))
}

fn shape(network: &Network, name: &str) -> Vec<i64> {
    network.ty(node(network, name).output).shape.clone()
}

/// A ResNet-style stem and head: conv, batch norm, relu, max pool, global pool, flatten, gemm.
fn classifier() -> ModelBuilder {
    let mut model = ModelBuilder::new(13);
    model
        .input_dims("image", common::FLOAT, &[Dim::Param("batch"), Dim::Value(3), Dim::Value(32), Dim::Value(32)])
        .initializer(f32_ramp("conv1.weight", &[16, 3, 3, 3]))
        .initializer(f32_ramp("conv1.bias", &[16]))
        .initializer(f32_ramp("bn1.scale", &[16]))
        .initializer(f32_ramp("bn1.shift", &[16]))
        .initializer(f32_ramp("bn1.mean", &[16]))
        .initializer(f32_ramp("bn1.var", &[16]))
        .initializer(f32_ramp("fc.weight", &[10, 16]))
        .initializer(f32_ramp("fc.bias", &[10]))
        .node_with(
            "Conv",
            "conv1",
            &["image", "conv1.weight", "conv1.bias"],
            &["c1"],
            &[
                ("strides", Attr::ints(&[2, 2])),
                ("pads", Attr::ints(&[1, 1, 1, 1])),
                ("kernel_shape", Attr::ints(&[3, 3])),
            ],
        )
        .node_with(
            "BatchNormalization",
            "bn1",
            &["c1", "bn1.scale", "bn1.shift", "bn1.mean", "bn1.var"],
            &["b1"],
            &[("epsilon", Attr::Float(1e-3))],
        )
        .node("Relu", "relu1", &["b1"], &["r1"])
        .node_with(
            "MaxPool",
            "pool1",
            &["r1"],
            &["p1"],
            &[
                ("kernel_shape", Attr::ints(&[3, 3])),
                ("strides", Attr::ints(&[2, 2])),
                ("pads", Attr::ints(&[1, 1, 1, 1])),
            ],
        )
        .node("GlobalAveragePool", "gap", &["p1"], &["g"])
        .node("Flatten", "flatten", &["g"], &["f"])
        .node_with("Gemm", "fc", &["f", "fc.weight", "fc.bias"], &["logits"], &[("transB", Attr::Int(1))])
        .output_dims("logits", &[Dim::Param("batch"), Dim::Value(10)]);
    model
}

#[test]
fn conv_bn_relu_pool_gemm() {
    let network = import(&classifier()).unwrap();
    assert_eq!(network.name, "test");
    assert_eq!(
        names(&network),
        [
            "conv1.weight",
            "conv1.bias",
            "conv1",
            "bn1.scale",
            "bn1.shift",
            "bn1.mean",
            "bn1.var",
            "bn1",
            "relu1",
            "pool1",
            "gap",
            "flatten",
            "fc.weight",
            "fc.bias",
            "fc"
        ]
    );
    // The dynamic batch becomes 1.
    assert_eq!(network.ty(network.inputs[0]).shape, [1, 3, 32, 32]);
    assert_eq!(network.value(network.inputs[0]).name, "image");
    assert_eq!(shape(&network, "conv1"), [1, 16, 16, 16]);
    assert_eq!(shape(&network, "bn1"), [1, 16, 16, 16]);
    assert_eq!(shape(&network, "pool1"), [1, 16, 8, 8]);
    assert_eq!(shape(&network, "gap"), [1, 16, 1, 1]);
    assert_eq!(shape(&network, "flatten"), [1, 16]);
    assert_eq!(shape(&network, "fc"), [1, 10]);
    assert_eq!(
        node(&network, "conv1").op,
        Op::Conv2d { strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 }
    );
    assert_eq!(node(&network, "bn1").op, Op::BatchNorm { epsilon: 1e-3 });
    assert_eq!(node(&network, "relu1").op, Op::Relu);
    let pool = Window2d { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1] };
    assert_eq!(node(&network, "pool1").op, Op::MaxPool { window: pool, ceil_mode: false });
    assert_eq!(node(&network, "flatten").op, Op::Flatten { axis: 1 });
    assert_eq!(node(&network, "fc").op, Op::Gemm { trans_a: false, trans_b: true, alpha: 1.0, beta: 1.0 });
    // Values carry their ONNX names; the output is the gemm's.
    assert_eq!(network.value(node(&network, "relu1").output).name, "r1");
    assert_eq!(network.outputs, [node(&network, "fc").output]);
    // Weights refer back to the file, with the checksum of their bytes.
    let weight = node(&network, "conv1.weight");
    let values: Vec<u8> = (0..16 * 27).flat_map(|index| (index as f32 + 0.5).to_le_bytes()).collect();
    assert_eq!(
        weight.op,
        Op::Weight { source: SOURCE.into(), key: "conv1.weight".into(), checksum: checksum(&values) }
    );
    assert_eq!(network.ty(weight.output).shape, [16, 3, 3, 3]);
    assert_eq!(node(&network, "conv1").inputs[1], weight.output);
}

#[test]
fn concat_of_three_inputs_is_a_left_leaning_chain() {
    let mut model = ModelBuilder::new(13);
    model
        .input("a", &[1, 2, 4, 4])
        .input("b", &[1, 3, 4, 4])
        .input("c", &[1, 5, 4, 4])
        .node_with("Concat", "cat", &["a", "b", "c"], &["y"], &[("axis", Attr::Int(1))])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(names(&network), ["cat/concat1", "cat"]);
    let first = node(&network, "cat/concat1");
    assert_eq!(first.op, Op::Concat { axis: 1 });
    assert_eq!(first.inputs, [network.inputs[0], network.inputs[1]]);
    assert_eq!(shape(&network, "cat/concat1"), [1, 5, 4, 4]);
    let last = node(&network, "cat");
    assert_eq!(last.inputs, [first.output, network.inputs[2]]);
    assert_eq!(shape(&network, "cat"), [1, 10, 4, 4]);
    assert_eq!(network.value(last.output).name, "y");
}

#[test]
fn sum_of_three_inputs_is_a_chain_of_adds() {
    let mut model = ModelBuilder::new(9);
    model
        .input("a", &[1, 4])
        .input("b", &[1, 4])
        .input("c", &[1, 4])
        .node("Sum", "total", &["a", "b", "c"], &["y"])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(names(&network), ["total/add1", "total"]);
    assert!(network.nodes.iter().all(|node| node.op == Op::Add));
}

fn pad_model(opset: i64) -> ModelBuilder {
    let mut model = ModelBuilder::new(opset);
    model.input("x", &[1, 3, 4, 4]);
    model
}

#[test]
fn every_pad_form() {
    // Opset 11 and later: pads and the fill value are inputs, consumed at import time.
    let mut model = pad_model(11);
    model
        .initializer(i64_vector("pads", &[0, 0, 1, 2, 0, 0, 3, 4]))
        .initializer(f32_scalar("fill", 0.25))
        .node_with("Pad", "pad", &["x", "pads", "fill"], &["y"], &[("mode", Attr::str("constant"))])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(names(&network), ["pad"]);
    let expected = Op::Pad { pads: vec![0, 0, 1, 2, 0, 0, 3, 4], mode: PadMode::Constant, value: 0.25 };
    assert_eq!(node(&network, "pad").op, expected);
    assert_eq!(shape(&network, "pad"), [1, 3, 8, 10]);

    // Reflect and edge, without a fill value.
    for (mode, expected) in [("reflect", PadMode::Reflect), ("edge", PadMode::Edge)] {
        let mut model = pad_model(13);
        model
            .initializer(i64_vector("pads", &[0, 0, 1, 1, 0, 0, 1, 1]))
            .node_with("Pad", "pad", &["x", "pads"], &["y"], &[("mode", Attr::str(mode))])
            .output("y");
        let network = import(&model).unwrap();
        assert_eq!(
            node(&network, "pad").op,
            Op::Pad { pads: vec![0, 0, 1, 1, 0, 0, 1, 1], mode: expected, value: 0.0 }
        );
    }

    // Opset 18: only the listed axes are padded; an omitted fill value is skipped by name.
    let mut model = pad_model(18);
    model
        .initializer(i64_vector("pads", &[1, 2, 3, 4]))
        .initializer(i64_vector("axes", &[-1, 2]))
        .node("Pad", "pad", &["x", "pads", "", "axes"], &["y"])
        .output("y");
    let network = import(&model).unwrap();
    let Op::Pad { pads, .. } = &node(&network, "pad").op else { panic!("not a pad") };
    assert_eq!(pads, &[0, 0, 2, 1, 0, 0, 4, 3]);

    // Before opset 11: attributes.
    let mut model = pad_model(10);
    model
        .node_with(
            "Pad",
            "pad",
            &["x"],
            &["y"],
            &[
                ("pads", Attr::ints(&[0, 0, 1, 1, 0, 0, 1, 1])),
                ("value", Attr::Float(-1.0)),
                ("mode", Attr::str("edge")),
            ],
        )
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(
        node(&network, "pad").op,
        Op::Pad { pads: vec![0, 0, 1, 1, 0, 0, 1, 1], mode: PadMode::Edge, value: -1.0 }
    );

    // Refused forms.
    let mut computed = pad_model(13);
    computed
        .input_dims("runtime_pads", common::INT64, &[Dim::Value(8)])
        .node("Pad", "pad", &["x", "runtime_pads"], &["y"])
        .output("y");
    let error = import(&computed).unwrap_err();
    assert!(matches!(&error, OnnxError::UnsupportedForm { node, .. } if node == "pad"), "{error}");
    assert!(error.to_string().contains("must be a constant or an initializer"), "{error}");

    let mut wrap = pad_model(19);
    wrap.initializer(i64_vector("pads", &[0; 8]))
        .node_with("Pad", "pad", &["x", "pads"], &["y"], &[("mode", Attr::str("wrap"))])
        .output("y");
    assert!(matches!(import(&wrap).unwrap_err(), OnnxError::UnsupportedForm { .. }));

    let mut negative = pad_model(13);
    negative
        .initializer(i64_vector("pads", &[0, 0, -1, 0, 0, 0, 0, 0]))
        .node("Pad", "pad", &["x", "pads"], &["y"])
        .output("y");
    let error = import(&negative).unwrap_err();
    assert!(error.to_string().contains("negative pads"), "{error}");

    let mut wrong_count = pad_model(13);
    wrong_count.initializer(i64_vector("pads", &[1, 1])).node("Pad", "pad", &["x", "pads"], &["y"]).output("y");
    assert!(matches!(import(&wrong_count).unwrap_err(), OnnxError::InvalidNode { .. }));
}

fn clip_op(model: &ModelBuilder) -> Op {
    let network = import(model).unwrap();
    node(&network, "relu6").op.clone()
}

#[test]
fn every_clip_form() {
    // Before opset 11: attributes.
    for opset in [6, 10] {
        let mut model = ModelBuilder::new(opset);
        model
            .input("x", &[1, 8])
            .node_with("Clip", "relu6", &["x"], &["y"], &[("min", Attr::Float(0.0)), ("max", Attr::Float(6.0))])
            .output("y");
        assert_eq!(clip_op(&model), Op::Clip { min: 0.0, max: 6.0 });
    }
    // Opset 11 on: inputs, from initializers or Constant nodes.
    let mut model = ModelBuilder::new(11);
    model
        .input("x", &[1, 8])
        .initializer(f32_scalar("zero", 0.0))
        .initializer(f32_scalar("six", 6.0))
        .node("Clip", "relu6", &["x", "zero", "six"], &["y"])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(names(&network), ["relu6"], "the bounds are consumed at import time");
    assert_eq!(node(&network, "relu6").op, Op::Clip { min: 0.0, max: 6.0 });

    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 8])
        .node_with("Constant", "low", &[], &["lo"], &[("value", Attr::Tensor(f32_scalar("", 0.0)))])
        .node_with("Constant", "high", &[], &["hi"], &[("value_float", Attr::Float(6.0))])
        .node("Clip", "relu6", &["x", "lo", "hi"], &["y"])
        .output("y");
    assert_eq!(clip_op(&model), Op::Clip { min: 0.0, max: 6.0 });

    // Omitted bounds are the float range's ends.
    let mut model = ModelBuilder::new(12);
    model
        .input("x", &[1, 8])
        .initializer(f32_scalar("six", 6.0))
        .node("Clip", "relu6", &["x", "", "six"], &["y"])
        .output("y");
    assert_eq!(clip_op(&model), Op::Clip { min: f32::MIN, max: 6.0 });
    let mut model = ModelBuilder::new(12);
    model.input("x", &[1, 8]).node("Clip", "relu6", &["x"], &["y"]).output("y");
    assert_eq!(clip_op(&model), Op::Clip { min: f32::MIN, max: f32::MAX });

    // A bound computed at run time cannot be a network parameter.
    let mut model = ModelBuilder::new(13);
    model.input("x", &[1, 8]).input("low", &[]).node("Clip", "relu6", &["x", "low"], &["y"]).output("y");
    assert!(matches!(import(&model).unwrap_err(), OnnxError::UnsupportedForm { .. }));
    // A bound that is not a scalar.
    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 8])
        .initializer(f32_tensor("two", &[2], &[0.0, 1.0]))
        .node("Clip", "relu6", &["x", "two"], &["y"])
        .output("y");
    assert!(import(&model).unwrap_err().to_string().contains("must hold one value"));
}

#[test]
fn mobilenet_v2_block() {
    let mut model = ModelBuilder::new(11);
    model.input("x", &[1, 8, 16, 16]);
    let bn = |model: &mut ModelBuilder, name: &str, channels: i64, input: &str, output: &str| {
        let parts: Vec<String> =
            ["scale", "shift", "mean", "var"].iter().map(|part| format!("{name}.{part}")).collect();
        for part in &parts {
            model.initializer(f32_ramp(part, &[channels]));
        }
        let inputs = [input, &parts[0], &parts[1], &parts[2], &parts[3]];
        model.node("BatchNormalization", name, &inputs, &[output]);
    };
    model
        .initializer(f32_scalar("zero", 0.0))
        .initializer(f32_scalar("six", 6.0))
        .initializer(f32_ramp("expand.w", &[48, 8, 1, 1]))
        .initializer(f32_ramp("dw.w", &[48, 1, 3, 3]))
        .initializer(f32_ramp("project.w", &[8, 48, 1, 1]))
        .node("Conv", "expand", &["x", "expand.w"], &["e"]);
    bn(&mut model, "expand_bn", 48, "e", "eb");
    model.node("Clip", "expand_relu6", &["eb", "zero", "six"], &["er"]).node_with(
        "Conv",
        "dw",
        &["er", "dw.w"],
        &["d"],
        &[("group", Attr::Int(48)), ("pads", Attr::ints(&[1, 1, 1, 1]))],
    );
    bn(&mut model, "dw_bn", 48, "d", "db");
    model.node("Clip", "dw_relu6", &["db", "zero", "six"], &["dr"]).node(
        "Conv",
        "project",
        &["dr", "project.w"],
        &["p"],
    );
    bn(&mut model, "project_bn", 8, "p", "pb");
    model.node("Add", "residual", &["x", "pb"], &["y"]).output("y");
    let network = import(&model).unwrap();
    assert_eq!(
        node(&network, "dw").op,
        Op::Conv2d { strides: [1, 1], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 48 }
    );
    assert_eq!(node(&network, "dw_relu6").op, Op::Clip { min: 0.0, max: 6.0 });
    assert_eq!(shape(&network, "dw"), [1, 48, 16, 16]);
    assert_eq!(shape(&network, "residual"), [1, 8, 16, 16]);
    assert!(!names(&network).contains(&"zero"), "clip bounds are not weights");
}

#[test]
fn reshape_copies_zeros_and_infers_minus_one() {
    let reshape = |target: &[i64], opset: i64, attributes: &[(&str, Attr)]| {
        let mut model = ModelBuilder::new(opset);
        model
            .input("x", &[2, 16, 4, 4])
            .initializer(i64_vector("shape", target))
            .node_with("Reshape", "reshape", &["x", "shape"], &["y"], attributes)
            .output("y");
        import(&model)
    };
    let network = reshape(&[0, -1], 13, &[]).unwrap();
    assert_eq!(names(&network), ["reshape"], "the shape is consumed at import time");
    assert_eq!(node(&network, "reshape").op, Op::Reshape);
    assert_eq!(shape(&network, "reshape"), [2, 256]);
    assert_eq!(shape(&reshape(&[-1, 8, 0, 4], 13, &[]).unwrap(), "reshape"), [4, 8, 4, 4]);
    // allowzero keeps a zero as a zero, which here breaks the element count.
    let error = reshape(&[0, -1], 14, &[("allowzero", Attr::Int(1))]).unwrap_err();
    assert!(error.to_string().contains("reshape"), "{error}");
    for bad in [&[-1, -1][..], &[3, -1], &[0, 0, 0, 0, 0], &[-2, 4]] {
        let error = reshape(bad, 13, &[]).unwrap_err();
        assert!(matches!(&error, OnnxError::InvalidNode { node, .. } if node == "reshape"), "{bad:?}: {error}");
    }
    let error = reshape(&[5, 5], 13, &[]).unwrap_err();
    assert!(matches!(&error, OnnxError::Network(NetworkError::Shape { node, .. }) if node == "reshape"), "{error}");
}

#[test]
fn reshape_through_shape_constants() {
    // The shape comes from a Constant node, passed through Identity and Unsqueeze: all consumed.
    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 4, 2, 2])
        .initializer(i64_vector("unsqueeze_axes", &[0]))
        .node_with("Constant", "shape_const", &[], &["s"], &[("value_ints", Attr::ints(&[-1]))])
        .node("Identity", "shape_id", &["s"], &["s2"])
        .node("Unsqueeze", "shape_2d", &["s2", "unsqueeze_axes"], &["s3"])
        .node("Squeeze", "shape_1d", &["s3"], &["s4"])
        .node("Reshape", "flat", &["x", "s4"], &["y"])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(names(&network), ["flat"]);
    assert_eq!(shape(&network, "flat"), [16]);
}

#[test]
fn squeeze_and_unsqueeze() {
    // Of a weight used as data: the weight, then a reshape named after the Unsqueeze node.
    let mut model = ModelBuilder::new(11);
    model
        .input("x", &[1, 4, 2, 2])
        .initializer(f32_ramp("scale", &[4]))
        .node_with("Unsqueeze", "scale_4d", &["scale"], &["s"], &[("axes", Attr::ints(&[1, 2]))])
        .node("Mul", "scaled", &["x", "s"], &["m"])
        .node_with("Squeeze", "squeezed", &["m"], &["q"], &[("axes", Attr::ints(&[0]))])
        .node("Unsqueeze", "unsqueezed", &["q"], &["y"])
        .output("y");
    let error = import(&model).unwrap_err();
    assert!(error.to_string().contains("the axes are required"), "{error}");
    let mut model = ModelBuilder::new(11);
    model
        .input("x", &[1, 4, 2, 2])
        .initializer(f32_ramp("scale", &[4]))
        .node_with("Unsqueeze", "scale_4d", &["scale"], &["s"], &[("axes", Attr::ints(&[1, 2]))])
        .node("Mul", "scaled", &["x", "s"], &["m"])
        .node_with("Squeeze", "squeezed", &["m"], &["q"], &[("axes", Attr::ints(&[0]))])
        .node_with("Unsqueeze", "unsqueezed", &["q"], &["y"], &[("axes", Attr::ints(&[-1]))])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(names(&network), ["scale", "scale_4d", "scaled", "squeezed", "unsqueezed"]);
    assert_eq!(shape(&network, "scale_4d"), [4, 1, 1]);
    assert_eq!(node(&network, "scale_4d").op, Op::Reshape);
    assert_eq!(shape(&network, "squeezed"), [4, 2, 2]);
    assert_eq!(shape(&network, "unsqueezed"), [4, 2, 2, 1]);
    // Opset 13: axes as an input; squeezing a dimension that is not 1 names the node.
    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 4])
        .initializer(i64_vector("axes", &[1]))
        .node("Squeeze", "squeeze", &["x", "axes"], &["y"])
        .output("y");
    let error = import(&model).unwrap_err();
    assert!(matches!(&error, OnnxError::InvalidNode { node, .. } if node == "squeeze"), "{error}");
}

#[test]
fn softmax_before_and_after_opset_13() {
    let softmax = |opset: i64, axis: i64| {
        let mut model = ModelBuilder::new(opset);
        model
            .input("x", &[2, 3, 4])
            .node_with("Softmax", "softmax", &["x"], &["y"], &[("axis", Attr::Int(axis))])
            .output("y");
        import(&model).unwrap()
    };
    let modern = softmax(13, 1);
    assert_eq!(names(&modern), ["softmax"]);
    assert_eq!(node(&modern, "softmax").op, Op::Softmax { axis: 1 });
    // Opset 11 normalises dimensions 1 and 2 together.
    let legacy = softmax(11, 1);
    assert_eq!(names(&legacy), ["softmax/flatten", "softmax", "softmax/unflatten"]);
    assert_eq!(shape(&legacy, "softmax/flatten"), [2, 12]);
    assert_eq!(node(&legacy, "softmax").op, Op::Softmax { axis: 1 });
    assert_eq!(shape(&legacy, "softmax/unflatten"), [2, 3, 4]);
    assert_eq!(legacy.value(legacy.outputs[0]).name, "y");
    // Over the last dimension both definitions agree.
    assert_eq!(names(&softmax(11, -1)), ["softmax"]);
}

#[test]
fn auto_pad_resolves_against_the_input() {
    let conv = |size: i64, auto_pad: &str| {
        let mut model = ModelBuilder::new(11);
        model
            .input("x", &[1, 1, size, size])
            .initializer(f32_ramp("w", &[1, 1, 3, 3]))
            .node_with(
                "Conv",
                "conv",
                &["x", "w"],
                &["y"],
                &[("auto_pad", Attr::str(auto_pad)), ("strides", Attr::ints(&[2, 2]))],
            )
            .output("y");
        let network = import(&model).unwrap();
        let Op::Conv2d { pads, .. } = node(&network, "conv").op else { panic!("not a conv") };
        (pads, shape(&network, "conv"))
    };
    assert_eq!(conv(7, "SAME_UPPER"), ([1, 1, 1, 1], vec![1, 1, 4, 4]));
    assert_eq!(conv(8, "SAME_UPPER"), ([0, 0, 1, 1], vec![1, 1, 4, 4]));
    assert_eq!(conv(8, "SAME_LOWER"), ([1, 1, 0, 0], vec![1, 1, 4, 4]));
    assert_eq!(conv(8, "VALID"), ([0, 0, 0, 0], vec![1, 1, 3, 3]));
}

#[test]
fn pooling_geometry() {
    let mut model = ModelBuilder::new(12);
    model
        .input("x", &[1, 2, 6, 6])
        .node_with(
            "MaxPool",
            "ceil",
            &["x"],
            &["a"],
            &[("kernel_shape", Attr::ints(&[3, 3])), ("strides", Attr::ints(&[2, 2])), ("ceil_mode", Attr::Int(1))],
        )
        .node_with(
            "MaxPool",
            "dilated",
            &["x"],
            &["b", "indices_unused"],
            &[("kernel_shape", Attr::ints(&[2, 2])), ("dilations", Attr::ints(&[2, 2]))],
        )
        .node_with(
            "AveragePool",
            "avg",
            &["x"],
            &["c"],
            &[
                ("kernel_shape", Attr::ints(&[2, 2])),
                ("strides", Attr::ints(&[2, 2])),
                ("count_include_pad", Attr::Int(1)),
            ],
        )
        .output("a")
        .output("b")
        .output("c");
    let network = import(&model).unwrap();
    assert_eq!(shape(&network, "ceil"), [1, 2, 3, 3]);
    assert_eq!(shape(&network, "dilated"), [1, 2, 4, 4]);
    let window = Window2d { kernel: [2, 2], strides: [2, 2], pads: [0; 4], dilations: [1, 1] };
    assert_eq!(node(&network, "avg").op, Op::AvgPool { window, ceil_mode: false, count_include_pad: true });
    assert_eq!(network.outputs.len(), 3);

    let mut dilated_average = ModelBuilder::new(19);
    dilated_average
        .input("x", &[1, 2, 6, 6])
        .node_with(
            "AveragePool",
            "avg",
            &["x"],
            &["y"],
            &[("kernel_shape", Attr::ints(&[2, 2])), ("dilations", Attr::ints(&[2, 2]))],
        )
        .output("y");
    assert!(matches!(import(&dilated_average).unwrap_err(), OnnxError::UnsupportedForm { .. }));
}

#[test]
fn one_dimensional_windows_are_refused_as_a_form() {
    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 4, 10])
        .initializer(f32_ramp("w", &[5, 4, 3]))
        .node("Conv", "conv1d", &["x", "w"], &["y"])
        .output("y");
    let error = import(&model).unwrap_err();
    assert!(matches!(&error, OnnxError::UnsupportedForm { node, .. } if node == "conv1d"), "{error}");
    assert!(error.to_string().contains("only 2-D convolution"), "{error}");
}

#[test]
fn nodes_without_names_get_unique_generated_ones() {
    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 4])
        .node("Relu", "", &["x"], &["a"])
        .node("Sigmoid", "Relu_0", &["a"], &["b"])
        .node("Sqrt", "", &["b"], &["c"])
        .output("c");
    let network = import(&model).unwrap();
    assert_eq!(names(&network), ["Relu_0_1", "Relu_0", "Sqrt_2"]);
}

#[test]
fn elementwise_and_matrix_ops() {
    let mut model = ModelBuilder::new(14);
    model
        .input("x", &[2, 3])
        .input("z", &[3, 4])
        .initializer(f32_ramp("bias", &[3]))
        .initializer(f32_ramp("gemm.b", &[4, 3]))
        .node("Sub", "sub", &["x", "bias"], &["a"])
        .node("Mul", "mul", &["a", "a"], &["b"])
        .node("Div", "div", &["b", "bias"], &["c"])
        .node("Sqrt", "sqrt", &["c"], &["d"])
        .node("Sigmoid", "sigmoid", &["d"], &["e"])
        .node("HardSwish", "hardswish", &["e"], &["f"])
        .node("Identity", "identity", &["f"], &["g"])
        .node("MatMul", "matmul", &["g", "z"], &["h"])
        .node("Transpose", "transpose", &["h"], &["i"])
        .node_with(
            "Gemm",
            "gemm",
            &["i", "gemm.b"],
            &["j"],
            &[("transA", Attr::Int(1)), ("alpha", Attr::Float(0.5)), ("beta", Attr::Float(2.0))],
        )
        .node_with("Softmax", "softmax", &["j"], &["y"], &[])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(shape(&network, "matmul"), [2, 4]);
    assert_eq!(node(&network, "transpose").op, Op::Transpose { perm: vec![1, 0] });
    assert_eq!(shape(&network, "transpose"), [4, 2]);
    assert_eq!(node(&network, "gemm").op, Op::Gemm { trans_a: true, trans_b: false, alpha: 0.5, beta: 2.0 });
    assert_eq!(shape(&network, "gemm"), [2, 3]);
    assert_eq!(node(&network, "softmax").op, Op::Softmax { axis: -1 });
    assert_eq!(node(&network, "hardswish").op, Op::HardSwish);
    assert_eq!(node(&network, "identity").op, Op::Identity);
    assert_eq!(names(&network).iter().filter(|name| **name == "bias").count(), 1, "one weight node per initializer");
}

#[test]
fn constants_used_as_data_are_inline() {
    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 3])
        .node_with(
            "Constant",
            "offset",
            &[],
            &["k"],
            &[("value", Attr::Tensor(f32_tensor("", &[3], &[1.0, 2.0, 3.0])))],
        )
        .node("Add", "add", &["x", "k"], &["y"])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(names(&network), ["offset", "add"]);
    let Op::Constant { value } = &node(&network, "offset").op else { panic!("not a constant") };
    assert_eq!(value.shape, [3]);
    assert_eq!(value.data, TensorData::F32(vec![1.0, 2.0, 3.0].into()));
}

#[test]
fn legacy_broadcast_aligns_at_the_axis() {
    let mut model = ModelBuilder::new(6);
    model
        .input("a", &[2, 3, 4, 5])
        .input("b", &[3, 4])
        .node_with("Add", "add", &["a", "b"], &["y"], &[("broadcast", Attr::Int(1)), ("axis", Attr::Int(1))])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(names(&network), ["add/align", "add"]);
    assert_eq!(shape(&network, "add/align"), [3, 4, 1], "numpy broadcasting aligns the rest to the end");
    assert_eq!(shape(&network, "add"), [2, 3, 4, 5]);
}

#[test]
fn dropout_and_its_mask() {
    let mut model = ModelBuilder::new(12);
    model
        .input("x", &[1, 4])
        .initializer(f32_scalar("ratio", 0.25))
        .node("Dropout", "drop", &["x", "ratio"], &["y", "mask"])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(node(&network, "drop").op, Op::Dropout { ratio: 0.25 });

    let mut mask_used = model.clone();
    mask_used.output("mask");
    let error = import(&mask_used).unwrap_err();
    assert!(matches!(&error, OnnxError::UnavailableValue { value, node, .. } if value == "mask" && node == "drop"));

    let mut training = ModelBuilder::new(13);
    training
        .input("x", &[1, 4])
        .initializer(TensorSpec {
            name: "train".into(),
            dims: vec![],
            data_type: common::BOOL,
            data: Data::Raw(vec![1]),
        })
        .node("Dropout", "drop", &["x", "", "train"], &["y"])
        .output("y");
    assert!(matches!(import(&training).unwrap_err(), OnnxError::UnsupportedForm { .. }));
}

#[test]
fn unsupported_operators_are_named_with_the_supported_list() {
    let mut model = ModelBuilder::new(13);
    model.input("x", &[1, 4]).node("Relu", "ok", &["x"], &["a"]).node("Tanh", "squash", &["a"], &["y"]).output("y");
    let error = import(&model).unwrap_err();
    let OnnxError::UnsupportedOp { node, op_type, supported, .. } = &error else { panic!("{error}") };
    assert_eq!((node.as_str(), op_type.as_str()), ("squash", "Tanh"));
    let expected: Vec<&str> = autows_onnx::supported_operators().collect();
    assert_eq!(supported, &expected.join(", "));
    for op in ["Conv", "BatchNormalization", "Clip", "Concat", "Gemm", "MaxPool", "GlobalAveragePool", "Pad"] {
        assert!(expected.contains(&op), "{op}");
    }
    let message = error.to_string();
    assert!(message.contains("'squash'") && message.contains("'Tanh'") && message.contains("Conv, Div"), "{message}");

    // A standard name in another domain is another operator.
    let mut model = ModelBuilder::new(13);
    model
        .opset_import("com.example", 1)
        .input("x", &[1, 4])
        .node_in_domain("com.example", "Relu", "custom", &["x"], &["y"], &[])
        .output("y");
    let error = import(&model).unwrap_err();
    assert!(error.to_string().contains("of domain 'com.example'"), "{error}");

    let mut model = ModelBuilder::new(14);
    model.input("x", &[1, 4]).node("HardSwish", "hs", &["x"], &["y"]).output("y");
    assert!(import(&model).is_ok());
    model.opset = 13;
    let error = import(&model).unwrap_err();
    assert!(error.to_string().contains("defined from opset 14"), "{error}");
}

#[test]
fn unsupported_opsets_are_named() {
    for opset in [5, 22] {
        let mut model = ModelBuilder::new(opset);
        model.input("x", &[1]).node("Relu", "relu", &["x"], &["y"]).output("y");
        let error = import(&model).unwrap_err();
        assert!(matches!(error, OnnxError::UnsupportedOpset { version } if version == opset));
        assert!(error.to_string().contains(&format!("opset {opset}")), "{error}");
    }
}

#[test]
fn shape_errors_name_the_node() {
    let mut model = ModelBuilder::new(13);
    model.input("a", &[2, 3]).input("b", &[4, 3]).node("Add", "bad_add", &["a", "b"], &["y"]).output("y");
    let error = import(&model).unwrap_err();
    assert!(matches!(&error, OnnxError::Network(NetworkError::Shape { node, .. }) if node == "bad_add"), "{error}");
    assert!(error.to_string().contains("bad_add"), "{error}");
}

#[test]
fn values_must_be_defined_before_use() {
    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1])
        .node("Relu", "early", &["later"], &["y"])
        .node("Relu", "late", &["x"], &["later"])
        .output("y");
    let error = import(&model).unwrap_err();
    assert!(matches!(&error, OnnxError::UnknownValue { node, value, .. } if node == "early" && value == "later"));

    let mut model = ModelBuilder::new(13);
    model.input("x", &[1]).node("Relu", "relu", &["x"], &["y"]).output("nowhere");
    assert!(matches!(import(&model).unwrap_err(), OnnxError::Output { .. }));
}

#[test]
fn graph_inputs_need_static_shapes_beyond_the_batch() {
    let mut model = ModelBuilder::new(13);
    model
        .input_dims("x", common::FLOAT, &[Dim::Value(1), Dim::Param("channels")])
        .node("Relu", "relu", &["x"], &["y"])
        .output("y");
    let error = import(&model).unwrap_err();
    assert!(matches!(&error, OnnxError::Input { name, .. } if name == "x"));
    assert!(error.to_string().contains("'channels'"), "{error}");
}

#[test]
fn initializers_listed_as_inputs_are_weights() {
    let mut model = ModelBuilder::new(8);
    model.ir_version = 3;
    model
        .input("x", &[1, 4])
        .input("w", &[4, 2])
        .initializer(f32_ramp("w", &[4, 2]))
        .node("MatMul", "mm", &["x", "w"], &["y"])
        .output("y");
    let network = import(&model).unwrap();
    assert_eq!(network.inputs.len(), 1);
    assert!(matches!(node(&network, "w").op, Op::Weight { .. }));
}

#[test]
fn declared_output_shapes_are_checked() {
    let mut model = ModelBuilder::new(13);
    model.input("x", &[1, 4]).node("Relu", "relu", &["x"], &["y"]).output_dims("y", &[Dim::Value(1), Dim::Value(5)]);
    let error = import(&model).unwrap_err();
    assert!(error.to_string().contains("declares shape [1, 5], but the network computes 1x4"), "{error}");
}

#[test]
fn hostile_sizes_are_refused_not_overflowed() {
    let mut model = ModelBuilder::new(13);
    model.input("x", &[1 << 40, 2]).node("Relu", "relu", &["x"], &["y"]).output("y");
    assert!(matches!(import(&model).unwrap_err(), OnnxError::Input { .. }));

    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 2, 4, 4])
        .initializer(i64_vector("pads", &[0, 0, i64::MAX, 0, 0, 0, 0, 0]))
        .node("Pad", "pad", &["x", "pads"], &["y"])
        .output("y");
    assert!(matches!(import(&model).unwrap_err(), OnnxError::InvalidNode { .. }));

    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 2, 4, 4])
        .initializer(f32_ramp("w", &[2, 1, 1, 1]))
        .node_with(
            "Conv",
            "conv",
            &["x", "w"],
            &["y"],
            &[("group", Attr::Int(i64::MIN)), ("strides", Attr::ints(&[1 << 40, 1]))],
        )
        .output("y");
    assert!(matches!(import(&model).unwrap_err(), OnnxError::InvalidNode { .. }));

    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 1])
        .initializer(i64_vector("shape", &[1 << 30, 1 << 30, 1 << 30, 0]))
        .node("Reshape", "reshape", &["x", "shape"], &["y"])
        .output("y");
    assert!(import(&model).is_err());
}

#[test]
fn truncated_and_corrupt_models_fail_cleanly() {
    let bytes = classifier().encode();
    for cut in 0..bytes.len() {
        match import_bytes(&bytes[..cut], SOURCE) {
            Ok(_) => panic!("a model cut at byte {cut} of {} imported", bytes.len()),
            Err(OnnxError::Decode(error)) => assert!(error.offset <= cut),
            // Cut between top-level fields: a well-formed prefix that lacks the graph or the opsets.
            Err(OnnxError::NoGraph | OnnxError::UnsupportedOpset { .. }) => {}
            Err(other) => panic!("cut at {cut}: unexpected {other}"),
        }
    }
    // Flipping bytes may yield anything but a panic.
    for index in (0..bytes.len()).step_by(7) {
        let mut corrupt = bytes.clone();
        corrupt[index] ^= 0xa5;
        let _ = import_bytes(&corrupt, SOURCE);
    }
    let error = import_bytes(&bytes[..bytes.len() / 2], SOURCE).unwrap_err();
    assert!(error.to_string().starts_with("malformed ONNX protobuf at byte"), "{error}");
}
