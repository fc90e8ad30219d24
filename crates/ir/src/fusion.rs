//! The stages `graph-fuse` folds into a convolution (and, for the activation, a gemm), stored as optional
//! attributes on `graph.conv2d`, `graph.conv2d_add`, `dataflow.conv` and `dataflow.conv_add`.
//!
//! Inside one engine the order is fixed: the convolution, its bias, the residual add (the `_add` operations),
//! then the activation, then the pooling. Every reader of fused operations goes through [`FusedStages`], so the
//! spelling of the attributes lives here alone.

use melior::{
    ir::{operation::OperationLike, Attribute, Identifier},
    Context,
};

use crate::attributes::{self as attr, float_attr, i64_array_attr, named, string_attr, AttributeError};

/// The activation's kind: "relu" or "clip".
pub const ACTIVATION: &str = "activation";
/// Lower bound of a fused clip.
pub const ACTIVATION_MIN: &str = "activation_min";
/// Upper bound of a fused clip.
pub const ACTIVATION_MAX: &str = "activation_max";
/// The pooling's reduction: "max" or "avg".
pub const POOL: &str = "pool";
/// The pooling window, rows then columns.
pub const POOL_KERNEL: &str = "pool_kernel";
/// The pooling strides, rows then columns.
pub const POOL_STRIDES: &str = "pool_strides";
/// The pooling's zero padding, ONNX order (top, left, bottom, right).
pub const POOL_PADS: &str = "pool_pads";

/// Every attribute a fused stage may set, in the order they are printed when carried to an engine.
pub const ATTRIBUTES: [&str; 7] =
    [ACTIVATION, ACTIVATION_MIN, ACTIVATION_MAX, POOL, POOL_KERNEL, POOL_STRIDES, POOL_PADS];

/// A point-wise activation inside an engine.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FusedActivation {
    /// `max(x, 0)`.
    Relu,
    /// Clamp to `[min, max]`.
    Clip {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
}

/// The reduction of a fused pooling stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PoolKind {
    /// Maximum over the window (padding never wins).
    Max,
    /// Average over the window; fused only without padding, where every convention agrees.
    Average,
}

impl PoolKind {
    /// The attribute spelling.
    pub fn name(self) -> &'static str {
        match self {
            PoolKind::Max => "max",
            PoolKind::Average => "avg",
        }
    }
}

/// A pooling stage inside an engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FusedPool {
    /// The reduction.
    pub kind: PoolKind,
    /// Window rows and columns.
    pub kernel: [i64; 2],
    /// Row and column strides.
    pub strides: [i64; 2],
    /// Padding: top, left, bottom, right.
    pub pads: [i64; 4],
}

/// The stages fused after an operation's own arithmetic.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FusedStages {
    /// The activation, if any.
    pub activation: Option<FusedActivation>,
    /// The pooling, if any (after the activation).
    pub pool: Option<FusedPool>,
}

fn fixed<'c: 'a, 'a, const N: usize>(op: &impl OperationLike<'c, 'a>, name: &str) -> Result<[i64; N], AttributeError> {
    let values = attr::i64_array(op, name)?;
    values.clone().try_into().map_err(|_| AttributeError::WrongKind {
        name: name.to_owned(),
        expected: if N == 2 { "an array of 2 integers" } else { "an array of 4 integers" },
        found: format!("{values:?}"),
    })
}

impl FusedStages {
    /// Reads the fused stages of `op`; an attribute of the wrong kind or an unknown spelling is an error.
    pub fn of<'c: 'a, 'a>(op: &impl OperationLike<'c, 'a>) -> Result<Self, AttributeError> {
        let activation = if op.has_attribute(ACTIVATION) {
            Some(match attr::string(op, ACTIVATION)?.as_str() {
                "relu" => FusedActivation::Relu,
                "clip" => FusedActivation::Clip {
                    min: attr::float(op, ACTIVATION_MIN)?,
                    max: attr::float(op, ACTIVATION_MAX)?,
                },
                other => {
                    return Err(AttributeError::WrongKind {
                        name: ACTIVATION.to_owned(),
                        expected: "\"relu\" or \"clip\"",
                        found: format!("\"{other}\""),
                    })
                }
            })
        } else {
            None
        };
        let pool = if op.has_attribute(POOL) {
            let kind = match attr::string(op, POOL)?.as_str() {
                "max" => PoolKind::Max,
                "avg" => PoolKind::Average,
                other => {
                    return Err(AttributeError::WrongKind {
                        name: POOL.to_owned(),
                        expected: "\"max\" or \"avg\"",
                        found: format!("\"{other}\""),
                    })
                }
            };
            Some(FusedPool {
                kind,
                kernel: fixed(op, POOL_KERNEL)?,
                strides: fixed(op, POOL_STRIDES)?,
                pads: fixed(op, POOL_PADS)?,
            })
        } else {
            None
        };
        Ok(Self { activation, pool })
    }

    /// Whether nothing is fused.
    pub fn is_empty(&self) -> bool {
        self.activation.is_none() && self.pool.is_none()
    }
}

/// The attributes that record `activation`.
pub fn activation_attributes(context: &Context, activation: FusedActivation) -> Vec<(Identifier<'_>, Attribute<'_>)> {
    match activation {
        FusedActivation::Relu => vec![named(context, ACTIVATION, string_attr(context, "relu"))],
        FusedActivation::Clip { min, max } => vec![
            named(context, ACTIVATION, string_attr(context, "clip")),
            named(context, ACTIVATION_MIN, float_attr(context, min)),
            named(context, ACTIVATION_MAX, float_attr(context, max)),
        ],
    }
}

/// The attributes that record `pool`.
pub fn pool_attributes(context: &Context, pool: FusedPool) -> Vec<(Identifier<'_>, Attribute<'_>)> {
    vec![
        named(context, POOL, string_attr(context, pool.kind.name())),
        named(context, POOL_KERNEL, i64_array_attr(context, &pool.kernel)),
        named(context, POOL_STRIDES, i64_array_attr(context, &pool.strides)),
        named(context, POOL_PADS, i64_array_attr(context, &pool.pads)),
    ]
}
