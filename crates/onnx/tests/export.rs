//! Exporting networks to ONNX and importing them back: every operation, the zoo models, external data, errors.
//!
//! The larger zoo models take minutes unoptimised and are ignored by default; run them with
//! `cargo test --release -p autows-onnx --test export -- --ignored`.

mod common;

use autows_network::{Network, Op, Tensor, TensorData, TensorType, WeightLoader};
use autows_onnx::{
    export_file, export_network, import_bytes, import_file, ExportError, ExportOptions, ExternalData, ExternalFile,
    OnnxWeights, DEFAULT_OPSET, MAX_OPSET, MIN_EXPORT_OPSET,
};
use common::networks::{differences, every_operation, Builder, MemoryWeights, MEMORY};
use std::path::Path;

/// Zoo models small enough to round-trip in every test run (unoptimised: seconds each).
const QUICK_ZOO: &[&str] = &["lenet", "mobilenetv2", "resnet18"];

/// Zoo models round-tripped by the ignored test: tens to hundreds of megabytes of weights each.
const LARGE_ZOO: &[&str] =
    &["resnet34", "resnet50", "resnet101", "resnet152", "vgg11", "vgg13", "vgg16", "vgg19", "alexnet"];

fn assert_equivalent(original: &Network, imported: &Network) {
    let found = differences(original, imported);
    assert!(found.is_empty(), "{}: {} differences:\n  {}", original.name, found.len(), found.join("\n  "));
}

/// Runs `network` on `inputs` and returns the outputs' bit patterns, so equal means bit-identical.
fn run_bits(network: &Network, inputs: &[Tensor], weights: &dyn WeightLoader) -> Vec<Vec<u64>> {
    let outputs = autows_interp::run(network, inputs, weights).unwrap_or_else(|error| panic!("{error}"));
    outputs
        .iter()
        .map(|output| match &output.data {
            TensorData::F32(values) => values.iter().map(|value| u64::from(value.to_bits())).collect(),
            other => other.to_i64().into_iter().map(|value| value as u64).collect(),
        })
        .collect()
}

fn sample_inputs(network: &Network) -> Vec<Tensor> {
    autows_zoo::sample_inputs(network, 11)
}

#[test]
fn every_operation_round_trips_in_memory() {
    let (network, weights) = every_operation();
    let bytes = export_network(&network, &weights, DEFAULT_OPSET).unwrap();
    let imported = import_bytes(&bytes, "every_operation.onnx").unwrap();
    assert_equivalent(&network, &imported);
}

#[test]
fn every_operation_computes_the_same_after_a_round_trip() {
    let (network, weights) = every_operation();
    let dir = common::scratch_dir("every_operation_computes");
    let path = dir.join("every_operation.onnx");
    export_file(&path, &network, &weights, &ExportOptions::default()).unwrap();
    let imported = import_file(&path).unwrap();
    let inputs = sample_inputs(&network);
    let expected = run_bits(&network, &inputs, &weights);
    assert_eq!(run_bits(&imported, &inputs, &OnnxWeights::new()), expected);
}

#[test]
fn every_supported_opset_round_trips() {
    let (network, weights) = every_operation();
    for opset in MIN_EXPORT_OPSET..=MAX_OPSET {
        let result = export_network(&network, &weights, opset);
        if opset < 14 {
            // HardSwish arrived in opset 14.
            let error = result.unwrap_err();
            assert_eq!(error.node(), Some("hardswish"), "{error}");
            assert!(error.to_string().contains("opset 14"), "{error}");
            continue;
        }
        let bytes = result.unwrap_or_else(|error| panic!("opset {opset}: {error}"));
        let imported = import_bytes(&bytes, "model.onnx").unwrap_or_else(|error| panic!("opset {opset}: {error}"));
        assert_equivalent(&network, &imported);
    }
}

