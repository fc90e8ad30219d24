//! Exported models run in ONNX Runtime compute what the reference interpreter computes on the same network.
//!
//! Each network is exported to a file (the zoo models with external data), checked by the `onnx` checker with
//! full shape inference, and run by `onnxruntime_run.py` in the project's venv on the inputs the interpreter
//! gets (`autows_zoo::sample_inputs`), passed as raw little-endian files.
//!
//! # Tolerance
//!
//! Both sides compute in f32 but sum in different orders (ONNX Runtime blocks and vectorises its convolutions
//! and matrix products; the interpreter sums in index order), so results differ by rounding. Rounding errors of
//! a sum grow with its length and are carried through every later layer; relative to a single value they are
//! unbounded where results cancel to nearly zero. So each float output is compared as a whole, relative to its
//! magnitude: the largest absolute difference must be at most `1e-4` times the largest absolute value of the
//! ONNX Runtime output. Observed: at most `1e-6` (LeNet 8.1e-7, MobileNetV2 8.5e-7, ResNet-18 6.5e-7), a
//! hundredfold margin; flipping one pooling attribute of the every-operation network, whose pooled values pass
//! through a sigmoid and a softmax, already gives 7.6e-3 (`a_wrong_attribute_is_far_outside_the_tolerance`).
//! Integer outputs must be equal.
//!
//! The larger models are ignored by default (the interpreter takes minutes on them unoptimised); run them with
//! `cargo test --release -p autows-onnx --test onnxruntime -- --ignored --nocapture`.

mod common;

use autows_network::{Network, Op, Tensor, TensorData, WeightLoader};
use autows_onnx::{export_file, ExportOptions, ExternalData};
use common::{networks::every_operation, venv::venv_or_skip};
use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

/// The largest difference allowed, relative to the output's largest magnitude.
const RELATIVE_TOLERANCE: f64 = 1e-4;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/onnxruntime_run.py")
}

fn write_raw(path: &Path, data: &TensorData) {
    std::fs::write(path, data.to_le_bytes()).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

/// Reads the raw little-endian elements of an output ONNX Runtime wrote.
fn read_raw(path: &Path, element: &str, shape: Vec<i64>) -> Tensor {
    let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    fn words<const N: usize>(bytes: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
        bytes.chunks_exact(N).map(|chunk| chunk.try_into().expect("chunks have N bytes"))
    }
    let data = match element {
        "float32" => TensorData::F32(words::<4>(&bytes).map(f32::from_le_bytes).collect()),
        "int64" => TensorData::I64(words::<8>(&bytes).map(i64::from_le_bytes).collect()),
        "int32" => TensorData::I32(words::<4>(&bytes).map(i32::from_le_bytes).collect()),
        "int8" => TensorData::I8(bytes.iter().map(|&byte| byte as i8).collect()),
        other => panic!("unexpected element type {other}"),
    };
    Tensor { shape, data }
}

/// Runs the exported model at `model` in ONNX Runtime on `inputs`.
fn onnxruntime(python: &Path, model: &Path, inputs: &[Tensor]) -> Vec<Tensor> {
    let folder = model.with_extension("io");
    std::fs::create_dir_all(&folder).expect("the folder can be made");
    for (index, input) in inputs.iter().enumerate() {
        write_raw(&folder.join(format!("input_{index}.bin")), &input.data);
    }
    let run = Command::new(python).arg(script()).arg(model).arg(&folder).output().expect("python runs");
    assert!(
        run.status.success(),
        "{}: onnxruntime_run.py failed:\n{}",
        model.display(),
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout)
        .lines()
        .enumerate()
        .map(|(index, line)| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert!(fields.len() >= 3 && fields[0] == "output", "unexpected line: {line}");
            assert_eq!(fields[1], index.to_string(), "outputs come in order");
            let shape = fields[3..].iter().map(|dim| dim.parse().expect("a dimension")).collect();
            read_raw(&folder.join(format!("output_{index}.bin")), fields[2], shape)
        })
        .collect()
}

