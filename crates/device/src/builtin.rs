//! The device files compiled into the crate.

use crate::device::Device;
use crate::error::DeviceError;

/// (look-up key, file text) for every board in the repository's `devices/` folder.
const BUILTIN_FILES: [(&str, &str); 12] = [
    ("zcu102", include_str!("../../../devices/zcu102.json")),
    ("zc706", include_str!("../../../devices/zc706.json")),
    ("zedboard", include_str!("../../../devices/zedboard.json")),
    ("zcu104", include_str!("../../../devices/zcu104.json")),
    ("u50", include_str!("../../../devices/u50.json")),
    ("u250", include_str!("../../../devices/u250.json")),
    ("vc707", include_str!("../../../devices/vc707.json")),
    ("vc709", include_str!("../../../devices/vc709.json")),
    ("zu7ev", include_str!("../../../devices/zu7ev.json")),
    ("zu3eg", include_str!("../../../devices/zu3eg.json")),
    ("cora-z7-07s", include_str!("../../../devices/cora-z7-07s.json")),
    ("zybo-z7-10", include_str!("../../../devices/zybo-z7-10.json")),
];

/// The names [`Device::builtin`] accepts (in lower case; look-up ignores case).
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN_FILES.iter().map(|(key, _)| *key)
}

impl Device {
    /// Looks up a built-in device by board name, ignoring case (`"ZCU102"`, `"zcu102"`).
    pub fn builtin(name: &str) -> Result<Self, DeviceError> {
        let (key, text) = BUILTIN_FILES
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .ok_or_else(|| DeviceError::UnknownDevice { name: name.to_owned(), known: builtin_names().collect() })?;
        Self::from_json_str(text, &format!("built-in device file devices/{key}.json"))
    }
}
