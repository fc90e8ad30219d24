//! Helpers shared by the tests: an in-memory weight store, small network builders, and the interpreter check
//! that a rewritten network computes what the original did.

#![allow(dead_code)]

use autows_eqsat::{optimize, EqsatOptions, EqsatOutcome};
use autows_interp::{run, run_quantized, QuantSpec};
use autows_network::{Network, Op, Tensor, TensorData, TensorType, ValueId, WeightError, WeightLoader};
use std::{cell::RefCell, collections::BTreeMap};

/// Weights kept in memory under source `test`.
#[derive(Default)]
pub struct TestWeights {
    tensors: RefCell<BTreeMap<String, Tensor>>,
    seed: RefCell<u64>,
}

impl TestWeights {
    /// Adds a weight of `shape` with values in `[low, high)` drawn from a fixed generator.
    pub fn add(&self, network: &mut Network, key: &str, shape: &[i64], low: f32, high: f32) -> ValueId {
        let count: i64 = shape.iter().product();
        let mut seed = self.seed.borrow_mut();
        let values = (0..count)
            .map(|_| {
                *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                low + (high - low) * ((*seed >> 40) as f32 / (1u64 << 24) as f32)
            })
            .collect();
        let tensor = Tensor::from_f32(shape.to_vec(), values).expect("shape matches");
        let checksum = tensor.checksum();
        self.tensors.borrow_mut().insert(key.to_string(), tensor);
        network.add_weight(key, TensorType::f32(shape.to_vec()), "test", key, checksum)
    }
}

impl WeightLoader for TestWeights {
    fn handles(&self, source: &str) -> bool {
        source == "test"
    }

    fn load(&self, source: &str, key: &str, _checksum: &str) -> Result<Tensor, WeightError> {
        self.tensors
            .borrow()
            .get(key)
            .cloned()
            .ok_or_else(|| WeightError::MissingKey { source_name: source.into(), key: key.into() })
    }
}

/// A float constant.
pub fn constant(network: &mut Network, name: &str, shape: &[i64], values: Vec<f32>) -> ValueId {
    let value = Tensor::from_f32(shape.to_vec(), values).expect("shape matches");
    network.add(name, Op::Constant { value }, &[]).expect("a constant is valid")
}

/// A convolution without bias.
pub fn conv(strides: i64, pads: i64) -> Op {
    Op::Conv2d { strides: [strides; 2], pads: [pads; 4], dilations: [1, 1], groups: 1 }
}

/// Inputs from `seed`, scaled to roughly [-2, 2].
pub fn inputs(network: &Network, seed: u64) -> Vec<Tensor> {
    autows_zoo::sample_inputs(network, seed)
}

fn floats(tensor: &Tensor) -> Vec<f32> {
    match &tensor.data {
        TensorData::F32(values) => values.to_vec(),
        other => other.to_f32(),
    }
}

/// Runs both networks on three random inputs and checks every output element agrees within `tolerance`
/// (relative to the magnitude, absolute near zero); `0.0` asks for bit-equal floats.
pub fn assert_equivalent(before: &Network, after: &Network, weights: &dyn WeightLoader, tolerance: f32) {
    for seed in 0..3 {
        let inputs = inputs(before, seed);
        let expected = run(before, &inputs, weights).expect("the original runs");
        let found = run(after, &inputs, weights).expect("the rewritten network runs");
        assert_eq!(expected.len(), found.len());
        for (e, f) in expected.iter().zip(&found) {
            assert_eq!(e.shape, f.shape);
            for (index, (x, y)) in floats(e).iter().zip(floats(f)).enumerate() {
                if tolerance == 0.0 {
                    assert_eq!(x.to_bits(), y.to_bits(), "element {index}: {x} vs {y}");
                } else {
                    assert!((x - y).abs() <= tolerance * (1.0 + x.abs()), "element {index}: {x} vs {y}");
                }
            }
        }
    }
}

/// Runs both networks in the `w4a5` integer arithmetic and checks the codes are identical.
pub fn assert_quantized_equal(before: &Network, after: &Network, weights: &dyn WeightLoader) {
    let spec: QuantSpec = "w4a5".parse().expect("a valid spec");
    for seed in 0..3 {
        let inputs = inputs(before, seed);
        let expected = run_quantized(before, &inputs, weights, &spec).expect("the original runs quantised");
        let found = run_quantized(after, &inputs, weights, &spec).expect("the rewritten network runs quantised");
        for (e, f) in expected.iter().zip(&found) {
            assert_eq!(e.fixed.codes, f.fixed.codes);
        }
    }
}

/// Optimises with the default options and checks the run saturated.
pub fn optimized(network: &Network) -> EqsatOutcome {
    let outcome = optimize(network, &EqsatOptions::default()).expect("optimisation succeeds");
    assert_eq!(outcome.stop_reason, autows_eqsat::StopReason::Saturated, "{}", outcome.summary());
    outcome
}

/// The dialect names of the nodes, in order, leaving out weights and constants.
pub fn ops(network: &Network) -> Vec<&'static str> {
    network
        .nodes
        .iter()
        .map(|node| node.op.dialect_name())
        .filter(|name| !matches!(*name, "weight" | "constant"))
        .collect()
}

/// Activation-level operations: nodes not computed from weights and constants alone, data movement aside.
pub fn compute_nodes(network: &Network) -> usize {
    let mut weight_only = vec![false; network.values.len()];
    let mut count = 0;
    for node in &network.nodes {
        let only = node.inputs.iter().all(|id| weight_only[id.0]);
        weight_only[node.output.0] = only;
        let moves = matches!(node.op, Op::Identity | Op::Dropout { .. } | Op::Reshape | Op::Flatten { .. });
        if !only && !moves {
            count += 1;
        }
    }
    count
}

/// The number of times `rule` fired.
pub fn fired(outcome: &EqsatOutcome, rule: &str) -> usize {
    outcome.rules_fired.get(rule).copied().unwrap_or(0)
}

/// Checks running the optimiser on its own result changes nothing.
pub fn assert_idempotent(outcome: &EqsatOutcome) {
    let again = optimize(&outcome.network, &EqsatOptions::default()).expect("optimisation succeeds");
    assert_eq!(again.network, outcome.network, "a second run changed the network");
}
