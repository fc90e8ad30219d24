//! Whole networks: the model zoo's CNNs stay equivalent and get no more compute engines, a second run changes
//! nothing, limits stop saturation with a valid, equivalent result, and the output does not depend on the run.

mod common;

use autows_eqsat::{optimize, CostChoice, EqsatOptions, StopReason};
use autows_network::{Network, Op, TensorType};
use autows_zoo::ZooWeights;
use common::*;
use std::time::Duration;

/// `network` with its input resized to `side` x `side`: the same nodes and weights, with types re-inferred, so
/// the interpreter checks run in a debug build in seconds. The rewrites do not depend on the resolution.
fn at_resolution(network: &Network, side: i64) -> Network {
    let mut small = Network::new(network.name.clone());
    let mut map = vec![None; network.values.len()];
    for &input in &network.inputs {
        let mut ty = network.ty(input).clone();
        ty.shape[2] = side;
        ty.shape[3] = side;
        map[input.0] = Some(small.add_input(network.value(input).name.clone(), ty));
    }
    for node in &network.nodes {
        let inputs: Vec<_> = node.inputs.iter().map(|id| map[id.0].expect("topological order")).collect();
        let output = match &node.op {
            Op::Weight { source, key, checksum } => {
                small.add_weight(&node.name, network.ty(node.output).clone(), source, key, checksum)
            }
            op => small.add(&node.name, op.clone(), &inputs).expect("the model works at this resolution"),
        };
        map[node.output.0] = Some(output);
    }
    small.outputs = network.outputs.iter().map(|id| map[id.0].expect("computed")).collect();
    small
}

fn check_zoo_model(name: &str, side: i64) {
    let network = autows_zoo::build(name).expect("a zoo model");
    let outcome = optimize(&network, &EqsatOptions::default()).expect("optimisation succeeds");
    assert_eq!(outcome.stop_reason, StopReason::Saturated, "{}", outcome.summary());
    assert!(compute_nodes(&outcome.network) <= compute_nodes(&network));
    assert!(!ops(&outcome.network).contains(&"batchnorm"), "{}", outcome.summary());
    assert!(!ops(&outcome.network).contains(&"dropout"));
    assert_idempotent(&outcome);
    let small = at_resolution(&network, side);
    let small_outcome = optimize(&small, &EqsatOptions::default()).expect("optimisation succeeds");
    assert_equivalent(&small, &small_outcome.network, &ZooWeights::new(), 1e-3);
}

#[test]
fn resnet18_stays_equivalent_with_fewer_engines() {
    check_zoo_model("resnet18", 32);
}

#[test]
fn mobilenetv2_stays_equivalent_with_fewer_engines() {
    check_zoo_model("mobilenetv2", 32);
}

/// The same checks at the models' own 224 x 224 resolution.
#[test]
fn zoo_models_stay_equivalent_at_full_resolution() {
    for name in ["resnet18", "mobilenetv2"] {
        let network = autows_zoo::build(name).expect("a zoo model");
        let outcome = optimize(&network, &EqsatOptions::default()).expect("optimisation succeeds");
        assert_equivalent(&network, &outcome.network, &ZooWeights::new(), 1e-3);
    }
}

#[test]
fn batchnorms_of_resnet18_fold_and_names_survive() {
    let network = autows_zoo::build("resnet18").expect("a zoo model");
    let outcome = optimized(&network);
    let batchnorms = network.nodes.iter().filter(|node| matches!(node.op, Op::BatchNorm { .. })).count();
    assert_eq!(fired(&outcome, "batchnorm-into-conv"), batchnorms);
    assert_eq!(compute_nodes(&outcome.network), compute_nodes(&network) - batchnorms);
    let mut names: Vec<_> = outcome.network.nodes.iter().map(|node| node.name.as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "node names are unique");
    assert!(outcome.network.nodes.iter().any(|node| node.name == "layer1.0.bn1"));
    assert!(outcome.network.nodes.iter().any(|node| node.name == "fc"));
}

