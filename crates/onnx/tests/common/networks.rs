//! Networks for the export tests: an in-memory weight loader, a network that uses every operation, and the
//! equivalence a round trip through ONNX must keep.

use autows_network::{
    ElementType, Network, Op, PadMode, Tensor, TensorData, TensorType, ValueId, WeightError, WeightLoader, Window2d,
};
use std::collections::HashMap;

/// The weight source of [`MemoryWeights`].
pub const MEMORY: &str = "memory";

/// Serves tensors from memory, for networks the tests build.
#[derive(Default)]
pub struct MemoryWeights(pub HashMap<String, Tensor>);

impl WeightLoader for MemoryWeights {
    fn handles(&self, source: &str) -> bool {
        source == MEMORY
    }

    fn load(&self, source: &str, key: &str, checksum: &str) -> Result<Tensor, WeightError> {
        if source != MEMORY {
            return Err(WeightError::UnknownSource(source.to_string()));
        }
        let tensor = self
            .0
            .get(key)
            .cloned()
            .ok_or_else(|| WeightError::MissingKey { source_name: source.into(), key: key.into() })?;
        autows_network::weights::verify_checksum(source, key, checksum, &tensor)?;
        Ok(tensor)
    }
}

/// Deterministic values in [-1, 1), from a linear congruential generator.
pub fn values(seed: u64, count: usize) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..count)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// Builds a network and the weights it refers to.
pub struct Builder {
    pub network: Network,
    pub weights: MemoryWeights,
    seed: u64,
}

impl Builder {
    pub fn new(name: &str) -> Self {
        Self { network: Network::new(name), weights: MemoryWeights::default(), seed: 1 }
    }

    /// A weight of `shape` with values in `[offset - scale, offset + scale)`.
    pub fn weight(&mut self, name: &str, shape: &[i64], scale: f32, offset: f32) -> ValueId {
        self.seed += 1;
        let count = shape.iter().product::<i64>() as usize;
        let data = values(self.seed, count).into_iter().map(|value| value * scale + offset).collect();
        let tensor = Tensor::from_f32(shape.to_vec(), data).expect("the sizes agree");
        let checksum = tensor.checksum();
        self.weights.0.insert(name.to_string(), tensor);
        self.network.add_weight(name, TensorType::f32(shape), MEMORY, name, checksum)
    }

    pub fn add(&mut self, name: &str, op: Op, inputs: &[ValueId]) -> ValueId {
        self.network.add(name, op, inputs).unwrap_or_else(|error| panic!("{error}"))
    }
}

