//! The device description the cost model budgets against.

use std::path::Path;

use crate::error::DeviceError;
use crate::file::parse_device;
use crate::ram::{Bram18, Uram};

/// The resources of a device that a design may use.
///
/// Counts are whole primitives; BRAM is in BRAM18 because that is the unit of every RAM figure the cost model
/// produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceResources {
    /// DSP slices.
    pub dsp: u32,
    /// Block RAM, in 18 Kib halves.
    pub bram: Bram18,
    /// UltraRAM blocks (zero on devices without URAM).
    pub uram: Uram,
    /// Six-input look-up tables.
    pub lut: u32,
    /// Flip-flops.
    pub ff: u32,
}

/// One FPGA board as the cost model sees it: resource budget, clock and off-chip memory bandwidth.
#[derive(Clone, Debug, PartialEq)]
pub struct Device {
    /// The board name, as used for look-up and in reports.
    pub name: String,
    /// The FPGA part, when the source records it (reports carry it; the model does not need it).
    pub part: Option<String>,
    /// The vendor board identifier, when the source records one.
    pub board: Option<String>,
    /// The resource budget.
    pub resources: DeviceResources,
    /// The accelerator clock in MHz; converts cycles into seconds and bits per cycle into Gb/s.
    pub clock_mhz: f64,
    /// DRAM bandwidth in Gb/s shared by streamed weights and the network's input and output feature maps.
    pub memory_bandwidth_gbps: f64,
    /// Width in bits of one AXI data port; bounds how many words per cycle enter or leave the accelerator.
    pub port_width_bits: u32,
    /// Seconds to reconfigure the FPGA between two partitions of a design.
    pub reconfiguration_time_s: f64,
}

impl Device {
    /// Clock used when a device file gives none (fpgaConvNet's platform default).
    pub const DEFAULT_CLOCK_MHZ: f64 = 100.0;
    /// DRAM bandwidth used when a device file gives none (fpgaConvNet's platform default).
    pub const DEFAULT_MEMORY_BANDWIDTH_GBPS: f64 = 5.0;
    /// AXI port width used when a device file gives none (fpgaConvNet's platform default).
    pub const DEFAULT_PORT_WIDTH_BITS: u32 = 512;
    /// Reconfiguration time used when a device file gives none (fpgaConvNet's platform default).
    pub const DEFAULT_RECONFIGURATION_TIME_S: f64 = 0.0;

    /// Reads a user's device file.
    ///
    /// The schema is the one of the built-in files: required `name`, `dsp`, `bram18`, `lut`, `ff`; optional
    /// `part`, `board`, `uram` (0), `clock_mhz`, `memory_bandwidth_gbps`, `port_width_bits`,
    /// `reconfiguration_time_s` (the `DEFAULT_*` constants) and free-text `notes`. Unknown keys are rejected so
    /// that a misspelt field is not silently replaced by its default.
    pub fn from_json_file(path: impl AsRef<Path>) -> Result<Self, DeviceError> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).map_err(|source| DeviceError::Io { path: path.to_path_buf(), source })?;
        Self::from_json_str(&text, &path.display().to_string())
    }

    /// Parses a device description from JSON text; `origin` names the source in error messages.
    pub fn from_json_str(text: &str, origin: &str) -> Result<Self, DeviceError> {
        parse_device(text, origin)
    }

    /// Whether weights may be placed in URAM on this device.
    pub fn has_uram(&self) -> bool {
        self.resources.uram > Uram::ZERO
    }

    /// Clock frequency in Hz, for converting cycle counts into seconds.
    pub fn clock_hz(&self) -> f64 {
        self.clock_mhz * 1e6
    }
}
