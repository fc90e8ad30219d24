//! AlexNet as torchvision builds it (the one-GPU variant of "One weird trick", 64-192-384-256-256 channels).
//!
//! torchvision's adaptive average pool to 6x6 before the classifier is the identity on a 224x224 input and is
//! left out.

use crate::builder::{Conv, ModelBuilder, ModelPlan};
use autows_network::NetworkError;

/// Lays AlexNet out on a 1x3x224x224 input, its nodes numbered as torchvision's `features` and `classifier`
/// sequences number their modules.
pub fn plan() -> Result<ModelPlan, NetworkError> {
    let (mut builder, input) = ModelBuilder::new("alexnet", [1, 3, 224, 224]);
    let mut x = builder.conv("features.0", input, Conv::new(64, 11).stride(4).padding(2).with_bias())?;
    x = builder.relu("features.1", x)?;
    x = builder.max_pool("features.2", x, 3, 2, 0)?;
    x = builder.conv("features.3", x, Conv::new(192, 5).padding(2).with_bias())?;
    x = builder.relu("features.4", x)?;
    x = builder.max_pool("features.5", x, 3, 2, 0)?;
    x = builder.conv("features.6", x, Conv::new(384, 3).padding(1).with_bias())?;
    x = builder.relu("features.7", x)?;
    x = builder.conv("features.8", x, Conv::new(256, 3).padding(1).with_bias())?;
    x = builder.relu("features.9", x)?;
    x = builder.conv("features.10", x, Conv::new(256, 3).padding(1).with_bias())?;
    x = builder.relu("features.11", x)?;
    x = builder.max_pool("features.12", x, 3, 2, 0)?;
    x = builder.flatten("flatten", x)?;
    x = builder.dropout("classifier.0", x, 0.5)?;
    x = builder.linear("classifier.1", x, 4096)?;
    x = builder.relu("classifier.2", x)?;
    x = builder.dropout("classifier.3", x, 0.5)?;
    x = builder.linear("classifier.4", x, 4096)?;
    x = builder.relu("classifier.5", x)?;
    x = builder.linear("classifier.6", x, 1000)?;
    Ok(builder.finish(x))
}
