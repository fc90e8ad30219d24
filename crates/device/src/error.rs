//! Errors from reading device descriptions.

use std::path::PathBuf;

use thiserror::Error;

/// Why a device description could not be produced.
///
/// Every variant names where the description came from (a path, or the built-in file), so that a user with
/// several device files can tell which one is wrong.
#[derive(Debug, Error)]
pub enum DeviceError {
    /// The file could not be read at all.
    #[error("cannot read device file {}: {source}", path.display())]
    Io {
        /// The file that was asked for.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// The text is not a device description: bad JSON, a missing field, a field of the wrong type or a key the
    /// schema does not know (serde's message carries the line and column).
    #[error("{origin}: {source}")]
    Malformed {
        /// The file (or built-in entry) the text came from.
        origin: String,
        /// The parser's account of the problem.
        #[source]
        source: serde_json::Error,
    },
    /// A field parsed but its value makes no sense for a device (negative, fractional count, zero clock, ...).
    #[error("{origin}: field `{field}` {problem}")]
    InvalidValue {
        /// The file (or built-in entry) the value came from.
        origin: String,
        /// The offending field.
        field: &'static str,
        /// What is wrong with its value.
        problem: String,
    },
    /// No built-in device has this name.
    #[error("unknown device `{name}`; the built-in devices are {}", known.join(", "))]
    UnknownDevice {
        /// The name that was asked for.
        name: String,
        /// The names that would have worked.
        known: Vec<&'static str>,
    },
}