/// A network with every operation of the network model, in shapes ONNX Runtime and the interpreter both run:
/// two inputs, two outputs, weights, constants (float and integer), every pad mode, every window option.
pub fn every_operation() -> (Network, MemoryWeights) {
    let mut b = Builder::new("every_operation");
    let image = b.network.add_input("image", TensorType::f32([1, 4, 9, 10]));
    let side = b.network.add_input("side", TensorType::f32([1, 8]));

    let w = b.weight("conv.weight", &[8, 2, 3, 3], 0.4, 0.0);
    let bias = b.weight("conv.bias", &[8], 0.1, 0.0);
    let conv = Op::Conv2d { strides: [2, 1], pads: [1, 0, 2, 1], dilations: [1, 2], groups: 2 };
    let x = b.add("conv", conv, &[image, w, bias]);
    let [scale, shift, mean] = ["bn.scale", "bn.shift", "bn.mean"].map(|name| b.weight(name, &[8], 0.2, 0.5));
    let variance = b.weight("bn.var", &[8], 0.3, 1.0);
    let x = b.add("bn", Op::BatchNorm { epsilon: 1e-3 }, &[x, scale, shift, mean, variance]);
    let relu6 = b.add("relu6", Op::Clip { min: 0.0, max: 6.0 }, &[x]);
    let hardswish = b.add("hardswish", Op::HardSwish, &[x]);
    let x = b.add("add", Op::Add, &[relu6, hardswish]);
    let reflect = Op::Pad { pads: vec![0, 0, 1, 2, 0, 0, 2, 1], mode: PadMode::Reflect, value: 0.0 };
    let x = b.add("pad_reflect", reflect, &[x]);
    let edge = Op::Pad { pads: vec![0, 0, 0, 1, 0, 0, 1, 0], mode: PadMode::Edge, value: 0.0 };
    let x = b.add("pad_edge", edge, &[x]);
    let constant = Op::Pad { pads: vec![0, 0, 1, 1, 0, 0, 1, 1], mode: PadMode::Constant, value: -0.5 };
    let x = b.add("pad_constant", constant, &[x]);
    let window = Window2d { kernel: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1], dilations: [1, 2] };
    let max = b.add("maxpool", Op::MaxPool { window, ceil_mode: true }, &[x]);
    let window = Window2d { kernel: [2, 3], strides: [1, 2], pads: [0, 1, 1, 1], dilations: [1, 1] };
    let avg = b.add("avgpool", Op::AvgPool { window: window.clone(), ceil_mode: true, count_include_pad: true }, &[x]);
    let avg_excluding =
        b.add("avgpool_excluding", Op::AvgPool { window, ceil_mode: false, count_include_pad: false }, &[x]);
    let gap_max = b.add("gap_max", Op::GlobalAvgPool, &[max]);
    let gap_avg = b.add("gap_avg", Op::GlobalAvgPool, &[avg]);
    let gap_excluding = b.add("gap_excluding", Op::GlobalAvgPool, &[avg_excluding]);
    let x = b.add("concat", Op::Concat { axis: 1 }, &[gap_max, gap_avg]);
    let x = b.add("concat_negative", Op::Concat { axis: -3 }, &[x, gap_excluding]);
    let x = b.add("flatten", Op::Flatten { axis: 1 }, &[x]);
    let x = b.add("sigmoid", Op::Sigmoid, &[x]);
    let fc = b.weight("fc.weight", &[6, 24], 0.3, 0.0);
    let fc_bias = b.weight("fc.bias", &[6], 0.1, 0.0);
    let gemm = Op::Gemm { trans_a: false, trans_b: true, alpha: 0.75, beta: 1.5 };
    let x = b.add("fc", gemm, &[x, fc, fc_bias]);
    let x = b.add("dropout", Op::Dropout { ratio: 0.25 }, &[x]);
    let side_t = b.add("side_t", Op::Transpose { perm: vec![1, 0] }, &[side]);
    let lhs = b.weight("gemm_a", &[8, 3], 0.5, 0.0);
    let y = b.add("gemm_transposed", Op::Gemm { trans_a: true, trans_b: false, alpha: 1.0, beta: 1.0 }, &[side_t, lhs]);
    let y = b.network.add_reshape("reshape", y, &[3, 1]).expect("a valid reshape");
    let matrix = Tensor::from_f32([1, 6], values(99, 6)).expect("the sizes agree");
    let c = b.add("matrix", Op::Constant { value: matrix }, &[]);
    let y = b.add("matmul", Op::MatMul, &[y, c]);
    let y = b.add("identity", Op::Identity, &[y]);
    let x = b.add("sub", Op::Sub, &[y, x]);
    let square = b.add("square", Op::Mul, &[x, x]);
    let one = b.add("one", Op::Constant { value: Tensor::from_f32([1], vec![1.0]).expect("one element") }, &[]);
    let shifted = b.add("shifted", Op::Add, &[square, one]);
    let root = b.add("sqrt", Op::Sqrt, &[shifted]);
    let x = b.add("div", Op::Div, &[x, root]);
    let probabilities = b.add("softmax", Op::Softmax { axis: -1 }, &[x]);
    let relu = b.add("relu", Op::Relu, &[x]);
    // Integer data: an int64 constant and an int8 weight, moved about.
    let indices =
        b.add("indices", Op::Constant { value: i64_tensor(&[2, 3], &[0, -1, 2, i64::MAX, 4, i64::MIN]) }, &[]);
    let indices = b.add("indices_t", Op::Transpose { perm: vec![1, 0] }, &[indices]);
    let codes = Tensor { shape: vec![2, 2, 2], data: TensorData::I8(vec![-128, -1, 0, 1, 2, 3, 64, 127].into()) };
    let checksum = codes.checksum();
    b.weights.0.insert("codes".into(), codes);
    let ty = TensorType { shape: vec![2, 2, 2], element: ElementType::I8 };
    let codes = b.network.add_weight("codes", ty, MEMORY, "codes", checksum);
    let codes = b.add("codes_flat", Op::Flatten { axis: -1 }, &[codes]);
    b.network.outputs.extend([probabilities, relu, indices, codes]);
    (b.network, b.weights)
}

