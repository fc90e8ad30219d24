//! `convert-graph-to-dataflow`: one compute engine per layer, streams between them.

use crate::parameters::ParameterValues;
use autows_ir::{
    attributes::{self as attr, i64_array_attr, int_attr, named, string_attr},
    diagnostics::SourceLocation,
    fusion,
    pass::{OptionInfo, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{body, defining_op, erase, op_name, sync_function_type, users},
    types::{StreamType, TensorType},
};
use melior::{
    ir::{
        attribute::Attribute,
        block::BlockLike,
        operation::{OperationBuilder, OperationLike, OperationMutLike, OperationRefMut},
        BlockRef, Identifier, Location, OperationRef, Type, Value, ValueLike,
    },
    Context,
};
use std::collections::HashMap;

/// The unit attribute that marks a function as a dataflow pipeline.
pub const PIPELINE_ATTRIBUTE: &str = "dataflow.pipeline";

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "convert-graph-to-dataflow",
        summary: "Lower a graph function to a pipeline of compute engines connected by streams",
        description: "Rewrites a graph function into a dataflow pipeline (`dataflow.pipeline`): its arguments and \
                      results become single-lane streams, every operation on activations becomes one compute \
                      engine (conv2d to `dataflow.conv`, conv2d_add to `dataflow.conv_add`, gemm and matmul by a \
                      weight to `dataflow.fc`, pools, global average pool, relu/clip/sigmoid/hardswish to \
                      `dataflow.activation`, add and mul of two activations to `dataflow.eltwise`, channel concat to \
                      `dataflow.concat`), with parallelism 1; stages fused by `graph-fuse` stay attributes of their \
                      engine. Flatten, reshape, identity and dropout become plain wires. A stream read by several \
                      engines gets a `dataflow.fork`. Parameters (weights, constants and the arithmetic on them, such \
                      as folded batch normalisation) stay graph operations feeding the engines. Operations with no \
                      engine (an unfolded batchnorm, softmax, pad, a transpose of activations) are reported with \
                      what to do about them.",
        anchor: Some("func.func"),
        options: &[] as &[OptionInfo],
    },
    create: |_options: &PassOptions| Ok(Box::new(GraphToDataflow)),
};

struct GraphToDataflow;

/// Builds engines before one anchor operation.
struct Builder<'c, 'a> {
    context: &'c Context,
    block: BlockRef<'c, 'a>,
    before: OperationRef<'c, 'a>,
}

impl<'c, 'a> Builder<'c, 'a> {
    fn build(
        &self,
        name: &str,
        operands: &[Value<'c, '_>],
        results: &[Type<'c>],
        attributes: &[(Identifier<'c>, Attribute<'c>)],
        location: melior::ir::Location<'c>,
    ) -> Result<OperationRef<'c, 'a>, String> {
        let operation = OperationBuilder::new(name, location)
            .add_operands(operands)
            .add_results(results)
            .add_attributes(attributes)
            .build()
            .map_err(|_| format!("MLIR refused '{name}'"))?;
        Ok(self.block.insert_operation_before(self.before, operation))
    }

    fn stream(&self, tensor: Type<'c>) -> Result<Type<'c>, String> {
        let tensor = TensorType::from_type(tensor).ok_or("expected a ranked tensor")?;
        StreamType { tensor, lanes: 1 }.build(self.context).ok_or_else(|| "cannot build a stream type".to_string())
    }
}

/// Copies the named attributes of `op`.
fn copied<'c>(op: &OperationRef<'c, '_>, names: &[&str]) -> Result<Vec<(Identifier<'c>, Attribute<'c>)>, String> {
    names
        .iter()
        .map(|name| {
            let value = op.attribute(name).map_err(|_| format!("missing attribute '{name}'"))?;
            Ok((Identifier::new(unsafe { op.context().to_ref() }, name), value))
        })
        .collect()
}

/// The stages `graph-fuse` folded into a convolution or gemm, carried onto its engine.
fn fused<'c>(op: &OperationRef<'c, '_>) -> Result<Vec<(Identifier<'c>, Attribute<'c>)>, String> {
    let present: Vec<&str> = fusion::ATTRIBUTES.into_iter().filter(|name| op.has_attribute(name)).collect();
    copied(op, &present)
}

