//! ONNX import: reads an ONNX model into the plain-data [`Network`].
//!
//! The file is read once into memory and decoded by a small hand-written protobuf reader; tensor data stays in
//! that buffer (or in external data files) until something needs it. Graph inputs fix the shapes (a dynamic batch
//! dimension becomes 1) and every other value's shape is inferred through the network model's shape rules, so the
//! result is fully static. Initializers become `weight` nodes that refer back to the model file by path and
//! initializer name, with a checksum of their bytes; [`OnnxWeights`] loads them when a pass needs the values.
//! Small integer initializers used only as shapes, axes or pads are read at import time and do not appear in the
//! network. Each network node carries its ONNX node's name (or `<OpType>_<index>` when it has none), which
//! becomes its MLIR location.
//!
//! Standard-domain opsets 6 to 21 are accepted, so both current exports and the older forms the operators had
//! (clip bounds and pads as attributes, legacy broadcasting, coerced-to-2-D softmax) are read.
//!
//! ```no_run
//! use autows_network::WeightLoader;
//!
//! let network = autows_onnx::import_file("resnet18.onnx")?;
//! let weights = autows_onnx::OnnxWeights::new();
//! for node in &network.nodes {
//!     if let autows_network::Op::Weight { source, key, checksum } = &node.op {
//!         let tensor = weights.load(source, key, checksum)?;
//!         println!("{}: {:?}", node.name, tensor.shape);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
mod error;
mod node;
mod ops;
mod proto;
mod tensor;
mod weights;
mod wire;

pub use error::OnnxError;
pub use ops::supported_operators;
pub use weights::OnnxWeights;
pub use wire::{DecodeError, DecodeProblem, WireType};

use autows_network::Network;
use std::path::Path;

/// The oldest standard opset the importer reads: from opset 6 on, the supported operators have their modern
/// attributes (no `consumed_inputs`, `Reshape` takes its shape as an input).
pub const MIN_OPSET: i64 = 6;

/// The newest standard opset the importer reads.
pub const MAX_OPSET: i64 = 21;

/// Imports the ONNX model at `path`. Weights refer to `path` as given, so a loader run from the same working
/// directory finds the file again.
pub fn import_file(path: impl AsRef<Path>) -> Result<Network, OnnxError> {
    let path = path.as_ref();
    let source = path.to_str().ok_or_else(|| OnnxError::NonUtf8Path(path.to_path_buf()))?;
    let bytes = std::fs::read(path).map_err(|source| OnnxError::Io { path: path.to_path_buf(), source })?;
    import_bytes(&bytes, source)
}

/// Imports an ONNX model already in memory. `source` is the path its weights will refer to; external data files
/// are looked for in its folder, and its file stem names the network when the graph has no name.
pub fn import_bytes(bytes: &[u8], source: &str) -> Result<Network, OnnxError> {
    let model = proto::ModelProto::decode(bytes)?;
    let folder = tensor::model_folder(Path::new(source));
    let data = tensor::DataSource { buffer: bytes, folder: &folder };
    let stem = Path::new(source).file_stem().and_then(|stem| stem.to_str()).unwrap_or("onnx");
    convert::convert(&model, data, source, stem)
}
