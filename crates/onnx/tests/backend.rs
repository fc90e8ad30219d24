//! Imports models from the Python side of the project's venv: the ONNX backend test models shipped in the `onnx`
//! package, and whole networks (ResNet-18, MobileNetV2, VGG-16 with narrow channels) written by `onnx` itself.
//!
//! For the backend models, the venv's own `onnx` is the oracle: it lists each model's opset, operators and the shapes of its reference
//! outputs (`test_data_set_0/output_N.pb`). Every model whose operators are all supported must import, or be
//! refused as an unsupported form of a supported operator (a 1-D or 3-D window, say); imported networks must
//! compute the reference output shapes. Every other model must be refused with the unsupported-operator error
//! naming its first unsupported operator. Nothing may panic. Every imported model of the pytorch-converted,
//! pytorch-operator and simple folders is then run by the reference interpreter on its stored inputs
//! (`test_data_set_0/input_N.pb`, read with [`read_tensor_file`]) and must match its stored outputs within a
//! tight tolerance (see [`RELATIVE`]), but for the listed [`INTERPRETER_GAPS`]. For the written networks,
//! onnxruntime gives the output shapes and numpy the weights' checksums.
//!
//! Without the venv the test fails when `CI` is `true` and otherwise passes with a notice; `scripts/setup.sh`
//! makes the venv.

mod common;

use autows_network::{Op, Tensor, TensorData, WeightLoader};
use autows_onnx::{import_file, read_tensor_file, supported_operators, OnnxError, OnnxWeights, MAX_OPSET, MIN_OPSET};
use common::venv::{venv_or_skip, Venv};
use std::{
    path::{Path, PathBuf},
    process::Command,
};

const FOLDERS: [&str; 4] = ["pytorch-converted", "pytorch-operator", "simple", "node"];

/// Lists, per model: path, standard opset, whether the inputs are static, operators, reference output shapes.
const ORACLE: &str = r#"
import glob, os, sys
import onnx

root = sys.argv[1]
for folder in sys.argv[2:]:
    for path in sorted(glob.glob(os.path.join(root, folder, "*", "model.onnx"))):
        model = onnx.load(path, load_external_data=False)
        opset = max([o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] or [0])
        initializers = {tensor.name for tensor in model.graph.initializer}
        static = all(
            dim.HasField("dim_value")
            for value in model.graph.input if value.name not in initializers
            for dim in value.type.tensor_type.shape.dim
        )
        ops = ",".join((node.domain + ":" if node.domain else "") + node.op_type for node in model.graph.node)
        outputs = []
        for index in range(len(model.graph.output)):
            reference = os.path.join(os.path.dirname(path), "test_data_set_0", f"output_{index}.pb")
            tensor = onnx.TensorProto()
            try:
                with open(reference, "rb") as file:
                    tensor.ParseFromString(file.read())
                outputs.append(",".join(str(dim) for dim in tensor.dims) or "scalar")
            except Exception:
                outputs.append("?")
        print("\t".join([path, str(opset), str(int(static)), ops, ";".join(outputs)]))
"#;

struct Expectation {
    path: PathBuf,
    opset: i64,
    static_inputs: bool,
    /// `domain:op` for other domains, `op` for the standard one, in node order.
    ops: Vec<String>,
    /// Reference output shapes, where readable.
    outputs: Vec<Option<Vec<i64>>>,
}

fn parse(line: &str) -> Expectation {
    let fields: Vec<&str> = line.split('\t').collect();
    assert_eq!(fields.len(), 5, "oracle line: {line}");
    let outputs = fields[4]
        .split(';')
        .filter(|text| !text.is_empty())
        .map(|text| match text {
            "?" => None,
            "scalar" => Some(vec![]),
            dims => dims.split(',').map(|dim| dim.parse().ok()).collect(),
        })
        .collect();
    Expectation {
        path: PathBuf::from(fields[0]),
        opset: fields[1].parse().expect("an opset"),
        static_inputs: fields[2] == "1",
        ops: fields[3].split(',').filter(|op| !op.is_empty()).map(str::to_string).collect(),
        outputs,
    }
}

