//! Helpers shared by the tests: a map weight loader and compact network building.

use autows_network::{Network, Op, Tensor, TensorType, ValueId, WeightError, WeightLoader};
use std::collections::HashMap;

/// Serves weights from memory under the source name `"test"`.
#[derive(Default)]
pub struct MapLoader {
    pub tensors: HashMap<String, Tensor>,
}

impl WeightLoader for MapLoader {
    fn handles(&self, source: &str) -> bool {
        source == "test"
    }

    fn load(&self, source: &str, key: &str, checksum: &str) -> Result<Tensor, WeightError> {
        let tensor = self
            .tensors
            .get(key)
            .ok_or_else(|| WeightError::MissingKey { source_name: source.into(), key: key.into() })?;
        autows_network::weights::verify_checksum(source, key, checksum, tensor)?;
        Ok(tensor.clone())
    }
}

impl MapLoader {
    /// Adds a weight node for `values` and keeps the tensor for loading.
    pub fn weight(&mut self, network: &mut Network, name: &str, shape: &[i64], values: Vec<f32>) -> ValueId {
        let tensor = tensor(shape, values);
        let id = network.add_weight(name, TensorType::f32(shape), "test", name, tensor.checksum());
        self.tensors.insert(name.to_string(), tensor);
        id
    }
}

/// A float tensor; panics on a size mismatch, which is a bug in the test itself.
pub fn tensor(shape: &[i64], values: Vec<f32>) -> Tensor {
    Tensor::from_f32(shape.to_vec(), values).expect("test tensor sizes match their shapes")
}

/// Adds a constant node.
pub fn constant(network: &mut Network, name: &str, shape: &[i64], values: Vec<f32>) -> ValueId {
    network.add(name, Op::Constant { value: tensor(shape, values) }, &[]).expect("constants always type-check")
}

/// `1, 2, ..., n` as floats.
pub fn counting(n: usize) -> Vec<f32> {
    (1..=n).map(|v| v as f32).collect()
}

/// The float elements of a tensor.
pub fn values(tensor: &Tensor) -> Vec<f32> {
    tensor.data.to_f32()
}

/// Asserts two float sequences agree within `tolerance` element by element.
pub fn assert_close(actual: &[f32], expected: &[f32], tolerance: f32) {
    assert_eq!(actual.len(), expected.len(), "lengths differ: {actual:?} vs {expected:?}");
    for (index, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= tolerance, "element {index}: {a} vs {e}\nactual   {actual:?}\nexpected {expected:?}");
    }
}

/// A deterministic pseudo-random source (SplitMix64), so generated cases are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// An integer in `low..=high`.
    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next_u64() % (high - low + 1) as u64) as i64
    }

    /// A float in [-1, 1).
    pub fn unit(&mut self) -> f32 {
        ((self.next_u64() >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn floats(&mut self, n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|_| self.unit() * scale).collect()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}
