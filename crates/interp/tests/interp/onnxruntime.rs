//! Cross-check against ONNX Runtime: random small networks, built with a fixed seed, run by the interpreter
//! and by `tests/onnx_reference.py` in the project's Python venv, compared element by element.

use crate::support::{tensor, values, MapLoader, Rng};
use autows_interp::run;
use autows_network::{Network, Op, PadMode, Tensor, TensorData, TensorType, ValueId, Window2d};
use std::{
    io::Write,
    path::PathBuf,
    process::{Command, Stdio},
};

const CASES: u64 = 300;
const OPSET: i64 = 19;

/// A JSON attribute value of an ONNX node.
enum Attr {
    Int(i64),
    Ints(Vec<i64>),
    Float(f32),
    Str(&'static str),
}

fn json_ints(values: &[i64]) -> String {
    format!("[{}]", values.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
}

fn json_bits(values: &[f32]) -> String {
    format!("[{}]", values.iter().map(|v| v.to_bits().to_string()).collect::<Vec<_>>().join(","))
}

fn json_attr(attr: &Attr) -> String {
    match attr {
        Attr::Int(value) => value.to_string(),
        Attr::Ints(values) => json_ints(values),
        // Debug formatting keeps a decimal point or exponent, so Python reads a float attribute.
        Attr::Float(value) => format!("{value:?}"),
        Attr::Str(text) => format!("\"{text}\""),
    }
}

fn name(id: ValueId) -> String {
    format!("v{}", id.0)
}

/// Collects the JSON pieces of one ONNX model.
#[derive(Default)]
struct Model {
    initializers: Vec<String>,
    nodes: Vec<String>,
}

impl Model {
    fn initializer(&mut self, name: &str, value: &Tensor) {
        let entry = match &value.data {
            TensorData::I64(values) => format!(
                "{{\"name\":\"{name}\",\"shape\":{},\"dtype\":\"int64\",\"values\":{}}}",
                json_ints(&value.shape),
                json_ints(values)
            ),
            data => format!(
                "{{\"name\":\"{name}\",\"shape\":{},\"dtype\":\"float\",\"bits\":{}}}",
                json_ints(&value.shape),
                json_bits(&data.to_f32())
            ),
        };
        self.initializers.push(entry);
    }

    fn ints(&mut self, name: &str, values: &[i64]) {
        let value = Tensor { shape: vec![values.len() as i64], data: TensorData::I64(values.to_vec().into()) };
        self.initializer(name, &value);
    }

    fn scalar(&mut self, name: &str, value: f32) {
        self.initializer(name, &Tensor { shape: vec![], data: TensorData::F32(vec![value].into()) });
    }

    fn node(&mut self, op_type: &str, inputs: &[String], output: ValueId, attrs: Vec<(&str, Attr)>) {
        let inputs: Vec<String> = inputs.iter().map(|input| format!("\"{input}\"")).collect();
        let attrs: Vec<String> = attrs.iter().map(|(key, value)| format!("\"{key}\":{}", json_attr(value))).collect();
        self.nodes.push(format!(
            "{{\"op_type\":\"{op_type}\",\"name\":\"n{}\",\"inputs\":[{}],\"outputs\":[\"{}\"],\"attributes\":{{{}}}}}",
            output.0,
            inputs.join(","),
            name(output),
            attrs.join(",")
        ));
    }
}

fn window_attrs(window: &Window2d, ceil_mode: bool) -> Vec<(&'static str, Attr)> {
    let mut attrs = vec![
        ("kernel_shape", Attr::Ints(window.kernel.to_vec())),
        ("strides", Attr::Ints(window.strides.to_vec())),
        ("pads", Attr::Ints(window.pads.to_vec())),
        ("ceil_mode", Attr::Int(i64::from(ceil_mode))),
    ];
    if window.dilations != [1, 1] {
        attrs.push(("dilations", Attr::Ints(window.dilations.to_vec())));
    }
    attrs
}

/// The JSON case for `network` on `inputs`, with ONNX operators equivalent to the graph operations.
fn export(index: u64, network: &Network, loader: &MapLoader, inputs: &[Tensor]) -> String {
    let mut model = Model::default();
    for node in &network.nodes {
        let args: Vec<String> = node.inputs.iter().map(|&id| name(id)).collect();
        let out = node.output;
        let own = |suffix: &str| format!("{}_{suffix}", name(out));
        match &node.op {
            Op::Constant { value } => model.initializer(&name(out), value),
            Op::Weight { key, .. } => model.initializer(&name(out), &loader.tensors[key]),
            Op::Conv2d { strides, pads, dilations, groups } => {
                let kernel = network.ty(node.inputs[1]).shape[2..].to_vec();
                let attrs = vec![
                    ("kernel_shape", Attr::Ints(kernel)),
                    ("strides", Attr::Ints(strides.to_vec())),
                    ("pads", Attr::Ints(pads.to_vec())),
                    ("dilations", Attr::Ints(dilations.to_vec())),
                    ("group", Attr::Int(*groups)),
                ];
                model.node("Conv", &args, out, attrs);
            }
            Op::Gemm { trans_a, trans_b, alpha, beta } => {
                let attrs = vec![
                    ("transA", Attr::Int(i64::from(*trans_a))),
                    ("transB", Attr::Int(i64::from(*trans_b))),
                    ("alpha", Attr::Float(*alpha)),
                    ("beta", Attr::Float(*beta)),
                ];
                model.node("Gemm", &args, out, attrs);
            }
            Op::Clip { min, max } => {
                model.scalar(&own("min"), *min);
                model.scalar(&own("max"), *max);
                model.node("Clip", &[args[0].clone(), own("min"), own("max")], out, vec![]);
            }
            Op::MaxPool { window, ceil_mode } => model.node("MaxPool", &args, out, window_attrs(window, *ceil_mode)),
            Op::AvgPool { window, ceil_mode, count_include_pad } => {
                let mut attrs = window_attrs(window, *ceil_mode);
                attrs.push(("count_include_pad", Attr::Int(i64::from(*count_include_pad))));
                model.node("AveragePool", &args, out, attrs);
            }
            Op::Concat { axis } => model.node("Concat", &args, out, vec![("axis", Attr::Int(*axis))]),
            Op::Flatten { axis } => model.node("Flatten", &args, out, vec![("axis", Attr::Int(*axis))]),
            Op::Reshape => {
                model.ints(&own("shape"), &network.ty(out).shape);
                model.node("Reshape", &[args[0].clone(), own("shape")], out, vec![]);
            }
            Op::Transpose { perm } => model.node("Transpose", &args, out, vec![("perm", Attr::Ints(perm.clone()))]),
            Op::Pad { pads, mode, value } => {
                model.ints(&own("pads"), pads);
                let mut pad_inputs = vec![args[0].clone(), own("pads")];
                if *mode == PadMode::Constant {
                    model.scalar(&own("value"), *value);
                    pad_inputs.push(own("value"));
                }
                let mode = match mode {
                    PadMode::Constant => "constant",
                    PadMode::Reflect => "reflect",
                    PadMode::Edge => "edge",
                };
                model.node("Pad", &pad_inputs, out, vec![("mode", Attr::Str(mode))]);
            }
            Op::BatchNorm { epsilon } => {
                model.node("BatchNormalization", &args, out, vec![("epsilon", Attr::Float(*epsilon))])
            }
            Op::Softmax { axis } => model.node("Softmax", &args, out, vec![("axis", Attr::Int(*axis))]),
            op => {
                let op_type = match op {
                    Op::MatMul => "MatMul",
                    Op::Relu => "Relu",
                    Op::Sigmoid => "Sigmoid",
                    Op::HardSwish => "HardSwish",
                    Op::Identity => "Identity",
                    Op::Dropout { .. } => "Dropout",
                    Op::Add => "Add",
                    Op::Sub => "Sub",
                    Op::Mul => "Mul",
                    Op::Div => "Div",
                    Op::Sqrt => "Sqrt",
                    Op::GlobalAvgPool => "GlobalAveragePool",
                    other => panic!("no ONNX mapping for {}", other.dialect_name()),
                };
                model.node(op_type, &args, out, vec![]);
            }
        }
    }
    let inputs: Vec<String> = network
        .inputs
        .iter()
        .zip(inputs)
        .map(|(&id, t)| {
            format!(
                "{{\"name\":\"{}\",\"shape\":{},\"bits\":{}}}",
                name(id),
                json_ints(&t.shape),
                json_bits(&values(t))
            )
        })
        .collect();
    let outputs: Vec<String> = network
        .outputs
        .iter()
        .map(|&id| format!("{{\"name\":\"{}\",\"shape\":{}}}", name(id), json_ints(&network.ty(id).shape)))
        .collect();
    format!(
        "{{\"name\":\"case{index}\",\"inputs\":[{}],\"initializers\":[{}],\"nodes\":[{}],\"outputs\":[{}]}}",
        inputs.join(","),
        model.initializers.join(","),
        model.nodes.join(","),
        outputs.join(",")
    )
}

/// `Some` unless ONNX shape inference and the ONNX Runtime kernels disagree on the output size. With
/// `ceil_mode`, a last window that would start past the input and its begin padding is dropped by the kernels
/// (and by PyTorch and our shape rule) but counted by ONNX shape inference, which then rejects the model when a
/// later operation depends on the size. Such windows cannot be compared, so the generator avoids them.
fn onnx_agrees_on_ceil_mode(window: &Window2d, input: [i64; 2], ceil_mode: bool) -> Option<()> {
    if !ceil_mode {
        return Some(());
    }
    for (axis, &input) in input.iter().enumerate() {
        let size = input + window.pads[axis] + window.pads[axis + 2];
        let extent = window.dilations[axis] * (window.kernel[axis] - 1) + 1;
        let stride = window.strides[axis];
        if size < extent {
            return None;
        }
        let count = (size - extent + stride - 1) / stride + 1;
        if (count - 1) * stride >= input + window.pads[axis] {
            return None;
        }
    }
    Some(())
}

/// Builds a random network around a 4-D activation, one operation at a time.
struct Generator {
    rng: Rng,
    network: Network,
    loader: MapLoader,
    count: usize,
    /// Activations computed so far, for operations with two operands.
    activations: Vec<ValueId>,
    /// Whether the current activation is known to be non-negative (so `sqrt` stays real).
    non_negative: bool,
}

impl Generator {
    fn fresh(&mut self, prefix: &str) -> String {
        self.count += 1;
        format!("{prefix}{}", self.count)
    }

    fn shape(&self, id: ValueId) -> Vec<i64> {
        self.network.ty(id).shape.clone()
    }

    fn constant(&mut self, shape: &[i64], scale: f32) -> ValueId {
        let count = shape.iter().product::<i64>() as usize;
        let values = self.rng.floats(count, scale);
        let name = self.fresh("const");
        crate::support::constant(&mut self.network, &name, shape, values)
    }

    fn weight(&mut self, shape: &[i64], scale: f32) -> ValueId {
        let count = shape.iter().product::<i64>() as usize;
        let values = self.rng.floats(count, scale);
        let name = self.fresh("weight");
        self.loader.weight(&mut self.network, &name, shape, values)
    }

    fn add(&mut self, op: Op, inputs: &[ValueId]) -> Option<ValueId> {
        let name = self.fresh("node");
        self.network.add(name, op, inputs).ok()
    }

    fn window(&mut self, max_kernel: i64, dilate: bool) -> Window2d {
        let kernel = [self.rng.range(1, max_kernel), self.rng.range(1, max_kernel)];
        let pad = |rng: &mut Rng, k: i64| rng.range(0, k / 2);
        let pads = [
            pad(&mut self.rng, kernel[0]),
            pad(&mut self.rng, kernel[1]),
            pad(&mut self.rng, kernel[0]),
            pad(&mut self.rng, kernel[1]),
        ];
        let dilation = if dilate && self.rng.chance(30) { 2 } else { 1 };
        Window2d { kernel, strides: [self.rng.range(1, 3), self.rng.range(1, 2)], pads, dilations: [dilation; 2] }
    }

    /// One random operation on `x`; `None` when the parameters drawn do not fit its shape.
    fn step(&mut self, x: ValueId) -> Option<ValueId> {
        let [n, c, h, w] = self.shape(x)[..] else { return None };
        let choice = self.rng.range(0, 21);
        let mut non_negative = false;
        let y = match choice {
            0..=3 => {
                let groups = *self.rng.pick(&[1, 1, c, if c % 2 == 0 { 2 } else { 1 }]);
                let filters = groups * self.rng.range(1, 3);
                let (kh, kw) = (self.rng.range(1, 3), self.rng.range(1, 3));
                let fan_in = (c / groups * kh * kw) as f32;
                let weight = self.weight(&[filters, c / groups, kh, kw], 1.5 / fan_in.sqrt());
                let mut inputs = vec![x, weight];
                if self.rng.chance(60) {
                    inputs.push(self.weight(&[filters], 0.5));
                }
                let pad = |rng: &mut Rng| rng.range(0, 2);
                let op = Op::Conv2d {
                    strides: [self.rng.range(1, 2), self.rng.range(1, 2)],
                    pads: [pad(&mut self.rng), pad(&mut self.rng), pad(&mut self.rng), pad(&mut self.rng)],
                    dilations: [self.rng.range(1, 2), self.rng.range(1, 2)],
                    groups,
                };
                self.add(op, &inputs)
            }
            4 => {
                let window = self.window(3, true);
                let ceil_mode = self.rng.chance(50);
                onnx_agrees_on_ceil_mode(&window, [h, w], ceil_mode)?;
                self.add(Op::MaxPool { window, ceil_mode }, &[x])
            }
            5 => {
                let window = self.window(3, false);
                let (ceil_mode, count_include_pad) = (self.rng.chance(50), self.rng.chance(50));
                onnx_agrees_on_ceil_mode(&window, [h, w], ceil_mode)?;
                self.add(Op::AvgPool { window, ceil_mode, count_include_pad }, &[x])
            }
            6 => {
                non_negative = true;
                self.add(Op::Relu, &[x])
            }
            7 => {
                let min = self.rng.unit();
                let max = min + 0.1 + self.rng.unit().abs();
                self.add(Op::Clip { min, max }, &[x])
            }
            8 => {
                non_negative = true;
                self.add(Op::Sigmoid, &[x])
            }
            9 => self.add(Op::HardSwish, &[x]),
            10 => {
                let op = if self.rng.chance(50) { Op::Identity } else { Op::Dropout { ratio: 0.3 } };
                self.add(op, &[x])
            }
            11 | 12 => {
                let op = self.rng.pick(&[Op::Add, Op::Sub, Op::Mul]).clone();
                let same: Vec<ValueId> =
                    self.activations.iter().copied().filter(|&id| self.shape(id) == [n, c, h, w]).collect();
                let other = if !same.is_empty() && self.rng.chance(50) {
                    *self.rng.pick(&same)
                } else {
                    let shapes = [vec![c, 1, 1], vec![1], vec![1, c, 1, 1], vec![n, c, h, w], vec![w]];
                    let shape = self.rng.pick(&shapes).clone();
                    self.constant(&shape, 1.0)
                };
                if self.rng.chance(50) {
                    self.add(op, &[x, other])
                } else {
                    self.add(op, &[other, x])
                }
            }
            13 => {
                // Divisors between 0.5 and 2, away from zero.
                let divisors: Vec<f32> = (0..c).map(|_| 0.5 + self.rng.unit().abs() * 1.5).collect();
                let name = self.fresh("divisor");
                let divisor = crate::support::constant(&mut self.network, &name, &[c, 1, 1], divisors);
                self.add(Op::Div, &[x, divisor])
            }
            14 | 15 if self.non_negative => {
                non_negative = true;
                self.add(Op::Sqrt, &[x])
            }
            14 | 15 => {
                let scale = self.weight(&[c], 1.0);
                let bias = self.weight(&[c], 1.0);
                let mean = self.weight(&[c], 1.0);
                let variance: Vec<f32> = (0..c).map(|_| 0.1 + self.rng.unit().abs()).collect();
                let variance_name = self.fresh("var");
                let variance = self.loader.weight(&mut self.network, &variance_name, &[c], variance);
                self.add(Op::BatchNorm { epsilon: 1e-5 }, &[x, scale, bias, mean, variance])
            }
            16 | 17 => {
                let mode = *self.rng.pick(&[PadMode::Constant, PadMode::Reflect, PadMode::Edge]);
                let (top, left) = (self.rng.range(0, 2.min(h - 1)), self.rng.range(0, 2.min(w - 1)));
                let (bottom, right) = (self.rng.range(0, 2.min(h - 1)), self.rng.range(0, 2.min(w - 1)));
                let value = self.rng.unit();
                self.add(Op::Pad { pads: vec![0, 0, top, left, 0, 0, bottom, right], mode, value }, &[x])
            }
            18 => {
                let same: Vec<ValueId> = self
                    .activations
                    .iter()
                    .copied()
                    .filter(|&id| {
                        let s = self.shape(id);
                        s.len() == 4 && s[0] == n && s[2] == h && s[3] == w
                    })
                    .collect();
                let other = if same.is_empty() { x } else { *self.rng.pick(&same) };
                let axis = if self.rng.chance(50) { 1 } else { -3 };
                self.add(Op::Concat { axis }, &[x, other])
            }
            19 => self.add(Op::Transpose { perm: vec![0, 1, 3, 2] }, &[x]),
            20 => {
                let k = self.rng.range(1, 4);
                let b = self.weight(&[w, k], 1.0 / (w as f32).sqrt());
                self.add(Op::MatMul, &[x, b])
            }
            _ => {
                let axis = *self.rng.pick(&[1, -1, 2]);
                self.add(Op::Softmax { axis }, &[x])
            }
        }?;
        self.non_negative = non_negative;
        Some(y)
    }

    /// A matrix head: flatten then gemm, or global pooling, reshape and matmul, sometimes softmax.
    fn head(&mut self, x: ValueId) -> Option<ValueId> {
        let y = if self.rng.chance(50) {
            let flat = self.add(Op::Flatten { axis: 1 }, &[x])?;
            let [m, k] = self.shape(flat)[..] else { return None };
            let n = self.rng.range(1, 6);
            let (trans_a, trans_b) = (self.rng.chance(30), self.rng.chance(60));
            let a = if trans_a { self.add(Op::Transpose { perm: vec![1, 0] }, &[flat])? } else { flat };
            let b_shape = if trans_b { [n, k] } else { [k, n] };
            let b = self.weight(&b_shape, 1.0 / (k as f32).sqrt());
            let mut inputs = vec![a, b];
            if self.rng.chance(70) {
                let shapes = [vec![n], vec![1, n], vec![m, n], vec![m, 1]];
                let shape = self.rng.pick(&shapes).clone();
                inputs.push(self.constant(&shape, 1.0));
            }
            let alpha = *self.rng.pick(&[1.0, 0.5, 2.0]);
            let beta = *self.rng.pick(&[1.0, 0.25, -1.5]);
            self.add(Op::Gemm { trans_a, trans_b, alpha, beta }, &inputs)?
        } else {
            let pooled = self.add(Op::GlobalAvgPool, &[x])?;
            let [n, c, ..] = self.shape(pooled)[..] else { return None };
            let name = self.fresh("reshape");
            let flat = self.network.add_reshape(name, pooled, &[n, c]).ok()?;
            let b = self.constant(&[c, 3], 1.0);
            self.add(Op::MatMul, &[flat, b])?
        };
        if self.rng.chance(40) {
            self.add(Op::Softmax { axis: 1 }, &[y])
        } else {
            Some(y)
        }
    }
}

/// A random network of a few operations and its input.
fn random_case(seed: u64) -> (Network, MapLoader, Vec<Tensor>) {
    let mut rng = Rng::new(seed);
    let shape = [rng.range(1, 2), rng.range(1, 4), rng.range(4, 9), rng.range(4, 9)];
    let input = tensor(&shape, rng.floats(shape.iter().product::<i64>() as usize, 2.0));
    let mut generator = Generator {
        rng,
        network: Network::new("random"),
        loader: MapLoader::default(),
        count: 0,
        activations: vec![],
        non_negative: false,
    };
    let x = generator.network.add_input("x", TensorType::f32(shape));
    generator.activations.push(x);
    let mut current = x;
    let steps = generator.rng.range(2, 6);
    let mut done = 0;
    for _ in 0..steps * 8 {
        if done == steps {
            break;
        }
        if let Some(y) = generator.step(current) {
            generator.activations.push(y);
            current = y;
            done += 1;
        }
    }
    let mut outputs = vec![current];
    if generator.rng.chance(50) {
        if let Some(head) = generator.head(current) {
            outputs.push(head);
        }
    }
    if generator.activations.len() > 2 && generator.rng.chance(30) {
        outputs.push(generator.activations[1]);
    }
    generator.network.outputs = outputs;
    (generator.network, generator.loader, vec![input])
}

/// Where the project's venv Python is: `AUTOWS_PYTHON`, else `.venv` at the workspace root.
fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("AUTOWS_PYTHON") {
        return PathBuf::from(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python")
}

/// One output of ONNX Runtime: shape and values.
type Output = (Vec<i64>, Vec<f32>);

/// The outputs ONNX Runtime computes for each case, or why it could not.
fn onnxruntime_outputs(python: &PathBuf, cases: &[String]) -> Vec<Result<Vec<Output>, String>> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/onnx_reference.py");
    let request = format!("{{\"opset\":{OPSET},\"cases\":[{}]}}", cases.join(","));
    let mut child = Command::new(python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the venv Python starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let output = child.wait_with_output().expect("the reference script finishes");
    writer.join().expect("the writer thread finishes").expect("the request is written");
    assert!(output.status.success(), "{} failed: {}", script.display(), String::from_utf8_lossy(&output.stderr));
    let mut results: Vec<Result<Vec<Output>, String>> = cases.iter().map(|_| Ok(vec![])).collect();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let case: usize = fields[1].parse().expect("a case number");
        if fields[0] == "error" {
            results[case] = Err(fields[2..].join(" "));
            continue;
        }
        let rank: usize = fields[4].parse().expect("a rank");
        let shape: Vec<i64> = fields[5..5 + rank].iter().map(|d| d.parse().expect("a dimension")).collect();
        let values: Vec<f32> =
            fields[6 + rank..].iter().map(|b| f32::from_bits(b.parse().expect("bits of a float"))).collect();
        if let Ok(outputs) = &mut results[case] {
            outputs.push((shape, values));
        }
    }
    results
}

/// Whether two results agree: a relative tolerance of 1e-5 against the larger of 1 and the output's largest
/// magnitude, which leaves room for summation-order rounding only.
fn agree(ours: &[f32], theirs: &[f32]) -> Result<(), String> {
    let scale = theirs.iter().fold(1.0f32, |m, v| m.max(v.abs()));
    for (index, (a, b)) in ours.iter().zip(theirs).enumerate() {
        let close = (a - b).abs() <= 1e-5 * scale || (a.is_nan() && b.is_nan());
        if !close {
            return Err(format!("element {index}: ours {a}, onnxruntime {b} (scale {scale})"));
        }
    }
    Ok(())
}

#[test]
fn random_networks_match_onnxruntime() {
    let python = python();
    if !python.exists() {
        let message = format!("no Python venv at {}; run scripts/setup.sh", python.display());
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("skipping the ONNX Runtime cross-check: {message}");
        return;
    }
    let cases: Vec<_> = (0..CASES).map(|seed| random_case(1000 + seed)).collect();
    let json: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(index, (network, loader, inputs))| export(index as u64, network, loader, inputs))
        .collect();
    let references = onnxruntime_outputs(&python, &json);
    let mut failures = Vec::new();
    let mut compared = 0;
    for (index, ((network, loader, inputs), reference)) in cases.iter().zip(references).enumerate() {
        let ops: Vec<&str> = network.nodes.iter().map(|node| node.op.dialect_name()).collect();
        let ours = match run(network, inputs, loader) {
            Ok(outputs) => outputs,
            Err(error) => {
                failures.push(format!("case {index} {ops:?}: interpreter failed: {error}"));
                continue;
            }
        };
        let theirs = match reference {
            Ok(outputs) => outputs,
            Err(error) => {
                failures.push(format!("case {index} {ops:?}: onnxruntime failed: {error}"));
                continue;
            }
        };
        for (number, (ours, (shape, values))) in ours.iter().zip(&theirs).enumerate() {
            compared += 1;
            if ours.shape != *shape {
                failures.push(format!("case {index} output {number} {ops:?}: shape {:?} vs {shape:?}", ours.shape));
            } else if let Err(message) = agree(&crate::support::values(ours), values) {
                failures.push(format!("case {index} output {number} {ops:?}: {message}"));
            }
        }
        assert_eq!(ours.len(), theirs.len(), "case {index}: output counts differ");
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    assert!(compared >= CASES as usize, "too few outputs compared: {compared}");
}