#[test]
fn weights_load_back_bit_for_bit() {
    let (network, weights) = every_operation();
    let dir = common::scratch_dir("weights_load_back");
    let path = dir.join("model.onnx");
    export_file(&path, &network, &weights, &ExportOptions::default()).unwrap();
    let imported = import_file(&path).unwrap();
    let loader = OnnxWeights::new();
    let mut checked = 0;
    for node in &imported.nodes {
        if let Op::Weight { source, key, checksum } = &node.op {
            let loaded = loader.load(source, key, checksum).unwrap();
            let original = network.nodes.iter().find(|original| original.name == *key).expect("the node exists");
            let expected = match &original.op {
                Op::Weight { source, key, checksum } => weights.load(source, key, checksum).unwrap(),
                Op::Constant { value } => value.clone(),
                other => panic!("'{key}' was a {}", other.dialect_name()),
            };
            assert_eq!(loaded, expected, "{key}");
            checked += 1;
        }
    }
    assert_eq!(checked, 13);
}

fn zoo_round_trip(name: &str, dir: &Path) {
    let network = autows_zoo::build(name).unwrap();
    let weights = autows_zoo::ZooWeights::new();
    let path = dir.join(format!("{name}.onnx"));
    let options = ExportOptions { external_data: Some(ExternalData::default()), ..ExportOptions::default() };
    let exported = export_file(&path, &network, &weights, &options).unwrap_or_else(|error| panic!("{name}: {error}"));
    let imported = import_file(&path).unwrap_or_else(|error| panic!("{name}: {error}"));
    assert_equivalent(&network, &imported);
    let external = exported.external_data.expect("the weights go to external data");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), exported.model_bytes);
    assert_eq!(std::fs::metadata(&external.path).unwrap().len(), external.bytes);
    eprintln!("{name}: {} bytes of model, {} of external data", exported.model_bytes, external.bytes);
}

#[test]
fn small_zoo_models_round_trip() {
    let dir = common::scratch_dir("small_zoo");
    for name in QUICK_ZOO {
        zoo_round_trip(name, &dir);
    }
}

#[test]
fn large_zoo_models_round_trip() {
    let dir = common::scratch_dir("large_zoo");
    for name in LARGE_ZOO {
        zoo_round_trip(name, &dir);
        // The files are large; keep one model's at a time.
        for entry in std::fs::read_dir(&dir).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
    }
}

#[test]
fn every_zoo_model_has_a_round_trip_test() {
    for name in autows_zoo::names() {
        assert!(
            QUICK_ZOO.contains(&name) || LARGE_ZOO.contains(&name),
            "zoo model '{name}' is in neither round-trip list"
        );
    }
}

#[test]
fn lenet_computes_the_same_after_a_round_trip() {
    let network = autows_zoo::build("lenet").unwrap();
    let weights = autows_zoo::ZooWeights::new();
    let bytes = export_network(&network, &weights, DEFAULT_OPSET).unwrap();
    let dir = common::scratch_dir("lenet_computes");
    let path = dir.join("lenet.onnx");
    std::fs::write(&path, bytes).unwrap();
    let imported = import_file(&path).unwrap();
    let inputs = sample_inputs(&network);
    assert_eq!(run_bits(&imported, &inputs, &OnnxWeights::new()), run_bits(&network, &inputs, &weights));
}

