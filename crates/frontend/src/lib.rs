//! The MLIR side of the front end: plain-data networks (from ONNX files, the model zoo, or TOSA) become
//! `graph`-dialect functions, and graph functions become networks again for the interpreter.

pub mod emit;
pub mod extract;
pub mod weights;

pub use emit::{emit_network, EmitError};
pub use extract::{extract_network, ExtractError};
pub use weights::ProjectWeights;
