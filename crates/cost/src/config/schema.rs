//! The parts of fpgaConvNet's `config.json` the model reads, as serde types.
//!
//! Unknown fields are ignored: fpgaConvNet writes many settings (sparsity, kernel_size arrays, binary points)
//! the cost model does not use.

use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct ConfigFile {
    pub partition: Vec<PartitionEntry>,
}

#[derive(Deserialize)]
pub(super) struct PartitionEntry {
    pub id: Option<usize>,
    #[serde(default = "one")]
    pub batch_size: u32,
    #[serde(default = "one")]
    pub weights_reloading_factor: u32,
    pub weights_reloading_layer: Option<String>,
    pub layers: Vec<LayerEntry>,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
pub(super) struct LayerEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub layer_type: String,
    pub op_type: Option<String>,
    #[serde(default)]
    pub streams_in: Vec<StreamEntry>,
    #[serde(default)]
    pub streams_out: Vec<StreamEntry>,
    pub parameters: serde_json::Value,
}

#[derive(Deserialize)]
pub(super) struct StreamEntry {
    /// The node at the other end of the stream (the layer itself for the partition's external ports).
    pub node: String,
    pub buffer_depth: Option<u32>,
}

/// A fixed-point type; only its width matters to the model.
#[derive(Deserialize)]
pub(super) struct FixedPoint {
    pub width: u32,
}

/// fpgaConvNet writes some flags as 0/1 and others as booleans.
#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
pub(super) enum Flag {
    Bool(bool),
    Int(i64),
}

impl Flag {
    pub fn is_set(self) -> bool {
        match self {
            Flag::Bool(value) => value,
            Flag::Int(value) => value != 0,
        }
    }
}

impl Default for Flag {
    fn default() -> Self {
        Flag::Bool(false)
    }
}

/// The shape fields every layer has.
#[derive(Deserialize)]
pub(super) struct Shape {
    pub rows_in: u32,
    pub cols_in: u32,
    pub channels_in: u32,
    pub rows_out: u32,
    pub cols_out: u32,
    pub channels_out: u32,
}

/// Word-rate ceilings per port, in either of fpgaConvNet's spellings.
#[derive(Deserialize, Default)]
pub(super) struct PortCeilings {
    pub mem_bw_in: Option<f64>,
    pub mem_bw_out: Option<f64>,
    pub mem_bw_in_array: Option<Vec<f64>>,
    pub mem_bw_out_array: Option<Vec<f64>>,
}

#[derive(Deserialize)]
pub(super) struct WindowFields {
    pub kernel_rows: u32,
    pub kernel_cols: u32,
    pub stride_rows: u32,
    pub stride_cols: u32,
    #[serde(default)]
    pub pad_top: u32,
    #[serde(default)]
    pub pad_bottom: u32,
    #[serde(default)]
    pub pad_left: u32,
    #[serde(default)]
    pub pad_right: u32,
}

#[derive(Deserialize)]
pub(super) struct StreamingFields {
    #[serde(default)]
    pub stream_weights: u32,
    #[serde(default)]
    pub use_uram: bool,
}

/// The fields convolution and inner-product layers share: bit widths, bias, block floating point, weight
/// streaming and our fused activation.
#[derive(Deserialize)]
pub(super) struct WeightLayerFields {
    #[serde(flatten)]
    pub streaming: StreamingFields,
    pub input_t: FixedPoint,
    pub output_t: FixedPoint,
    pub weight_t: FixedPoint,
    pub acc_t: FixedPoint,
    #[serde(default)]
    pub has_bias: Flag,
    #[serde(default)]
    pub block_floating_point: Flag,
    pub fused_activation: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ConvolutionParameters {
    #[serde(flatten)]
    pub shape: Shape,
    #[serde(flatten)]
    pub window: WindowFields,
    #[serde(flatten)]
    pub ports: PortCeilings,
    pub filters: u32,
    #[serde(default = "one")]
    pub groups: u32,
    pub coarse_in: u32,
    pub coarse_out: u32,
    #[serde(default = "one")]
    pub coarse_group: u32,
    pub fine: u32,
    #[serde(flatten)]
    pub weights: WeightLayerFields,
    /// Our extra: a residual add fused into the engine, fed by a second input port.
    #[serde(default)]
    pub fused_residual: Flag,
    /// Our extra: a pooling fused into the engine.
    pub fused_pool: Option<FusedPoolFields>,
}

/// A pooling fused into a convolution engine: its reduction and window.
#[derive(Deserialize)]
pub(super) struct FusedPoolFields {
    pub pool_type: String,
    #[serde(flatten)]
    pub window: WindowFields,
}

#[derive(Deserialize)]
pub(super) struct InnerProductParameters {
    #[serde(flatten)]
    pub shape: Shape,
    #[serde(flatten)]
    pub ports: PortCeilings,
    pub filters: u32,
    pub coarse_in: u32,
    pub coarse_out: u32,
    #[serde(flatten)]
    pub weights: WeightLayerFields,
}

#[derive(Deserialize)]
pub(super) struct PoolingParameters {
    #[serde(flatten)]
    pub shape: Shape,
    #[serde(flatten)]
    pub window: WindowFields,
    #[serde(flatten)]
    pub ports: PortCeilings,
    pub coarse: u32,
    pub data_t: FixedPoint,
}

/// Activation, split, element-wise and global pooling layers: one coarse factor and a data type.
#[derive(Deserialize)]
pub(super) struct StreamwiseParameters {
    #[serde(flatten)]
    pub shape: Shape,
    #[serde(flatten)]
    pub ports: PortCeilings,
    pub coarse: u32,
    pub data_t: FixedPoint,
    pub acc_t: Option<FixedPoint>,
    pub ports_in: Option<u32>,
    pub ports_out: Option<u32>,
    pub channels_in_array: Option<Vec<u32>>,
}

#[derive(Deserialize)]
pub(super) struct SqueezeParameters {
    #[serde(flatten)]
    pub shape: Shape,
    #[serde(flatten)]
    pub ports: PortCeilings,
    pub coarse_in: u32,
    pub coarse_out: u32,
    pub data_t: FixedPoint,
}
