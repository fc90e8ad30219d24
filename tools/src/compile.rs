//! `autows compile`: a network to a pipelined accelerator design, every level written out.
//!
//! The stages are pass pipelines over one module, printed after each level: `graph.mlir` (batch
//! normalisation folded, shapes inferred, quantisation recorded), `dataflow.mlir` (one engine per layer with the
//! searched parallelism and streaming), `memory.mlir` (explicit weight memories). The reports come from the
//! last level: `report.json` in fpgaConvNet's schema with ours beside it, `config.json` in fpgaConvNet's config
//! schema (which `autows estimate --fpgaconvnet-config` and fpgaConvNet's tools read back), and `report.html`.
//! Everything is written to a folder beside OUT and renamed into place at the end, so a failure leaves no
//! half-written OUT.

use crate::output::write_output;
use autows_cost::{CostModel, Design, FpgaConvNetModel, LayerKind, Partition, ReportMetadata, Resource};
use autows_device::Device;
use autows_frontend::emit_network;
use autows_ir::{pass::Pipeline, rewrite::op_name, IrContext};
use autows_network::Network;
use autows_report::{EngineRow, ReportPage, ResourceRow};
use melior::{
    ir::{block::BlockLike, operation::OperationLike, operation::OperationPrintingFlags, Module, OperationRef},
    pass::PassManager,
};
use std::path::{Path, PathBuf};

/// What to compile and how.
pub struct CompileRequest {
    /// The network.
    pub network: Network,
    /// The target device's name (as given) and description.
    pub device: Device,
    /// The device as the passes take it: a built-in name, or `device-file=PATH`.
    pub device_option: String,
    /// The quantisation, `wXaY`.
    pub quantization: String,
    /// Fuse residual adds, activations and pooling into the convolutions (and activations into the gemms)
    /// before them.
    pub fuse: bool,
    /// Simplify the graph by equality saturation before quantising.
    pub eqsat: bool,
    /// The search's pass options (`dse=... objective=... streaming=...`).
    pub search_options: String,
    /// Where the results go.
    pub output: PathBuf,
    /// Report progress on standard error.
    pub progress: bool,
}

/// One stage: a name for progress messages, its pipeline, and the file its result is printed to.
struct Stage {
    what: &'static str,
    pipeline: String,
    file: &'static str,
}

fn stages(request: &CompileRequest) -> Vec<Stage> {
    let device = &request.device_option;
    vec![
        Stage {
            what: "graph: fold batch normalisation, infer shapes, quantise",
            pipeline: format!(
                "builtin.module(graph-fold-batchnorm,autows-dce,graph-infer-shapes,autows-cse,{}{}graph-quantize{{spec={}}})",
                if request.eqsat { format!("graph-eqsat{{spec={}}},autows-dce,", request.quantization) } else { String::new() },
                if request.fuse { "graph-fuse," } else { "" },
                request.quantization
            ),
            file: "graph.mlir",
        },
        Stage {
            what: "dataflow: one engine per layer, search parallelism and streaming",
            pipeline: format!(
                "builtin.module(convert-graph-to-dataflow,autows-dse{{{device} {}}},dataflow-size-fifos)",
                request.search_options
            ),
            file: "dataflow.mlir",
        },
        Stage {
            what: "memory: weight memories on chip and in DRAM",
            pipeline: format!("builtin.module(convert-dataflow-to-memory{{{device}}},autows-estimate{{{device}}})"),
            file: "memory.mlir",
        },
    ]
}

fn print(module: &Module) -> Result<String, String> {
    let flags = OperationPrintingFlags::new().enable_debug_info(true, false);
    module.as_operation().to_string_with_flags(flags).map(|text| text + "\n").map_err(|error| error.to_string())
}

fn first_function<'c, 'a>(module: &'a Module<'c>) -> Option<OperationRef<'c, 'a>> {
    let mut next = module.body().first_operation();
    while let Some(op) = next {
        if op_name(&op) == "func.func" {
            return Some(op);
        }
        next = op.next_in_block();
    }
    None
}

