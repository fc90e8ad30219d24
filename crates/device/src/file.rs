//! The JSON schema of a device file and its validation.
//!
//! Numbers are first read as plain JSON numbers and checked one field at a time, so that an error can name the
//! field ("`dsp` must be a whole number") instead of only a line and column.

use serde::Deserialize;

use crate::device::{Device, DeviceResources};
use crate::error::DeviceError;
use crate::ram::{Bram18, Uram};

/// A device file as written; field meanings are documented on [`Device`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceFile {
    name: String,
    part: Option<String>,
    board: Option<String>,
    dsp: f64,
    bram18: f64,
    uram: Option<f64>,
    lut: f64,
    ff: f64,
    clock_mhz: Option<f64>,
    memory_bandwidth_gbps: Option<f64>,
    port_width_bits: Option<f64>,
    reconfiguration_time_s: Option<f64>,
    /// Free text for the reader of the file; the model does not use it.
    #[serde(rename = "notes")]
    _notes: Option<String>,
}

pub(crate) fn parse_device(text: &str, origin: &str) -> Result<Device, DeviceError> {
    let file: DeviceFile =
        serde_json::from_str(text).map_err(|source| DeviceError::Malformed { origin: origin.to_owned(), source })?;
    let checker = FieldChecker { origin };
    if file.name.trim().is_empty() {
        return Err(checker.invalid("name", "must not be empty".to_owned()));
    }
    let resources = DeviceResources {
        dsp: checker.count("dsp", file.dsp)?,
        bram: Bram18(checker.count("bram18", file.bram18)?),
        uram: Uram(match file.uram {
            Some(value) => checker.count("uram", value)?,
            None => 0,
        }),
        lut: checker.count("lut", file.lut)?,
        ff: checker.count("ff", file.ff)?,
    };
    let port_width_bits = match file.port_width_bits {
        Some(value) => checker.positive_count("port_width_bits", value)?,
        None => Device::DEFAULT_PORT_WIDTH_BITS,
    };
    Ok(Device {
        name: file.name,
        part: file.part,
        board: file.board,
        resources,
        clock_mhz: checker.positive("clock_mhz", file.clock_mhz.unwrap_or(Device::DEFAULT_CLOCK_MHZ))?,
        memory_bandwidth_gbps: checker.positive(
            "memory_bandwidth_gbps",
            file.memory_bandwidth_gbps.unwrap_or(Device::DEFAULT_MEMORY_BANDWIDTH_GBPS),
        )?,
        port_width_bits,
        reconfiguration_time_s: checker.non_negative(
            "reconfiguration_time_s",
            file.reconfiguration_time_s.unwrap_or(Device::DEFAULT_RECONFIGURATION_TIME_S),
        )?,
    })
}

/// Range checks that name the file and the field in their errors.
struct FieldChecker<'a> {
    origin: &'a str,
}

impl FieldChecker<'_> {
    fn invalid(&self, field: &'static str, problem: String) -> DeviceError {
        DeviceError::InvalidValue { origin: self.origin.to_owned(), field, problem }
    }

    fn count(&self, field: &'static str, value: f64) -> Result<u32, DeviceError> {
        if !value.is_finite() || value < 0.0 || value.fract() != 0.0 || value > f64::from(u32::MAX) {
            return Err(self.invalid(field, format!("must be a non-negative whole number, got {value}")));
        }
        // In range and integral, so the conversion is exact.
        Ok(value as u32)
    }

    fn positive_count(&self, field: &'static str, value: f64) -> Result<u32, DeviceError> {
        match self.count(field, value)? {
            0 => Err(self.invalid(field, "must be positive, got 0".to_owned())),
            count => Ok(count),
        }
    }

    fn positive(&self, field: &'static str, value: f64) -> Result<f64, DeviceError> {
        if !value.is_finite() || value <= 0.0 {
            return Err(self.invalid(field, format!("must be a positive number, got {value}")));
        }
        Ok(value)
    }

    fn non_negative(&self, field: &'static str, value: f64) -> Result<f64, DeviceError> {
        if !value.is_finite() || value < 0.0 {
            return Err(self.invalid(field, format!("must not be negative, got {value}")));
        }
        Ok(value)
    }
}
