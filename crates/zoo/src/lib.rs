//! Built-in CNNs, so the compiler runs with no model file and no download.
//!
//! [`build`] gives a model as a plain-data [`Network`] with the shapes torchvision gives it: batch 1, a
//! 1x3x224x224 input (LeNet-5: 1x1x28x28), convolutions without bias before their batch normalisations,
//! ReLU6 as a clip to `[0, 6]`, fully connected layers as `gemm` with the weight transposed, dropout kept as a
//! pass-through. ResNets are torchvision's version 1.5 (bottlenecks stride in their 3x3 convolution); VGG and
//! AlexNet leave out torchvision's adaptive average pool before the classifier, the identity at 224x224.
//! [`names`] lists the models and [`describe`] says what each is.
//!
//! # Names
//!
//! Nodes are named after the torchvision module that computes them, in the dotted form of its `state_dict`
//! (`layer1.0.conv1`, `features.3.conv.1.0`, `classifier.6`); an operation torchvision calls as a function has the
//! function's name under its module (`layer1.0.add`, `flatten`, `adaptive_avg_pool2d`); a module torchvision runs
//! more than once gets `_1`, `_2` on its later runs (`layer1.0.relu_1`), as `torch.onnx.export` scopes them.
//! Weight nodes are named by their `state_dict` keys (`layer1.0.conv1.weight`, `bn1.running_var`). The network
//! input is `input`. Every name is unique within a network.
//!
//! # Weights
//!
//! Every weight is an [`Op::Weight`](autows_network::Op::Weight) with source `zoo:<model>`, its `state_dict` key,
//! and the checksum of its values. The values are drawn from a fixed seed, a stream per weight, by a generator
//! that gives the same bits on every machine: Kaiming-normal convolution and linear weights, batch-normalisation
//! scales near one (smaller at the end of residual branches, as in trained networks), small shifts, means and
//! biases, variances near one. The float network keeps its activations finite and of order one through every
//! layer. [`ZooWeights`] loads them for any pass that needs values, regenerating only the keys asked for.
//!
//! ```
//! use autows_network::{counts, Op, WeightLoader};
//!
//! let network = autows_zoo::build("lenet")?;
//! assert_eq!(counts::macs(&network), 416_520);
//! let loader = autows_zoo::ZooWeights::new();
//! for node in &network.nodes {
//!     if let Op::Weight { source, key, checksum } = &node.op {
//!         let tensor = loader.load(source, key, checksum)?;
//!         assert_eq!(&tensor.shape, &network.ty(node.output).shape);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
mod catalog;
mod error;
mod generation;
mod init;
mod loader;
mod models;
pub mod rng;

pub use error::ZooError;
pub use loader::ZooWeights;

use autows_network::{Network, Tensor};

/// Inputs for a run of `network` drawn from `seed`: standard normal values, like a normalised image, the same on
/// every machine.
pub fn sample_inputs(network: &Network, seed: u64) -> Vec<Tensor> {
    network
        .inputs
        .iter()
        .enumerate()
        .map(|(index, &id)| {
            let ty = network.ty(id);
            let mut sampler = rng::NormalSampler::new(rng::seed_from(seed, &[&index.to_string()]));
            let values = (0..ty.element_count()).map(|_| sampler.next_normal() as f32).collect::<Vec<_>>();
            Tensor { shape: ty.shape.clone(), data: autows_network::TensorData::F32(values.into()) }
        })
        .collect()
}

/// How weight sources of zoo models begin: `zoo:resnet18`.
pub const SOURCE_PREFIX: &str = "zoo:";

/// The weight source of `model`'s weights, `zoo:<model>`.
pub fn source_of(model: &str) -> String {
    format!("{SOURCE_PREFIX}{model}")
}

/// The names of the models [`build`] knows, for listings and error messages.
pub fn names() -> Vec<&'static str> {
    catalog::MODELS.iter().map(|model| model.name).collect()
}

/// One line on the model called `name`: architecture, input, size. `None` for a name the zoo does not have.
pub fn describe(name: &str) -> Option<&'static str> {
    catalog::find(name).ok().map(|model| model.description)
}

/// The model called `name`, with the checksums of its weights. Every value is drawn once to be hashed, on all
/// cores: a quarter of a second for ResNet-50, two seconds for a VGG, whose first classifier layer alone holds
/// 103 M values. The values themselves are not kept; [`ZooWeights`] loads them.
pub fn build(name: &str) -> Result<Network, ZooError> {
    let model = catalog::find(name)?;
    let mut plan = model.plan()?;
    let specs: Vec<_> = plan.weights.iter().map(|weight| &weight.spec).collect();
    let checksums = generation::checksums(model.name, &specs);
    plan.stamp_checksums(checksums);
    Ok(plan.network)
}

/// The model called `name` with its weights' checksums left empty: for counting, costing and drawing, where no
/// weight is loaded, at a thousandth of the cost of [`build`]. A loader refuses these weights, since no checksum
/// matches an empty one.
pub fn layout(name: &str) -> Result<Network, ZooError> {
    Ok(catalog::find(name)?.plan()?.network)
}

/// Every weight of the model called `name`, by key, in the order the network lists them: for writing them to a
/// file, or for checking a loader against the whole set.
pub fn generate_weights(name: &str) -> Result<Vec<(String, Tensor)>, ZooError> {
    let model = catalog::find(name)?;
    let plan = model.plan()?;
    let specs: Vec<_> = plan.weights.iter().map(|weight| &weight.spec).collect();
    let tensors = generation::tensors(model.name, &specs);
    Ok(plan.weights.into_iter().map(|weight| weight.spec.key).zip(tensors).collect())
}
