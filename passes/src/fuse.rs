//! `graph-fuse`: folds the activation after a convolution or gemm into it, so the dataflow lowering makes one
//! engine where it made two.

use autows_ir::{
    attributes::{self as attr, float_attr, string_attr},
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{erase, op_name, replace_all_uses, users},
};
use melior::ir::{
    block::BlockLike,
    operation::{OperationLike, OperationMutLike, OperationRefMut},
    OperationRef, RegionLike,
};

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "graph-fuse",
        summary: "Fuse a convolution or gemm with the activation that follows it into one engine",
        description: "A `graph.relu` or `graph.clip` whose input is a `graph.conv2d` or `graph.gemm` used by \
                      nothing else becomes the attribute `activation` (\"relu\", or \"clip\" with `activation_min` \
                      and `activation_max`) of that operation, which keeps its location. The dataflow lowering \
                      then makes one engine (convolution or fully connected, bias included) with the activation \
                      inside: one engine and its stream and squeezes fewer. The cost model charges the fused \
                      engine one activation module per output stream. Reading the IR back as a network (the \
                      interpreter, equality saturation) expands the attribute into the activation again.",
        anchor: Some("func.func"),
        options: &[OptionInfo {
            name: "report",
            kind: OptionKind::Bool,
            default: "false",
            help: "emit a remark at every fused activation",
        }],
    },
    create: |options: &PassOptions| Ok(Box::new(Fuse { report: options.bool("report") })),
};

struct Fuse {
    report: bool,
}

impl Pass for Fuse {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        let Some(body) = function.region(0).ok().and_then(|region| region.first_block()) else { return Ok(()) };
        // The reference to the context lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        let mut next = body.first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            let name = op_name(&op);
            if !matches!(name.as_str(), "graph.conv2d" | "graph.gemm") || op.has_attribute("activation") {
                continue;
            }
            let Ok(result) = op.result(0) else { continue };
            let readers = users(result.into());
            let [activation] = readers[..] else { continue };
            let kind = op_name(&activation);
            if !matches!(kind.as_str(), "graph.relu" | "graph.clip") {
                continue;
            }
            let mut fused = unsafe { OperationRefMut::from_raw(op.to_raw()) };
            if kind == "graph.clip" {
                let bounds =
                    attr::float(&activation, "min").and_then(|min| Ok((min, attr::float(&activation, "max")?)));
                let Ok((min, max)) = bounds else { continue };
                fused.set_attribute("activation", string_attr(context, "clip"));
                fused.set_attribute("activation_min", float_attr(context, min));
                fused.set_attribute("activation_max", float_attr(context, max));
            } else {
                fused.set_attribute("activation", string_attr(context, "relu"));
            }
            if self.report {
                cx.remark(&op, format!("fused the following '{kind}' into this '{name}'"));
            }
            let Ok(activated) = activation.result(0) else { continue };
            replace_all_uses(activated.into(), result.into());
            if next == Some(activation) {
                next = activation.next_in_block();
            }
            unsafe { erase(activation) };
        }
        Ok(())
    }
}