#[test]
fn external_data_holds_the_large_initializers_aligned() {
    let (network, weights) = every_operation();
    let dir = common::scratch_dir("external_layout");
    let path = dir.join("model.onnx");
    let options = ExportOptions {
        opset: 18,
        external_data: Some(ExternalData { threshold: 40, location: Some("tensors.bin".into()) }),
    };
    let exported = export_file(&path, &network, &weights, &options).unwrap();
    let ExternalFile { path: external, bytes: external_bytes } = exported.external_data.clone().unwrap();
    assert_eq!(external, dir.join("tensors.bin"));
    // conv.weight and fc.weight (576 bytes each), gemm_a (96) and the int64 constant (48) go out, each at a
    // multiple of 64 bytes; the batch-norm vectors (32 bytes) and the pads (64 bytes, but parameters) stay in.
    let layout = [("conv.weight", 0), ("fc.weight", 576), ("gemm_a", 1152)];
    let bytes = std::fs::read(&external).unwrap();
    assert_eq!(bytes.len() as u64, external_bytes);
    assert_eq!(external_bytes, 1280 + 48);
    for (key, offset) in layout {
        let expected = weights.0[key].data.to_le_bytes();
        assert_eq!(&bytes[offset..offset + expected.len()], expected.as_slice(), "{key}");
    }
    assert!(bytes[1248..1280].iter().all(|&byte| byte == 0), "padding is zero");
    let indices = network.nodes.iter().find_map(|node| match &node.op {
        Op::Constant { value } if node.name == "indices" => Some(value.data.to_le_bytes()),
        _ => None,
    });
    assert_eq!(Some(&bytes[1280..]), indices.as_deref());
    // Whatever is not external is in the model itself.
    let model = std::fs::read(&path).unwrap();
    assert_eq!(model.len() as u64, exported.model_bytes);
    let bn = weights.0["bn.var"].data.to_le_bytes();
    assert!(model.windows(bn.len()).any(|window| window == bn.as_slice()));
    let conv = weights.0["conv.weight"].data.to_le_bytes();
    assert!(!model.windows(conv.len()).any(|window| window == conv.as_slice()));
    let imported = import_file(&path).unwrap();
    assert_equivalent(&network, &imported);
    let inputs = sample_inputs(&network);
    assert_eq!(run_bits(&imported, &inputs, &OnnxWeights::new()), run_bits(&network, &inputs, &weights));
}

#[test]
fn the_default_external_file_is_named_after_the_model() {
    let (network, weights) = every_operation();
    let dir = common::scratch_dir("external_default_name");
    let path = dir.join("net.onnx");
    let options = ExportOptions { external_data: Some(ExternalData::default()), ..ExportOptions::default() };
    let exported = export_file(&path, &network, &weights, &options).unwrap();
    assert_eq!(exported.external_data.map(|file| file.path), None, "no initializer reaches a kilobyte");
    let options = ExportOptions { external_data: Some(ExternalData { threshold: 0, location: None }), ..options };
    let exported = export_file(&path, &network, &weights, &options).unwrap();
    assert_eq!(exported.external_data.map(|file| file.path), Some(dir.join("net.onnx.data")));
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_equivalent(&network, &import_file(&path).unwrap());
}

/// Serves every tensor of another loader but one, which it gives in the wrong shape.
struct Misshapen<'a>(&'a MemoryWeights, &'static str);

impl WeightLoader for Misshapen<'_> {
    fn handles(&self, source: &str) -> bool {
        self.0.handles(source)
    }

    fn load(&self, source: &str, key: &str, checksum: &str) -> Result<Tensor, autows_network::WeightError> {
        let tensor = self.0.load(source, key, checksum)?;
        if key == self.1 {
            return Ok(Tensor { shape: vec![2, 3], data: tensor.data });
        }
        Ok(tensor)
    }
}

#[test]
fn a_failed_export_leaves_no_files() {
    let (network, weights) = every_operation();
    let dir = common::scratch_dir("failed_export");
    let path = dir.join("model.onnx");
    let options =
        ExportOptions { external_data: Some(ExternalData { threshold: 0, location: None }), ..Default::default() };
    let error = export_file(&path, &network, &Misshapen(&weights, "fc.bias"), &options).unwrap_err();
    assert_eq!(error.node(), Some("fc.bias"));
    assert_eq!(
        error.to_string(),
        "weight node 'fc.bias' is declared tensor<6xf32>, but its source gives tensor<2x3xf32>"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "partial files are removed");
}

#[test]
fn weights_the_loader_refuses_name_their_node() {
    let (mut network, weights) = every_operation();
    for node in &mut network.nodes {
        if let Op::Weight { checksum, .. } = &mut node.op {
            if node.name == "bn.mean" {
                *checksum = "fnv1a64:0000000000000000".into();
            }
        }
    }
    let error = export_network(&network, &weights, DEFAULT_OPSET).unwrap_err();
    assert!(matches!(&error, ExportError::Weight { node, .. } if node == "bn.mean"), "{error}");
    assert!(error.to_string().contains("checksum"), "{error}");
}

