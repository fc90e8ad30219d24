//! The pseudo-random numbers the zoo's weights are drawn from.
//!
//! The checksums of the generated weights are written into IR, and IR travels between machines, so every value
//! must come out bit-identical everywhere. The generator therefore uses integer arithmetic and IEEE operations
//! that are correctly rounded by definition (`+ - * /` and `sqrt`), never the platform's `ln`, `sin` or `cos`,
//! whose last bit differs between C libraries.

/// The SplitMix64 increment (the golden ratio in 64-bit fixed point): it visits every state once per period.
const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output function: a bijective mix that spreads every input bit over the whole word.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hashes byte strings into a seed, so each weight gets a stream of its own and can be regenerated without
/// drawing the values of the weights before it.
pub fn seed_from(base: u64, parts: &[&str]) -> u64 {
    let mut hash = base;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash = mix64(hash.wrapping_add(GOLDEN_GAMMA) ^ u64::from(byte));
        }
    }
    hash
}

/// SplitMix64: tiny state, fast, and good enough for initial weights; streams from different seeds do not
/// overlap in practice.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A stream starting at `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix64(self.state)
    }

    /// Uniform in `[0, 1)` with 53 random bits: exact, so the same on every machine.
    pub fn next_unit(&mut self) -> f64 {
        const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
        (self.next_u64() >> 11) as f64 * SCALE
    }
}

/// Candidate pairs drawn per refill of a [`NormalSampler`]: enough that the logarithms and square roots of
/// different pairs overlap in the processor, few enough to stay in the first-level cache.
const PAIRS_PER_REFILL: usize = 64;

/// Standard normal samples by Marsaglia's polar method, which needs only a logarithm and a square root; the
/// logarithm is [`portable_ln`].
#[derive(Clone, Debug)]
pub struct NormalSampler {
    uniform: SplitMix64,
    /// Samples drawn but not yet handed out, in order.
    ready: Vec<f64>,
    /// The next sample of `ready` to hand out.
    next: usize,
}

impl NormalSampler {
    /// Samples drawn from the stream of `seed`.
    pub fn new(seed: u64) -> Self {
        Self { uniform: SplitMix64::new(seed), ready: Vec::with_capacity(2 * PAIRS_PER_REFILL), next: 0 }
    }

    /// The next sample of N(0, 1).
    pub fn next_normal(&mut self) -> f64 {
        while self.next == self.ready.len() {
            self.refill();
        }
        self.next += 1;
        self.ready[self.next - 1]
    }

    /// Draws a batch of candidate points in the square and keeps two samples for each that falls inside the unit
    /// circle. The same samples in the same order as one candidate at a time, but the costly arithmetic runs
    /// without branches, so the processor overlaps the candidates.
    fn refill(&mut self) {
        let mut points = [[0.0; 3]; PAIRS_PER_REFILL];
        for point in &mut points {
            let u = 2.0 * self.uniform.next_unit() - 1.0;
            let v = 2.0 * self.uniform.next_unit() - 1.0;
            *point = [u, v, u * u + v * v];
        }
        let inside = |radius_squared: f64| radius_squared > 0.0 && radius_squared < 1.0;
        let mut factors = [0.0; PAIRS_PER_REFILL];
        for (factor, &[_, _, radius_squared]) in factors.iter_mut().zip(&points) {
            // A point outside gets a stand-in whose result is dropped below.
            let radius_squared = if inside(radius_squared) { radius_squared } else { 0.5 };
            *factor = (-2.0 * portable_ln(radius_squared) / radius_squared).sqrt();
        }
        self.ready.clear();
        self.next = 0;
        for (&[u, v, radius_squared], &factor) in points.iter().zip(&factors) {
            if inside(radius_squared) {
                self.ready.extend([u * factor, v * factor]);
            }
        }
    }

    /// The next sample of U[0, 1), from the same stream (never mixed with normal samples in one weight).
    pub fn next_unit(&mut self) -> f64 {
        self.uniform.next_unit()
    }
}