/// Converts one graph operation on activations; returns the stream that replaces its result.
fn convert<'c, 'a>(
    op: OperationRef<'c, 'a>,
    name: &str,
    streams: &HashMap<usize, Value<'c, 'a>>,
    parameters: &ParameterValues,
    builder: &Builder<'c, 'a>,
) -> Result<Value<'c, 'a>, String> {
    let c = builder.context;
    let location = op.location();
    let operand = |index: usize| op.operand(index).map_err(|_| format!("missing operand {index}"));
    let stream_of = |index: usize| -> Result<Value<'c, 'a>, String> {
        let value = operand(index)?;
        streams.get(&(value.to_raw().ptr as usize)).copied().ok_or_else(|| {
            if parameters.contains(value) {
                format!("operand {index} is a parameter where the engine needs activations")
            } else {
                format!("operand {index} is not a stream")
            }
        })
    };
    let is_parameter = |index: usize| operand(index).map(|value| parameters.contains(value)).unwrap_or(false);
    let result_stream = builder.stream(op.result(0).map_err(|_| "no result")?.r#type())?;
    let one = || int_attr(c, 1);
    let engine = |engine_name: &str, operands: &[Value<'c, '_>], attributes: Vec<(Identifier<'c>, Attribute<'c>)>| {
        builder
            .build(engine_name, operands, &[result_stream], &attributes, location)
            .and_then(|engine| engine.result(0).map(Into::into).map_err(|_| format!("'{engine_name}' has no result")))
    };
    match name {
        "graph.conv2d" | "graph.conv2d_add" => {
            // The residual add's other addend is a stream; the bias follows it.
            let residual = name == "graph.conv2d_add";
            let bias = if residual { 3 } else { 2 };
            if !is_parameter(1) || (op.operand_count() > bias && !is_parameter(bias)) {
                return Err("the weights and bias of a convolution engine must be parameters".into());
            }
            let mut operands = vec![stream_of(0)?, operand(1)?];
            if residual {
                operands.push(stream_of(2)?);
            }
            if let Ok(bias) = operand(bias) {
                operands.push(bias);
            }
            let mut attributes = copied(&op, &["strides", "pads", "dilations", "groups"])?;
            for factor in ["coarse_in", "coarse_out", "coarse_group", "fine"] {
                attributes.push(named(c, factor, one()));
            }
            attributes.extend(fused(&op)?);
            engine(if residual { "dataflow.conv_add" } else { "dataflow.conv" }, &operands, attributes)
        }
        "graph.gemm" | "graph.matmul" => {
            let (trans_a, trans_b) = if name == "graph.gemm" {
                let (alpha, beta) = (attr::float(&op, "alpha").unwrap_or(1.0), attr::float(&op, "beta").unwrap_or(1.0));
                if alpha != 1.0 || beta != 1.0 {
                    return Err(format!("alpha {alpha} and beta {beta} must be 1 for a fully connected engine"));
                }
                (attr::bool(&op, "trans_a").unwrap_or(false), attr::bool(&op, "trans_b").unwrap_or(false))
            } else {
                (false, false)
            };
            if trans_a || !is_parameter(1) || (op.operand_count() > 2 && !is_parameter(2)) {
                return Err("a fully connected engine multiplies activations by parameter weights".into());
            }
            let mut weights = operand(1)?;
            if !trans_b {
                // The engine holds weights as outputs x inputs; transposing a parameter costs nothing at run time.
                let tensor = TensorType::from_type(weights.r#type()).ok_or("the weights must be a ranked tensor")?;
                if tensor.shape.len() != 2 {
                    return Err("the weights of a fully connected engine must be 2-D".into());
                }
                let transposed =
                    TensorType { shape: vec![tensor.shape[1], tensor.shape[0]], element: tensor.element }.build(c);
                let transposed = transposed.ok_or("cannot build a type")?;
                let transpose = builder.build(
                    "graph.transpose",
                    &[weights],
                    &[transposed],
                    &[named(c, "perm", i64_array_attr(c, &[1, 0]))],
                    location,
                )?;
                weights = transpose.result(0).map_err(|_| "no result")?.into();
            }
            let mut operands = vec![stream_of(0)?, weights];
            if let Ok(bias) = operand(2) {
                operands.push(bias);
            }
            let mut attributes = vec![named(c, "coarse_in", one()), named(c, "coarse_out", one())];
            attributes.extend(fused(&op)?);
            engine("dataflow.fc", &operands, attributes)
        }
        "graph.maxpool" | "graph.avgpool" => {
            let dilations = attr::i64_array(&op, "dilations").unwrap_or_else(|_| vec![1, 1]);
            if dilations != [1, 1] || attr::bool(&op, "ceil_mode").unwrap_or(false) {
                return Err("pooling engines support neither dilation nor ceil_mode".into());
            }
            let mut attributes = copied(&op, &["kernel", "strides", "pads"])?;
            attributes.push(named(c, "kind", string_attr(c, if name == "graph.maxpool" { "max" } else { "avg" })));
            attributes.push(named(c, "coarse", one()));
            if name == "graph.avgpool" {
                attributes.extend(copied(&op, &["count_include_pad"])?);
            }
            engine("dataflow.pool", &[stream_of(0)?], attributes)
        }
        "graph.global_avgpool" => engine("dataflow.global_pool", &[stream_of(0)?], vec![named(c, "coarse", one())]),
        "graph.relu" | "graph.clip" | "graph.sigmoid" | "graph.hardswish" => {
            let kind = name.trim_start_matches("graph.");
            let mut attributes = vec![named(c, "kind", string_attr(c, kind)), named(c, "coarse", one())];
            if kind == "clip" {
                attributes.extend(copied(&op, &["min", "max"])?);
            }
            engine("dataflow.activation", &[stream_of(0)?], attributes)
        }
        "graph.add" | "graph.mul" => {
            let kind = if name == "graph.add" { "add" } else { "mul" };
            let attributes = vec![named(c, "kind", string_attr(c, kind)), named(c, "coarse", one())];
            engine("dataflow.eltwise", &[stream_of(0)?, stream_of(1)?], attributes)
        }
        "graph.concat" => {
            let rank = TensorType::from_type(operand(0)?.r#type()).map_or(0, |t| t.shape.len());
            if autows_shape::axis(attr::int(&op, "axis").map_err(|e| e.to_string())?, rank) != Ok(1) {
                return Err("a concatenation engine joins along the channels (axis 1)".into());
            }
            engine("dataflow.concat", &[stream_of(0)?, stream_of(1)?], vec![named(c, "coarse", one())])
        }
        "graph.flatten" | "graph.reshape" | "graph.identity" | "graph.dropout" => {
            // A wire: the consumer reads the same words; only the shape it sees them in changes.
            stream_of(0)
        }
        "graph.batchnorm" => {
            Err("has no engine of its own; fold it into its convolution first (graph-fold-batchnorm)".into())
        }
        other => Err(format!("has no compute engine ('{other}' on activations)")),
    }
}

/// Gives every stream read by more than one engine a fork with one output per reader.
fn insert_forks(body: BlockRef, context: &Context) -> Result<(), String> {
    let mut values: Vec<Value> = Vec::new();
    for index in 0..body.argument_count() {
        values.push(body.argument(index).map_err(|_| "missing argument")?.into());
    }
    let mut next = body.first_operation();
    while let Some(op) = next {
        next = op.next_in_block();
        if op_name(&op).starts_with("dataflow.") && op_name(&op) != "dataflow.fork" {
            values.extend(op.results().map(Value::from));
        }
    }
    for value in values {
        if StreamType::from_type(value.r#type()).is_none() {
            continue;
        }
        let mut readers = users(value);
        // Fork outputs follow the readers' order in the block.
        readers.sort_by(|a, b| {
            if a == b {
                std::cmp::Ordering::Equal
            } else if a.is_before_in_block(*b) {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        });
        if readers.len() < 2 {
            continue;
        }
        // Named after the stream's producer, as fpgaConvNet names its split layers.
        let producer = match defining_op(value) {
            Some(definition) => SourceLocation::from_mlir(definition.location(), ""),
            None => SourceLocation::Unknown,
        };
        let location = match producer {
            SourceLocation::Name { name, .. } => {
                Location::name(context, &format!("{name}_split"), Location::unknown(context))
            }
            _ => readers[0].location(),
        };
        let fork = OperationBuilder::new("dataflow.fork", location)
            .add_operands(&[value])
            .add_results(&vec![value.r#type(); readers.len()])
            .build()
            .map_err(|_| "MLIR refused 'dataflow.fork'")?;
        // Right after the stream's definition, so the fork dominates every reader.
        let fork = match defining_op(value) {
            Some(definition) => body.insert_operation_after(definition, fork),
            None => match body.first_operation() {
                Some(first) => body.insert_operation_before(first, fork),
                None => body.append_operation(fork),
            },
        };
        for (index, reader) in readers.iter().enumerate() {
            let output: Value = fork.result(index).map_err(|_| "missing fork output")?.into();
            let mut reader = unsafe { OperationRefMut::from_raw(reader.to_raw()) };
            // Replace only the first remaining use of `value` in this reader, so a reader that uses the stream
            // twice gets two fork outputs.
            for position in 0..reader.operand_count() {
                if reader.operand(position).is_ok_and(|operand| operand == value) {
                    reader.set_operand(position, output);
                    break;
                }
            }
        }
    }
    Ok(())
}

impl Pass for GraphToDataflow {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        if function.has_attribute(PIPELINE_ATTRIBUTE) {
            return Ok(());
        }
        let Some(body) = body(function) else { return Ok(()) };
        // The reference lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        let parameters = ParameterValues::of(body);
        let mut streams: HashMap<usize, Value> = HashMap::new();
        for index in 0..body.argument_count() {
            let Ok(argument) = body.argument(index) else { continue };
            let Some(tensor) = TensorType::from_type(argument.r#type()) else {
                return Err(cx.error(&function, "the arguments of a graph function must be tensors"));
            };
            let Some(stream) = (StreamType { tensor, lanes: 1 }).build(context) else {
                return Err(cx.error(&function, "cannot build a stream type"));
            };
            argument.set_type(stream);
            streams.insert(argument.to_raw().ptr as usize, argument.into());
        }
        let mut converted = Vec::new();
        let mut next = body.first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            let name = op_name(&op);
            if name == "func.return" {
                for index in 0..op.operand_count() {
                    let Ok(value) = op.operand(index) else { continue };
                    let Some(stream) = streams.get(&(value.to_raw().ptr as usize)).copied() else {
                        return Err(cx.error(&op, "a pipeline returns streams; this result is a parameter"));
                    };
                    let mut ret = unsafe { OperationRefMut::from_raw(op.to_raw()) };
                    ret.set_operand(index, stream);
                }
                sync_function_type(function);
                continue;
            }
            if !name.starts_with("graph.") || parameters.contains_op(&op) {
                continue;
            }
            let builder = Builder { context, block: body, before: op };
            let stream = convert(op, &name, &streams, &parameters, &builder)
                .map_err(|message| cx.error(&op, format!("'{name}' op {message}")))?;
            streams.insert(op.result(0).map_err(|_| cx.error(&op, "no result"))?.to_raw().ptr as usize, stream);
            converted.push(op.to_raw());
        }
        // The converted graph operations now feed only each other: erase them last to first.
        for raw in converted.iter().rev() {
            unsafe { erase(OperationRef::from_raw(*raw)) };
        }
        insert_forks(body, context).map_err(|message| cx.error(&function, message))?;
        let mut function = unsafe { OperationRefMut::from_raw(function.to_raw()) };
        function.set_attribute(PIPELINE_ATTRIBUTE, Attribute::unit(context));
        Ok(())
    }
}
