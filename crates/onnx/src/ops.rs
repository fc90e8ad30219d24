//! One lowering per supported ONNX operator, and the table that lists them.
//!
//! Each lowering reads the node's operands and attributes as its operator's versions define them (opset 6 to 21)
//! and adds the equivalent network nodes. Most operators map one to one. A few expand: an N-input `Concat` or
//! `Sum` becomes a left-leaning chain of binary nodes (the network model's are binary), a legacy (opset < 13)
//! `Softmax` over trailing dimensions becomes reshape, softmax, reshape, and a legacy (opset < 7) broadcast with
//! an `axis` reshapes its second operand first. The node that computes the ONNX output keeps the node's name;
//! helper nodes are named `<name>/<role>`.

use crate::{
    convert::{show, Converter, Operand},
    error::OnnxError,
    node::NodeCx,
    proto::GraphProto,
};
use autows_network::{Op, PadMode, Tensor, TensorData, ValueId, Window2d};

type Lowering = fn(&mut Converter<'_>, &NodeCx<'_>) -> Result<(), OnnxError>;

/// A supported operator: its ONNX name, the first opset that defines it, and its lowering.
struct Supported {
    op_type: &'static str,
    since: i64,
    lower: Lowering,
}

const fn op(op_type: &'static str, lower: Lowering) -> Supported {
    Supported { op_type, since: 1, lower }
}

/// Every supported operator, in alphabetical order.
const SUPPORTED: &[Supported] = &[
    op("Add", binary),
    op("AveragePool", pool),
    op("BatchNormalization", batch_norm),
    op("Clip", clip),
    op("Concat", concat),
    op("Constant", constant),
    op("Conv", conv),
    op("Div", binary),
    op("Dropout", dropout),
    op("Flatten", flatten),
    op("Gemm", gemm),
    op("GlobalAveragePool", global_average_pool),
    Supported { op_type: "HardSwish", since: 14, lower: unary },
    op("Identity", identity),
    op("MatMul", matmul),
    op("MaxPool", pool),
    op("Mul", binary),
    op("Pad", pad),
    op("Relu", unary),
    op("Reshape", reshape),
    op("Sigmoid", unary),
    op("Softmax", softmax),
    op("Sqrt", unary),
    op("Squeeze", squeeze),
    op("Sub", binary),
    op("Sum", sum),
    op("Transpose", transpose),
    op("Unsqueeze", squeeze),
];

/// The ONNX operators the importer converts, in alphabetical order.
pub fn supported_operators() -> impl Iterator<Item = &'static str> {
    SUPPORTED.iter().map(|supported| supported.op_type)
}

fn find(domain: &str, op_type: &str) -> Option<&'static Supported> {
    let standard = domain.is_empty() || domain == "ai.onnx";
    SUPPORTED.iter().find(|supported| standard && supported.op_type == op_type)
}

