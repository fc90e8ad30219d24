//! `graph-fold-batchnorm`: folds inference batch normalisation into the convolution before it.

use autows_ir::{
    attributes as attr,
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{defining_op, erase, op_name, replace_all_uses, users},
    types::TensorType,
};
use melior::ir::{
    attribute::DenseElementsAttribute, block::BlockLike, operation::OperationBuilder, operation::OperationLike,
    Attribute, BlockRef, Location, OperationRef, Type, Value, ValueLike,
};

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "graph-fold-batchnorm",
        summary: "Fold batch normalisation into the preceding convolution",
        description: "A `graph.batchnorm` whose input is a `graph.conv2d` used by nothing else becomes part of that \
                      convolution: with `s = scale / sqrt(variance + epsilon)`, the weights become `w * s` (per \
                      output channel) and the bias `beta + (b - mean) * s` (`beta - mean * s` without a bias). The \
                      new weights are expressed as graph arithmetic on the original weight handles (`add`, `sqrt`, \
                      `div`, `reshape`, `mul`, `sub`), so no values are computed and the IR stays small; the \
                      interpreter and the hardware generator evaluate them when they need numbers. The new \
                      convolution keeps the convolution's location; the arithmetic takes the batch \
                      normalisation's.",
        anchor: Some("func.func"),
        options: &[OptionInfo {
            name: "report",
            kind: OptionKind::Bool,
            default: "false",
            help: "emit a remark at every batch normalisation, folded or not",
        }],
    },
    create: |options: &PassOptions| Ok(Box::new(FoldBatchNorm { report: options.bool("report") })),
};

struct FoldBatchNorm {
    report: bool,
}

/// Builds graph operations before one anchor operation.
struct Builder<'c, 'a> {
    block: BlockRef<'c, 'a>,
    before: OperationRef<'c, 'a>,
    location: Location<'c>,
}

impl<'c, 'a> Builder<'c, 'a> {
    fn op(
        &self,
        name: &str,
        operands: &[Value<'c, '_>],
        result: Type<'c>,
        attributes: &[(melior::ir::Identifier<'c>, Attribute<'c>)],
    ) -> Option<Value<'c, 'a>> {
        let operation = OperationBuilder::new(name, self.location)
            .add_operands(operands)
            .add_results(&[result])
            .add_attributes(attributes)
            .build()
            .ok()?;
        let inserted = self.block.insert_operation_before(self.before, operation);
        inserted.result(0).ok().map(Into::into)
    }

    fn binary(&self, name: &str, lhs: Value<'c, '_>, rhs: Value<'c, '_>, result: Type<'c>) -> Option<Value<'c, 'a>> {
        self.op(name, &[lhs, rhs], result, &[])
    }
}

