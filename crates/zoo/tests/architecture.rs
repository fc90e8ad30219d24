//! The models have torchvision's shapes: operation and parameter counts, layers, outputs and names.

use autows_network::{counts, Network, Op};
use autows_zoo::{describe, layout, names, ZooError};
use std::collections::HashSet;

/// What torchvision's documentation and the papers give for a model.
struct Figures {
    name: &'static str,
    /// Multiply-accumulates in G, written to the precision it is known to.
    gmac: &'static str,
    /// torchvision's parameter count: batch normalisations contribute a scale and a shift per channel.
    torchvision_parameters: u64,
    convolutions: usize,
    fully_connected: usize,
    input: [i64; 4],
    classes: i64,
}

const FIGURES: &[Figures] = &[
    Figures {
        name: "resnet18",
        gmac: "1.814",
        torchvision_parameters: 11_689_512,
        convolutions: 20,
        fully_connected: 1,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "resnet34",
        gmac: "3.66",
        torchvision_parameters: 21_797_672,
        convolutions: 36,
        fully_connected: 1,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "resnet50",
        gmac: "4.089",
        torchvision_parameters: 25_557_032,
        convolutions: 53,
        fully_connected: 1,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "resnet101",
        gmac: "7.80",
        torchvision_parameters: 44_549_160,
        convolutions: 104,
        fully_connected: 1,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "resnet152",
        gmac: "11.51",
        torchvision_parameters: 60_192_808,
        convolutions: 155,
        fully_connected: 1,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "mobilenetv2",
        gmac: "0.301",
        torchvision_parameters: 3_504_872,
        convolutions: 52,
        fully_connected: 1,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "vgg11",
        gmac: "7.61",
        torchvision_parameters: 132_863_336,
        convolutions: 8,
        fully_connected: 3,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "vgg13",
        gmac: "11.31",
        torchvision_parameters: 133_047_848,
        convolutions: 10,
        fully_connected: 3,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "vgg16",
        gmac: "15.47",
        torchvision_parameters: 138_357_544,
        convolutions: 13,
        fully_connected: 3,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "vgg19",
        gmac: "19.63",
        torchvision_parameters: 143_667_240,
        convolutions: 16,
        fully_connected: 3,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "alexnet",
        gmac: "0.71",
        torchvision_parameters: 61_100_840,
        convolutions: 5,
        fully_connected: 3,
        input: [1, 3, 224, 224],
        classes: 1000,
    },
    Figures {
        name: "lenet",
        gmac: "0.000417",
        torchvision_parameters: 61_706,
        convolutions: 2,
        fully_connected: 3,
        input: [1, 1, 28, 28],
        classes: 10,
    },
];

/// Channels of every batch normalisation: folded into the convolution before it, each adds one bias per channel;
/// unfolded, torchvision counts a scale and a shift per channel.
fn batchnorm_channels(network: &Network) -> u64 {
    network
        .nodes
        .iter()
        .filter(|node| matches!(node.op, Op::BatchNorm { .. }))
        .map(|node| network.ty(node.output).shape[1] as u64)
        .sum()
}

fn count(network: &Network, kind: fn(&Op) -> bool) -> usize {
    network.nodes.iter().filter(|node| kind(&node.op)).count()
}

fn is_conv(op: &Op) -> bool {
    matches!(op, Op::Conv2d { .. })
}

fn is_gemm(op: &Op) -> bool {
    matches!(op, Op::Gemm { .. })
}

/// `value` rounded to as many decimals as `expected` has.
fn rounded_like(value: f64, expected: &str) -> String {
    let decimals = expected.split_once('.').map_or(0, |(_, fraction)| fraction.len());
    format!("{value:.decimals$}")
}

fn node_index(network: &Network, name: &str) -> usize {
    network.nodes.iter().position(|node| node.name == name).unwrap_or_else(|| panic!("no node '{name}'"))
}

#[test]
fn every_model_has_figures() {
    let listed: Vec<_> = FIGURES.iter().map(|figures| figures.name).collect();
    assert_eq!(listed, names());
}

#[test]
fn counts_match_torchvision() {
    for figures in FIGURES {
        let network = layout(figures.name).unwrap();
        let name = figures.name;
        let gmac = counts::macs(&network) as f64 / 1e9;
        assert_eq!(rounded_like(gmac, figures.gmac), figures.gmac, "{name}: {gmac} GMAC");
        let parameters = counts::parameters(&network) + 2 * batchnorm_channels(&network);
        assert_eq!(parameters, figures.torchvision_parameters, "{name}: parameters");
        assert_eq!(count(&network, is_conv), figures.convolutions, "{name}: convolutions");
        assert_eq!(count(&network, is_gemm), figures.fully_connected, "{name}: fully connected layers");
        assert_eq!(network.inputs.len(), 1);
        assert_eq!(network.ty(network.inputs[0]).shape, figures.input, "{name}: input");
        assert_eq!(network.outputs.len(), 1);
        assert_eq!(network.ty(network.outputs[0]).shape, [1, figures.classes], "{name}: output");
    }
}

