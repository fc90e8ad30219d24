//! The whole `ModelProto`: planned in memory except for the initializers' bytes, then written in one pass.
//!
//! Planning lowers every node, names every value, places every initializer (in the model or in the external
//! data file) and computes every length field from the declared types, without loading a weight. Writing then
//! streams the model front to back, loading each weight when its bytes are due and dropping it once they are
//! written, so the exporter holds one weight at a time however large the model is.

use super::{
    initializers::{write_elements, Content, Initializer, Placement, RAW_DATA},
    names::ValueNames,
    nodes::Lowering,
    ExportError,
};
use crate::write::{len_field_size, len_prefix, Message};
use autows_network::{Network, Op, TensorType, WeightLoader};
use std::io::{self, Read, Write};

/// The largest message protobuf can encode: lengths are signed 32-bit.
const PROTOBUF_LIMIT: u64 = i32::MAX as u64;

/// External tensors start at multiples of this: a cache line, and a whole number of elements of every type.
const EXTERNAL_ALIGNMENT: u64 = 64;

/// External tensors of at least this many bytes start at multiples of [`LARGE_ALIGNMENT`], as the `onnx`
/// package aligns them, so readers can map them straight from the file on every platform.
const LARGE_TENSOR: u64 = 1 << 20;

/// The allocation granularity of memory maps on Windows, the coarsest of the common platforms.
const LARGE_ALIGNMENT: u64 = 1 << 16;

/// `ModelProto.graph`.
const MODEL_GRAPH: u32 = 7;
/// `GraphProto.initializer`.
const GRAPH_INITIALIZER: u32 = 5;

/// Which initializers go to an external data file, and its name.
#[derive(Clone, Copy, Debug)]
pub(super) struct ExternalPlan<'o> {
    /// Initializers of at least this many bytes go there.
    pub threshold: u64,
    /// The file's path relative to the model's folder, as recorded in the model.
    pub location: &'o str,
}

/// An initializer with its place and its encoded header.
struct Planned<'n> {
    initializer: Initializer<'n>,
    placement: Placement,
    header: Message,
    byte_len: u64,
}

impl Planned<'_> {
    /// The length of the `TensorProto`.
    fn body_len(&self) -> u64 {
        let data = match self.placement {
            Placement::Embedded => len_field_size(RAW_DATA, self.byte_len),
            Placement::External { .. } => 0,
        };
        self.header.len() as u64 + data
    }
}

/// A model ready to be written.
pub(super) struct ExportPlan<'n> {
    /// `ModelProto` fields before the graph.
    head: Message,
    /// `GraphProto` fields before the initializers: nodes and name.
    graph_head: Message,
    initializers: Vec<Planned<'n>>,
    /// `GraphProto` fields after the initializers: inputs and outputs.
    graph_tail: Message,
    /// `ModelProto` fields after the graph: the operator set.
    tail: Message,
    graph_len: u64,
    /// The size of the model file.
    pub model_len: u64,
    /// The size of the external data file; 0 when nothing goes there.
    pub external_len: u64,
}

/// A write that failed, by the file it failed on.
#[derive(Debug)]
pub(super) enum WriteFailure {
    /// The network or a weight is at fault.
    Export(ExportError),
    /// The model could not be written.
    Model(io::Error),
    /// The external data file could not be written.
    External(io::Error),
}

impl From<ExportError> for WriteFailure {
    fn from(error: ExportError) -> Self {
        WriteFailure::Export(error)
    }
}

/// The `ValueInfoProto` of a graph input or output: name, element type, static shape.
fn value_info(name: &str, ty: &TensorType) -> Message {
    let mut shape = Message::new();
    for &dim in &ty.shape {
        let mut dimension = Message::new();
        dimension.int64(1, dim);
        shape.message(1, &dimension);
    }
    let mut tensor_type = Message::new();
    tensor_type.int64(1, i64::from(super::initializers::onnx_element(ty.element))).message(2, &shape);
    let mut type_proto = Message::new();
    type_proto.message(1, &tensor_type);
    let mut info = Message::new();
    info.string(1, name).message(2, &type_proto);
    info
}

