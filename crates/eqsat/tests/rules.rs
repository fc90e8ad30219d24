//! One test per rule: a small network where the rule applies, the rule reported as fired, the expected shape
//! of the result, and the interpreter's outputs before and after compared.

mod common;

use autows_network::{Network, Op, PadMode, TensorType, Window2d};
use common::*;

const FLOAT_TOLERANCE: f32 = 1e-5;

/// x -> conv (3 -> 4 channels, 3x3) -> returns (network, weights, conv output).
fn conv_net(bias: bool) -> (Network, TestWeights, autows_network::ValueId) {
    let weights = TestWeights::default();
    let mut network = Network::new("test");
    let x = network.add_input("x", TensorType::f32([1, 3, 8, 8]));
    let w = weights.add(&mut network, "conv.weight", &[4, 3, 3, 3], -0.5, 0.5);
    let mut operands = vec![x, w];
    if bias {
        operands.push(weights.add(&mut network, "conv.bias", &[4], -0.2, 0.2));
    }
    let y = network.add("conv", conv(1, 1), &operands).unwrap();
    (network, weights, y)
}

fn batchnorm(network: &mut Network, weights: &TestWeights, y: autows_network::ValueId) -> autows_network::ValueId {
    let s = weights.add(network, "bn.weight", &[4], 0.5, 1.5);
    let b = weights.add(network, "bn.bias", &[4], -0.3, 0.3);
    let m = weights.add(network, "bn.running_mean", &[4], -0.3, 0.3);
    let v = weights.add(network, "bn.running_var", &[4], 0.5, 1.5);
    network.add("bn", Op::BatchNorm { epsilon: 1e-5 }, &[y, s, b, m, v]).unwrap()
}

#[test]
fn batchnorm_folds_into_a_convolution() {
    for bias in [false, true] {
        let (mut network, weights, y) = conv_net(bias);
        let z = batchnorm(&mut network, &weights, y);
        network.outputs.push(z);
        let outcome = optimized(&network);
        let rule = if bias { "batchnorm-into-biased-conv" } else { "batchnorm-into-conv" };
        assert_eq!(fired(&outcome, rule), 1, "{}", outcome.summary());
        assert_eq!(ops(&outcome.network).iter().filter(|&&op| op == "conv2d").count(), 1);
        assert!(!ops(&outcome.network).contains(&"batchnorm"));
        // The new weights are graph arithmetic on the old handles; the folded conv keeps the root's name.
        assert!(outcome.network.nodes.iter().any(|node| node.name == "conv.weight"));
        assert_eq!(compute_nodes(&outcome.network), 1);
        let last = outcome.network.nodes.last().unwrap();
        assert_eq!((last.op.dialect_name(), last.name.as_str()), ("conv2d", "bn"));
        assert_equivalent(&network, &outcome.network, &weights, FLOAT_TOLERANCE);
        assert_idempotent(&outcome);
    }
}

#[test]
fn per_channel_scales_fold_into_convolution_weights() {
    for (shape, left, bias) in [(vec![4, 1, 1], false, false), (vec![1, 4, 1, 1], true, true), (vec![1], false, true)] {
        let (mut network, weights, y) = conv_net(bias);
        let k = weights.add(&mut network, "scale", &shape, 0.5, 2.0);
        let operands = if left { [k, y] } else { [y, k] };
        let z = network.add("scale_mul", Op::Mul, &operands).unwrap();
        network.outputs.push(z);
        let outcome = optimized(&network);
        let rule = format!("scale-into-{}conv{}", if bias { "biased-" } else { "" }, if left { "-left" } else { "" });
        assert_eq!(fired(&outcome, &rule), 1, "{}", outcome.summary());
        assert_eq!(compute_nodes(&outcome.network), 1);
        assert_equivalent(&network, &outcome.network, &weights, FLOAT_TOLERANCE);
        assert_idempotent(&outcome);
    }
}

#[test]
fn a_scale_along_width_is_not_per_channel() {
    let (mut network, weights, y) = conv_net(false);
    let k = weights.add(&mut network, "scale", &[8], 0.5, 2.0);
    let z = network.add("scale_mul", Op::Mul, &[y, k]).unwrap();
    network.outputs.push(z);
    let outcome = optimized(&network);
    assert!(outcome.rules_fired.keys().all(|rule| !rule.starts_with("scale-into")), "{}", outcome.summary());
    assert_eq!(compute_nodes(&outcome.network), 2);
}

