//! `autows-verify`: the rules of our dialects that IRDL cannot state.
//!
//! IRDL checks operand counts, base types, required attributes and enumerated values. This pass checks the
//! rest: shapes agree with the shape rules, parameter lists have the right length, parallelism factors divide
//! the channels they split, stream lanes match the engines at both ends, weight-memory depths add up, and the
//! DMA order is a permutation. It runs after parsing, after every other pass of ours, and at the end of a
//! pipeline; it can also be named in a pipeline like any pass.

use crate::rules::{after_fused_pool, graph_result_shape, kernel_attr, problem, window, Check};
use autows_ir::{
    attributes as attr,
    fusion::{FusedActivation, FusedStages, PoolKind},
    pass::{OptionInfo, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{dialect_of, op_name},
    types::{is_weight_memory, StreamType, TensorType},
};
use autows_shape::{self as shape, show};
use melior::ir::{
    operation::{OperationLike, WalkOrder, WalkResult},
    AttributeLike, OperationRef, Type, ValueLike,
};
use std::collections::BTreeMap;

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "autows-verify",
        summary: "Check the rules of the graph, dataflow and memory dialects that IRDL cannot express",
        description: "Checks every graph, dataflow and memory operation under the anchor: result shapes follow \
                      from operand shapes and attributes, spatial lists have two entries and pads four, parallelism \
                      factors divide the channels they split, stream lanes equal the parallelism of the engines at \
                      both ends, the on-chip and off-chip depths of a streamed weight memory add up to its depth, \
                      and the DMA order of the streamed memories is a permutation. Reports every broken rule at its \
                      operation. The tools run it after parsing and after every pass of ours.",
        anchor: None,
        options: &[] as &[OptionInfo],
    },
    create: |_options: &PassOptions| Ok(Box::new(VerifyPass)),
};

struct VerifyPass;

impl Pass for VerifyPass {
    fn run(&self, op: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        verify(op, cx)
    }
}

/// Checks every operation of our dialects under (and including) `root`, reporting each broken rule.
pub fn verify(root: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
    let mut failed = false;
    // DMA orders of the stream buffers, per enclosing operation (the pipeline function).
    let mut dma_orders: BTreeMap<usize, (mlir_sys::MlirOperation, Vec<i64>)> = BTreeMap::new();
    root.walk(WalkOrder::PreOrder, |op| {
        let name = op_name(&op);
        if !matches!(dialect_of(&name), "graph" | "dataflow" | "memory") {
            return WalkResult::Advance;
        }
        if name == "memory.stream_buffer" {
            if let (Some(parent), Ok(order)) = (op.parent_operation(), attr::int(&op, "dma_order")) {
                let key = parent.to_raw().ptr as usize;
                dma_orders.entry(key).or_insert_with(|| (parent.to_raw(), Vec::new())).1.push(order);
            }
        }
        if let Err(problem) = check(&name, &op) {
            cx.error(&op, format!("'{name}' op {problem}"));
            failed = true;
        }
        WalkResult::Advance
    });
    for (parent, mut orders) in dma_orders.into_values() {
        // The walk is over; the parent is still alive, nothing was erased.
        let parent = unsafe { OperationRef::from_raw(parent) };
        orders.sort_unstable();
        if orders.iter().copied().ne(0..orders.len() as i64) {
            cx.error(
                &parent,
                format!(
                    "the 'dma_order' values of the {} stream buffers must be 0..{} once each, got [{}]",
                    orders.len(),
                    orders.len() - 1,
                    orders.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
                ),
            );
            failed = true;
        }
    }
    if failed {
        Err(autows_ir::pass::PassFailed)
    } else {
        Ok(())
    }
}

fn check(name: &str, op: &OperationRef) -> Result<(), String> {
    let result = match dialect_of(name) {
        "graph" => check_graph(name, op),
        "dataflow" => check_dataflow(name, op),
        _ => check_memory(name, op),
    };
    result.map_err(|Check(message)| message)
}

/// The static shape of a tensor-typed value.
fn tensor_shape(r#type: Type, what: &str) -> Result<Option<Vec<i64>>, Check> {
    match TensorType::from_type(r#type) {
        Some(tensor) => Ok(tensor.static_shape()),
        None => problem(format!("{what} must be a ranked tensor, got {type}")),
    }
}

