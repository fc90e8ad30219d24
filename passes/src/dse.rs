//! `autows-dse`: chooses every engine's parallelism and how much of its weights stream from DRAM.

use crate::device_options::{self, DEVICE, DEVICE_FILE};
use crate::{dataflow_model::extract, graph_to_dataflow::PIPELINE_ATTRIBUTE, set_parallelism::legalize_lanes};
use autows_cost::{Fidelity, FpgaConvNetModel, LayerKind};
use autows_device::Device;
use autows_dse::{search, Algorithm, DseError, DseOptions, DseResult, Objective};
use autows_ir::{
    attributes::{bool_attr, float_attr, int_attr, named, string_attr},
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
};
use melior::{
    ir::{
        attribute::DictionaryAttribute,
        operation::{OperationLike, OperationMutLike, OperationRefMut},
        OperationRef,
    },
    Context,
};
use std::{collections::HashMap, time::Duration};

/// The function attribute with the search's summary.
pub const SUMMARY: &str = "dse";

/// The function attribute with the search's explanation, as JSON (for reports).
pub const EXPLANATION: &str = "dse_explanation";

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "autows-dse",
        summary: "Choose each engine's parallelism and streamed weights for a device (the AutoWS design-space search)",
        description: "Searches, for every engine of each `dataflow.pipeline` function, the parallelism (coarse_in, \
                      coarse_out, coarse_group, fine, coarse) and how many weight-memory blocks stream from DRAM, to \
                      maximise throughput (or minimise latency) within the device's DSP, BRAM, URAM, LUT, FF and DRAM \
                      bandwidth, in fpgaConvNet's cost model. `dse=default` is a bisection on the target interval \
                      with the cheapest configuration per engine, weight memories moved to URAM where the device has \
                      it and BRAM runs short (most BRAM freed per URAM block first), bandwidth-aware streaming of \
                      the rest and local improvement; \
                      `dse=autows-greedy` re-implements AutoWS's own greedy as a baseline. The answer is written onto \
                      the engines (streams get the matching lanes, with squeezes between neighbours that differ), \
                      summarised in the function's `dse` attribute, and explained in `dse_explanation` (binding \
                      resource, critical engines, what is streamed and why); `explain` also prints it as a remark. \
                      When nothing fits, the error names the binding resource and the shortfall; `partial` keeps the \
                      closest design instead, with a warning.",
        anchor: Some("func.func"),
        options: &[
            DEVICE,
            DEVICE_FILE,
            OptionInfo {
                name: "dse",
                kind: OptionKind::Enum(&["default", "autows-greedy"]),
                default: "default",
                help: "the search",
            },
            OptionInfo {
                name: "objective",
                kind: OptionKind::Enum(&["throughput", "latency"]),
                default: "throughput",
                help: "what to optimise",
            },
            OptionInfo {
                name: "streaming",
                kind: OptionKind::Bool,
                default: "true",
                help: "let weights stream from DRAM (false: vanilla fpgaConvNet)",
            },
            OptionInfo {
                name: "uram",
                kind: OptionKind::Bool,
                default: "true",
                help: "let weight memories move to URAM when BRAM runs short (devices with URAM)",
            },
            OptionInfo {
                name: "mode",
                kind: OptionKind::Enum(&["fpgaconvnet", "strict"]),
                default: "fpgaconvnet",
                help: "the cost model",
            },
            OptionInfo { name: "time-limit", kind: OptionKind::Float, default: "0", help: "seconds (0: no limit)" },
            OptionInfo { name: "seed", kind: OptionKind::UInt, default: "0", help: "seed of the search" },
            OptionInfo {
                name: "partial",
                kind: OptionKind::Bool,
                default: "false",
                help: "keep the closest design when nothing fits",
            },
            OptionInfo { name: "explain", kind: OptionKind::Bool, default: "false", help: "print the explanation" },
        ],
    },
    create: |options: &PassOptions| {
        let device = device_options::device(options)?;
        let model = match options.string("mode").parse::<Fidelity>() {
            Ok(Fidelity::Strict) => FpgaConvNetModel::strict(),
            _ => FpgaConvNetModel::fpgaconvnet(),
        };
        let limit = options.float("time-limit");
        let search_options = DseOptions {
            algorithm: Algorithm::from_name(options.string("dse")).unwrap_or_default(),
            objective: if options.string("objective") == "latency" {
                Objective::Latency
            } else {
                Objective::Throughput
            },
            weight_streaming: options.bool("streaming"),
            uram: options.bool("uram"),
            time_limit: (limit > 0.0).then(|| Duration::from_secs_f64(limit)),
            seed: options.int("seed") as u64,
            return_partial: options.bool("partial"),
            threads: None,
        };
        Ok(Box::new(DesignSpaceSearch { device, model, options: search_options, explain: options.bool("explain") }))
    },
};

