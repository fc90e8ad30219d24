//! ONNX import with shape inference: time and peak memory against reading the file's bytes, on exported zoo
//! models (ResNet-50 is about 100 MB, VGG-16 about 550 MB).

use autows_network::WeightLoader;
use autows_onnx::{export_file, import_file, ExportOptions};
use serde_json::{json, Value};
use std::{path::Path, process::Command, time::Instant};

/// The peak resident memory of this process so far, in bytes (Linux's `VmHWM`).
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// Runs in a fresh process: reads or imports `path` once and prints `seconds peak_bytes`, so that peak memory
/// is this one step's.
pub fn measure_once(step: &str, path: &str) -> Result<(), String> {
    let start = Instant::now();
    match step {
        "read" => {
            let bytes = std::fs::read(path).map_err(|error| error.to_string())?;
            std::hint::black_box(bytes.len());
        }
        "import" => {
            let network = import_file(path).map_err(|error| error.to_string())?;
            std::hint::black_box(network.nodes.len());
        }
        other => return Err(format!("unknown step '{other}'")),
    }
    let seconds = start.elapsed().as_secs_f64();
    println!("{seconds} {}", peak_memory().unwrap_or(0));
    Ok(())
}

fn measure_in_child(step: &str, path: &Path) -> Result<(f64, u64), String> {
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    let output = Command::new(exe)
        .args(["measure-once", step, &path.display().to_string()])
        .output()
        .map_err(|error| error.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut fields = text.split_whitespace();
    let seconds = fields.next().and_then(|f| f.parse().ok()).ok_or("no time from the child")?;
    let peak = fields.next().and_then(|f| f.parse().ok()).ok_or("no memory from the child")?;
    Ok((seconds, peak))
}

/// The best of `runs` child runs (least noise from the other core's work).
fn best_of(runs: usize, step: &str, path: &Path) -> Result<(f64, u64), String> {
    let mut best: Option<(f64, u64)> = None;
    for _ in 0..runs {
        let (seconds, peak) = measure_in_child(step, path)?;
        best = Some(match best {
            Some((best_seconds, best_peak)) => (best_seconds.min(seconds), best_peak.min(peak)),
            None => (seconds, peak),
        });
    }
    best.ok_or_else(|| "no run".into())
}

/// Exports each model of `models` to `folder` (weights inside the file), then measures reading and importing it.
pub fn run(models: &[String], folder: &Path) -> Result<Value, String> {
    std::fs::create_dir_all(folder).map_err(|error| error.to_string())?;
    let loader = autows_zoo::ZooWeights::new();
    let mut rows = Vec::new();
    for model in models {
        let path = folder.join(format!("{model}.onnx"));
        if !path.exists() {
            let network = autows_zoo::build(model).map_err(|error| error.to_string())?;
            export_file(&path, &network, &loader as &dyn WeightLoader, &ExportOptions::default())
                .map_err(|error| error.to_string())?;
        }
        let bytes = std::fs::metadata(&path).map_err(|error| error.to_string())?.len();
        let (read_s, read_peak) = best_of(3, "read", &path)?;
        let (import_s, import_peak) = best_of(3, "import", &path)?;
        rows.push(json!({
            "model": model,
            "file_bytes": bytes,
            "read_s": read_s,
            "import_s": import_s,
            "import_over_read": import_s / read_s,
            "import_ns_per_byte": import_s * 1e9 / bytes as f64,
            "read_peak_bytes": read_peak,
            "import_peak_bytes": import_peak,
            "import_peak_over_file": import_peak as f64 / bytes as f64,
        }));
    }
    let per_byte: Vec<f64> = rows.iter().filter_map(|row| row["import_ns_per_byte"].as_f64()).collect();
    let spread =
        per_byte.iter().cloned().fold(0.0_f64, f64::max) / per_byte.iter().cloned().fold(f64::INFINITY, f64::min);
    Ok(json!({
        "benchmark": "onnx-import",
        "baseline": "reading the same file's bytes (std::fs::read), in a fresh process each",
        "models": rows,
        "largest_over_smallest_time_per_byte": spread,
    }))
}
