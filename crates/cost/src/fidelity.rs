//! Which flavour of the model to evaluate: fpgaConvNet's own arithmetic, quirks included, or a corrected one.

/// How faithfully the model follows fpgaConvNet.
///
/// [`Fidelity::FpgaConvNet`] reproduces fpgaConvNet (fpgaconvnet-model 14d33132, fpgaconvnet-optimiser
/// 17307e9b) bit for bit, including the behaviours listed below, so that its reports can be checked against
/// ours. [`Fidelity::Strict`] corrects them; each correction is a deliberate modelling choice:
///
/// 1. **Layer latency rounding.** fpgaConvNet truncates the floating-point cycles per frame, so float noise turns
///    1,048,576 into 1,048,575, and uses the untruncated float as the pipeline interval. Strict rounds up
///    (a frame cannot finish in a fraction of a cycle) after snapping values within 1e-9 of an integer to that
///    integer, and uses these integers for the interval too (including the port ceilings).
/// 2. **Split data width.** fpgaConvNet costs every split with 16-bit words because the real width is never
///    passed on. Strict uses the layer's data width.
/// 3. **Skip-connection buffers.** fpgaConvNet computes the depth of the FIFOs in front of an element-wise layer
///    but never costs them. Strict charges them as FIFOs (BRAM18, or LUTRAM when small).
/// 4. **Streaming address ranges.** fpgaConvNet divides `stream_weights` by the stream unit in floating point,
///    so a block count that is not a whole number of rows evicts a fractional row of addresses although whole
///    tiles are freed. Strict counts whole evicted rows only.
/// 5. **Weight bandwidth scaling.** fpgaConvNet scales each streaming layer's demand by its truncated latency
///    over the largest truncated latency of the *convolution and inner-product* layers only. Strict scales by
///    the pipeline interval, which is what actually paces every layer.
/// 6. **Slow-down factor.** fpgaConvNet throttles only the weight traffic, adds a 0.01 guard to the factor and
///    keeps it ("sticky") until the bandwidth check fails again, so it depends on the order of evaluations.
///    Strict recomputes it from the design alone as the smallest factor that fits *all* DRAM traffic (weights
///    and feature maps slow down together), with no guard.
/// 7. **Feature-map output width.** fpgaConvNet prices the output feature map with the input's data width.
///    Strict uses the last layer's output width.
/// 8. **LUTRAM substitution.** fpgaConvNet lets spare LUTs absorb a BRAM shortfall (288 LUTs per BRAM18) but
///    never adds those LUTs to the LUT count. Strict adds them.
/// 9. **Fill latency at forks.** fpgaConvNet does not follow element-wise consumers at a fork when looking
///    for the longest path. Strict takes the longest path over all consumers (the same in residual networks,
///    where the skip branch is the short one).
/// 10. **Operation count of grouped convolutions.** fpgaConvNet counts k²·C·F MACs per output pixel whatever
///     the groups. Strict counts k²·(C/g)·F.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Fidelity {
    /// fpgaConvNet's arithmetic, bit for bit.
    #[default]
    FpgaConvNet,
    /// fpgaConvNet's model with its quirks corrected.
    Strict,
}

impl Fidelity {
    /// The name used on command lines and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Fidelity::FpgaConvNet => "fpgaconvnet",
            Fidelity::Strict => "strict",
        }
    }
}

/// A fidelity name that is neither `fpgaconvnet` nor `strict`.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("unknown model fidelity `{0}`; expected `fpgaconvnet` or `strict`")]
pub struct UnknownFidelity(pub String);

impl std::str::FromStr for Fidelity {
    type Err = UnknownFidelity;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "fpgaconvnet" => Ok(Fidelity::FpgaConvNet),
            "strict" => Ok(Fidelity::Strict),
            _ => Err(UnknownFidelity(text.to_owned())),
        }
    }
}
