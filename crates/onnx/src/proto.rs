//! The part of the ONNX schema (onnx.proto) the importer reads, decoded from the wire.
//!
//! Field numbers are those of onnx.proto. Fields the importer has no use for are skipped, as are sub-graphs
//! (control-flow operators are not supported, so their bodies are never needed) and every type but tensor types.
//! The structure is therefore fixed and shallow: decoding cannot recurse deeper than the schema does. Tensor
//! payloads stay in the file buffer as [`Span`]s and [`Chunk`]s until a tensor is converted.

use crate::wire::{Chunk, DecodeError, Reader, Span, WireType};

/// A model: the IR version, the operator sets it imports and its graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelProto {
    /// The IR version the file was written for.
    pub ir_version: i64,
    /// The operator sets the graph's nodes are drawn from.
    pub opset_import: Vec<OperatorSetId>,
    /// The computation.
    pub graph: Option<GraphProto>,
}

/// An operator set a model imports, by domain and version.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OperatorSetId {
    /// The domain; empty (or `ai.onnx`) for the standard operators.
    pub domain: String,
    /// The operator set version.
    pub version: i64,
}

/// A graph: nodes in topological order, the trained tensors, and typed inputs and outputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphProto {
    /// The graph's name.
    pub name: String,
    /// The nodes, in topological order.
    pub nodes: Vec<NodeProto>,
    /// Named constant tensors (trained weights and operands such as shapes).
    pub initializers: Vec<TensorProto>,
    /// Graph inputs; before IR version 4 they also list the initializers.
    pub inputs: Vec<ValueInfo>,
    /// Graph outputs.
    pub outputs: Vec<ValueInfo>,
}

/// One operator application.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeProto {
    /// Names of the values read; an empty name marks an omitted optional input.
    pub inputs: Vec<String>,
    /// Names of the values written.
    pub outputs: Vec<String>,
    /// The node's name (may be empty).
    pub name: String,
    /// The operator.
    pub op_type: String,
    /// The operator's domain; empty for the standard operators.
    pub domain: String,
    /// The operator's parameters.
    pub attributes: Vec<AttributeProto>,
}

/// The type code of an attribute, as onnx.proto numbers them.
pub mod attribute_type {
    /// A single float.
    pub const FLOAT: i32 = 1;
    /// A single integer.
    pub const INT: i32 = 2;
    /// A single string.
    pub const STRING: i32 = 3;
    /// A tensor.
    pub const TENSOR: i32 = 4;
    /// A graph.
    pub const GRAPH: i32 = 5;
    /// A list of floats.
    pub const FLOATS: i32 = 6;
    /// A list of integers.
    pub const INTS: i32 = 7;
    /// A list of strings.
    pub const STRINGS: i32 = 8;
}

/// A named operator parameter. Only one of the value fields is meaningful; [`AttributeProto::value`] picks it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributeProto {
    /// The parameter's name.
    pub name: String,
    /// The declared type code (0 when absent, as in IR version 1 files).
    pub declared_type: i32,
    /// `f`.
    pub float: Option<f32>,
    /// `i`.
    pub int: Option<i64>,
    /// `s`, left in the buffer.
    pub string: Option<Span>,
    /// `t`.
    pub tensor: Option<TensorProto>,
    /// `floats`.
    pub floats: Vec<f32>,
    /// `ints`.
    pub ints: Vec<i64>,
    /// `strings`, left in the buffer.
    pub strings: Vec<Span>,
    /// The type code of a value kind the importer does not decode (graphs, sparse tensors, type protos).
    pub other_type: Option<i32>,
}

