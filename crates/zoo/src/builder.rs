//! Layers as torchvision writes them, added to a [`Network`] together with the weights they own.
//!
//! The builder records each weight's [`WeightSpec`] instead of generating its values, so laying out a model is
//! cheap: the weight loader lays out a model only to find one key's shape and distribution. The checksums are
//! stamped in afterwards by [`ModelPlan::stamp_checksums`].

use crate::init::{Init, WeightSpec};
use autows_network::{Network, NetworkError, Op, TensorType, ValueId, Window2d};

/// The batch-normalisation epsilon of torchvision's `BatchNorm2d`.
const BATCHNORM_EPSILON: f32 = 1e-5;

/// The spread of biases, batch-normalisation shifts and running means: small next to activations of order one.
const SMALL_STD: f32 = 0.05;

/// A convolution's geometry, square as in every zoo model.
#[derive(Clone, Copy, Debug)]
pub struct Conv {
    out_channels: i64,
    kernel: i64,
    stride: i64,
    padding: i64,
    groups: i64,
    bias: bool,
}

impl Conv {
    /// A `kernel` x `kernel` convolution to `out_channels`, unit stride, no padding, one group, no bias (the
    /// torchvision convolution before a batch normalisation).
    pub fn new(out_channels: i64, kernel: i64) -> Self {
        Self { out_channels, kernel, stride: 1, padding: 0, groups: 1, bias: false }
    }

    /// With stride `stride` in both directions.
    pub fn stride(self, stride: i64) -> Self {
        Self { stride, ..self }
    }

    /// With `padding` on every side.
    pub fn padding(self, padding: i64) -> Self {
        Self { padding, ..self }
    }

    /// Split into `groups` groups (as many as channels: depthwise).
    pub fn groups(self, groups: i64) -> Self {
        Self { groups, ..self }
    }

    /// With a bias per output channel.
    pub fn with_bias(self) -> Self {
        Self { bias: true, ..self }
    }
}

/// A weight node of the network with the spec its values come from.
#[derive(Clone, Debug)]
pub struct PlannedWeight {
    /// The index of the `weight` node.
    pub node: usize,
    /// What to generate.
    pub spec: WeightSpec,
}

/// A laid-out model: the network with empty weight checksums, and its weights.
#[derive(Clone, Debug)]
pub struct ModelPlan {
    /// The network.
    pub network: Network,
    /// Every weight, in node order.
    pub weights: Vec<PlannedWeight>,
}

impl ModelPlan {
    /// Writes `checksums` (one per weight, in order) into the weight nodes.
    pub fn stamp_checksums(&mut self, checksums: Vec<String>) {
        for (weight, value) in self.weights.iter().zip(checksums) {
            if let Op::Weight { checksum, .. } = &mut self.network.nodes[weight.node].op {
                *checksum = value;
            }
        }
    }
}

/// Adds torchvision layers to a network under construction.
#[derive(Debug)]
pub struct ModelBuilder {
    source: String,
    network: Network,
    weights: Vec<PlannedWeight>,
}

impl ModelBuilder {
    /// A network named `model` with one float input of `shape`, called `input` as in torchvision's ONNX
    /// exports.
    pub fn new(model: &str, shape: [i64; 4]) -> (Self, ValueId) {
        let mut network = Network::new(model);
        let input = network.add_input("input", TensorType::f32(shape));
        (Self { source: crate::source_of(model), network, weights: Vec::new() }, input)
    }

    /// Dimension 1 of `value`: channels of an image, features of a matrix.
    pub fn channels(&self, value: ValueId) -> i64 {
        self.network.ty(value).shape[1]
    }

    /// A weight named by its `state_dict` key, which is also the node's name.
    fn weight(&mut self, key: String, shape: Vec<i64>, init: Init) -> ValueId {
        let node = self.network.nodes.len();
        let value = self.network.add_weight(&key, TensorType::f32(shape.clone()), &self.source, &key, "");
        self.weights.push(PlannedWeight { node, spec: WeightSpec { key, shape, init } });
        value
    }

    /// A bias, small so that it shifts activations without dominating them.
    fn bias(&mut self, module: &str, size: i64) -> ValueId {
        self.weight(format!("{module}.bias"), vec![size], Init::Normal { mean: 0.0, std: SMALL_STD })
    }

