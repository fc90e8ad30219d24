//! Why a network cannot be evaluated.

use autows_network::WeightError;
use thiserror::Error;

/// An evaluation that failed. Every variant about a node names it, so a message points at the place in the
/// source model that is wrong.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum InterpError {
    /// The caller passed the wrong number of input tensors.
    #[error("network '{network}' takes {expected} input(s), got {found}")]
    InputCount {
        /// The network's name.
        network: String,
        /// How many inputs the network declares.
        expected: usize,
        /// How many tensors were passed.
        found: usize,
    },
    /// An input tensor does not match the type the network declares for it.
    #[error("input {index} ('{name}') must be {expected}, got {found}")]
    InputType {
        /// Position among the network inputs.
        index: usize,
        /// The input's name.
        name: String,
        /// The declared type, spelled as MLIR does.
        expected: String,
        /// What was passed.
        found: String,
    },
    /// A node has the wrong number of operands for its operation.
    #[error("node '{node}' ({op}) takes {expected} operand(s), got {found}")]
    Arity {
        /// The node's name.
        node: String,
        /// The operation's dialect name.
        op: &'static str,
        /// How many it takes.
        expected: String,
        /// How many it has.
        found: usize,
    },
    /// A node reads a value that no earlier node or network input provides.
    #[error("node '{node}' reads value #{value}, which is not computed before it")]
    Dangling {
        /// The node's name.
        node: String,
        /// The value's index.
        value: usize,
    },
    /// A network output refers to a value that is never computed.
    #[error("network output {index} refers to value #{value}, which is never computed")]
    MissingOutput {
        /// Position among the network outputs.
        index: usize,
        /// The value's index.
        value: usize,
    },
    /// A node's operands or parameters break the operation's rules (shape, mode, domain).
    #[error("node '{node}' ({op}): {message}")]
    Node {
        /// The node's name.
        node: String,
        /// The operation's dialect name.
        op: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A weight node's tensor cannot be loaded.
    #[error("weight node '{node}': {error}")]
    Weight {
        /// The node's name.
        node: String,
        /// Why the loader failed.
        #[source]
        error: WeightError,
    },
    /// A node computed a result of another type than the network declares for it, so the network's types are
    /// stale or were built by hand inconsistently.
    #[error("node '{node}' ({op}) computes {computed} but the network declares {declared}")]
    DeclaredType {
        /// The node's name.
        node: String,
        /// The operation's dialect name.
        op: &'static str,
        /// The type computed from the operands.
        computed: String,
        /// The type recorded in the network.
        declared: String,
    },
    /// A node has no integer semantics on quantised activations.
    #[error("node '{node}' ({op}) cannot run quantised: {message}")]
    Unquantizable {
        /// The node's name.
        node: String,
        /// The operation's dialect name.
        op: &'static str,
        /// Why, and what to do instead.
        message: String,
    },
}

/// A failure inside one operation, before the driver attaches the node's name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fault(pub String);

impl Fault {
    /// Attaches the node that failed.
    pub(crate) fn at(self, node: &str, op: &'static str) -> InterpError {
        InterpError::Node { node: node.to_string(), op, message: self.0 }
    }
}

impl From<autows_shape::ShapeError> for Fault {
    fn from(error: autows_shape::ShapeError) -> Self {
        Fault(error.0)
    }
}

/// Shorthand for a failed operation.
pub(crate) fn fault<T>(message: impl Into<String>) -> Result<T, Fault> {
    Err(Fault(message.into()))
}
