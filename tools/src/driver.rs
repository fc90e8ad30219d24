//! `autows`: the end-to-end driver.

use crate::output::write_output;
use autows_cost::{evaluate_design, read_config_file, report_json, Fidelity, FpgaConvNetModel, ReportMetadata};
use autows_device::Device;
use clap::{Args, Parser, Subcommand};
use std::process::ExitCode;

/// Command line of `autows`.
#[derive(Parser, Debug)]
#[command(
    name = "autows",
    version,
    about = "The AutoWS compiler: CNNs to layer-wise pipelined FPGA accelerators with weight streaming"
)]
pub struct DriverArgs {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate a design given in fpgaConvNet's config.json schema and write fpgaConvNet's report.json schema.
    Estimate(EstimateArgs),
    /// Compile a network (an ONNX file or a built-in model) into an accelerator design, writing every level and
    /// the reports to OUT/.
    Compile(CompileArgs),
    /// List the built-in devices.
    Devices,
}

#[derive(Args, Debug)]
struct CompileArgs {
    /// The network, as an ONNX file.
    input: Option<String>,
    /// A built-in model instead of a file (see `autows-translate --list-models`).
    #[arg(long = "model", value_name = "NAME", conflicts_with = "input")]
    model: Option<String>,
    #[command(flatten)]
    device: DeviceChoice,
    /// The quantisation: w<weight bits>a<activation bits>[p<binary point>][-bfp|-fixed].
    #[arg(long = "quant", default_value = "w4a5")]
    quant: String,
    /// The search: our default, or AutoWS's own greedy as a baseline.
    #[arg(long = "dse", default_value = "default", value_parser = ["default", "autows-greedy"])]
    dse: String,
    /// What to optimise.
    #[arg(long = "objective", default_value = "throughput", value_parser = ["throughput", "latency"])]
    objective: String,
    /// Fuse each convolution with the residual add, activation and pooling after it (and a gemm with its
    /// activation) into one engine (graph-fuse).
    #[arg(long = "fuse")]
    fuse: bool,
    /// Simplify the graph by equality saturation first (graph-eqsat: scales, biases and pads into convolutions,
    /// identities and transpose pairs out, ...), choosing what the hardware cost model prices lowest.
    #[arg(long = "eqsat")]
    eqsat: bool,
    /// Keep every weight on chip (vanilla fpgaConvNet) instead of streaming part of them.
    #[arg(long = "no-streaming")]
    no_streaming: bool,
    /// Keep weights out of URAM (on devices that have it) even when BRAM runs short.
    #[arg(long = "no-uram")]
    no_uram: bool,
    /// Seconds the search may take (0: no limit). A limit that cuts the search short makes the result depend on
    /// the machine's speed; without one the same input gives the same design.
    #[arg(long = "time-limit", default_value_t = 0.0)]
    time_limit: f64,
    /// Seed of the search's random choices.
    #[arg(long = "seed", default_value_t = 0)]
    seed: u64,
    /// When nothing fits, write the best partial design instead of failing.
    #[arg(long = "partial")]
    partial: bool,
    /// The output folder.
    #[arg(short = 'o', value_name = "OUT")]
    output: String,
    /// No progress messages.
    #[arg(long = "quiet")]
    quiet: bool,
}

fn compile(args: &CompileArgs) -> Result<(), (String, String)> {
    let tool = |message: String| ("autows".to_string(), message);
    args.quant.parse::<autows_interp::QuantSpec>().map_err(|error| tool(error.to_string()))?;
    let device = args.device.load().map_err(tool)?;
    let device_option = match &args.device.device_file {
        Some(path) => format!("device-file={path}"),
        None => format!("device={}", args.device.device),
    };
    let network = match (&args.model, &args.input) {
        (Some(name), _) => autows_zoo::build(name).map_err(|error| (name.clone(), error.to_string()))?,
        (None, Some(path)) => autows_onnx::import_file(path).map_err(|error| {
            let location = error.node().unwrap_or(path).to_string();
            (location, error.to_string())
        })?,
        (None, None) => return Err(tool("give an ONNX file or --model NAME".into())),
    };
    let search_options = format!(
        "dse={} objective={} streaming={} uram={} time-limit={} seed={} partial={}",
        args.dse, args.objective, !args.no_streaming, !args.no_uram, args.time_limit, args.seed, args.partial
    );
    let request = crate::compile::CompileRequest {
        network,
        device,
        device_option,
        quantization: args.quant.clone(),
        fuse: args.fuse,
        eqsat: args.eqsat,
        search_options,
        output: args.output.clone().into(),
        progress: !args.quiet,
    };
    let summary = crate::compile::compile(&request).map_err(|message| (String::new(), message))?;
    eprintln!("{summary}");
    eprintln!("wrote {}/{{graph,dataflow,memory}}.mlir, report.json, config.json, report.html", args.output);
    Ok(())
}

