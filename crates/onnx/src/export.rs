//! ONNX export; the crate documentation describes the form written.

mod error;
mod initializers;
mod model;
mod names;
mod nodes;

pub use error::ExportError;

use autows_network::{Network, WeightLoader};
use model::{ExportPlan, ExternalPlan, WriteFailure};
use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::{Component, Path, PathBuf},
};

/// The opset an export uses unless told otherwise: recent enough for every operator the network model has
/// (HardSwish needs 14), and read by every ONNX Runtime of the last years.
pub const DEFAULT_OPSET: i64 = 17;

/// The oldest opset the exporter writes: from 13 on, softmax normalises over one axis and clip bounds, pads and
/// the dropout ratio are inputs, which is how the network model holds them.
pub const MIN_EXPORT_OPSET: i64 = 13;

/// The `producer_name` of exported models.
pub const PRODUCER: &str = "autows";

/// How [`export_file`] writes a model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// The standard opset the model imports, [`MIN_EXPORT_OPSET`] to [`crate::MAX_OPSET`].
    pub opset: i64,
    /// Where large initializers go; `None` keeps every initializer in the model.
    pub external_data: Option<ExternalData>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self { opset: DEFAULT_OPSET, external_data: None }
    }
}

/// Initializers to keep in a file of their own, next to the model, as big models are shipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalData {
    /// Initializers of at least this many bytes go to the file; smaller ones (biases, shapes) stay in the model.
    pub threshold: u64,
    /// The file's path relative to the model's folder; `None` names it after the model, `<model file>.data`.
    pub location: Option<String>,
}

impl Default for ExternalData {
    /// The `onnx` package's threshold: a kilobyte.
    fn default() -> Self {
        Self { threshold: 1024, location: None }
    }
}

/// What [`export_file`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// The size of the model file.
    pub model_bytes: u64,
    /// The external data file, when some initializer went there.
    pub external_data: Option<ExternalFile>,
}

/// An external data file [`export_file`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalFile {
    /// Where it is: the model's folder joined with the location the model records.
    pub path: PathBuf,
    /// Its size, alignment padding included.
    pub bytes: u64,
}

/// The IR version a model of `opset` declares: the one the `onnx` release that introduced the opset wrote, so
/// readers as old as the opset accept the file.
fn ir_version(opset: i64) -> i64 {
    match opset {
        ..=14 => 7,
        15..=18 => 8,
        19 | 20 => 9,
        _ => 10,
    }
}

fn check_opset(opset: i64) -> Result<(), ExportError> {
    if (MIN_EXPORT_OPSET..=crate::MAX_OPSET).contains(&opset) {
        Ok(())
    } else {
        Err(ExportError::UnsupportedOpset { opset })
    }
}

/// Exports `network` as an ONNX model in memory, every initializer inside, its weights loaded through
/// `weights`. The result must stay under protobuf's 2 GiB; larger models go through [`export_file`] with
/// external data.
pub fn export_network(network: &Network, weights: &dyn WeightLoader, opset: i64) -> Result<Vec<u8>, ExportError> {
    check_opset(opset)?;
    let plan = ExportPlan::new(network, opset, None)?;
    // The plan is under 2 GiB, so its length fits in memory sizes.
    let mut bytes = Vec::with_capacity(usize::try_from(plan.model_len).unwrap_or(0));
    plan.write(&mut bytes, &mut io::sink(), weights).map_err(|failure| match failure {
        WriteFailure::Export(error) => error,
        WriteFailure::Model(source) | WriteFailure::External(source) => {
            ExportError::Io { path: PathBuf::from("<memory>"), source }
        }
    })?;
    Ok(bytes)
}