#[test]
fn the_result_does_not_depend_on_the_run() {
    let network = autows_zoo::build("mobilenetv2").expect("a zoo model");
    let first = optimize(&network, &EqsatOptions::default()).expect("optimisation succeeds");
    let second = optimize(&network, &EqsatOptions::default()).expect("optimisation succeeds");
    assert_eq!(first.network, second.network);
    assert_eq!(first.rules_fired, second.rules_fired);
}

fn small_cnn() -> (Network, TestWeights) {
    let weights = TestWeights::default();
    let mut network = Network::new("small");
    let mut y = network.add_input("x", TensorType::f32([1, 3, 8, 8]));
    for layer in 0..4 {
        let channels = network.ty(y).shape[1];
        let w = weights.add(&mut network, &format!("conv{layer}.weight"), &[4, channels, 3, 3], -0.4, 0.4);
        y = network.add(format!("conv{layer}"), conv(1, 1), &[y, w]).unwrap();
        let s = weights.add(&mut network, &format!("bn{layer}.weight"), &[4], 0.5, 1.5);
        let b = weights.add(&mut network, &format!("bn{layer}.bias"), &[4], -0.3, 0.3);
        let m = weights.add(&mut network, &format!("bn{layer}.running_mean"), &[4], -0.3, 0.3);
        let v = weights.add(&mut network, &format!("bn{layer}.running_var"), &[4], 0.5, 1.5);
        y = network.add(format!("bn{layer}"), Op::BatchNorm { epsilon: 1e-5 }, &[y, s, b, m, v]).unwrap();
        y = network.add(format!("relu{layer}"), Op::Relu, &[y]).unwrap();
        y = network.add(format!("id{layer}"), Op::Identity, &[y]).unwrap();
    }
    network.outputs.push(y);
    (network, weights)
}

#[test]
fn a_node_limit_stops_saturation_with_an_equivalent_result() {
    let (network, weights) = small_cnn();
    let options = EqsatOptions { node_limit: 60, ..EqsatOptions::default() };
    let outcome = optimize(&network, &options).expect("optimisation succeeds");
    assert_eq!(outcome.stop_reason, StopReason::NodeLimit(60), "{}", outcome.summary());
    assert!(outcome.stop_reason.to_string().contains("node limit"));
    assert!(compute_nodes(&outcome.network) <= compute_nodes(&network));
    assert_equivalent(&network, &outcome.network, &weights, 1e-4);
}

#[test]
fn an_iteration_limit_stops_saturation_with_an_equivalent_result() {
    let (network, weights) = small_cnn();
    let options = EqsatOptions { iteration_limit: 1, ..EqsatOptions::default() };
    let outcome = optimize(&network, &options).expect("optimisation succeeds");
    assert_eq!(outcome.stop_reason, StopReason::IterationLimit(1), "{}", outcome.summary());
    assert_eq!(outcome.iterations, 1);
    assert_equivalent(&network, &outcome.network, &weights, 1e-4);
}

#[test]
fn a_time_limit_stops_saturation_with_an_equivalent_result() {
    let (network, weights) = small_cnn();
    let options = EqsatOptions { time_limit: Duration::ZERO, ..EqsatOptions::default() };
    let outcome = optimize(&network, &options).expect("optimisation succeeds");
    assert!(matches!(outcome.stop_reason, StopReason::TimeLimit(_)), "{}", outcome.summary());
    assert!(outcome.stop_reason.to_string().starts_with("time limit"));
    assert_equivalent(&network, &outcome.network, &weights, 1e-4);
}

#[test]
fn term_size_extraction_also_gives_an_equivalent_network() {
    let (network, weights) = small_cnn();
    let options = EqsatOptions { cost: CostChoice::TermSize, ..EqsatOptions::default() };
    let outcome = optimize(&network, &options).expect("optimisation succeeds");
    assert_equivalent(&network, &outcome.network, &weights, 1e-4);
}

#[test]
fn the_hardware_cost_removes_engines_from_the_small_cnn() {
    let (network, weights) = small_cnn();
    let outcome = optimized(&network);
    assert_eq!(compute_nodes(&outcome.network), 8, "{}", outcome.summary());
    assert_equivalent(&network, &outcome.network, &weights, 1e-4);
    assert_idempotent(&outcome);
}
