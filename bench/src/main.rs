//! `autows-bench`: performance figures of the compiler, as JSON. Every figure comes with the baseline it is
//! compared with, measured in the same run on the same machine, so ratios carry over between machines where
//! absolute times do not.

mod cost;
mod dse;
mod eqsat;
mod fusion;
mod import;
mod pipeline;
mod timing;

use clap::{Parser, Subcommand};
use std::{path::PathBuf, process::ExitCode};

#[derive(Parser, Debug)]
#[command(name = "autows-bench", about = "Benchmarks of the autows compiler; each writes a JSON file")]
struct Args {
    /// Folder the JSON files go to.
    #[arg(long = "out", default_value = "bench/results")]
    out: PathBuf,
    /// Seconds to spend on each timed loop.
    #[arg(long = "seconds", default_value_t = 3.0)]
    seconds: f64,
    #[command(subcommand)]
    benchmark: Benchmark,
}

#[derive(Subcommand, Debug)]
enum Benchmark {
    /// Full and incremental cost-model evaluations per second.
    Cost {
        /// A built-in model.
        #[arg(long = "model", default_value = "resnet50")]
        model: String,
        /// A built-in device.
        #[arg(long = "device", default_value = "zcu102")]
        device: String,
    },
    /// ONNX import and shape inference: time and peak memory against reading the file.
    Import {
        /// Built-in models to export to ONNX and import back.
        #[arg(long = "model", default_values_t = ["resnet50".to_string(), "vgg16".to_string()])]
        models: Vec<String>,
    },
    /// The design-space search against AutoWS's greedy and vanilla, per model and device.
    Dse {
        /// Built-in models.
        #[arg(long = "model", default_values_t = ["resnet18".to_string(), "resnet50".to_string(), "mobilenetv2".to_string(), "vgg16".to_string()])]
        models: Vec<String>,
        /// Built-in devices.
        #[arg(long = "device", default_values_t = ["zcu102".to_string(), "zc706".to_string(), "zcu104".to_string(), "u250".to_string()])]
        devices: Vec<String>,
    },
    /// Equality saturation: time, e-graph size and compute nodes before and after.
    Eqsat {
        /// Built-in models.
        #[arg(long = "model", default_values_t = ["resnet50".to_string(), "mobilenetv2".to_string()])]
        models: Vec<String>,
    },
    /// Layer fusion: engines, streams and the searched design with and without `graph-fuse`.
    Fusion {
        /// Built-in models.
        #[arg(long = "model", default_values_t = ["resnet18".to_string(), "resnet50".to_string(), "mobilenetv2".to_string(), "vgg16".to_string()])]
        models: Vec<String>,
        /// A built-in device.
        #[arg(long = "device", default_value = "zcu102")]
        device: String,
    },
    /// One measured step in a fresh process (used by `import`).
    #[command(hide = true)]
    MeasureOnce {
        /// `read` or `import`.
        step: String,
        /// The file.
        path: String,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (name, result) = match &args.benchmark {
        Benchmark::Cost { model, device } => (format!("cost-{model}"), cost::run(model, device, args.seconds)),
        Benchmark::Dse { models, devices } => ("dse".to_string(), dse::run(models, devices)),
        Benchmark::Eqsat { models } => ("eqsat".to_string(), eqsat::run(models)),
        Benchmark::Fusion { models, device } => ("fusion".to_string(), fusion::run(models, device)),
        Benchmark::Import { models } => ("onnx-import".to_string(), import::run(models, &args.out.join("models"))),
        Benchmark::MeasureOnce { step, path } => {
            return match import::measure_once(step, path) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("autows-bench: error: {message}");
                    ExitCode::FAILURE
                }
            };
        }
    };
    let report = match result {
        Ok(report) => report,
        Err(message) => {
            eprintln!("autows-bench: error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let text = serde_json::to_string_pretty(&report).unwrap_or_default() + "\n";
    let path = args.out.join(format!("{name}.json"));
    if let Err(error) = std::fs::create_dir_all(&args.out).and_then(|()| std::fs::write(&path, &text)) {
        eprintln!("autows-bench: error: cannot write {}: {error}", path.display());
        return ExitCode::FAILURE;
    }
    print!("{text}");
    eprintln!("wrote {}", path.display());
    ExitCode::SUCCESS
}
