//! One ONNX node per network node: the operator, its attributes, and the helper initializers for operands the
//! network keeps as parameters (a reshape's shape, pads, clip bounds, the dropout ratio).
//!
//! Every node is written in its opset-13-or-later form, the one the importer reads back into the same operation:
//! clip bounds, pads and the dropout ratio as inputs, softmax over one axis. Helper initializers are named
//! `<node>/<role>`, made unique against every value name.

use super::{initializers::Initializer, names::ValueNames, ExportError};
use crate::write::Message;
use autows_network::{ElementType, Network, Node, Op, Tensor, TensorData, Window2d};

/// What lowering a node needs besides the node: the network, the opset, the names, and where helper tensors go.
pub(super) struct Lowering<'a, 'n> {
    /// The network being exported.
    pub network: &'n Network,
    /// The standard opset written.
    pub opset: i64,
    /// Every value's ONNX name.
    pub names: &'a mut ValueNames,
    /// Helper initializers made so far.
    pub helpers: &'a mut Vec<Initializer<'n>>,
}

/// An ONNX node being assembled.
struct OnnxNode {
    op_type: &'static str,
    inputs: Vec<String>,
    attributes: Vec<Message>,
}

/// `AttributeProto.AttributeType` codes.
mod attribute_type {
    pub const FLOAT: i64 = 1;
    pub const INT: i64 = 2;
    pub const STRING: i64 = 3;
    pub const INTS: i64 = 7;
}

impl OnnxNode {
    fn new(op_type: &'static str) -> Self {
        Self { op_type, inputs: Vec::new(), attributes: Vec::new() }
    }

    fn attribute(&mut self, name: &str) -> &mut Message {
        let mut attribute = Message::new();
        attribute.string(1, name);
        let index = self.attributes.len();
        self.attributes.push(attribute);
        &mut self.attributes[index]
    }

    fn int(&mut self, name: &str, value: i64) -> &mut Self {
        self.attribute(name).int64(3, value).int64(20, attribute_type::INT);
        self
    }

    fn float(&mut self, name: &str, value: f32) -> &mut Self {
        self.attribute(name).float(2, value).int64(20, attribute_type::FLOAT);
        self
    }

    fn ints(&mut self, name: &str, values: &[i64]) -> &mut Self {
        self.attribute(name).packed_int64s(8, values).int64(20, attribute_type::INTS);
        self
    }

    fn string(&mut self, name: &str, value: &str) -> &mut Self {
        self.attribute(name).string(4, value).int64(20, attribute_type::STRING);
        self
    }

    /// The `NodeProto`.
    fn encode(&self, name: &str, output: &str) -> Message {
        let mut node = Message::new();
        for input in &self.inputs {
            node.string(1, input);
        }
        node.string(2, output).string(3, name).string(4, self.op_type);
        for attribute in &self.attributes {
            node.message(5, attribute);
        }
        node
    }
}

/// A scalar of `element` type holding `value`, for operands that must have the data's type (clip bounds, the
/// pad value). Integer types saturate.
fn scalar(element: ElementType, value: f32) -> Tensor {
    let data = match element {
        ElementType::F32 => TensorData::F32(vec![value].into()),
        ElementType::I64 => TensorData::I64(vec![value as i64].into()),
        ElementType::I32 => TensorData::I32(vec![value as i32].into()),
        ElementType::I8 => TensorData::I8(vec![value as i8].into()),
    };
    Tensor { shape: Vec::new(), data }
}

fn int64_vector(values: &[i64]) -> Tensor {
    Tensor { shape: vec![values.len() as i64], data: TensorData::I64(values.to_vec().into()) }
}

