//! Extraction prices the network as built: a value read twice is computed once, so folding into a shared
//! operation pays only when the copy it makes is cheaper than what it saves.

mod common;

use autows_eqsat::{optimize, CostChoice, EqsatOptions, HardwareCost};
use autows_network::{Network, Op, TensorType};
use common::*;

/// x -> conv; the convolution's result feeds both a per-channel scale and a relu.
fn shared_convolution() -> (Network, TestWeights) {
    let weights = TestWeights::default();
    let mut network = Network::new("shared");
    let x = network.add_input("x", TensorType::f32([1, 3, 8, 8]));
    let w = weights.add(&mut network, "conv.weight", &[4, 3, 3, 3], -0.5, 0.5);
    let y = network.add("conv", conv(1, 1), &[x, w]).unwrap();
    let k = weights.add(&mut network, "scale", &[4, 1, 1], 0.5, 2.0);
    let scaled = network.add("scale_mul", Op::Mul, &[y, k]).unwrap();
    let activated = network.add("relu", Op::Relu, &[y]).unwrap();
    network.outputs.extend([scaled, activated]);
    (network, weights)
}

#[test]
fn a_shared_convolution_is_not_copied_to_fold_a_scale() {
    let (network, weights) = shared_convolution();
    let outcome = optimized(&network);
    // The fold is in the e-graph, but taking it would build the convolution twice: same engine count, twice the
    // weights. The scale stays a multiplication of the one convolution.
    assert!(fired(&outcome, "scale-into-conv") > 0, "{}", outcome.summary());
    let convolutions = ops(&outcome.network).iter().filter(|&&op| op == "conv2d").count();
    assert_eq!(convolutions, 1, "{:?}", ops(&outcome.network));
    assert!(ops(&outcome.network).contains(&"mul"));
    assert_equivalent(&network, &outcome.network, &weights, 1e-5);
    assert_idempotent(&outcome);
}

#[test]
fn an_unshared_convolution_still_absorbs_its_scale() {
    let (mut network, weights) = shared_convolution();
    // Without the relu the convolution has one reader, and folding saves the multiplication outright.
    network.outputs.pop();
    network.nodes.pop();
    let outcome = optimize(
        &network,
        &EqsatOptions { cost: CostChoice::Hardware(HardwareCost::default()), ..EqsatOptions::default() },
    )
    .expect("optimisation succeeds");
    assert_eq!(compute_nodes(&outcome.network), 1, "{:?}", ops(&outcome.network));
    assert_eq!(ops(&outcome.network).iter().filter(|&&op| op == "conv2d").count(), 1);
    assert_equivalent(&network, &outcome.network, &weights, 1e-5);
}
