//! The generated weights: deterministic, loadable one at a time, checked by their checksums, and sane.

use autows_network::{Network, Op, Tensor, TensorData, WeightError, WeightLoader};
use autows_zoo::{build, generate_weights, layout, source_of, ZooWeights};
use std::{collections::HashMap, sync::Arc};

fn weight_nodes(network: &Network) -> Vec<(&str, &str, &str, &[i64])> {
    network
        .nodes
        .iter()
        .filter_map(|node| match &node.op {
            Op::Weight { source, key, checksum } => {
                Some((source.as_str(), key.as_str(), checksum.as_str(), network.ty(node.output).shape.as_slice()))
            }
            _ => None,
        })
        .collect()
}

fn floats(tensor: &Tensor) -> &[f32] {
    match &tensor.data {
        TensorData::F32(values) => values,
        other => panic!("zoo weights are f32, got {:?}", other.element()),
    }
}

fn checksum_of(network: &Network, key: &str) -> String {
    let found = weight_nodes(network).into_iter().find(|(_, node_key, _, _)| *node_key == key);
    found.map(|(_, _, checksum, _)| checksum.to_string()).unwrap_or_else(|| panic!("no weight '{key}'"))
}

#[test]
fn builds_are_deterministic_and_differ_from_the_layout_only_in_checksums() {
    for name in ["lenet", "mobilenetv2"] {
        let network = build(name).unwrap();
        assert_eq!(network, build(name).unwrap(), "{name}");
        let mut stripped = network.clone();
        for node in &mut stripped.nodes {
            if let Op::Weight { checksum, .. } = &mut node.op {
                assert!(checksum.starts_with("fnv1a64:") && checksum.len() == 24, "{name}: '{checksum}'");
                checksum.clear();
            }
        }
        assert_eq!(stripped, layout(name).unwrap(), "{name}");
    }
}

#[test]
fn full_generation_matches_the_checksums_and_shapes() {
    for name in ["lenet", "resnet18", "mobilenetv2"] {
        let network = build(name).unwrap();
        let generated = generate_weights(name).unwrap();
        let nodes = weight_nodes(&network);
        assert_eq!(generated.len(), nodes.len(), "{name}");
        for ((key, tensor), (source, node_key, checksum, shape)) in generated.iter().zip(nodes) {
            assert_eq!((source, key.as_str()), (source_of(name).as_str(), node_key));
            assert_eq!(tensor.shape, shape, "{name}: '{key}'");
            assert_eq!(tensor.checksum(), checksum, "{name}: '{key}'");
        }
    }
}

#[test]
fn a_weight_loaded_alone_equals_the_same_weight_of_a_full_generation() {
    let network = build("resnet18").unwrap();
    let generated: HashMap<_, _> = generate_weights("resnet18").unwrap().into_iter().collect();
    for key in ["layer3.1.conv2.weight", "layer2.0.downsample.1.running_var", "fc.bias"] {
        let loader = ZooWeights::new();
        let loaded = loader.load("zoo:resnet18", key, &checksum_of(&network, key)).unwrap();
        assert_eq!(&loaded, &generated[key], "{key}");
    }
}

#[test]
fn the_loader_caches_and_shares_tensors() {
    let network = build("lenet").unwrap();
    let checksum = checksum_of(&network, "fc1.weight");
    let loader = ZooWeights::new();
    let first = loader.load("zoo:lenet", "fc1.weight", &checksum).unwrap();
    let second = loader.load("zoo:lenet", "fc1.weight", &checksum).unwrap();
    match (&first.data, &second.data) {
        (TensorData::F32(a), TensorData::F32(b)) => assert!(Arc::ptr_eq(a, b), "the second load regenerated"),
        _ => panic!("zoo weights are f32"),
    }
}

