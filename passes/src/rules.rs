//! The shape rules of the graph operations, read from IR: shared by the verifier, which checks declared result
//! types against them, and shape inference, which writes result types from them.

use autows_ir::{
    attributes::{self as attr, AttributeError},
    fusion::FusedStages,
    ops::{Conv2d, Conv2dAdd},
    types::TensorType,
};
use autows_shape::{self as shape, ShapeError, Window};
use melior::ir::{operation::OperationLike, OperationRef, ValueLike};

/// A broken rule, as the message that follows `'op.name' op`.
pub struct Check(pub String);

impl From<ShapeError> for Check {
    fn from(error: ShapeError) -> Self {
        Check(error.0)
    }
}

impl From<AttributeError> for Check {
    fn from(error: AttributeError) -> Self {
        Check(error.to_string())
    }
}

/// Fails with `message`.
pub fn problem<T>(message: impl Into<String>) -> Result<T, Check> {
    Err(Check(message.into()))
}

/// The window of a pooling or convolution operation; `dilated` reads `dilations`, otherwise they are 1.
pub fn window(op: &OperationRef, kernel: [i64; 2], dilated: bool) -> Result<Window, Check> {
    Ok(Window {
        kernel,
        strides: attr::i64_array(op, "strides")?,
        pads: attr::i64_array(op, "pads")?,
        dilations: if dilated { attr::i64_array(op, "dilations")? } else { vec![1, 1] },
        ceil_mode: op.has_attribute("ceil_mode") && attr::bool(op, "ceil_mode")?,
    })
}

/// The two-entry `kernel` attribute.
pub fn kernel_attr(op: &OperationRef) -> Result<[i64; 2], Check> {
    let kernel = attr::i64_array(op, "kernel")?;
    match kernel[..] {
        [rows, cols] => Ok([rows, cols]),
        _ => problem(format!("'kernel' must have 2 values, got {}", kernel.len())),
    }
}

/// The static result shape of a reshape, whose target only its result type states.
fn declared_shape(op: &OperationRef) -> Option<Vec<i64>> {
    let result = op.result(0).ok()?;
    TensorType::from_type(result.r#type())?.static_shape()
}

/// The result shape graph operation `name` computes from operand `shapes`; `None` for operations whose result
/// type no rule determines (constants, weights, a reshape to an unknown shape, operations of other dialects).
pub fn graph_result_shape(name: &str, op: &OperationRef, shapes: &[Vec<i64>]) -> Result<Option<Vec<i64>>, Check> {
    let computed = match name {
        "graph.conv2d" => {
            let conv = Conv2d::wrap(*op).ok_or_else(|| Check("is not a graph.conv2d".into()))?;
            let convolved = shape::conv2d(
                &shapes[0],
                &shapes[1],
                shapes.get(2).map(Vec::as_slice),
                &conv.strides()?,
                &conv.pads()?,
                &conv.dilations()?,
                conv.groups()?,
            )?;
            after_fused_pool(op, convolved)?
        }
        "graph.conv2d_add" => {
            let conv = Conv2dAdd::wrap(*op).ok_or_else(|| Check("is not a graph.conv2d_add".into()))?;
            let convolved = shape::conv2d(
                &shapes[0],
                &shapes[1],
                shapes.get(3).map(Vec::as_slice),
                &conv.strides()?,
                &conv.pads()?,
                &conv.dilations()?,
                conv.groups()?,
            )?;
            if shapes[2] != convolved {
                return problem(format!(
                    "the residual ({}) must have the convolution's shape ({})",
                    shape::show(&shapes[2]),
                    shape::show(&convolved)
                ));
            }
            after_fused_pool(op, convolved)?
        }
        "graph.gemm" => shape::gemm(
            &shapes[0],
            &shapes[1],
            shapes.get(2).map(Vec::as_slice),
            attr::bool(op, "trans_a")?,
            attr::bool(op, "trans_b")?,
        )?,
        "graph.matmul" => shape::matmul(&shapes[0], &shapes[1])?,
        "graph.add" | "graph.sub" | "graph.mul" | "graph.div" => shape::broadcast(&shapes[0], &shapes[1])?,
        "graph.maxpool" => {
            let window = window(op, kernel_attr(op)?, true)?;
            shape::pool(&shapes[0], &window)?
        }
        "graph.avgpool" => {
            let window = window(op, kernel_attr(op)?, false)?;
            shape::pool(&shapes[0], &window)?
        }
        "graph.relu" | "graph.sigmoid" | "graph.hardswish" | "graph.identity" | "graph.sqrt" => shapes[0].clone(),
        "graph.global_avgpool" => shape::global_pool(&shapes[0])?,
        "graph.concat" => shape::concat(&shapes[0], &shapes[1], attr::int(op, "axis")?)?,
        "graph.flatten" => shape::flatten(&shapes[0], attr::int(op, "axis")?)?,
        "graph.reshape" => match declared_shape(op) {
            Some(output) => shape::reshape(&shapes[0], &output)?,
            None => return Ok(None),
        },
        "graph.transpose" => shape::transpose(&shapes[0], &attr::i64_array(op, "perm")?)?,
        "graph.pad" => shape::pad(&shapes[0], &attr::i64_array(op, "pads")?)?,
        "graph.batchnorm" => {
            let parameters: Vec<&[i64]> = shapes[1..].iter().map(Vec::as_slice).collect();
            shape::batchnorm(&shapes[0], &parameters)?
        }
        "graph.softmax" => {
            shape::axis(attr::int(op, "axis")?, shapes[0].len())?;
            shapes[0].clone()
        }
        "graph.clip" => {
            let (min, max) = (attr::float(op, "min")?, attr::float(op, "max")?);
            if min > max {
                return problem(format!("'min' ({min}) must not exceed 'max' ({max})"));
            }
            shapes[0].clone()
        }
        "graph.dropout" => {
            let ratio = attr::float(op, "ratio")?;
            if !(0.0..1.0).contains(&ratio) {
                return problem(format!("'ratio' must lie in [0, 1), got {ratio}"));
            }
            shapes[0].clone()
        }
        _ => return Ok(None),
    };
    Ok(Some(computed))
}

/// The shape after the pooling stage `graph-fuse` may have folded into a convolution, for a convolved `shape`.
pub fn after_fused_pool(op: &OperationRef, shape: Vec<i64>) -> Result<Vec<i64>, Check> {
    let Some(pool) = FusedStages::of(op)?.pool else { return Ok(shape) };
    let window = Window {
        kernel: pool.kernel,
        strides: pool.strides.to_vec(),
        pads: pool.pads.to_vec(),
        dilations: vec![1, 1],
        ceil_mode: false,
    };
    Ok(shape::pool(&shape, &window)?)
}
