//! ONNX import and export: reads an ONNX model into the plain-data [`Network`], and writes a network back as
//! an ONNX model that ONNX Runtime runs and the importer reads back into the same network.
//!
//! # Import
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
//!
//! # Export
//!
//! [`export_network`] writes a model in memory, [`export_file`] to a file, opsets [`MIN_EXPORT_OPSET`] to
//! [`MAX_OPSET`] ([`DEFAULT_OPSET`] unless told otherwise), with the IR version of the `onnx` release that
//! introduced the opset. Every `weight` and `constant` node becomes an initializer named after the node, its
//! elements little-endian in `raw_data` or, for a file export above a size threshold, in an external data file
//! next to the model (ONNX `external_data`: `location`, `offset`, `length`), as big models are shipped. Every
//! other node becomes the one ONNX node of the same operation, with the node's name; operands the network keeps
//! as parameters (a reshape's target, pads, clip bounds, the dropout ratio) become small initializers named
//! `<node>/<role>`, always inside the model. Graph inputs and outputs carry their element types and static
//! shapes; value names are the network's, made unique. Importing the result gives back the same nodes, names,
//! operations and shapes, with every constant turned into a weight of the same checksum.
//!
//! Weights stream: every length is computed from the declared types before anything is written, and each
//! weight is loaded when its bytes are due and dropped once they are written, so the exporter itself holds one
//! weight at a time (VGG-16's 553 MB export peaks at its 411 MB classifier layer). A caching loader such as
//! `autows_zoo::ZooWeights` or [`OnnxWeights`] keeps what it loads. A model over protobuf's 2 GiB limit must
//! keep its weights in external data.
//!
//! ```no_run
//! use autows_onnx::{export_file, ExportOptions, ExternalData};
//!
//! let network = autows_onnx::import_file("resnet18.onnx")?;
//! let weights = autows_onnx::OnnxWeights::new();
//! let options = ExportOptions { external_data: Some(ExternalData::default()), ..ExportOptions::default() };
//! let exported = export_file("copy.onnx", &network, &weights, &options)?;
//! println!("{} bytes of model, external data: {:?}", exported.model_bytes, exported.external_data);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
mod error;
mod export;
mod node;
mod ops;
mod proto;
mod tensor;
mod weights;
mod wire;
mod write;

pub use error::OnnxError;
pub use export::{
    export_file, export_network, ExportError, ExportOptions, Exported, ExternalData, ExternalFile, DEFAULT_OPSET,
    MIN_EXPORT_OPSET, PRODUCER,
};
pub use ops::supported_operators;
pub use weights::OnnxWeights;
pub use wire::{DecodeError, DecodeProblem, WireType};

use autows_network::{Network, Tensor};
use std::path::Path;

/// The oldest standard opset the importer reads: from opset 6 on, the supported operators have their modern
/// attributes (no `consumed_inputs`, `Reshape` takes its shape as an input).
pub const MIN_OPSET: i64 = 6;

/// The newest standard opset the importer reads and the exporter writes.
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

/// Decodes a standalone `TensorProto`, as the ONNX backend tests store their inputs and reference outputs
/// (`test_data_set_0/input_0.pb`). External data is looked for relative to the current directory.
pub fn decode_tensor(bytes: &[u8]) -> Result<Tensor, OnnxError> {
    decode_tensor_in(bytes, Path::new("."))
}

/// Reads a `TensorProto` file; external data is looked for in the file's folder.
pub fn read_tensor_file(path: impl AsRef<Path>) -> Result<Tensor, OnnxError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| OnnxError::Io { path: path.to_path_buf(), source })?;
    decode_tensor_in(&bytes, &tensor::model_folder(path))
}

fn decode_tensor_in(bytes: &[u8], folder: &Path) -> Result<Tensor, OnnxError> {
    let proto = proto::TensorProto::decode_standalone(bytes)?;
    let name = if proto.name.is_empty() { "tensor" } else { proto.name.as_str() };
    tensor::DataSource { buffer: bytes, folder }.load(name, &proto)
}
