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
    /// List the built-in devices.
    Devices,
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
            eprintln!("{location}: error: {message}");
            ExitCode::FAILURE
        }
    }
}
