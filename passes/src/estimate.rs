//! `autows-estimate`: the cost model's figures for every engine and for the whole pipeline.

use crate::dataflow_model::extract;
use crate::device_options::{self, DEVICE, DEVICE_FILE};
use autows_cost::{CostModel, Fidelity, FpgaConvNetModel, LayerCost, PipelineCost, Resource};
use autows_device::Device;
use autows_ir::{
    attributes::{bool_attr, float_attr, int_attr, named, string_attr},
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
};
use melior::{
    ir::{
        attribute::DictionaryAttribute,
        operation::{OperationLike, OperationMutLike, OperationRefMut},
        Attribute, Identifier, OperationRef,
    },
    Context,
};
use std::fmt::Write;

/// The attribute the figures are attached under, on each engine and on the pipeline function.
pub const ATTRIBUTE: &str = "cost";

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "autows-estimate",
        summary: "Attach the cost model's figures to every engine and pipeline, and optionally print a table",
        description: "Evaluates each `dataflow.pipeline` function with fpgaConvNet's performance and resource \
                      model (as AutoWS uses it) against a device, and attaches `cost` dictionaries: per engine its \
                      interval (cycles per frame), pipeline depth, LUT, FF, DSP, BRAM18 and URAM; per pipeline its \
                      interval, slow-down from DRAM bandwidth, cycles, latency, throughput, weight bandwidth, \
                      resource totals (BRAM18 also after fpgaConvNet's LUTRAM rule), feasibility and binding \
                      resource. The arithmetic widths come from `graph.quantization` (16-bit fixed point when the \
                      network is not quantised). `mode=fpgaconvnet` reproduces fpgaConvNet bit for bit; \
                      `mode=strict` corrects its quirks.",
        anchor: Some("func.func"),
        options: &[
            DEVICE,
            DEVICE_FILE,
            OptionInfo {
                name: "mode",
                kind: OptionKind::Enum(&["fpgaconvnet", "strict"]),
                default: "fpgaconvnet",
                help: "reproduce fpgaConvNet, or correct its quirks",
            },
            OptionInfo { name: "table", kind: OptionKind::Bool, default: "false", help: "print a table to stderr" },
        ],
    },
    create: |options: &PassOptions| {
        let device = device_options::device(options)?;
        let fidelity: Fidelity = options.string("mode").parse().map_err(|_| "unknown mode".to_string())?;
        Ok(Box::new(Estimate {
            device,
            model: match fidelity {
                Fidelity::FpgaConvNet => FpgaConvNetModel::fpgaconvnet(),
                Fidelity::Strict => FpgaConvNetModel::strict(),
            },
            table: options.bool("table"),
        }))
    },
};

struct Estimate {
    device: Device,
    model: FpgaConvNetModel,
    table: bool,
}

/// A float attribute; negative zero (an empty sum of negatives) prints as zero.
fn number(context: &Context, value: f64) -> Attribute<'_> {
    float_attr(context, value + 0.0)
}

fn dictionary<'c>(context: &'c Context, entries: Vec<(Identifier<'c>, Attribute<'c>)>) -> Attribute<'c> {
    DictionaryAttribute::new(context, &entries).into()
}

fn engine_attribute<'c>(context: &'c Context, cost: &LayerCost) -> Attribute<'c> {
    let c = context;
    dictionary(
        c,
        vec![
            named(c, "interval", number(c, cost.interval)),
            named(c, "pipeline_depth", int_attr(c, cost.pipeline_depth as i64)),
            named(c, "lut", int_attr(c, cost.resources.lut as i64)),
            named(c, "ff", int_attr(c, cost.resources.ff as i64)),
            named(c, "dsp", number(c, cost.resources.dsp)),
            named(c, "bram18", int_attr(c, i64::from(cost.resources.bram.0))),
            named(c, "uram", int_attr(c, i64::from(cost.resources.uram.0))),
        ],
    )
}

