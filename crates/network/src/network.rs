//! A network: values, and nodes that compute them, in topological order.

use crate::{
    op::{Op, Window2d},
    tensor::{ElementType, TensorType},
};
use autows_shape::{self as shape, ShapeError};
use thiserror::Error;

/// Refers to a value of a [`Network`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueId(pub usize);

/// A value: a network input or a node's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// The name it had in the source (an ONNX value name), for messages.
    pub name: String,
    /// Its type.
    pub ty: TensorType,
    /// The index of the node that computes it; `None` for a network input.
    pub producer: Option<usize>,
}

/// A node: one operation applied to values.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The node's name in the source (an ONNX node name), used as its location.
    pub name: String,
    /// The operation.
    pub op: Op,
    /// Operands, in the order the operation lists them.
    pub inputs: Vec<ValueId>,
    /// The single result.
    pub output: ValueId,
}

/// Why a node cannot be added.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum NetworkError {
    /// The node's operands break the operation's shape rule.
    #[error("node '{node}' ({op}): {message}")]
    Shape {
        /// The node's name.
        node: String,
        /// The operation's dialect name.
        op: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The node has the wrong number of operands.
    #[error("node '{node}' ({op}) takes {expected} operands, got {found}")]
    Arity {
        /// The node's name.
        node: String,
        /// The operation's dialect name.
        op: &'static str,
        /// What it takes.
        expected: String,
        /// What it got.
        found: usize,
    },
}

/// A network in topological order: every node's operands are inputs or results of earlier nodes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Network {
    /// The network's name.
    pub name: String,
    /// Every value.
    pub values: Vec<Value>,
    /// Every node, in topological order.
    pub nodes: Vec<Node>,
    /// The network inputs.
    pub inputs: Vec<ValueId>,
    /// The network outputs.
    pub outputs: Vec<ValueId>,
}

impl Network {
    /// An empty network.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), ..Self::default() }
    }

    /// The value `id`.
    pub fn value(&self, id: ValueId) -> &Value {
        &self.values[id.0]
    }

    /// The type of value `id`.
    pub fn ty(&self, id: ValueId) -> &TensorType {
        &self.values[id.0].ty
    }

    /// Adds a network input.
    pub fn add_input(&mut self, name: impl Into<String>, ty: TensorType) -> ValueId {
        let id = ValueId(self.values.len());
        self.values.push(Value { name: name.into(), ty, producer: None });
        self.inputs.push(id);
        id
    }

    /// Adds a node whose result type follows from its operands, and returns its result.
    pub fn add(&mut self, name: impl Into<String>, op: Op, inputs: &[ValueId]) -> Result<ValueId, NetworkError> {
        let name = name.into();
        let ty = self.infer(&name, &op, inputs, None)?;
        Ok(self.push(name, op, inputs, ty))
    }

    /// Adds a `reshape` to `shape` (which must keep the element count).
    pub fn add_reshape(
        &mut self,
        name: impl Into<String>,
        input: ValueId,
        shape: &[i64],
    ) -> Result<ValueId, NetworkError> {
        let name = name.into();
        let ty = self.infer(&name, &Op::Reshape, &[input], Some(shape))?;
        Ok(self.push(name, Op::Reshape, &[input], ty))
    }

    fn push(&mut self, name: String, op: Op, inputs: &[ValueId], ty: TensorType) -> ValueId {
        let output = ValueId(self.values.len());
        self.values.push(Value { name: name.clone(), ty, producer: Some(self.nodes.len()) });
        self.nodes.push(Node { name, op, inputs: inputs.to_vec(), output });
        output
    }

    /// The result type of `op` on `inputs`. `reshape_to` is the target of a reshape.
    pub fn infer(
        &self,
        node: &str,
        op: &Op,
        inputs: &[ValueId],
        reshape_to: Option<&[i64]>,
    ) -> Result<TensorType, NetworkError> {
        let (required, optional) = op.arity();
        if inputs.len() < required || inputs.len() > required + optional {
            let expected =
                if optional == 0 { required.to_string() } else { format!("{required} to {}", required + optional) };
            return Err(NetworkError::Arity {
                node: node.to_string(),
                op: op.dialect_name(),
                expected,
                found: inputs.len(),
            });
        }
        let shapes: Vec<&[i64]> = inputs.iter().map(|&id| self.ty(id).shape.as_slice()).collect();
        let element = inputs.first().map_or(ElementType::F32, |&id| self.ty(id).element);
        let wrap =
            |error: ShapeError| NetworkError::Shape { node: node.to_string(), op: op.dialect_name(), message: error.0 };
        let result_shape = infer_shape(op, &shapes, reshape_to).map_err(wrap)?;
        let element = match op {
            Op::Constant { value } => value.data.element(),
            Op::Weight { .. } => ElementType::F32,
            _ => element,
        };
        Ok(TensorType { shape: result_shape, element })
    }

    /// The values each node's result flows to: `users[v]` lists the nodes that read value `v`.
    pub fn users(&self) -> Vec<Vec<usize>> {
        let mut users = vec![Vec::new(); self.values.len()];
        for (index, node) in self.nodes.iter().enumerate() {
            for input in &node.inputs {
                users[input.0].push(index);
            }
        }
        users
    }
}

