//! Reading a `graph`-dialect function back into a [`Network`], for the interpreter and the models that work on
//! plain data.

use autows_ir::{
    attributes::{self as attr, AttributeError},
    diagnostics::SourceLocation,
    fusion::{FusedActivation, FusedStages, PoolKind},
    rewrite::{body, op_name},
    types::TensorType as IrTensorType,
};
use autows_network::{
    ElementType, Network, NetworkError, Op, PadMode, Tensor, TensorData, TensorType, ValueId, Window2d,
};
use melior::ir::{
    block::BlockLike, operation::OperationLike, AttributeLike, BlockRef, Location, OperationRef, Value, ValueLike,
};
use std::collections::HashMap;
use thiserror::Error;

/// IR that cannot be read as a network.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ExtractError {
    /// An operation outside the graph dialect, or one the network model does not know.
    #[error("{location}: '{op}' is not a graph-dialect operation the network model knows")]
    UnsupportedOp {
        /// Where.
        location: String,
        /// The operation's name.
        op: String,
    },
    /// A value without a static tensor type.
    #[error("{location}: every value must be a statically shaped tensor of f32, i64, i32 or i8")]
    Type {
        /// Where.
        location: String,
    },
    /// A missing or malformed attribute.
    #[error("{location}: {error}")]
    Attribute {
        /// Where.
        location: String,
        /// What.
        error: AttributeError,
    },
    /// The declared result type disagrees with the operation's rule.
    #[error("{location}: the result type {declared} differs from the inferred {inferred}")]
    Mismatch {
        /// Where.
        location: String,
        /// The IR's type.
        declared: String,
        /// The rule's type.
        inferred: String,
    },
    /// The network model refused the node.
    #[error("{0}")]
    Network(#[from] NetworkError),
    /// The function has no body, or an operand defined outside it.
    #[error("{location}: {message}")]
    Structure {
        /// Where.
        location: String,
        /// What.
        message: String,
    },
}

fn element_type(name: &str) -> Option<ElementType> {
    match name {
        "f32" => Some(ElementType::F32),
        "i64" => Some(ElementType::I64),
        "i32" => Some(ElementType::I32),
        "i8" => Some(ElementType::I8),
        _ => None,
    }
}