struct DesignSpaceSearch {
    device: Device,
    model: FpgaConvNetModel,
    options: DseOptions,
    explain: bool,
}

/// Writes a layer's chosen parallelism and streaming onto its engine.
fn apply(context: &Context, engine: OperationRef, kind: &LayerKind) {
    let mut engine = unsafe { OperationRefMut::from_raw(engine.to_raw()) };
    let mut set = |name: &str, value: u32| engine.set_attribute(name, int_attr(context, i64::from(value)));
    match kind {
        LayerKind::Convolution(conv) => {
            let p = conv.parallelism;
            set("coarse_in", p.coarse_in);
            set("coarse_out", p.coarse_out);
            set("coarse_group", p.coarse_group);
            set("fine", p.fine);
            set(crate::dataflow_model::STREAM_WEIGHTS, conv.streaming.stream_weights);
        }
        LayerKind::InnerProduct(fc) => {
            set("coarse_in", fc.parallelism.coarse_in);
            set("coarse_out", fc.parallelism.coarse_out);
            set(crate::dataflow_model::STREAM_WEIGHTS, fc.streaming.stream_weights);
        }
        LayerKind::Pooling(layer) => set("coarse", layer.coarse),
        LayerKind::Activation(layer) => set("coarse", layer.coarse),
        LayerKind::EltWise(layer) => set("coarse", layer.coarse),
        LayerKind::GlobalPooling(layer) => set("coarse", layer.coarse),
        LayerKind::Split(layer) => set("coarse", layer.coarse),
        LayerKind::Concat(layer) => set("coarse", layer.coarse),
        LayerKind::Squeeze(_) => {}
    }
    if let Some(streaming) = kind.streaming() {
        engine.set_attribute(crate::dataflow_model::USE_URAM, bool_attr(context, streaming.use_uram));
    }
}

fn summary<'c>(context: &'c Context, result: &DseResult, device: &Device) -> melior::ir::Attribute<'c> {
    let c = context;
    let explanation = &result.explanation;
    let entries = vec![
        named(c, "algorithm", string_attr(c, result.stats.algorithm.name())),
        named(c, "device", string_attr(c, &device.name)),
        named(c, "throughput_fps", float_attr(c, explanation.throughput_fps)),
        named(c, "latency_ms", float_attr(c, explanation.latency_ms)),
        named(c, "cycles", int_attr(c, explanation.cycles as i64)),
        named(c, "feasible", bool_attr(c, explanation.feasible)),
        named(c, "binding", string_attr(c, &explanation.binding_resource)),
        named(c, "streamed_engines", int_attr(c, explanation.streamed.len() as i64)),
        named(c, "evaluations", int_attr(c, result.stats.evaluations as i64)),
    ];
    DictionaryAttribute::new(c, &entries).into()
}

impl Pass for DesignSpaceSearch {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        if !function.has_attribute(PIPELINE_ATTRIBUTE) {
            return Ok(());
        }
        let extracted = extract(function).map_err(|(op, message)| cx.error(&op, message))?;
        let result = match search(&extracted.pipeline, &self.device, &self.model, &self.options) {
            Ok(result) => result,
            Err(DseError::Infeasible { resource, detail, shortfall, partial }) => match partial {
                Some(partial) => {
                    cx.warning(
                        &function,
                        format!(
                            "no design fits {}; keeping the closest one. {resource}: {detail}: {shortfall} short",
                            self.device.name
                        ),
                    );
                    *partial
                }
                None => {
                    return Err(cx.error(
                        &function,
                        format!("no design fits {}: {resource}: {detail}: {shortfall} short", self.device.name),
                    ))
                }
            },
            Err(error) => return Err(cx.error(&function, format!("the search failed: {error}"))),
        };
        let engines: HashMap<&str, OperationRef> = extracted
            .pipeline
            .layers()
            .iter()
            .zip(&extracted.engines)
            .map(|(layer, engine)| (layer.name.as_str(), *engine))
            .collect();
        // The reference to the context lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        for layer in result.pipeline.layers() {
            if let Some(engine) = engines.get(layer.name.as_str()) {
                apply(context, *engine, &layer.kind);
            }
        }
        legalize_lanes(function, cx)?;
        let mut function_mut = unsafe { OperationRefMut::from_raw(function.to_raw()) };
        function_mut.set_attribute(SUMMARY, summary(context, &result, &self.device));
        let explanation = serde_json::to_string(&result.explanation).unwrap_or_default();
        function_mut.set_attribute(EXPLANATION, string_attr(context, &explanation));
        if self.explain {
            cx.remark(&function, result.explanation.to_string());
        }
        Ok(())
    }
}