/// Where the target device comes from.
#[derive(Args, Debug)]
struct DeviceChoice {
    /// A built-in device (see `autows devices`).
    #[arg(long = "device", default_value = "zcu102")]
    device: String,
    /// A device description in JSON, for a board of your own (overrides --device).
    #[arg(long = "device-file", value_name = "FILE")]
    device_file: Option<String>,
}

impl DeviceChoice {
    fn load(&self) -> Result<Device, String> {
        match &self.device_file {
            Some(path) => Device::from_json_file(path),
            None => Device::builtin(&self.device),
        }
        .map_err(|error| error.to_string())
    }
}

#[derive(Args, Debug)]
struct EstimateArgs {
    /// The design, in fpgaConvNet's config.json schema.
    #[arg(long = "fpgaconvnet-config", value_name = "CONFIG.json")]
    config: String,
    #[command(flatten)]
    device: DeviceChoice,
    /// fpgaconvnet reproduces fpgaConvNet bit for bit; strict corrects its quirks.
    #[arg(long = "mode", default_value = "fpgaconvnet", value_parser = ["fpgaconvnet", "strict"])]
    mode: String,
    /// Where the report goes ('-' is standard output).
    #[arg(short = 'o', default_value = "-")]
    output: String,
}

fn estimate(args: &EstimateArgs) -> Result<(), (String, String)> {
    let device = args.device.load().map_err(|message| ("autows".to_string(), message))?;
    let at_config = |message: String| (args.config.clone(), message);
    let design = read_config_file(&args.config).map_err(|error| at_config(error.to_string()))?;
    let fidelity: Fidelity = args.mode.parse().map_err(|_| at_config(format!("unknown mode '{}'", args.mode)))?;
    let model = match fidelity {
        Fidelity::FpgaConvNet => FpgaConvNetModel::fpgaconvnet(),
        Fidelity::Strict => FpgaConvNetModel::strict(),
    };
    let cost = evaluate_design(&model, &design, &device).map_err(|error| at_config(error.to_string()))?;
    let name = std::path::Path::new(&args.config)
        .parent()
        .and_then(|folder| folder.file_name())
        .map_or_else(|| "design".to_string(), |name| name.to_string_lossy().into_owned());
    // No wall-clock date: the same design gives the same report, byte for byte.
    let metadata = ReportMetadata { name, date_created: String::new() };
    let mut report =
        report_json(&design, &cost, &device, fidelity.name(), &metadata).map_err(|e| at_config(e.to_string()))?;
    report.push('\n');
    write_output(&args.output, report.as_bytes()).map_err(|message| ("autows".to_string(), message))?;
    let verdict = if cost.is_feasible() { "fits" } else { "does not fit" };
    eprintln!(
        "{}: {} cycles, {:.6} ms, {:.2} FPS on {}; {verdict}",
        args.config,
        cost.cycles,
        cost.latency_s * 1e3,
        cost.throughput_fps,
        device.name
    );
    Ok(())
}

/// Runs `autows` with `args` (without the program name).
pub fn main_with_args(args: Vec<String>) -> ExitCode {
    let args = match DriverArgs::try_parse_from(std::iter::once("autows".to_string()).chain(args)) {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
        }
    };
    let result = match &args.command {
        Command::Estimate(estimate_args) => estimate(estimate_args),
        Command::Compile(compile_args) => compile(compile_args),
        Command::Devices => {
            for name in autows_device::builtin_names() {
                if let Ok(device) = Device::builtin(name) {
                    let r = &device.resources;
                    println!(
                        "{name:<12} {:<22} DSP {:>5}  BRAM18 {:>5}  URAM {:>4}  LUT {:>8}  FF {:>8}  {:>4} MHz  {:>6.1} Gb/s",
                        device.part.as_deref().unwrap_or("-"),
                        r.dsp, r.bram.0, r.uram.0, r.lut, r.ff, device.clock_mhz, device.memory_bandwidth_gbps
                    );
                }
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((location, message)) => {
            // Diagnostics from the passes arrive rendered, with their own locations.
            if location.is_empty() {
                eprintln!("{message}");
            } else {
                eprintln!("{location}: error: {message}");
            }
            ExitCode::FAILURE
        }
    }
}
