//! Loading the trained tensors that `weight` nodes refer to.

use crate::tensor::Tensor;
use thiserror::Error;

/// A weight that cannot be loaded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum WeightError {
    /// No loader knows the source.
    #[error("no loader for weight source '{0}'")]
    UnknownSource(String),
    /// The source has no tensor of that name.
    #[error("'{source_name}' has no tensor '{key}'")]
    MissingKey {
        /// The source.
        source_name: String,
        /// The tensor's name.
        key: String,
    },
    /// The bytes changed since the IR was made.
    #[error("tensor '{key}' of '{source_name}' has checksum {found}, but the IR expects {expected}: the file changed")]
    Checksum {
        /// The source.
        source_name: String,
        /// The tensor's name.
        key: String,
        /// The checksum in the IR.
        expected: String,
        /// The checksum of the loaded bytes.
        found: String,
    },
    /// The source cannot be read.
    #[error("cannot read weight source '{source_name}': {message}")]
    Unreadable {
        /// The source.
        source_name: String,
        /// Why.
        message: String,
    },
}

/// Something that can produce the tensor a `weight` node names. Implementations cache: a pass may ask for the
/// same tensor many times.
pub trait WeightLoader {
    /// Whether this loader handles `source` (a file path, or `zoo:<model>`).
    fn handles(&self, source: &str) -> bool;

    /// The tensor `key` of `source`, checked against `checksum`.
    fn load(&self, source: &str, key: &str, checksum: &str) -> Result<Tensor, WeightError>;
}

/// Checks a loaded tensor against the checksum the IR recorded.
pub fn verify_checksum(source: &str, key: &str, expected: &str, tensor: &Tensor) -> Result<(), WeightError> {
    let found = tensor.checksum();
    if found == expected {
        Ok(())
    } else {
        Err(WeightError::Checksum {
            source_name: source.to_string(),
            key: key.to_string(),
            expected: expected.to_string(),
            found,
        })
    }
}

/// Replaces every `weight` node of `network` with a `constant` holding the loaded values, for IR that carries
/// its own data.
pub fn inline_weights(network: &mut crate::Network, loader: &dyn WeightLoader) -> Result<(), WeightError> {
    for node in &mut network.nodes {
        if let crate::Op::Weight { source, key, checksum } = &node.op {
            let value = loader.load(source, key, checksum)?;
            node.op = crate::Op::Constant { value };
        }
    }
    Ok(())
}
