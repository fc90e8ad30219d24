//! The models the zoo has, by name.

use crate::{
    builder::ModelPlan,
    error::ZooError,
    models::{alexnet, lenet, mobilenet, resnet, vgg},
};
use autows_network::NetworkError;

/// A model of the zoo: its name, what it is, and how to lay it out.
#[derive(Clone, Copy, Debug)]
pub struct Model {
    /// The name `build` takes and `zoo:<name>` weight sources carry.
    pub name: &'static str,
    /// One line for listings.
    pub description: &'static str,
    layout: fn() -> Result<ModelPlan, NetworkError>,
}

impl Model {
    /// The network with empty weight checksums, and the specs of its weights.
    pub fn plan(&self) -> Result<ModelPlan, ZooError> {
        (self.layout)().map_err(|source| ZooError::Layout { model: self.name, source })
    }
}

/// Every model, in the order listings show them.
pub const MODELS: &[Model] = &[
    Model {
        name: "resnet18",
        description: "ResNet-18 (torchvision), 1x3x224x224, 1.81 GMAC, 11.7 M parameters",
        layout: || resnet::RESNET18.plan(),
    },
    Model {
        name: "resnet34",
        description: "ResNet-34 (torchvision), 1x3x224x224, 3.66 GMAC, 21.8 M parameters",
        layout: || resnet::RESNET34.plan(),
    },
    Model {
        name: "resnet50",
        description: "ResNet-50 v1.5 (torchvision), 1x3x224x224, 4.09 GMAC, 25.6 M parameters",
        layout: || resnet::RESNET50.plan(),
    },
    Model {
        name: "resnet101",
        description: "ResNet-101 v1.5 (torchvision), 1x3x224x224, 7.8 GMAC, 44.5 M parameters",
        layout: || resnet::RESNET101.plan(),
    },
    Model {
        name: "resnet152",
        description: "ResNet-152 v1.5 (torchvision), 1x3x224x224, 11.5 GMAC, 60.2 M parameters",
        layout: || resnet::RESNET152.plan(),
    },
    Model {
        name: "mobilenetv2",
        description: "MobileNetV2 1.0 (torchvision), 1x3x224x224, 0.30 GMAC, 3.5 M parameters",
        layout: mobilenet::plan,
    },
    Model {
        name: "vgg11",
        description: "VGG-11 without batch norm (torchvision), 1x3x224x224, 7.6 GMAC, 132.9 M parameters",
        layout: || vgg::VGG11.plan(),
    },
    Model {
        name: "vgg13",
        description: "VGG-13 without batch norm (torchvision), 1x3x224x224, 11.3 GMAC, 133.0 M parameters",
        layout: || vgg::VGG13.plan(),
    },
    Model {
        name: "vgg16",
        description: "VGG-16 without batch norm (torchvision), 1x3x224x224, 15.5 GMAC, 138.4 M parameters",
        layout: || vgg::VGG16.plan(),
    },
    Model {
        name: "vgg19",
        description: "VGG-19 without batch norm (torchvision), 1x3x224x224, 19.6 GMAC, 143.7 M parameters",
        layout: || vgg::VGG19.plan(),
    },
    Model {
        name: "alexnet",
        description: "AlexNet (torchvision), 1x3x224x224, 0.71 GMAC, 61.1 M parameters",
        layout: alexnet::plan,
    },
    Model {
        name: "lenet",
        description: "LeNet-5 with ReLU and max pooling, 1x1x28x28 (MNIST), 0.42 MMAC, 61.7 k parameters",
        layout: lenet::plan,
    },
];

/// The model called `name`, or an error listing the ones there are.
pub fn find(name: &str) -> Result<&'static Model, ZooError> {
    MODELS.iter().find(|model| model.name == name).ok_or_else(|| ZooError::UnknownModel {
        name: name.to_string(),
        known: MODELS.iter().map(|model| model.name).collect(),
    })
}
