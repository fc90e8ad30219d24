//! fpgaConvNet's performance and resource model with AutoWS weight streaming, on plain data.
//!
//! A design is a [`Pipeline`] of [`Layer`]s (one per compute engine of a layer-wise pipelined FPGA accelerator)
//! per partition. A [`CostModel`] turns each layer into a [`LayerCost`] (cycles per frame, fill latency, LUT,
//! FF, DSP, BRAM, URAM and the geometry of its weight memory) and the pipeline into a [`PipelineCost`]
//! (interval, cycles, latency, throughput, DRAM bandwidth, the slow-down when streamed weights exceed it, and
//! feasibility against a [`Device`](autows_device::Device)).
//!
//! [`FpgaConvNetModel`] is fpgaConvNet's model as specified in AUTOWS.md; its [`Fidelity`] selects bit-exact
//! reproduction of fpgaConvNet or a version with its quirks corrected. [`IncrementalEvaluator`] caches layer
//! costs for design-space search. [`read_config_file`] reads fpgaConvNet's `config.json` and [`report_json`]
//! writes its `report.json` schema.

mod coefficients;
mod config;
mod depth;
mod design;
mod error;
mod evaluator;
mod feasibility;
mod fidelity;
mod layer;
mod layer_check;
mod layer_cost;
mod layer_resources;
mod model;
mod modules;
mod pipeline;
mod pipeline_cost;
pub mod ram;
mod report;
mod timing;
mod weights;

/// RAM block counts, re-exported because every resource figure of this crate uses them.
pub use autows_device::{Bram18, Uram};
pub use coefficients::coefficient_table;
pub use config::{parse_config, read_config_file, write_config, ConfigError};
pub use depth::{join_depth, layer_depth};
pub use design::{evaluate_design, Design, DesignCost, Partition};
pub use error::{LayerError, LayerProblem, PipelineError};
pub use evaluator::IncrementalEvaluator;
pub use feasibility::{lutram_substitution, Feasibility, Resource, ResourceUsage, LUTS_PER_BRAM18};
pub use fidelity::{Fidelity, UnknownFidelity};
pub use layer::{
    Activation, ActivationFunction, ArithmeticWidths, Concat, ConvParallelism, Convolution, EltWise, EltWiseOp,
    FeatureMap, FusedPool, GlobalPooling, InnerProduct, InnerProductParallelism, Layer, LayerKind, PoolOp, Pooling,
    PortLimits, Split, Squeeze, WeightStreaming, Window,
};
pub use layer_check::check_layer;
pub use layer_cost::LayerCost;
pub use layer_resources::Resources;
pub use model::{CostModel, FpgaConvNetModel, PipelineEvaluation};
pub use pipeline::Pipeline;
pub use pipeline_cost::{Bandwidth, PipelineCost, PipelineInputs};
pub use report::{report_json, ReportMetadata};
pub use timing::{layer_timing, LayerTiming};
pub use weights::{WeightMemory, WeightRam};