fn window_shape(input: &[i64], window: &Window2d, ceil_mode: bool) -> Result<Vec<i64>, ShapeError> {
    shape::pool(
        input,
        &shape::Window {
            kernel: window.kernel,
            strides: window.strides.to_vec(),
            pads: window.pads.to_vec(),
            dilations: window.dilations.to_vec(),
            ceil_mode,
        },
    )
}

/// The result shape of `op` on operands of `shapes`, by the rules of `autows-shape`.
fn infer_shape(op: &Op, shapes: &[&[i64]], reshape_to: Option<&[i64]>) -> Result<Vec<i64>, ShapeError> {
    match op {
        Op::Conv2d { strides, pads, dilations, groups } => {
            shape::conv2d(shapes[0], shapes[1], shapes.get(2).copied(), strides, pads, dilations, *groups)
        }
        Op::Gemm { trans_a, trans_b, .. } => {
            shape::gemm(shapes[0], shapes[1], shapes.get(2).copied(), *trans_a, *trans_b)
        }
        Op::MatMul => shape::matmul(shapes[0], shapes[1]),
        Op::Add | Op::Sub | Op::Mul | Op::Div => shape::broadcast(shapes[0], shapes[1]),
        Op::MaxPool { window, ceil_mode } => window_shape(shapes[0], window, *ceil_mode),
        Op::AvgPool { window, ceil_mode, .. } => window_shape(shapes[0], window, *ceil_mode),
        Op::GlobalAvgPool => shape::global_pool(shapes[0]),
        Op::Concat { axis } => shape::concat(shapes[0], shapes[1], *axis),
        Op::Flatten { axis } => shape::flatten(shapes[0], *axis),
        Op::Reshape => match reshape_to {
            Some(target) => shape::reshape(shapes[0], target),
            None => Err(ShapeError("a reshape needs its target shape".into())),
        },
        Op::Transpose { perm } => shape::transpose(shapes[0], perm),
        Op::Pad { pads, .. } => shape::pad(shapes[0], pads),
        Op::BatchNorm { .. } => shape::batchnorm(shapes[0], &shapes[1..]),
        Op::Softmax { axis } => shape::axis(*axis, shapes[0].len()).map(|_| shapes[0].to_vec()),
        Op::Clip { min, max } if min > max => Err(ShapeError(format!("'min' ({min}) exceeds 'max' ({max})"))),
        Op::Constant { value } => Ok(value.shape.clone()),
        Op::Weight { .. } => Err(ShapeError("a weight's shape comes from its source; use add_weight".into())),
        Op::Relu | Op::Clip { .. } | Op::Sigmoid | Op::HardSwish | Op::Identity | Op::Dropout { .. } | Op::Sqrt => {
            Ok(shapes[0].to_vec())
        }
    }
}

impl Network {
    /// Adds a weight of type `ty` kept in `source` under `key`.
    pub fn add_weight(
        &mut self,
        name: impl Into<String>,
        ty: TensorType,
        source: impl Into<String>,
        key: impl Into<String>,
        checksum: impl Into<String>,
    ) -> ValueId {
        let op = Op::Weight { source: source.into(), key: key.into(), checksum: checksum.into() };
        self.push(name.into(), op, &[], ty)
    }
}
