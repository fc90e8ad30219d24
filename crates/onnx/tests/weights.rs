//! Weights: importing from files, loading back through `OnnxWeights`, external data, checksums.

mod common;

use autows_network::{checksum, Network, Op, TensorData, WeightError, WeightLoader};
use autows_onnx::{decode_tensor, import_file, read_tensor_file, OnnxError, OnnxWeights};
use common::{f32_tensor, scratch_dir, Attr, Data, ModelBuilder, TensorSpec, DOUBLE, FLOAT, FLOAT16, INT64};
use std::path::Path;

/// The weight node for initializer `key`.
fn weight<'n>(network: &'n Network, key: &str) -> (&'n str, &'n str, &'n str) {
    let found = network.nodes.iter().find_map(|node| match &node.op {
        Op::Weight { source, key: found, checksum } if found == key => Some((source, found, checksum)),
        _ => None,
    });
    let (source, key, checksum) = found.unwrap_or_else(|| panic!("no weight '{key}'"));
    (source, key, checksum)
}

fn load(network: &Network, weights: &OnnxWeights, key: &str) -> Result<autows_network::Tensor, WeightError> {
    let (source, key, checksum) = weight(network, key);
    assert!(weights.handles(source));
    weights.load(source, key, checksum)
}

fn write(dir: &Path, name: &str, model: &ModelBuilder) -> String {
    let path = dir.join(name);
    std::fs::write(&path, model.encode()).unwrap();
    path.to_str().unwrap().to_string()
}

/// A model whose four parameters use four encodings.
fn encodings_model() -> ModelBuilder {
    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 2])
        .initializer(f32_tensor("raw", &[2, 2], &[1.0, -2.0, 3.5, 4.0]))
        .initializer(TensorSpec {
            name: "packed".into(),
            dims: vec![2, 2],
            data_type: FLOAT,
            data: Data::Floats(vec![0.5, 0.25, -1.0, 8.0]),
        })
        .initializer(TensorSpec {
            name: "unpacked".into(),
            dims: vec![2],
            data_type: FLOAT,
            data: Data::FloatsUnpacked(vec![7.0, -7.0]),
        })
        .initializer(TensorSpec {
            name: "double".into(),
            dims: vec![2],
            data_type: DOUBLE,
            data: Data::Doubles(vec![0.5, 1.5]),
        })
        // 1.0 and -2.0 as IEEE half-precision bit patterns.
        .initializer(TensorSpec {
            name: "half".into(),
            dims: vec![2],
            data_type: FLOAT16,
            data: Data::Int32s(vec![0x3c00, 0xc000]),
        })
        .initializer(TensorSpec {
            name: "ints".into(),
            dims: vec![2],
            data_type: INT64,
            data: Data::Int64s(vec![-3, 1 << 40]),
        })
        .node("MatMul", "mm1", &["x", "raw"], &["a"])
        .node("MatMul", "mm2", &["a", "packed"], &["b"])
        .node("Add", "add1", &["b", "unpacked"], &["y"])
        .node("Add", "int_add", &["ints", "ints"], &["z"])
        .output("y")
        .output_of("z", INT64)
        // Initializers that are graph outputs enter the network as weights too.
        .output_of("double", DOUBLE)
        .output_of("half", FLOAT16);
    model
}

#[test]
fn weights_load_back_from_the_model_file() {
    let dir = scratch_dir("load_back");
    let path = write(&dir, "model.onnx", &encodings_model());
    let network = import_file(&path).unwrap();
    assert_eq!(network.name, "test");
    let weights = OnnxWeights::new();
    let expected = [
        ("raw", vec![2, 2], TensorData::F32(vec![1.0, -2.0, 3.5, 4.0].into())),
        ("packed", vec![2, 2], TensorData::F32(vec![0.5, 0.25, -1.0, 8.0].into())),
        ("unpacked", vec![2], TensorData::F32(vec![7.0, -7.0].into())),
        ("double", vec![2], TensorData::F32(vec![0.5, 1.5].into())),
        ("half", vec![2], TensorData::F32(vec![1.0, -2.0].into())),
        ("ints", vec![2], TensorData::I64(vec![-3, 1 << 40].into())),
    ];
    for (key, shape, data) in expected {
        let (source, _, recorded) = weight(&network, key);
        assert_eq!(source, path, "weights refer to the model path as given");
        let tensor = load(&network, &weights, key).unwrap();
        assert_eq!(tensor.shape, shape, "{key}");
        assert_eq!(tensor.data, data, "{key}");
        assert_eq!(recorded, tensor.checksum(), "{key}: the recorded checksum is the loaded bytes'");
        let id = network.nodes.iter().find(|node| node.name == key).unwrap().output;
        assert_eq!(network.ty(id).element, tensor.data.element(), "{key}");
    }
    // The raw float tensor's checksum is that of its bytes in the file.
    let raw: Vec<u8> = [1.0f32, -2.0, 3.5, 4.0].iter().flat_map(|v| v.to_le_bytes()).collect();
    assert_eq!(weight(&network, "raw").2, checksum(&raw));
}