fn pipeline_attribute<'c>(context: &'c Context, cost: &PipelineCost, device: &Device) -> Attribute<'c> {
    let c = context;
    let feasibility = &cost.feasibility;
    dictionary(
        c,
        vec![
            named(c, "device", string_attr(c, &device.name)),
            named(c, "interval", number(c, cost.interval)),
            named(c, "slowdown", number(c, cost.slowdown)),
            named(c, "cycles", int_attr(c, cost.cycles as i64)),
            named(c, "latency_s", number(c, cost.latency_s)),
            named(c, "throughput_fps", number(c, cost.throughput_fps)),
            named(c, "weight_bandwidth_gbps", number(c, cost.bandwidth.weight_gbps)),
            named(c, "lut", int_attr(c, cost.resources.lut as i64)),
            named(c, "ff", int_attr(c, cost.resources.ff as i64)),
            named(c, "dsp", number(c, cost.resources.dsp)),
            named(c, "bram18", int_attr(c, i64::from(cost.resources.bram.0))),
            named(c, "bram18_effective", int_attr(c, i64::from(feasibility.effective_bram.0))),
            named(c, "uram", int_attr(c, i64::from(cost.resources.uram.0))),
            named(c, "feasible", bool_attr(c, feasibility.is_feasible())),
            named(c, "binding", string_attr(c, feasibility.binding_resource().name())),
        ],
    )
}

/// The table printed with `table=true`.
fn table(names: &[String], costs: &[LayerCost], total: &PipelineCost, device: &Device) -> String {
    let mut out = String::new();
    let width = names.iter().map(String::len).max().unwrap_or(5).max(5);
    let _ = writeln!(
        out,
        "{:<width$} {:>12} {:>8} {:>8} {:>8} {:>8} {:>6}",
        "layer", "interval", "depth", "LUT", "FF", "DSP", "BRAM18"
    );
    for (name, cost) in names.iter().zip(costs) {
        let _ = writeln!(
            out,
            "{name:<width$} {:>12.0} {:>8} {:>8} {:>8} {:>8} {:>6}",
            cost.interval,
            cost.pipeline_depth,
            cost.resources.lut,
            cost.resources.ff,
            cost.resources.dsp,
            cost.resources.bram.0
        );
    }
    let usage = |resource: Resource| {
        let usage = total.feasibility.usage_of(resource);
        format!("{} {:.0} of {:.0} ({:.1}%)", resource.name(), usage.used, usage.available, 100.0 * usage.utilisation())
    };
    let _ = writeln!(
        out,
        "pipeline on {}: interval {:.0} cycles x slow-down {:.4}, {} cycles, {:.3} ms, {:.2} FPS",
        device.name,
        total.interval,
        total.slowdown,
        total.cycles,
        total.latency_s * 1e3,
        total.throughput_fps
    );
    let resources = [Resource::Lut, Resource::Ff, Resource::Dsp, Resource::Bram, Resource::Uram, Resource::Bandwidth];
    let _ = writeln!(out, "  {}", resources.map(usage).join(", "));
    let verdict = if total.feasibility.is_feasible() { "fits" } else { "does not fit" };
    let _ = writeln!(out, "  {verdict}; binding resource: {}", total.feasibility.binding_resource().name());
    out
}

impl Pass for Estimate {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        if !function.has_attribute(crate::graph_to_dataflow::PIPELINE_ATTRIBUTE) {
            return Ok(());
        }
        let extracted = extract(function).map_err(|(op, message)| cx.error(&op, message))?;
        let evaluation = self
            .model
            .evaluate(&extracted.pipeline, &self.device)
            .map_err(|error| cx.error(&function, format!("the cost model refused the pipeline: {error}")))?;
        // The reference lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        for (engine, cost) in extracted.engines.iter().zip(&evaluation.layers) {
            let mut engine = unsafe { OperationRefMut::from_raw(engine.to_raw()) };
            engine.set_attribute(ATTRIBUTE, engine_attribute(context, cost));
        }
        let mut function_mut = unsafe { OperationRefMut::from_raw(function.to_raw()) };
        function_mut.set_attribute(ATTRIBUTE, pipeline_attribute(context, &evaluation.pipeline, &self.device));
        if self.table {
            let names: Vec<String> = extracted.pipeline.layers().iter().map(|layer| layer.name.clone()).collect();
            eprint!("{}", table(&names, &evaluation.layers, &evaluation.pipeline, &self.device));
        }
        Ok(())
    }
}
