//! The quantised evaluation of a whole network.

use super::{
    ops::{evaluate, QuantValue},
    spec::QuantSpec,
    tensor::{QuantOutput, QuantTensor},
};
use crate::{
    error::InterpError,
    float,
    values::{check_declared, check_declared_shape, check_inputs, load_weight, ValueTable},
};
use autows_network::{Network, Op, Tensor, TensorData, WeightLoader};

/// Evaluates `network` with the integer semantics of `spec` (see the [`crate::quant`] documentation) and
/// returns every network output as codes and as the floats they stand for.
///
/// The float inputs are quantised to the activation format first. Nodes that read only parameters (weights,
/// constants and what is computed from them alone) run in float, as in [`crate::run`]; every other node runs on
/// integers and must be one of convolution, gemm, relu, clip, max/average/global pooling, add, sub, concat,
/// flatten, reshape, transpose, pad, identity or dropout, or the evaluation fails with
/// [`InterpError::Unquantizable`] naming the node.
pub fn run_quantized(
    network: &Network,
    inputs: &[Tensor],
    weights: &dyn WeightLoader,
    spec: &QuantSpec,
) -> Result<Vec<QuantOutput>, InterpError> {
    check_inputs(network, inputs)?;
    let format = spec.activation_format();
    let mut table = ValueTable::new(network);
    for (index, (id, tensor)) in network.inputs.iter().zip(inputs).enumerate() {
        let TensorData::F32(values) = &tensor.data else {
            return Err(InterpError::InputType {
                index,
                name: network.value(*id).name.clone(),
                expected: "an f32 tensor to quantise".into(),
                found: tensor.tensor_type().mlir(),
            });
        };
        table.set(*id, QuantValue::Act(QuantTensor::quantize(tensor.shape.clone(), values, format)));
    }
    for node in &network.nodes {
        let operands = table.operands(node)?;
        let declared = network.values.get(node.output.0).map(|value| &value.ty);
        let op_name = node.op.dialect_name();
        let result = match &node.op {
            Op::Weight { source, key, checksum } => {
                QuantValue::Param(load_weight(network, node, (source, key, checksum), weights)?)
            }
            op => {
                let params: Option<Vec<&Tensor>> = operands
                    .iter()
                    .map(|value| match value {
                        QuantValue::Param(tensor) => Some(tensor),
                        QuantValue::Act(_) => None,
                    })
                    .collect();
                match params {
                    Some(params) => QuantValue::Param(
                        float::evaluate(op, &params, declared).map_err(|error| error.at(&node.name, op_name))?,
                    ),
                    None => QuantValue::Act(
                        evaluate(op, &operands, declared, spec).map_err(|error| error.at(&node.name, op_name))?,
                    ),
                }
            }
        };
        match &result {
            QuantValue::Param(tensor) => check_declared(network, node, &tensor.tensor_type())?,
            QuantValue::Act(tensor) => check_declared_shape(network, node, &tensor.shape)?,
        }
        table.release_operands(node);
        table.set(node.output, result);
    }
    let outputs = table.outputs(network)?;
    Ok(outputs
        .into_iter()
        .map(|value| {
            let fixed = match value {
                QuantValue::Act(tensor) => tensor,
                QuantValue::Param(tensor) => QuantTensor::quantize(tensor.shape.clone(), &tensor.data.to_f32(), format),
            };
            QuantOutput { real: fixed.to_f32(), fixed }
        })
        .collect())
}