    /// `nn.Conv2d` named `module`.
    pub fn conv(&mut self, module: &str, input: ValueId, conv: Conv) -> Result<ValueId, NetworkError> {
        let in_per_group = self.channels(input) / conv.groups.max(1);
        let fan_in = in_per_group * conv.kernel * conv.kernel;
        let weight = self.weight(
            format!("{module}.weight"),
            vec![conv.out_channels, in_per_group, conv.kernel, conv.kernel],
            Init::HeNormal { fan_in },
        );
        let mut operands = vec![input, weight];
        if conv.bias {
            operands.push(self.bias(module, conv.out_channels));
        }
        let op =
            Op::Conv2d { strides: [conv.stride; 2], pads: [conv.padding; 4], dilations: [1, 1], groups: conv.groups };
        self.network.add(module, op, &operands)
    }

    /// `nn.BatchNorm2d` named `module`, in inference form, whose scales are drawn around `gamma`.
    pub fn batchnorm(&mut self, module: &str, input: ValueId, gamma: f32) -> Result<ValueId, NetworkError> {
        let channels = self.channels(input);
        let scale = self.weight(
            format!("{module}.weight"),
            vec![channels],
            Init::Uniform { low: 0.8 * gamma, high: 1.2 * gamma },
        );
        let shift = self.weight(format!("{module}.bias"), vec![channels], Init::Normal { mean: 0.0, std: SMALL_STD });
        let mean =
            self.weight(format!("{module}.running_mean"), vec![channels], Init::Normal { mean: 0.0, std: SMALL_STD });
        let variance =
            self.weight(format!("{module}.running_var"), vec![channels], Init::Uniform { low: 0.8, high: 1.2 });
        let op = Op::BatchNorm { epsilon: BATCHNORM_EPSILON };
        self.network.add(module, op, &[input, scale, shift, mean, variance])
    }

    /// `nn.Linear` named `module`: a `gemm` with the weight transposed, as ONNX exports it.
    pub fn linear(&mut self, module: &str, input: ValueId, out_features: i64) -> Result<ValueId, NetworkError> {
        let in_features = self.channels(input);
        let weight = self.weight(
            format!("{module}.weight"),
            vec![out_features, in_features],
            Init::HeNormal { fan_in: in_features },
        );
        let bias = self.bias(module, out_features);
        let op = Op::Gemm { trans_a: false, trans_b: true, alpha: 1.0, beta: 1.0 };
        self.network.add(module, op, &[input, weight, bias])
    }

    /// `nn.ReLU`.
    pub fn relu(&mut self, name: &str, input: ValueId) -> Result<ValueId, NetworkError> {
        self.network.add(name, Op::Relu, &[input])
    }

    /// `nn.ReLU6`, which ONNX exports as a clip to `[0, 6]`.
    pub fn relu6(&mut self, name: &str, input: ValueId) -> Result<ValueId, NetworkError> {
        self.network.add(name, Op::Clip { min: 0.0, max: 6.0 }, &[input])
    }

    /// `nn.MaxPool2d` with floor rounding.
    pub fn max_pool(
        &mut self,
        name: &str,
        input: ValueId,
        kernel: i64,
        stride: i64,
        padding: i64,
    ) -> Result<ValueId, NetworkError> {
        let window = Window2d { kernel: [kernel; 2], strides: [stride; 2], pads: [padding; 4], dilations: [1, 1] };
        self.network.add(name, Op::MaxPool { window, ceil_mode: false }, &[input])
    }

    /// An adaptive average pool to 1 x 1, which ONNX exports as a global average pool.
    pub fn global_avg_pool(&mut self, name: &str, input: ValueId) -> Result<ValueId, NetworkError> {
        self.network.add(name, Op::GlobalAvgPool, &[input])
    }

    /// `torch.flatten(x, 1)`.
    pub fn flatten(&mut self, name: &str, input: ValueId) -> Result<ValueId, NetworkError> {
        self.network.add(name, Op::Flatten { axis: 1 }, &[input])
    }

    /// `nn.Dropout`, a pass-through at inference.
    pub fn dropout(&mut self, name: &str, input: ValueId, ratio: f32) -> Result<ValueId, NetworkError> {
        self.network.add(name, Op::Dropout { ratio }, &[input])
    }

    /// The element-wise sum of a residual connection.
    pub fn add(&mut self, name: &str, lhs: ValueId, rhs: ValueId) -> Result<ValueId, NetworkError> {
        self.network.add(name, Op::Add, &[lhs, rhs])
    }

    /// The finished model, with `output` as its only output.
    pub fn finish(mut self, output: ValueId) -> ModelPlan {
        self.network.outputs.push(output);
        ModelPlan { network: self.network, weights: self.weights }
    }
}
