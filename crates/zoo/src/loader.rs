//! The weight loader for `zoo:<model>` sources: it regenerates a tensor from its key instead of reading a file.

use crate::{catalog, init::WeightSpec};
use autows_network::{Tensor, WeightError, WeightLoader};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

/// Loads the weights of zoo models. Asking for one key lays the model out (cheap) and draws that one tensor;
/// tensors are cached, so a pass that asks again gets the same shared data. Safe to share between threads.
#[derive(Debug, Default)]
pub struct ZooWeights {
    /// Each laid-out model's weight specs by key.
    specs: Mutex<HashMap<&'static str, Arc<HashMap<String, WeightSpec>>>>,
    /// Generated tensors and their checksums, by source and key.
    tensors: Mutex<HashMap<(String, String), (Tensor, String)>>,
}

impl ZooWeights {
    /// A loader with empty caches.
    pub fn new() -> Self {
        Self::default()
    }

    /// The weight specs of `model` by key, laid out on first use.
    fn specs(
        &self,
        source: &str,
        model: &'static catalog::Model,
    ) -> Result<Arc<HashMap<String, WeightSpec>>, WeightError> {
        if let Some(specs) = self.specs.lock().unwrap_or_else(PoisonError::into_inner).get(model.name) {
            return Ok(Arc::clone(specs));
        }
        let plan = model
            .plan()
            .map_err(|error| WeightError::Unreadable { source_name: source.to_string(), message: error.to_string() })?;
        let specs: Arc<HashMap<_, _>> =
            Arc::new(plan.weights.into_iter().map(|weight| (weight.spec.key.clone(), weight.spec)).collect());
        self.specs.lock().unwrap_or_else(PoisonError::into_inner).insert(model.name, Arc::clone(&specs));
        Ok(specs)
    }
}

/// The zoo model a `zoo:<model>` source names.
fn model_of(source: &str) -> Option<&'static catalog::Model> {
    source.strip_prefix(crate::SOURCE_PREFIX).and_then(|name| catalog::find(name).ok())
}

impl WeightLoader for ZooWeights {
    fn handles(&self, source: &str) -> bool {
        model_of(source).is_some()
    }

    fn load(&self, source: &str, key: &str, checksum: &str) -> Result<Tensor, WeightError> {
        let model = model_of(source).ok_or_else(|| WeightError::UnknownSource(source.to_string()))?;
        let cache_key = (source.to_string(), key.to_string());
        let cached = self.tensors.lock().unwrap_or_else(PoisonError::into_inner).get(&cache_key).cloned();
        let (tensor, found) = match cached {
            Some(entry) => entry,
            None => {
                let specs = self.specs(source, model)?;
                let spec = specs
                    .get(key)
                    .ok_or_else(|| WeightError::MissingKey { source_name: source.to_string(), key: key.to_string() })?;
                let tensor = spec.tensor(model.name);
                let found = tensor.checksum();
                let entry = (tensor, found);
                self.tensors.lock().unwrap_or_else(PoisonError::into_inner).insert(cache_key, entry.clone());
                entry
            }
        };
        if found != checksum {
            return Err(WeightError::Checksum {
                source_name: source.to_string(),
                key: key.to_string(),
                expected: checksum.to_string(),
                found,
            });
        }
        Ok(tensor)
    }
}