/// Runs the whole flow; returns the summary line printed at the end, or the diagnostics of the failure.
pub fn compile(request: &CompileRequest) -> Result<String, String> {
    let staging = staging_folder(&request.output)?;
    let result = compile_into(request, &staging);
    match result {
        Ok(summary) => {
            if request.output.exists() {
                std::fs::remove_dir_all(&request.output)
                    .map_err(|error| format!("cannot replace '{}': {error}", request.output.display()))?;
            }
            std::fs::rename(&staging, &request.output)
                .map_err(|error| format!("cannot move the results to '{}': {error}", request.output.display()))?;
            Ok(summary)
        }
        Err(message) => {
            let _ = std::fs::remove_dir_all(&staging);
            Err(message)
        }
    }
}

fn staging_folder(output: &Path) -> Result<PathBuf, String> {
    let parent = output.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = output.file_name().ok_or_else(|| format!("'{}' names no folder", output.display()))?;
    let staging = parent.join(format!(".{}.{}.partial", name.to_string_lossy(), std::process::id()));
    std::fs::create_dir_all(&staging).map_err(|error| format!("cannot create '{}': {error}", staging.display()))?;
    Ok(staging)
}

fn compile_into(request: &CompileRequest, folder: &Path) -> Result<String, String> {
    let ir = IrContext::new();
    let registry = autows_passes::registry();
    let mut module = emit_network(ir.context(), &request.network).map_err(|error| error.to_string())?;
    let stages = stages(request);
    let progress = Progress::new(request.progress, stages.len() + 1);
    for stage in &stages {
        progress.step(stage.what);
        let manager = PassManager::new(ir.context());
        Pipeline::parse(&stage.pipeline)
            .and_then(|pipeline| pipeline.add_to(&manager, &registry, ir.sink()))
            .map_err(|error| error.render(&stage.pipeline))?;
        if manager.run(&mut module).is_err() {
            let rendered: Vec<String> = ir.sink().take().iter().map(|d| ir.sink().render(d)).collect();
            return Err(rendered.concat().trim_end().to_string());
        }
        for diagnostic in ir.sink().take() {
            if request.progress {
                eprint!("{}", ir.sink().render(&diagnostic));
            }
        }
        write_output(&folder.join(stage.file).display().to_string(), print(&module)?.as_bytes())?;
    }
    progress.step("reports");
    let function = first_function(&module).ok_or("the module has no function")?;
    let extracted = autows_passes::dataflow_model::extract(function).map_err(|(_, message)| message)?;
    let design = Design { partitions: vec![Partition { pipeline: extracted.pipeline, weights_reloading_layer: None }] };
    let model = FpgaConvNetModel::fpgaconvnet();
    let cost = autows_cost::evaluate_design(&model, &design, &request.device).map_err(|error| error.to_string())?;
    let metadata = ReportMetadata { name: request.network.name.clone(), date_created: String::new() };
    let mut report = autows_cost::report_json(&design, &cost, &request.device, model.name(), &metadata)
        .map_err(|error| error.to_string())?;
    report.push('\n');
    write_output(&folder.join("report.json").display().to_string(), report.as_bytes())?;
    let mut config = autows_cost::write_config(&design).map_err(|error| error.to_string())?;
    config.push('\n');
    write_output(&folder.join("config.json").display().to_string(), config.as_bytes())?;
    let explanation = autows_ir::attributes::string(&function, autows_passes::dse::EXPLANATION).unwrap_or_default();
    let page = report_page(request, &design, &cost, explanation);
    write_output(&folder.join("report.html").display().to_string(), autows_report::render(&page).as_bytes())?;
    progress.finish();
    Ok(format!(
        "{} on {}: {:.2} FPS, {:.3} ms per frame, {} cycles; {}",
        request.network.name,
        request.device.name,
        cost.throughput_fps,
        cost.latency_s * 1e3,
        cost.cycles,
        if cost.is_feasible() { "fits" } else { "does not fit" }
    ))
}