impl<'n> Lowering<'_, 'n> {
    fn invalid(&self, node: &Node, message: impl Into<String>) -> ExportError {
        ExportError::InvalidNode { node: node.name.clone(), op: node.op.dialect_name(), message: message.into() }
    }

    fn unsupported(&self, node: &Node, message: impl Into<String>) -> ExportError {
        ExportError::UnsupportedNode { node: node.name.clone(), op: node.op.dialect_name(), message: message.into() }
    }

    /// The ONNX name of operand `position`, which must be a network input or an earlier node's result, as ONNX
    /// lists nodes in topological order.
    fn operand(&self, index: usize, node: &Node, position: usize) -> Result<String, ExportError> {
        let id = node.inputs[position];
        let value = self.network.values.get(id.0);
        let defined = value.is_some_and(|value| match value.producer {
            Some(producer) => producer < index && self.network.nodes.get(producer).is_some_and(|p| p.output == id),
            None => self.network.inputs.contains(&id),
        });
        match self.names.get(id.0).filter(|_| defined) {
            Some(name) => Ok(name.to_string()),
            None => {
                Err(self.invalid(node, format!("operand {position} (value #{}) is not computed before the node", id.0)))
            }
        }
    }

    /// The shape of operand `position` (already checked by [`Lowering::operand`]).
    fn operand_shape(&self, node: &Node, position: usize) -> &'n [i64] {
        &self.network.values[node.inputs[position].0].ty.shape
    }

    /// Adds a helper initializer named `<node>/<role>` and returns its name.
    fn helper(&mut self, node: &Node, role: &str, tensor: Tensor) -> String {
        let name = self.names.fresh(&format!("{}/{role}", node.name));
        self.helpers.push(Initializer::parameter(name.clone(), tensor));
        name
    }

    fn window(onnx: &mut OnnxNode, window: &Window2d, ceil_mode: bool) {
        onnx.ints("kernel_shape", &window.kernel).ints("strides", &window.strides).ints("pads", &window.pads);
        if ceil_mode {
            onnx.int("ceil_mode", 1);
        }
    }

    /// The `NodeProto` of node `index`, which is neither a weight nor a constant.
    pub fn lower(&mut self, index: usize, node: &Node) -> Result<Message, ExportError> {
        let (required, optional) = node.op.arity();
        if node.inputs.len() < required || node.inputs.len() > required + optional {
            return Err(self.invalid(node, format!("it has {} operands", node.inputs.len())));
        }
        let output = match self.names.get(node.output.0) {
            Some(name) if self.network.values[node.output.0].producer == Some(index) => name.to_string(),
            _ => {
                return Err(
                    self.invalid(node, format!("its result (value #{}) is not recorded as its own", node.output.0))
                )
            }
        };
        let mut inputs = (0..node.inputs.len())
            .map(|position| self.operand(index, node, position))
            .collect::<Result<Vec<_>, _>>()?;
        let mut onnx = self.operator(node, &mut inputs)?;
        onnx.inputs = inputs;
        Ok(onnx.encode(&node.name, &output))
    }

    /// The ONNX operator of `node` with its attributes; parameter operands are appended to `inputs`.
    fn operator(&mut self, node: &Node, inputs: &mut Vec<String>) -> Result<OnnxNode, ExportError> {
        let element = self.network.values[node.output.0].ty.element;
        let onnx = match &node.op {
            Op::Conv2d { strides, pads, dilations, groups } => {
                let kernel = match self.operand_shape(node, 1) {
                    [_, _, rows, columns] => [*rows, *columns],
                    shape => {
                        return Err(self
                            .invalid(node, format!("the weight has rank {}; a 2-D convolution needs 4", shape.len())))
                    }
                };
                let mut onnx = OnnxNode::new("Conv");
                onnx.ints("dilations", dilations)
                    .int("group", *groups)
                    .ints("kernel_shape", &kernel)
                    .ints("pads", pads)
                    .ints("strides", strides);
                onnx
            }
            Op::Gemm { trans_a, trans_b, alpha, beta } => {
                let mut onnx = OnnxNode::new("Gemm");
                onnx.float("alpha", *alpha)
                    .float("beta", *beta)
                    .int("transA", i64::from(*trans_a))
                    .int("transB", i64::from(*trans_b));
                onnx
            }
            Op::MatMul => OnnxNode::new("MatMul"),
            Op::Relu => OnnxNode::new("Relu"),
            Op::Sigmoid => OnnxNode::new("Sigmoid"),
            Op::HardSwish if self.opset < 14 => {
                return Err(self.unsupported(
                    node,
                    format!("HardSwish is defined from opset 14; the export is to opset {}", self.opset),
                ))
            }
            Op::HardSwish => OnnxNode::new("HardSwish"),
            Op::Identity => OnnxNode::new("Identity"),
            Op::Add => OnnxNode::new("Add"),
            Op::Sub => OnnxNode::new("Sub"),
            Op::Mul => OnnxNode::new("Mul"),
            Op::Div => OnnxNode::new("Div"),
            Op::Sqrt => OnnxNode::new("Sqrt"),
            Op::Clip { min, max } => {
                inputs.push(self.helper(node, "min", scalar(element, *min)));
                inputs.push(self.helper(node, "max", scalar(element, *max)));
                OnnxNode::new("Clip")
            }
            Op::Dropout { ratio } => {
                inputs.push(self.helper(node, "ratio", scalar(ElementType::F32, *ratio)));
                OnnxNode::new("Dropout")
            }
            Op::MaxPool { window, ceil_mode } => {
                let mut onnx = OnnxNode::new("MaxPool");
                Self::window(&mut onnx, window, *ceil_mode);
                if window.dilations != [1, 1] {
                    onnx.ints("dilations", &window.dilations);
                }
                onnx
            }
            Op::AvgPool { window, ceil_mode, count_include_pad } => {
                let mut onnx = OnnxNode::new("AveragePool");
                Self::window(&mut onnx, window, *ceil_mode);
                if window.dilations != [1, 1] {
                    if self.opset < 19 {
                        return Err(self.unsupported(
                            node,
                            format!("AveragePool takes dilations from opset 19; the export is to opset {}", self.opset),
                        ));
                    }
                    onnx.ints("dilations", &window.dilations);
                }
                if *count_include_pad {
                    onnx.int("count_include_pad", 1);
                }
                onnx
            }
            Op::GlobalAvgPool => OnnxNode::new("GlobalAveragePool"),
            Op::Concat { axis } => {
                let mut onnx = OnnxNode::new("Concat");
                onnx.int("axis", *axis);
                onnx
            }
            Op::Flatten { axis } => {
                let mut onnx = OnnxNode::new("Flatten");
                onnx.int("axis", *axis);
                onnx
            }
            Op::Reshape => {
                let shape = self.network.values[node.output.0].ty.shape.clone();
                let mut onnx = OnnxNode::new("Reshape");
                // A 0 in the shape input copies the input's dimension unless `allowzero` says it is a size.
                if shape.contains(&0) {
                    if self.opset < 14 {
                        return Err(
                            self.unsupported(node, "a reshape to an empty dimension needs opset 14 (allowzero)")
                        );
                    }
                    onnx.int("allowzero", 1);
                }
                inputs.push(self.helper(node, "shape", int64_vector(&shape)));
                onnx
            }
            Op::Transpose { perm } => {
                let mut onnx = OnnxNode::new("Transpose");
                onnx.ints("perm", perm);
                onnx
            }
            Op::Pad { pads, mode, value } => {
                inputs.push(self.helper(node, "pads", int64_vector(pads)));
                if *mode == autows_network::PadMode::Constant {
                    inputs.push(self.helper(node, "value", scalar(element, *value)));
                }
                let mut onnx = OnnxNode::new("Pad");
                onnx.string("mode", mode.name());
                onnx
            }
            Op::BatchNorm { epsilon } => {
                let mut onnx = OnnxNode::new("BatchNormalization");
                onnx.float("epsilon", *epsilon);
                onnx
            }
            Op::Softmax { axis } => {
                let mut onnx = OnnxNode::new("Softmax");
                onnx.int("axis", *axis);
                onnx
            }
            Op::Constant { .. } | Op::Weight { .. } => {
                return Err(self.invalid(node, "weights and constants are initializers, not nodes"))
            }
        };
        Ok(onnx)
    }
}