/// The natural logarithm of a positive, finite, normal `x`, to about 1e-12 relative error, from basic
/// arithmetic only (see the module documentation for why not `f64::ln`).
pub fn portable_ln(x: f64) -> f64 {
    const MANTISSA_BITS: u64 = 0x000f_ffff_ffff_ffff;
    const EXPONENT_OF_ONE: u64 = 0x3ff0_0000_0000_0000;
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    // x = mantissa * 2^exponent with the mantissa in [1, 2), then moved to [sqrt(1/2), sqrt(2)) so the series
    // below converges fast.
    let mut mantissa = f64::from_bits((bits & MANTISSA_BITS) | EXPONENT_OF_ONE);
    let above = mantissa > std::f64::consts::SQRT_2;
    mantissa = if above { 0.5 * mantissa } else { mantissa };
    exponent += i64::from(above);
    // ln m = 2 atanh(t) with t = (m - 1) / (m + 1), |t| < 0.172: eight odd terms reach double precision.
    let t = (mantissa - 1.0) / (mantissa + 1.0);
    let t2 = t * t;
    // Even powers evaluated as pairs (Estrin's scheme) so the multiplications do not wait on each other.
    let t4 = t2 * t2;
    let low = (2.0 + t2 * (2.0 / 3.0)) + t4 * (2.0 / 5.0 + t2 * (2.0 / 7.0));
    let high = (2.0 / 9.0 + t2 * (2.0 / 11.0)) + t4 * (2.0 / 13.0 + t2 * (2.0 / 15.0));
    let series = low + (t4 * t4) * high;
    exponent as f64 * std::f64::consts::LN_2 + t * series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(rng.next_u64(), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn unit_samples_stay_in_range() {
        let mut rng = SplitMix64::new(7);
        for _ in 0..10_000 {
            let sample = rng.next_unit();
            assert!((0.0..1.0).contains(&sample), "{sample}");
        }
    }

    #[test]
    fn portable_ln_agrees_with_the_platform() {
        let mut rng = SplitMix64::new(1);
        let mut inputs: Vec<f64> = (0..10_000).map(|_| rng.next_unit() + f64::MIN_POSITIVE).collect();
        inputs.extend([1.0, 2.0, 0.5, 1e-300, 1e300, std::f64::consts::SQRT_2, 0.999_999_999]);
        for x in inputs {
            let (ours, platform) = (portable_ln(x), x.ln());
            assert!((ours - platform).abs() <= 1e-12 * platform.abs().max(1.0), "ln({x}) = {ours}, not {platform}");
        }
    }

    #[test]
    fn normal_samples_have_unit_moments() {
        let mut sampler = NormalSampler::new(42);
        let count = 200_000;
        let samples: Vec<f64> = (0..count).map(|_| sampler.next_normal()).collect();
        let mean = samples.iter().sum::<f64>() / count as f64;
        let variance = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / count as f64;
        let beyond_two_sigma = samples.iter().filter(|x| x.abs() > 2.0).count() as f64 / count as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((variance - 1.0).abs() < 0.02, "variance {variance}");
        // 4.55 % of a normal distribution lies beyond two standard deviations.
        assert!((beyond_two_sigma - 0.0455).abs() < 0.003, "tail mass {beyond_two_sigma}");
    }

    #[test]
    fn seeds_depend_on_every_part_and_its_boundaries() {
        let seed = |parts: &[&str]| seed_from(1, parts);
        assert_eq!(seed(&["resnet18", "fc.weight"]), seed(&["resnet18", "fc.weight"]));
        assert_ne!(seed(&["resnet18", "fc.weight"]), seed(&["resnet34", "fc.weight"]));
        assert_ne!(seed(&["resnet18", "fc.weight"]), seed(&["resnet18", "fc.bias"]));
        assert_ne!(seed(&["ab", "c"]), seed(&["a", "bc"]));
        assert_ne!(seed_from(1, &["x"]), seed_from(2, &["x"]));
    }
}