fn report_page(
    request: &CompileRequest,
    design: &Design,
    cost: &autows_cost::DesignCost,
    explanation: String,
) -> ReportPage {
    let pipeline = &design.partitions[0].pipeline;
    let evaluation = &cost.partitions[0];
    let total = &evaluation.pipeline;
    let device = &request.device;
    let engines = pipeline
        .layers()
        .iter()
        .zip(&evaluation.layers)
        .map(|(layer, layer_cost)| EngineRow {
            name: layer.name.clone(),
            kind: layer.kind.type_name().to_string(),
            interval: layer_cost.interval,
            onchip_blocks: layer_cost.weight_memory.as_ref().map_or(0, |memory| memory.on_chip_blocks),
            streamed_blocks: layer_cost.weight_memory.as_ref().map_or(0, |memory| memory.stream_weights),
        })
        .collect();
    let all = [Resource::Lut, Resource::Ff, Resource::Dsp, Resource::Bram, Resource::Uram, Resource::Bandwidth];
    let resources = all
        .iter()
        .map(|&resource| {
            let usage = total.feasibility.usage_of(resource);
            ResourceRow { name: resource.name().to_string(), used: usage.used, available: usage.available }
        })
        .collect();
    let streamed_bits: f64 = evaluation
        .layers
        .iter()
        .zip(pipeline.layers())
        .filter(|(_, layer)| matches!(layer.kind, LayerKind::Convolution(_) | LayerKind::InnerProduct(_)))
        .map(|(layer_cost, layer)| {
            let per_sweep = layer_cost.weight_memory.as_ref().map_or(0.0, |m| m.off_chip_range * f64::from(m.width));
            // A convolution sweeps its weights once per pixel it computes (before any fused pooling).
            let sweeps = match &layer.kind {
                LayerKind::Convolution(conv) => conv.convolved(layer.input).unwrap_or(layer.output).pixels() as f64,
                _ => 1.0,
            };
            per_sweep * sweeps
        })
        .sum();
    let first = pipeline.layers().first();
    let last = pipeline.layers().last();
    let feature_bits = |words: u64| words as f64 * 8.0;
    let feature_map_bits =
        first.map_or(0.0, |l| feature_bits(l.input.words())) + last.map_or(0.0, |l| feature_bits(l.output.words()));
    let summary = vec![
        ("network".to_string(), request.network.name.clone()),
        ("device".to_string(), device.name.clone()),
        ("quantisation".to_string(), request.quantization.clone()),
        ("throughput".to_string(), format!("{:.2} frames/s", total.throughput_fps)),
        ("latency".to_string(), format!("{:.3} ms", total.latency_s * 1e3)),
        ("initiation interval".to_string(), format!("{:.0} cycles x slow-down {:.4}", total.interval, total.slowdown)),
        ("weight bandwidth".to_string(), format!("{:.2} Gb/s", total.bandwidth.weight_gbps)),
        ("fits".to_string(), if total.feasibility.is_feasible() { "yes".into() } else { "no".into() }),
        ("binding resource".to_string(), total.feasibility.binding_resource().name().to_string()),
    ];
    ReportPage {
        title: format!("{} on {}", request.network.name, device.name),
        summary,
        explanation,
        interval: total.interval,
        engines,
        resources,
        operations_per_frame: total.operations as f64,
        dram_bytes_per_frame: (streamed_bits + feature_map_bits) / 8.0,
        throughput_fps: total.throughput_fps,
        peak_operations_per_s: 2.0 * f64::from(device.resources.dsp) * device.clock_hz(),
        dram_bytes_per_s: device.memory_bandwidth_gbps * 1e9 / 8.0,
    }
}

/// Progress on standard error: a bar on a terminal, one line per step otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new(enabled: bool, steps: usize) -> Self {
        let bar = enabled.then(|| {
            let bar = indicatif::ProgressBar::new(steps as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
                bar.set_style(style);
            }
            bar
        });
        Self { bar }
    }

    fn step(&self, what: &str) {
        if let Some(bar) = &self.bar {
            if bar.is_hidden() {
                eprintln!("[{}/{}] {what}", bar.position() + 1, bar.length().unwrap_or(0));
            }
            bar.set_message(what.to_string());
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
