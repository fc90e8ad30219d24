//! Why a model cannot be imported.

use crate::wire::DecodeError;
use autows_network::NetworkError;
use std::path::PathBuf;
use thiserror::Error;

/// An ONNX model the importer cannot turn into a network. Every variant about a node names it (by its ONNX name,
/// or the generated `<OpType>_<index>` when it has none), so the user can find it in Netron or the exporter.
#[derive(Debug, Error)]
pub enum OnnxError {
    /// The model file cannot be read.
    #[error("cannot read ONNX model '{}': {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The bytes are not a well-formed protobuf of the ONNX schema.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The model holds no graph.
    #[error("the model has no graph")]
    NoGraph,
    /// The model's standard operator set is outside the supported range.
    #[error(
        "the model uses ONNX opset {version}{}; the importer supports opsets {} to {}",
        if *.version == 0 { " (it imports no standard operator set)" } else { "" },
        crate::MIN_OPSET,
        crate::MAX_OPSET
    )]
    UnsupportedOpset {
        /// The opset the model imports for the standard domain (0 when it imports none).
        version: i64,
    },
    /// A node's operator is not one the importer converts.
    #[error(
        "node '{node}': operator '{op_type}'{} is not supported; supported operators: {supported}",
        domain_note(domain)
    )]
    UnsupportedOp {
        /// The node.
        node: String,
        /// The operator.
        op_type: String,
        /// The operator's domain (empty for the standard one).
        domain: String,
        /// Every supported operator, comma-separated.
        supported: String,
    },
    /// A supported operator used in a way the network model cannot express (a 1-D or 3-D convolution, a
    /// training-mode flag, an operand computed at run time where the network needs a constant).
    #[error("node '{node}' ({op_type}): {message}")]
    UnsupportedForm {
        /// The node.
        node: String,
        /// The operator.
        op_type: String,
        /// What is not supported.
        message: String,
    },
    /// A node that breaks the operator's definition: a missing input, an attribute of the wrong type or value,
    /// operand values that do not fit the input shapes.
    #[error("node '{node}' ({op_type}): {message}")]
    InvalidNode {
        /// The node.
        node: String,
        /// The operator.
        op_type: String,
        /// What is wrong.
        message: String,
    },
    /// A node reads a value nothing before it defines.
    #[error(
        "node '{node}' ({op_type}) reads '{value}', which no earlier node, graph input or initializer defines \
         (ONNX lists nodes in topological order)"
    )]
    UnknownValue {
        /// The node.
        node: String,
        /// The operator.
        op_type: String,
        /// The value's name.
        value: String,
    },
    /// A value is an output of a node that the importer does not produce (a dropout mask, pooling indices,
    /// training statistics).
    #[error("'{value}' is an extra output of node '{node}' ({op_type}), which the importer does not produce")]
    UnavailableValue {
        /// The value's name.
        value: String,
        /// The node that would compute it.
        node: String,
        /// Its operator.
        op_type: String,
    },
    /// A graph input whose type the network cannot hold.
    #[error("graph input '{name}': {message}")]
    Input {
        /// The input.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A graph output that is missing or disagrees with its declared shape.
    #[error("graph output '{name}': {message}")]
    Output {
        /// The output.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A tensor (initializer or constant) whose data cannot be converted.
    #[error("tensor '{name}': {message}")]
    Tensor {
        /// The tensor.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A tensor's external data file is missing or too short.
    #[error("tensor '{tensor}': external data file '{}': {message}", path.display())]
    ExternalData {
        /// The tensor.
        tensor: String,
        /// The file, resolved against the model's folder.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A node's operands break the network operation's shape rule (the error names the node).
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// The model path cannot be recorded as a weight source.
    #[error("the model path '{}' is not valid UTF-8, so weights cannot refer to it", .0.display())]
    NonUtf8Path(PathBuf),
}

impl OnnxError {
    /// The node the error is about, when it is about one: the location diagnostics point at.
    pub fn node(&self) -> Option<&str> {
        match self {
            OnnxError::UnsupportedOp { node, .. }
            | OnnxError::UnsupportedForm { node, .. }
            | OnnxError::InvalidNode { node, .. }
            | OnnxError::UnknownValue { node, .. }
            | OnnxError::UnavailableValue { node, .. } => Some(node),
            OnnxError::Network(NetworkError::Shape { node, .. } | NetworkError::Arity { node, .. }) => Some(node),
            _ => None,
        }
    }
}

fn domain_note(domain: &str) -> String {
    if domain.is_empty() {
        String::new()
    } else {
        format!(" of domain '{domain}'")
    }
}