/// What a value is, in terms that survive a round trip: the node that computes it, or the input it is.
fn origin(network: &Network, id: ValueId) -> String {
    match network.value(id).producer {
        Some(producer) => format!("node '{}'", network.nodes[producer].name),
        None => format!("input '{}'", network.value(id).name),
    }
}

/// The checksum a weight or constant carries, and its type.
fn stored(network: &Network, node: &autows_network::Node) -> Option<(String, TensorType)> {
    let ty = network.ty(node.output).clone();
    match &node.op {
        Op::Weight { checksum, .. } => Some((checksum.clone(), ty)),
        Op::Constant { value } => Some((value.checksum(), ty)),
        _ => None,
    }
}

/// Checks that `imported` is `original` after a round trip through ONNX: the same name, inputs and outputs, the
/// same nodes by name with the same operations, operands and result types, and every weight or constant of
/// `original` as a weight of `imported` named after its node, with the same checksum. Node order may differ
/// (the importer brings a weight in just before its first use). Returns every difference.
pub fn differences(original: &Network, imported: &Network) -> Vec<String> {
    let mut found = Vec::new();
    if original.name != imported.name {
        found.push(format!("name '{}' became '{}'", original.name, imported.name));
    }
    let inputs = |network: &Network| -> Vec<(String, TensorType)> {
        network.inputs.iter().map(|&id| (network.value(id).name.clone(), network.ty(id).clone())).collect()
    };
    if inputs(original) != inputs(imported) {
        found.push(format!("inputs {:?} became {:?}", inputs(original), inputs(imported)));
    }
    let outputs = |network: &Network| -> Vec<(String, TensorType)> {
        network.outputs.iter().map(|&id| (origin(network, id), network.ty(id).clone())).collect()
    };
    if outputs(original) != outputs(imported) {
        found.push(format!("outputs {:?} became {:?}", outputs(original), outputs(imported)));
    }
    let by_name: HashMap<&str, &autows_network::Node> =
        imported.nodes.iter().map(|node| (node.name.as_str(), node)).collect();
    if by_name.len() != imported.nodes.len() {
        found.push("the imported network repeats a node name".into());
    }
    for node in &original.nodes {
        let Some(copy) = by_name.get(node.name.as_str()) else {
            found.push(format!("node '{}' is missing", node.name));
            continue;
        };
        match (stored(original, node), &copy.op) {
            (Some((checksum, ty)), Op::Weight { key, checksum: copied, .. }) => {
                if *copied != checksum || *key != node.name || *imported.ty(copy.output) != ty {
                    found.push(format!(
                        "weight '{}' ({checksum}, {}) became key '{key}' ({copied}, {})",
                        node.name,
                        ty.mlir(),
                        imported.ty(copy.output).mlir()
                    ));
                }
                continue;
            }
            (Some(_), op) => found.push(format!("weight '{}' became {}", node.name, op.dialect_name())),
            (None, op) if *op != node.op => found.push(format!("node '{}': {:?} became {:?}", node.name, node.op, op)),
            (None, _) => {}
        }
        let operands = |network: &Network, node: &autows_network::Node| -> Vec<String> {
            node.inputs.iter().map(|&id| origin(network, id)).collect()
        };
        if operands(original, node) != operands(imported, copy) {
            found.push(format!(
                "node '{}' reads {:?}, its copy {:?}",
                node.name,
                operands(original, node),
                operands(imported, copy)
            ));
        }
        if original.ty(node.output) != imported.ty(copy.output) {
            found.push(format!(
                "node '{}' computes {}, its copy {}",
                node.name,
                original.ty(node.output).mlir(),
                imported.ty(copy.output).mlir()
            ));
        }
    }
    if original.nodes.len() != imported.nodes.len() {
        found.push(format!("{} nodes became {}", original.nodes.len(), imported.nodes.len()));
    }
    found
}

/// An i64 tensor, for integer constants.
pub fn i64_tensor(shape: &[i64], values: &[i64]) -> Tensor {
    Tensor { shape: shape.to_vec(), data: TensorData::I64(values.to_vec().into()) }
}
