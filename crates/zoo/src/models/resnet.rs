//! ResNets as torchvision builds them (version 1.5: a bottleneck strides in its 3x3 convolution).

use crate::builder::{Conv, ModelBuilder, ModelPlan};
use autows_network::{NetworkError, ValueId};

/// The scales of the last batch normalisation of every residual branch, together: each branch gets this over the
/// square root of the number of blocks, so the variance all branches add to the trunk stays bounded however deep
/// the network (the argument of Fixup and SkipInit; trained ResNets have small scales there too). With scales of
/// one, the sum of a ResNet-152's fifty blocks would grow the activations a hundredfold.
const BRANCH_END_GAMMA_BUDGET: f32 = 1.2;

/// The two block designs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// Two 3x3 convolutions (ResNet-18 and -34).
    Basic,
    /// 1x1 reduce, 3x3, 1x1 expand to four times the width (ResNet-50 and deeper).
    Bottleneck,
}

impl Block {
    /// Output channels over the stage's width.
    fn expansion(self) -> i64 {
        match self {
            Block::Basic => 1,
            Block::Bottleneck => 4,
        }
    }
}

/// A ResNet: its block design and the number of blocks in each of the four stages.
#[derive(Clone, Copy, Debug)]
pub struct ResNet {
    /// The model's name in the zoo.
    pub name: &'static str,
    /// The block design.
    pub block: Block,
    /// Blocks of `layer1` to `layer4`.
    pub stages: [usize; 4],
}

/// ResNet-18.
pub const RESNET18: ResNet = ResNet { name: "resnet18", block: Block::Basic, stages: [2, 2, 2, 2] };
/// ResNet-34.
pub const RESNET34: ResNet = ResNet { name: "resnet34", block: Block::Basic, stages: [3, 4, 6, 3] };
/// ResNet-50.
pub const RESNET50: ResNet = ResNet { name: "resnet50", block: Block::Bottleneck, stages: [3, 4, 6, 3] };
/// ResNet-101.
pub const RESNET101: ResNet = ResNet { name: "resnet101", block: Block::Bottleneck, stages: [3, 4, 23, 3] };
/// ResNet-152.
pub const RESNET152: ResNet = ResNet { name: "resnet152", block: Block::Bottleneck, stages: [3, 8, 36, 3] };

impl ResNet {
    /// The scale of the last batch normalisation of each residual branch.
    fn branch_end_gamma(&self) -> f32 {
        let blocks: usize = self.stages.iter().sum();
        BRANCH_END_GAMMA_BUDGET / (blocks as f32).sqrt()
    }

    /// Lays the network out on a 1x3x224x224 input.
    pub fn plan(&self) -> Result<ModelPlan, NetworkError> {
        let (mut builder, input) = ModelBuilder::new(self.name, [1, 3, 224, 224]);
        let mut x = builder.conv("conv1", input, Conv::new(64, 7).stride(2).padding(3))?;
        x = builder.batchnorm("bn1", x, 1.0)?;
        x = builder.relu("relu", x)?;
        x = builder.max_pool("maxpool", x, 3, 2, 1)?;
        for (stage, &blocks) in self.stages.iter().enumerate() {
            let width = 64 << stage;
            for index in 0..blocks {
                let stride = if stage > 0 && index == 0 { 2 } else { 1 };
                let module = format!("layer{}.{index}", stage + 1);
                let block = BlockShape { width, stride, branch_end_gamma: self.branch_end_gamma() };
                x = match self.block {
                    Block::Basic => basic_block(&mut builder, &module, x, block)?,
                    Block::Bottleneck => bottleneck(&mut builder, &module, x, block)?,
                };
            }
        }
        x = builder.global_avg_pool("avgpool", x)?;
        x = builder.flatten("flatten", x)?;
        x = builder.linear("fc", x, 1000)?;
        Ok(builder.finish(x))
    }
}

/// What varies between the blocks of a ResNet.
#[derive(Clone, Copy, Debug)]
struct BlockShape {
    /// Channels inside the block; it outputs this times the expansion.
    width: i64,
    /// The stride of the block's first strided convolution and of its shortcut.
    stride: i64,
    /// The scale of the branch's last batch normalisation.
    branch_end_gamma: f32,
}

/// The shortcut of a block: the input itself, or a strided 1x1 convolution and batch normalisation
/// (`downsample.0`, `downsample.1`) where the block changes the resolution or the channels.
fn shortcut(
    builder: &mut ModelBuilder,
    module: &str,
    input: ValueId,
    in_channels: i64,
    out_channels: i64,
    stride: i64,
) -> Result<ValueId, NetworkError> {
    if stride == 1 && in_channels == out_channels {
        return Ok(input);
    }
    let x = builder.conv(&format!("{module}.downsample.0"), input, Conv::new(out_channels, 1).stride(stride))?;
    builder.batchnorm(&format!("{module}.downsample.1"), x, 1.0)
}

/// `BasicBlock`: conv1, bn1, relu, conv2, bn2, the sum with the shortcut, and the block's ReLU again.
fn basic_block(
    builder: &mut ModelBuilder,
    module: &str,
    input: ValueId,
    BlockShape { width, stride, branch_end_gamma }: BlockShape,
) -> Result<ValueId, NetworkError> {
    let in_channels = builder.channels(input);
    let out_channels = width * Block::Basic.expansion();
    let mut x = builder.conv(&format!("{module}.conv1"), input, Conv::new(width, 3).stride(stride).padding(1))?;
    x = builder.batchnorm(&format!("{module}.bn1"), x, 1.0)?;
    x = builder.relu(&format!("{module}.relu"), x)?;
    x = builder.conv(&format!("{module}.conv2"), x, Conv::new(out_channels, 3).padding(1))?;
    x = builder.batchnorm(&format!("{module}.bn2"), x, branch_end_gamma)?;
    let identity = shortcut(builder, module, input, in_channels, out_channels, stride)?;
    x = builder.add(&format!("{module}.add"), x, identity)?;
    builder.relu(&format!("{module}.relu_1"), x)
}

/// `Bottleneck`: 1x1 conv1, 3x3 conv2 (strided), 1x1 conv3 to four times the width, each with its batch
/// normalisation, the sum with the shortcut and a ReLU; the block's one ReLU module runs three times.
fn bottleneck(
    builder: &mut ModelBuilder,
    module: &str,
    input: ValueId,
    BlockShape { width, stride, branch_end_gamma }: BlockShape,
) -> Result<ValueId, NetworkError> {
    let in_channels = builder.channels(input);
    let out_channels = width * Block::Bottleneck.expansion();
    let mut x = builder.conv(&format!("{module}.conv1"), input, Conv::new(width, 1))?;
    x = builder.batchnorm(&format!("{module}.bn1"), x, 1.0)?;
    x = builder.relu(&format!("{module}.relu"), x)?;
    x = builder.conv(&format!("{module}.conv2"), x, Conv::new(width, 3).stride(stride).padding(1))?;
    x = builder.batchnorm(&format!("{module}.bn2"), x, 1.0)?;
    x = builder.relu(&format!("{module}.relu_1"), x)?;
    x = builder.conv(&format!("{module}.conv3"), x, Conv::new(out_channels, 1))?;
    x = builder.batchnorm(&format!("{module}.bn3"), x, branch_end_gamma)?;
    let identity = shortcut(builder, module, input, in_channels, out_channels, stride)?;
    x = builder.add(&format!("{module}.add"), x, identity)?;
    builder.relu(&format!("{module}.relu_2"), x)
}