impl FoldBatchNorm {
    /// Folds `batchnorm` into the convolution that feeds it; `Ok(false)` when the pattern does not apply.
    fn fold(&self, batchnorm: OperationRef, cx: &PassContext) -> Result<bool, String> {
        let operand = |index: usize| batchnorm.operand(index).map_err(|_| "a batchnorm operand is missing".to_string());
        let input = operand(0)?;
        let Some(conv) = defining_op(input).filter(|op| op_name(op) == "graph.conv2d") else {
            return Ok(false);
        };
        if users(input).len() != 1 {
            return Ok(false);
        }
        let (scale, beta, mean, variance) = (operand(1)?, operand(2)?, operand(3)?, operand(4)?);
        let epsilon = attr::float(&batchnorm, "epsilon").map_err(|error| error.to_string())?;
        // The reference lives as long as `context_ref`, to the end of this scope.
        let context_ref = batchnorm.context();
        let context = unsafe { context_ref.to_ref() };
        let block = batchnorm.block().ok_or("the batchnorm is not in a block")?;
        let build = Builder { block, before: batchnorm, location: batchnorm.location() };
        let weight = conv.operand(1).map_err(|_| "the convolution has no weight")?;
        let weight_type = TensorType::from_type(weight.r#type())
            .and_then(|t| t.static_shape())
            .ok_or("the weight has no static shape")?;
        let channel_type = scale.r#type();
        let element = TensorType::from_type(channel_type).map(|t| t.element).unwrap_or_else(|| "f32".into());
        let ty = |text: String| Type::parse(context, &text).ok_or_else(|| format!("cannot build type {text}"));
        let epsilon_type = ty(format!("tensor<1x{element}>"))?;
        let epsilon_value = DenseElementsAttribute::new(
            epsilon_type,
            &[melior::ir::attribute::FloatAttribute::new(
                context,
                Type::parse(context, &element).ok_or("bad element type")?,
                epsilon,
            )
            .into()],
        )
        .map_err(|_| "cannot build the epsilon constant")?;
        let failed = || "MLIR refused a folded operation".to_string();
        let epsilon_constant = build
            .op("graph.constant", &[], epsilon_type, &[attr::named(context, "value", epsilon_value.into())])
            .ok_or_else(failed)?;
        let shifted = build.binary("graph.add", variance, epsilon_constant, channel_type).ok_or_else(failed)?;
        let deviation = build.op("graph.sqrt", &[shifted], channel_type, &[]).ok_or_else(failed)?;
        let factor = build.binary("graph.div", scale, deviation, channel_type).ok_or_else(failed)?;
        let per_filter = ty(format!("tensor<{}x1x1x1x{element}>", weight_type[0]))?;
        let factor_4d = build.op("graph.reshape", &[factor], per_filter, &[]).ok_or_else(failed)?;
        let new_weight = build.binary("graph.mul", weight, factor_4d, weight.r#type()).ok_or_else(failed)?;
        let new_bias = match conv.operand(2) {
            Ok(bias) => {
                let centred = build.binary("graph.sub", bias, mean, channel_type).ok_or_else(failed)?;
                let scaled = build.binary("graph.mul", centred, factor, channel_type).ok_or_else(failed)?;
                build.binary("graph.add", scaled, beta, channel_type).ok_or_else(failed)?
            }
            Err(_) => {
                let scaled = build.binary("graph.mul", mean, factor, channel_type).ok_or_else(failed)?;
                build.binary("graph.sub", beta, scaled, channel_type).ok_or_else(failed)?
            }
        };
        let conv_input = conv.operand(0).map_err(|_| "the convolution has no input")?;
        let attributes: Vec<_> = conv.attributes().collect();
        let result_type = batchnorm.result(0).map_err(|_| "the batchnorm has no result")?.r#type();
        let folded = Builder { location: conv.location(), ..build }
            .op("graph.conv2d", &[conv_input, new_weight, new_bias], result_type, &attributes)
            .ok_or_else(failed)?;
        if self.report {
            cx.remark(&batchnorm, "folded into the preceding convolution");
        }
        replace_all_uses(batchnorm.result(0).map_err(|_| "the batchnorm has no result")?.into(), folded);
        unsafe {
            erase(batchnorm);
            erase(conv);
        }
        Ok(true)
    }
}

impl Pass for FoldBatchNorm {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        let mut batchnorms = Vec::new();
        function.walk(melior::ir::operation::WalkOrder::PreOrder, |op| {
            if op_name(&op) == "graph.batchnorm" {
                batchnorms.push(op.to_raw());
            }
            melior::ir::operation::WalkResult::Advance
        });
        for raw in batchnorms {
            let batchnorm = unsafe { OperationRef::from_raw(raw) };
            match self.fold(batchnorm, cx) {
                Ok(true) => {}
                Ok(false) => {
                    if self.report {
                        cx.remark(&batchnorm, "not folded: its input is not a convolution used only here");
                    }
                }
                Err(message) => {
                    return Err(cx.error(&batchnorm, format!("'graph.batchnorm' op cannot be folded: {message}")))
                }
            }
        }
        Ok(())
    }
}
