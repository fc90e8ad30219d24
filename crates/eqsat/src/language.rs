//! The `graph` dialect as an egg language.
//!
//! Every operation of the dialect is an e-node whose first child is a [`Param`] leaf holding the operation's
//! parameters (strides, pads, axes, target shapes...) when it has any, followed by its operands in the order
//! the dialect lists them. Keeping parameters as leaves, not as data on the operation node, lets ordinary egg
//! patterns such as `(maxpool ?p (relu ?x))` match an operation whatever its parameters and carry them over
//! unchanged. Weights are leaves naming their handle (source, key, checksum) and type, never their values;
//! small inline constants are leaves holding their values, so constant folding can compute with them.

use autows_network::{ElementType, PadMode, Tensor, TensorType};
use egg::Id;
use std::{cmp::Ordering, fmt, hash::Hash, str::FromStr};

/// An `f32` compared and hashed by its bits, so that parameters with floats can live in an e-graph (which needs
/// `Eq`, `Ord` and `Hash`). `0.0` and `-0.0` differ, as they may in results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bits(pub u32);

impl Bits {
    /// The bits of `value`.
    pub fn of(value: f32) -> Self {
        Self(value.to_bits())
    }

    /// The float again.
    pub fn get(self) -> f32 {
        f32::from_bits(self.0)
    }
}

/// A 2-D window as a hashable key: the fields of [`autows_network::Window2d`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WindowKey {
    /// Kernel rows and columns.
    pub kernel: [i64; 2],
    /// Row and column strides.
    pub strides: [i64; 2],
    /// `[top, left, bottom, right]`.
    pub pads: [i64; 4],
    /// Row and column dilations.
    pub dilations: [i64; 2],
}

/// How a `pad` fills the border, as a hashable key of [`PadMode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PadFill {
    /// With a constant value.
    Constant,
    /// Mirrored about the edge.
    Reflect,
    /// Repeating the edge.
    Edge,
}

impl From<PadMode> for PadFill {
    fn from(mode: PadMode) -> Self {
        match mode {
            PadMode::Constant => PadFill::Constant,
            PadMode::Reflect => PadFill::Reflect,
            PadMode::Edge => PadFill::Edge,
        }
    }
}

impl From<PadFill> for PadMode {
    fn from(fill: PadFill) -> Self {
        match fill {
            PadFill::Constant => PadMode::Constant,
            PadFill::Reflect => PadMode::Reflect,
            PadFill::Edge => PadMode::Edge,
        }
    }
}

/// The parameters of one operation: the first child of every e-node whose operation has any.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Param {
    /// `conv2d`.
    Conv {
        /// Row and column strides.
        strides: [i64; 2],
        /// `[top, left, bottom, right]`.
        pads: [i64; 4],
        /// Row and column dilations.
        dilations: [i64; 2],
        /// Channel groups.
        groups: i64,
    },
    /// `gemm`.
    Gemm {
        /// Transpose `a`.
        trans_a: bool,
        /// Transpose `b`.
        trans_b: bool,
        /// Scale of the product.
        alpha: Bits,
        /// Scale of `c`.
        beta: Bits,
    },
    /// `clip` bounds.
    Clip {
        /// Lower bound.
        min: Bits,
        /// Upper bound.
        max: Bits,
    },
    /// `dropout`'s training ratio, kept so that a surviving dropout keeps it.
    Dropout(Bits),
    /// `maxpool`.
    MaxPool {
        /// Window geometry.
        window: WindowKey,
        /// Round output sizes up.
        ceil_mode: bool,
    },
    /// `avgpool`.
    AvgPool {
        /// Window geometry.
        window: WindowKey,
        /// Round output sizes up.
        ceil_mode: bool,
        /// Divide by the whole window, padding included.
        count_include_pad: bool,
    },
    /// The axis of `concat`, `flatten` or `softmax`.
    Axis(i64),
    /// The target shape of `reshape`, which the dialect carries as the result type.
    Shape(Vec<i64>),
    /// The permutation of `transpose`.
    Perm(Vec<i64>),
    /// `pad`.
    Pad {
        /// Begins then ends, one pair per dimension.
        pads: Vec<i64>,
        /// How the border is filled.
        fill: PadFill,
        /// The fill value of constant mode.
        value: Bits,
    },
    /// `batchnorm`'s epsilon.
    Epsilon(Bits),
}