#[test]
fn the_loader_caches_and_checks() {
    let dir = scratch_dir("cache_and_check");
    let path = write(&dir, "model.onnx", &encodings_model());
    let network = import_file(&path).unwrap();
    let weights = OnnxWeights::new();
    let first = load(&network, &weights, "raw").unwrap();
    // Served from the cache even once the file is gone, sharing the elements.
    std::fs::remove_file(&path).unwrap();
    let second = load(&network, &weights, "raw").unwrap();
    match (&first.data, &second.data) {
        (TensorData::F32(a), TensorData::F32(b)) => assert!(std::sync::Arc::ptr_eq(a, b)),
        other => panic!("unexpected {other:?}"),
    }
    let packed = load(&network, &weights, "packed").unwrap();
    assert_eq!(packed.shape, [2, 2], "the parsed file is cached too");

    let error = weights.load(&path, "raw", "fnv1a64:0000000000000000").unwrap_err();
    assert!(matches!(error, WeightError::Checksum { .. }), "{error}");
    let error = weights.load(&path, "no_such_tensor", "fnv1a64:0000000000000000").unwrap_err();
    assert!(matches!(error, WeightError::MissingKey { .. }), "{error}");

    let fresh = OnnxWeights::new();
    let error = load(&network, &fresh, "raw").unwrap_err();
    assert!(matches!(error, WeightError::Unreadable { .. }), "{error}");

    assert!(!weights.handles("zoo:resnet18"));
    assert!(weights.handles("models/MobileNet.ONNX"));
}

#[test]
fn a_changed_file_fails_the_checksum() {
    let dir = scratch_dir("changed_file");
    let path = write(&dir, "model.onnx", &encodings_model());
    let network = import_file(&path).unwrap();
    let mut changed = encodings_model();
    changed.initializer(f32_tensor("raw", &[2, 2], &[0.0; 4]));
    // The later initializer of the same name is the one found.
    std::fs::write(&path, changed.encode()).unwrap();
    let error = load(&network, &OnnxWeights::new(), "raw").unwrap_err();
    assert!(error.to_string().contains("the file changed"), "{error}");
}

fn external_model(location: &str, offsets: [u64; 2]) -> ModelBuilder {
    let mut model = ModelBuilder::new(17);
    model
        .input("x", &[1, 3, 4, 4])
        .initializer(TensorSpec {
            name: "conv.w".into(),
            dims: vec![2, 3, 1, 1],
            data_type: FLOAT,
            data: Data::External { location: location.into(), offset: Some(offsets[0]), length: Some(24) },
        })
        .initializer(TensorSpec {
            name: "conv.b".into(),
            dims: vec![2],
            data_type: FLOAT,
            data: Data::External { location: location.into(), offset: Some(offsets[1]), length: None },
        })
        .node("Conv", "conv", &["x", "conv.w", "conv.b"], &["y"])
        .output("y");
    model
}

fn external_bytes() -> (Vec<u8>, Vec<f32>, Vec<f32>) {
    let kernel: Vec<f32> = (0..6).map(|index| index as f32 - 2.5).collect();
    let bias = vec![0.125f32, -0.125];
    let mut bytes = vec![0xee; 16];
    bytes.extend(kernel.iter().flat_map(|v| v.to_le_bytes()));
    bytes.extend([0xee; 8]);
    bytes.extend(bias.iter().flat_map(|v| v.to_le_bytes()));
    (bytes, kernel, bias)
}

#[test]
fn external_data_relative_to_the_model_folder() {
    let dir = scratch_dir("external");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    let (bytes, kernel, bias) = external_bytes();
    std::fs::write(dir.join("data/weights.bin"), &bytes).unwrap();
    let path = write(&dir, "model.onnx", &external_model("data/weights.bin", [16, 48]));
    let network = import_file(&path).unwrap();
    let conv = network.nodes.iter().find(|node| node.name == "conv").unwrap();
    assert_eq!(network.ty(conv.output).shape, [1, 2, 4, 4]);
    let weights = OnnxWeights::new();
    let w = load(&network, &weights, "conv.w").unwrap();
    assert_eq!(w.shape, [2, 3, 1, 1]);
    assert_eq!(w.data, TensorData::F32(kernel.into()));
    assert_eq!(load(&network, &weights, "conv.b").unwrap().data, TensorData::F32(bias.into()));
}