#[test]
fn resnet18_has_11_68_m_parameters_with_batchnorm_folded() {
    let network = layout("resnet18").unwrap();
    let folded = counts::parameters(&network) + batchnorm_channels(&network);
    assert_eq!(folded, 11_684_712);
    assert_eq!(format!("{:.2}", folded as f64 / 1e6), "11.68");
}

#[test]
fn names_are_unique_and_weights_named_by_their_keys() {
    for name in names() {
        let network = layout(name).unwrap();
        let mut seen = HashSet::new();
        for node in &network.nodes {
            assert!(seen.insert(node.name.as_str()), "{name}: two nodes called '{}'", node.name);
            assert_eq!(network.value(node.output).name, node.name);
            if let Op::Weight { source, key, checksum } = &node.op {
                assert_eq!(source, &format!("zoo:{name}"));
                assert_eq!(key, &node.name);
                assert!(checksum.is_empty(), "{name}: {key}: {checksum}");
            }
        }
        assert!(!seen.contains("input"), "{name}: a node shares the input's name");
    }
}

#[test]
fn batchnorms_follow_convolutions_without_bias() {
    for name in names() {
        let network = layout(name).unwrap();
        let users = network.users();
        for node in network.nodes.iter().filter(|node| is_conv(&node.op)) {
            let followers: Vec<_> = users[node.output.0].iter().map(|&user| &network.nodes[user].op).collect();
            let before_batchnorm = matches!(followers.as_slice(), [Op::BatchNorm { .. }]);
            // Convolutions before a batch normalisation have no bias; the others (VGG, AlexNet, LeNet) have one.
            let expected_operands = if before_batchnorm { 2 } else { 3 };
            assert_eq!(node.inputs.len(), expected_operands, "{name}: '{}'", node.name);
        }
        for node in network.nodes.iter().filter(|node| matches!(node.op, Op::BatchNorm { .. })) {
            let producer = network.value(node.inputs[0]).producer.map(|index| &network.nodes[index].op);
            assert!(matches!(producer, Some(Op::Conv2d { .. })), "{name}: '{}' follows no convolution", node.name);
            assert_eq!(node.op, Op::BatchNorm { epsilon: 1e-5 });
        }
    }
}

#[test]
fn resnets_end_in_global_pool_flatten_and_transposed_gemm() {
    for name in ["resnet18", "resnet50"] {
        let network = layout(name).unwrap();
        let tail: Vec<_> =
            network.nodes.iter().filter(|node| !matches!(node.op, Op::Weight { .. })).rev().take(3).collect();
        assert_eq!(tail[2].op, Op::GlobalAvgPool);
        assert_eq!(tail[1].op, Op::Flatten { axis: 1 });
        assert_eq!(tail[0].op, Op::Gemm { trans_a: false, trans_b: true, alpha: 1.0, beta: 1.0 });
        assert_eq!(network.ty(tail[0].inputs[1]).shape, [1000, if name == "resnet18" { 512 } else { 2048 }]);
    }
}

#[test]
fn resnet_blocks_have_torchvision_structure() {
    let resnet18 = layout("resnet18").unwrap();
    let adds = count(&resnet18, |op| matches!(op, Op::Add));
    assert_eq!(adds, 8);
    let stem = node_index(&resnet18, "conv1");
    assert_eq!(resnet18.ty(resnet18.nodes[stem].output).shape, [1, 64, 112, 112]);
    assert_eq!(resnet18.ty(resnet18.nodes[node_index(&resnet18, "maxpool")].output).shape, [1, 64, 56, 56]);
    // The block's ReLU runs twice: after bn1 and after the sum.
    let second_relu = &resnet18.nodes[node_index(&resnet18, "layer1.0.relu_1")];
    let sum = resnet18.value(second_relu.inputs[0]).producer.unwrap();
    assert_eq!(resnet18.nodes[sum].name, "layer1.0.add");
    assert_eq!(resnet18.ty(resnet18.nodes[node_index(&resnet18, "layer4.1.relu_1")].output).shape, [1, 512, 7, 7]);

    let resnet50 = layout("resnet50").unwrap();
    let downsamples = resnet50.nodes.iter().filter(|node| node.name.ends_with(".downsample.0")).count();
    assert_eq!(downsamples, 4);
    // Version 1.5: the 3x3 convolution strides, the 1x1 reduction does not.
    let conv = |name: &str| resnet50.nodes[node_index(&resnet50, name)].op.clone();
    assert!(matches!(conv("layer2.0.conv1"), Op::Conv2d { strides: [1, 1], .. }));
    assert!(matches!(conv("layer2.0.conv2"), Op::Conv2d { strides: [2, 2], .. }));
    assert!(matches!(conv("layer2.0.downsample.0"), Op::Conv2d { strides: [2, 2], .. }));
    assert_eq!(resnet50.ty(resnet50.nodes[node_index(&resnet50, "layer4.2.relu_2")].output).shape, [1, 2048, 7, 7]);
}

