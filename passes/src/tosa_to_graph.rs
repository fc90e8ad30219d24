//! `convert-tosa-to-graph`: brings TOSA (from torch-mlir, onnx-mlir, TensorFlow) into the graph dialect.

use autows_ir::{
    attributes::{self as attr, bool_attr, i64_array_attr, int_attr, named},
    pass::{OptionInfo, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{body, erase, has_uses, op_name, replace_all_uses},
    types::TensorType,
};
use melior::{
    ir::{
        attribute::{DenseI32ArrayAttribute, FloatAttribute, IntegerAttribute},
        block::BlockLike,
        operation::{OperationBuilder, OperationLike},
        Attribute, AttributeLike, BlockRef, Identifier, Location, OperationRef, Type, Value, ValueLike,
    },
    Context,
};

/// The TOSA operations the pass converts.
const SUPPORTED: &[&str] = &[
    "tosa.conv2d",
    "tosa.matmul",
    "tosa.clamp",
    "tosa.add",
    "tosa.mul",
    "tosa.max_pool2d",
    "tosa.avg_pool2d",
    "tosa.reshape",
    "tosa.transpose",
    "tosa.concat",
    "tosa.const",
    "tosa.const_shape",
];

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "convert-tosa-to-graph",
        summary: "Convert TOSA operations to the graph dialect",
        description: "Converts tosa.conv2d, matmul, clamp, add, mul, max_pool2d, avg_pool2d, reshape, transpose, \
                      concat and const into graph operations. TOSA lays feature maps out NHWC and convolution \
                      weights OHWI, the graph dialect NCHW and OIHW: convolutions and pools are wrapped in \
                      `graph.transpose` operations (pairs that cancel are for later simplification to remove). \
                      TOSA's average pool divides by the elements inside the input, so `count_include_pad` is \
                      false. Zero points must be zero and the multiply shift must be zero (float TOSA); other \
                      values, and any other TOSA operation, are reported as errors naming the operation.",
        anchor: Some("func.func"),
        options: &[] as &[OptionInfo],
    },
    create: |_options: &PassOptions| Ok(Box::new(TosaToGraph)),
};

struct TosaToGraph;

const TO_NCHW: [i64; 4] = [0, 3, 1, 2];
const TO_NHWC: [i64; 4] = [0, 2, 3, 1];

struct Rewriter<'c, 'a> {
    context: &'c Context,
    block: BlockRef<'c, 'a>,
    before: OperationRef<'c, 'a>,
    location: Location<'c>,
}

impl<'c, 'a> Rewriter<'c, 'a> {
    fn build(
        &self,
        name: &str,
        operands: &[Value<'c, '_>],
        result: Type<'c>,
        attributes: &[(Identifier<'c>, Attribute<'c>)],
    ) -> Result<Value<'c, 'a>, String> {
        let operation = OperationBuilder::new(name, self.location)
            .add_operands(operands)
            .add_results(&[result])
            .add_attributes(attributes)
            .build()
            .map_err(|_| format!("MLIR refused '{name}'"))?;
        let inserted = self.block.insert_operation_before(self.before, operation);
        inserted.result(0).map(Into::into).map_err(|_| format!("'{name}' has no result"))
    }