#[test]
fn the_loader_reports_wrong_checksums_keys_and_sources() {
    let network = build("lenet").unwrap();
    let loader = ZooWeights::new();
    assert!(loader.handles("zoo:lenet") && loader.handles("zoo:resnet50"));
    assert!(!loader.handles("zoo:resnet-50") && !loader.handles("lenet") && !loader.handles("weights/lenet.onnx"));

    let checksum = checksum_of(&network, "conv2.bias");
    let wrong = "fnv1a64:0000000000000000";
    for _ in 0..2 {
        // Twice: the second answer comes from the cache and must be checked all the same.
        match loader.load("zoo:lenet", "conv2.bias", wrong) {
            Err(WeightError::Checksum { expected, found, .. }) => {
                assert_eq!((expected.as_str(), found), (wrong, checksum.clone()))
            }
            other => panic!("expected a checksum error, got {other:?}"),
        }
    }
    assert!(loader.load("zoo:lenet", "conv2.bias", &checksum).is_ok());
    // The checksums of one model do not fit another's weights of the same key.
    assert!(matches!(
        loader.load("zoo:resnet18", "conv1.weight", &checksum_of(&network, "conv1.weight")),
        Err(WeightError::Checksum { .. })
    ));
    assert!(matches!(loader.load("zoo:lenet", "conv3.weight", &checksum), Err(WeightError::MissingKey { .. })));
    assert!(matches!(loader.load("zoo:nothing", "conv1.weight", &checksum), Err(WeightError::UnknownSource(_))));
    // A layout's weights carry no checksum and so never load.
    assert!(matches!(loader.load("zoo:lenet", "conv2.bias", ""), Err(WeightError::Checksum { .. })));
}

#[test]
fn the_loader_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<ZooWeights>();
    let network = build("lenet").unwrap();
    let loader = ZooWeights::new();
    let keys: Vec<_> = weight_nodes(&network).into_iter().map(|(_, key, checksum, _)| (key, checksum)).collect();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for (key, checksum) in &keys {
                    assert!(loader.load("zoo:lenet", key, checksum).is_ok(), "{key}");
                }
            });
        }
    });
}

/// Pinned checksums: a change here changes the values of every zoo weight and invalidates the checksums in any
/// IR written with them, so it must be deliberate.
#[test]
fn checksums_are_stable_across_versions_and_machines() {
    let lenet = build("lenet").unwrap();
    assert_eq!(checksum_of(&lenet, "conv1.weight"), "fnv1a64:1da594f661c83325");
    assert_eq!(checksum_of(&lenet, "fc3.bias"), "fnv1a64:5fb4e10ce6964543");
    let resnet18 = build("resnet18").unwrap();
    assert_eq!(checksum_of(&resnet18, "layer1.0.bn1.running_var"), "fnv1a64:11b1d05f24902b25");
}

#[test]
fn weight_statistics_are_sane() {
    for name in ["resnet18", "mobilenetv2", "lenet"] {
        let network = layout(name).unwrap();
        let fan_in: HashMap<_, _> = network
            .nodes
            .iter()
            .filter(|node| matches!(node.op, Op::Conv2d { .. } | Op::Gemm { .. }))
            .map(|node| {
                let shape = &network.ty(node.inputs[1]).shape;
                (network.value(node.inputs[1]).name.clone(), shape[1..].iter().product::<i64>())
            })
            .collect();
        for (key, tensor) in generate_weights(name).unwrap() {
            let values = floats(&tensor);
            assert!(values.iter().all(|v| v.is_finite()), "{name}: '{key}' is not finite");
            let count = values.len() as f64;
            let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / count;
            let variance = values.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / count;
            assert!(variance > 0.0, "{name}: '{key}' is constant");
            let (low, high) =
                values.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            if key.ends_with("running_var") {
                assert!(low >= 0.8 && high < 1.2, "{name}: '{key}' in [{low}, {high}]");
            } else if let Some(&fan_in) = fan_in.get(&key) {
                // Kaiming-normal: N(0, 2 / fan_in).
                let expected = 2.0 / fan_in as f64;
                // Four standard errors of a sample variance, sqrt(2 / n) relative.
                let tolerance = 4.0 * (2.0 / count).sqrt();
                assert!(
                    (variance / expected - 1.0).abs() < tolerance,
                    "{name}: '{key}' variance {variance}, expected {expected}"
                );
                assert!(mean.abs() < 4.0 * (expected / count).sqrt() + 1e-6, "{name}: '{key}' mean {mean}");
            } else if key.ends_with("bias") || key.ends_with("running_mean") {
                assert!(mean.abs() < 0.05 && variance.sqrt() < 0.1, "{name}: '{key}' mean {mean}, variance {variance}");
            } else {
                // Batch-normalisation scales: positive, at most 1.2.
                assert!(key.ends_with("weight") && low > 0.0 && high < 1.2, "{name}: '{key}' in [{low}, {high}]");
            }
        }
    }
}