/// An attribute's value, by its declared (or, for old files, evident) type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AttributeValue<'p> {
    /// A float.
    Float(f32),
    /// An integer.
    Int(i64),
    /// A string's bytes in the buffer.
    String(Span),
    /// A tensor.
    Tensor(&'p TensorProto),
    /// A list of floats.
    Floats(&'p [f32]),
    /// A list of integers.
    Ints(&'p [i64]),
    /// A list of strings in the buffer.
    Strings(&'p [Span]),
    /// A kind the importer does not read, by type code.
    Other(i32),
}

impl AttributeProto {
    /// The value the attribute carries. Proto3 writers omit zero scalars, so a declared scalar type with no
    /// value field means zero (or the empty string).
    pub fn value(&self) -> AttributeValue<'_> {
        use attribute_type as kind;
        let declared = if self.declared_type != 0 { self.declared_type } else { self.evident_type() };
        match declared {
            kind::FLOAT => AttributeValue::Float(self.float.unwrap_or(0.0)),
            kind::INT => AttributeValue::Int(self.int.unwrap_or(0)),
            kind::STRING => AttributeValue::String(self.string.unwrap_or_default()),
            kind::TENSOR => match &self.tensor {
                Some(tensor) => AttributeValue::Tensor(tensor),
                None => AttributeValue::Other(kind::TENSOR),
            },
            kind::FLOATS => AttributeValue::Floats(&self.floats),
            kind::INTS => AttributeValue::Ints(&self.ints),
            kind::STRINGS => AttributeValue::Strings(&self.strings),
            other => AttributeValue::Other(other),
        }
    }

    /// The type a file without type codes implies by the field it set.
    fn evident_type(&self) -> i32 {
        use attribute_type as kind;
        if self.float.is_some() {
            kind::FLOAT
        } else if self.int.is_some() {
            kind::INT
        } else if self.string.is_some() {
            kind::STRING
        } else if self.tensor.is_some() {
            kind::TENSOR
        } else if !self.floats.is_empty() {
            kind::FLOATS
        } else if !self.ints.is_empty() {
            kind::INTS
        } else if !self.strings.is_empty() {
            kind::STRINGS
        } else {
            self.other_type.unwrap_or(0)
        }
    }
}

/// The element type codes of `TensorProto.DataType` the importer knows by name.
pub mod data_type {
    /// 32-bit float.
    pub const FLOAT: i32 = 1;
    /// Unsigned 8-bit integer.
    pub const UINT8: i32 = 2;
    /// Signed 8-bit integer.
    pub const INT8: i32 = 3;
    /// Unsigned 16-bit integer.
    pub const UINT16: i32 = 4;
    /// Signed 16-bit integer.
    pub const INT16: i32 = 5;
    /// Signed 32-bit integer.
    pub const INT32: i32 = 6;
    /// Signed 64-bit integer.
    pub const INT64: i32 = 7;
    /// Strings.
    pub const STRING: i32 = 8;
    /// Booleans.
    pub const BOOL: i32 = 9;
    /// IEEE half precision.
    pub const FLOAT16: i32 = 10;
    /// 64-bit float.
    pub const DOUBLE: i32 = 11;
    /// Unsigned 32-bit integer.
    pub const UINT32: i32 = 12;
    /// Unsigned 64-bit integer.
    pub const UINT64: i32 = 13;
    /// Brain float (the upper half of an f32).
    pub const BFLOAT16: i32 = 16;

    /// The onnx.proto name of a type code, for messages.
    pub fn name(code: i32) -> String {
        let known = [
            (FLOAT, "FLOAT"),
            (UINT8, "UINT8"),
            (INT8, "INT8"),
            (UINT16, "UINT16"),
            (INT16, "INT16"),
            (INT32, "INT32"),
            (INT64, "INT64"),
            (STRING, "STRING"),
            (BOOL, "BOOL"),
            (FLOAT16, "FLOAT16"),
            (DOUBLE, "DOUBLE"),
            (UINT32, "UINT32"),
            (UINT64, "UINT64"),
            (14, "COMPLEX64"),
            (15, "COMPLEX128"),
            (BFLOAT16, "BFLOAT16"),
        ];
        match known.iter().find(|(number, _)| *number == code) {
            Some((_, name)) => (*name).to_string(),
            None => format!("data type {code}"),
        }
    }
}

/// Where a tensor's bytes live.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TensorLocation {
    /// In the model file: `raw_data` or one of the typed fields.
    #[default]
    Embedded,
    /// In another file, named relative to the model's folder.
    External {
        /// The file's relative path.
        location: String,
        /// Where the bytes start.
        offset: Option<String>,
        /// How many bytes there are.
        length: Option<String>,
    },
}

/// A tensor: its shape and element type, and where its elements are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TensorProto {
    /// The tensor's name (initializers are looked up by it).
    pub name: String,
    /// Dimension sizes.
    pub dims: Vec<i64>,
    /// The element type code (see [`data_type`]).
    pub data_type: i32,
    /// Little-endian elements, packed.
    pub raw_data: Option<Span>,
    /// `float_data`: FLOAT and COMPLEX64 elements.
    pub float_data: Vec<Chunk>,
    /// `int32_data`: every integer type of 32 bits or less, BOOL, FLOAT16 and BFLOAT16 (as bit patterns).
    pub int32_data: Vec<Chunk>,
    /// `int64_data`: INT64 elements.
    pub int64_data: Vec<Chunk>,
    /// `double_data`: DOUBLE and COMPLEX128 elements.
    pub double_data: Vec<Chunk>,
    /// `uint64_data`: UINT32 and UINT64 elements.
    pub uint64_data: Vec<Chunk>,
    /// How many `string_data` entries there are (string tensors are not supported, but are recognised).
    pub string_count: usize,
    /// Whether the tensor is one segment of a larger one (not supported).
    pub segmented: bool,
    /// Where the bytes are.
    pub location: TensorLocation,
}