#[test]
fn models_over_two_gigabytes_need_external_data() {
    let mut b = Builder::new("huge");
    let x = b.network.add_input("x", TensorType::f32([1, 1 << 15]));
    // 2^15 x 2^14 floats: 2 GiB, never loaded.
    let w = b.network.add_weight("w", TensorType::f32([1 << 15, 1 << 14]), MEMORY, "w", "fnv1a64:0");
    let y = b.add("fc", Op::MatMul, &[x, w]);
    b.network.outputs.push(y);
    let error = export_network(&b.network, &b.weights, DEFAULT_OPSET).unwrap_err();
    assert!(matches!(error, ExportError::TooLarge { bytes } if bytes > 1 << 31), "{error}");
}

#[test]
fn clashing_and_empty_value_names_become_unique() {
    let mut b = Builder::new("names");
    let x = b.network.add_input("x", TensorType::f32([1, 3]));
    let first = b.add("first", Op::Relu, &[x]);
    let second = b.add("second", Op::Sigmoid, &[first]);
    let third = b.add("third", Op::Relu, &[second]);
    b.network.values[first.0].name = "x".into();
    b.network.values[second.0].name = String::new();
    b.network.values[third.0].name = "x".into();
    b.network.outputs.push(third);
    let bytes = export_network(&b.network, &b.weights, DEFAULT_OPSET).unwrap();
    let imported = import_bytes(&bytes, "names.onnx").unwrap();
    let names: Vec<&str> = imported.values.iter().map(|value| value.name.as_str()).collect();
    assert_eq!(names, ["x", "x_1", "second", "x_2"]);
    assert_equivalent(&b.network, &imported);
}

#[test]
fn operands_computed_later_are_refused() {
    let mut b = Builder::new("order");
    let x = b.network.add_input("x", TensorType::f32([1, 3]));
    let first = b.add("first", Op::Relu, &[x]);
    let second = b.add("second", Op::Relu, &[first]);
    b.network.nodes[0].inputs[0] = second;
    b.network.outputs.push(second);
    let error = export_network(&b.network, &b.weights, DEFAULT_OPSET).unwrap_err();
    assert_eq!(error.node(), Some("first"));
    assert!(error.to_string().contains("not computed before the node"), "{error}");
    b.network.nodes[0].inputs[0] = x;
    b.network.outputs.push(autows_network::ValueId(7));
    let error = export_network(&b.network, &b.weights, DEFAULT_OPSET).unwrap_err();
    assert!(matches!(error, ExportError::InvalidOutput { index: 1, value: 7 }), "{error}");
}

#[test]
fn reshapes_to_empty_dimensions_need_allowzero() {
    let mut b = Builder::new("empty");
    let x = b.network.add_input("x", TensorType::f32([1, 0, 3]));
    let y = b.network.add_reshape("reshape", x, &[0, 3]).unwrap();
    b.network.outputs.push(y);
    let error = export_network(&b.network, &b.weights, 13).unwrap_err();
    assert_eq!(error.node(), Some("reshape"));
    let bytes = export_network(&b.network, &b.weights, 14).unwrap();
    assert_equivalent(&b.network, &import_bytes(&bytes, "empty.onnx").unwrap());
}

#[test]
fn an_exported_import_exports_the_same_bytes() {
    let (network, weights) = every_operation();
    let dir = common::scratch_dir("export_twice");
    let first = dir.join("first.onnx");
    export_file(&first, &network, &weights, &ExportOptions::default()).unwrap();
    let imported = import_file(&first).unwrap();
    let again = export_network(&imported, &OnnxWeights::new(), DEFAULT_OPSET).unwrap();
    let reimported = import_bytes(&again, "second.onnx").unwrap();
    assert_equivalent(&imported, &reimported);
    assert_eq!(again.len() as u64, std::fs::metadata(&first).unwrap().len());
}

#[test]
fn repeated_input_and_weight_outputs_round_trip() {
    let mut b = Builder::new("unusual_outputs");
    let x = b.network.add_input("x", TensorType::f32([2, 3]));
    let w = b.weight("w", &[2, 3], 1.0, 0.0);
    let y = b.add("sum", Op::Add, &[x, w]);
    b.network.outputs.extend([y, x, y, w]);
    let bytes = export_network(&b.network, &b.weights, DEFAULT_OPSET).unwrap();
    assert_equivalent(&b.network, &import_bytes(&bytes, "unusual.onnx").unwrap());
}
