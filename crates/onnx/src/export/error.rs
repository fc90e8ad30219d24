//! Why a network cannot be exported.

use autows_network::WeightError;
use std::path::PathBuf;
use thiserror::Error;

/// A network the exporter cannot write as ONNX. Every variant about a node names it, so the user can find it in
/// the IR or the model it came from.
#[derive(Debug, Error)]
pub enum ExportError {
    /// The requested opset is outside the range the exporter writes.
    #[error(
        "cannot export to ONNX opset {opset}: the exporter writes opsets {} to {}",
        super::MIN_EXPORT_OPSET,
        crate::MAX_OPSET
    )]
    UnsupportedOpset {
        /// The requested opset.
        opset: i64,
    },
    /// A node whose operation, in the form it has, has no ONNX equivalent at the requested opset.
    #[error("node '{node}' ({op}): {message}")]
    UnsupportedNode {
        /// The node.
        node: String,
        /// The operation's dialect name.
        op: &'static str,
        /// Why it cannot be written.
        message: String,
    },
    /// A node that breaks the network's own rules (an operand computed after it, a weight of the wrong rank).
    #[error("node '{node}' ({op}): {message}")]
    InvalidNode {
        /// The node.
        node: String,
        /// The operation's dialect name.
        op: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A network input refers to a value that is not an input (a node computes it, or the network does not have
    /// it).
    #[error("network input {index} refers to value #{value}, which is not an input value of the network")]
    InvalidInput {
        /// Position among the network inputs.
        index: usize,
        /// The value's index.
        value: usize,
    },
    /// A network output refers to a value the network does not have.
    #[error("network output {index} refers to value #{value}, which the network does not have")]
    InvalidOutput {
        /// Position among the network outputs.
        index: usize,
        /// The value's index.
        value: usize,
    },
    /// A weight the loader cannot provide.
    #[error("weight node '{node}': {source}")]
    Weight {
        /// The weight node.
        node: String,
        /// The loader's error.
        source: WeightError,
    },
    /// A weight whose loaded tensor is not of the type the network declares for it; its size was already
    /// promised to the file, so it cannot be written.
    #[error("weight node '{node}' is declared {expected}, but its source gives {found}")]
    WeightType {
        /// The weight node.
        node: String,
        /// The declared type.
        expected: String,
        /// The loaded tensor's type.
        found: String,
    },
    /// The model with its weights inside exceeds the 2 GiB protobuf limit, which ONNX readers enforce.
    #[error(
        "the model would be {bytes} bytes, over the 2 GiB limit of a protobuf message; export to a file with \
         external data"
    )]
    TooLarge {
        /// The size the model would have.
        bytes: u64,
    },
    /// The external data location is not a relative path inside the model's folder.
    #[error("external data location '{location}' must be a relative path inside the model's folder")]
    ExternalLocation {
        /// The location asked for.
        location: String,
    },
    /// A file cannot be written.
    #[error("cannot write '{}': {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl ExportError {
    /// The node the error is about, when it is about one: the location diagnostics point at.
    pub fn node(&self) -> Option<&str> {
        match self {
            ExportError::UnsupportedNode { node, .. }
            | ExportError::InvalidNode { node, .. }
            | ExportError::Weight { node, .. }
            | ExportError::WeightType { node, .. } => Some(node),
            _ => None,
        }
    }
}
