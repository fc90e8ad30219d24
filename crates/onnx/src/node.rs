//! One ONNX node being converted: its name, typed access to its attributes, and errors that name it.

use crate::{
    error::OnnxError,
    proto::{AttributeProto, AttributeValue, NodeProto, TensorProto},
};

/// The largest dimension, pad, stride, dilation or group count the importer accepts. No CNN comes near it, and
/// with it the shape arithmetic of the network model cannot overflow.
pub(crate) const MAX_EXTENT: i64 = i32::MAX as i64;

/// A node with the name it has in the network.
pub(crate) struct NodeCx<'m> {
    /// The decoded node.
    pub node: &'m NodeProto,
    /// Its ONNX name, or `<OpType>_<index>` when it has none.
    pub name: String,
    /// Its position in the graph.
    pub index: usize,
    /// The model file, which holds string attributes.
    pub buffer: &'m [u8],
}

impl NodeCx<'_> {
    /// The operator.
    pub fn op(&self) -> &str {
        &self.node.op_type
    }

    /// The name of a helper node this node expands into (the node that computes the ONNX output keeps the
    /// node's own name).
    pub fn helper_name(&self, role: &str) -> String {
        format!("{}/{role}", self.name)
    }

    /// The node breaks the operator's definition.
    pub fn invalid(&self, message: impl Into<String>) -> OnnxError {
        OnnxError::InvalidNode { node: self.name.clone(), op_type: self.op().to_string(), message: message.into() }
    }

    /// The node is valid ONNX that the network model cannot express.
    pub fn unsupported(&self, message: impl Into<String>) -> OnnxError {
        OnnxError::UnsupportedForm { node: self.name.clone(), op_type: self.op().to_string(), message: message.into() }
    }

    /// The attribute `name`; the last one wins if the file repeats it.
    pub fn attribute(&self, name: &str) -> Option<&AttributeProto> {
        self.node.attributes.iter().rev().find(|attribute| attribute.name == name)
    }

    fn wrong_type(&self, name: &str, expected: &str, found: AttributeValue<'_>) -> OnnxError {
        let found = match found {
            AttributeValue::Float(_) => "a float",
            AttributeValue::Int(_) => "an integer",
            AttributeValue::String(_) => "a string",
            AttributeValue::Tensor(_) => "a tensor",
            AttributeValue::Floats(_) => "a list of floats",
            AttributeValue::Ints(_) => "a list of integers",
            AttributeValue::Strings(_) => "a list of strings",
            AttributeValue::Other(_) => "a graph, sparse tensor or type",
        };
        self.invalid(format!("attribute '{name}' must be {expected}, but it is {found}"))
    }

    /// An integer attribute, or `default` when absent.
    pub fn int(&self, name: &str, default: i64) -> Result<i64, OnnxError> {
        match self.attribute(name).map(AttributeProto::value) {
            None => Ok(default),
            Some(AttributeValue::Int(value)) => Ok(value),
            Some(other) => Err(self.wrong_type(name, "an integer", other)),
        }
    }

    /// An integer attribute the operator requires.
    pub fn required_int(&self, name: &str) -> Result<i64, OnnxError> {
        match self.attribute(name) {
            Some(_) => self.int(name, 0),
            None => Err(self.invalid(format!("attribute '{name}' is required"))),
        }
    }

    /// A float attribute, or `default` when absent. Integer values are accepted, as some exporters write them.
    pub fn float(&self, name: &str, default: f32) -> Result<f32, OnnxError> {
        match self.attribute(name).map(AttributeProto::value) {
            None => Ok(default),
            Some(AttributeValue::Float(value)) => Ok(value),
            Some(AttributeValue::Int(value)) => Ok(value as f32),
            Some(other) => Err(self.wrong_type(name, "a float", other)),
        }
    }

    /// An integer-list attribute, if present.
    pub fn ints(&self, name: &str) -> Result<Option<Vec<i64>>, OnnxError> {
        match self.attribute(name).map(AttributeProto::value) {
            None => Ok(None),
            Some(AttributeValue::Ints(values)) => Ok(Some(values.to_vec())),
            Some(other) => Err(self.wrong_type(name, "a list of integers", other)),
        }
    }

    /// A float-list attribute, if present.
    pub fn floats(&self, name: &str) -> Result<Option<Vec<f32>>, OnnxError> {
        match self.attribute(name).map(AttributeProto::value) {
            None => Ok(None),
            Some(AttributeValue::Floats(values)) => Ok(Some(values.to_vec())),
            Some(other) => Err(self.wrong_type(name, "a list of floats", other)),
        }
    }

    /// A string attribute, or `default` when absent.
    pub fn string(&self, name: &str, default: &str) -> Result<String, OnnxError> {
        match self.attribute(name).map(AttributeProto::value) {
            None => Ok(default.to_string()),
            Some(AttributeValue::String(span)) => match std::str::from_utf8(span.of(self.buffer)) {
                Ok(text) => Ok(text.to_string()),
                Err(_) => Err(self.invalid(format!("attribute '{name}' is not valid UTF-8"))),
            },
            Some(other) => Err(self.wrong_type(name, "a string", other)),
        }
    }

    /// A tensor attribute, if present.
    pub fn tensor(&self, name: &str) -> Result<Option<&TensorProto>, OnnxError> {
        match self.attribute(name).map(AttributeProto::value) {
            None => Ok(None),
            Some(AttributeValue::Tensor(tensor)) => Ok(Some(tensor)),
            Some(other) => Err(self.wrong_type(name, "a tensor", other)),
        }
    }

    /// A two-value integer-list attribute (strides, dilations, a 2-D kernel), each value within
    /// [`MAX_EXTENT`].
    pub fn pair(&self, name: &str) -> Result<Option<[i64; 2]>, OnnxError> {
        match self.ints(name)? {
            None => Ok(None),
            Some(values) => match values[..] {
                [rows, columns] => Ok(Some([self.bounded(name, rows)?, self.bounded(name, columns)?])),
                _ => Err(self
                    .invalid(format!("attribute '{name}' must have 2 values (rows, columns), got {}", values.len()))),
            },
        }
    }

    /// Checks that an attribute or operand value is within [`MAX_EXTENT`] either way.
    pub fn bounded(&self, what: &str, value: i64) -> Result<i64, OnnxError> {
        if value.unsigned_abs() > MAX_EXTENT as u64 {
            return Err(self.invalid(format!("'{what}' value {value} is out of range")));
        }
        Ok(value)
    }
}
