//! LeNet-5 in its common modern form: on MNIST's 1x1x28x28 images, the first convolution padded by 2 to give
//! the original 28x28 feature maps, ReLU for tanh and max pooling for the trainable subsampling.

use crate::builder::{Conv, ModelBuilder, ModelPlan};
use autows_network::NetworkError;

/// Lays LeNet-5 out on a 1x1x28x28 input: conv1 (6 5x5 filters), pool1, conv2 (16 5x5), pool2, then three fully
/// connected layers 400-120-84-10, with a ReLU after each layer but the last.
pub fn plan() -> Result<ModelPlan, NetworkError> {
    let (mut builder, input) = ModelBuilder::new("lenet", [1, 1, 28, 28]);
    let mut x = builder.conv("conv1", input, Conv::new(6, 5).padding(2).with_bias())?;
    x = builder.relu("relu1", x)?;
    x = builder.max_pool("pool1", x, 2, 2, 0)?;
    x = builder.conv("conv2", x, Conv::new(16, 5).with_bias())?;
    x = builder.relu("relu2", x)?;
    x = builder.max_pool("pool2", x, 2, 2, 0)?;
    x = builder.flatten("flatten", x)?;
    x = builder.linear("fc1", x, 120)?;
    x = builder.relu("relu3", x)?;
    x = builder.linear("fc2", x, 84)?;
    x = builder.relu("relu4", x)?;
    x = builder.linear("fc3", x, 10)?;
    Ok(builder.finish(x))
}
