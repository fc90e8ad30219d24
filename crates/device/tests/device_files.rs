//! The built-in device files and the error messages for malformed user files.

use std::path::PathBuf;

use autows_device::{builtin_names, Bram18, Device, DeviceError, Uram};

#[test]
fn every_builtin_file_parses() {
    for name in builtin_names() {
        let device = Device::builtin(name).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert!(device.name.eq_ignore_ascii_case(name), "{name} is named {}", device.name);
    }
}

#[test]
fn zcu102_has_the_figures_of_the_autows_example() {
    let device = Device::builtin("zcu102").expect("built-in");
    assert_eq!(device.part.as_deref(), Some("xczu9eg-ffvb1156-2-e"));
    assert_eq!(device.resources.dsp, 2520);
    assert_eq!(device.resources.bram, Bram18(1824));
    assert_eq!(device.resources.uram, Uram(0));
    assert_eq!(device.resources.lut, 274_080);
    assert_eq!(device.resources.ff, 548_160);
    assert_eq!(device.clock_mhz, 200.0);
    assert_eq!(device.memory_bandwidth_gbps, 153.6);
    assert_eq!(device.port_width_bits, 512);
    assert_eq!(device.reconfiguration_time_s, 0.08255);
    assert!(!device.has_uram());
}

#[test]
fn alveo_boards_have_uram_and_a_faster_clock() {
    let u250 = Device::builtin("U250").expect("built-in");
    assert_eq!(u250.resources.uram, Uram(1280));
    assert_eq!(u250.resources.bram, Bram18(5376));
    assert_eq!(u250.clock_mhz, 250.0);
    assert_eq!(u250.memory_bandwidth_gbps, 614.4);
    let u50 = Device::builtin("u50").expect("built-in");
    assert_eq!(u50.part, None);
    assert_eq!(u50.resources.uram, Uram(640));
    assert_eq!(u50.memory_bandwidth_gbps, 1608.0);
}

#[test]
fn missing_figures_take_the_platform_defaults() {
    let vc709 = Device::builtin("vc709").expect("built-in");
    assert_eq!(vc709.clock_mhz, Device::DEFAULT_CLOCK_MHZ);
    assert_eq!(vc709.port_width_bits, Device::DEFAULT_PORT_WIDTH_BITS);
    assert_eq!(vc709.memory_bandwidth_gbps, 204.8);
}

#[test]
fn lookup_ignores_case() {
    assert_eq!(Device::builtin("ZcU102").expect("built-in").name, "ZCU102");
    assert_eq!(Device::builtin("CORA-Z7-07S").expect("built-in").name, "Cora-Z7-07S");
}

#[test]
fn unknown_device_lists_the_known_ones() {
    let error = Device::builtin("zcu999").expect_err("not a device");
    assert!(matches!(error, DeviceError::UnknownDevice { .. }));
    let message = error.to_string();
    assert!(message.contains("zcu999") && message.contains("zcu102"), "{message}");
}

const VALID: &str = r#"{ "name": "Mine", "dsp": 10, "bram18": 20, "lut": 3000, "ff": 6000, "clock_mhz": 150 }"#;

#[test]
fn a_minimal_user_description_parses() {
    let device = Device::from_json_str(VALID, "mine.json").expect("valid");
    assert_eq!(device.resources.bram, Bram18(20));
    assert_eq!(device.resources.uram, Uram::ZERO);
    assert_eq!(device.clock_mhz, 150.0);
    assert_eq!(device.memory_bandwidth_gbps, Device::DEFAULT_MEMORY_BANDWIDTH_GBPS);
}

#[test]
fn missing_field_is_named_with_its_origin() {
    let text = r#"{ "name": "Mine", "dsp": 10, "lut": 3000, "ff": 6000 }"#;
    let message = Device::from_json_str(text, "mine.json").expect_err("no bram18").to_string();
    assert!(message.starts_with("mine.json:") && message.contains("missing field `bram18`"), "{message}");
}

#[test]
fn negative_number_is_named() {
    let text = VALID.replace("\"dsp\": 10", "\"dsp\": -10");
    let error = Device::from_json_str(&text, "mine.json").expect_err("negative");
    assert!(matches!(error, DeviceError::InvalidValue { field: "dsp", .. }), "{error}");
    assert!(error.to_string().contains("-10"), "{error}");
}

#[test]
fn fractional_count_and_zero_clock_are_rejected() {
    let text = VALID.replace("\"lut\": 3000", "\"lut\": 3000.5");
    let error = Device::from_json_str(&text, "mine.json").expect_err("fractional");
    assert!(matches!(error, DeviceError::InvalidValue { field: "lut", .. }), "{error}");
    let text = VALID.replace("\"clock_mhz\": 150", "\"clock_mhz\": 0");
    let error = Device::from_json_str(&text, "mine.json").expect_err("zero clock");
    assert!(matches!(error, DeviceError::InvalidValue { field: "clock_mhz", .. }), "{error}");
}

#[test]
fn unknown_key_is_named_with_its_line() {
    let text = "{\n  \"name\": \"Mine\",\n  \"dsps\": 10\n}";
    let message = Device::from_json_str(text, "mine.json").expect_err("misspelt").to_string();
    assert!(message.contains("unknown field `dsps`") && message.contains("line 3"), "{message}");
}

#[test]
fn user_files_are_read_from_disk() {
    let path = std::env::temp_dir().join(format!("autows-device-test-{}.json", std::process::id()));
    std::fs::write(&path, VALID).expect("temp file");
    let device = Device::from_json_file(&path);
    std::fs::remove_file(&path).expect("temp file");
    assert_eq!(device.expect("valid").name, "Mine");
}

#[test]
fn unreadable_file_names_its_path() {
    let path = PathBuf::from("/nonexistent/autows/board.json");
    let error = Device::from_json_file(&path).expect_err("no such file");
    assert!(matches!(error, DeviceError::Io { .. }));
    assert!(error.to_string().contains("/nonexistent/autows/board.json"), "{error}");
}
