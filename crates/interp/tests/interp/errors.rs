//! Bad networks and bad inputs give errors that name the node, never panics.

use crate::support::{counting, tensor, MapLoader};
use autows_interp::{run, InterpError};
use autows_network::{Network, Node, Op, Tensor, TensorData, TensorType, Value, ValueId, WeightError, Window2d};

fn relu_network() -> Network {
    let mut network = Network::new("relu");
    let x = network.add_input("x", TensorType::f32([1, 4]));
    let y = network.add("act", Op::Relu, &[x]).unwrap();
    network.outputs.push(y);
    network
}

#[test]
fn wrong_inputs() {
    let network = relu_network();
    let loader = MapLoader::default();
    let error = run(&network, &[], &loader).unwrap_err();
    assert!(matches!(error, InterpError::InputCount { expected: 1, found: 0, .. }), "{error}");
    let error = run(&network, &[tensor(&[1, 3], vec![0.0; 3])], &loader).unwrap_err();
    assert_eq!(error.to_string(), "input 0 ('x') must be tensor<1x4xf32>, got tensor<1x3xf32>");
    let lying = Tensor { shape: vec![1, 4], data: TensorData::F32(vec![0.0; 3].into()) };
    let error = run(&network, &[lying], &loader).unwrap_err();
    assert!(error.to_string().contains("holding 3 elements"), "{error}");
}

#[test]
fn loader_failures_name_the_node() {
    let mut network = Network::new("weights");
    let w = network.add_weight("conv1.weight", TensorType::f32([2]), "test", "missing", "fnv1a64:0");
    network.outputs.push(w);
    let error = run(&network, &[], &MapLoader::default()).unwrap_err();
    assert!(
        matches!(&error, InterpError::Weight { node, error: WeightError::MissingKey { .. } } if node == "conv1.weight")
    );
    assert!(error.to_string().contains("conv1.weight"), "{error}");

    let mut network = Network::new("weights");
    let w = network.add_weight("fc.weight", TensorType::f32([2]), "elsewhere.onnx", "fc", "fnv1a64:0");
    network.outputs.push(w);
    let error = run(&network, &[], &MapLoader::default()).unwrap_err();
    assert!(matches!(&error, InterpError::Weight { error: WeightError::UnknownSource(_), .. }), "{error}");

    // The loaded tensor must have the declared type.
    let mut network = Network::new("weights");
    let mut loader = MapLoader::default();
    let w = loader.weight(&mut network, "w", &[2, 2], counting(4));
    network.values[w.0].ty = TensorType::f32([4]);
    network.outputs.push(w);
    let error = run(&network, &[], &loader).unwrap_err();
    assert_eq!(error.to_string(), "node 'w' (weight) computes tensor<2x2xf32> but the network declares tensor<4xf32>");
}

/// Appends a node by hand, bypassing the checks of `Network::add`.
fn push_node(network: &mut Network, name: &str, op: Op, inputs: Vec<ValueId>, ty: TensorType) -> ValueId {
    let output = ValueId(network.values.len());
    network.values.push(Value { name: name.into(), ty, producer: Some(network.nodes.len()) });
    network.nodes.push(Node { name: name.into(), op, inputs, output });
    output
}