#[test]
fn bias_adds_fold_into_convolutions() {
    let (mut network, weights, y) = conv_net(false);
    let k = weights.add(&mut network, "shift", &[1, 4, 1, 1], -1.0, 1.0);
    let z = network.add("shift_add", Op::Add, &[y, k]).unwrap();
    network.outputs.push(z);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "bias-into-conv"), 1, "{}", outcome.summary());
    assert_eq!(compute_nodes(&outcome.network), 1);
    // The interpreter adds a bias last, exactly as the add did.
    assert_equivalent(&network, &outcome.network, &weights, 0.0);
    assert_idempotent(&outcome);

    let (mut network, weights, y) = conv_net(true);
    let k = weights.add(&mut network, "shift", &[4, 1, 1], -1.0, 1.0);
    let z = network.add("shift_add", Op::Add, &[k, y]).unwrap();
    network.outputs.push(z);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "bias-into-biased-conv-left"), 1, "{}", outcome.summary());
    assert_eq!(compute_nodes(&outcome.network), 1);
    assert_equivalent(&network, &outcome.network, &weights, FLOAT_TOLERANCE);
}

fn padded(mode: PadMode, value: f32) -> (Network, TestWeights, autows_network::ValueId) {
    let weights = TestWeights::default();
    let mut network = Network::new("test");
    let x = network.add_input("x", TensorType::f32([1, 3, 8, 8]));
    let pad = Op::Pad { pads: vec![0, 0, 1, 2, 0, 0, 1, 0], mode, value };
    let p = network.add("pad", pad, &[x]).unwrap();
    (network, weights, p)
}

#[test]
fn zero_padding_moves_into_the_convolution() {
    let (mut network, weights, p) = padded(PadMode::Constant, 0.0);
    let w = weights.add(&mut network, "conv.weight", &[4, 3, 3, 3], -0.5, 0.5);
    let y = network.add("conv", conv(2, 0), &[p, w]).unwrap();
    network.outputs.push(y);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "pad-into-conv"), 1, "{}", outcome.summary());
    assert_eq!(ops(&outcome.network), ["conv2d"]);
    match &outcome.network.nodes.last().unwrap().op {
        Op::Conv2d { pads, .. } => assert_eq!(*pads, [1, 2, 1, 0]),
        other => panic!("expected a convolution, got {other:?}"),
    }
    assert_equivalent(&network, &outcome.network, &weights, 0.0);
    assert_quantized_equal(&network, &outcome.network, &weights);
    assert_idempotent(&outcome);
}

#[test]
fn reflect_padding_stays() {
    let (mut network, weights, p) = padded(PadMode::Reflect, 0.0);
    let w = weights.add(&mut network, "conv.weight", &[4, 3, 3, 3], -0.5, 0.5);
    let y = network.add("conv", conv(1, 0), &[p, w]).unwrap();
    network.outputs.push(y);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "pad-into-conv"), 0);
    assert_eq!(ops(&outcome.network), ["pad", "conv2d"]);
}

#[test]
fn minus_infinity_padding_moves_into_max_pooling() {
    let (mut network, weights, p) = padded(PadMode::Constant, f32::NEG_INFINITY);
    let window = Window2d { kernel: [3, 3], strides: [2, 2], pads: [0; 4], dilations: [1, 1] };
    let y = network.add("pool", Op::MaxPool { window, ceil_mode: false }, &[p]).unwrap();
    network.outputs.push(y);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "pad-into-maxpool"), 1, "{}", outcome.summary());
    assert_eq!(ops(&outcome.network), ["maxpool"]);
    assert_equivalent(&network, &outcome.network, &weights, 0.0);
    assert_idempotent(&outcome);
}

#[test]
fn zero_padding_moves_into_average_pooling_that_counts_padding() {
    for count_include_pad in [true, false] {
        let (mut network, weights, p) = padded(PadMode::Constant, 0.0);
        let window = Window2d { kernel: [3, 3], strides: [1, 1], pads: [0; 4], dilations: [1, 1] };
        let y = network.add("pool", Op::AvgPool { window, ceil_mode: false, count_include_pad }, &[p]).unwrap();
        network.outputs.push(y);
        let outcome = optimized(&network);
        assert_eq!(fired(&outcome, "pad-into-avgpool"), usize::from(count_include_pad), "{}", outcome.summary());
        assert_equivalent(&network, &outcome.network, &weights, 0.0);
    }
}

fn unary_chain(ops: &[Op]) -> Network {
    let mut network = Network::new("test");
    let mut y = network.add_input("x", TensorType::f32([1, 4, 8, 8]));
    for (index, op) in ops.iter().enumerate() {
        y = network.add(format!("n{index}"), op.clone(), &[y]).unwrap();
    }
    network.outputs.push(y);
    network
}

