//! Loading the tensors that `weight` nodes of an imported network refer to, from the ONNX file they came from.

use crate::{
    proto::{ModelProto, TensorProto},
    tensor::{model_folder, DataSource},
};
use autows_network::{
    weights::{verify_checksum, WeightError},
    Tensor, WeightLoader,
};
use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, PoisonError},
};

/// A parsed model file, kept for further tensors.
struct ModelFile {
    bytes: Vec<u8>,
    initializers: HashMap<String, TensorProto>,
    folder: PathBuf,
}

/// A loaded tensor and the checksum of its bytes.
#[derive(Clone)]
struct Loaded {
    tensor: Tensor,
    checksum: String,
}

/// Loads initializers of ONNX files, for sources that name an `.onnx` file (the importer records the model path
/// as given). Each file is read and parsed once, and each tensor converted once; the caches are shared between
/// threads. External data files are found relative to the model's folder.
#[derive(Default)]
pub struct OnnxWeights {
    files: Mutex<HashMap<String, Arc<ModelFile>>>,
    tensors: Mutex<HashMap<(String, String), Loaded>>,
}

impl OnnxWeights {
    /// A loader with empty caches.
    pub fn new() -> Self {
        Self::default()
    }

    fn file(&self, source: &str) -> Result<Arc<ModelFile>, WeightError> {
        let cached = self.files.lock().unwrap_or_else(PoisonError::into_inner).get(source).cloned();
        if let Some(file) = cached {
            return Ok(file);
        }
        let unreadable = |message: String| WeightError::Unreadable { source_name: source.to_string(), message };
        let path = Path::new(source);
        let bytes = std::fs::read(path).map_err(|error| unreadable(error.to_string()))?;
        let model = ModelProto::decode(&bytes).map_err(|error| unreadable(error.to_string()))?;
        let graph = model.graph.ok_or_else(|| unreadable("the model has no graph".into()))?;
        let initializers = graph.initializers.into_iter().map(|tensor| (tensor.name.clone(), tensor)).collect();
        let file = Arc::new(ModelFile { bytes, initializers, folder: model_folder(path) });
        let mut files = self.files.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(files.entry(source.to_string()).or_insert(file).clone())
    }
}

impl WeightLoader for OnnxWeights {
    fn handles(&self, source: &str) -> bool {
        Path::new(source).extension().is_some_and(|extension| extension.eq_ignore_ascii_case("onnx"))
    }

    fn load(&self, source: &str, key: &str, checksum: &str) -> Result<Tensor, WeightError> {
        let cache_key = (source.to_string(), key.to_string());
        let cached = self.tensors.lock().unwrap_or_else(PoisonError::into_inner).get(&cache_key).cloned();
        if let Some(loaded) = cached {
            if loaded.checksum != checksum {
                return Err(WeightError::Checksum {
                    source_name: source.to_string(),
                    key: key.to_string(),
                    expected: checksum.to_string(),
                    found: loaded.checksum,
                });
            }
            return Ok(loaded.tensor);
        }
        let file = self.file(source)?;
        let proto = file
            .initializers
            .get(key)
            .ok_or_else(|| WeightError::MissingKey { source_name: source.to_string(), key: key.to_string() })?;
        let data = DataSource { buffer: &file.bytes, folder: &file.folder };
        let tensor = data
            .load(key, proto)
            .map_err(|error| WeightError::Unreadable { source_name: source.to_string(), message: error.to_string() })?;
        verify_checksum(source, key, checksum, &tensor)?;
        let loaded = Loaded { tensor: tensor.clone(), checksum: checksum.to_string() };
        self.tensors.lock().unwrap_or_else(PoisonError::into_inner).insert(cache_key, loaded);
        Ok(tensor)
    }
}