#[test]
fn backend_test_models() {
    let Some(Venv { python, backend_data: data }) = venv_or_skip("the ONNX backend models") else {
        return;
    };
    let folders: Vec<&str> = FOLDERS.iter().copied().filter(|folder| data.join(folder).is_dir()).collect();
    let listing = Command::new(&python).arg("-c").arg(ORACLE).arg(&data).args(&folders).output().expect("python runs");
    assert!(listing.status.success(), "the oracle failed: {}", String::from_utf8_lossy(&listing.stderr));
    let models: Vec<Expectation> = String::from_utf8_lossy(&listing.stdout).lines().map(parse).collect();

    let supported: Vec<&str> = supported_operators().collect();
    let (mut imported, mut refused_ops, mut refused_forms, mut failures) = (vec![], vec![], vec![], vec![]);
    for model in &models {
        let name =
            model.path.parent().and_then(Path::file_name).map_or_else(String::new, |n| n.to_string_lossy().into());
        let first_unsupported = model.ops.iter().position(|op| !supported.contains(&op.as_str()));
        let result = std::panic::catch_unwind(|| import_file(&model.path));
        let Ok(result) = result else {
            failures.push(format!("{name}: the importer panicked"));
            continue;
        };
        match (result, first_unsupported) {
            (Err(OnnxError::UnsupportedOpset { version }), _) if !(MIN_OPSET..=MAX_OPSET).contains(&model.opset) => {
                assert_eq!(version, model.opset);
                refused_ops.push(format!("{name}: opset {version}"));
            }
            (Err(OnnxError::UnsupportedOp { op_type, node, .. }), Some(index)) => {
                let expected = model.ops[index].rsplit(':').next().unwrap_or_default();
                if op_type == expected {
                    refused_ops.push(format!("{name}: {op_type} (node '{node}')"));
                } else {
                    failures
                        .push(format!("{name}: refused {op_type}, but the first unsupported operator is {expected}"));
                }
            }
            (Err(OnnxError::UnsupportedForm { message, .. }), None) => refused_forms.push(format!("{name}: {message}")),
            (Ok(network), None) => {
                if model.static_inputs {
                    let computed: Vec<Vec<i64>> =
                        network.outputs.iter().map(|&id| network.ty(id).shape.clone()).collect();
                    for (index, reference) in model.outputs.iter().enumerate() {
                        if let Some(reference) = reference {
                            if computed.get(index) != Some(reference) {
                                failures.push(format!(
                                    "{name}: output {index} has shape {:?}, the reference {reference:?}",
                                    computed.get(index)
                                ));
                            }
                        }
                    }
                }
                if network.nodes.iter().any(|node| node.name.is_empty()) {
                    failures.push(format!("{name}: a node has no name"));
                }
                imported.push(name);
            }
            (Ok(_), Some(index)) => failures.push(format!("{name}: imported despite {}", model.ops[index])),
            (Err(error), _) => failures.push(format!("{name}: unexpected error: {error}")),
        }
    }
    println!("{} backend models from {}", models.len(), folders.join(", "));
    println!("imported ({}): {}", imported.len(), imported.join(", "));
    println!("refused for their operator or opset ({}):\n  {}", refused_ops.len(), refused_ops.join("\n  "));
    println!("refused as unsupported forms ({}):\n  {}", refused_forms.len(), refused_forms.join("\n  "));
    assert!(failures.is_empty(), "{} failures:\n  {}", failures.len(), failures.join("\n  "));
    assert!(!models.is_empty() && imported.len() >= models.len() / 4, "too few backend models import");
}

