//! Typed views of our operations: `Conv2d::wrap(op)` checks the name once, then named accessors read operands,
//! results and attributes without string look-ups at the call site.

use crate::attributes::{self as attr, AttributeError};
use melior::ir::{operation::OperationLike, OperationRef, Value};

/// Declares a typed view of one operation: its name, its operands and results by position, and its attributes
/// with the accessor that reads each.
macro_rules! operation_view {
    (
        $(#[$doc:meta])*
        $view:ident = $name:literal;
        operands { $($operand:ident : $operand_index:literal),* $(,)? }
        $(optional { $($optional:ident : $optional_index:literal),* $(,)? })?
        attributes { $($attribute:ident : $reader:ident -> $ty:ty),* $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $view<'c, 'a> {
            op: OperationRef<'c, 'a>,
        }

        impl<'c, 'a> $view<'c, 'a> {
            /// The operation's full name.
            pub const NAME: &'static str = $name;

            /// Views `op` as this operation; `None` if it is another operation.
            pub fn wrap(op: OperationRef<'c, 'a>) -> Option<Self> {
                (op.name().as_string_ref().as_str() == Ok($name)).then_some(Self { op })
            }

            /// The underlying operation.
            pub fn operation(&self) -> OperationRef<'c, 'a> {
                self.op
            }

            /// The first result.
            pub fn result(&self) -> Option<Value<'c, 'a>> {
                self.op.result(0).ok().map(Into::into)
            }

            $(
                #[doc = concat!("The `", stringify!($operand), "` operand.")]
                pub fn $operand(&self) -> Option<Value<'c, 'a>> {
                    self.op.operand($operand_index).ok()
                }
            )*

            $($(
                #[doc = concat!("The optional `", stringify!($optional), "` operand, if present.")]
                pub fn $optional(&self) -> Option<Value<'c, 'a>> {
                    self.op.operand($optional_index).ok()
                }
            )*)?

            $(
                #[doc = concat!("The `", stringify!($attribute), "` attribute.")]
                pub fn $attribute(&self) -> Result<$ty, AttributeError> {
                    attr::$reader(&self.op, stringify!($attribute))
                }
            )*
        }
    };
}

operation_view! {
    /// `graph.conv2d`.
    Conv2d = "graph.conv2d";
    operands { input: 0, weight: 1 }
    optional { bias: 2 }
    attributes { strides: i64_array -> Vec<i64>, pads: i64_array -> Vec<i64>, dilations: i64_array -> Vec<i64>, groups: int -> i64 }
}

operation_view! {
    /// `graph.conv2d_add`.
    Conv2dAdd = "graph.conv2d_add";
    operands { input: 0, weight: 1, residual: 2 }
    optional { bias: 3 }
    attributes { strides: i64_array -> Vec<i64>, pads: i64_array -> Vec<i64>, dilations: i64_array -> Vec<i64>, groups: int -> i64 }
}

operation_view! {
    /// `graph.gemm`.
    Gemm = "graph.gemm";
    operands { a: 0, b: 1 }
    optional { c: 2 }
    attributes { trans_a: bool -> bool, trans_b: bool -> bool, alpha: float -> f64, beta: float -> f64 }
}

operation_view! {
    /// `graph.maxpool`.
    MaxPool = "graph.maxpool";
    operands { input: 0 }
    attributes {
        kernel: i64_array -> Vec<i64>, strides: i64_array -> Vec<i64>, pads: i64_array -> Vec<i64>,
        dilations: i64_array -> Vec<i64>, ceil_mode: bool -> bool,
    }
}

operation_view! {
    /// `graph.avgpool`.
    AvgPool = "graph.avgpool";
    operands { input: 0 }
    attributes {
        kernel: i64_array -> Vec<i64>, strides: i64_array -> Vec<i64>, pads: i64_array -> Vec<i64>,
        ceil_mode: bool -> bool, count_include_pad: bool -> bool,
    }
}

operation_view! {
    /// `graph.clip`.
    Clip = "graph.clip";
    operands { input: 0 }
    attributes { min: float -> f64, max: float -> f64 }
}

operation_view! {
    /// `graph.concat`.
    Concat = "graph.concat";
    operands { lhs: 0, rhs: 1 }
    attributes { axis: int -> i64 }
}

operation_view! {
    /// `graph.flatten`.
    Flatten = "graph.flatten";
    operands { input: 0 }
    attributes { axis: int -> i64 }
}

operation_view! {
    /// `graph.transpose`.
    Transpose = "graph.transpose";
    operands { input: 0 }
    attributes { perm: i64_array -> Vec<i64> }
}

operation_view! {
    /// `graph.pad`.
    Pad = "graph.pad";
    operands { input: 0 }
    attributes { pads: i64_array -> Vec<i64>, mode: string -> String, value: float -> f64 }
}

operation_view! {
    /// `graph.batchnorm`.
    BatchNorm = "graph.batchnorm";
    operands { input: 0, scale: 1, bias: 2, mean: 3, variance: 4 }
    attributes { epsilon: float -> f64 }
}

operation_view! {
    /// `graph.softmax`.
    Softmax = "graph.softmax";
    operands { input: 0 }
    attributes { axis: int -> i64 }
}

operation_view! {
    /// `graph.weight`.
    Weight = "graph.weight";
    operands {}
    attributes { source: string -> String, key: string -> String, checksum: string -> String }
}

operation_view! {
    /// `dataflow.conv`.
    ConvEngine = "dataflow.conv";
    operands { input: 0, weights: 1 }
    optional { bias: 2 }
    attributes {
        strides: i64_array -> Vec<i64>, pads: i64_array -> Vec<i64>, dilations: i64_array -> Vec<i64>,
        groups: int -> i64, coarse_in: int -> i64, coarse_out: int -> i64, coarse_group: int -> i64, fine: int -> i64,
    }
}

operation_view! {
    /// `dataflow.conv_add`.
    ConvAddEngine = "dataflow.conv_add";
    operands { input: 0, weights: 1, residual: 2 }
    optional { bias: 3 }
    attributes {
        strides: i64_array -> Vec<i64>, pads: i64_array -> Vec<i64>, dilations: i64_array -> Vec<i64>,
        groups: int -> i64, coarse_in: int -> i64, coarse_out: int -> i64, coarse_group: int -> i64, fine: int -> i64,
    }
}

operation_view! {
    /// `dataflow.fc`.
    FcEngine = "dataflow.fc";
    operands { input: 0, weights: 1 }
    optional { bias: 2 }
    attributes { coarse_in: int -> i64, coarse_out: int -> i64 }
}

operation_view! {
    /// `dataflow.pool`.
    PoolEngine = "dataflow.pool";
    operands { input: 0 }
    attributes {
        kind: string -> String, kernel: i64_array -> Vec<i64>, strides: i64_array -> Vec<i64>,
        pads: i64_array -> Vec<i64>, coarse: int -> i64,
    }
}

operation_view! {
    /// `dataflow.fifo`.
    Fifo = "dataflow.fifo";
    operands { input: 0 }
    attributes { depth: int -> i64 }
}

operation_view! {
    /// `memory.onchip_buffer`.
    OnchipBuffer = "memory.onchip_buffer";
    operands { weights: 0 }
    attributes {
        ram: string -> String, width: int -> i64, depth: int -> i64, unit_width: int -> i64, unit_depth: int -> i64,
    }
}

operation_view! {
    /// `memory.stream_buffer`.
    StreamBuffer = "memory.stream_buffer";
    operands { weights: 0, port: 1 }
    attributes {
        ram: string -> String, width: int -> i64, depth: int -> i64, unit_width: int -> i64, unit_depth: int -> i64,
        onchip_depth: int -> i64, offchip_depth: int -> i64, staging_depth: int -> i64, interval: int -> i64,
        dram_base: int -> i64, dma_order: int -> i64, bandwidth: float -> f64,
    }
}

operation_view! {
    /// `memory.dma_port`.
    DmaPort = "memory.dma_port";
    operands {}
    attributes { sym_name: string -> String, data_width: int -> i64, bandwidth: float -> f64 }
}