/// A graph input's or output's name and, when it is a tensor, its type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValueInfo {
    /// The value's name.
    pub name: String,
    /// Its type, if the file gives one.
    pub ty: Option<ValueType>,
}

/// The type of a value.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueType {
    /// A tensor, with its element type and (if known) shape.
    Tensor {
        /// The element type code.
        element: i32,
        /// The dimensions; `None` when the rank is unknown.
        shape: Option<Vec<Dimension>>,
    },
    /// A sequence, map, optional, sparse tensor or opaque value.
    NotTensor,
}

/// One dimension of a declared tensor shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dimension {
    /// A fixed size.
    Value(i64),
    /// A named, dynamic size (`batch`, `N`).
    Param(String),
    /// A dynamic size without a name.
    Unknown,
}

impl ModelProto {
    /// Decodes a whole file.
    pub fn decode(buffer: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new(buffer);
        let mut model = ModelProto::default();
        while let Some(field) = reader.next_field()? {
            match field.number {
                1 => model.ir_version = field.int64("ModelProto.ir_version")?,
                7 => model.graph = Some(field.message("ModelProto.graph", GraphProto::decode)?),
                8 => model.opset_import.push(field.message("ModelProto.opset_import", OperatorSetId::decode)?),
                _ => field.skip()?,
            }
        }
        Ok(model)
    }
}

impl OperatorSetId {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut opset = OperatorSetId::default();
        while let Some(field) = reader.next_field()? {
            match field.number {
                1 => opset.domain = field.string("OperatorSetIdProto.domain")?,
                2 => opset.version = field.int64("OperatorSetIdProto.version")?,
                _ => field.skip()?,
            }
        }
        Ok(opset)
    }
}

impl GraphProto {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut graph = GraphProto::default();
        while let Some(field) = reader.next_field()? {
            match field.number {
                1 => graph.nodes.push(field.message("GraphProto.node", NodeProto::decode)?),
                2 => graph.name = field.string("GraphProto.name")?,
                5 => graph.initializers.push(field.message("GraphProto.initializer", TensorProto::decode)?),
                11 => graph.inputs.push(field.message("GraphProto.input", ValueInfo::decode)?),
                12 => graph.outputs.push(field.message("GraphProto.output", ValueInfo::decode)?),
                _ => field.skip()?,
            }
        }
        Ok(graph)
    }
}

impl NodeProto {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut node = NodeProto::default();
        while let Some(field) = reader.next_field()? {
            match field.number {
                1 => node.inputs.push(field.string("NodeProto.input")?),
                2 => node.outputs.push(field.string("NodeProto.output")?),
                3 => node.name = field.string("NodeProto.name")?,
                4 => node.op_type = field.string("NodeProto.op_type")?,
                5 => node.attributes.push(field.message("NodeProto.attribute", AttributeProto::decode)?),
                7 => node.domain = field.string("NodeProto.domain")?,
                _ => field.skip()?,
            }
        }
        Ok(node)
    }
}

impl AttributeProto {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut attribute = AttributeProto::default();
        while let Some(field) = reader.next_field()? {
            match field.number {
                1 => attribute.name = field.string("AttributeProto.name")?,
                2 => attribute.float = Some(field.float("AttributeProto.f")?),
                3 => attribute.int = Some(field.int64("AttributeProto.i")?),
                4 => attribute.string = Some(field.bytes("AttributeProto.s")?),
                5 => attribute.tensor = Some(field.message("AttributeProto.t", TensorProto::decode)?),
                7 => field.floats("AttributeProto.floats", &mut attribute.floats)?,
                8 => field.int64s("AttributeProto.ints", &mut attribute.ints)?,
                9 => attribute.strings.push(field.bytes("AttributeProto.strings")?),
                20 => attribute.declared_type = field.int32("AttributeProto.type")?,
                number => {
                    // Graphs, tensor lists, sparse tensors and type protos: recognised, not decoded.
                    let other = match number {
                        6 => Some(attribute_type::GRAPH),
                        10 => Some(9),
                        11 => Some(10),
                        22 => Some(11),
                        23 => Some(12),
                        14 => Some(13),
                        15 => Some(14),
                        _ => None,
                    };
                    attribute.other_type = attribute.other_type.or(other);
                    field.skip()?;
                }
            }
        }
        Ok(attribute)
    }
}

