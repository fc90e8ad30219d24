//! IR surgery that melior does not wrap: uses of a value, replacing them, erasing operations.

use melior::ir::{
    operation::{OperationLike, OperationResult},
    OperationRef, Value, ValueLike,
};

/// The operation that defines `value`, or `None` for a block argument.
pub fn defining_op<'c, 'a>(value: Value<'c, 'a>) -> Option<OperationRef<'c, 'a>> {
    OperationResult::try_from(value).ok().map(|result| result.owner())
}

/// The operations that use `value`, once per use, in use-list order.
pub fn users<'c, 'a>(value: Value<'c, 'a>) -> Vec<OperationRef<'c, 'a>> {
    let mut users = Vec::new();
    unsafe {
        let mut operand = mlir_sys::mlirValueGetFirstUse(value.to_raw());
        while !mlir_sys::mlirOpOperandIsNull(operand) {
            users.push(OperationRef::from_raw(mlir_sys::mlirOpOperandGetOwner(operand)));
            operand = mlir_sys::mlirOpOperandGetNextUse(operand);
        }
    }
    users
}

/// Whether `value` has any use.
pub fn has_uses(value: Value) -> bool {
    unsafe { !mlir_sys::mlirOpOperandIsNull(mlir_sys::mlirValueGetFirstUse(value.to_raw())) }
}

/// Whether no result of `op` is used.
pub fn results_unused<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>) -> bool {
    op.results().all(|result| !has_uses(result.into()))
}

/// Makes every use of `from` a use of `to`.
pub fn replace_all_uses(from: Value, to: Value) {
    unsafe { mlir_sys::mlirValueReplaceAllUsesOfWith(from.to_raw(), to.to_raw()) }
}

/// Removes `op` from its block and destroys it.
///
/// # Safety
/// No result of `op` may have uses left, and no handle to `op` or to anything nested in it may be used
/// afterwards.
pub unsafe fn erase(op: OperationRef) {
    unsafe { mlir_sys::mlirOperationDestroy(op.to_raw()) }
}

/// The body of a single-block operation such as a `func.func` (its first region's first block), if it has one.
pub fn body<'c, 'a>(op: OperationRef<'c, 'a>) -> Option<melior::ir::BlockRef<'c, 'a>> {
    use melior::ir::RegionLike;
    op.region(0).ok().and_then(|region| region.first_block())
}

/// The dialect prefix of an operation name (`graph` for `graph.conv2d`).
pub fn dialect_of(op_name: &str) -> &str {
    op_name.split_once('.').map_or(op_name, |(dialect, _)| dialect)
}

/// The operation's name as a Rust string.
pub fn op_name<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>) -> String {
    op.name().as_string_ref().as_str().unwrap_or("").to_string()
}

/// Whether `op` belongs to one of the project's dialects (`graph`, `dataflow`, `memory`).
pub fn is_project_op<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>) -> bool {
    matches!(dialect_of(&op_name(op)), "graph" | "dataflow" | "memory")
}

/// Sets a `func.func`'s `function_type` from its entry block's argument types and the types its `func.return`
/// returns, after a pass changed them.
pub fn sync_function_type(function: OperationRef) {
    use melior::ir::{
        attribute::TypeAttribute, block::BlockLike, operation::OperationMutLike, r#type::FunctionType, Type,
    };
    let Some(body) = body(function) else { return };
    let inputs: Vec<Type> =
        (0..body.argument_count()).filter_map(|i| body.argument(i).ok()).map(|a| a.r#type()).collect();
    let Some(terminator) = body.terminator() else { return };
    let results: Vec<Type> = terminator.operands().map(|value| value.r#type()).collect();
    let context = function.context();
    let function_type = FunctionType::new(unsafe { context.to_ref() }, &inputs, &results);
    let mut function = unsafe { melior::ir::operation::OperationRefMut::from_raw(function.to_raw()) };
    function.set_attribute("function_type", TypeAttribute::new(function_type.into()).into());
}
