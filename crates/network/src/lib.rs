//! A network as plain data.
//!
//! The ONNX importer and the model zoo build a [`Network`]; the reference interpreter runs one; the MLIR front
//! end converts between it and the `graph` dialect, one node per operation. It holds no MLIR types, so the code
//! that works on it is fast, testable alone and free to run on many threads.

pub mod counts;
pub mod network;
pub mod op;
pub mod tensor;
pub mod weights;

pub use network::{Network, NetworkError, Node, Value, ValueId};
pub use op::{Op, PadMode, Window2d};
pub use tensor::{checksum, ElementType, Tensor, TensorData, TensorType};
pub use weights::{inline_weights, WeightError, WeightLoader};