impl TensorProto {
    /// Decodes a file that holds one tensor and nothing else.
    pub fn decode_standalone(buffer: &[u8]) -> Result<Self, DecodeError> {
        Self::decode(&mut Reader::new(buffer))
    }

    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut tensor = TensorProto::default();
        let mut external = Vec::new();
        let mut external_location = false;
        while let Some(field) = reader.next_field()? {
            match field.number {
                1 => field.int64s("TensorProto.dims", &mut tensor.dims)?,
                2 => tensor.data_type = field.int32("TensorProto.data_type")?,
                3 => {
                    tensor.segmented = true;
                    field.skip()?;
                }
                4 => tensor.float_data.push(field.scalars("TensorProto.float_data", WireType::Fixed32)?),
                5 => tensor.int32_data.push(field.scalars("TensorProto.int32_data", WireType::Varint)?),
                6 => {
                    field.bytes("TensorProto.string_data")?;
                    tensor.string_count += 1;
                }
                7 => tensor.int64_data.push(field.scalars("TensorProto.int64_data", WireType::Varint)?),
                8 => tensor.name = field.string("TensorProto.name")?,
                9 => tensor.raw_data = Some(field.bytes("TensorProto.raw_data")?),
                10 => tensor.double_data.push(field.scalars("TensorProto.double_data", WireType::Fixed64)?),
                11 => tensor.uint64_data.push(field.scalars("TensorProto.uint64_data", WireType::Varint)?),
                13 => external.push(field.message("TensorProto.external_data", decode_string_pair)?),
                14 => external_location = field.int32("TensorProto.data_location")? == 1,
                _ => field.skip()?,
            }
        }
        if external_location {
            let find = |key: &str| external.iter().rev().find(|(k, _)| k == key).map(|(_, value)| value.clone());
            tensor.location = TensorLocation::External {
                location: find("location").unwrap_or_default(),
                offset: find("offset"),
                length: find("length"),
            };
        }
        Ok(tensor)
    }
}

/// A `StringStringEntryProto`: key and value.
fn decode_string_pair(reader: &mut Reader<'_>) -> Result<(String, String), DecodeError> {
    let (mut key, mut value) = (String::new(), String::new());
    while let Some(field) = reader.next_field()? {
        match field.number {
            1 => key = field.string("StringStringEntryProto.key")?,
            2 => value = field.string("StringStringEntryProto.value")?,
            _ => field.skip()?,
        }
    }
    Ok((key, value))
}

impl ValueInfo {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut info = ValueInfo::default();
        while let Some(field) = reader.next_field()? {
            match field.number {
                1 => info.name = field.string("ValueInfoProto.name")?,
                2 => info.ty = Some(field.message("ValueInfoProto.type", decode_type)?),
                _ => field.skip()?,
            }
        }
        Ok(info)
    }
}

/// A `TypeProto`; only its `tensor_type` is looked into.
fn decode_type(reader: &mut Reader<'_>) -> Result<ValueType, DecodeError> {
    let mut ty = ValueType::NotTensor;
    while let Some(field) = reader.next_field()? {
        match field.number {
            1 => ty = field.message("TypeProto.tensor_type", decode_tensor_type)?,
            // Sequence, map, opaque, sparse tensor, optional.
            4 | 5 | 7 | 8 | 9 => {
                ty = ValueType::NotTensor;
                field.skip()?;
            }
            _ => field.skip()?,
        }
    }
    Ok(ty)
}

fn decode_tensor_type(reader: &mut Reader<'_>) -> Result<ValueType, DecodeError> {
    let (mut element, mut shape) = (0, None);
    while let Some(field) = reader.next_field()? {
        match field.number {
            1 => element = field.int32("TypeProto.Tensor.elem_type")?,
            2 => shape = Some(field.message("TypeProto.Tensor.shape", decode_shape)?),
            _ => field.skip()?,
        }
    }
    Ok(ValueType::Tensor { element, shape })
}

fn decode_shape(reader: &mut Reader<'_>) -> Result<Vec<Dimension>, DecodeError> {
    let mut dims = Vec::new();
    while let Some(field) = reader.next_field()? {
        match field.number {
            1 => dims.push(field.message("TensorShapeProto.dim", decode_dimension)?),
            _ => field.skip()?,
        }
    }
    Ok(dims)
}

