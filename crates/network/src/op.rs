//! The operations of a network: one variant per operation of the `graph` dialect, with the same parameters.

use crate::tensor::Tensor;

/// How `pad` fills the new border.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PadMode {
    /// With a constant value.
    Constant,
    /// Mirrored about the edge, the edge itself excluded.
    Reflect,
    /// Repeating the edge.
    Edge,
}

impl PadMode {
    /// The word the `graph` dialect uses.
    pub fn name(self) -> &'static str {
        match self {
            PadMode::Constant => "constant",
            PadMode::Reflect => "reflect",
            PadMode::Edge => "edge",
        }
    }

    /// Reads the dialect's word.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "constant" => Some(PadMode::Constant),
            "reflect" => Some(PadMode::Reflect),
            "edge" => Some(PadMode::Edge),
            _ => None,
        }
    }
}

/// A 2-D window's geometry: kernel, strides, `[top, left, bottom, right]` pads and dilations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Window2d {
    /// Kernel rows and columns.
    pub kernel: [i64; 2],
    /// Row and column strides.
    pub strides: [i64; 2],
    /// `[top, left, bottom, right]`.
    pub pads: [i64; 4],
    /// Row and column dilations.
    pub dilations: [i64; 2],
}

impl Window2d {
    /// A window of `kernel` with unit strides and dilations and no padding.
    pub fn new(kernel: [i64; 2]) -> Self {
        Self { kernel, strides: [1, 1], pads: [0; 4], dilations: [1, 1] }
    }
}

/// One operation with its parameters. Operands are the node's inputs, in the order the `graph` dialect lists
/// them.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Inputs: input, weight, optional bias. The kernel size is the weight's.
    Conv2d {
        /// Row and column strides.
        strides: [i64; 2],
        /// `[top, left, bottom, right]`.
        pads: [i64; 4],
        /// Row and column dilations.
        dilations: [i64; 2],
        /// Groups the channels are split into (depthwise: as many as channels).
        groups: i64,
    },
    /// `alpha * op(a) * op(b) + beta * c`; inputs a, b, optional c.
    Gemm {
        /// Transpose `a`.
        trans_a: bool,
        /// Transpose `b`.
        trans_b: bool,
        /// Scale of the product.
        alpha: f32,
        /// Scale of `c`.
        beta: f32,
    },
    /// Matrix product with broadcast leading dimensions.
    MatMul,
    /// `max(x, 0)`.
    Relu,
    /// Clamp to `[min, max]`.
    Clip {
        /// Lower bound.
        min: f32,
        /// Upper bound.
        max: f32,
    },
    /// Logistic function.
    Sigmoid,
    /// `x * relu6(x + 3) / 6`.
    HardSwish,
    /// Pass-through.
    Identity,
    /// Pass-through at inference.
    Dropout {
        /// The training drop ratio, kept for the record.
        ratio: f32,
    },
    /// Broadcast sum.
    Add,
    /// Broadcast difference.
    Sub,
    /// Broadcast product.
    Mul,
    /// Broadcast quotient.
    Div,
    /// Element-wise square root.
    Sqrt,
    /// Max pooling.
    MaxPool {
        /// Window geometry.
        window: Window2d,
        /// Round output sizes up.
        ceil_mode: bool,
    },
    /// Average pooling.
    AvgPool {
        /// Window geometry (dilations are 1).
        window: Window2d,
        /// Round output sizes up.
        ceil_mode: bool,
        /// Divide by the whole window, padding included.
        count_include_pad: bool,
    },
    /// Mean over the spatial dimensions.
    GlobalAvgPool,
    /// Join two tensors along `axis`.
    Concat {
        /// The joining dimension (negative counts from the end).
        axis: i64,
    },
    /// Collapse to 2-D at `axis`.
    Flatten {
        /// The split point.
        axis: i64,
    },
    /// Reinterpret in the output's shape.
    Reshape,
    /// Permute dimensions.
    Transpose {
        /// Output dimension `i` is input dimension `perm[i]`.
        perm: Vec<i64>,
    },
    /// Pad every dimension (all begins, then all ends).
    Pad {
        /// Begins then ends, one pair per dimension.
        pads: Vec<i64>,
        /// How the border is filled.
        mode: PadMode,
        /// The fill value of constant mode.
        value: f32,
    },
    /// Inference batch normalisation; inputs x, scale, bias, mean, variance.
    BatchNorm {
        /// Added to the variance.
        epsilon: f32,
    },
    /// Softmax along `axis`.
    Softmax {
        /// The normalised dimension (negative counts from the end).
        axis: i64,
    },
    /// A tensor held in the network.
    Constant {
        /// The value.
        value: Tensor,
    },
    /// A trained tensor kept outside: `key` in `source`, with a checksum of its bytes.
    Weight {
        /// Where the tensor lives: a file path, or `zoo:<model>` for the built-in models.
        source: String,
        /// The tensor's name there.
        key: String,
        /// `fnv1a64:<16 hex digits>` of its little-endian bytes.
        checksum: String,
    },
}

impl Op {
    /// The name of the `graph` dialect operation (without the `graph.` prefix).
    pub fn dialect_name(&self) -> &'static str {
        match self {
            Op::Conv2d { .. } => "conv2d",
            Op::Gemm { .. } => "gemm",
            Op::MatMul => "matmul",
            Op::Relu => "relu",
            Op::Clip { .. } => "clip",
            Op::Sigmoid => "sigmoid",
            Op::HardSwish => "hardswish",
            Op::Identity => "identity",
            Op::Dropout { .. } => "dropout",
            Op::Add => "add",
            Op::Sub => "sub",
            Op::Mul => "mul",
            Op::Div => "div",
            Op::Sqrt => "sqrt",
            Op::MaxPool { .. } => "maxpool",
            Op::AvgPool { .. } => "avgpool",
            Op::GlobalAvgPool => "global_avgpool",
            Op::Concat { .. } => "concat",
            Op::Flatten { .. } => "flatten",
            Op::Reshape => "reshape",
            Op::Transpose { .. } => "transpose",
            Op::Pad { .. } => "pad",
            Op::BatchNorm { .. } => "batchnorm",
            Op::Softmax { .. } => "softmax",
            Op::Constant { .. } => "constant",
            Op::Weight { .. } => "weight",
        }
    }

    /// How many inputs the operation takes: `(required, optional)`.
    pub fn arity(&self) -> (usize, usize) {
        match self {
            Op::Conv2d { .. } | Op::Gemm { .. } => (2, 1),
            Op::MatMul | Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Concat { .. } => (2, 0),
            Op::BatchNorm { .. } => (5, 0),
            Op::Constant { .. } | Op::Weight { .. } => (0, 0),
            _ => (1, 0),
        }
    }
}
