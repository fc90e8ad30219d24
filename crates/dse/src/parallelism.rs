//! The parallelism knobs of each kind of engine, their feasible values (AUTOWS.md §2.2) and how to set them.

use autows_cost::{
    Activation, Concat, ConvParallelism, EltWise, GlobalPooling, InnerProductParallelism, Layer, LayerKind, Pooling,
    Split,
};
use serde::Serialize;

/// The parallelism of one engine, whatever its kind, so a search can treat all engines alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Parallelism {
    /// A convolution's coarse_in, coarse_out, coarse_group and fine.
    Convolution {
        /// Input-channel streams.
        coarse_in: u32,
        /// Filter streams.
        coarse_out: u32,
        /// Group streams.
        coarse_group: u32,
        /// Kernel multiplications per cycle and stream.
        fine: u32,
    },
    /// An inner product's coarse_in and coarse_out.
    InnerProduct {
        /// Input streams.
        coarse_in: u32,
        /// Output streams.
        coarse_out: u32,
    },
    /// The single channel parallelism of pooling, activation, element-wise, split, global pooling and concat.
    Coarse(u32),
    /// A squeeze, whose stream counts are dictated by its neighbours.
    Fixed,
}

impl Parallelism {
    /// The engine's current parallelism.
    pub fn of(layer: &Layer) -> Self {
        match &layer.kind {
            LayerKind::Convolution(conv) => {
                let p = conv.parallelism;
                Parallelism::Convolution {
                    coarse_in: p.coarse_in,
                    coarse_out: p.coarse_out,
                    coarse_group: p.coarse_group,
                    fine: p.fine,
                }
            }
            LayerKind::InnerProduct(fc) => {
                Parallelism::InnerProduct { coarse_in: fc.parallelism.coarse_in, coarse_out: fc.parallelism.coarse_out }
            }
            LayerKind::Squeeze(_) => Parallelism::Fixed,
            _ => Parallelism::Coarse(layer.streams_in()),
        }
    }

    /// Sets this parallelism on `layer`; a value of the wrong kind leaves it unchanged.
    pub fn apply(self, layer: &mut Layer) {
        match (self, &mut layer.kind) {
            (Parallelism::Convolution { coarse_in, coarse_out, coarse_group, fine }, LayerKind::Convolution(conv)) => {
                conv.parallelism = ConvParallelism { coarse_in, coarse_out, coarse_group, fine };
            }
            (Parallelism::InnerProduct { coarse_in, coarse_out }, LayerKind::InnerProduct(fc)) => {
                fc.parallelism = InnerProductParallelism { coarse_in, coarse_out };
            }
            (
                Parallelism::Coarse(value),
                LayerKind::Pooling(Pooling { coarse, .. })
                | LayerKind::Activation(Activation { coarse, .. })
                | LayerKind::EltWise(EltWise { coarse, .. })
                | LayerKind::GlobalPooling(GlobalPooling { coarse, .. })
                | LayerKind::Split(Split { coarse, .. })
                | LayerKind::Concat(Concat { coarse, .. }),
            ) => *coarse = value,
            _ => {}
        }
    }

    /// The minimum-area parallelism of `layer`'s kind.
    pub fn sequential(layer: &Layer) -> Self {
        match &layer.kind {
            LayerKind::Convolution(_) => {
                Parallelism::Convolution { coarse_in: 1, coarse_out: 1, coarse_group: 1, fine: 1 }
            }
            LayerKind::InnerProduct(_) => Parallelism::InnerProduct { coarse_in: 1, coarse_out: 1 },
            LayerKind::Squeeze(_) => Parallelism::Fixed,
            _ => Parallelism::Coarse(1),
        }
    }

    /// Multiply-accumulates (or words) per cycle: the size of the engine.
    pub fn product(self) -> u32 {
        match self {
            Parallelism::Convolution { coarse_in, coarse_out, coarse_group, fine } => {
                coarse_in * coarse_out * coarse_group * fine
            }
            Parallelism::InnerProduct { coarse_in, coarse_out } => coarse_in * coarse_out,
            Parallelism::Coarse(coarse) => coarse,
            Parallelism::Fixed => 1,
        }
    }
}

impl std::fmt::Display for Parallelism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Parallelism::Convolution { coarse_in, coarse_out, coarse_group, fine } => {
                write!(f, "c_in {coarse_in}, c_out {coarse_out}, c_g {coarse_group}, fine {fine}")
            }
            Parallelism::InnerProduct { coarse_in, coarse_out } => write!(f, "c_in {coarse_in}, c_out {coarse_out}"),
            Parallelism::Coarse(coarse) => write!(f, "coarse {coarse}"),
            Parallelism::Fixed => f.write_str("fixed"),
        }
    }
}

/// The divisors of `n` in increasing order (none for 0).
pub fn divisors(n: u32) -> Vec<u32> {
    let mut small = Vec::new();
    let mut large = Vec::new();
    let mut d = 1;
    while u64::from(d) * u64::from(d) <= u64::from(n) {
        if n % d == 0 {
            small.push(d);
            if d != n / d {
                large.push(n / d);
            }
        }
        d += 1;
    }
    small.extend(large.into_iter().rev());
    small
}

/// Every parallelism fpgaConvNet's chisel backend accepts for `layer` (AUTOWS.md §2.2), in a fixed order so
/// searches are deterministic.
pub fn candidates(layer: &Layer) -> Vec<Parallelism> {
    match &layer.kind {
        LayerKind::Convolution(conv) => {
            let groups = conv.groups.max(1);
            let mut all = Vec::new();
            for coarse_group in divisors(groups) {
                for coarse_in in divisors(layer.input.channels / groups) {
                    for coarse_out in divisors(conv.filters / groups) {
                        for fine in divisors(conv.window.kernel_size()) {
                            all.push(Parallelism::Convolution { coarse_in, coarse_out, coarse_group, fine });
                        }
                    }
                }
            }
            all
        }
        LayerKind::InnerProduct(fc) => {
            // Input lanes split the channels of the incoming feature map (a squeeze feeding the engine converts
            // over channels), so they divide the channels, not just the flattened size.
            let mut all = Vec::new();
            for coarse_in in divisors(layer.input.channels) {
                for coarse_out in divisors(fc.filters) {
                    all.push(Parallelism::InnerProduct { coarse_in, coarse_out });
                }
            }
            all
        }
        LayerKind::Squeeze(_) => vec![Parallelism::Fixed],
        LayerKind::Concat(concat) => {
            let common = concat.channels_in.iter().fold(0, |acc, &channels| gcd(acc, channels));
            divisors(common).into_iter().map(Parallelism::Coarse).collect()
        }
        _ => divisors(layer.input.channels).into_iter().map(Parallelism::Coarse).collect(),
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Streams in and out of `layer` if it had parallelism `parallelism`.
pub fn streams(layer: &Layer, parallelism: Parallelism) -> (u32, u32) {
    match parallelism {
        Parallelism::Convolution { coarse_in, coarse_out, coarse_group, .. } => {
            (coarse_in * coarse_group, coarse_out * coarse_group)
        }
        Parallelism::InnerProduct { coarse_in, coarse_out } => (coarse_in, coarse_out),
        Parallelism::Coarse(coarse) => (coarse, coarse),
        Parallelism::Fixed => (layer.streams_in(), layer.streams_out()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisors_are_sorted_and_complete() {
        assert_eq!(divisors(12), [1, 2, 3, 4, 6, 12]);
        assert_eq!(divisors(49), [1, 7, 49]);
        assert_eq!(divisors(1), [1]);
        assert!(divisors(0).is_empty());
    }
}