/// How far one output of the interpreter is from ONNX Runtime's.
#[derive(Debug)]
enum Agreement {
    /// Integer outputs, which must be equal, are.
    Equal,
    /// A float output.
    Float {
        /// The largest absolute difference.
        max_difference: f64,
        /// The largest absolute value of ONNX Runtime's output.
        magnitude: f64,
    },
}

impl Agreement {
    /// The largest difference relative to the output's magnitude.
    fn relative(&self) -> f64 {
        match *self {
            Agreement::Equal => 0.0,
            Agreement::Float { max_difference, magnitude: 0.0 } => max_difference,
            Agreement::Float { max_difference, magnitude } => max_difference / magnitude,
        }
    }

    fn within_tolerance(&self) -> bool {
        match *self {
            Agreement::Equal => true,
            Agreement::Float { max_difference, magnitude } => max_difference <= RELATIVE_TOLERANCE * magnitude,
        }
    }
}

impl std::fmt::Display for Agreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Agreement::Equal => write!(f, "equal integers"),
            Agreement::Float { max_difference, magnitude } => write!(
                f,
                "max |difference| {max_difference:.3e}, max |output| {magnitude:.3e}, relative {:.3e}",
                self.relative()
            ),
        }
    }
}

/// Compares one output; integer outputs must be equal.
fn agreement(name: &str, index: usize, interpreted: &Tensor, reference: &Tensor) -> Agreement {
    assert_eq!(interpreted.shape, reference.shape, "{name}: output {index} shape");
    assert_eq!(interpreted.data.element(), reference.data.element(), "{name}: output {index} element type");
    match (&interpreted.data, &reference.data) {
        (TensorData::F32(ours), TensorData::F32(theirs)) => {
            let (mut max_difference, mut magnitude) = (0.0f64, 0.0f64);
            for (&a, &b) in ours.iter().zip(theirs.iter()) {
                assert!(a.is_finite() && b.is_finite(), "{name}: output {index} is not finite ({a} vs {b})");
                max_difference = max_difference.max(f64::from((a - b).abs()));
                magnitude = magnitude.max(f64::from(b.abs()));
            }
            Agreement::Float { max_difference, magnitude }
        }
        _ => {
            assert_eq!(interpreted.data, reference.data, "{name}: integer output {index}");
            Agreement::Equal
        }
    }
}

/// Exports `network`, runs it in ONNX Runtime, runs `interpreted` (`network` itself, or a variant) in the
/// interpreter, and returns how far apart each output is.
fn compare(
    python: &Path,
    folder: &Path,
    network: &Network,
    interpreted: &Network,
    weights: &dyn WeightLoader,
    options: &ExportOptions,
) -> Vec<Agreement> {
    let name = format!("{} (opset {})", network.name, options.opset);
    let model = folder.join(format!("{}_opset{}.onnx", network.name, options.opset));
    let start = Instant::now();
    export_file(&model, network, weights, options).unwrap_or_else(|error| panic!("{name}: {error}"));
    let exported = start.elapsed();
    let inputs = autows_zoo::sample_inputs(network, 5);
    let start = Instant::now();
    let reference = onnxruntime(python, &model, &inputs);
    let in_onnxruntime = start.elapsed();
    let start = Instant::now();
    let outputs = autows_interp::run(interpreted, &inputs, weights).unwrap_or_else(|error| panic!("{name}: {error}"));
    let in_interpreter = start.elapsed();
    println!("{name}: export {exported:.1?}, onnxruntime {in_onnxruntime:.1?}, interpreter {in_interpreter:.1?}");
    assert_eq!(outputs.len(), reference.len(), "{name}: output count");
    outputs
        .iter()
        .zip(&reference)
        .enumerate()
        .map(|(index, (ours, theirs))| agreement(&name, index, ours, theirs))
        .collect()
}