    fn permuted(&self, value: Value<'c, '_>, perm: [i64; 4]) -> Result<Value<'c, 'a>, String> {
        let tensor = TensorType::from_type(value.r#type()).ok_or("expected a ranked tensor")?;
        let shape: Vec<Option<i64>> = perm.iter().map(|&axis| tensor.shape[axis as usize]).collect();
        let ty = TensorType { shape, element: tensor.element }.build(self.context).ok_or("cannot build a type")?;
        self.build("graph.transpose", &[value], ty, &[named(self.context, "perm", i64_array_attr(self.context, &perm))])
    }

    /// The NCHW type of an NHWC value type.
    fn nchw_type(&self, nhwc: Type<'c>) -> Result<Type<'c>, String> {
        let tensor = TensorType::from_type(nhwc).ok_or("expected a ranked tensor")?;
        let shape = TO_NCHW.iter().map(|&axis| tensor.shape[axis as usize]).collect();
        TensorType { shape, element: tensor.element }.build(self.context).ok_or_else(|| "cannot build a type".into())
    }
}

/// TOSA's `[top, bottom, left, right]` as the graph dialect's `[top, left, bottom, right]`.
fn graph_pads(tosa: &[i64]) -> Result<[i64; 4], String> {
    match tosa {
        [top, bottom, left, right] => Ok([*top, *left, *bottom, *right]),
        _ => Err(format!("'pad' must have 4 values, got {}", tosa.len())),
    }
}

/// Checks that a zero-point or shift operand is a constant zero.
fn expect_zero(op: &OperationRef, index: usize, what: &str) -> Result<(), String> {
    let value = op.operand(index).map_err(|_| format!("missing {what}"))?;
    let constant = autows_ir::rewrite::defining_op(value).filter(|def| op_name(def) == "tosa.const");
    let zero = constant.and_then(|def| def.attribute("values").ok()).is_some_and(|values| {
        let raw = values.to_raw();
        let splat = unsafe {
            (mlir_sys::mlirAttributeIsADenseElements(raw) && mlir_sys::mlirDenseElementsAttrIsSplat(raw))
                .then(|| Attribute::from_raw(mlir_sys::mlirDenseElementsAttrGetSplatValue(raw)))
        };
        splat.is_some_and(|value| {
            FloatAttribute::try_from(value).is_ok_and(|f| f.value() == 0.0)
                || IntegerAttribute::try_from(value).is_ok_and(|i| i.value() == 0)
        })
    });
    if zero {
        Ok(())
    } else {
        Err(format!("only a constant zero {what} is supported"))
    }
}

fn f32_attr<'c>(context: &'c Context, attribute: Attribute<'c>) -> Result<Attribute<'c>, String> {
    let value = FloatAttribute::try_from(attribute)
        .map(|f| f.value())
        .or_else(|_| IntegerAttribute::try_from(attribute).map(|i| i.value() as f64))
        .map_err(|_| format!("expected a number, got {attribute}"))?;
    Ok(FloatAttribute::new(context, Type::float32(context), value).into())
}

fn convert(op: OperationRef, name: &str, context: &Context) -> Result<(), String> {
    let block = op.block().ok_or("not in a block")?;
    let rw = Rewriter { context, block, before: op, location: op.location() };
    let c = context;
    let operand = |index: usize| op.operand(index).map_err(|_| format!("missing operand {index}"));
    let result_type = op.result(0).map_err(|_| "no result")?.r#type();
    let attribute = |name: &str| op.attribute(name).map_err(|_| format!("missing attribute '{name}'"));
    let converted = match name {
        "tosa.conv2d" => {
            expect_zero(&op, 3, "input zero point")?;
            expect_zero(&op, 4, "weight zero point")?;
            let input = rw.permuted(operand(0)?, TO_NCHW)?;
            let weight = rw.permuted(operand(1)?, TO_NCHW)?;
            let conv = rw.build(
                "graph.conv2d",
                &[input, weight, operand(2)?],
                rw.nchw_type(result_type)?,
                &[
                    named(c, "strides", i64_array_attr(c, &attr::i64_array(&op, "stride").map_err(|e| e.to_string())?)),
                    named(
                        c,
                        "pads",
                        i64_array_attr(c, &graph_pads(&attr::i64_array(&op, "pad").map_err(|e| e.to_string())?)?),
                    ),
                    named(
                        c,
                        "dilations",
                        i64_array_attr(c, &attr::i64_array(&op, "dilation").map_err(|e| e.to_string())?),
                    ),
                    named(c, "groups", int_attr(c, 1)),
                ],
            )?;
            rw.permuted(conv, TO_NHWC)?
        }
        "tosa.max_pool2d" | "tosa.avg_pool2d" => {
            let input = rw.permuted(operand(0)?, TO_NCHW)?;
            let mut attributes = vec![
                named(c, "kernel", i64_array_attr(c, &attr::i64_array(&op, "kernel").map_err(|e| e.to_string())?)),
                named(c, "strides", i64_array_attr(c, &attr::i64_array(&op, "stride").map_err(|e| e.to_string())?)),
                named(
                    c,
                    "pads",
                    i64_array_attr(c, &graph_pads(&attr::i64_array(&op, "pad").map_err(|e| e.to_string())?)?),
                ),
                named(c, "ceil_mode", bool_attr(c, false)),
            ];
            let graph_name = if name == "tosa.max_pool2d" {
                attributes.push(named(c, "dilations", i64_array_attr(c, &[1, 1])));
                "graph.maxpool"
            } else {
                expect_zero(&op, 1, "input zero point")?;
                expect_zero(&op, 2, "output zero point")?;
                attributes.push(named(c, "count_include_pad", bool_attr(c, false)));
                "graph.avgpool"
            };
            let pool = rw.build(graph_name, &[input], rw.nchw_type(result_type)?, &attributes)?;
            rw.permuted(pool, TO_NHWC)?
        }
        "tosa.matmul" => {
            expect_zero(&op, 2, "a zero point")?;
            expect_zero(&op, 3, "b zero point")?;
            rw.build("graph.matmul", &[operand(0)?, operand(1)?], result_type, &[])?
        }
        "tosa.clamp" => rw.build(
            "graph.clip",
            &[operand(0)?],
            result_type,
            &[
                named(c, "min", f32_attr(c, attribute("min_val")?)?),
                named(c, "max", f32_attr(c, attribute("max_val")?)?),
            ],
        )?,
        "tosa.add" => rw.build("graph.add", &[operand(0)?, operand(1)?], result_type, &[])?,
        "tosa.mul" => {
            expect_zero(&op, 2, "shift")?;
            rw.build("graph.mul", &[operand(0)?, operand(1)?], result_type, &[])?
        }
        "tosa.reshape" => rw.build("graph.reshape", &[operand(0)?], result_type, &[])?,
        "tosa.transpose" => {
            let perms =
                DenseI32ArrayAttribute::try_from(attribute("perms")?).map_err(|_| "'perms' must be array<i32>")?;
            let perm: Vec<i64> = (0..perms.len()).filter_map(|i| perms.element(i).ok()).map(i64::from).collect();
            rw.build("graph.transpose", &[operand(0)?], result_type, &[named(c, "perm", i64_array_attr(c, &perm))])?
        }
        "tosa.concat" => {
            let axis = attr::int(&op, "axis").map_err(|e| e.to_string())?;
            let inputs: Vec<Value> = op.operands().collect();
            let (first, rest) = inputs.split_first().ok_or("a concat needs inputs")?;
            let mut joined: Value = *first;
            for next in rest {
                let (a, b) = (TensorType::from_type(joined.r#type()), TensorType::from_type(next.r#type()));
                let (Some(a), Some(b)) = (a, b) else { return Err("concat inputs must be ranked tensors".into()) };
                let along = autows_shape::axis(axis, a.shape.len()).map_err(|e| e.0)?;
                let mut shape = a.shape.clone();
                shape[along] = a.shape[along].zip(b.shape[along]).map(|(x, y)| x + y);
                let ty = TensorType { shape, element: a.element }.build(c).ok_or("cannot build a type")?;
                joined = rw.build("graph.concat", &[joined, *next], ty, &[named(c, "axis", int_attr(c, axis))])?;
            }
            joined
        }
        "tosa.const" => {
            if !has_uses(op.result(0).map_err(|_| "no result")?.into()) {
                return Ok(());
            }
            rw.build("graph.constant", &[], result_type, &[named(c, "value", attribute("values")?)])?
        }
        _ => return Ok(()),
    };
    replace_all_uses(op.result(0).map_err(|_| "no result")?.into(), converted);
    Ok(())
}

impl Pass for TosaToGraph {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        let Some(body) = body(function) else { return Ok(()) };
        // The reference lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        let mut tosa_ops = Vec::new();
        let mut next = body.first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            let name = op_name(&op);
            if !name.starts_with("tosa.") {
                continue;
            }
            if !SUPPORTED.contains(&name.as_str()) {
                return Err(cx.error(
                    &op,
                    format!("'{name}' cannot be converted to the graph dialect; supported: {}", SUPPORTED.join(", ")),
                ));
            }
            tosa_ops.push(op.to_raw());
        }
        // Compute operations first, so constants used only as zero points and shifts end up unused.
        for raw in tosa_ops.iter().filter(|raw| !is_constant(raw)) {
            let op = unsafe { OperationRef::from_raw(*raw) };
            let name = op_name(&op);
            convert(op, &name, context).map_err(|message| cx.error(&op, format!("'{name}' op {message}")))?;
        }
        for raw in tosa_ops.iter().rev().filter(|raw| !is_constant(raw)) {
            unsafe { erase(OperationRef::from_raw(*raw)) };
        }
        for raw in tosa_ops.iter().filter(|raw| is_constant(raw)) {
            let op = unsafe { OperationRef::from_raw(*raw) };
            convert(op, "tosa.const", context)
                .map_err(|message| cx.error(&op, format!("'tosa.const' op {message}")))?;
            unsafe { erase(op) };
        }
        Ok(())
    }
}

fn is_constant(raw: &mlir_sys::MlirOperation) -> bool {
    let op = unsafe { OperationRef::from_raw(*raw) };
    matches!(op_name(&op).as_str(), "tosa.const" | "tosa.const_shape")
}