/// Refuses the graph if any node's operator is unsupported, before any conversion work, so the user learns
/// about the operator rather than about a consequence of it.
pub(crate) fn check_supported(graph: &GraphProto, names: &[String], opset: i64) -> Result<(), OnnxError> {
    for (node, name) in graph.nodes.iter().zip(names) {
        match find(&node.domain, &node.op_type) {
            None => {
                return Err(OnnxError::UnsupportedOp {
                    node: name.clone(),
                    op_type: node.op_type.clone(),
                    domain: node.domain.clone(),
                    supported: supported_operators().collect::<Vec<_>>().join(", "),
                })
            }
            Some(supported) if opset < supported.since => {
                return Err(OnnxError::InvalidNode {
                    node: name.clone(),
                    op_type: node.op_type.clone(),
                    message: format!(
                        "{} is defined from opset {}, but the model imports opset {opset}",
                        node.op_type, supported.since
                    ),
                })
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Converts one node.
pub(crate) fn lower(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    match find(&cx.node.domain, cx.op()) {
        Some(supported) => (supported.lower)(converter, cx),
        None => Err(cx.invalid("the operator is not supported")),
    }
}

/// The input's shape, which must be N x C x H x W: the network model's windows are 2-D.
fn rank4(converter: &Converter<'_>, cx: &NodeCx<'_>, input: ValueId, what: &str) -> Result<[i64; 4], OnnxError> {
    match converter.shape(input) {
        &[n, c, h, w] => Ok([n, c, h, w]),
        shape => Err(cx.unsupported(format!(
            "only 2-D {what} (on N x C x H x W tensors) is supported, but the input has shape {}",
            show(shape)
        ))),
    }
}

/// The geometry of a convolution or pooling window: strides, dilations and pads, with `auto_pad` resolved
/// against the input size.
fn window(cx: &NodeCx<'_>, kernel: [i64; 2], input: [i64; 2]) -> Result<Window2d, OnnxError> {
    let strides = cx.pair("strides")?.unwrap_or([1, 1]);
    let dilations = cx.pair("dilations")?.unwrap_or([1, 1]);
    for (what, values) in [("strides", strides), ("dilations", dilations), ("kernel_shape", kernel)] {
        if values.iter().any(|&value| value < 1) {
            return Err(cx.invalid(format!("'{what}' must be positive, got [{}, {}]", values[0], values[1])));
        }
    }
    let auto_pad = cx.string("auto_pad", "NOTSET")?;
    let pads = match auto_pad.as_str() {
        "NOTSET" => match cx.ints("pads")? {
            None => [0; 4],
            Some(pads) => match pads[..] {
                [top, left, bottom, right] => {
                    let mut bounded = [0; 4];
                    for (slot, pad) in bounded.iter_mut().zip([top, left, bottom, right]) {
                        *slot = cx.bounded("pads", pad)?;
                    }
                    bounded
                }
                _ => {
                    return Err(
                        cx.invalid(format!("'pads' must have 4 values [top, left, bottom, right], got {}", pads.len()))
                    )
                }
            },
        },
        "VALID" => [0; 4],
        "SAME_UPPER" | "SAME_LOWER" => {
            let mut pads = [0; 4];
            for axis in 0..2 {
                // The output keeps ceil(input / stride) positions; the padding that takes splits in two, the odd
                // one at the end (upper) or the beginning (lower).
                let output = (input[axis] + strides[axis] - 1) / strides[axis];
                let extent = dilations[axis] * (kernel[axis] - 1) + 1;
                let total = ((output - 1) * strides[axis] + extent - input[axis]).max(0);
                let begin = if auto_pad == "SAME_UPPER" { total / 2 } else { total - total / 2 };
                pads[axis] = begin;
                pads[axis + 2] = total - begin;
            }
            pads
        }
        other => {
            return Err(cx.invalid(format!("'auto_pad' is '{other}', not one of NOTSET, VALID, SAME_UPPER, SAME_LOWER")))
        }
    };
    Ok(Window2d { kernel, strides, pads, dilations })
}

fn conv(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    let weight = converter.input(cx, 1)?;
    let bias = converter.optional_input(cx, 2)?;
    let [_, _, rows, columns] = rank4(converter, cx, input, "convolution")?;
    let kernel = match converter.shape(weight) {
        &[_, _, kernel_rows, kernel_columns] => [kernel_rows, kernel_columns],
        shape => {
            return Err(cx.invalid(format!(
                "the weight must be filters x channels x rows x columns, but it has shape {}",
                show(shape)
            )))
        }
    };
    if let Some(declared) = cx.ints("kernel_shape")? {
        if declared != kernel {
            return Err(
                cx.invalid(format!("'kernel_shape' {declared:?} disagrees with the weight's kernel {kernel:?}"))
            );
        }
    }
    let window = window(cx, kernel, [rows, columns])?;
    let groups = cx.int("group", 1)?;
    let groups = cx.bounded("group", groups)?;
    let op = Op::Conv2d { strides: window.strides, pads: window.pads, dilations: window.dilations, groups };
    let mut inputs = vec![input, weight];
    inputs.extend(bias);
    let output = converter.add(cx, cx.name.clone(), op, &inputs)?;
    converter.bind(cx, output)
}

fn pool(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    let [_, _, rows, columns] = rank4(converter, cx, input, "pooling")?;
    let kernel = cx.pair("kernel_shape")?.ok_or_else(|| cx.invalid("attribute 'kernel_shape' is required"))?;
    let window = window(cx, kernel, [rows, columns])?;
    let ceil_mode = cx.int("ceil_mode", 0)? != 0;
    let op = if cx.op() == "MaxPool" {
        Op::MaxPool { window, ceil_mode }
    } else {
        if window.dilations != [1, 1] {
            return Err(cx.unsupported("average pooling with dilations is not supported"));
        }
        Op::AvgPool { window, ceil_mode, count_include_pad: cx.int("count_include_pad", 0)? != 0 }
    };
    let output = converter.add(cx, cx.name.clone(), op, &[input])?;
    converter.bind(cx, output)
}

fn global_average_pool(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    rank4(converter, cx, input, "global pooling")?;
    let output = converter.add(cx, cx.name.clone(), Op::GlobalAvgPool, &[input])?;
    converter.bind(cx, output)
}

fn unary(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let op = match cx.op() {
        "Relu" => Op::Relu,
        "Sigmoid" => Op::Sigmoid,
        "Sqrt" => Op::Sqrt,
        "HardSwish" => Op::HardSwish,
        other => return Err(cx.invalid(format!("{other} is not an element-wise operator"))),
    };
    let input = converter.input(cx, 0)?;
    let output = converter.add(cx, cx.name.clone(), op, &[input])?;
    converter.bind(cx, output)
}

fn identity(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    match converter.required_operand(cx, 0)? {
        // A known tensor passed through stays known, so it can still serve as a shape or a weight.
        Operand::Known(known) => converter.alias_known(cx, known),
        Operand::Value(input) => {
            let output = converter.add(cx, cx.name.clone(), Op::Identity, &[input])?;
            converter.bind(cx, output)
        }
    }
}

fn dropout(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    let (ratio, training) = if converter.opset >= 12 {
        let ratio = converter.scalar(cx, 1)?.unwrap_or(0.5);
        (ratio, converter.scalar(cx, 2)?.is_some_and(|flag| flag != 0.0))
    } else {
        (cx.float("ratio", 0.5)?, converter.opset < 7 && cx.int("is_test", 0)? == 0)
    };
    if training {
        return Err(cx.unsupported("training-mode dropout is not supported (the network is for inference)"));
    }
    let output = converter.add(cx, cx.name.clone(), Op::Dropout { ratio }, &[input])?;
    converter.bind(cx, output)
}

fn clip(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    // The defaults are the float range's ends, as ONNX defines them.
    let (min, max) = if converter.opset >= 11 {
        (converter.scalar(cx, 1)?.unwrap_or(f32::MIN), converter.scalar(cx, 2)?.unwrap_or(f32::MAX))
    } else {
        (cx.float("min", f32::MIN)?, cx.float("max", f32::MAX)?)
    };
    let output = converter.add(cx, cx.name.clone(), Op::Clip { min, max }, &[input])?;
    converter.bind(cx, output)
}

fn binary(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let op = match cx.op() {
        "Add" => Op::Add,
        "Sub" => Op::Sub,
        "Mul" => Op::Mul,
        "Div" => Op::Div,
        other => return Err(cx.invalid(format!("{other} is not a binary arithmetic operator"))),
    };
    let lhs = converter.input(cx, 0)?;
    let mut rhs = converter.input(cx, 1)?;
    if converter.opset < 7 && cx.int("broadcast", 0)? != 0 {
        rhs = align_legacy_broadcast(converter, cx, lhs, rhs)?;
    }
    let output = converter.add(cx, cx.name.clone(), op, &[lhs, rhs])?;
    converter.bind(cx, output)
}

/// Before opset 7, `B` broadcast onto `A` starting at dimension `axis` (by default, aligned to the end). NumPy
/// broadcasting aligns to the end, so `B` gets trailing unit dimensions when `axis` says otherwise.
fn align_legacy_broadcast(
    converter: &mut Converter<'_>,
    cx: &NodeCx<'_>,
    lhs: ValueId,
    rhs: ValueId,
) -> Result<ValueId, OnnxError> {
    let lhs_rank = converter.shape(lhs).len() as i64;
    let rhs_shape = converter.shape(rhs).to_vec();
    let rhs_rank = rhs_shape.len() as i64;
    let axis = cx.int("axis", lhs_rank - rhs_rank)?;
    if axis < 0 || axis > lhs_rank - rhs_rank {
        return Err(cx.invalid(format!(
            "broadcast 'axis' {axis} does not place B (rank {rhs_rank}) inside A (rank {lhs_rank})"
        )));
    }
    let trailing = lhs_rank - rhs_rank - axis;
    if trailing == 0 {
        return Ok(rhs);
    }
    let mut shape = rhs_shape;
    shape.extend(std::iter::repeat_n(1, trailing as usize));
    converter.add_reshape(cx, cx.helper_name("align"), rhs, &shape)
}

/// Folds the inputs into a left-leaning chain of binary `make(...)` nodes; the last one keeps the node's name.
fn chain(converter: &mut Converter<'_>, cx: &NodeCx<'_>, role: &str, make: impl Fn() -> Op) -> Result<(), OnnxError> {
    let inputs = converter.all_inputs(cx)?;
    let Some((&first, rest)) = inputs.split_first() else {
        return Err(cx.invalid("the node has no inputs"));
    };
    if rest.is_empty() {
        let output = converter.add(cx, cx.name.clone(), Op::Identity, &[first])?;
        return converter.bind(cx, output);
    }
    let mut accumulated = first;
    for (step, &next) in rest.iter().enumerate() {
        let name =
            if step + 1 == rest.len() { cx.name.clone() } else { cx.helper_name(&format!("{role}{}", step + 1)) };
        accumulated = converter.add(cx, name, make(), &[accumulated, next])?;
    }
    converter.bind(cx, accumulated)
}

fn sum(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    chain(converter, cx, "add", || Op::Add)
}

fn concat(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let axis = cx.required_int("axis")?;
    chain(converter, cx, "concat", || Op::Concat { axis })
}

fn gemm(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let a = converter.input(cx, 0)?;
    let b = converter.input(cx, 1)?;
    let c = converter.optional_input(cx, 2)?;
    let op = Op::Gemm {
        trans_a: cx.int("transA", 0)? != 0,
        trans_b: cx.int("transB", 0)? != 0,
        alpha: cx.float("alpha", 1.0)?,
        beta: cx.float("beta", 1.0)?,
    };
    let mut inputs = vec![a, b];
    inputs.extend(c);
    let output = converter.add(cx, cx.name.clone(), op, &inputs)?;
    converter.bind(cx, output)
}

fn matmul(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let a = converter.input(cx, 0)?;
    let b = converter.input(cx, 1)?;
    let output = converter.add(cx, cx.name.clone(), Op::MatMul, &[a, b])?;
    converter.bind(cx, output)
}

fn flatten(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    let axis = cx.int("axis", 1)?;
    let output = converter.add(cx, cx.name.clone(), Op::Flatten { axis }, &[input])?;
    converter.bind(cx, output)
}

fn reshape(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    let target = converter.constant(cx, 1)?.ok_or_else(|| cx.invalid("input 1 (the shape) is required"))?;
    let allow_zero = converter.opset >= 14 && cx.int("allowzero", 0)? != 0;
    let shape = reshape_target(cx, converter.shape(input), &target.data.to_i64(), allow_zero)?;
    let output = converter.add_reshape(cx, cx.name.clone(), input, &shape)?;
    converter.bind(cx, output)
}

/// Resolves a `Reshape` target: 0 copies the input's dimension (unless `allow_zero`), -1 takes what is left.
fn reshape_target(cx: &NodeCx<'_>, input: &[i64], target: &[i64], allow_zero: bool) -> Result<Vec<i64>, OnnxError> {
    let mut shape = Vec::with_capacity(target.len());
    let mut inferred = None;
    for (index, &entry) in target.iter().enumerate() {
        let dim = match entry {
            -1 if inferred.is_some() => return Err(cx.invalid("the target shape has more than one -1")),
            -1 => {
                inferred = Some(index);
                1
            }
            0 if !allow_zero => *input.get(index).ok_or_else(|| {
                cx.invalid(format!("target entry {index} is 0 (copy), but the input has rank {}", input.len()))
            })?,
            entry if entry < 0 => return Err(cx.invalid(format!("target entry {index} is {entry}"))),
            entry => cx.bounded("shape", entry)?,
        };
        shape.push(dim);
    }
    if let Some(index) = inferred {
        // Input shapes are within the importer's limits, so their element counts fit; the target's are checked.
        let elements: i64 = input.iter().product();
        let known = shape.iter().try_fold(1i64, |count, &dim| count.checked_mul(dim));
        match known {
            Some(known) if known != 0 && elements % known == 0 => shape[index] = elements / known,
            _ => {
                return Err(cx.invalid(format!(
                    "cannot infer the -1 entry of [{}] for an input of shape {}",
                    target.iter().map(i64::to_string).collect::<Vec<_>>().join(", "),
                    show(input)
                )))
            }
        }
    }
    Ok(shape)
}

/// Normalises `axis` against `rank`, naming the node when it is out of range.
fn normal_axis(cx: &NodeCx<'_>, axis: i64, rank: usize) -> Result<usize, OnnxError> {
    let rank = rank as i64;
    let normal = if axis < 0 { axis + rank } else { axis };
    if (0..rank).contains(&normal) {
        Ok(normal as usize)
    } else {
        Err(cx.invalid(format!("axis {axis} is out of range for rank {rank}")))
    }
}

/// `Squeeze` and `Unsqueeze`: a reshape whose target follows from the axes. Applied to a known tensor, the
/// result stays known.
fn squeeze(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let operand = converter.required_operand(cx, 0)?;
    let axes = if converter.opset >= 13 {
        converter.constant(cx, 1)?.map(|tensor| tensor.data.to_i64())
    } else {
        cx.ints("axes")?
    };
    let input = converter.shape_of(operand).to_vec();
    let shape = if cx.op() == "Unsqueeze" {
        let axes = axes.ok_or_else(|| cx.invalid("the axes are required"))?;
        let rank = input.len() + axes.len();
        let mut inserted = vec![false; rank];
        for &axis in &axes {
            let axis = normal_axis(cx, axis, rank)?;
            if std::mem::replace(&mut inserted[axis], true) {
                return Err(cx.invalid(format!("axis {axis} is listed twice")));
            }
        }
        let mut dims = input.iter();
        inserted.iter().map(|&unit| if unit { 1 } else { dims.next().copied().unwrap_or(1) }).collect()
    } else {
        let mut removed = vec![false; input.len()];
        match axes {
            None => input.iter().zip(removed.iter_mut()).for_each(|(&dim, removed)| *removed = dim == 1),
            Some(axes) => {
                for axis in axes {
                    let axis = normal_axis(cx, axis, input.len())?;
                    if input[axis] != 1 {
                        return Err(cx.invalid(format!(
                            "cannot squeeze dimension {axis} of shape {}: its size is not 1",
                            show(&input)
                        )));
                    }
                    removed[axis] = true;
                }
            }
        }
        input.iter().zip(&removed).filter(|(_, &removed)| !removed).map(|(&dim, _)| dim).collect()
    };
    match operand {
        Operand::Known(known) => converter.bind_reshaped_known(cx, known, shape),
        Operand::Value(input) => {
            let output = converter.add_reshape(cx, cx.name.clone(), input, &shape)?;
            converter.bind(cx, output)
        }
    }
}

fn batch_norm(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let opset = converter.opset;
    if opset < 7 && cx.int("is_test", 0)? == 0 {
        return Err(cx.unsupported("training-mode batch normalisation (is_test = 0) is not supported"));
    }
    if opset < 9 && cx.int("spatial", 1)? == 0 {
        return Err(cx.unsupported("per-activation batch normalisation (spatial = 0) is not supported"));
    }
    if opset >= 14 && cx.int("training_mode", 0)? != 0 {
        return Err(cx.unsupported("training-mode batch normalisation (training_mode = 1) is not supported"));
    }
    let inputs = (0..5).map(|index| converter.input(cx, index)).collect::<Result<Vec<_>, _>>()?;
    let op = Op::BatchNorm { epsilon: cx.float("epsilon", 1e-5)? };
    let output = converter.add(cx, cx.name.clone(), op, &inputs)?;
    converter.bind(cx, output)
}

fn pad(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    let rank = converter.shape(input).len();
    let mode_name = cx.string("mode", "constant")?;
    let mode = PadMode::from_name(&mode_name).ok_or_else(|| match mode_name.as_str() {
        "wrap" => cx.unsupported("'wrap' padding is not supported"),
        other => cx.invalid(format!("mode '{other}' is not one of constant, reflect, edge, wrap")),
    })?;
    let (pads, value) = if converter.opset >= 11 {
        let pads = converter.constant(cx, 1)?.ok_or_else(|| cx.invalid("input 1 (the pads) is required"))?;
        let value = converter.scalar(cx, 2)?.unwrap_or(0.0);
        let axes = if converter.opset >= 18 { converter.constant(cx, 3)? } else { None };
        let pads = pads.data.to_i64();
        let pads = match axes {
            None => pads,
            Some(axes) => spread_pads(cx, rank, &pads, &axes.data.to_i64())?,
        };
        (pads, value)
    } else {
        let pads = cx.ints("pads")?.ok_or_else(|| cx.invalid("attribute 'pads' is required"))?;
        (pads, cx.float("value", 0.0)?)
    };
    if pads.len() != 2 * rank {
        return Err(cx.invalid(format!("{} pads given for a rank-{rank} input, which needs {}", pads.len(), 2 * rank)));
    }
    for &amount in &pads {
        if cx.bounded("pads", amount)? < 0 {
            return Err(cx.unsupported("negative pads (cropping) are not supported"));
        }
    }
    let output = converter.add(cx, cx.name.clone(), Op::Pad { pads, mode, value }, &[input])?;
    converter.bind(cx, output)
}

/// Opset 18 pads only the listed axes: spreads their begins and ends over all `rank` dimensions.
fn spread_pads(cx: &NodeCx<'_>, rank: usize, pads: &[i64], axes: &[i64]) -> Result<Vec<i64>, OnnxError> {
    if pads.len() != 2 * axes.len() {
        return Err(cx.invalid(format!(
            "{} pads given for {} axes, which need {}",
            pads.len(),
            axes.len(),
            2 * axes.len()
        )));
    }
    let mut full = vec![0; 2 * rank];
    for (index, &axis) in axes.iter().enumerate() {
        let axis = normal_axis(cx, axis, rank)?;
        full[axis] = pads[index];
        full[axis + rank] = pads[index + axes.len()];
    }
    Ok(full)
}

fn softmax(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    let shape = converter.shape(input).to_vec();
    if converter.opset >= 13 {
        let op = Op::Softmax { axis: cx.int("axis", -1)? };
        let output = converter.add(cx, cx.name.clone(), op, &[input])?;
        return converter.bind(cx, output);
    }
    // Before opset 13, softmax normalises over all dimensions from `axis` on, as one.
    let axis = normal_axis(cx, cx.int("axis", 1)?, shape.len())?;
    if axis + 1 == shape.len() {
        let output = converter.add(cx, cx.name.clone(), Op::Softmax { axis: axis as i64 }, &[input])?;
        return converter.bind(cx, output);
    }
    let rows = shape[..axis].iter().product();
    let columns = shape[axis..].iter().product();
    let flat = converter.add_reshape(cx, cx.helper_name("flatten"), input, &[rows, columns])?;
    let normalised = converter.add(cx, cx.name.clone(), Op::Softmax { axis: 1 }, &[flat])?;
    let output = converter.add_reshape(cx, cx.helper_name("unflatten"), normalised, &shape)?;
    converter.bind(cx, output)
}

fn transpose(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let input = converter.input(cx, 0)?;
    let rank = converter.shape(input).len() as i64;
    let perm = cx.ints("perm")?.unwrap_or_else(|| (0..rank).rev().collect());
    let output = converter.add(cx, cx.name.clone(), Op::Transpose { perm }, &[input])?;
    converter.bind(cx, output)
}

fn constant(converter: &mut Converter<'_>, cx: &NodeCx<'_>) -> Result<(), OnnxError> {
    let value = if let Some(tensor) = cx.tensor("value")? {
        let name = if tensor.name.is_empty() { &cx.name } else { &tensor.name };
        converter.data.load(name, tensor)?
    } else if cx.attribute("value_float").is_some() {
        Tensor { shape: vec![], data: TensorData::F32(vec![cx.float("value_float", 0.0)?].into()) }
    } else if let Some(values) = cx.floats("value_floats")? {
        Tensor { shape: vec![values.len() as i64], data: TensorData::F32(values.into()) }
    } else if cx.attribute("value_int").is_some() {
        Tensor { shape: vec![], data: TensorData::I64(vec![cx.int("value_int", 0)?].into()) }
    } else if let Some(values) = cx.ints("value_ints")? {
        Tensor { shape: vec![values.len() as i64], data: TensorData::I64(values.into()) }
    } else if ["sparse_value", "value_string", "value_strings"].iter().any(|name| cx.attribute(name).is_some()) {
        return Err(cx.unsupported("sparse and string constants are not supported"));
    } else {
        return Err(cx.invalid("the constant has no value attribute"));
    };
    converter.bind_known(cx, value)
}