#[test]
fn mobilenetv2_has_inverted_residuals_with_relu6() {
    let network = layout("mobilenetv2").unwrap();
    let clips: Vec<_> = network.nodes.iter().filter(|node| matches!(node.op, Op::Clip { .. })).collect();
    assert_eq!(clips.len(), 35, "stem, 17 depthwise, 16 expansions, head");
    assert!(clips.iter().all(|node| node.op == Op::Clip { min: 0.0, max: 6.0 }));
    assert_eq!(count(&network, |op| matches!(op, Op::Add)), 10);
    assert_eq!(count(&network, |op| matches!(op, Op::Relu)), 0);
    let depthwise: Vec<_> = network
        .nodes
        .iter()
        .filter_map(|node| match node.op {
            Op::Conv2d { groups, .. } if groups > 1 => Some((node, groups)),
            _ => None,
        })
        .collect();
    assert_eq!(depthwise.len(), 17);
    for (node, groups) in depthwise {
        assert_eq!(network.ty(node.inputs[1]).shape[1], 1, "'{}' is depthwise", node.name);
        assert_eq!(network.ty(node.output).shape[1], groups);
    }
    // features.2 expands 16 channels sixfold and strides in its depthwise convolution.
    let expand = &network.nodes[node_index(&network, "features.2.conv.0.0")];
    assert_eq!(network.ty(expand.output).shape, [1, 96, 112, 112]);
    let depthwise = &network.nodes[node_index(&network, "features.2.conv.1.0")];
    assert_eq!(network.ty(depthwise.output).shape, [1, 96, 56, 56]);
    let project = &network.nodes[node_index(&network, "features.2.conv.2")];
    assert_eq!(network.ty(project.output).shape, [1, 24, 56, 56]);
    assert_eq!(network.ty(network.nodes[node_index(&network, "features.18.2")].output).shape, [1, 1280, 7, 7]);
    let dropout = &network.nodes[node_index(&network, "classifier.0")];
    assert_eq!(dropout.op, Op::Dropout { ratio: 0.2 });
}

#[test]
fn vgg16_has_five_pools_and_three_fully_connected_layers() {
    let network = layout("vgg16").unwrap();
    assert_eq!(count(&network, |op| matches!(op, Op::MaxPool { .. })), 5);
    assert_eq!(count(&network, |op| matches!(op, Op::Relu)), 15);
    let dropouts: Vec<_> = network.nodes.iter().filter(|node| matches!(node.op, Op::Dropout { .. })).collect();
    assert_eq!(dropouts.iter().map(|node| node.name.as_str()).collect::<Vec<_>>(), ["classifier.2", "classifier.5"]);
    assert!(dropouts.iter().all(|node| node.op == Op::Dropout { ratio: 0.5 }));
    let last_pool = &network.nodes[node_index(&network, "features.30")];
    assert_eq!(network.ty(last_pool.output).shape, [1, 512, 7, 7]);
    let first_fc = &network.nodes[node_index(&network, "classifier.0")];
    assert_eq!(network.ty(first_fc.inputs[1]).shape, [4096, 25088]);
}

#[test]
fn lenet_reads_mnist_images() {
    let network = layout("lenet").unwrap();
    assert_eq!(network.ty(network.nodes[node_index(&network, "conv1")].output).shape, [1, 6, 28, 28]);
    assert_eq!(network.ty(network.nodes[node_index(&network, "pool2")].output).shape, [1, 16, 5, 5]);
    assert_eq!(counts::macs(&network), 416_520);
}

#[test]
fn unknown_names_are_errors_that_list_the_models() {
    let error = layout("resnet-18").unwrap_err();
    assert!(matches!(&error, ZooError::UnknownModel { name, known } if name == "resnet-18" && *known == names()));
    let message = error.to_string();
    for name in names() {
        assert!(message.contains(name), "'{message}' does not list {name}");
    }
    assert!(describe("resnet-18").is_none());
    assert!(describe("mobilenetv2").is_some_and(|line| line.contains("MobileNetV2")));
}
