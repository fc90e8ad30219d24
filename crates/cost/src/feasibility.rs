//! Whether a design fits a device, and which resource limits it.

use autows_device::{Bram18, Device};

use crate::fidelity::Fidelity;
use crate::layer_resources::Resources;

/// LUTs that replace one BRAM18 when a BRAM shortfall is absorbed by LUTRAM: 18 Kib at 64 bits per LUT6.
pub const LUTS_PER_BRAM18: u64 = 288;

/// A resource a design is budgeted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Look-up tables.
    Lut,
    /// Flip-flops.
    Ff,
    /// DSP slices.
    Dsp,
    /// Block RAM (after the LUTRAM substitution).
    Bram,
    /// UltraRAM.
    Uram,
    /// DRAM bandwidth.
    Bandwidth,
}

impl Resource {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Resource::Lut => "LUT",
            Resource::Ff => "FF",
            Resource::Dsp => "DSP",
            Resource::Bram => "BRAM",
            Resource::Uram => "URAM",
            Resource::Bandwidth => "bandwidth",
        }
    }
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Use of one resource against its budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ResourceUsage {
    /// The resource.
    pub resource: Resource,
    /// Amount used (blocks, slices, LUTs, or Gb/s).
    pub used: f64,
    /// Amount the device offers.
    pub available: f64,
}

impl ResourceUsage {
    /// Used over available; infinite when something is used of a resource the device lacks.
    pub fn utilisation(&self) -> f64 {
        if self.available > 0.0 {
            self.used / self.available
        } else if self.used > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    }

    /// Whether the use is within the budget.
    pub fn fits(&self) -> bool {
        self.used <= self.available
    }
}

/// The verdict of a design against a device.
#[derive(Clone, Debug, PartialEq)]
pub struct Feasibility {
    /// Every budgeted resource, in the order LUT, FF, DSP, BRAM, URAM, bandwidth.
    pub usage: [ResourceUsage; 6],
    /// BRAM counted against the budget: the raw count minus what spare LUTs absorb.
    pub effective_bram: Bram18,
    /// BRAM18 blocks moved into LUTRAM.
    pub lutram_substituted: Bram18,
    /// LUTs counted against the budget (the raw count, plus the substituted LUTRAM in strict fidelity).
    pub effective_lut: u64,
}

impl Feasibility {
    /// Whether every resource fits.
    pub fn is_feasible(&self) -> bool {
        self.usage.iter().all(ResourceUsage::fits)
    }

    /// The resources over budget.
    pub fn violations(&self) -> impl Iterator<Item = &ResourceUsage> {
        self.usage.iter().filter(|usage| !usage.fits())
    }

    /// The most utilised resource: what makes an infeasible design infeasible, or what a feasible design will
    /// run out of first. Ties go to the earlier resource in [`Feasibility::usage`] order.
    pub fn binding_resource(&self) -> Resource {
        let mut binding = &self.usage[0];
        for usage in &self.usage[1..] {
            if usage.utilisation() > binding.utilisation() {
                binding = usage;
            }
        }
        binding.resource
    }

    /// The usage entry of `resource`.
    pub fn usage_of(&self, resource: Resource) -> &ResourceUsage {
        // The array holds each resource once, in declaration order.
        let position = match resource {
            Resource::Lut => 0,
            Resource::Ff => 1,
            Resource::Dsp => 2,
            Resource::Bram => 3,
            Resource::Uram => 4,
            Resource::Bandwidth => 5,
        };
        &self.usage[position]
    }
}

/// BRAM18 blocks that spare LUTs absorb as LUTRAM: the shortfall, at most one block per 288 spare LUTs.
pub fn lutram_substitution(bram: Bram18, lut: u64, device: &Device) -> Bram18 {
    let shortfall = bram.saturating_sub(device.resources.bram);
    let spare = u64::from(device.resources.lut).saturating_sub(lut) / LUTS_PER_BRAM18;
    Bram18(shortfall.0.min(u32::try_from(spare).unwrap_or(u32::MAX)))
}

/// Assesses `resources` and the total DRAM traffic (Gb/s) against `device`.
pub(crate) fn assess(resources: &Resources, dram_gbps: f64, device: &Device, fidelity: Fidelity) -> Feasibility {
    let lutram_substituted = lutram_substitution(resources.bram, resources.lut, device);
    let effective_bram = resources.bram.saturating_sub(lutram_substituted);
    let effective_lut = match fidelity {
        Fidelity::FpgaConvNet => resources.lut,
        Fidelity::Strict => resources.lut + u64::from(lutram_substituted.0) * LUTS_PER_BRAM18,
    };
    let budget = &device.resources;
    let usage = |resource, used: f64, available: f64| ResourceUsage { resource, used, available };
    Feasibility {
        usage: [
            usage(Resource::Lut, effective_lut as f64, f64::from(budget.lut)),
            usage(Resource::Ff, resources.ff as f64, f64::from(budget.ff)),
            usage(Resource::Dsp, resources.dsp, f64::from(budget.dsp)),
            usage(Resource::Bram, f64::from(effective_bram.0), f64::from(budget.bram.0)),
            usage(Resource::Uram, f64::from(resources.uram.0), f64::from(budget.uram.0)),
            usage(Resource::Bandwidth, dram_gbps, device.memory_bandwidth_gbps),
        ],
        effective_bram,
        lutram_substituted,
        effective_lut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_autows_example_sits_exactly_at_the_bram_limit() {
        let device = Device::builtin("zcu102").expect("built-in");
        // 2,291 BRAM18 with 134,142 LUTs: 467 short, 485 spare.
        assert_eq!(lutram_substitution(Bram18(2291), 134_142, &device), Bram18(467));
        // The vanilla design: 701 spare LUTRAM blocks do not cover a 1,182-block shortfall.
        assert_eq!(lutram_substitution(Bram18(3006), 72_151, &device), Bram18(701));
        assert_eq!(lutram_substitution(Bram18(1000), 72_151, &device), Bram18(0));
    }
}
