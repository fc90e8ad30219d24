//! Errors of layer and pipeline descriptions.
//!
//! Every message names the layer it is about, since a design has dozens of layers of the same kind.

use thiserror::Error;

use crate::layer::FeatureMap;

/// A layer whose parameters the model cannot cost.
#[derive(Debug, Error, Clone, PartialEq)]
#[error("layer `{layer}`: {problem}")]
pub struct LayerError {
    /// The layer's name.
    pub layer: String,
    /// What is wrong with it.
    pub problem: LayerProblem,
}

impl LayerError {
    pub(crate) fn new(layer: &str, problem: LayerProblem) -> Self {
        Self { layer: layer.to_owned(), problem }
    }
}

/// What is wrong with a layer.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum LayerProblem {
    /// A size, width or parallelism factor is zero.
    #[error("{what} must be positive")]
    Zero {
        /// The parameter.
        what: &'static str,
    },
    /// A parallelism factor does not divide the dimension it splits.
    #[error("{parameter} = {value} does not divide the {dimension} ({size})")]
    NotADivisor {
        /// The parallelism parameter.
        parameter: &'static str,
        /// Its value.
        value: u32,
        /// What it splits.
        dimension: &'static str,
        /// The size of that dimension.
        size: u32,
    },
    /// The output shape does not follow from the input shape and the layer's parameters.
    #[error("output {actual} does not follow from input {input}; expected {expected}")]
    InconsistentShape {
        /// The input shape.
        input: FeatureMap,
        /// The output shape the parameters imply.
        expected: FeatureMap,
        /// The output shape given.
        actual: FeatureMap,
    },
    /// The kernel is larger than the padded input, or a stride is zero.
    #[error("the {kernel_rows}x{kernel_cols} window with strides {stride_rows}x{stride_cols} does not fit the padded input {input}")]
    WindowDoesNotFit {
        /// The input shape.
        input: FeatureMap,
        /// Kernel rows.
        kernel_rows: u32,
        /// Kernel columns.
        kernel_cols: u32,
        /// Row stride.
        stride_rows: u32,
        /// Column stride.
        stride_cols: u32,
    },
    /// More weight blocks are evicted than the weight memory has.
    #[error("stream_weights = {requested} exceeds the {available} RAM blocks of the weight memory")]
    StreamsMoreThanStored {
        /// Blocks asked to be streamed.
        requested: u32,
        /// Blocks the whole weight memory occupies.
        available: u32,
    },
    /// A per-port list has the wrong length.
    #[error("{what} lists {found} entries for {expected} ports")]
    PortCount {
        /// The list.
        what: &'static str,
        /// Entries given.
        found: usize,
        /// Ports of the layer.
        expected: u32,
    },
    /// A port's word-rate ceiling is not a positive number.
    #[error("the word-rate ceiling of a port must be positive, got {0}")]
    BadPortLimit(f64),
}

/// A pipeline whose structure is inconsistent.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum PipelineError {
    /// One of the layers is invalid.
    #[error(transparent)]
    Layer(#[from] LayerError),
    /// There is nothing to cost.
    #[error("the pipeline has no layers")]
    Empty,
    /// The batch size is zero.
    #[error("the batch size must be positive")]
    ZeroBatch,
    /// Two layers share a name, so reports and look-ups would be ambiguous.
    #[error("two layers are named `{0}`")]
    DuplicateName(String),
    /// An edge refers to a layer that does not exist.
    #[error("edge {from} -> {to} refers to a layer beyond the {count} layers")]
    EdgeOutOfRange {
        /// Producer index.
        from: usize,
        /// Consumer index.
        to: usize,
        /// Layers in the pipeline.
        count: usize,
    },
    /// A producer's output shape differs from what its consumer expects.
    #[error("`{producer}` produces {produced} but `{consumer}` expects {expected}")]
    ShapeMismatch {
        /// Producing layer.
        producer: String,
        /// Its output shape.
        produced: FeatureMap,
        /// Consuming layer.
        consumer: String,
        /// The input shape of the consumer's port.
        expected: FeatureMap,
    },
    /// A layer has more producers or consumers than ports.
    #[error("layer `{layer}` has {found} {side} but {ports} {side_ports} port(s){hint}")]
    PortMismatch {
        /// The layer.
        layer: String,
        /// Producers or consumers connected.
        found: usize,
        /// "producers" or "consumers".
        side: &'static str,
        /// Ports of the layer on that side.
        ports: u32,
        /// "input" or "output".
        side_ports: &'static str,
        /// How the design usually fixes this.
        hint: &'static str,
    },
    /// The graph is not a DAG, so the pipeline has no fill order.
    #[error("the pipeline has a cycle through `{0}`")]
    Cycle(String),
    /// A replacement layer has different shapes or ports, which would break its edges.
    #[error("replacing layer `{layer}` must keep its input, output and ports; {detail}")]
    ShapeChanged {
        /// The layer being replaced.
        layer: String,
        /// What changed.
        detail: String,
    },
    /// A layer index is out of range.
    #[error("there is no layer {index}; the pipeline has {count}")]
    NoSuchLayer {
        /// The index asked for.
        index: usize,
        /// Layers in the pipeline.
        count: usize,
    },
    /// The layer cannot be bypassed (it is not a one-in one-out pass-through).
    #[error(
        "layer `{0}` cannot be bypassed: it must have one producer, one consumer and equal input and output shapes"
    )]
    NotBypassable(String),
}
