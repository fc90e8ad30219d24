//! A tiny protobuf encoder and an ONNX model builder, so tests can write the models they import.
//!
//! Field numbers are those of onnx.proto. The builder writes what exporters write: packed repeated fields,
//! `raw_data` for tensors, type codes on attributes; tests that need the other encodings ask for them. The
//! [`networks`] module holds what the export tests share, [`venv`] finds the Python side.

#![allow(dead_code)]

pub mod networks;
pub mod venv;

use std::path::PathBuf;

/// One protobuf message being written.
#[derive(Clone, Debug, Default)]
pub struct Message(Vec<u8>);

impl Message {
    pub fn new() -> Self {
        Self::default()
    }

    fn raw_varint(&mut self, mut value: u64) {
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn tag(&mut self, field: u32, wire: u8) {
        self.raw_varint(u64::from(field) << 3 | u64::from(wire));
    }

    pub fn varint(&mut self, field: u32, value: u64) -> &mut Self {
        self.tag(field, 0);
        self.raw_varint(value);
        self
    }

    pub fn int64(&mut self, field: u32, value: i64) -> &mut Self {
        self.varint(field, value as u64)
    }

    pub fn float(&mut self, field: u32, value: f32) -> &mut Self {
        self.tag(field, 5);
        self.0.extend(value.to_le_bytes());
        self
    }

    pub fn bytes(&mut self, field: u32, value: &[u8]) -> &mut Self {
        self.tag(field, 2);
        self.raw_varint(value.len() as u64);
        self.0.extend(value);
        self
    }

    pub fn string(&mut self, field: u32, value: &str) -> &mut Self {
        self.bytes(field, value.as_bytes())
    }

    pub fn message(&mut self, field: u32, value: &Message) -> &mut Self {
        self.bytes(field, &value.0)
    }

    pub fn packed_int64s(&mut self, field: u32, values: &[i64]) -> &mut Self {
        let mut payload = Message::new();
        for &value in values {
            payload.raw_varint(value as u64);
        }
        self.bytes(field, &payload.0)
    }

    pub fn packed_floats(&mut self, field: u32, values: &[f32]) -> &mut Self {
        let payload: Vec<u8> = values.iter().flat_map(|value| value.to_le_bytes()).collect();
        self.bytes(field, &payload)
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// ONNX element type codes used by the tests.
pub const FLOAT: i32 = 1;
pub const INT64: i32 = 7;
pub const BOOL: i32 = 9;
pub const FLOAT16: i32 = 10;
pub const DOUBLE: i32 = 11;

/// How a test tensor stores its elements.
#[derive(Clone, Debug)]
pub enum Data {
    /// `raw_data`.
    Raw(Vec<u8>),
    /// `float_data`, packed.
    Floats(Vec<f32>),
    /// `float_data`, one field per element.
    FloatsUnpacked(Vec<f32>),
    /// `int64_data`, packed.
    Int64s(Vec<i64>),
    /// `int32_data`, packed (narrow integer types, booleans, half floats).
    Int32s(Vec<i64>),
    /// `double_data`, packed.
    Doubles(Vec<f64>),
    /// In a file next to the model.
    External { location: String, offset: Option<u64>, length: Option<u64> },
}

/// A tensor to write: an initializer or a `Constant` node's value.
#[derive(Clone, Debug)]
pub struct TensorSpec {
    pub name: String,
    pub dims: Vec<i64>,
    pub data_type: i32,
    pub data: Data,
}

impl TensorSpec {
    pub fn encode(&self) -> Message {
        let mut tensor = Message::new();
        tensor.packed_int64s(1, &self.dims).int64(2, i64::from(self.data_type)).string(8, &self.name);
        match &self.data {
            Data::Raw(bytes) => {
                tensor.bytes(9, bytes);
            }
            Data::Floats(values) => {
                tensor.packed_floats(4, values);
            }
            Data::FloatsUnpacked(values) => {
                for &value in values {
                    tensor.float(4, value);
                }
            }
            Data::Int64s(values) => {
                tensor.packed_int64s(7, values);
            }
            Data::Int32s(values) => {
                tensor.packed_int64s(5, values);
            }
            Data::Doubles(values) => {
                let payload: Vec<u8> = values.iter().flat_map(|value| value.to_le_bytes()).collect();
                tensor.bytes(10, &payload);
            }
            Data::External { location, offset, length } => {
                let mut entries = vec![("location", location.clone())];
                entries.extend(offset.map(|offset| ("offset", offset.to_string())));
                entries.extend(length.map(|length| ("length", length.to_string())));
                for (key, value) in entries {
                    let mut entry = Message::new();
                    entry.string(1, key).string(2, &value);
                    tensor.message(13, &entry);
                }
                tensor.int64(14, 1);
            }
        }
        tensor
    }
}

/// A float tensor in `raw_data`.
pub fn f32_tensor(name: &str, dims: &[i64], values: &[f32]) -> TensorSpec {
    let bytes = values.iter().flat_map(|value| value.to_le_bytes()).collect();
    TensorSpec { name: name.into(), dims: dims.to_vec(), data_type: FLOAT, data: Data::Raw(bytes) }
}

/// A float tensor of `dims` filled with 0.5, 1.5, 2.5, ...
pub fn f32_ramp(name: &str, dims: &[i64]) -> TensorSpec {
    let count: i64 = dims.iter().product();
    let values: Vec<f32> = (0..count).map(|index| index as f32 + 0.5).collect();
    f32_tensor(name, dims, &values)
}

/// An int64 tensor in `raw_data`.
pub fn i64_tensor(name: &str, dims: &[i64], values: &[i64]) -> TensorSpec {
    let bytes = values.iter().flat_map(|value| value.to_le_bytes()).collect();
    TensorSpec { name: name.into(), dims: dims.to_vec(), data_type: INT64, data: Data::Raw(bytes) }
}

/// A 1-D int64 tensor (shapes, pads, axes).
pub fn i64_vector(name: &str, values: &[i64]) -> TensorSpec {
    i64_tensor(name, &[values.len() as i64], values)
}

/// A float scalar.
pub fn f32_scalar(name: &str, value: f32) -> TensorSpec {
    f32_tensor(name, &[], &[value])
}

/// An attribute value.
#[derive(Clone, Debug)]
pub enum Attr {
    Int(i64),
    Float(f32),
    Ints(Vec<i64>),
    Floats(Vec<f32>),
    Str(String),
    Tensor(TensorSpec),
}

impl Attr {
    pub fn ints(values: &[i64]) -> Self {
        Attr::Ints(values.to_vec())
    }

    pub fn str(value: &str) -> Self {
        Attr::Str(value.to_string())
    }

    fn encode(&self, name: &str) -> Message {
        let mut attribute = Message::new();
        attribute.string(1, name);
        match self {
            Attr::Float(value) => attribute.float(2, *value).int64(20, 1),
            Attr::Int(value) => attribute.int64(3, *value).int64(20, 2),
            Attr::Str(value) => attribute.string(4, value).int64(20, 3),
            Attr::Tensor(tensor) => attribute.message(5, &tensor.encode()).int64(20, 4),
            Attr::Floats(values) => attribute.packed_floats(7, values).int64(20, 6),
            Attr::Ints(values) => attribute.packed_int64s(8, values).int64(20, 7),
        };
        attribute
    }
}

/// A dimension of a declared shape.
#[derive(Clone, Debug)]
pub enum Dim {
    Value(i64),
    Param(&'static str),
}

fn value_info(name: &str, element: i32, dims: Option<&[Dim]>) -> Message {
    let mut tensor_type = Message::new();
    tensor_type.int64(1, i64::from(element));
    if let Some(dims) = dims {
        let mut shape = Message::new();
        for dim in dims {
            let mut dimension = Message::new();
            match dim {
                Dim::Value(value) => dimension.int64(1, *value),
                Dim::Param(param) => dimension.string(2, param),
            };
            shape.message(1, &dimension);
        }
        tensor_type.message(2, &shape);
    }
    let mut ty = Message::new();
    ty.message(1, &tensor_type);
    let mut info = Message::new();
    info.string(1, name).message(2, &ty);
    info
}

/// Builds an ONNX model.
#[derive(Clone, Debug)]
pub struct ModelBuilder {
    pub opset: i64,
    pub ir_version: i64,
    pub graph_name: String,
    nodes: Vec<Message>,
    initializers: Vec<Message>,
    inputs: Vec<Message>,
    outputs: Vec<Message>,
    extra_opsets: Vec<(String, i64)>,
}

impl ModelBuilder {
    pub fn new(opset: i64) -> Self {
        Self {
            opset,
            ir_version: 8,
            graph_name: "test".into(),
            nodes: Vec::new(),
            initializers: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            extra_opsets: Vec::new(),
        }
    }

    /// A float input of a static shape.
    pub fn input(&mut self, name: &str, dims: &[i64]) -> &mut Self {
        let dims: Vec<Dim> = dims.iter().map(|&dim| Dim::Value(dim)).collect();
        self.input_dims(name, FLOAT, &dims)
    }

    pub fn input_dims(&mut self, name: &str, element: i32, dims: &[Dim]) -> &mut Self {
        self.inputs.push(value_info(name, element, Some(dims)));
        self
    }

    /// A float output without a declared shape.
    pub fn output(&mut self, name: &str) -> &mut Self {
        self.output_of(name, FLOAT)
    }

    /// An output of element type `element` without a declared shape.
    pub fn output_of(&mut self, name: &str, element: i32) -> &mut Self {
        self.outputs.push(value_info(name, element, None));
        self
    }

    /// A float output with a declared shape.
    pub fn output_dims(&mut self, name: &str, dims: &[Dim]) -> &mut Self {
        self.outputs.push(value_info(name, FLOAT, Some(dims)));
        self
    }

    pub fn initializer(&mut self, tensor: TensorSpec) -> &mut Self {
        self.initializers.push(tensor.encode());
        self
    }

    pub fn opset_import(&mut self, domain: &str, version: i64) -> &mut Self {
        self.extra_opsets.push((domain.into(), version));
        self
    }

    pub fn node(&mut self, op_type: &str, name: &str, inputs: &[&str], outputs: &[&str]) -> &mut Self {
        self.node_with(op_type, name, inputs, outputs, &[])
    }

    pub fn node_with(
        &mut self,
        op_type: &str,
        name: &str,
        inputs: &[&str],
        outputs: &[&str],
        attributes: &[(&str, Attr)],
    ) -> &mut Self {
        self.node_in_domain("", op_type, name, inputs, outputs, attributes)
    }

    pub fn node_in_domain(
        &mut self,
        domain: &str,
        op_type: &str,
        name: &str,
        inputs: &[&str],
        outputs: &[&str],
        attributes: &[(&str, Attr)],
    ) -> &mut Self {
        let mut node = Message::new();
        for input in inputs {
            node.string(1, input);
        }
        for output in outputs {
            node.string(2, output);
        }
        if !name.is_empty() {
            node.string(3, name);
        }
        node.string(4, op_type);
        for (attribute_name, value) in attributes {
            node.message(5, &value.encode(attribute_name));
        }
        if !domain.is_empty() {
            node.string(7, domain);
        }
        self.nodes.push(node);
        self
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut graph = Message::new();
        for node in &self.nodes {
            graph.message(1, node);
        }
        graph.string(2, &self.graph_name);
        for initializer in &self.initializers {
            graph.message(5, initializer);
        }
        for input in &self.inputs {
            graph.message(11, input);
        }
        for output in &self.outputs {
            graph.message(12, output);
        }
        let mut model = Message::new();
        model.int64(1, self.ir_version);
        let mut opsets = vec![(String::new(), self.opset)];
        opsets.extend(self.extra_opsets.iter().cloned());
        for (domain, version) in opsets {
            let mut opset = Message::new();
            opset.string(1, &domain).int64(2, version);
            model.message(8, &opset);
        }
        model.string(2, "autows-onnx tests");
        model.message(7, &graph);
        model.into_bytes()
    }
}

/// A fresh folder for one test's files.
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("autows-onnx").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the scratch folder can be made");
    dir
}
