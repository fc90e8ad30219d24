//! Which values of a function are parameters: weights, constants, and what is computed from them alone.
//!
//! Parameters are known before the network runs (folded batch normalisation is arithmetic on weights), so
//! engines take them as weights and the quantised arithmetic evaluates them in float.

use autows_ir::rewrite::{defining_op, op_name};
use melior::ir::{block::BlockLike, operation::OperationLike, BlockRef, OperationRef, Value};
use std::collections::HashSet;

/// The parameter-computing operations of one block.
pub struct ParameterValues {
    ops: HashSet<usize>,
}

impl ParameterValues {
    /// Finds the parameters of `block`, whose operations are in dominance order.
    pub fn of(block: BlockRef) -> Self {
        let mut ops = HashSet::new();
        let mut next = block.first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            let name = op_name(&op);
            let is_parameter = match name.as_str() {
                "graph.weight" | "graph.constant" => true,
                _ if name.starts_with("graph.") && op.operand_count() > 0 => op
                    .operands()
                    .all(|value| defining_op(value).is_some_and(|def| ops.contains(&(def.to_raw().ptr as usize)))),
                _ => false,
            };
            if is_parameter {
                ops.insert(op.to_raw().ptr as usize);
            }
        }
        Self { ops }
    }

    /// Whether `value` is a parameter.
    pub fn contains(&self, value: Value) -> bool {
        defining_op(value).is_some_and(|def| self.contains_op(&def))
    }

    /// Whether `op` computes a parameter.
    pub fn contains_op(&self, op: &OperationRef) -> bool {
        self.ops.contains(&(op.to_raw().ptr as usize))
    }
}
