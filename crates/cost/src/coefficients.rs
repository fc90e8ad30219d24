//! Fitted linear-regression coefficients of fpgaConvNet's Chisel hardware modules.
//!
//! fpgaConvNet predicts each module's LUT and FF counts as a dot product of a module-specific feature vector with
//! these coefficients (AUTOWS.md §2.6.5). They are data, copied digit for digit: the per-layer figures are
//! truncated to integers, so a coefficient rounded in the last place can move a LUT count by one.

/// The coefficients of one module, one vector per resource, each as long as the module's feature vector.
pub(crate) struct ModuleCoefficients<const LOGIC: usize, const RAM: usize, const SHIFT: usize, const FF: usize> {
    /// LUTs used as logic.
    pub logic_lut: [f64; LOGIC],
    /// LUTs used as distributed RAM.
    pub lut_ram: [f64; RAM],
    /// LUTs used as shift registers.
    pub lut_sr: [f64; SHIFT],
    /// Flip-flops.
    pub ff: [f64; FF],
}

/// Coefficients of the sliding-window line and window buffers.
pub(crate) const SLIDING_WINDOW: ModuleCoefficients<5, 3, 1, 10> = ModuleCoefficients {
    logic_lut: [6.468405208474761, 0.0, 0.0, 3.926593877837413, 2.450841120151407],
    lut_ram: [0.07302216156243713, 0.0, 14.236190954435962],
    lut_sr: [0.0],
    ff: [0.0, 0.0, 20.771535378232738, 0.0, 0.0, 0.0, 5.212369249548043, 3.440205509209496, 0.0, 0.0],
};

/// Coefficients of the stream re-packing squeeze.
pub(crate) const SQUEEZE: ModuleCoefficients<8, 1, 1, 6> = ModuleCoefficients {
    logic_lut: [0.0, 2.2268896442913184, 0.0, 0.0, 235.5859880971394, 0.0, 3.293017476657307, 0.0],
    lut_ram: [48.829252955785634],
    lut_sr: [0.0],
    ff: [0.0, 15.873916471346325, 3.484859440538732, 0.0, 5.694867606761426, 1084.9015156761457],
};

/// Coefficients of the fork that fans a window out to the output streams.
pub(crate) const FORK: ModuleCoefficients<5, 1, 1, 3> = ModuleCoefficients {
    logic_lut: [0.0, 0.4999999999999997, 0.0, 1.8547921623042413e-18, 5.000000000000004],
    lut_ram: [0.0],
    lut_sr: [0.0],
    ff: [11.999999999999998, 0.0, 3.0000000000000058],
};

/// Coefficients of the multiply-accumulate vector dot product.
pub(crate) const VECTOR_DOT: ModuleCoefficients<9, 2, 1, 8> = ModuleCoefficients {
    logic_lut: [2.5712588490274078, 0.0, 0.0, 0.0, 0.0, 0.9728726880005609, 0.0, 0.0, 0.0],
    lut_ram: [4.524649370974531, 0.0],
    lut_sr: [0.1677374301675975],
    ff: [0.0, 0.0, 0.0, 0.0, 21.368623676334177, 1.4860070225969686, 0.18202487854323943, 0.0],
};

/// Coefficients of the channel accumulator.
pub(crate) const ACCUM: ModuleCoefficients<7, 4, 1, 7> = ModuleCoefficients {
    logic_lut: [0.8535328752784788, 0.0, 3.510359838010225, 0.0, 0.0, 0.0, 0.0],
    lut_ram: [13.673791357498757, 0.016783091147872513, 0.9252112240755449, 0.0],
    lut_sr: [0.0],
    ff: [0.0, 3.209793819446477, 0.0, 0.0, 0.007325972145692542, 0.28885062372946946, 0.0],
};

/// Coefficients of the glue adder that joins the input-channel streams.
pub(crate) const GLUE: ModuleCoefficients<4, 2, 2, 6> = ModuleCoefficients {
    logic_lut: [1.2616559056745482, 0.0, 0.0, 0.0],
    lut_ram: [8.878748320941405, 0.0],
    lut_sr: [0.16089865580518367, 0.19529144313650781],
    ff: [9.537511514327104, 0.36080768592384255, 0.0, 0.05106318781440864, 1.0280541022281016, 0.0],
};

/// Coefficients of the bias adder.
pub(crate) const BIAS: ModuleCoefficients<1, 1, 1, 3> = ModuleCoefficients {
    logic_lut: [0.8124999999999999],
    lut_ram: [0.0],
    lut_sr: [0.0],
    ff: [2.1874999999999996, 0.0, 0.0],
};

/// Coefficients of the pooling reduction.
pub(crate) const POOL: ModuleCoefficients<6, 2, 1, 4> = ModuleCoefficients {
    logic_lut: [2.5047646462840762, 0.8852262978075741, 0.0, 0.0, 0.0, 0.0],
    lut_ram: [7.999999999999963, 5.972289129998669e-15],
    lut_sr: [0.0],
    ff: [0.18671982494445696, 2.156759769408736, 5.372070909824419, 0.0],
};

/// Coefficients of the global-average-pooling accumulator.
pub(crate) const GLOBAL_POOL: ModuleCoefficients<5, 1, 1, 5> = ModuleCoefficients {
    logic_lut: [28.143908465835835, 0.0, 0.0, 0.0, 0.0],
    lut_ram: [8.000000000000002],
    lut_sr: [0.0],
    ff: [0.0, 0.0, 0.0, 0.6410566414241895, 0.0],
};

/// Every coefficient vector in use, keyed `<module>_<resource>` as in fpgaConvNet's coefficient files, so that a
/// test or a user can compare them with another fit.
pub fn coefficient_table() -> Vec<(&'static str, &'static [f64])> {
    macro_rules! entries {
        ($($key:literal => $module:ident),* $(,)?) => {
            vec![$(
                (concat!($key, "_logic_lut"), &$module.logic_lut[..]),
                (concat!($key, "_lut_ram"), &$module.lut_ram[..]),
                (concat!($key, "_lut_sr"), &$module.lut_sr[..]),
                (concat!($key, "_ff"), &$module.ff[..]),
            )*]
        };
    }
    entries!(
        "slidingwindow" => SLIDING_WINDOW,
        "squeeze" => SQUEEZE,
        "fork" => FORK,
        "vectordot" => VECTOR_DOT,
        "accum" => ACCUM,
        "glue" => GLUE,
        "bias" => BIAS,
        "pool" => POOL,
        "globalpool" => GLOBAL_POOL,
    )
}
