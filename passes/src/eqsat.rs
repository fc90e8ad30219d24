//! `graph-eqsat`: simplifies a graph function by equality saturation (egg), extracting the cheapest design.

use crate::{dataflow_model::Arithmetic, eqsat_cost::ModelCost};
use autows_eqsat::{optimize, CostChoice, EqsatOptions, HardwareCost, StopReason};
use autows_frontend::{emit_network, extract_network};
use autows_interp::QuantSpec;
use autows_ir::{
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{op_name, sync_function_type},
};
use melior::ir::{block::BlockLike, operation::OperationLike, OperationRef, RegionLike};
use std::{sync::Arc, time::Duration};

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "graph-eqsat",
        summary: "Simplify a graph function by equality saturation, extracting by hardware cost",
        description: "Turns the function into an e-graph (shapes carried by an analysis; weights stay handles, \
                      their values are never loaded), applies every rewrite rule until nothing changes or a limit \
                      is hit, and rebuilds the function from the cheapest equivalent: fewest compute engines, then \
                      least on-chip weight RAM, then fewest cycles, as fpgaConvNet's cost model prices each engine \
                      at minimum parallelism with the function's quantisation (`cost=model`; an operation the \
                      dataflow lowering has no engine for, such as an unfolded batch norm, is priced out); \
                      `cost=proxy` counts weight bits and streamed elements instead, `cost=size` operations. The \
                      price is that of the network as built, a value read twice counted once, so folding into a \
                      shared convolution happens only when its copy pays for itself. Rules: \
                      batch normalisation and per-channel scales into convolution weights, bias adds into the \
                      convolution bias, zero padding into convolution and pool padding, relu idempotence, relu and \
                      max pooling commuting, reshape and flatten chains, identity, dropout and transpose-pair \
                      removal, adding zero, multiplying by one, and folding of small constant subgraphs. On a \
                      quantised function (`graph.quantization`) the folds into convolution weights and biases stand \
                      down, since moving an operation across a requantisation changes bits; every other rule is \
                      exact on integer codes. Nodes keep \
                      their names (locations). A limit that stops saturation early still yields an equivalent \
                      function, with a warning naming the limit; `report` prints the rules that fired.",
        anchor: Some("func.func"),
        options: &[
            OptionInfo { name: "node-limit", kind: OptionKind::UInt, default: "200000", help: "e-graph nodes" },
            OptionInfo { name: "iteration-limit", kind: OptionKind::UInt, default: "30", help: "rule iterations" },
            OptionInfo { name: "time-limit", kind: OptionKind::Float, default: "10", help: "seconds" },
            OptionInfo {
                name: "cost",
                kind: OptionKind::Enum(&["model", "proxy", "size"]),
                default: "model",
                help: "what extraction minimises",
            },
            OptionInfo {
                name: "spec",
                kind: OptionKind::String,
                default: "",
                help: "with cost=model, price engines with this quantisation when the function records none yet \
                       (e.g. w4a5, as graph-quantize will apply; default: 16-bit fixed point)",
            },
            OptionInfo { name: "report", kind: OptionKind::Bool, default: "false", help: "print the rules that fired" },
        ],
    },
    create: |options: &PassOptions| {
        let eqsat = EqsatOptions {
            node_limit: options.int("node-limit").max(1) as usize,
            iteration_limit: options.int("iteration-limit").max(1) as usize,
            time_limit: Duration::from_secs_f64(options.float("time-limit").max(0.0)),
            cost: match options.string("cost") {
                "size" => CostChoice::TermSize,
                _ => CostChoice::Hardware(HardwareCost::default()),
            },
            ..EqsatOptions::default()
        };
        let ask_model = options.string("cost") == "model";
        let planned = match options.string("spec") {
            "" => None,
            text => {
                let spec: QuantSpec = text.parse().map_err(|error| format!("{error}"))?;
                Some(Arithmetic::from_spec(&spec))
            }
        };
        Ok(Box::new(EqualitySaturation { options: eqsat, report: options.bool("report"), ask_model, planned }))
    },
};

struct EqualitySaturation {
    options: EqsatOptions,
    report: bool,
    /// Price operations with the hardware cost model (built per function, from its quantisation).
    ask_model: bool,
    /// The arithmetic to price a function that records no quantisation with.
    planned: Option<Arithmetic>,
}

impl Pass for EqualitySaturation {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        if function.has_attribute(crate::graph_to_dataflow::PIPELINE_ATTRIBUTE) {
            return Ok(());
        }
        let network = extract_network(function).map_err(|error| cx.error(&function, error.to_string()))?;
        let mut options = self.options.clone();
        // A quantised function computes on integer codes: only rewrites exact in that arithmetic may apply.
        options.quantized = function.has_attribute(crate::quantize::ATTRIBUTE);
        if self.ask_model {
            let arithmetic = match self.planned {
                Some(planned) if !options.quantized => planned,
                _ => Arithmetic::of(&function).map_err(|message| cx.error(&function, message))?,
            };
            options.cost = CostChoice::Custom(Arc::new(ModelCost::new(arithmetic)));
        }
        let outcome = optimize(&network, &options).map_err(|error| cx.error(&function, error.to_string()))?;
        if !matches!(outcome.stop_reason, StopReason::Saturated) {
            cx.warning(
                &function,
                format!("saturation stopped early ({}); the result is equivalent", outcome.stop_reason),
            );
        }
        if self.report {
            cx.remark(&function, outcome.summary().trim_end().to_string());
        }
        // The reference to the context lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        let rebuilt =
            emit_network(context, &outcome.network).map_err(|error| cx.error(&function, error.to_string()))?;
        let mut next = rebuilt.body().first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            if op_name(&op) != "func.func" {
                continue;
            }
            let (Ok(target), Ok(source)) = (function.region(0), op.region(0)) else { continue };
            // The function keeps its own operation (name, attributes, location); only its body is replaced.
            unsafe { mlir_sys::mlirRegionTakeBody(target.to_raw(), source.to_raw()) };
            sync_function_type(function);
            return Ok(());
        }
        Err(cx.error(&function, "the rebuilt network has no function"))
    }
}