fn tensor_type(value: Value, location: &str) -> Result<TensorType, ExtractError> {
    IrTensorType::from_type(value.r#type())
        .and_then(|ty| Some(TensorType { shape: ty.static_shape()?, element: element_type(&ty.element)? }))
        .ok_or_else(|| ExtractError::Type { location: location.to_string() })
}

/// The name a node takes from its operation: the location's name (ONNX node names), else its position.
fn node_name(op: &OperationRef, index: usize) -> String {
    match SourceLocation::from_mlir(op.location(), "") {
        SourceLocation::Name { name, .. } => name,
        SourceLocation::File { file, line, column } if !file.is_empty() => format!("{file}:{line}:{column}"),
        _ => format!("{}_{index}", op_name(op).trim_start_matches("graph.")),
    }
}

fn array<const N: usize>(op: &OperationRef, name: &str) -> Result<[i64; N], AttributeError> {
    let values = attr::i64_array(op, name)?;
    values.try_into().map_err(|values: Vec<i64>| AttributeError::WrongKind {
        name: name.to_string(),
        expected: "an array of the right length",
        found: format!("{} values", values.len()),
    })
}

fn f32_of(op: &OperationRef, name: &str) -> Result<f32, AttributeError> {
    attr::float(op, name).map(|value| value as f32)
}

fn constant(op: &OperationRef, ty: &TensorType) -> Result<Tensor, AttributeError> {
    let value = op.attribute("value").map_err(|_| AttributeError::Missing("value".into()))?;
    let raw = value.to_raw();
    let count = ty.element_count();
    let bytes: Vec<u8> = unsafe {
        if !mlir_sys::mlirAttributeIsADenseElements(raw) {
            return Err(AttributeError::WrongKind {
                name: "value".into(),
                expected: "dense elements",
                found: value.to_string(),
            });
        }
        let data = mlir_sys::mlirDenseElementsAttrGetRawData(raw) as *const u8;
        let stored = if mlir_sys::mlirDenseElementsAttrIsSplat(raw) { 1 } else { count };
        std::slice::from_raw_parts(data, stored * ty.element.size()).to_vec()
    };
    let bytes = if bytes.len() == ty.element.size() && count != 1 { bytes.repeat(count) } else { bytes };
    let data = match ty.element {
        ElementType::F32 => {
            TensorData::F32(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
        }
        ElementType::I64 => {
            TensorData::I64(bytes.chunks_exact(8).map(|b| i64::from_le_bytes(b.try_into().unwrap_or([0; 8]))).collect())
        }
        ElementType::I32 => {
            TensorData::I32(bytes.chunks_exact(4).map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
        }
        ElementType::I8 => TensorData::I8(bytes.iter().map(|&b| b as i8).collect()),
    };
    Ok(Tensor { shape: ty.shape.clone(), data })
}

/// The operations a fused convolution or gemm (`graph-fuse`) stands for after its own arithmetic, in order.
fn fused_stages(op: &OperationRef) -> Result<Vec<(&'static str, Op)>, AttributeError> {
    let stages = FusedStages::of(op)?;
    let mut ops = Vec::new();
    match stages.activation {
        Some(FusedActivation::Relu) => ops.push(("activation", Op::Relu)),
        Some(FusedActivation::Clip { min, max }) => {
            ops.push(("activation", Op::Clip { min: min as f32, max: max as f32 }))
        }
        None => {}
    }
    if let Some(pool) = stages.pool {
        let window = Window2d { kernel: pool.kernel, strides: pool.strides, pads: pool.pads, dilations: [1, 1] };
        ops.push((
            "pool",
            match pool.kind {
                PoolKind::Max => Op::MaxPool { window, ceil_mode: false },
                PoolKind::Average => Op::AvgPool { window, ceil_mode: false, count_include_pad: true },
            },
        ));
    }
    Ok(ops)
}

fn read_op(op: &OperationRef, name: &str, result: &TensorType) -> Result<Op, AttributeError> {
    Ok(match name {
        "conv2d" | "conv2d_add" => Op::Conv2d {
            strides: array(op, "strides")?,
            pads: array(op, "pads")?,
            dilations: array(op, "dilations")?,
            groups: attr::int(op, "groups")?,
        },
        "gemm" => Op::Gemm {
            trans_a: attr::bool(op, "trans_a")?,
            trans_b: attr::bool(op, "trans_b")?,
            alpha: f32_of(op, "alpha")?,
            beta: f32_of(op, "beta")?,
        },
        "matmul" => Op::MatMul,
        "relu" => Op::Relu,
        "clip" => Op::Clip { min: f32_of(op, "min")?, max: f32_of(op, "max")? },
        "sigmoid" => Op::Sigmoid,
        "hardswish" => Op::HardSwish,
        "identity" => Op::Identity,
        "dropout" => Op::Dropout { ratio: f32_of(op, "ratio")? },
        "add" => Op::Add,
        "sub" => Op::Sub,
        "mul" => Op::Mul,
        "div" => Op::Div,
        "sqrt" => Op::Sqrt,
        "maxpool" => Op::MaxPool {
            window: Window2d {
                kernel: array(op, "kernel")?,
                strides: array(op, "strides")?,
                pads: array(op, "pads")?,
                dilations: array(op, "dilations")?,
            },
            ceil_mode: attr::bool(op, "ceil_mode")?,
        },
        "avgpool" => Op::AvgPool {
            window: Window2d {
                kernel: array(op, "kernel")?,
                strides: array(op, "strides")?,
                pads: array(op, "pads")?,
                dilations: [1, 1],
            },
            ceil_mode: attr::bool(op, "ceil_mode")?,
            count_include_pad: attr::bool(op, "count_include_pad")?,
        },
        "global_avgpool" => Op::GlobalAvgPool,
        "concat" => Op::Concat { axis: attr::int(op, "axis")? },
        "flatten" => Op::Flatten { axis: attr::int(op, "axis")? },
        "reshape" => Op::Reshape,
        "transpose" => Op::Transpose { perm: attr::i64_array(op, "perm")? },
        "pad" => Op::Pad {
            pads: attr::i64_array(op, "pads")?,
            mode: PadMode::from_name(&attr::string(op, "mode")?).unwrap_or(PadMode::Constant),
            value: f32_of(op, "value")?,
        },
        "batchnorm" => Op::BatchNorm { epsilon: f32_of(op, "epsilon")? },
        "softmax" => Op::Softmax { axis: attr::int(op, "axis")? },
        "constant" => Op::Constant { value: constant(op, result)? },
        "weight" => Op::Weight {
            source: attr::string(op, "source")?,
            key: attr::string(op, "key")?,
            checksum: attr::string(op, "checksum")?,
        },
        other => {
            return Err(AttributeError::WrongKind {
                name: "operation".into(),
                expected: "a graph operation",
                found: other.to_string(),
            })
        }
    })
}

/// Reads the body of `function` (a `func.func` of graph operations) into a network named after it.
pub fn extract_network(function: OperationRef) -> Result<Network, ExtractError> {
    let name = attr::string(&function, "sym_name").unwrap_or_else(|_| "network".into());
    let location = node_name(&function, 0);
    let structure = |message: &str| ExtractError::Structure { location: location.clone(), message: message.into() };
    let body: BlockRef = body(function).ok_or_else(|| structure("the function has no body"))?;
    let mut network = Network::new(name);
    let mut ids: HashMap<usize, ValueId> = HashMap::new();
    let key = |value: Value| value.to_raw().ptr as usize;
    for index in 0..body.argument_count() {
        let argument: Value = body.argument(index).map_err(|_| structure("missing argument"))?.into();
        // An argument keeps the name its location gives it (an ONNX graph input's), else its position.
        let located = unsafe { Location::from_raw(mlir_sys::mlirValueGetLocation(argument.to_raw())) };
        let input_name = match SourceLocation::from_mlir(located, "") {
            SourceLocation::Name { name, .. } => name,
            _ => format!("input{index}"),
        };
        let id = network.add_input(input_name, tensor_type(argument, &location)?);
        ids.insert(key(argument), id);
    }
    let mut next = body.first_operation();
    let mut index = 0;
    while let Some(op) = next {
        next = op.next_in_block();
        let full_name = op_name(&op);
        if full_name == "func.return" {
            for operand in op.operands() {
                let id = ids.get(&key(operand)).copied().ok_or_else(|| structure("a result comes from outside"))?;
                network.outputs.push(id);
            }
            continue;
        }
        let node = node_name(&op, index);
        index += 1;
        let Some(short) = full_name.strip_prefix("graph.") else {
            return Err(ExtractError::UnsupportedOp { location: node, op: full_name });
        };
        let result: Value = op.result(0).map_err(|_| structure("an operation without a result"))?.into();
        let declared = tensor_type(result, &node)?;
        let parsed = read_op(&op, short, &declared).map_err(|error| match error {
            AttributeError::WrongKind { name, .. } if name == "operation" => {
                ExtractError::UnsupportedOp { location: node.clone(), op: full_name.clone() }
            }
            error => ExtractError::Attribute { location: node.clone(), error },
        })?;
        let inputs: Vec<ValueId> = op
            .operands()
            .map(|operand| ids.get(&key(operand)).copied().ok_or_else(|| structure("an operand comes from outside")))
            .collect::<Result<_, _>>()?;
        let id = match parsed {
            Op::Weight { source, key: tensor_key, checksum } => {
                network.add_weight(node.clone(), declared.clone(), source, tensor_key, checksum)
            }
            Op::Reshape => network.add_reshape(node.clone(), inputs[0], &declared.shape)?,
            // A convolution with a residual add is, as mathematics, the convolution and then the add.
            op @ Op::Conv2d { .. } if short == "conv2d_add" => {
                let (&residual, convolution) = inputs
                    .get(2)
                    .map(|residual| (residual, [&inputs[..2], &inputs[3..]].concat()))
                    .ok_or_else(|| structure("a conv2d_add without its residual"))?;
                let convolved = network.add(node.clone(), op, &convolution)?;
                network.add(format!("{node}/add"), Op::Add, &[convolved, residual])?
            }
            op => network.add(node.clone(), op, &inputs)?,
        };
        // Stages fused by graph-fuse are, as mathematics, the operations after it.
        let mut id = id;
        for (stage, op) in
            fused_stages(&op).map_err(|error| ExtractError::Attribute { location: node.clone(), error })?
        {
            id = network.add(format!("{node}/{stage}"), op, &[id])?;
        }
        let inferred = network.ty(id);
        if inferred.shape != declared.shape {
            return Err(ExtractError::Mismatch {
                location: node,
                declared: declared.mlir(),
                inferred: inferred.mlir(),
            });
        }
        ids.insert(key(result), id);
    }
    Ok(network)
}