/// Writes whole networks with `onnx` (random weights, narrow channels), runs them in onnxruntime and prints, per
/// model: path, output shapes, and `initializer=checksum` for every initializer.
const WRITER: &str = r#"
import os, sys
import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

out_dir = sys.argv[1]
rng = np.random.default_rng(7)

def fnv1a64(data):
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "fnv1a64:%016x" % value

class Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0
    def name(self, kind):
        self.count += 1
        return "%s%d" % (kind, self.count)
    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(array, name))
        return name
    def weight(self, name, shape):
        return self.init(name, rng.standard_normal(shape).astype(np.float32) * 0.1)
    def node(self, op, inputs, name=None, **attributes):
        name = name or self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [name + "_out"], name=name, **attributes))
        return name + "_out"
    def conv(self, x, cin, cout, k, stride=1, group=1, bias=False):
        name = self.name("conv")
        inputs = [x, self.weight(name + ".weight", (cout, cin // group, k, k))]
        if bias:
            inputs.append(self.weight(name + ".bias", (cout,)))
        return self.node("Conv", inputs, name, kernel_shape=[k, k], strides=[stride, stride],
                         pads=[k // 2] * 4, group=group)
    def bn(self, x, c):
        name = self.name("bn")
        parts = [self.weight(name + "." + part, (c,)) for part in ("scale", "bias", "mean")]
        var = self.init(name + ".var", (rng.random(c) + 0.5).astype(np.float32))
        return self.node("BatchNormalization", [x] + parts + [var], name, epsilon=1e-5)
    def gemm(self, x, cin, cout):
        name = self.name("fc")
        return self.node("Gemm", [x, self.weight(name + ".weight", (cout, cin)), self.weight(name + ".bias", (cout,))],
                         name, transB=1)

def save(graph, name, opset, x_shape, y, external=False):
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, x_shape)
    out = helper.make_tensor_value_info(y, TensorProto.FLOAT, None)
    model = helper.make_model(helper.make_graph(graph.nodes, name, [x], [out], graph.inits),
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    checksums = ["%s=%s" % (t.name, fnv1a64(numpy_helper.to_array(t).tobytes())) for t in graph.inits
                 if t.data_type == TensorProto.FLOAT]
    onnx.save(model, path, save_as_external_data=external, all_tensors_to_one_file=True,
              location="weights.bin", size_threshold=0)
    batch = [1 if isinstance(d, str) else d for d in x_shape]
    outputs = onnxruntime.InferenceSession(path).run(None, {"input": rng.random(batch).astype(np.float32)})
    print("\t".join([path, ";".join(",".join(map(str, o.shape)) for o in outputs)] + checksums))

def resnet18():
    g = Graph()
    x = g.node("Relu", [g.bn(g.conv("input", 3, 8, 7, stride=2), 8)])
    x = g.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    cin = 8
    for cout, stride in [(8, 1), (16, 2), (32, 2), (64, 2)]:
        for block in range(2):
            s = stride if block == 0 else 1
            y = g.node("Relu", [g.bn(g.conv(x, cin, cout, 3, stride=s), cout)])
            y = g.bn(g.conv(y, cout, cout, 3), cout)
            shortcut = g.bn(g.conv(x, cin, cout, 1, stride=s), cout) if (s != 1 or cin != cout) else x
            x = g.node("Relu", [g.node("Add", [y, shortcut])])
            cin = cout
    x = g.node("Flatten", [g.node("GlobalAveragePool", [x])], axis=1)
    save(g, "resnet18", 17, ["N", 3, 64, 64], g.gemm(x, 64, 10), external=True)

def mobilenet_v2():
    g = Graph()
    low, high = g.init("relu6.min", np.array(0.0, np.float32)), g.init("relu6.max", np.array(6.0, np.float32))
    relu6 = lambda x: g.node("Clip", [x, low, high])
    x = relu6(g.bn(g.conv("input", 3, 8, 3, stride=2), 8))
    cin = 8
    for expand, cout, repeats, stride in [(1, 8, 1, 1), (6, 12, 2, 2), (6, 16, 3, 2), (6, 24, 1, 1)]:
        for block in range(repeats):
            s = stride if block == 0 else 1
            hidden = cin * expand
            y = relu6(g.bn(g.conv(x, cin, hidden, 1), hidden)) if expand != 1 else x
            y = relu6(g.bn(g.conv(y, hidden, hidden, 3, stride=s, group=hidden), hidden))
            y = g.bn(g.conv(y, hidden, cout, 1), cout)
            x = g.node("Add", [x, y]) if (s == 1 and cin == cout) else y
            cin = cout
    x = relu6(g.bn(g.conv(x, cin, 64, 1), 64))
    x = g.node("Flatten", [g.node("GlobalAveragePool", [x])])
    ratio = g.init("dropout.ratio", np.array(0.2, np.float32))
    x = g.node("Dropout", [x, ratio])
    save(g, "mobilenet_v2", 13, [1, 3, 32, 32], g.gemm(x, 64, 10))

def vgg16():
    g = Graph()
    x, cin = "input", 3
    for width, convs in [(8, 2), (16, 2), (32, 3), (32, 3), (32, 3)]:
        for _ in range(convs):
            x = g.node("Relu", [g.conv(x, cin, width, 3, bias=True)])
            cin = width
        x = g.node("MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = g.node("Reshape", [x, g.init("flatten.shape", np.array([0, -1], np.int64))])
    for cout in (64, 64):
        x = g.node("Dropout", [g.node("Relu", [g.gemm(x, cin, cout)])])
        cin = cout
    save(g, "vgg16", 21, [1, 3, 32, 32], g.node("Softmax", [g.gemm(x, cin, 10)], axis=1))

def legacy_forms():
    g = Graph()
    x = g.node("Conv", ["input", g.weight("w", (4, 2, 3, 3))], auto_pad="SAME_LOWER", strides=[2, 2])
    x = g.node("Pad", [x, g.init("pads", np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64))], mode="reflect")
    x = g.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
    x = g.node("AveragePool", [x], kernel_shape=[2, 2], strides=[1, 1], pads=[0, 0, 1, 1], count_include_pad=1)
    x = g.node("Unsqueeze", [x], axes=[0])
    x = g.node("Squeeze", [x], axes=[0])
    x = g.node("Concat", [x, x, x], axis=1)
    x = g.node("Softmax", [x], axis=1)
    save(g, "legacy_forms", 11, [1, 2, 9, 10], x)

resnet18()
mobilenet_v2()
vgg16()
legacy_forms()
"#;

#[test]
fn networks_written_by_the_onnx_package() {
    let Some(Venv { python, .. }) = venv_or_skip("the networks written by onnx") else {
        return;
    };
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("autows-onnx/written");
    std::fs::create_dir_all(&out).expect("the output folder can be made");
    let written = Command::new(&python).arg("-c").arg(WRITER).arg(&out).output().expect("python runs");
    assert!(written.status.success(), "the writer failed: {}", String::from_utf8_lossy(&written.stderr));
    let listing = String::from_utf8_lossy(&written.stdout).into_owned();
    let mut convolutions = Vec::new();
    for line in listing.lines() {
        let mut fields = line.split('\t');
        let path = fields.next().expect("a path");
        let reference: Vec<Vec<i64>> = fields
            .next()
            .expect("output shapes")
            .split(';')
            .map(|shape| shape.split(',').map(|dim| dim.parse().expect("a dimension")).collect())
            .collect();
        let network = import_file(path).unwrap_or_else(|error| panic!("{path}: {error}"));
        let computed: Vec<Vec<i64>> = network.outputs.iter().map(|&id| network.ty(id).shape.clone()).collect();
        assert_eq!(computed, reference, "{path}: output shapes");
        // Every float initializer is a weight whose checksum is numpy's, and loads back (from external data for
        // ResNet-18).
        let weights = OnnxWeights::new();
        for entry in fields {
            let (key, expected) = entry.split_once('=').expect("name=checksum");
            let found = network.nodes.iter().find_map(|node| match &node.op {
                Op::Weight { source, key: found, checksum } if found == key => Some((source, checksum)),
                _ => None,
            });
            let Some((source, checksum)) = found else {
                assert!(key.starts_with("relu6") || key.starts_with("dropout"), "{path}: no weight {key}");
                continue;
            };
            assert_eq!(checksum, expected, "{path}: {key}");
            weights.load(source, key, checksum).unwrap_or_else(|error| panic!("{path}: {error}"));
        }
        let count = network.nodes.iter().filter(|node| matches!(node.op, Op::Conv2d { .. })).count();
        convolutions.push((network.name.clone(), count));
    }
    assert!(Path::new(&out).join("resnet18/weights.bin").exists(), "ResNet-18 keeps its weights outside");
    let expected = [("resnet18", 20), ("mobilenet_v2", 22), ("vgg16", 13), ("legacy_forms", 1)];
    let expected: Vec<(String, usize)> = expected.iter().map(|(name, count)| (name.to_string(), *count)).collect();
    assert_eq!(convolutions, expected);
}

/// The backend folders whose models come with reference inputs and outputs the interpreter is run on.
const COMPUTED_FOLDERS: [&str; 3] = ["pytorch-converted", "pytorch-operator", "simple"];

/// Imported backend models the interpreter refuses, with the words of its error: each is a gap of the
/// interpreter, not of the importer. The test fails if one of them starts to run (remove it here then) or fails
/// otherwise.
const INTERPRETER_GAPS: &[(&str, &str)] = &[
    // Add and Mul of int64 tensors: the interpreter's arithmetic is f32 only.
    (
        "pytorch-operator/test_operator_non_float_params",
        "node 'Add_0' (add): the left operand must have f32 elements, got i64",
    ),
];

/// A reference output element `expected` is matched by `found` when `|found - expected|` is at most
/// `RELATIVE * |expected| + ABSOLUTE * scale`, `scale` being the output's largest magnitude (at least 1): some
/// eighty f32 roundings, for operators whose sums the two sides order differently. Observed: every matching
/// output is within `1e-7 * scale` but one element of `test_BatchNorm2d_momentum_eval`, one rounding off.
const RELATIVE: f64 = 1e-5;
/// See [`RELATIVE`].
const ABSOLUTE: f64 = 1e-6;

/// Where `found` departs furthest from `expected` beyond the tolerance, if it does: (index, found, expected).
fn mismatch(found: &Tensor, expected: &Tensor) -> Result<Option<(usize, f64, f64)>, String> {
    if found.shape != expected.shape {
        return Err(format!("shape {:?}, the reference {:?}", found.shape, expected.shape));
    }
    if found.data.element() != expected.data.element() {
        return Err(format!("element type {:?}, the reference {:?}", found.data.element(), expected.data.element()));
    }
    if !matches!(found.data, TensorData::F32(_)) {
        let (ours, theirs) = (found.data.to_i64(), expected.data.to_i64());
        let index = ours.iter().zip(&theirs).position(|(a, b)| a != b);
        return Ok(index.map(|index| (index, ours[index] as f64, theirs[index] as f64)));
    }
    let (ours, theirs) = (found.data.to_f32(), expected.data.to_f32());
    let scale = theirs.iter().fold(1.0f64, |scale, &value| scale.max(f64::from(value.abs())));
    let mut worst: Option<(usize, f64, f64, f64)> = None;
    for (index, (&a, &b)) in ours.iter().zip(&theirs).enumerate() {
        let (a, b) = (f64::from(a), f64::from(b));
        let excess = (a - b).abs() - (RELATIVE * b.abs() + ABSOLUTE * scale);
        let same_non_finite = a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        if (excess > 0.0 || excess.is_nan()) && !same_non_finite && worst.is_none_or(|(_, _, _, most)| excess > most) {
            worst = Some((index, a, b, if excess.is_nan() { f64::INFINITY } else { excess }));
        }
    }
    Ok(worst.map(|(index, a, b, _)| (index, a, b)))
}

#[test]
fn imported_backend_models_compute_their_reference_outputs() {
    let Some(Venv { backend_data, .. }) = venv_or_skip("the ONNX backend models' reference outputs") else {
        return;
    };
    let (mut matched, mut gaps, mut not_imported, mut failures) = (Vec::new(), Vec::new(), 0, Vec::new());
    for folder in COMPUTED_FOLDERS {
        let mut models: Vec<PathBuf> = std::fs::read_dir(backend_data.join(folder))
            .unwrap_or_else(|error| panic!("{folder}: {error}"))
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.join("model.onnx").is_file())
            .collect();
        models.sort();
        for model in models {
            let name =
                format!("{folder}/{}", model.file_name().map_or_else(String::new, |n| n.to_string_lossy().into()));
            let Ok(network) = import_file(model.join("model.onnx")) else {
                not_imported += 1;
                continue;
            };
            let data = model.join("test_data_set_0");
            let read = |kind: &str| -> Result<Vec<Tensor>, String> {
                (0..)
                    .map(|index| data.join(format!("{kind}_{index}.pb")))
                    .take_while(|path| path.is_file())
                    .map(|path| read_tensor_file(&path).map_err(|error| format!("{}: {error}", path.display())))
                    .collect()
            };
            let (inputs, expected) = match (read("input"), read("output")) {
                (Ok(inputs), Ok(outputs)) => (inputs, outputs),
                (Err(error), _) | (_, Err(error)) => {
                    failures.push(format!("{name}: {error}"));
                    continue;
                }
            };
            let gap = INTERPRETER_GAPS.iter().find(|(model, _)| *model == name).map(|(_, words)| *words);
            let outputs = match (autows_interp::run(&network, &inputs, &OnnxWeights::new()), gap) {
                (Ok(_), Some(_)) => {
                    failures.push(format!("{name}: the interpreter now runs it; remove it from INTERPRETER_GAPS"));
                    continue;
                }
                (Ok(outputs), None) => outputs,
                (Err(error), Some(words)) if error.to_string().contains(words) => {
                    gaps.push(format!("{name}: {error}"));
                    continue;
                }
                (Err(error), _) => {
                    failures.push(format!("{name}: the interpreter fails: {error}"));
                    continue;
                }
            };
            if outputs.len() != expected.len() {
                failures.push(format!("{name}: {} outputs, the reference has {}", outputs.len(), expected.len()));
                continue;
            }
            let mut agrees = true;
            for (index, (found, expected)) in outputs.iter().zip(&expected).enumerate() {
                match mismatch(found, expected) {
                    Ok(None) => {}
                    Ok(Some((element, found, expected))) => {
                        agrees = false;
                        failures.push(format!(
                            "{name}: output {index} element {element} is {found:e}, the reference {expected:e}"
                        ));
                    }
                    Err(message) => {
                        agrees = false;
                        failures.push(format!("{name}: output {index} has {message}"));
                    }
                }
            }
            if agrees {
                matched.push(name);
            }
        }
    }
    println!("{} imported backend models match their reference outputs: {}", matched.len(), matched.join(", "));
    println!("{} imported backend models the interpreter cannot run:\n  {}", gaps.len(), gaps.join("\n  "));
    println!("{not_imported} backend models do not import (see backend_test_models)");
    assert_eq!(gaps.len(), INTERPRETER_GAPS.len(), "every listed interpreter gap is met");
    assert!(failures.is_empty(), "{} failures:\n  {}", failures.len(), failures.join("\n  "));
    assert!(matched.len() >= 20, "too few backend models match");
}
