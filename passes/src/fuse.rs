//! `graph-fuse`: folds the operations after a convolution or gemm into it (residual add, activation, pooling),
//! so the dataflow lowering makes one engine where it made several.

use autows_ir::{
    attributes as attr,
    fusion::{activation_attributes, pool_attributes, FusedActivation, FusedPool, FusedStages, PoolKind},
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{body, erase, op_name, replace_all_uses, users},
};
use melior::ir::{
    block::BlockLike,
    operation::{OperationBuilder, OperationLike, OperationMutLike, OperationRefMut},
    Attribute, BlockRef, Identifier, OperationRef, Value, ValueLike,
};

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "graph-fuse",
        summary: "Fuse a convolution or gemm with the residual add, activation and pooling after it into one engine",
        description: "Grows each `graph.conv2d` and `graph.gemm` over the operations that read its result and \
                      nothing else, in the order one engine computes them: a `graph.add` of an equally shaped \
                      tensor (the join of a residual block) turns a convolution into `graph.conv2d_add`, whose \
                      third operand is the other addend; a `graph.relu` or `graph.clip` becomes the attribute \
                      `activation` (\"relu\", or \"clip\" with `activation_min` and `activation_max`); a \
                      `graph.maxpool` (no dilation or ceil mode) or unpadded `graph.avgpool` after a convolution \
                      becomes the attributes `pool`, `pool_kernel`, `pool_strides` and `pool_pads`, and the result \
                      takes the pooled shape. An activation after a fused max pool is fused too, since max pooling \
                      commutes with relu and clip. The fused operation keeps the convolution's location. The \
                      dataflow lowering then makes one engine where it made up to four, with fewer streams, \
                      squeezes and FIFOs; the cost model charges the engine an add module, an activation module \
                      and a pooling window per output stream instead. Reading the IR back as a network (the \
                      interpreter, equality saturation) expands the fused stages into the operations again.",
        anchor: Some("func.func"),
        options: &[
            OptionInfo {
                name: "residual",
                kind: OptionKind::Bool,
                default: "true",
                help: "fuse the residual add after a convolution",
            },
            OptionInfo {
                name: "activation",
                kind: OptionKind::Bool,
                default: "true",
                help: "fuse a relu or clip after a convolution or gemm",
            },
            OptionInfo {
                name: "pool",
                kind: OptionKind::Bool,
                default: "true",
                help: "fuse pooling after a convolution",
            },
            OptionInfo {
                name: "report",
                kind: OptionKind::Bool,
                default: "false",
                help: "emit a remark at every fusion",
            },
        ],
    },
    create: |options: &PassOptions| {
        Ok(Box::new(Fuse {
            residual: options.bool("residual"),
            activation: options.bool("activation"),
            pool: options.bool("pool"),
            report: options.bool("report"),
        }))
    },
};

struct Fuse {
    residual: bool,
    activation: bool,
    pool: bool,
    report: bool,
}

/// What happens to the operation reading a fusable result.
enum Step {
    Residual,
    Activation(FusedActivation),
    Pool(FusedPool),
}

