//! Errors from reading a fpgaConvNet configuration.

use std::path::PathBuf;

use thiserror::Error;

use crate::error::PipelineError;

/// Why a configuration could not be turned into a design. Every variant names its source, and where it
/// concerns one layer, the layer.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file asked for.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// The text is not JSON of the configuration's overall shape.
    #[error("{origin}: {source}")]
    Malformed {
        /// Where the text came from.
        origin: String,
        /// The parser's account, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// A layer's parameters are missing a field or have one of the wrong type.
    #[error("{origin}: layer `{layer}` ({layer_type}): {source}")]
    LayerParameters {
        /// Where the text came from.
        origin: String,
        /// The layer.
        layer: String,
        /// Its type as written.
        layer_type: String,
        /// The parser's account.
        #[source]
        source: serde_json::Error,
    },
    /// A layer type the model has no costs for.
    #[error("{origin}: layer `{layer}` has unknown type `{layer_type}`; supported types are CONVOLUTION, INNER_PRODUCT, POOLING, ACTIVATION (ReLU), ELTWISE, AVERAGE_POOLING, SPLIT, SQUEEZE and CONCAT")]
    UnknownLayerType {
        /// Where the text came from.
        origin: String,
        /// The layer.
        layer: String,
        /// Its type as written.
        layer_type: String,
    },
    /// A known layer type with an operation the model has no costs for (an activation other than ReLU, say).
    #[error("{origin}: layer `{layer}`: unsupported {what} `{value}`")]
    UnsupportedOperation {
        /// Where the text came from.
        origin: String,
        /// The layer.
        layer: String,
        /// Which setting.
        what: &'static str,
        /// Its value.
        value: String,
    },
    /// A stream names a node that is not a layer of the partition.
    #[error(
        "{origin}: layer `{layer}` has a stream {direction} `{node}`, which is not a layer of partition {partition}"
    )]
    UnknownNode {
        /// Where the text came from.
        origin: String,
        /// The layer.
        layer: String,
        /// "from" or "to".
        direction: &'static str,
        /// The missing node.
        node: String,
        /// The partition.
        partition: usize,
    },
    /// Weights reloading is not modelled.
    #[error(
        "{origin}: partition {partition} uses weights reloading factor {factor}; only 1 (no reloading) is modelled"
    )]
    WeightsReloading {
        /// Where the text came from.
        origin: String,
        /// The partition.
        partition: usize,
        /// The factor asked for.
        factor: u32,
    },
    /// The layers do not form a consistent pipeline (shapes, ports, parallelism).
    #[error("{origin}: partition {partition}: {source}")]
    Pipeline {
        /// Where the text came from.
        origin: String,
        /// The partition.
        partition: usize,
        /// What is inconsistent.
        #[source]
        source: PipelineError,
    },
    /// There is nothing to cost.
    #[error("{origin}: the configuration has no partitions")]
    NoPartitions {
        /// Where the text came from.
        origin: String,
    },
}
