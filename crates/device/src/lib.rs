//! FPGA device database.
//!
//! The cost model compares a design against a device: its DSP, BRAM, URAM, LUT and FF budgets, its clock and the
//! DRAM bandwidth that streamed weights and feature maps share. Those figures live in JSON data files (one per
//! board, in the repository's `devices/` folder) rather than in code, so that a user can describe a new board
//! without recompiling: [`Device::from_json_file`] reads such a file, [`Device::builtin`] looks up one of the
//! files compiled into this crate.
//!
//! RAM quantities are newtypes ([`Bram18`], [`Bram36`], [`Uram`]): the models count in BRAM18 while vendor data
//! sheets often count BRAM36, and a silent factor of two is the easiest mistake to make in a resource budget.

mod builtin;
mod device;
mod error;
mod file;
mod ram;

pub use builtin::builtin_names;
pub use device::{Device, DeviceResources};
pub use error::DeviceError;
pub use ram::{Bram18, Bram36, Uram};
