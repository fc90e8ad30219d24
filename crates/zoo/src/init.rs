//! How each weight's values are drawn, and drawing them.
//!
//! Every weight has a stream of its own, seeded from the model and the weight's key, so one weight can be
//! regenerated alone and comes out the same as when the whole model is generated.

use crate::rng::{seed_from, NormalSampler};
use autows_network::{checksum, Tensor, TensorData};

/// The seed every zoo weight derives from. Changing it changes every checksum the zoo has ever written into IR.
const ZOO_SEED: u64 = 0x7a6f_6f5f_7365_6564;

/// The distribution of a weight's elements, chosen so that the float network keeps its activations finite and
/// of order one through every layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Kaiming-normal in fan-in mode with the ReLU gain, N(0, 2 / fan_in): keeps the second moment of the
    /// activations through a convolution or matrix product followed by a ReLU.
    HeNormal {
        /// Inputs that contribute to one output: input channels per group times kernel area, or in-features.
        fan_in: i64,
    },
    /// N(mean, std^2): biases, batch-normalisation shifts and running means.
    Normal {
        /// The centre.
        mean: f32,
        /// The spread.
        std: f32,
    },
    /// U[low, high): batch-normalisation scales and running variances, which must stay positive.
    Uniform {
        /// Smallest value.
        low: f32,
        /// Bound above, excluded.
        high: f32,
    },
}

/// A weight the zoo generates: what the `weight` node's key names, its shape and how to draw it.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightSpec {
    /// The torchvision `state_dict` key, such as `layer1.0.conv1.weight`.
    pub key: String,
    /// Dimension sizes.
    pub shape: Vec<i64>,
    /// The distribution.
    pub init: Init,
}

impl WeightSpec {
    /// The number of elements.
    pub fn element_count(&self) -> usize {
        self.shape.iter().map(|&dim| dim.max(0) as usize).product()
    }

    /// Calls `sink` with every element of the weight of `model`, in row-major order.
    fn for_each_value(&self, model: &str, mut sink: impl FnMut(f32)) {
        let mut sampler = NormalSampler::new(seed_from(ZOO_SEED, &[model, &self.key]));
        let count = self.element_count();
        match self.init {
            Init::HeNormal { fan_in } => {
                let std = (2.0 / fan_in.max(1) as f64).sqrt();
                (0..count).for_each(|_| sink((sampler.next_normal() * std) as f32));
            }
            Init::Normal { mean, std } => {
                let (mean, std) = (f64::from(mean), f64::from(std));
                (0..count).for_each(|_| sink((mean + sampler.next_normal() * std) as f32));
            }
            Init::Uniform { low, high } => {
                let (low, width) = (f64::from(low), f64::from(high) - f64::from(low));
                (0..count).for_each(|_| sink((low + sampler.next_unit() * width) as f32));
            }
        }
    }

    /// The weight's tensor in `model`.
    pub fn tensor(&self, model: &str) -> Tensor {
        let mut values = Vec::with_capacity(self.element_count());
        self.for_each_value(model, |value| values.push(value));
        Tensor { shape: self.shape.clone(), data: TensorData::F32(values.into()) }
    }

    /// The checksum of the weight's tensor in `model`, the same as [`Tensor::checksum`] of [`Self::tensor`], but
    /// without holding the floats and their bytes at once.
    pub fn checksum(&self, model: &str) -> String {
        let mut bytes = Vec::with_capacity(4 * self.element_count());
        self.for_each_value(model, |value| bytes.extend_from_slice(&value.to_le_bytes()));
        checksum(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(key: &str, shape: &[i64], init: Init) -> WeightSpec {
        WeightSpec { key: key.into(), shape: shape.to_vec(), init }
    }

    fn values(tensor: &Tensor) -> Vec<f32> {
        match &tensor.data {
            TensorData::F32(values) => values.to_vec(),
            other => panic!("zoo weights are f32, got {:?}", other.element()),
        }
    }

    #[test]
    fn streamed_checksum_equals_the_tensor_checksum() {
        let weight = spec("conv.weight", &[8, 3, 3, 3], Init::HeNormal { fan_in: 27 });
        assert_eq!(weight.checksum("m"), weight.tensor("m").checksum());
    }

    #[test]
    fn values_depend_on_model_and_key_only() {
        let weight = spec("a.weight", &[64], Init::Normal { mean: 0.0, std: 1.0 });
        assert_eq!(weight.tensor("m"), weight.tensor("m"));
        assert_ne!(weight.tensor("m"), weight.tensor("n"));
        assert_ne!(weight.tensor("m"), spec("b.weight", &[64], weight.init).tensor("m"));
        // A longer weight starts with the same values: the stream is the key's, not the shape's.
        let longer = spec("a.weight", &[128], weight.init);
        assert_eq!(values(&weight.tensor("m")), values(&longer.tensor("m"))[..64]);
    }

    #[test]
    fn he_normal_has_the_kaiming_spread() {
        let fan_in = 576;
        let tensor = spec("w", &[256, 64, 3, 3], Init::HeNormal { fan_in }).tensor("m");
        let values = values(&tensor);
        let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len() as f64;
        let variance = values.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / values.len() as f64;
        let expected = 2.0 / fan_in as f64;
        assert!(mean.abs() < 0.01 * expected.sqrt(), "mean {mean}");
        assert!((variance / expected - 1.0).abs() < 0.02, "variance {variance}, expected {expected}");
    }

    #[test]
    fn uniform_values_stay_in_their_interval() {
        let tensor = spec("bn.running_var", &[1000], Init::Uniform { low: 0.5, high: 1.5 }).tensor("m");
        let values = values(&tensor);
        assert!(values.iter().all(|v| (0.5..1.5).contains(v)));
        assert!(values.iter().any(|&v| v < 0.6) && values.iter().any(|&v| v > 1.4));
    }
}
