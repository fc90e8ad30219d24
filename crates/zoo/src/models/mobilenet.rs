//! MobileNetV2 as torchvision builds it, width multiplier 1.0.

use crate::builder::{Conv, ModelBuilder, ModelPlan};
use autows_network::{NetworkError, ValueId};

/// The scale of the batch normalisation after a projection whose block adds its input back: small, as in
/// trained MobileNets, so that the ten residual sums do not grow the activations.
const PROJECTION_GAMMA: f32 = 0.3;

/// One row of the paper's table 2: expansion factor `t`, output channels `c`, repeats `n`, first stride `s`.
struct Stage {
    expansion: i64,
    channels: i64,
    repeats: usize,
    stride: i64,
}

/// The inverted-residual stages of MobileNetV2 (`features.1` to `features.17`).
const STAGES: [Stage; 7] = [
    Stage { expansion: 1, channels: 16, repeats: 1, stride: 1 },
    Stage { expansion: 6, channels: 24, repeats: 2, stride: 2 },
    Stage { expansion: 6, channels: 32, repeats: 3, stride: 2 },
    Stage { expansion: 6, channels: 64, repeats: 4, stride: 2 },
    Stage { expansion: 6, channels: 96, repeats: 3, stride: 1 },
    Stage { expansion: 6, channels: 160, repeats: 3, stride: 2 },
    Stage { expansion: 6, channels: 320, repeats: 1, stride: 1 },
];

/// Lays MobileNetV2 out on a 1x3x224x224 input.
pub fn plan() -> Result<ModelPlan, NetworkError> {
    let (mut builder, input) = ModelBuilder::new("mobilenetv2", [1, 3, 224, 224]);
    let mut x = conv_bn_relu6(&mut builder, "features.0", input, Conv::new(32, 3).stride(2).padding(1))?;
    let mut index = 1;
    for stage in &STAGES {
        for repeat in 0..stage.repeats {
            let stride = if repeat == 0 { stage.stride } else { 1 };
            let module = format!("features.{index}");
            x = inverted_residual(&mut builder, &module, x, stage.channels, stride, stage.expansion)?;
            index += 1;
        }
    }
    x = conv_bn_relu6(&mut builder, &format!("features.{index}"), x, Conv::new(1280, 1))?;
    x = builder.global_avg_pool("adaptive_avg_pool2d", x)?;
    x = builder.flatten("flatten", x)?;
    x = builder.dropout("classifier.0", x, 0.2)?;
    x = builder.linear("classifier.1", x, 1000)?;
    Ok(builder.finish(x))
}

/// `Conv2dNormActivation` with ReLU6: a convolution without bias (`.0`), its batch normalisation (`.1`) and the
/// clip (`.2`).
fn conv_bn_relu6(
    builder: &mut ModelBuilder,
    module: &str,
    input: ValueId,
    conv: Conv,
) -> Result<ValueId, NetworkError> {
    let x = builder.conv(&format!("{module}.0"), input, conv)?;
    let x = builder.batchnorm(&format!("{module}.1"), x, 1.0)?;
    builder.relu6(&format!("{module}.2"), x)
}

/// `InvertedResidual`: a 1x1 expansion to `expansion` times the input channels (left out when the factor is 1),
/// a 3x3 depthwise convolution that carries the stride, and a linear 1x1 projection with its batch
/// normalisation, all under `<module>.conv`; the input is added back when the shape is kept.
fn inverted_residual(
    builder: &mut ModelBuilder,
    module: &str,
    input: ValueId,
    out_channels: i64,
    stride: i64,
    expansion: i64,
) -> Result<ValueId, NetworkError> {
    let in_channels = builder.channels(input);
    let hidden = in_channels * expansion;
    let mut layer = 0;
    let mut x = input;
    if expansion != 1 {
        x = conv_bn_relu6(builder, &format!("{module}.conv.{layer}"), x, Conv::new(hidden, 1))?;
        layer += 1;
    }
    let depthwise = Conv::new(hidden, 3).stride(stride).padding(1).groups(hidden);
    x = conv_bn_relu6(builder, &format!("{module}.conv.{layer}"), x, depthwise)?;
    x = builder.conv(&format!("{module}.conv.{}", layer + 1), x, Conv::new(out_channels, 1))?;
    let residual = stride == 1 && in_channels == out_channels;
    let gamma = if residual { PROJECTION_GAMMA } else { 1.0 };
    x = builder.batchnorm(&format!("{module}.conv.{}", layer + 2), x, gamma)?;
    if residual {
        x = builder.add(&format!("{module}.add"), input, x)?;
    }
    Ok(x)
}
