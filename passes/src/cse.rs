//! `autows-cse`: merges identical operations of our dialects.

use autows_ir::{
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{erase, is_project_op, op_name, replace_all_uses},
};
use melior::ir::{
    block::BlockLike,
    operation::{OperationLike, WalkOrder, WalkResult},
    BlockRef, OperationRef, RegionLike, ValueLike,
};
use std::collections::HashMap;

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "autows-cse",
        summary: "Merge graph, dataflow and memory operations that compute the same value",
        description: "Upstream common-subexpression elimination leaves IRDL operations alone. Two operations of our \
                      dialects in the same block with the same name, operands, attributes and result types compute \
                      the same value: the later one's uses move to the earlier one and the later one is erased. The \
                      earlier operation keeps its location.",
        anchor: None,
        options: &[OptionInfo {
            name: "report",
            kind: OptionKind::Bool,
            default: "false",
            help: "emit a remark at every merged operation",
        }],
    },
    create: |options: &PassOptions| Ok(Box::new(CommonSubexpressionElimination { report: options.bool("report") })),
};

struct CommonSubexpressionElimination {
    report: bool,
}

/// What makes two operations interchangeable.
fn signature(op: &OperationRef) -> String {
    let mut key = op_name(op);
    for operand in op.operands() {
        key.push_str(&format!("|{:p}", operand.to_raw().ptr));
    }
    for (name, value) in op.attributes() {
        key.push_str(&format!("|{}={value}", name.as_string_ref().as_str().unwrap_or("")));
    }
    for result in op.results() {
        key.push_str(&format!("|{}", result.r#type()));
    }
    key
}

impl CommonSubexpressionElimination {
    fn run_on_block(&self, block: BlockRef, cx: &PassContext) {
        let mut seen: HashMap<String, OperationRef> = HashMap::new();
        let mut next = block.first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            if !is_project_op(&op) || op.region_count() > 0 {
                continue;
            }
            let key = signature(&op);
            match seen.get(&key) {
                Some(earlier) => {
                    for (old, new) in op.results().zip(earlier.results()) {
                        replace_all_uses(old.into(), new.into());
                    }
                    if self.report {
                        cx.remark(&op, format!("merged into an identical '{}'", op_name(&op)));
                    }
                    unsafe { erase(op) };
                }
                None => {
                    seen.insert(key, op);
                }
            }
        }
    }
}

impl Pass for CommonSubexpressionElimination {
    fn run(&self, root: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        let mut blocks = Vec::new();
        root.walk(WalkOrder::PreOrder, |op| {
            for region in op.regions() {
                let mut block = region.first_block();
                while let Some(current) = block {
                    blocks.push(current.to_raw());
                    block = current.next_in_region();
                }
            }
            WalkResult::Advance
        });
        for raw in blocks {
            self.run_on_block(unsafe { BlockRef::from_raw(raw) }, cx);
        }
        Ok(())
    }
}
