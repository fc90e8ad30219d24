//! A plain float evaluator for the operations the zoo uses, to check that the generated weights give every
//! layer finite, non-degenerate activations. Batch 1 only; written for clarity more than speed.

#![allow(dead_code)]

use autows_network::{Network, Node, Op, TensorData, ValueId, WeightLoader};
use autows_zoo::ZooWeights;

/// The spread of one node's result.
#[derive(Clone, Debug)]
pub struct Activation {
    /// The node's name.
    pub node: String,
    /// Root mean square.
    pub rms: f64,
    /// Standard deviation.
    pub std: f64,
    /// Whether every element is finite.
    pub finite: bool,
}

/// Runs `network` on `input` (its only input, row-major) and returns the statistics of every computed node
/// (weights excluded) and the output.
pub fn run(network: &Network, input: Vec<f32>) -> (Vec<Activation>, Vec<f32>) {
    let loader = ZooWeights::new();
    let mut values: Vec<Option<Vec<f32>>> = vec![None; network.values.len()];
    values[network.inputs[0].0] = Some(input);
    let mut last_use = vec![usize::MAX; network.values.len()];
    for (index, node) in network.nodes.iter().enumerate() {
        for input in &node.inputs {
            last_use[input.0] = index;
        }
    }
    let mut stats = Vec::new();
    for (index, node) in network.nodes.iter().enumerate() {
        let result = match &node.op {
            Op::Weight { source, key, checksum } => match loader.load(source, key, checksum) {
                Ok(tensor) => match tensor.data {
                    TensorData::F32(data) => data.to_vec(),
                    other => panic!("{key} is {:?}", other.element()),
                },
                Err(error) => panic!("{error}"),
            },
            _ => {
                let result = evaluate(network, node, &values);
                stats.push(statistics(&node.name, &result));
                result
            }
        };
        values[node.output.0] = Some(result);
        for input in &node.inputs {
            if last_use[input.0] == index && !network.outputs.contains(input) {
                values[input.0] = None;
            }
        }
    }
    let output = values[network.outputs[0].0].take().expect("the output is computed");
    (stats, output)
}

fn statistics(node: &str, values: &[f32]) -> Activation {
    let count = values.len() as f64;
    let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / count;
    let square = values.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / count;
    let variance = values.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / count;
    Activation {
        node: node.to_string(),
        rms: square.sqrt(),
        std: variance.sqrt(),
        finite: values.iter().all(|v| v.is_finite()),
    }
}

fn dims(network: &Network, value: ValueId) -> Vec<usize> {
    network.ty(value).shape.iter().map(|&dim| dim as usize).collect()
}

fn evaluate(network: &Network, node: &Node, values: &[Option<Vec<f32>>]) -> Vec<f32> {
    let operand = |index: usize| values[node.inputs[index].0].as_deref().expect("operands are computed first");
    let x = operand(0);
    match &node.op {
        Op::Conv2d { strides, pads, groups, .. } => {
            let bias = (node.inputs.len() > 2).then(|| operand(2));
            let geometry = ConvGeometry {
                input: dims(network, node.inputs[0]),
                weight: dims(network, node.inputs[1]),
                output: dims(network, node.output),
                stride: strides[0] as usize,
                pad: pads[0] as usize,
                groups: *groups as usize,
            };
            conv2d(&geometry, x, operand(1), bias)
        }
        Op::BatchNorm { epsilon } => {
            let shape = dims(network, node.inputs[0]);
            let plane = shape[2..].iter().product::<usize>();
            let (scale, shift, mean, variance) = (operand(1), operand(2), operand(3), operand(4));
            x.iter()
                .enumerate()
                .map(|(index, &v)| {
                    let c = index / plane;
                    (v - mean[c]) / (variance[c] + epsilon).sqrt() * scale[c] + shift[c]
                })
                .collect()
        }
        Op::Relu => x.iter().map(|&v| v.max(0.0)).collect(),
        Op::Clip { min, max } => x.iter().map(|&v| v.clamp(*min, *max)).collect(),
        Op::Dropout { .. } | Op::Flatten { .. } => x.to_vec(),
        Op::Add => x.iter().zip(operand(1)).map(|(a, b)| a + b).collect(),
        Op::GlobalAvgPool => {
            let shape = dims(network, node.inputs[0]);
            let plane = shape[2] * shape[3];
            x.chunks(plane).map(|channel| channel.iter().sum::<f32>() / plane as f32).collect()
        }
        Op::MaxPool { window, .. } => {
            let input = dims(network, node.inputs[0]);
            let output = dims(network, node.output);
            max_pool(&input, &output, window.kernel[0] as usize, window.strides[0] as usize, window.pads[0] as usize, x)
        }
        Op::Gemm { trans_b: true, .. } => {
            let weight = operand(1);
            let bias = operand(2);
            let inner = x.len();
            weight
                .chunks(inner)
                .zip(bias)
                .map(|(row, b)| row.iter().zip(x).map(|(w, v)| w * v).sum::<f32>() + b)
                .collect()
        }
        other => panic!("the reference does not evaluate {}", other.dialect_name()),
    }
}

