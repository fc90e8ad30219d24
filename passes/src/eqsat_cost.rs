//! The extraction cost of `graph-eqsat` asked of the hardware cost model: an operation on activations costs an
//! engine, the on-chip RAM the model lays its weights out in, and the cycles per frame it takes at minimum
//! parallelism.

use crate::dataflow_model::{window, Arithmetic};
use autows_cost::{
    Activation, ActivationFunction, ArithmeticWidths, Concat, ConvParallelism, Convolution, CostModel as _, EltWise,
    EltWiseOp, FeatureMap, FpgaConvNetModel, GlobalPooling, InnerProduct, InnerProductParallelism, Layer, LayerKind,
    PoolOp, Pooling, PortLimits, WeightStreaming,
};
use autows_eqsat::{Cost, CostModel, HardwareCost, NodeView};
use autows_network::{Op, TensorType};

/// The engines charged for an operation on activations that no engine implements: far more than any network
/// has, yet finite, as extraction requires.
pub const NO_ENGINE: f64 = 1.0e6;

/// Bits in one BRAM18 block.
const BRAM18_BITS: f64 = 18.0 * 1024.0;

/// Prices operations with fpgaConvNet's model as the search would start from (every engine sequential, every
/// weight on chip). Data movement costs what [`HardwareCost`] says; an operation on activations that the dataflow
/// lowering has no engine for (an unfolded batch norm, a softmax, ...) costs [`NO_ENGINE`] engines, so that any
/// lowerable equivalent wins.
pub struct ModelCost {
    arithmetic: Arithmetic,
    model: FpgaConvNetModel,
}

impl ModelCost {
    /// A cost for a function whose arithmetic is `arithmetic`.
    pub fn new(arithmetic: Arithmetic) -> Self {
        Self { arithmetic, model: FpgaConvNetModel::fpgaconvnet() }
    }

    fn widths(&self) -> ArithmeticWidths {
        let a = &self.arithmetic;
        ArithmeticWidths { input: a.data, output: a.data, weight: a.weight, accumulator: a.accumulator }
    }

    /// The engine `node` would become, if the model has one.
    fn layer(&self, node: &NodeView<'_>) -> Option<Layer> {
        let input = feature_map(node.inputs.first()?)?;
        let output = feature_map(node.output)?;
        let data_width = self.arithmetic.data;
        let kind = match &node.op {
            Op::Conv2d { strides, pads, groups, .. } => {
                let weight = &node.inputs.get(1)?.shape;
                LayerKind::Convolution(Convolution {
                    window: window([weight[2], weight[3]], strides, pads).ok()?,
                    filters: output.channels,
                    groups: u32::try_from(*groups).ok()?,
                    parallelism: ConvParallelism::SEQUENTIAL,
                    widths: self.widths(),
                    has_bias: node.inputs.len() > 2,
                    block_floating_point: self.arithmetic.block_floating_point,
                    streaming: WeightStreaming::ON_CHIP,
                    fused_activation: None,
                    fused_residual: false,
                    fused_pool: None,
                })
            }
            Op::Gemm { .. } | Op::MatMul => LayerKind::InnerProduct(InnerProduct {
                filters: output.channels,
                parallelism: InnerProductParallelism { coarse_in: 1, coarse_out: 1 },
                widths: self.widths(),
                has_bias: node.inputs.len() > 2,
                block_floating_point: self.arithmetic.block_floating_point,
                streaming: WeightStreaming::ON_CHIP,
                fused_activation: None,
            }),
            Op::MaxPool { window: pool, .. } | Op::AvgPool { window: pool, .. } => LayerKind::Pooling(Pooling {
                window: window(pool.kernel, &pool.strides, &pool.pads).ok()?,
                op: if matches!(node.op, Op::MaxPool { .. }) { PoolOp::Max } else { PoolOp::Average },
                coarse: 1,
                data_width,
            }),
            Op::Relu | Op::Clip { .. } | Op::Sigmoid | Op::HardSwish => {
                LayerKind::Activation(Activation { function: ActivationFunction::Relu, coarse: 1, data_width })
            }
            // The element-wise engine joins two streams; a weight operand has no stream to arrive on.
            Op::Add | Op::Mul if !node.inputs_weight_only.contains(&true) => LayerKind::EltWise(EltWise {
                op: if matches!(node.op, Op::Add) { EltWiseOp::Add } else { EltWiseOp::Multiply },
                ports_in: 2,
                coarse: 1,
                data_width,
                skip_buffer_depths: Vec::new(),
            }),
            Op::GlobalAvgPool => {
                LayerKind::GlobalPooling(GlobalPooling { coarse: 1, data_width, accumulator_width: 24 })
            }
            Op::Concat { .. } => LayerKind::Concat(Concat {
                channels_in: node
                    .inputs
                    .iter()
                    .map(|ty| feature_map(ty).map(|map| map.channels))
                    .collect::<Option<_>>()?,
                coarse: 1,
                data_width,
            }),
            _ => return None,
        };
        let ports_in = match &kind {
            LayerKind::EltWise(_) => 2,
            LayerKind::Concat(concat) => concat.channels_in.len() as u32,
            _ => 1,
        };
        Some(Layer { name: "candidate".into(), input, output, kind, port_limits: PortLimits::for_ports(ports_in, 1) })
    }
}

fn feature_map(ty: &TensorType) -> Option<FeatureMap> {
    let dim = |index: usize| ty.shape.get(index).copied().unwrap_or(1).max(1) as u32;
    match ty.shape.len() {
        4 => Some(FeatureMap::new(dim(2), dim(3), dim(1))),
        0 => None,
        _ => Some(FeatureMap::new(1, 1, ty.shape.iter().skip(1).product::<i64>().max(1) as u32)),
    }
}

impl CostModel for ModelCost {
    fn cost(&self, node: &NodeView<'_>) -> Cost {
        let fallback = HardwareCost { weight_bits: Some(self.arithmetic.weight) }.cost(node);
        if node.weight_only || fallback.engines == 0.0 {
            return fallback;
        }
        let Some(layer) = self.layer(node) else { return Cost { engines: NO_ENGINE, ..fallback } };
        match self.model.layer_cost(&layer) {
            Ok(cost) => Cost {
                engines: 1.0,
                weight_bits: f64::from(cost.resources.bram.0) * BRAM18_BITS,
                streamed: cost.interval,
                nodes: 1.0,
            },
            Err(_) => fallback,
        }
    }
}