#[test]
fn malformed_networks() {
    let loader = MapLoader::default();
    let input = || vec![tensor(&[1, 4], vec![1.0; 4])];

    let mut network = relu_network();
    let x = network.inputs[0];
    let bad = push_node(&mut network, "lonely_add", Op::Add, vec![x], TensorType::f32([1, 4]));
    network.outputs = vec![bad];
    let error = run(&network, &input(), &loader).unwrap_err();
    assert_eq!(error.to_string(), "node 'lonely_add' (add) takes 2 operand(s), got 1");

    let mut network = relu_network();
    let early = push_node(&mut network, "early", Op::Relu, vec![ValueId(99)], TensorType::f32([1, 4]));
    network.outputs = vec![early];
    let error = run(&network, &input(), &loader).unwrap_err();
    assert!(matches!(error, InterpError::Dangling { value: 99, .. }), "{error}");

    let mut network = relu_network();
    network.values[1].ty = TensorType::f32([4]);
    let error = run(&network, &input(), &loader).unwrap_err();
    assert!(matches!(error, InterpError::DeclaredType { ref node, .. } if node == "act"), "{error}");

    let mut network = relu_network();
    let x = network.inputs[0];
    let wrong = push_node(
        &mut network,
        "conv",
        Op::Conv2d { strides: [1, 1], pads: [0; 4], dilations: [1, 1], groups: 1 },
        vec![x, x],
        TensorType::f32([1]),
    );
    network.outputs = vec![wrong];
    let error = run(&network, &input(), &loader).unwrap_err();
    assert_eq!(error.to_string(), "node 'conv' (conv2d): the input must have rank 4, got rank 2 (1x4)");

    // Absurd sizes are refused rather than overflowing.
    let mut network = relu_network();
    let x = network.inputs[0];
    let huge = push_node(&mut network, "huge", Op::Reshape, vec![x], TensorType::f32([i64::MAX, 4]));
    network.outputs = vec![huge];
    let error = run(&network, &input(), &loader).unwrap_err();
    assert!(error.to_string().starts_with("node 'huge' (reshape): cannot reshape to"), "{error}");
    let mut network = relu_network();
    let x = network.inputs[0];
    let pad = Op::Pad { pads: vec![0, i64::MAX, 0, 1], mode: autows_network::PadMode::Constant, value: 0.0 };
    let padded = push_node(&mut network, "padded", pad, vec![x], TensorType::f32([1, 4]));
    network.outputs = vec![padded];
    let error = run(&network, &input(), &loader).unwrap_err();
    assert!(error.to_string().contains("too large to represent"), "{error}");

    let mut network = relu_network();
    network.outputs = vec![ValueId(42)];
    let error = run(&network, &input(), &loader).unwrap_err();
    assert!(matches!(error, InterpError::MissingOutput { index: 0, value: 42 }), "{error}");
}

#[test]
fn runtime_rule_violations() {
    let loader = MapLoader::default();
    // A window entirely in the padding has no maximum.
    let mut network = Network::new("pool");
    let x = network.add_input("x", TensorType::f32([1, 1, 1, 1]));
    let window = Window2d { kernel: [2, 2], strides: [1, 1], pads: [2, 2, 2, 2], dilations: [1, 1] };
    let y = network.add("pool", Op::MaxPool { window, ceil_mode: false }, &[x]).unwrap();
    network.outputs.push(y);
    let error = run(&network, &[tensor(&[1, 1, 1, 1], vec![1.0])], &loader).unwrap_err();
    assert!(error.to_string().starts_with("node 'pool' (maxpool): a pooling window covers padding only"), "{error}");

    // Reflection needs more elements than the pad.
    let mut network = Network::new("pad");
    let x = network.add_input("x", TensorType::f32([1, 3]));
    let y = network
        .add("pad", Op::Pad { pads: vec![0, 3, 0, 0], mode: autows_network::PadMode::Reflect, value: 0.0 }, &[x])
        .unwrap();
    network.outputs.push(y);
    let error = run(&network, &[tensor(&[1, 3], vec![1.0; 3])], &loader).unwrap_err();
    assert!(error.to_string().contains("reflect padding of 3 along dimension 1"), "{error}");

    // Integer constants cannot enter float arithmetic.
    let mut network = Network::new("types");
    let x = network.add_input("x", TensorType::f32([2]));
    let ints = Tensor { shape: vec![2], data: TensorData::I64(vec![1, 2].into()) };
    let c = network.add("ints", Op::Constant { value: ints }, &[]).unwrap();
    let y = network.add("sum", Op::Add, &[c, x]).unwrap();
    network.outputs.push(y);
    let error = run(&network, &[Tensor { shape: vec![2], data: TensorData::I64(vec![1, 2].into()) }], &loader);
    assert!(matches!(error, Err(InterpError::InputType { .. })));
    let mut network = Network::new("types");
    let x = network.add_input("x", TensorType::f32([2]));
    let ints = Tensor { shape: vec![2], data: TensorData::I64(vec![1, 2].into()) };
    let c = network.add("ints", Op::Constant { value: ints }, &[]).unwrap();
    let y = network.add("sum", Op::Add, &[x, c]).unwrap();
    network.outputs.push(y);
    let error = run(&network, &[tensor(&[2], vec![1.0, 2.0])], &loader).unwrap_err();
    assert_eq!(error.to_string(), "node 'sum' (add): the right operand must have f32 elements, got i64");

    // Integer tensors still move through layout operations.
    let mut network = Network::new("ints");
    let ints = Tensor { shape: vec![2, 2], data: TensorData::I64(vec![1, 2, 3, 4].into()) };
    let c = network.add("ints", Op::Constant { value: ints }, &[]).unwrap();
    let t = network.add("t", Op::Transpose { perm: vec![1, 0] }, &[c]).unwrap();
    network.outputs.push(t);
    let outputs = run(&network, &[], &loader).unwrap();
    assert_eq!(outputs[0].data, TensorData::I64(vec![1, 3, 2, 4].into()));
}
