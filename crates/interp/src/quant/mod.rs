//! Bit-exact quantised arithmetic: what the generated hardware computes, step by step.
//!
//! After weights and inputs are quantised, everything is integer arithmetic, so results are the same on every
//! platform and every run, whatever the order of the additions.
//!
//! # Formats
//!
//! * **Activations** (network inputs and every quantised result) are signed `A`-bit two's complement codes `q`
//!   with binary point `p` ([`FixedFormat`]): `q` stands for `q * 2^-p`. The reference design, `w4a5`, has
//!   `A = 5`, `p = 2`: codes -16..=15 for values -4.0..=3.75 in steps of 0.25.
//! * **Weights** are signed `W`-bit mantissas `m` with one exponent `e` per output channel
//!   ([`ChannelWeights`]): `m` stands for `m * 2^e`. Channel block floating point chooses `e` per channel as the
//!   smallest exponent at which the channel's largest magnitude rounds to at most `2^(W-1) - 1`, clamped to
//!   [[`MIN_EXPONENT`], [`MAX_EXPONENT`]] (a 6-bit field; all-zero channels get 0). Plain fixed point uses one
//!   exponent, minus the weight binary point, for every channel.
//!
//! # Conversions from float
//!
//! A float `x` becomes the code `saturate(round_half_even(x * 2^p))`: the product is exact in `f64` (a power
//! of two times an `f32`), ties go to the even code, and results beyond the range clamp to the nearest end.
//! NaN becomes 0. Weight mantissas use the same rule with `2^-e`.
//!
//! # Convolution and gemm
//!
//! For output channel `c` (a convolution filter, or a column of a gemm's `op(b)`):
//!
//! 1. **Multiply-accumulate.** `acc = sum(m * q)` over the channel's taps, exactly, in a signed accumulator.
//!    Each product fits `W + A` bits; `acc` fits `W + A + ceil(log2 K)` bits for `K` products
//!    ([`QuantSpec::accumulator_bits`]); the reference holds it in an `i64`. Padding taps contribute nothing.
//! 2. **Align.** `acc` stands for `acc * 2^(e - p_in)`. The sum format has `p_sum = max(p_in - e, p_out)`
//!    fractional bits; `aligned = acc << (p_sum - p_in + e)`, a left shift that is zero unless the channel's
//!    weights are coarser than the output steps, and never loses bits ([`ChannelScale`]).
//! 3. **Bias.** The float bias `b` becomes `B = round_half_even(b * 2^p_sum)` (once, offline); `s = aligned + B`.
//!    A gemm's bias is `beta * c` per output element; `alpha` multiplies the weights (in `f32`) before they
//!    are quantised.
//! 4. **Requantise.** `out = saturate_A(round_shift(s, p_sum - p_out))`, where `round_shift` divides by a power
//!    of two rounding to nearest, ties to even: with `f = s >> k` (arithmetic) and `r = s - (f << k)`, the
//!    result is `f + 1` if `r > 2^(k-1)` or (`r == 2^(k-1)` and `f` is odd), else `f`.
//!
//! With equal input and output formats (always the case here) step 2 shifts left by `max(e, 0)` and step 4
//! right by `max(-e, 0)`, so the per-channel hardware is: shift by the exponent, add the bias, round, saturate.
//!
//! # Other operations
//!
//! * `relu`: `max(q, 0)`. `clip`: clamp to the codes of its bounds (converted as above).
//! * `add`, `sub`: `saturate_A(q1 ± q2)` with NumPy broadcasting; constant operands are converted to the
//!   activation format first.
//! * `maxpool`: the largest code among the window's real elements (padding never wins).
//! * `avgpool`, `global_avgpool`: the exact sum of the window's codes divided by the divisor (the real
//!   elements, or with `count_include_pad` the taps inside the input or its padding) rounded to nearest, ties
//!   to even: with `f = floor(sum / d)` and `r = sum - f d`, `f + 1` if `2r > d` or (`2r == d` and `f` odd).
//! * `concat`, `flatten`, `reshape`, `transpose`, `pad`, `identity`, `dropout` move codes unchanged; a constant
//!   pad value is converted to the activation format.
//!
//! Nodes whose operands are all parameters (weights, constants, or results computed from those only) run in
//! float, as in the float reference, and their results are quantised by whichever operation reads them.
//! Batch normalisation, sigmoid, softmax and the other operations without an integer form make
//! [`run_quantized`] fail naming the node: fold or remove them before quantising.

mod eval;
mod format;
mod ops;
mod requant;
mod spec;
mod tensor;
mod weights;

pub use eval::run_quantized;
pub use format::{round_div, round_shift, FixedFormat};
pub use requant::{BiasRangeError, ChannelScale};
pub use spec::{QuantSpec, QuantSpecError, WeightScheme};
pub use tensor::{QuantOutput, QuantTensor};
pub use weights::{quantize_channels, ChannelWeights, WeightQuantError, MAX_EXPONENT, MIN_EXPONENT};