impl Fuse {
    /// The next stage `op` can absorb from `reader`, its only reader, if any.
    fn step(&self, op: &OperationRef, reader: &OperationRef) -> Option<Step> {
        let name = op_name(op);
        let stages = FusedStages::of(op).ok()?;
        let convolution = name != "graph.gemm";
        let pooled_by_max = stages.pool.is_some_and(|pool| pool.kind == PoolKind::Max);
        match op_name(reader).as_str() {
            "graph.add" if self.residual && name == "graph.conv2d" && stages.is_empty() => {
                // The add must not broadcast: the engine adds word for word.
                let ty = op.result(0).ok()?.r#type();
                let equal = reader.operands().all(|operand| operand.r#type() == ty);
                (equal && reader.result(0).ok()?.r#type() == ty).then_some(Step::Residual)
            }
            "graph.relu" | "graph.clip"
                if self.activation && stages.activation.is_none() && (stages.pool.is_none() || pooled_by_max) =>
            {
                Some(Step::Activation(if op_name(reader) == "graph.clip" {
                    FusedActivation::Clip {
                        min: attr::float(reader, "min").ok()?,
                        max: attr::float(reader, "max").ok()?,
                    }
                } else {
                    FusedActivation::Relu
                }))
            }
            kind @ ("graph.maxpool" | "graph.avgpool") if self.pool && convolution && stages.pool.is_none() => {
                let pair = |name: &str| -> Option<[i64; 2]> { attr::i64_array(reader, name).ok()?.try_into().ok() };
                let pads: [i64; 4] = attr::i64_array(reader, "pads").ok()?.try_into().ok()?;
                if attr::bool(reader, "ceil_mode").unwrap_or(false) {
                    return None;
                }
                let pool_kind = if kind == "graph.maxpool" {
                    if reader.has_attribute("dilations") && pair("dilations")? != [1, 1] {
                        return None;
                    }
                    PoolKind::Max
                } else {
                    // Without padding every average-pool convention agrees.
                    if pads != [0; 4] {
                        return None;
                    }
                    PoolKind::Average
                };
                Some(Step::Pool(FusedPool {
                    kind: pool_kind,
                    kernel: pair("kernel")?,
                    strides: pair("strides")?,
                    pads,
                }))
            }
            _ => None,
        }
    }
}

impl Pass for Fuse {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        let Some(body) = body(function) else { return Ok(()) };
        // The reference to the context lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        let mut next = body.first_operation();
        while let Some(start) = next {
            next = start.next_in_block();
            if !matches!(op_name(&start).as_str(), "graph.conv2d" | "graph.conv2d_add" | "graph.gemm") {
                continue;
            }
            let mut op = start;
            while let Some(result) = op.result(0).ok().map(Value::from) {
                let readers = users(result);
                let [reader] = readers[..] else { break };
                let Some(step) = self.step(&op, &reader) else { break };
                let reader_name = op_name(&reader);
                if next == Some(reader) {
                    next = reader.next_in_block();
                }
                let fused = match step {
                    Step::Residual => match with_residual(body, op, reader) {
                        Some(fused) => fused,
                        None => break,
                    },
                    Step::Activation(activation) => {
                        set_attributes(op, &activation_attributes(context, activation));
                        op
                    }
                    Step::Pool(pool) => {
                        set_attributes(op, &pool_attributes(context, pool));
                        if let Ok(pooled) = reader.result(0) {
                            result.set_type(pooled.r#type());
                        }
                        op
                    }
                };
                if self.report {
                    cx.remark(&fused, format!("fused the following '{reader_name}' into this '{}'", op_name(&fused)));
                }
                if let Ok(replaced) = reader.result(0) {
                    replace_all_uses(replaced.into(), fused.result(0).map_or(result, Value::from));
                }
                unsafe { erase(reader) };
                if fused != op {
                    unsafe { erase(op) };
                    op = fused;
                }
            }
        }
        Ok(())
    }
}

fn set_attributes<'c>(op: OperationRef<'c, '_>, attributes: &[(Identifier<'c>, Attribute<'c>)]) {
    let mut op = unsafe { OperationRefMut::from_raw(op.to_raw()) };
    for (name, value) in attributes {
        if let Ok(name) = name.as_string_ref().as_str() {
            op.set_attribute(name, *value);
        }
    }
}

/// Builds the `graph.conv2d_add` that computes `conv` followed by `add`, at the add's place (where both addends
/// exist); the caller redirects the add's uses and erases both.
fn with_residual<'c, 'a>(
    body: BlockRef<'c, 'a>,
    conv: OperationRef<'c, 'a>,
    add: OperationRef<'c, 'a>,
) -> Option<OperationRef<'c, 'a>> {
    let convolved: Value = conv.result(0).ok()?.into();
    let residual = add.operands().find(|operand| *operand != convolved)?;
    let mut operands = vec![conv.operand(0).ok()?, conv.operand(1).ok()?, residual];
    operands.extend(conv.operand(2).ok());
    let attributes: Vec<_> = conv.attributes().collect();
    let fused = OperationBuilder::new("graph.conv2d_add", conv.location())
        .add_operands(&operands)
        .add_results(&[add.result(0).ok()?.r#type()])
        .add_attributes(&attributes)
        .build()
        .ok()?;
    Some(body.insert_operation_before(add, fused))
}
