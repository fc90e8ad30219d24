//! The pass infrastructure: pass descriptions, typed options, the registry and the pipeline parser.

pub mod info;
pub mod options;
pub mod pipeline;
pub mod registry;

pub use info::{OptionInfo, OptionKind, PassInfo};
pub use options::PassOptions;
pub use pipeline::{Pipeline, PipelineElement, PipelineError};
pub use registry::{add_upstream, Pass, PassContext, PassEntry, PassFailed, PassRegistry, PassResult, Verifier};