/// The ONNX nodes of every node that computes, and the initializers of every weight and constant together with
/// the parameter tensors the nodes need, in node order.
fn lower_nodes<'n>(
    network: &'n Network,
    opset: i64,
    names: &mut ValueNames,
) -> Result<(Vec<Message>, Vec<Initializer<'n>>), ExportError> {
    let mut initializers = Vec::new();
    let mut nodes = Vec::with_capacity(network.nodes.len());
    for (index, node) in network.nodes.iter().enumerate() {
        let content = match &node.op {
            Op::Weight { source, key, checksum } => Content::Weight { node: &node.name, source, key, checksum },
            Op::Constant { value } => Content::Constant(value),
            _ => {
                let mut lowering = Lowering { network, opset, names: &mut *names, helpers: &mut initializers };
                nodes.push(lowering.lower(index, node)?);
                continue;
            }
        };
        let value = network.values.get(node.output.0).filter(|value| value.producer == Some(index));
        let (Some(value), Some(name)) = (value, names.get(node.output.0)) else {
            return Err(ExportError::InvalidNode {
                node: node.name.clone(),
                op: node.op.dialect_name(),
                message: format!("its result (value #{}) is not recorded as its own", node.output.0),
            });
        };
        initializers.push(Initializer { name: name.to_string(), ty: value.ty.clone(), content });
    }
    Ok((nodes, initializers))
}

/// The graph's inputs and outputs (`GraphProto` fields 11 and 12).
fn graph_interface(network: &Network, names: &ValueNames) -> Result<Message, ExportError> {
    let mut interface = Message::new();
    for (index, &input) in network.inputs.iter().enumerate() {
        let is_input = network.values.get(input.0).is_some_and(|value| value.producer.is_none());
        let name = names.get(input.0).filter(|_| is_input);
        let name = name.ok_or(ExportError::InvalidInput { index, value: input.0 })?;
        interface.message(11, &value_info(name, network.ty(input)));
    }
    for (index, &output) in network.outputs.iter().enumerate() {
        let name = names.get(output.0).ok_or(ExportError::InvalidOutput { index, value: output.0 })?;
        interface.message(12, &value_info(name, network.ty(output)));
    }
    Ok(interface)
}

/// Places every initializer: in the external data file when it is large enough and may go there, at the next
/// aligned offset, else in the model. Returns them with their headers, and the external file's length.
fn place<'n>(
    initializers: Vec<Initializer<'n>>,
    external: Option<ExternalPlan<'_>>,
) -> Result<(Vec<Planned<'n>>, u64), ExportError> {
    let location = external.map_or("", |external| external.location);
    let mut external_len = 0u64;
    let mut planned = Vec::with_capacity(initializers.len());
    for initializer in initializers {
        let byte_len = initializer.byte_len().ok_or_else(|| ExportError::InvalidNode {
            node: initializer.name.clone(),
            op: "weight",
            message: format!("no tensor has shape {:?}", initializer.ty.shape),
        })?;
        let placement = match external {
            Some(external) if byte_len >= external.threshold && initializer.may_be_external() => {
                let alignment = if byte_len >= LARGE_TENSOR { LARGE_ALIGNMENT } else { EXTERNAL_ALIGNMENT };
                let offset = external_len.next_multiple_of(alignment);
                external_len = offset + byte_len;
                Placement::External { offset }
            }
            _ => Placement::Embedded,
        };
        let header = initializer.header(placement, location, byte_len);
        planned.push(Planned { initializer, placement, header, byte_len });
    }
    Ok((planned, external_len))
}

