//! `autows-dce`: removes operations of our dialects whose results nobody uses.

use autows_ir::{
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{erase, is_project_op, results_unused},
};
use melior::ir::{
    operation::{OperationLike, WalkOrder, WalkResult},
    OperationRef,
};

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "autows-dce",
        summary: "Remove graph, dataflow and memory operations whose results are unused",
        description: "Upstream dead-code elimination leaves IRDL operations alone, since IRDL cannot declare them \
                      free of side effects. Every operation of our dialects is a pure function of its operands, so \
                      this pass erases those whose results have no use, repeating until nothing more dies (a chain \
                      that only fed a dead operation goes too).",
        anchor: None,
        options: &[OptionInfo {
            name: "report",
            kind: OptionKind::Bool,
            default: "false",
            help: "emit a remark at every erased operation",
        }],
    },
    create: |options: &PassOptions| Ok(Box::new(DeadCodeElimination { report: options.bool("report") })),
};

struct DeadCodeElimination {
    report: bool,
}

impl Pass for DeadCodeElimination {
    fn run(&self, root: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        loop {
            let mut candidates = Vec::new();
            root.walk(WalkOrder::PostOrder, |op| {
                if op != root && is_project_op(&op) && op.result_count() > 0 {
                    candidates.push(op.to_raw());
                }
                WalkResult::Advance
            });
            let mut erased = 0;
            // Users follow their operands in a block, so walking backwards lets a whole dead chain go in one sweep.
            for raw in candidates.into_iter().rev() {
                let op = unsafe { OperationRef::from_raw(raw) };
                if results_unused(&op) {
                    if self.report {
                        cx.remark(&op, format!("erased unused '{}'", op.name().as_string_ref().as_str().unwrap_or("")));
                    }
                    unsafe { erase(op) };
                    erased += 1;
                }
            }
            if erased == 0 {
                return Ok(());
            }
        }
    }
}