fn operand_shape(op: &OperationRef, index: usize, what: &str) -> Result<Option<Vec<i64>>, Check> {
    let value = op.operand(index).map_err(|_| Check(format!("is missing its {what}")))?;
    tensor_shape(value.r#type(), what)
}

fn result_shape(op: &OperationRef) -> Result<Option<Vec<i64>>, Check> {
    let value = op.result(0).map_err(|_| Check("has no result".into()))?;
    tensor_shape(value.r#type(), "the result")
}

/// Checks that the declared result shape equals the one the rule computes; dynamic dimensions match anything.
fn expect_result(op: &OperationRef, computed: &[i64]) -> Result<(), Check> {
    let value = op.result(0).map_err(|_| Check("has no result".into()))?;
    let Some(declared) = TensorType::from_type(value.r#type()) else {
        return problem(format!("the result must be a ranked tensor, got {}", value.r#type()));
    };
    expect_shape(&declared, computed, "result")
}

fn expect_shape(declared: &TensorType, computed: &[i64], what: &str) -> Result<(), Check> {
    let agrees = declared.shape.len() == computed.len()
        && declared.shape.iter().zip(computed).all(|(dim, want)| dim.is_none_or(|dim| dim == *want));
    if agrees {
        Ok(())
    } else {
        problem(format!(
            "{what} shape {} does not match the shape implied by the operands and attributes, {}",
            declared
                .shape
                .iter()
                .map(|dim| dim.map_or("?".to_string(), |d| d.to_string()))
                .collect::<Vec<_>>()
                .join("x"),
            show(computed)
        ))
    }
}

fn check_graph(name: &str, op: &OperationRef) -> Result<(), Check> {
    // Shape rules need static operand shapes; before shape inference they may be unknown.
    let shapes: Option<Vec<Vec<i64>>> = (0..op.operand_count())
        .map(|index| operand_shape(op, index, "operand"))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .collect();
    let Some(shapes) = shapes else { return Ok(()) };
    let computed = match name {
        "graph.conv2d" | "graph.conv2d_add" | "graph.gemm" => {
            check_fused_stages(name, op)?;
            match graph_result_shape(name, op, &shapes)? {
                Some(computed) => computed,
                None => return Ok(()),
            }
        }
        "graph.constant" => return check_constant(op),
        "graph.weight" => return check_weight(op),
        _ => match graph_result_shape(name, op, &shapes)? {
            Some(computed) => computed,
            None => return Ok(()),
        },
    };
    expect_result(op, &computed)
}

/// The stages `graph-fuse` folded into a convolution or gemm (an engine, too): known spellings, a clip's bounds
/// in order, pooling on convolutions only.
fn check_fused_stages(name: &str, op: &OperationRef) -> Result<(), Check> {
    let stages = FusedStages::of(op)?;
    if let Some(FusedActivation::Clip { min, max }) = stages.activation {
        if min > max {
            return problem(format!("'activation_min' ({min}) must not exceed 'activation_max' ({max})"));
        }
    }
    if let Some(pool) = stages.pool {
        if matches!(name, "graph.gemm" | "dataflow.fc") {
            return problem("only a convolution can have a fused 'pool'");
        }
        if pool.kind == PoolKind::Average && pool.pads != [0; 4] {
            return problem("a fused average pool must not pad ('pool_pads' must be zero)");
        }
    }
    Ok(())
}

fn check_constant(op: &OperationRef) -> Result<(), Check> {
    let value = op.attribute("value").map_err(|_| Check("requires attribute 'value'".into()))?;
    let value_type = unsafe { Type::from_raw(mlir_sys::mlirAttributeGetType(value.to_raw())) };
    let result = op.result(0).map_err(|_| Check("has no result".into()))?.r#type();
    if value_type != result {
        return problem(format!("'value' has type {value_type} but the result has type {result}"));
    }
    Ok(())
}

fn check_weight(op: &OperationRef) -> Result<(), Check> {
    let checksum = attr::string(op, "checksum")?;
    let digits = checksum.strip_prefix("fnv1a64:").unwrap_or("");
    if digits.len() != 16 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return problem(format!("'checksum' must be 'fnv1a64:' and 16 hex digits, got \"{checksum}\""));
    }
    if attr::string(op, "key")?.is_empty() {
        return problem("'key' must name a tensor");
    }
    match result_shape(op)? {
        Some(_) => Ok(()),
        None => problem("a weight must have a static shape"),
    }
}

/// A stream operand or result.
fn stream(r#type: Type, what: &str) -> Result<(StreamType, Vec<i64>), Check> {
    let Some(stream) = StreamType::from_type(r#type) else {
        return problem(format!("{what} must be a !dataflow.stream, got {type}"));
    };
    let Some(shape) = stream.tensor.static_shape() else {
        return problem(format!("{what} must carry a statically shaped tensor, got {}", stream.tensor.to_mlir()));
    };
    if stream.lanes < 1 {
        return problem(format!("{what} must have at least one lane, got {}", stream.lanes));
    }
    Ok((stream, shape))
}

fn input_stream(op: &OperationRef, index: usize) -> Result<(StreamType, Vec<i64>), Check> {
    let value = op.operand(index).map_err(|_| Check(format!("is missing operand {index}")))?;
    stream(value.r#type(), "the input")
}

fn output_stream(op: &OperationRef, index: usize) -> Result<(StreamType, Vec<i64>), Check> {
    let value = op.result(index).map_err(|_| Check(format!("is missing result {index}")))?;
    stream(value.r#type(), "the output")
}

/// Checks that `factor` (an attribute) is positive and divides `extent`.
fn factor(op: &OperationRef, name: &str, extent: i64, what: &str) -> Result<i64, Check> {
    let value = attr::int(op, name)?;
    if value < 1 || extent % value != 0 {
        return problem(format!("'{name}' ({value}) must be positive and divide the {what} ({extent})"));
    }
    Ok(value)
}

fn expect_lanes(stream: &StreamType, lanes: i64, which: &str, rule: &str) -> Result<(), Check> {
    if stream.lanes != lanes {
        return problem(format!("the {which} stream has {} lanes but {rule} is {lanes}", stream.lanes));
    }
    Ok(())
}

fn channels(shape: &[i64], what: &str) -> Result<i64, Check> {
    match shape {
        [_, channels, ..] => Ok(*channels),
        _ => problem(format!("the {what} must have rank 2 or more, got {}", show(shape))),
    }
}

/// The weight operand's shape when it is still a tensor; `None` once it is a weight memory.
fn weight_shape(op: &OperationRef) -> Result<Option<Vec<i64>>, Check> {
    let value = op.operand(1).map_err(|_| Check("is missing its weights".into()))?;
    if is_weight_memory(value.r#type()) {
        return Ok(None);
    }
    match tensor_shape(value.r#type(), "the weights")? {
        Some(shape) => Ok(Some(shape)),
        None => problem("the weights must have a static shape"),
    }
}

fn check_dataflow(name: &str, op: &OperationRef) -> Result<(), Check> {
    match name {
        "dataflow.conv" | "dataflow.conv_add" => {
            check_fused_stages(name, op)?;
            check_conv_engine(op, name == "dataflow.conv_add")
        }
        "dataflow.fc" => {
            check_fused_stages(name, op)?;
            check_fc_engine(op)
        }
        "dataflow.pool" => {
            let (input, in_shape) = input_stream(op, 0)?;
            let (output, out_shape) = output_stream(op, 0)?;
            let computed = shape::pool(&in_shape, &window(op, kernel_attr(op)?, false)?)?;
            expect_shape(&output.tensor, &computed, "output")?;
            per_channel_lanes(op, &input, &output, channels(&out_shape, "output")?)
        }
        "dataflow.global_pool" => {
            let (input, in_shape) = input_stream(op, 0)?;
            let (output, _) = output_stream(op, 0)?;
            expect_shape(&output.tensor, &shape::global_pool(&in_shape)?, "output")?;
            per_channel_lanes(op, &input, &output, channels(&in_shape, "input")?)
        }
        "dataflow.eltwise" => {
            let (lhs, lhs_shape) = input_stream(op, 0)?;
            let (rhs, rhs_shape) = input_stream(op, 1)?;
            let (output, _) = output_stream(op, 0)?;
            let joined = shape::broadcast(&lhs_shape, &rhs_shape)?;
            if joined != lhs_shape {
                return problem(format!(
                    "the rhs ({}) must broadcast to the lhs ({})",
                    show(&rhs_shape),
                    show(&lhs_shape)
                ));
            }
            expect_shape(&output.tensor, &joined, "output")?;
            let coarse = per_channel_lanes(op, &lhs, &output, channels(&lhs_shape, "lhs")?);
            coarse.and_then(|_| expect_lanes(&rhs, attr::int(op, "coarse")?, "rhs", "'coarse'"))
        }
        "dataflow.activation" => {
            let (input, in_shape) = input_stream(op, 0)?;
            let (output, _) = output_stream(op, 0)?;
            if attr::string(op, "kind")? == "clip" {
                let (min, max) = (attr::float(op, "min")?, attr::float(op, "max")?);
                if min > max {
                    return problem(format!("'min' ({min}) must not exceed 'max' ({max})"));
                }
            }
            per_channel_lanes(op, &input, &output, channels(&in_shape, "input")?)
        }
        "dataflow.concat" => {
            let (lhs, lhs_shape) = input_stream(op, 0)?;
            let (rhs, rhs_shape) = input_stream(op, 1)?;
            let (output, _) = output_stream(op, 0)?;
            expect_shape(&output.tensor, &shape::concat(&lhs_shape, &rhs_shape, 1)?, "output")?;
            let coarse = factor(op, "coarse", channels(&lhs_shape, "lhs")?, "lhs channels")?;
            factor(op, "coarse", channels(&rhs_shape, "rhs")?, "rhs channels")?;
            expect_lanes(&lhs, coarse, "lhs", "'coarse'")?;
            expect_lanes(&rhs, coarse, "rhs", "'coarse'")?;
            expect_lanes(&output, coarse, "output", "'coarse'")
        }
        "dataflow.fork" => {
            if op.result_count() == 0 {
                return problem("must have at least one output");
            }
            Ok(())
        }
        "dataflow.fifo" => {
            let depth = attr::int(op, "depth")?;
            if depth < 1 {
                return problem(format!("'depth' must be positive, got {depth}"));
            }
            Ok(())
        }
        "dataflow.squeeze" => {
            let (input, _) = input_stream(op, 0)?;
            let (output, _) = output_stream(op, 0)?;
            if input.tensor != output.tensor {
                return problem(format!(
                    "must not change the feature map: {} in, {} out",
                    input.tensor.to_mlir(),
                    output.tensor.to_mlir()
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Engines whose lanes each carry a slice of the channels: `coarse` divides them and both streams have
/// `coarse` lanes.
fn per_channel_lanes(op: &OperationRef, input: &StreamType, output: &StreamType, channels: i64) -> Result<(), Check> {
    let coarse = factor(op, "coarse", channels, "channels")?;
    expect_lanes(input, coarse, "input", "'coarse'")?;
    expect_lanes(output, coarse, "output", "'coarse'")
}

fn check_conv_engine(op: &OperationRef, residual: bool) -> Result<(), Check> {
    let (input, in_shape) = input_stream(op, 0)?;
    let (output, out_shape) = output_stream(op, 0)?;
    let groups = attr::int(op, "groups")?;
    if groups < 1 {
        return problem(format!("'groups' must be positive, got {groups}"));
    }
    let (in_channels, filters) = (channels(&in_shape, "input")?, channels(&out_shape, "output")?);
    if in_channels % groups != 0 || filters % groups != 0 {
        return problem(format!(
            "'groups' ({groups}) must divide the input channels ({in_channels}) and the filters ({filters})"
        ));
    }
    let bias_index = if residual { 3 } else { 2 };
    let (convolved, kernel) = match weight_shape(op)? {
        Some(weights) => {
            let bias = match op.operand(bias_index) {
                Ok(bias) => tensor_shape(bias.r#type(), "the bias")?,
                Err(_) => None,
            };
            let computed = shape::conv2d(
                &in_shape,
                &weights,
                bias.as_deref(),
                &attr::i64_array(op, "strides")?,
                &attr::i64_array(op, "pads")?,
                &attr::i64_array(op, "dilations")?,
                groups,
            )?;
            expect_shape(&output.tensor, &after_fused_pool(op, computed.clone())?, "output")?;
            (Some(computed), weights[2] * weights[3])
        }
        None => (None, 0),
    };
    let coarse_group = factor(op, "coarse_group", groups, "groups")?;
    let coarse_in = factor(op, "coarse_in", in_channels / groups, "input channels per group")?;
    let coarse_out = factor(op, "coarse_out", filters / groups, "filters per group")?;
    let fine = attr::int(op, "fine")?;
    if fine < 1 || (kernel > 0 && kernel % fine != 0) {
        return problem(format!("'fine' ({fine}) must be positive and divide the kernel size ({kernel})"));
    }
    expect_lanes(&input, coarse_in * coarse_group, "input", "coarse_in x coarse_group")?;
    if residual {
        let value = op.operand(2).map_err(|_| Check("is missing its residual".into()))?;
        let (residual, residual_shape) = stream(value.r#type(), "the residual")?;
        if convolved.as_ref().is_some_and(|convolved| *convolved != residual_shape) {
            return problem(format!(
                "the residual ({}) must have the convolution's shape ({})",
                show(&residual_shape),
                show(convolved.as_deref().unwrap_or_default())
            ));
        }
        expect_shape(&output.tensor, &after_fused_pool(op, residual_shape)?, "output")?;
        expect_lanes(&residual, coarse_out * coarse_group, "residual", "coarse_out x coarse_group")?;
    }
    expect_lanes(&output, coarse_out * coarse_group, "output", "coarse_out x coarse_group")
}

fn check_fc_engine(op: &OperationRef) -> Result<(), Check> {
    let (input, in_shape) = input_stream(op, 0)?;
    let (output, out_shape) = output_stream(op, 0)?;
    let features: i64 = in_shape.iter().skip(1).product();
    let outputs: i64 = out_shape.iter().skip(1).product();
    if let Some(weights) = weight_shape(op)? {
        if weights != [outputs, features] {
            return problem(format!(
                "the weights must be {outputs}x{features} (outputs x input features), got {}",
                show(&weights)
            ));
        }
    }
    let coarse_in = factor(op, "coarse_in", features, "input features")?;
    let coarse_out = factor(op, "coarse_out", outputs, "outputs")?;
    expect_lanes(&input, coarse_in, "input", "'coarse_in'")?;
    expect_lanes(&output, coarse_out, "output", "'coarse_out'")
}

fn positive(op: &OperationRef, names: &[&str]) -> Result<(), Check> {
    for name in names {
        let value = attr::int(op, name)?;
        if value < 1 {
            return problem(format!("'{name}' must be positive, got {value}"));
        }
    }
    Ok(())
}

fn check_memory(name: &str, op: &OperationRef) -> Result<(), Check> {
    match name {
        "memory.dma_port" => {
            positive(op, &["data_width"])?;
            let width = attr::int(op, "data_width")?;
            if width % 8 != 0 {
                return problem(format!("'data_width' must be a whole number of bytes, got {width} bits"));
            }
            let bandwidth = attr::float(op, "bandwidth")?;
            if bandwidth.is_nan() || bandwidth <= 0.0 {
                return problem(format!("'bandwidth' must be positive, got {bandwidth}"));
            }
            Ok(())
        }
        "memory.onchip_buffer" => positive(op, &["width", "depth", "unit_width", "unit_depth"]),
        "memory.stream_buffer" => {
            positive(op, &["width", "depth", "unit_width", "unit_depth", "offchip_depth", "staging_depth"])?;
            let depth = attr::int(op, "depth")?;
            let (onchip, offchip) = (attr::int(op, "onchip_depth")?, attr::int(op, "offchip_depth")?);
            if onchip < 0 || onchip + offchip != depth {
                return problem(format!(
                    "'onchip_depth' ({onchip}) and 'offchip_depth' ({offchip}) must add up to 'depth' ({depth})"
                ));
            }
            for name in ["interval", "dram_base", "dma_order"] {
                let value = attr::int(op, name)?;
                if value < 0 {
                    return problem(format!("'{name}' must not be negative, got {value}"));
                }
            }
            let bandwidth = attr::float(op, "bandwidth")?;
            if bandwidth.is_nan() || bandwidth < 0.0 {
                return problem(format!("'bandwidth' must not be negative, got {bandwidth}"));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
