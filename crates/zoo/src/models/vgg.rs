//! VGG without batch normalisation, as torchvision builds it.
//!
//! torchvision's adaptive average pool to 7x7 before the classifier is the identity on a 224x224 input and is
//! left out.

use crate::builder::{Conv, ModelBuilder, ModelPlan};
use autows_network::NetworkError;

/// A VGG: its name in the zoo and its five stages of 3x3 convolutions, each stage ending in a 2x2 max pool.
#[derive(Clone, Copy, Debug)]
pub struct Vgg {
    /// The model's name in the zoo.
    pub name: &'static str,
    /// Convolutions and their output channels, per stage.
    pub stages: [Stage; 5],
}

/// A stage of a VGG: `convolutions` 3x3 convolutions with padding 1 and bias to `channels`, each followed by a
/// ReLU.
#[derive(Clone, Copy, Debug)]
pub struct Stage {
    /// How many convolutions.
    pub convolutions: usize,
    /// Their output channels.
    pub channels: i64,
}

/// Five stages of torchvision's widths, 64 to 512 channels, with `convolutions` convolutions each.
const fn stages(convolutions: [usize; 5]) -> [Stage; 5] {
    let channels = [64, 128, 256, 512, 512];
    let mut stages = [Stage { convolutions: 0, channels: 0 }; 5];
    let mut index = 0;
    while index < 5 {
        stages[index] = Stage { convolutions: convolutions[index], channels: channels[index] };
        index += 1;
    }
    stages
}

/// VGG-11 (configuration A).
pub const VGG11: Vgg = Vgg { name: "vgg11", stages: stages([1, 1, 2, 2, 2]) };
/// VGG-13 (configuration B).
pub const VGG13: Vgg = Vgg { name: "vgg13", stages: stages([2, 2, 2, 2, 2]) };
/// VGG-16 (configuration D).
pub const VGG16: Vgg = Vgg { name: "vgg16", stages: stages([2, 2, 3, 3, 3]) };
/// VGG-19 (configuration E).
pub const VGG19: Vgg = Vgg { name: "vgg19", stages: stages([2, 2, 4, 4, 4]) };

impl Vgg {
    /// Lays the network out on a 1x3x224x224 input. Nodes are numbered as torchvision's `features` and
    /// `classifier` sequences number their modules, a ReLU counting as a module of its own.
    pub fn plan(&self) -> Result<ModelPlan, NetworkError> {
        let (mut builder, input) = ModelBuilder::new(self.name, [1, 3, 224, 224]);
        let mut x = input;
        let mut index = 0;
        for stage in &self.stages {
            for _ in 0..stage.convolutions {
                let conv = Conv::new(stage.channels, 3).padding(1).with_bias();
                x = builder.conv(&format!("features.{index}"), x, conv)?;
                x = builder.relu(&format!("features.{}", index + 1), x)?;
                index += 2;
            }
            x = builder.max_pool(&format!("features.{index}"), x, 2, 2, 0)?;
            index += 1;
        }
        x = builder.flatten("flatten", x)?;
        x = builder.linear("classifier.0", x, 4096)?;
        x = builder.relu("classifier.1", x)?;
        x = builder.dropout("classifier.2", x, 0.5)?;
        x = builder.linear("classifier.3", x, 4096)?;
        x = builder.relu("classifier.4", x)?;
        x = builder.dropout("classifier.5", x, 0.5)?;
        x = builder.linear("classifier.6", x, 1000)?;
        Ok(builder.finish(x))
    }
}