/// Exports `network`, runs it in ONNX Runtime and in the interpreter, and checks that they agree.
fn cross_check(python: &Path, folder: &Path, network: &Network, weights: &dyn WeightLoader, options: &ExportOptions) {
    let name = format!("{} (opset {})", network.name, options.opset);
    for (index, agreement) in compare(python, folder, network, network, weights, options).iter().enumerate() {
        println!("{name} output {index}: {agreement}");
        assert!(agreement.within_tolerance(), "{name}: output {index} differs from onnxruntime: {agreement}");
    }
}

fn cross_check_zoo(models: &[&str]) {
    let Some(venv) = venv_or_skip("the exported zoo models in onnxruntime") else {
        return;
    };
    let folder = common::scratch_dir(&format!("onnxruntime_{}", models.join("_")));
    let weights = autows_zoo::ZooWeights::new();
    for name in models {
        let network = autows_zoo::build(name).unwrap();
        let options = ExportOptions { external_data: Some(ExternalData::default()), ..ExportOptions::default() };
        cross_check(&venv.python, &folder, &network, &weights, &options);
    }
}

#[test]
fn every_operation_agrees_with_onnxruntime() {
    let Some(venv) = venv_or_skip("the exported operations in onnxruntime") else {
        return;
    };
    let folder = common::scratch_dir("onnxruntime_every_operation");
    let (network, weights) = every_operation();
    // The oldest opset with every operator, the default, the newest.
    for opset in [14, autows_onnx::DEFAULT_OPSET, autows_onnx::MAX_OPSET] {
        cross_check(&venv.python, &folder, &network, &weights, &ExportOptions { opset, external_data: None });
    }
}

/// The comparison can fail: an attribute the exporter dropped or got wrong shows far above the tolerance.
#[test]
fn a_wrong_attribute_is_far_outside_the_tolerance() {
    let Some(venv) = venv_or_skip("the exported operations in onnxruntime") else {
        return;
    };
    let folder = common::scratch_dir("onnxruntime_wrong_attribute");
    let (network, weights) = every_operation();
    let mut variant = network.clone();
    for node in &mut variant.nodes {
        if let Op::AvgPool { count_include_pad, .. } = &mut node.op {
            *count_include_pad = !*count_include_pad;
        }
    }
    let agreements = compare(&venv.python, &folder, &network, &variant, &weights, &ExportOptions::default());
    for (index, agreement) in agreements.iter().enumerate() {
        println!("with count_include_pad flipped, output {index}: {agreement}");
    }
    let worst = agreements.iter().map(Agreement::relative).fold(0.0, f64::max);
    assert!(worst > 10.0 * RELATIVE_TOLERANCE, "{agreements:?}");
}

#[test]
fn lenet_agrees_with_onnxruntime() {
    cross_check_zoo(&["lenet"]);
}

#[test]
fn mobilenetv2_agrees_with_onnxruntime() {
    cross_check_zoo(&["mobilenetv2"]);
}

#[test]
fn resnet18_agrees_with_onnxruntime() {
    cross_check_zoo(&["resnet18"]);
}

#[test]
fn vgg16_agrees_with_onnxruntime() {
    cross_check_zoo(&["vgg16"]);
}

/// Outputs ONNX writes differently from node results: one value listed twice, a graph input, a weight.
#[test]
fn unusual_outputs_agree_with_onnxruntime() {
    let Some(venv) = venv_or_skip("unusual outputs in onnxruntime") else {
        return;
    };
    let folder = common::scratch_dir("onnxruntime_unusual_outputs");
    let mut b = common::networks::Builder::new("unusual_outputs");
    let x = b.network.add_input("x", autows_network::TensorType::f32([2, 3]));
    let w = b.weight("w", &[2, 3], 1.0, 0.0);
    let y = b.add("sum", Op::Add, &[x, w]);
    b.network.outputs.extend([y, x, y, w]);
    cross_check(&venv.python, &folder, &b.network, &b.weights, &ExportOptions::default());
}
