//! Times the interpreter on ResNet-18 at 224x224 with random weights (batch normalisation folded into the
//! convolutions' biases), in float and quantised to `w4a5`.
//!
//! `cargo run --release -p autows-interp --example resnet18`

use autows_interp::{run, run_quantized, QuantSpec};
use autows_network::{Network, Op, Tensor, TensorType, ValueId, WeightError, WeightLoader, Window2d};
use std::{collections::HashMap, time::Instant};

/// Serves the generated weights from memory.
#[derive(Default)]
struct Weights(HashMap<String, Tensor>);

impl WeightLoader for Weights {
    fn handles(&self, source: &str) -> bool {
        source == "random"
    }

    fn load(&self, source: &str, key: &str, _checksum: &str) -> Result<Tensor, WeightError> {
        self.0.get(key).cloned().ok_or(WeightError::MissingKey { source_name: source.into(), key: key.into() })
    }
}

/// Builds the network and its weights from a fixed seed.
struct Builder {
    network: Network,
    weights: Weights,
    state: u64,
}

impl Builder {
    fn uniform(&mut self) -> f32 {
        self.state = self.state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.state >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }

    fn weight(&mut self, name: &str, shape: &[i64], scale: f32) -> ValueId {
        let count = shape.iter().product::<i64>() as usize;
        let values: Vec<f32> = (0..count).map(|_| self.uniform() * scale).collect();
        let tensor = Tensor::from_f32(shape.to_vec(), values).expect("sizes match");
        let checksum = tensor.checksum();
        self.weights.0.insert(name.to_string(), tensor);
        self.network.add_weight(name, TensorType::f32(shape), "random", name, checksum)
    }

    fn conv(&mut self, name: &str, x: ValueId, filters: i64, kernel: i64, stride: i64, relu: bool) -> ValueId {
        let channels = self.network.ty(x).shape[1];
        let scale = (3.0 / (channels * kernel * kernel) as f32).sqrt();
        let w = self.weight(&format!("{name}.weight"), &[filters, channels, kernel, kernel], scale);
        let b = self.weight(&format!("{name}.bias"), &[filters], 0.1);
        let pad = kernel / 2;
        let op = Op::Conv2d { strides: [stride; 2], pads: [pad; 4], dilations: [1, 1], groups: 1 };
        let y = self.network.add(name, op, &[x, w, b]).expect("valid convolution");
        if relu {
            self.network.add(format!("{name}.relu"), Op::Relu, &[y]).expect("valid relu")
        } else {
            y
        }
    }

    fn block(&mut self, name: &str, x: ValueId, filters: i64, stride: i64) -> ValueId {
        let y = self.conv(&format!("{name}.conv1"), x, filters, 3, stride, true);
        let y = self.conv(&format!("{name}.conv2"), y, filters, 3, 1, false);
        let shortcut = if stride == 1 && self.network.ty(x).shape[1] == filters {
            x
        } else {
            self.conv(&format!("{name}.downsample"), x, filters, 1, stride, false)
        };
        let sum = self.network.add(format!("{name}.add"), Op::Add, &[y, shortcut]).expect("valid add");
        self.network.add(format!("{name}.relu"), Op::Relu, &[sum]).expect("valid relu")
    }
}

fn resnet18() -> (Network, Weights) {
    let mut builder = Builder { network: Network::new("resnet18"), weights: Weights::default(), state: 1 };
    let x = builder.network.add_input("input", TensorType::f32([1, 3, 224, 224]));
    let mut y = builder.conv("conv1", x, 64, 7, 2, true);
    let window = Window2d { kernel: [3, 3], strides: [2, 2], pads: [1; 4], dilations: [1, 1] };
    y = builder.network.add("maxpool", Op::MaxPool { window, ceil_mode: false }, &[y]).expect("valid pool");
    for (stage, filters) in [64, 128, 256, 512].into_iter().enumerate() {
        let stride = if stage == 0 { 1 } else { 2 };
        y = builder.block(&format!("layer{}.0", stage + 1), y, filters, stride);
        y = builder.block(&format!("layer{}.1", stage + 1), y, filters, 1);
    }
    y = builder.network.add("avgpool", Op::GlobalAvgPool, &[y]).expect("valid pool");
    y = builder.network.add("flatten", Op::Flatten { axis: 1 }, &[y]).expect("valid flatten");
    let w = builder.weight("fc.weight", &[1000, 512], (3.0f32 / 512.0).sqrt());
    let b = builder.weight("fc.bias", &[1000], 0.1);
    let gemm = Op::Gemm { trans_a: false, trans_b: true, alpha: 1.0, beta: 1.0 };
    y = builder.network.add("fc", gemm, &[y, w, b]).expect("valid gemm");
    builder.network.outputs.push(y);
    (builder.network, builder.weights)
}

fn main() {
    let (network, weights) = resnet18();
    let macs = autows_network::counts::macs(&network);
    let mut builder = Builder { network: Network::new("input"), weights: Weights::default(), state: 7 };
    let pixels: Vec<f32> = (0..3 * 224 * 224).map(|_| builder.uniform()).collect();
    let input = Tensor::from_f32([1, 3, 224, 224], pixels).expect("sizes match");

    let start = Instant::now();
    let float = match run(&network, std::slice::from_ref(&input), &weights) {
        Ok(outputs) => outputs,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    println!("float: {seconds:.2} s for {:.2} GMAC ({:.2} GMAC/s)", macs as f64 / 1e9, macs as f64 / 1e9 / seconds);

    let start = Instant::now();
    let quantized = match run_quantized(&network, &[input], &weights, &QuantSpec::reference()) {
        Ok(outputs) => outputs,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    };
    println!("w4a5:  {:.2} s", start.elapsed().as_secs_f64());
    let top = |values: &[f32]| {
        values.iter().enumerate().fold((0, f32::NEG_INFINITY), |best, (i, &v)| if v > best.1 { (i, v) } else { best })
    };
    println!("float top-1 {:?}, w4a5 top-1 {:?}", top(&float[0].data.to_f32()), top(&quantized[0].real.data.to_f32()));
}