/// Orders tensor types by shape, then element name: `TensorType` itself has no order, and e-nodes need one.
fn compare_types(a: &TensorType, b: &TensorType) -> Ordering {
    a.shape.cmp(&b.shape).then_with(|| a.element.mlir_name().cmp(b.element.mlir_name()))
}

/// Network input `index`, of type `ty`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InputLeaf {
    /// Position among the network inputs.
    pub index: usize,
    /// The input's type.
    pub ty: TensorType,
}

/// A trained tensor by its handle: values are never loaded, so the e-graph stays small and fast, and weight
/// arithmetic stays graph operations that the interpreter and the hardware generator evaluate.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WeightLeaf {
    /// Where the tensor lives.
    pub source: String,
    /// Its name there.
    pub key: String,
    /// Checksum of its bytes.
    pub checksum: String,
    /// Its declared type.
    pub ty: TensorType,
}

/// A small tensor held inline, compared by its bytes.
#[derive(Clone, Debug)]
pub struct ConstLeaf {
    /// The value.
    pub value: Tensor,
    bytes: Vec<u8>,
}

impl ConstLeaf {
    /// A leaf holding `value`.
    pub fn new(value: Tensor) -> Self {
        let bytes = value.data.to_le_bytes();
        Self { value, bytes }
    }

    fn key(&self) -> (&[i64], &'static str, &[u8]) {
        (&self.value.shape, self.value.data.element().mlir_name(), &self.bytes)
    }

    /// Whether every element is exactly `target` (as a float; integers convert exactly when small).
    pub fn all_equal(&self, target: f32) -> bool {
        self.value.data.element() == ElementType::F32 && self.value.data.to_f32().iter().all(|&v| v == target)
    }
}

impl PartialEq for ConstLeaf {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for ConstLeaf {}

impl Hash for ConstLeaf {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for ConstLeaf {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ConstLeaf {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for InputLeaf {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for InputLeaf {
    fn cmp(&self, other: &Self) -> Ordering {
        self.index.cmp(&other.index).then_with(|| compare_types(&self.ty, &other.ty))
    }
}

impl PartialOrd for WeightLeaf {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for WeightLeaf {
    fn cmp(&self, other: &Self) -> Ordering {
        (&self.source, &self.key, &self.checksum)
            .cmp(&(&other.source, &other.key, &other.checksum))
            .then_with(|| compare_types(&self.ty, &other.ty))
    }
}

/// Leaves are built from networks, never parsed from rule text: patterns name them with variables.
fn not_in_patterns<T>(text: &str) -> Result<T, String> {
    Err(format!("'{text}' is not an operation; leaves cannot be written in patterns"))
}

impl FromStr for Param {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        not_in_patterns(text)
    }
}

impl FromStr for InputLeaf {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        not_in_patterns(text)
    }
}

impl FromStr for WeightLeaf {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        not_in_patterns(text)
    }
}

impl FromStr for ConstLeaf {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        not_in_patterns(text)
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl fmt::Display for InputLeaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "input{}", self.index)
    }
}

impl fmt::Display for WeightLeaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "weight:{}", self.key)
    }
}

impl fmt::Display for ConstLeaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "const:{}", self.value.tensor_type().mlir())
    }
}

/// The language itself, in a module of its own because `define_language!` takes no documentation on variants;
/// [`Graph`]'s own documentation describes them.
mod graph {
    #![allow(missing_docs)]
    use super::{ConstLeaf, InputLeaf, Param, WeightLeaf};
    use egg::{define_language, Id};

