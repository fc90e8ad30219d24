//! The exporter holds one weight at a time: exporting VGG-16's 553 MB of weights to external data peaks at the
//! largest weight (the first classifier layer, 411 MB) plus a little, never at all the weights.
//!
//! A test binary of its own, so the process's peak memory is this test's. Ignored by default (it writes 553 MB);
//! run it with `cargo test --release -p autows-onnx --test export_memory -- --ignored --nocapture`. Linux only:
//! elsewhere it prints a notice and passes.

use autows_network::{Tensor, TensorData, WeightError, WeightLoader};
use autows_onnx::{export_file, ExportOptions, ExternalData};

/// Weights made up from their shapes, in one allocation each and never cached, so the memory the export
/// holds is the exporter's own.
struct Generated<'n>(&'n autows_network::Network);

impl WeightLoader for Generated<'_> {
    fn handles(&self, _source: &str) -> bool {
        true
    }

    fn load(&self, source: &str, key: &str, _checksum: &str) -> Result<Tensor, WeightError> {
        let node = self.0.nodes.iter().find(|node| node.name == key);
        let node = node.ok_or_else(|| WeightError::MissingKey { source_name: source.into(), key: key.into() })?;
        let ty = self.0.ty(node.output);
        // A mapped range has a known length, so the Arc is allocated once at its final size.
        let values = (0..ty.element_count()).map(|index| (index % 251) as f32 * 0.01).collect();
        Ok(Tensor { shape: ty.shape.clone(), data: TensorData::F32(values) })
    }
}

/// The process's peak resident memory in bytes, where Linux reports it.
fn peak_resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

#[test]
fn vgg16_exports_holding_one_weight_at_a_time() {
    if peak_resident().is_none() {
        eprintln!("notice: no /proc/self/status; the peak memory cannot be measured here");
        return;
    }
    // The layout only: no weight is drawn to build it.
    let network = autows_zoo::layout("vgg16").unwrap();
    let sizes: Vec<u64> = network
        .nodes
        .iter()
        .filter(|node| matches!(node.op, autows_network::Op::Weight { .. }))
        .map(|node| 4 * network.ty(node.output).element_count() as u64)
        .collect();
    let (total, largest) = (sizes.iter().sum::<u64>(), sizes.iter().copied().max().unwrap_or(0));
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("autows-onnx/export_memory");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vgg16.onnx");
    let options = ExportOptions { external_data: Some(ExternalData::default()), ..ExportOptions::default() };
    let before = peak_resident().unwrap_or(0);
    let exported = export_file(&path, &network, &Generated(&network), &options).unwrap();
    let peak = peak_resident().unwrap_or(0);
    let external_bytes = exported.external_data.map_or(0, |file| file.bytes);
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(dir.join("vgg16.onnx.data")).unwrap();
    println!(
        "weights {total} bytes (largest {largest}); external data {external_bytes} bytes; peak resident memory \
         {before} bytes before the export, {peak} after"
    );
    assert!(external_bytes >= total);
    assert!(peak < largest + (64 << 20), "the export peaked at {peak} bytes");
}