/// Exports `network` to the file `path`, with initializers above the threshold of `options.external_data` in a
/// file next to it. Files are written under temporary names and renamed when complete, so a failed export
/// leaves no truncated model behind.
pub fn export_file(
    path: impl AsRef<Path>,
    network: &Network,
    weights: &dyn WeightLoader,
    options: &ExportOptions,
) -> Result<Exported, ExportError> {
    let path = path.as_ref();
    check_opset(options.opset)?;
    let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let location = options.external_data.as_ref().map(|external| match &external.location {
        Some(location) => location.clone(),
        None => format!("{file_name}.data"),
    });
    let external = match (&options.external_data, &location) {
        (Some(external), Some(location)) => {
            let inside = !location.is_empty()
                && Path::new(location).components().all(|component| matches!(component, Component::Normal(_)));
            if !inside || location == &file_name {
                return Err(ExportError::ExternalLocation { location: location.clone() });
            }
            Some(ExternalPlan { threshold: external.threshold, location })
        }
        _ => None,
    };
    let plan = ExportPlan::new(network, options.opset, external)?;
    let folder = path.parent().unwrap_or(Path::new(""));
    let external_path = location.filter(|_| plan.has_external()).map(|location| folder.join(location));

    let model_temporary = partial(path);
    let external_temporary = external_path.as_deref().map(partial);
    let result =
        write_files(&plan, path, &model_temporary, external_path.as_deref(), external_temporary.as_deref(), weights);
    if result.is_err() {
        // Best effort: the error that matters is the one being returned.
        let _ = std::fs::remove_file(&model_temporary);
        if let Some(temporary) = &external_temporary {
            let _ = std::fs::remove_file(temporary);
        }
    }
    result?;
    let external_data = external_path.map(|path| ExternalFile { path, bytes: plan.external_len });
    Ok(Exported { model_bytes: plan.model_len, external_data })
}

/// `<path>.partial`, where a file is written before it is complete.
fn partial(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Writes the model and its external data under their temporary names, then renames them. Errors name the
/// final paths, the ones the caller knows.
fn write_files(
    plan: &ExportPlan<'_>,
    model_path: &Path,
    model_temporary: &Path,
    external_path: Option<&Path>,
    external_temporary: Option<&Path>,
    weights: &dyn WeightLoader,
) -> Result<(), ExportError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Io { path, source }
    };
    let mut model = BufWriter::new(File::create(model_temporary).map_err(io_error(model_path))?);
    let (mut external, external_path): (Box<dyn Write>, &Path) = match (external_temporary, external_path) {
        (Some(temporary), Some(path)) => {
            (Box::new(BufWriter::new(File::create(temporary).map_err(io_error(path))?)), path)
        }
        _ => (Box::new(io::sink()), model_path),
    };
    plan.write(&mut model, &mut external, weights).map_err(|failure| match failure {
        WriteFailure::Export(error) => error,
        WriteFailure::Model(source) => ExportError::Io { path: model_path.to_path_buf(), source },
        WriteFailure::External(source) => ExportError::Io { path: external_path.to_path_buf(), source },
    })?;
    model.flush().map_err(io_error(model_path))?;
    external.flush().map_err(io_error(external_path))?;
    drop(external);
    if let Some(temporary) = external_temporary {
        std::fs::rename(temporary, external_path).map_err(io_error(external_path))?;
    }
    std::fs::rename(model_temporary, model_path).map_err(io_error(model_path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use autows_network::{Tensor, WeightError};

    /// The loader of networks without weights.
    struct NoWeights;

    impl WeightLoader for NoWeights {
        fn handles(&self, _source: &str) -> bool {
            false
        }

        fn load(&self, source: &str, _key: &str, _checksum: &str) -> Result<Tensor, WeightError> {
            Err(WeightError::UnknownSource(source.to_string()))
        }
    }

    #[test]
    fn ir_versions_follow_the_onnx_release_table() {
        let table = [(13, 7), (14, 7), (15, 8), (17, 8), (18, 8), (19, 9), (20, 9), (21, 10)];
        assert_eq!(MIN_EXPORT_OPSET, 13, "the table starts at the oldest exported opset");
        for (opset, ir) in table {
            assert_eq!(ir_version(opset), ir, "opset {opset}");
        }
    }

    #[test]
    fn opsets_outside_the_range_are_refused() {
        let network = Network::new("empty");
        for opset in [12, crate::MAX_OPSET + 1] {
            let error = export_network(&network, &NoWeights, opset).unwrap_err();
            assert!(matches!(error, ExportError::UnsupportedOpset { opset: found } if found == opset), "{error}");
        }
    }

    #[test]
    fn external_locations_must_stay_in_the_folder() {
        let network = Network::new("empty");
        for location in ["../up.bin", "/abs.bin", "", "model.onnx"] {
            let options = ExportOptions {
                external_data: Some(ExternalData { threshold: 0, location: Some(location.into()) }),
                ..ExportOptions::default()
            };
            let error = export_file("/nonexistent/model.onnx", &network, &NoWeights, &options).unwrap_err();
            assert!(matches!(error, ExportError::ExternalLocation { .. }), "{location}: {error}");
        }
    }
}