#[test]
fn relu_is_idempotent() {
    let network = unary_chain(&[Op::Relu, Op::Relu]);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "relu-idempotence"), 1);
    assert_eq!(ops(&outcome.network), ["relu"]);
    assert_eq!(outcome.network.nodes[0].name, "n1");
    let weights = TestWeights::default();
    assert_equivalent(&network, &outcome.network, &weights, 0.0);
    assert_quantized_equal(&network, &outcome.network, &weights);
    assert_idempotent(&outcome);
}

#[test]
fn relu_moves_after_max_pooling() {
    let window = Window2d { kernel: [3, 3], strides: [2, 2], pads: [1; 4], dilations: [1, 1] };
    let network = unary_chain(&[Op::Relu, Op::MaxPool { window, ceil_mode: false }]);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "maxpool-relu-commute"), 1, "{}", outcome.summary());
    // After the pool the relu streams a quarter of the elements.
    assert_eq!(ops(&outcome.network), ["maxpool", "relu"]);
    let weights = TestWeights::default();
    assert_equivalent(&network, &outcome.network, &weights, 0.0);
    assert_quantized_equal(&network, &outcome.network, &weights);
    assert_idempotent(&outcome);
}

#[test]
fn relu_and_max_pooling_commute_the_other_way_too() {
    let window = Window2d { kernel: [2, 2], strides: [2, 2], pads: [0; 4], dilations: [1, 1] };
    let network = unary_chain(&[Op::MaxPool { window, ceil_mode: false }, Op::Relu, Op::Relu]);
    let outcome = optimized(&network);
    assert!(fired(&outcome, "relu-maxpool-commute") >= 1, "{}", outcome.summary());
    assert_eq!(ops(&outcome.network), ["maxpool", "relu"]);
    assert_equivalent(&network, &outcome.network, &TestWeights::default(), 0.0);
}

#[test]
fn reshape_and_flatten_chains_collapse() {
    let mut network = Network::new("test");
    let x = network.add_input("x", TensorType::f32([1, 4, 2, 2]));
    let a = network.add_reshape("a", x, &[1, 2, 8]).unwrap();
    let b = network.add("b", Op::Flatten { axis: 2 }, &[a]).unwrap();
    let c = network.add_reshape("c", b, &[1, 16]).unwrap();
    let d = network.add("d", Op::Relu, &[c]).unwrap();
    let e = network.add_reshape("e", d, &[1, 16]).unwrap();
    network.outputs.push(e);
    let outcome = optimized(&network);
    assert!(fired(&outcome, "reshape-chain") >= 1, "{}", outcome.summary());
    assert!(fired(&outcome, "flatten-as-reshape") >= 1);
    assert!(fired(&outcome, "reshape-noop") >= 1);
    assert_eq!(ops(&outcome.network), ["reshape", "relu"]);
    assert_equivalent(&network, &outcome.network, &TestWeights::default(), 0.0);
    assert_idempotent(&outcome);
}

#[test]
fn identity_and_dropout_disappear() {
    let network = unary_chain(&[Op::Identity, Op::Sigmoid, Op::Dropout { ratio: 0.5 }]);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "identity-removal"), 1);
    assert_eq!(fired(&outcome, "dropout-removal"), 1);
    assert_eq!(ops(&outcome.network), ["sigmoid"]);
    // The sigmoid's class also holds the dropout, the root of the rewritten term; the sigmoid keeps its name.
    assert_eq!(outcome.network.nodes[0].name, "n1");
    assert_equivalent(&network, &outcome.network, &TestWeights::default(), 0.0);
    assert_quantized_equal(
        &unary_chain(&[Op::Identity, Op::Relu, Op::Dropout { ratio: 0.5 }]),
        &unary_chain(&[Op::Relu]),
        &TestWeights::default(),
    );
}

#[test]
fn transpose_pairs_cancel_or_compose() {
    let network =
        unary_chain(&[Op::Transpose { perm: vec![0, 2, 3, 1] }, Op::Transpose { perm: vec![0, 3, 1, 2] }, Op::Relu]);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "transpose-pair"), 1, "{}", outcome.summary());
    assert_eq!(ops(&outcome.network), ["relu"]);
    assert_equivalent(&network, &outcome.network, &TestWeights::default(), 0.0);

    let network = unary_chain(&[Op::Transpose { perm: vec![0, 2, 3, 1] }, Op::Transpose { perm: vec![0, 2, 3, 1] }]);
    let outcome = optimized(&network);
    assert_eq!(ops(&outcome.network), ["transpose"]);
    assert_eq!(outcome.network.nodes[0].op, Op::Transpose { perm: vec![0, 3, 1, 2] });
    assert_equivalent(&network, &outcome.network, &TestWeights::default(), 0.0);
    assert_idempotent(&outcome);

    let outcome = optimized(&unary_chain(&[Op::Transpose { perm: vec![0, 1, 2, 3] }, Op::Relu]));
    assert_eq!(fired(&outcome, "transpose-noop"), 1);
    assert_eq!(ops(&outcome.network), ["relu"]);
}

