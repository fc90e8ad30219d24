//! `graph-infer-shapes`: gives every graph value its static shape.

use crate::rules::graph_result_shape;
use autows_ir::{
    pass::{OptionInfo, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{body, op_name, sync_function_type},
    types::TensorType,
};
use melior::ir::{block::BlockLike, operation::OperationLike, OperationRef, ValueLike};

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "graph-infer-shapes",
        summary: "Infer the static shape of every value of a graph function",
        description: "Walks the function in order and sets each graph operation's result type from its operands' \
                      shapes and its attributes, by the same rules the verifier checks; then sets the function's \
                      result types from what it returns. Dynamic dimensions (`?`) in result types are replaced; a \
                      declared static type that disagrees with the rule is an error. The function's argument types \
                      must be static. Constants, weights and reshapes keep their declared types, which must be \
                      static.",
        anchor: Some("func.func"),
        options: &[] as &[OptionInfo],
    },
    create: |_options: &PassOptions| Ok(Box::new(InferShapes)),
};

struct InferShapes;

impl Pass for InferShapes {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        let Some(body) = body(function) else {
            return Ok(());
        };
        // The reference lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        let mut next = body.first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            let name = op_name(&op);
            if !name.starts_with("graph.") {
                continue;
            }
            let mut shapes = Vec::new();
            let mut element = None;
            for (index, operand) in op.operands().enumerate() {
                let Some(tensor) = TensorType::from_type(operand.r#type()) else {
                    return Err(cx.error(&op, format!("'{name}' op operand {index} is not a ranked tensor")));
                };
                let Some(shape) = tensor.static_shape() else {
                    return Err(cx.error(&op, format!("'{name}' op operand {index} has no static shape")));
                };
                element.get_or_insert(tensor.element.clone());
                shapes.push(shape);
            }
            let computed = graph_result_shape(&name, &op, &shapes)
                .map_err(|problem| cx.error(&op, format!("'{name}' op {}", problem.0)))?;
            let Ok(result) = op.result(0) else { continue };
            let declared = TensorType::from_type(result.r#type());
            let Some(computed) = computed else {
                if declared.as_ref().and_then(TensorType::static_shape).is_none() {
                    return Err(cx.error(&op, format!("'{name}' op needs a statically shaped result type")));
                }
                continue;
            };
            if let Some(declared_shape) = declared.as_ref().and_then(TensorType::static_shape) {
                if declared_shape != computed {
                    return Err(cx.error(
                        &op,
                        format!("'{name}' op result shape {declared_shape:?} differs from the inferred {computed:?}"),
                    ));
                }
                continue;
            }
            let element = declared.map(|t| t.element).or(element).unwrap_or_else(|| "f32".into());
            let inferred = TensorType { shape: computed.into_iter().map(Some).collect(), element };
            let Some(new_type) = inferred.build(context) else {
                return Err(cx.error(&op, format!("'{name}' op: cannot build {}", inferred.to_mlir())));
            };
            result.set_type(new_type);
        }
        sync_function_type(function);
        Ok(())
    }
}
