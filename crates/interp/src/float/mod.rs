//! The float reference: every operation in `f32`, with the summation orders documented at the crate root.

mod elementwise;
mod layout;

pub(crate) use layout::{check_pads, check_target};
mod linear;
mod normalize;
mod pool;

use crate::{
    error::{fault, Fault, InterpError},
    values::{check_declared, check_inputs, load_weight, well_formed, ValueTable},
};
use autows_network::{Network, Op, Tensor, TensorData, TensorType, WeightLoader};

/// Evaluates `network` on `inputs` (one tensor per network input, in order), loading weights through
/// `weights`, and returns the network outputs in order.
///
/// Every node runs in `f32` in the network's order. The result is the same on every run and every platform:
/// sums follow the fixed orders the crate documentation lists and no operation fuses a multiply with an add.
/// Malformed networks and inputs give an [`InterpError`] naming the node, never a panic.
pub fn run(network: &Network, inputs: &[Tensor], weights: &dyn WeightLoader) -> Result<Vec<Tensor>, InterpError> {
    check_inputs(network, inputs)?;
    let mut table = ValueTable::new(network);
    for (id, tensor) in network.inputs.iter().zip(inputs) {
        table.set(*id, tensor.clone());
    }
    for node in &network.nodes {
        let operands = table.operands(node)?;
        let declared = network.values.get(node.output.0).map(|value| &value.ty);
        let result = match &node.op {
            Op::Weight { source, key, checksum } => load_weight(network, node, (source, key, checksum), weights)?,
            op => evaluate(op, &operands, declared).map_err(|error| error.at(&node.name, op.dialect_name()))?,
        };
        check_declared(network, node, &result.tensor_type())?;
        table.release_operands(node);
        table.set(node.output, result);
    }
    table.outputs(network)
}

/// One operation on its operands (their number already checked). `declared` is the result type the network
/// records, which gives a reshape its target.
pub(crate) fn evaluate(op: &Op, args: &[&Tensor], declared: Option<&TensorType>) -> Result<Tensor, Fault> {
    match op {
        Op::Conv2d { strides, pads, dilations, groups } => {
            linear::conv2d(args[0], args[1], args.get(2).copied(), (*strides, *pads, *dilations, *groups))
        }
        Op::Gemm { trans_a, trans_b, alpha, beta } => {
            linear::gemm(args[0], args[1], args.get(2).copied(), (*trans_a, *trans_b), (*alpha, *beta))
        }
        Op::MatMul => linear::matmul(args[0], args[1]),
        Op::Relu => elementwise::unary(args[0], |x| if x < 0.0 { 0.0 } else { x }),
        Op::Clip { min, max } => {
            let (min, max) = (*min, *max);
            elementwise::unary(args[0], move |x| {
                if x < min {
                    min
                } else if x > max {
                    max
                } else {
                    x
                }
            })
        }
        Op::Sigmoid => elementwise::unary(args[0], elementwise::sigmoid),
        Op::HardSwish => elementwise::unary(args[0], elementwise::hard_swish),
        Op::Sqrt => elementwise::unary(args[0], f32::sqrt),
        Op::Identity | Op::Dropout { .. } => Ok(args[0].clone()),
        Op::Add => elementwise::binary(args[0], args[1], |x, y| x + y),
        Op::Sub => elementwise::binary(args[0], args[1], |x, y| x - y),
        Op::Mul => elementwise::binary(args[0], args[1], |x, y| x * y),
        Op::Div => elementwise::binary(args[0], args[1], |x, y| x / y),
        Op::MaxPool { window, ceil_mode } => pool::max_pool(args[0], window, *ceil_mode),
        Op::AvgPool { window, ceil_mode, count_include_pad } => {
            pool::avg_pool(args[0], window, *ceil_mode, *count_include_pad)
        }
        Op::GlobalAvgPool => pool::global_avg_pool(args[0]),
        Op::Concat { axis } => layout::concat(args[0], args[1], *axis),
        Op::Flatten { axis } => layout::flatten(args[0], *axis),
        Op::Reshape => match declared {
            Some(ty) => layout::reshape(args[0], &ty.shape),
            None => fault("the network records no result type to reshape to"),
        },
        Op::Transpose { perm } => layout::transpose(args[0], perm),
        Op::Pad { pads, mode, value } => layout::pad(args[0], pads, *mode, *value),
        Op::BatchNorm { epsilon } => normalize::batch_norm(args[0], &args[1..], *epsilon),
        Op::Softmax { axis } => normalize::softmax(args[0], *axis),
        Op::Constant { value } => {
            if well_formed(value) {
                Ok(value.clone())
            } else {
                fault(format!("the constant is {}", crate::values::describe(value)))
            }
        }
        Op::Weight { .. } => fault("weights are loaded by the evaluator, not evaluated"),
    }
}

/// The elements of an operand that must be `f32`.
pub(crate) fn floats<'a>(tensor: &'a Tensor, what: &str) -> Result<&'a [f32], Fault> {
    match &tensor.data {
        TensorData::F32(values) => Ok(values),
        other => fault(format!("{what} must have f32 elements, got {}", other.element().mlir_name())),
    }
}

/// A float tensor of `shape` (which matches the element count by construction).
pub(crate) fn float_tensor(shape: Vec<i64>, values: Vec<f32>) -> Tensor {
    Tensor { shape, data: TensorData::F32(values.into()) }
}
