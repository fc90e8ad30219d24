//! A built-in model taken down to a dataflow pipeline with the compiler's own passes, as the cost model sees it.

use autows_cost::Pipeline;
use autows_frontend::emit_network;
use autows_ir::{pass::Pipeline as PassPipeline, rewrite::op_name, IrContext};
use melior::{
    ir::{block::BlockLike, operation::OperationLike},
    pass::PassManager,
};

/// The lowering every benchmark uses: fold batch normalisation, quantise, one engine per layer.
pub const LOWERING: &str =
    "builtin.module(graph-fold-batchnorm,autows-dce,graph-quantize{spec=w4a5},convert-graph-to-dataflow)";

/// [`LOWERING`] with `graph-fuse` before the dataflow lowering: convolutions absorb the residual add,
/// activation and pooling after them.
pub const FUSED_LOWERING: &str =
    "builtin.module(graph-fold-batchnorm,autows-dce,graph-fuse,graph-quantize{spec=w4a5},convert-graph-to-dataflow)";

/// `model` from the zoo, lowered with [`LOWERING`], as the cost model's pipeline.
pub fn lowered(model: &str) -> Result<Pipeline, String> {
    lowered_with(model, LOWERING)
}

/// `model` from the zoo, lowered with the pass pipeline `lowering`, as the cost model's pipeline.
pub fn lowered_with(model: &str, lowering: &str) -> Result<Pipeline, String> {
    let network = autows_zoo::build(model).map_err(|error| error.to_string())?;
    let ir = IrContext::new();
    let mut module = emit_network(ir.context(), &network).map_err(|error| error.to_string())?;
    let registry = autows_passes::registry();
    let manager = PassManager::new(ir.context());
    PassPipeline::parse(lowering)
        .and_then(|pipeline| pipeline.add_to(&manager, &registry, ir.sink()))
        .map_err(|error| error.render(lowering))?;
    if manager.run(&mut module).is_err() {
        let messages: Vec<String> = ir.sink().take().iter().map(|d| d.message.clone()).collect();
        return Err(messages.join("; "));
    }
    let body = module.body();
    let mut next = body.first_operation();
    while let Some(op) = next {
        next = op.next_in_block();
        if op_name(&op) == "func.func" {
            return autows_passes::dataflow_model::extract(op)
                .map(|extracted| extracted.pipeline)
                .map_err(|(_, message)| message);
        }
    }
    Err(format!("{model}: no function after lowering"))
}