#[test]
fn adding_zero_and_multiplying_by_one_disappear() {
    let mut network = Network::new("test");
    let x = network.add_input("x", TensorType::f32([1, 4, 8, 8]));
    let zero = constant(&mut network, "zero", &[1], vec![0.0]);
    let one = constant(&mut network, "one", &[1, 4, 1, 1], vec![1.0; 4]);
    let a = network.add("a", Op::Add, &[x, zero]).unwrap();
    let b = network.add("b", Op::Mul, &[one, a]).unwrap();
    let c = network.add("c", Op::Div, &[b, one]).unwrap();
    let d = network.add("d", Op::Sub, &[c, zero]).unwrap();
    let e = network.add("e", Op::Relu, &[d]).unwrap();
    network.outputs.push(e);
    let outcome = optimized(&network);
    for rule in ["add-zero", "mul-one-left", "div-one", "sub-zero"] {
        assert_eq!(fired(&outcome, rule), 1, "{rule}: {}", outcome.summary());
    }
    assert_eq!(ops(&outcome.network), ["relu"]);
    assert_equivalent(&network, &outcome.network, &TestWeights::default(), 0.0);

    // A zero that broadcasts the result to a larger shape is not neutral.
    let mut network = Network::new("test");
    let x = network.add_input("x", TensorType::f32([1, 4, 1, 1]));
    let zero = constant(&mut network, "zero", &[1, 4, 2, 2], vec![0.0; 16]);
    let a = network.add("a", Op::Add, &[x, zero]).unwrap();
    network.outputs.push(a);
    let outcome = optimized(&network);
    assert_eq!(fired(&outcome, "add-zero"), 0);
    assert_eq!(ops(&outcome.network), ["add"]);
}

#[test]
fn operations_on_constants_fold() {
    let mut network = Network::new("test");
    let x = network.add_input("x", TensorType::f32([1, 4, 8, 8]));
    let a = constant(&mut network, "a", &[4], vec![1.0, 4.0, 9.0, 16.0]);
    let b = constant(&mut network, "b", &[1], vec![0.5]);
    let root = network.add("root", Op::Sqrt, &[a]).unwrap();
    let sum = network.add("sum", Op::Add, &[root, b]).unwrap();
    let scale = network.add_reshape("scale", sum, &[1, 4, 1, 1]).unwrap();
    let y = network.add("y", Op::Mul, &[x, scale]).unwrap();
    network.outputs.push(y);
    let outcome = optimized(&network);
    assert!(fired(&outcome, "constant-fold") >= 3, "{}", outcome.summary());
    assert_eq!(ops(&outcome.network), ["mul"]);
    let folded = &outcome.network.nodes[0];
    assert_eq!(folded.name, "scale");
    match &folded.op {
        Op::Constant { value } => assert_eq!(value.data.to_f32(), [1.5, 2.5, 3.5, 4.5]),
        other => panic!("expected a constant, got {other:?}"),
    }
    assert_equivalent(&network, &outcome.network, &TestWeights::default(), 0.0);
    assert_idempotent(&outcome);
}

#[test]
fn a_quantised_network_keeps_its_bias_add() {
    let (mut network, weights, y) = conv_net(false);
    let k = weights.add(&mut network, "shift", &[1, 4, 1, 1], -1.0, 1.0);
    let z = network.add("shift_add", Op::Add, &[y, k]).unwrap();
    network.outputs.push(z);
    // Folded, the bias joins the accumulator before the rounding instead of after it: other codes.
    let folded = optimized(&network);
    assert_eq!(fired(&folded, "bias-into-conv"), 1, "{}", folded.summary());
    let spec: autows_interp::QuantSpec = "w4a5".parse().unwrap();
    let inputs = inputs(&network, 0);
    let before = autows_interp::run_quantized(&network, &inputs, &weights, &spec).unwrap();
    let after = autows_interp::run_quantized(&folded.network, &inputs, &weights, &spec).unwrap();
    assert_ne!(before[0].fixed.codes, after[0].fixed.codes);
    // Told the network is quantised, saturation leaves the add alone and every code stays.
    let options = autows_eqsat::EqsatOptions { quantized: true, ..autows_eqsat::EqsatOptions::default() };
    let kept = autows_eqsat::optimize(&network, &options).unwrap();
    assert_eq!(fired(&kept, "bias-into-conv"), 0, "{}", kept.summary());
    assert!(ops(&kept.network).contains(&"add"));
    assert_quantized_equal(&network, &kept.network, &weights);
}