fn decode_dimension(reader: &mut Reader<'_>) -> Result<Dimension, DecodeError> {
    let mut dimension = Dimension::Unknown;
    while let Some(field) = reader.next_field()? {
        match field.number {
            1 => dimension = Dimension::Value(field.int64("TensorShapeProto.Dimension.dim_value")?),
            2 => dimension = Dimension::Param(field.string("TensorShapeProto.Dimension.dim_param")?),
            _ => field.skip()?,
        }
    }
    Ok(dimension)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::DecodeProblem;

    /// Field `number` as a length-delimited value.
    fn len_field(number: u8, payload: &[u8]) -> Vec<u8> {
        assert!(payload.len() < 128 && number < 16);
        let mut out = vec![(number << 3) | 2, payload.len() as u8];
        out.extend(payload);
        out
    }

    fn varint_field(number: u8, value: u8) -> Vec<u8> {
        assert!(value < 128 && number < 16);
        vec![number << 3, value]
    }

    fn small_model() -> Vec<u8> {
        let dim = [varint_field(1, 4), len_field(2, b"N")].concat();
        let shape = len_field(1, &dim);
        let tensor_type = [varint_field(1, 1), len_field(2, &shape)].concat();
        let input = [len_field(1, b"x"), len_field(2, &len_field(1, &tensor_type))].concat();
        let node = [len_field(1, b"x"), len_field(2, b"y"), len_field(4, b"Relu")].concat();
        let graph = [len_field(1, &node), len_field(2, b"g"), len_field(11, &input)].concat();
        let opset = [len_field(1, b""), varint_field(2, 13)].concat();
        [varint_field(1, 8), len_field(8, &opset), len_field(7, &graph)].concat()
    }

    #[test]
    fn decodes_a_small_model() {
        let bytes = small_model();
        let model = ModelProto::decode(&bytes).unwrap();
        assert_eq!(model.ir_version, 8);
        assert_eq!(model.opset_import, [OperatorSetId { domain: String::new(), version: 13 }]);
        let graph = model.graph.unwrap();
        assert_eq!(graph.name, "g");
        assert_eq!(graph.nodes[0].op_type, "Relu");
        assert_eq!(graph.nodes[0].inputs, ["x"]);
        // The last of dim_value and dim_param wins, as in a protobuf oneof.
        let expected = ValueType::Tensor { element: 1, shape: Some(vec![Dimension::Param("N".into())]) };
        assert_eq!(graph.inputs[0].ty, Some(expected));
    }

    #[test]
    fn every_truncation_of_a_model_fails_cleanly() {
        let bytes = small_model();
        for cut in 1..bytes.len() {
            // Each prefix either decodes (it ends between fields of the outermost message) or reports an error;
            // it never panics.
            if let Err(error) = ModelProto::decode(&bytes[..cut]) {
                assert!(error.offset <= cut, "offset {} past cut {cut}", error.offset);
            }
        }
        let error = ModelProto::decode(&bytes[..bytes.len() - 3]).unwrap_err();
        assert!(matches!(error.problem, DecodeProblem::LengthOverrun { .. }), "{error}");
        assert_eq!(error.context.last(), Some(&"ModelProto.graph"));
    }

    #[test]
    fn corrupt_bytes_never_panic() {
        let bytes = small_model();
        for index in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut corrupt = bytes.clone();
                corrupt[index] ^= flip;
                let _ = ModelProto::decode(&corrupt);
            }
        }
    }

    #[test]
    fn attributes_without_type_codes_use_the_field_they_set() {
        let attribute = AttributeProto { int: Some(3), ..AttributeProto::default() };
        assert_eq!(attribute.value(), AttributeValue::Int(3));
        let zero = AttributeProto { declared_type: attribute_type::FLOAT, ..AttributeProto::default() };
        assert_eq!(zero.value(), AttributeValue::Float(0.0));
    }

    #[test]
    fn external_data_entries_are_collected() {
        let entry = |key: &[u8], value: &[u8]| len_field(13, &[len_field(1, key), len_field(2, value)].concat());
        let bytes = [entry(b"location", b"w.bin"), entry(b"offset", b"16"), varint_field(14, 1)].concat();
        let tensor = TensorProto::decode(&mut Reader::new(&bytes)).unwrap();
        let expected = TensorLocation::External { location: "w.bin".into(), offset: Some("16".into()), length: None };
        assert_eq!(tensor.location, expected);
    }
}