#[test]
fn missing_or_short_external_files_are_named() {
    let dir = scratch_dir("external_missing");
    let path = write(&dir, "model.onnx", &external_model("weights.bin", [16, 48]));
    let error = import_file(&path).unwrap_err();
    let OnnxError::ExternalData { tensor, path: file, .. } = &error else { panic!("{error}") };
    assert_eq!(tensor, "conv.w");
    assert_eq!(file, &dir.join("weights.bin"));
    assert!(error.to_string().contains("weights.bin") && error.to_string().contains("cannot be opened"), "{error}");

    // Too short for the second tensor.
    let (bytes, _, _) = external_bytes();
    std::fs::write(dir.join("weights.bin"), &bytes[..50]).unwrap();
    let error = import_file(&path).unwrap_err();
    assert!(error.to_string().contains("it is 50 bytes long"), "{error}");

    // Present at import, gone when the weights are loaded.
    std::fs::write(dir.join("weights.bin"), &bytes).unwrap();
    let network = import_file(&path).unwrap();
    std::fs::remove_file(dir.join("weights.bin")).unwrap();
    let error = load(&network, &OnnxWeights::new(), "conv.w").unwrap_err();
    assert!(matches!(error, WeightError::Unreadable { .. }));
    assert!(error.to_string().contains("weights.bin"), "{error}");

    // A length entry that disagrees with the shape.
    std::fs::write(dir.join("weights.bin"), &bytes).unwrap();
    let mut model = ModelBuilder::new(13);
    model
        .input("x", &[1, 2])
        .initializer(TensorSpec {
            name: "w".into(),
            dims: vec![2],
            data_type: FLOAT,
            data: Data::External { location: "weights.bin".into(), offset: None, length: Some(12) },
        })
        .node("Add", "add", &["x", "w"], &["y"])
        .output("y");
    let path = write(&dir, "length.onnx", &model);
    assert!(import_file(&path).unwrap_err().to_string().contains("length entry says 12 bytes"));
}

#[test]
fn constant_tensors_may_be_external_too() {
    let dir = scratch_dir("external_constant");
    std::fs::write(dir.join("c.bin"), [2.0f32, 4.0].iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>()).unwrap();
    let mut model = ModelBuilder::new(13);
    let tensor = TensorSpec {
        name: "".into(),
        dims: vec![2],
        data_type: FLOAT,
        data: Data::External { location: "c.bin".into(), offset: None, length: None },
    };
    model
        .input("x", &[1, 2])
        .node_with("Constant", "k", &[], &["k"], &[("value", Attr::Tensor(tensor))])
        .node("Div", "div", &["x", "k"], &["y"])
        .output("y");
    let network = import_file(write(&dir, "model.onnx", &model)).unwrap();
    let Op::Constant { value } = &network.nodes[0].op else { panic!("not a constant") };
    assert_eq!(value.data, TensorData::F32(vec![2.0, 4.0].into()));
}

#[test]
fn unreadable_model_files_are_named() {
    let error = import_file("/nonexistent/model.onnx").unwrap_err();
    assert!(matches!(error, OnnxError::Io { .. }));
    assert!(error.to_string().contains("/nonexistent/model.onnx"), "{error}");
}

#[test]
fn standalone_tensor_files_decode() {
    let dir = scratch_dir("standalone_tensor");
    let spec =
        TensorSpec { name: "input_0".into(), dims: vec![2, 1], data_type: FLOAT, data: Data::Floats(vec![0.5, -3.0]) };
    let bytes = spec.encode().into_bytes();
    let tensor = decode_tensor(&bytes).unwrap();
    assert_eq!(tensor.shape, [2, 1]);
    assert_eq!(tensor.data, TensorData::F32(vec![0.5, -3.0].into()));
    let path = dir.join("input_0.pb");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(read_tensor_file(&path).unwrap(), tensor);
    // A tensor whose data disagrees with its shape, and bytes that are no tensor, are errors.
    let short = TensorSpec { dims: vec![3], ..spec }.encode().into_bytes();
    assert!(decode_tensor(&short).unwrap_err().to_string().contains("input_0"));
    assert!(matches!(decode_tensor(&[0x0a, 0x05]), Err(OnnxError::Decode(_))));
    assert!(matches!(read_tensor_file(dir.join("missing.pb")), Err(OnnxError::Io { .. })));
}
