//! Typed counts of on-chip RAM blocks.
//!
//! Each primitive has its own type so that a BRAM36 count can never be added to a BRAM18 count, nor a URAM count
//! compared with a BRAM budget, without an explicit conversion that states the exchange rate.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul};

macro_rules! ram_count {
    ($(#[$doc:meta])* $name:ident, $label:literal, $bits:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// No blocks.
            pub const ZERO: Self = Self(0);
            /// Storage of one block in bits, as a capacity figure (the usable width/depth combinations are
            /// the primitive's aspect ratios).
            pub const BITS_PER_BLOCK: u64 = $bits;

            /// The number of blocks.
            pub const fn count(self) -> u32 {
                self.0
            }

            /// Total storage capacity of these blocks in bits.
            pub const fn capacity_bits(self) -> u64 {
                self.0 as u64 * Self::BITS_PER_BLOCK
            }

            /// Subtraction that reports underflow instead of wrapping, for budgets computed from user data.
            pub fn checked_sub(self, other: Self) -> Option<Self> {
                self.0.checked_sub(other.0).map(Self)
            }

            /// Subtraction clamped at zero, for "what is left" questions.
            pub fn saturating_sub(self, other: Self) -> Self {
                Self(self.0.saturating_sub(other.0))
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, other: Self) -> Self {
                Self(self.0 + other.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, other: Self) {
                self.0 += other.0;
            }
        }

        impl Mul<u32> for $name {
            type Output = Self;
            fn mul(self, factor: u32) -> Self {
                Self(self.0 * factor)
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|blocks| blocks.0).sum())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.0, $label)
            }
        }
    };
}

ram_count!(
    /// A count of 18 Kib block RAMs, the unit every fpgaConvNet and AutoWS RAM figure is given in.
    Bram18,
    "BRAM18",
    18 * 1024
);
ram_count!(
    /// A count of 36 Kib block RAMs, the unit of vendor data sheets (one BRAM36 site holds two BRAM18).
    Bram36,
    "BRAM36",
    36 * 1024
);
ram_count!(
    /// A count of 288 Kib UltraRAM blocks (UltraScale+ only); budgeted separately from block RAM.
    Uram,
    "URAM",
    288 * 1024
);

impl From<Bram36> for Bram18 {
    /// A BRAM36 site splits into exactly two BRAM18, so this direction never loses anything.
    fn from(blocks: Bram36) -> Self {
        Bram18(blocks.0.saturating_mul(2))
    }
}

impl Bram18 {
    /// The BRAM36 sites needed to place these blocks: two BRAM18 share a site, so an odd count needs one more.
    pub const fn to_bram36_rounded_up(self) -> Bram36 {
        Bram36(self.0.div_ceil(2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bram36_to_bram18_doubles() {
        assert_eq!(Bram18::from(Bram36(912)), Bram18(1824));
    }

    #[test]
    fn bram18_to_bram36_rounds_up() {
        assert_eq!(Bram18(1824).to_bram36_rounded_up(), Bram36(912));
        assert_eq!(Bram18(7).to_bram36_rounded_up(), Bram36(4));
    }

    #[test]
    fn capacities_match_the_primitives() {
        assert_eq!(Bram18(1).capacity_bits(), 18_432);
        assert_eq!(Bram36(1).capacity_bits(), 2 * Bram18(1).capacity_bits());
        assert_eq!(Uram(1).capacity_bits(), 16 * Bram18(1).capacity_bits());
    }

    #[test]
    fn arithmetic_stays_in_one_unit() {
        let total: Bram18 = [Bram18(3), Bram18(4)].into_iter().sum();
        assert_eq!(total + Bram18(1), Bram18(8));
        assert_eq!(Bram18(2).checked_sub(Bram18(3)), None);
        assert_eq!(Bram18(2).saturating_sub(Bram18(3)), Bram18::ZERO);
        assert_eq!(Bram18(5).to_string(), "5 BRAM18");
    }
}
