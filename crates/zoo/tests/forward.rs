//! The generated weights give every layer of the float network finite, non-degenerate activations.
//!
//! The larger models are ignored by default (minutes unoptimised); run them with
//! `cargo test --release -p autows-zoo --test forward -- --ignored --nocapture`.

mod common;

use autows_zoo::build;

/// Runs `name` on a unit-variance image and checks every node's result.
fn activations_stay_healthy(name: &str) {
    let network = build(name).unwrap();
    let input_len = network.ty(network.inputs[0]).element_count();
    let (stats, output) = common::run(&network, common::test_image(input_len));
    let (smallest, largest) = stats.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), s| (lo.min(s.rms), hi.max(s.rms)));
    eprintln!("{name}: node rms from {smallest:.3} to {largest:.3}");
    for stat in &stats {
        assert!(stat.finite, "{name}: '{}' has non-finite values", stat.node);
        assert!(stat.std > 1e-3, "{name}: '{}' is nearly constant (std {})", stat.node, stat.std);
        assert!((0.05..50.0).contains(&stat.rms), "{name}: '{}' has rms {}", stat.node, stat.rms);
    }
    let distinct_logits = output.iter().map(|v| v.to_bits()).collect::<std::collections::HashSet<_>>().len();
    assert!(distinct_logits > output.len() / 2, "{name}: the logits are mostly equal");
}

#[test]
fn lenet() {
    activations_stay_healthy("lenet");
}

#[test]
fn mobilenetv2() {
    activations_stay_healthy("mobilenetv2");
}

/// Every other model: 0.7 to 19.6 GMAC.
#[test]
fn every_larger_model() {
    for name in autows_zoo::names().into_iter().filter(|name| !["lenet", "mobilenetv2"].contains(name)) {
        activations_stay_healthy(name);
    }
}
