//! What can go wrong when asking the zoo for a model.

use autows_network::NetworkError;
use thiserror::Error;

/// Why the zoo cannot give a model.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ZooError {
    /// No model of that name; the message lists the ones there are, so a typo on the command line is easy to fix.
    #[error("unknown model '{name}'; the zoo has: {}", known.join(", "))]
    UnknownModel {
        /// The name asked for.
        name: String,
        /// Every model the zoo has.
        known: Vec<&'static str>,
    },
    /// A model's layers do not fit together: a bug in the zoo, reported rather than panicking in a compiler run.
    #[error("laying out model '{model}': {source}")]
    Layout {
        /// The model.
        model: &'static str,
        /// The node that does not fit.
        #[source]
        source: NetworkError,
    },
}
