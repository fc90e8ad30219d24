//! The weight loader the tools use: ONNX files and the model zoo behind one [`WeightLoader`].

use autows_network::{Tensor, WeightError, WeightLoader};
use autows_onnx::OnnxWeights;
use autows_zoo::ZooWeights;

/// Loads weights from every source the project knows, each loader caching what it read.
#[derive(Default)]
pub struct ProjectWeights {
    onnx: OnnxWeights,
    zoo: ZooWeights,
}

impl ProjectWeights {
    /// Empty caches.
    pub fn new() -> Self {
        Self::default()
    }

    fn loader_for(&self, source: &str) -> Option<&dyn WeightLoader> {
        if self.zoo.handles(source) {
            Some(&self.zoo)
        } else if self.onnx.handles(source) {
            Some(&self.onnx)
        } else {
            None
        }
    }
}

impl WeightLoader for ProjectWeights {
    fn handles(&self, source: &str) -> bool {
        self.loader_for(source).is_some()
    }

    fn load(&self, source: &str, key: &str, checksum: &str) -> Result<Tensor, WeightError> {
        self.loader_for(source)
            .ok_or_else(|| WeightError::UnknownSource(source.to_string()))?
            .load(source, key, checksum)
    }
}