    define_language! {
        /// One e-node: a `graph` dialect operation or a leaf.
        ///
        /// An operation variant is named after the dialect operation; its children are its [`Param`] leaf first
        /// when the operation has parameters, then its operands in dialect order. Operations with an optional
        /// operand have a variant for each form: `Conv` (input, weight) and `ConvBias` (input, weight, bias),
        /// `Gemm` (a, b) and `GemmC` (a, b, c). `BatchNorm` takes input, scale, bias, mean, variance. The leaves
        /// are `Param` (operation parameters), `Input` (a network input), `Weight` (a weight by its handle) and
        /// `Const` (an inline constant).
        pub enum Graph {
            "conv2d" = Conv([Id; 3]),
            "conv2d_bias" = ConvBias([Id; 4]),
            "gemm" = Gemm([Id; 3]),
            "gemm_c" = GemmC([Id; 4]),
            "matmul" = MatMul([Id; 2]),
            "relu" = Relu(Id),
            "clip" = Clip([Id; 2]),
            "sigmoid" = Sigmoid(Id),
            "hardswish" = HardSwish(Id),
            "identity" = Identity(Id),
            "dropout" = Dropout([Id; 2]),
            "add" = Add([Id; 2]),
            "sub" = Sub([Id; 2]),
            "mul" = Mul([Id; 2]),
            "div" = Div([Id; 2]),
            "sqrt" = Sqrt(Id),
            "maxpool" = MaxPool([Id; 2]),
            "avgpool" = AvgPool([Id; 2]),
            "global_avgpool" = GlobalAvgPool(Id),
            "concat" = Concat([Id; 3]),
            "flatten" = Flatten([Id; 2]),
            "reshape" = Reshape([Id; 2]),
            "transpose" = Transpose([Id; 2]),
            "pad" = Pad([Id; 2]),
            "batchnorm" = BatchNorm([Id; 6]),
            "softmax" = Softmax([Id; 2]),
            Param(Param),
            Input(InputLeaf),
            Weight(WeightLeaf),
            Const(ConstLeaf),
        }
    }
}

pub use graph::Graph;

impl Graph {
    /// The `graph` dialect operation this e-node stands for, as [`autows_network::Op::dialect_name`] spells it;
    /// `None` for parameter and input leaves, which are no operation.
    pub fn dialect_name(&self) -> Option<&'static str> {
        Some(match self {
            Graph::Conv(_) | Graph::ConvBias(_) => "conv2d",
            Graph::Gemm(_) | Graph::GemmC(_) => "gemm",
            Graph::MatMul(_) => "matmul",
            Graph::Relu(_) => "relu",
            Graph::Clip(_) => "clip",
            Graph::Sigmoid(_) => "sigmoid",
            Graph::HardSwish(_) => "hardswish",
            Graph::Identity(_) => "identity",
            Graph::Dropout(_) => "dropout",
            Graph::Add(_) => "add",
            Graph::Sub(_) => "sub",
            Graph::Mul(_) => "mul",
            Graph::Div(_) => "div",
            Graph::Sqrt(_) => "sqrt",
            Graph::MaxPool(_) => "maxpool",
            Graph::AvgPool(_) => "avgpool",
            Graph::GlobalAvgPool(_) => "global_avgpool",
            Graph::Concat(_) => "concat",
            Graph::Flatten(_) => "flatten",
            Graph::Reshape(_) => "reshape",
            Graph::Transpose(_) => "transpose",
            Graph::Pad(_) => "pad",
            Graph::BatchNorm(_) => "batchnorm",
            Graph::Softmax(_) => "softmax",
            Graph::Weight(_) => "weight",
            Graph::Const(_) => "constant",
            Graph::Param(_) | Graph::Input(_) => return None,
        })
    }

    /// The parameter child and the operand children: the split every consumer of an e-node needs.
    pub fn split(&self) -> (Option<Id>, &[Id]) {
        match self {
            Graph::Conv(c) => (Some(c[0]), &c[1..]),
            Graph::ConvBias(c) => (Some(c[0]), &c[1..]),
            Graph::Gemm(c) => (Some(c[0]), &c[1..]),
            Graph::GemmC(c) => (Some(c[0]), &c[1..]),
            Graph::Clip(c)
            | Graph::Dropout(c)
            | Graph::MaxPool(c)
            | Graph::AvgPool(c)
            | Graph::Flatten(c)
            | Graph::Reshape(c)
            | Graph::Transpose(c)
            | Graph::Pad(c)
            | Graph::Softmax(c) => (Some(c[0]), &c[1..]),
            Graph::Concat(c) => (Some(c[0]), &c[1..]),
            Graph::BatchNorm(c) => (Some(c[0]), &c[1..]),
            Graph::MatMul(c) | Graph::Add(c) | Graph::Sub(c) | Graph::Mul(c) | Graph::Div(c) => (None, &c[..]),
            Graph::Relu(c)
            | Graph::Sigmoid(c)
            | Graph::HardSwish(c)
            | Graph::Identity(c)
            | Graph::Sqrt(c)
            | Graph::GlobalAvgPool(c) => (None, std::slice::from_ref(c)),
            Graph::Param(_) | Graph::Input(_) | Graph::Weight(_) | Graph::Const(_) => (None, &[]),
        }
    }
}