impl<'n> ExportPlan<'n> {
    /// Plans the export of `network` to `opset`, with initializers of at least `external.threshold` bytes in
    /// the external data file.
    pub fn new(network: &'n Network, opset: i64, external: Option<ExternalPlan<'_>>) -> Result<Self, ExportError> {
        let mut names = ValueNames::new(network);
        let (nodes, initializers) = lower_nodes(network, opset, &mut names)?;
        let mut graph_head = Message::new();
        for node in &nodes {
            graph_head.message(1, node);
        }
        // The ONNX checker wants a graph name.
        let graph_name = if network.name.is_empty() { "network" } else { network.name.as_str() };
        graph_head.string(2, graph_name);
        let graph_tail = graph_interface(network, &names)?;
        let (planned, external_len) = place(initializers, external)?;

        let graph_len = graph_head.len() as u64
            + planned.iter().map(|planned| len_field_size(GRAPH_INITIALIZER, planned.body_len())).sum::<u64>()
            + graph_tail.len() as u64;
        let mut head = Message::new();
        head.int64(1, super::ir_version(opset)).string(2, super::PRODUCER).string(3, env!("CARGO_PKG_VERSION"));
        let mut opset_id = Message::new();
        opset_id.string(1, "").int64(2, opset);
        let mut tail = Message::new();
        tail.message(8, &opset_id);
        let model_len = head.len() as u64 + len_field_size(MODEL_GRAPH, graph_len) + tail.len() as u64;
        if model_len > PROTOBUF_LIMIT {
            return Err(ExportError::TooLarge { bytes: model_len });
        }
        Ok(Self { head, graph_head, initializers: planned, graph_tail, tail, graph_len, model_len, external_len })
    }

    /// Whether some initializer goes to the external data file (which must then exist, even if empty).
    pub fn has_external(&self) -> bool {
        self.initializers.iter().any(|planned| matches!(planned.placement, Placement::External { .. }))
    }

    /// Writes the model to `model` and the external tensors to `external`, loading each weight when its bytes
    /// are due.
    pub fn write(
        &self,
        model: &mut dyn Write,
        external: &mut dyn Write,
        loader: &dyn WeightLoader,
    ) -> Result<(), WriteFailure> {
        let mut model = Counted { inner: model, count: 0 };
        let to_model = WriteFailure::Model;
        model.write_all(self.head.as_bytes()).map_err(to_model)?;
        model.write_all(&len_prefix(MODEL_GRAPH, self.graph_len)).map_err(to_model)?;
        model.write_all(self.graph_head.as_bytes()).map_err(to_model)?;
        let mut external_position = 0;
        for planned in &self.initializers {
            model.write_all(&len_prefix(GRAPH_INITIALIZER, planned.body_len())).map_err(to_model)?;
            model.write_all(planned.header.as_bytes()).map_err(to_model)?;
            let tensor = planned.initializer.tensor(loader)?;
            match planned.placement {
                Placement::Embedded => {
                    model.write_all(&len_prefix(RAW_DATA, planned.byte_len)).map_err(to_model)?;
                    write_elements(&mut model, &tensor.data).map_err(to_model)?;
                }
                Placement::External { offset } => {
                    let padding = offset - external_position;
                    io::copy(&mut io::repeat(0).take(padding), external).map_err(WriteFailure::External)?;
                    write_elements(external, &tensor.data).map_err(WriteFailure::External)?;
                    external_position = offset + planned.byte_len;
                }
            }
        }
        model.write_all(self.graph_tail.as_bytes()).map_err(to_model)?;
        model.write_all(self.tail.as_bytes()).map_err(to_model)?;
        debug_assert_eq!(model.count, self.model_len, "the planned length is the written one");
        debug_assert_eq!(external_position, self.external_len, "the planned external length is the written one");
        Ok(())
    }
}

/// Counts the bytes written through it, to check the plan against what was written.
struct Counted<'w> {
    inner: &'w mut dyn Write,
    count: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.count += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
