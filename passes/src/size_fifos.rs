//! `dataflow-size-fifos`: buffers on the short branch wherever two branches of a pipeline rejoin.

use crate::dataflow_model::extract;
use autows_cost::{join_depth, layer_depth};
use autows_ir::{
    attributes::{int_attr, named},
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{defining_op, op_name},
    types::StreamType,
};
use melior::ir::{
    block::BlockLike,
    operation::{OperationBuilder, OperationLike, OperationMutLike, OperationRefMut},
    OperationRef, Value, ValueLike,
};

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "dataflow-size-fifos",
        summary: "Size FIFOs on the branches that rejoin at element-wise and concatenation engines",
        description: "A join (eltwise, concat, or a convolution engine with a residual add) reads its inputs in \
                      lock step, but the branch through more engines delivers its first word later: the words of the \
                      short branch wait in a FIFO. For each input of a join, this pass takes the pipeline depth (fill \
                      latency, from the cost model) along the longest path to the point where the inputs meet (for \
                      a residual convolution, past the engine's own window and accumulation); the shorter inputs get \
                      a `dataflow.fifo` of `depth = difference + margin` words per lane (an existing FIFO is \
                      resized). Run it after the parallelism is final, since depths depend on it.",
        anchor: Some("func.func"),
        options: &[OptionInfo {
            name: "margin",
            kind: OptionKind::UInt,
            default: "2",
            help: "words per lane added to every FIFO",
        }],
    },
    create: |options: &PassOptions| Ok(Box::new(SizeFifos { margin: options.int("margin") })),
};

struct SizeFifos {
    margin: i64,
}

impl Pass for SizeFifos {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        if !function.has_attribute(crate::graph_to_dataflow::PIPELINE_ATTRIBUTE) {
            return Ok(());
        }
        let extracted = extract(function).map_err(|(op, message)| cx.error(&op, message))?;
        let pipeline = &extracted.pipeline;
        // Cycles from the pipeline's start until each engine's first output word.
        let mut arrival = vec![0u64; pipeline.layers().len()];
        for &index in pipeline.topological_order() {
            let start = pipeline.producers(index).iter().map(|&p| arrival[p]).max().unwrap_or(0);
            arrival[index] = start + layer_depth(&pipeline.layers()[index]);
        }
        // The reference lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        for (index, join) in extracted.engines.iter().enumerate() {
            if !matches!(op_name(join).as_str(), "dataflow.eltwise" | "dataflow.concat" | "dataflow.conv_add") {
                continue;
            }
            let layer = &pipeline.layers()[index];
            // When each input's first word reaches the point where the inputs meet.
            let ready: Vec<u64> = pipeline
                .producers(index)
                .iter()
                .enumerate()
                .map(|(port, &producer)| arrival[producer] + join_depth(layer, port))
                .collect();
            let latest = ready.iter().copied().max().unwrap_or(0);
            // Ports count the stream operands only (a residual convolution's weights sit between them).
            let streams: Vec<(usize, Value)> = join
                .operands()
                .enumerate()
                .filter(|(_, operand)| StreamType::from_type(operand.r#type()).is_some())
                .collect();
            for (port, &ready) in ready.iter().enumerate() {
                let wait = latest - ready;
                if wait == 0 {
                    continue;
                }
                let depth = wait as i64 + self.margin;
                let Some(&(operand_index, operand)) = streams.get(port) else { continue };
                match defining_op(operand).filter(|op| op_name(op) == "dataflow.fifo") {
                    Some(fifo) => {
                        let mut fifo = unsafe { OperationRefMut::from_raw(fifo.to_raw()) };
                        fifo.set_attribute("depth", int_attr(context, depth));
                    }
                    None => {
                        let fifo = OperationBuilder::new("dataflow.fifo", join.location())
                            .add_operands(&[operand])
                            .add_results(&[operand.r#type()])
                            .add_attributes(&[named(context, "depth", int_attr(context, depth))])
                            .build()
                            .map_err(|_| cx.error(join, "MLIR refused a FIFO"))?;
                        let block = join.block().ok_or_else(|| cx.error(join, "the join is not in a block"))?;
                        let fifo = block.insert_operation_before(*join, fifo);
                        let output = fifo.result(0).map_err(|_| cx.error(join, "no FIFO result"))?;
                        let mut join = unsafe { OperationRefMut::from_raw(join.to_raw()) };
                        join.set_operand(operand_index, output.into());
                    }
                }
            }
        }
        Ok(())
    }
}