struct ConvGeometry {
    input: Vec<usize>,
    weight: Vec<usize>,
    output: Vec<usize>,
    stride: usize,
    pad: usize,
    groups: usize,
}

fn conv2d(geometry: &ConvGeometry, input: &[f32], weight: &[f32], bias: Option<&[f32]>) -> Vec<f32> {
    let (height, width) = (geometry.input[2], geometry.input[3]);
    let (filters, per_group, kernel) = (geometry.weight[0], geometry.weight[1], geometry.weight[2]);
    let (out_height, out_width) = (geometry.output[2], geometry.output[3]);
    let (stride, pad) = (geometry.stride, geometry.pad);
    let filters_per_group = filters / geometry.groups;
    let mut output = vec![0.0f32; filters * out_height * out_width];
    for (filter, out_plane) in output.chunks_mut(out_height * out_width).enumerate() {
        out_plane.fill(bias.map_or(0.0, |bias| bias[filter]));
        let group = filter / filters_per_group;
        for channel_in_group in 0..per_group {
            let channel = group * per_group + channel_in_group;
            let in_plane = &input[channel * height * width..(channel + 1) * height * width];
            for ky in 0..kernel {
                for kx in 0..kernel {
                    let w = weight[((filter * per_group + channel_in_group) * kernel + ky) * kernel + kx];
                    // Output columns whose input column ox * stride + kx - pad lies inside the row.
                    let first = (pad.saturating_sub(kx)).div_ceil(stride);
                    let Some(last_in) = (width + pad).checked_sub(kx + 1) else { continue };
                    let end = (last_in / stride + 1).min(out_width);
                    for oy in 0..out_height {
                        let Some(iy) = (oy * stride + ky).checked_sub(pad).filter(|&iy| iy < height) else { continue };
                        let in_row = &in_plane[iy * width..(iy + 1) * width];
                        let out_row = &mut out_plane[oy * out_width..(oy + 1) * out_width];
                        for ox in first..end {
                            out_row[ox] += w * in_row[ox * stride + kx - pad];
                        }
                    }
                }
            }
        }
    }
    output
}

fn max_pool(input: &[usize], output: &[usize], kernel: usize, stride: usize, pad: usize, x: &[f32]) -> Vec<f32> {
    let (height, width) = (input[2], input[3]);
    let (out_height, out_width) = (output[2], output[3]);
    let mut result = Vec::with_capacity(input[1] * out_height * out_width);
    for plane in x.chunks(height * width) {
        for oy in 0..out_height {
            for ox in 0..out_width {
                let mut best = f32::NEG_INFINITY;
                for ky in 0..kernel {
                    for kx in 0..kernel {
                        let (iy, ix) = (oy * stride + ky, ox * stride + kx);
                        if iy >= pad && ix >= pad && iy - pad < height && ix - pad < width {
                            best = best.max(plane[(iy - pad) * width + ix - pad]);
                        }
                    }
                }
                result.push(best);
            }
        }
    }
    result
}

/// A deterministic image of unit variance, standing in for a normalised photograph.
pub fn test_image(len: usize) -> Vec<f32> {
    let mut state: u64 = 0x1234_5678_9abc_def1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Uniform on [-sqrt(3), sqrt(3)) has unit variance.
            ((state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) as f32 * 3f32.sqrt()
        })
        .collect()
}
