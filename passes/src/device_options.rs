//! The target-device options the passes that need a device share.

use autows_device::Device;
use autows_ir::pass::{OptionInfo, OptionKind, PassOptions};

/// `device=NAME`: a built-in device.
pub const DEVICE: OptionInfo =
    OptionInfo { name: "device", kind: OptionKind::String, default: "zcu102", help: "a built-in device" };

/// `device-file=PATH`: a device description in JSON, for a board of the user's own.
pub const DEVICE_FILE: OptionInfo = OptionInfo {
    name: "device-file",
    kind: OptionKind::String,
    default: "",
    help: "a device description in JSON (overrides device)",
};

/// The device the options name.
pub fn device(options: &PassOptions) -> Result<Device, String> {
    match options.string("device-file") {
        "" => Device::builtin(options.string("device")),
        path => Device::from_json_file(path),
    }
    .map_err(|error| error.to_string())
}
