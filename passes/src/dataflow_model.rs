//! Reading a dataflow pipeline out of IR as the plain-data pipeline the cost model evaluates.

use autows_cost::{
    Activation, ActivationFunction, ArithmeticWidths, Concat, ConvParallelism, Convolution, EltWise, EltWiseOp,
    FeatureMap, FusedPool, GlobalPooling, InnerProduct, InnerProductParallelism, Layer, LayerKind, Pipeline, PoolOp,
    Pooling, PortLimits, Split, Squeeze, WeightStreaming, Window,
};
use autows_interp::{quant::WeightScheme, QuantSpec};
use autows_ir::{
    attributes as attr,
    diagnostics::SourceLocation,
    fusion::{FusedStages, PoolKind},
    rewrite::{body, defining_op, op_name},
    types::{StreamType, TensorType},
};
use melior::ir::{block::BlockLike, operation::OperationLike, BlockRef, OperationRef, Value, ValueLike};
use std::collections::HashMap;

/// The function attribute with the network's quantisation (see `graph-quantize`).
const QUANTIZATION: &str = "graph.quantization";

/// Bit widths of a pipeline's data, weights and accumulators, and whether weights are channel BFP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arithmetic {
    /// Activations.
    pub data: u32,
    /// Weights.
    pub weight: u32,
    /// Accumulators, as fpgaConvNet sizes them (weight + data bits).
    pub accumulator: u32,
    /// Per-channel block floating point (a shift-scale stage per output stream).
    pub block_floating_point: bool,
}

impl Arithmetic {
    /// The arithmetic of `function`: its recorded quantisation, or 16-bit fixed point (fpgaConvNet's default)
    /// for a float network.
    pub fn of(function: &OperationRef) -> Result<Self, String> {
        match attr::string(function, QUANTIZATION) {
            Ok(text) => {
                let spec: QuantSpec = text.parse().map_err(|error| format!("{error}"))?;
                Ok(Self::from_spec(&spec))
            }
            Err(_) => Ok(Self::FLOAT_DEFAULT),
        }
    }

    /// fpgaConvNet's default for a network without a quantisation: 16-bit fixed point.
    pub const FLOAT_DEFAULT: Self = Self { data: 16, weight: 16, accumulator: 32, block_floating_point: false };

    /// The arithmetic a quantisation gives.
    pub fn from_spec(spec: &QuantSpec) -> Self {
        Self {
            data: spec.activation_bits(),
            weight: spec.weight_bits(),
            accumulator: spec.activation_bits() + spec.weight_bits(),
            block_floating_point: spec.scheme() == WeightScheme::ChannelBfp,
        }
    }

    fn widths(&self) -> ArithmeticWidths {
        ArithmeticWidths { input: self.data, output: self.data, weight: self.weight, accumulator: self.accumulator }
    }
}

/// A pipeline read from IR: the cost model's view, and the engine operation behind each layer.
pub struct ExtractedPipeline<'c, 'a> {
    /// The layers and streams.
    pub pipeline: Pipeline,
    /// `engines[i]` is the operation of layer `i`.
    pub engines: Vec<OperationRef<'c, 'a>>,
}

fn feature_map(value: Value, what: &str) -> Result<FeatureMap, String> {
    let stream = StreamType::from_type(value.r#type()).ok_or_else(|| format!("the {what} is not a stream"))?;
    let shape = stream.tensor.static_shape().ok_or_else(|| format!("the {what} has no static shape"))?;
    let dim = |index: usize| shape.get(index).copied().unwrap_or(1).max(1) as u32;
    Ok(match shape.len() {
        4 => FeatureMap::new(dim(2), dim(3), dim(1)),
        _ => FeatureMap::new(1, 1, shape.iter().skip(1).product::<i64>().max(1) as u32),
    })
}

fn lanes(value: Value) -> u32 {
    StreamType::from_type(value.r#type()).map_or(1, |stream| stream.lanes.max(1) as u32)
}

/// The cost model's window: kernel, strides and `[top, left, bottom, right]` pads.
pub(crate) fn window(kernel: [i64; 2], strides: &[i64], pads: &[i64]) -> Result<Window, String> {
    let get = |values: &[i64], index: usize| values.get(index).copied().unwrap_or(0).max(0) as u32;
    if strides.len() != 2 || pads.len() != 4 {
        return Err("strides need 2 values and pads 4".into());
    }
    Ok(Window {
        kernel_rows: kernel[0] as u32,
        kernel_cols: kernel[1] as u32,
        stride_rows: get(strides, 0),
        stride_cols: get(strides, 1),
        pad_top: get(pads, 0),
        pad_left: get(pads, 1),
        pad_bottom: get(pads, 2),
        pad_right: get(pads, 3),
    })
}

/// The weight tensor type behind an engine's weights operand: the tensor itself, or the one a weight memory
/// holds.
fn weight_tensor(value: Value) -> Option<TensorType> {
    if let Some(tensor) = TensorType::from_type(value.r#type()) {
        return Some(tensor);
    }
    let memory = defining_op(value)?;
    TensorType::from_type(memory.operand(0).ok()?.r#type())
}

/// The engine attribute with the number of weight-memory blocks to stream from DRAM (set by the search or by
/// hand; `convert-dataflow-to-memory` turns it into a `memory.stream_buffer`).
pub const STREAM_WEIGHTS: &str = "stream_weights";

/// The engine attribute that puts its weights in URAM instead of BRAM.
pub const USE_URAM: &str = "use_uram";

/// How much of an engine's weight memory is streamed: from its `memory.stream_buffer` once the memory level
/// exists, else from the engine's own attributes.
fn streaming(engine: &OperationRef, weights: Value) -> WeightStreaming {
    if TensorType::from_type(weights.r#type()).is_some() {
        return WeightStreaming {
            stream_weights: attr::int(engine, STREAM_WEIGHTS).unwrap_or(0).max(0) as u32,
            use_uram: attr::bool(engine, USE_URAM).unwrap_or(false),
        };
    }
    let Some(memory) = defining_op(weights) else { return WeightStreaming::ON_CHIP };
    let use_uram = attr::string(&memory, "ram").is_ok_and(|ram| ram == "uram");
    if op_name(&memory) != "memory.stream_buffer" {
        return WeightStreaming { stream_weights: 0, use_uram };
    }
    let get = |name: &str| attr::int(&memory, name).unwrap_or(0).max(0) as u64;
    let rows = get("offchip_depth").div_ceil(get("unit_depth").max(1));
    let stream_unit = get("width").div_ceil(get("unit_width").max(1));
    WeightStreaming { stream_weights: (rows * stream_unit) as u32, use_uram }
}

/// The stages `graph-fuse` folded into a convolution or fully connected engine. fpgaConvNet models one
/// point-wise activation, so a fused clip is costed as a relu.
fn fused(op: &OperationRef) -> Result<(Option<ActivationFunction>, Option<FusedPool>), String> {
    let stages = FusedStages::of(op).map_err(|error| error.to_string())?;
    let pool = match stages.pool {
        Some(pool) => Some(FusedPool {
            op: match pool.kind {
                PoolKind::Max => PoolOp::Max,
                PoolKind::Average => PoolOp::Average,
            },
            window: window(pool.kernel, &pool.strides, &pool.pads)?,
        }),
        None => None,
    };
    Ok((stages.activation.map(|_| ActivationFunction::Relu), pool))
}

fn int(op: &OperationRef, name: &str) -> Result<u32, String> {
    attr::int(op, name).map(|value| value.max(0) as u32).map_err(|error| error.to_string())
}

fn layer_kind(op: &OperationRef, name: &str, arithmetic: &Arithmetic) -> Result<LayerKind, String> {
    let data_width = arithmetic.data;
    let input = op.operand(0).map_err(|_| "missing input")?;
    Ok(match name {
        "dataflow.conv" | "dataflow.conv_add" => {
            let residual = name == "dataflow.conv_add";
            let (fused_activation, fused_pool) = fused(op)?;
            let weights = op.operand(1).map_err(|_| "missing weights")?;
            let tensor = weight_tensor(weights).ok_or("the weights have no tensor type")?;
            let shape = tensor.static_shape().ok_or("the weights have no static shape")?;
            let kernel = [shape.get(2).copied().unwrap_or(1), shape.get(3).copied().unwrap_or(1)];
            let strides = attr::i64_array(op, "strides").map_err(|e| e.to_string())?;
            let pads = attr::i64_array(op, "pads").map_err(|e| e.to_string())?;
            LayerKind::Convolution(Convolution {
                window: window(kernel, &strides, &pads)?,
                filters: shape[0] as u32,
                groups: int(op, "groups")?,
                parallelism: ConvParallelism {
                    coarse_in: int(op, "coarse_in")?,
                    coarse_out: int(op, "coarse_out")?,
                    coarse_group: int(op, "coarse_group")?,
                    fine: int(op, "fine")?,
                },
                widths: arithmetic.widths(),
                has_bias: op.operand_count() > if residual { 3 } else { 2 },
                block_floating_point: arithmetic.block_floating_point,
                streaming: streaming(op, weights),
                fused_activation,
                fused_residual: residual,
                fused_pool,
            })
        }
        "dataflow.fc" => {
            let weights = op.operand(1).map_err(|_| "missing weights")?;
            let shape =
                weight_tensor(weights).and_then(|t| t.static_shape()).ok_or("the weights have no static shape")?;
            LayerKind::InnerProduct(InnerProduct {
                filters: shape[0] as u32,
                parallelism: InnerProductParallelism {
                    coarse_in: int(op, "coarse_in")?,
                    coarse_out: int(op, "coarse_out")?,
                },
                widths: arithmetic.widths(),
                has_bias: op.operand_count() > 2,
                block_floating_point: arithmetic.block_floating_point,
                streaming: streaming(op, weights),
                fused_activation: fused(op)?.0,
            })
        }
        "dataflow.pool" => {
            let kernel = attr::i64_array(op, "kernel").map_err(|e| e.to_string())?;
            let kernel = [kernel.first().copied().unwrap_or(1), kernel.get(1).copied().unwrap_or(1)];
            let strides = attr::i64_array(op, "strides").map_err(|e| e.to_string())?;
            let pads = attr::i64_array(op, "pads").map_err(|e| e.to_string())?;
            let op_kind = if attr::string(op, "kind").map_err(|e| e.to_string())? == "max" {
                PoolOp::Max
            } else {
                PoolOp::Average
            };
            LayerKind::Pooling(Pooling {
                window: window(kernel, &strides, &pads)?,
                op: op_kind,
                coarse: int(op, "coarse")?,
                data_width,
            })
        }
        // fpgaConvNet models one point-wise activation engine; clip, sigmoid and hard swish are costed as it.
        "dataflow.activation" => LayerKind::Activation(Activation {
            function: ActivationFunction::Relu,
            coarse: int(op, "coarse")?,
            data_width,
        }),
        "dataflow.eltwise" => LayerKind::EltWise(EltWise {
            op: if attr::string(op, "kind").map_err(|e| e.to_string())? == "add" {
                EltWiseOp::Add
            } else {
                EltWiseOp::Multiply
            },
            ports_in: 2,
            coarse: int(op, "coarse")?,
            data_width,
            skip_buffer_depths: Vec::new(),
        }),
        "dataflow.global_pool" => {
            // fpgaConvNet gives average pooling a 24-bit accumulator; wider only if the sum needs more.
            let pixels = u64::from(feature_map(input, "input")?.pixels().max(1) as u32);
            let growth = u64::BITS - (pixels - 1).leading_zeros();
            let accumulator_width = (data_width + growth).max(24);
            LayerKind::GlobalPooling(GlobalPooling { coarse: int(op, "coarse")?, data_width, accumulator_width })
        }
        "dataflow.fork" => {
            let coarse = attr::int(op, "coarse").map_or(lanes(input), |coarse| coarse.max(1) as u32);
            LayerKind::Split(Split { ports_out: op.result_count() as u32, coarse, data_width })
        }
        "dataflow.squeeze" => {
            let output = op.result(0).map_err(|_| "missing output")?;
            LayerKind::Squeeze(Squeeze { coarse_in: lanes(input), coarse_out: lanes(output.into()), data_width })
        }
        "dataflow.concat" => {
            let mut channels_in = Vec::new();
            for value in op.operands() {
                channels_in.push(feature_map(value, "input")?.channels);
            }
            LayerKind::Concat(Concat { channels_in, coarse: int(op, "coarse")?, data_width })
        }
        other => return Err(format!("'{other}' is not a compute engine")),
    })
}

/// The name a layer takes from its engine: the location's name (an ONNX or torchvision node name), else its
/// kind and position.
fn base_name(op: &OperationRef, index: usize) -> String {
    match SourceLocation::from_mlir(op.location(), "") {
        SourceLocation::Name { name, .. } => name,
        _ => format!("{}_{index}", op_name(op).trim_start_matches("dataflow.")),
    }
}

/// Makes `names` unique, keeping the first of each and suffixing later ones with `_2`, `_3`, ... past any name
/// already in use.
fn unique_names(names: Vec<String>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = names.iter().cloned().collect();
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .map(|name| {
            if seen.insert(name.clone()) {
                return name;
            }
            let mut suffix = 2;
            while taken.contains(&format!("{name}_{suffix}")) {
                suffix += 1;
            }
            let unique = format!("{name}_{suffix}");
            taken.insert(unique.clone());
            unique
        })
        .collect()
}

/// Reads the pipeline of `function` (a `dataflow.pipeline` function). FIFOs are wires here: the cost model
/// sizes the buffers it needs itself.
pub fn extract<'c, 'a>(
    function: OperationRef<'c, 'a>,
) -> Result<ExtractedPipeline<'c, 'a>, (OperationRef<'c, 'a>, String)> {
    let arithmetic = Arithmetic::of(&function).map_err(|message| (function, message))?;
    let body: BlockRef = body(function).ok_or((function, "the function has no body".to_string()))?;
    let mut layers = Vec::new();
    let mut engines = Vec::new();
    let mut edges = Vec::new();
    // The layer (and its output port) that produces each stream value.
    let mut producer: HashMap<usize, usize> = HashMap::new();
    let mut next = body.first_operation();
    while let Some(op) = next {
        next = op.next_in_block();
        let name = op_name(&op);
        if !name.starts_with("dataflow.") {
            continue;
        }
        let key = |value: Value| value.to_raw().ptr as usize;
        if name == "dataflow.fifo" {
            let input = op.operand(0).map_err(|_| (op, "missing input".to_string()))?;
            if let (Some(&layer), Ok(output)) = (producer.get(&key(input)), op.result(0)) {
                producer.insert(key(output.into()), layer);
            }
            continue;
        }
        let kind = layer_kind(&op, &name, &arithmetic).map_err(|message| (op, message))?;
        let index = layers.len();
        let input =
            feature_map(op.operand(0).map_err(|_| (op, "missing input".to_string()))?, "input").map_err(|m| (op, m))?;
        let output = feature_map(op.result(0).map_err(|_| (op, "missing output".to_string()))?.into(), "output")
            .map_err(|m| (op, m))?;
        let stream_operands: Vec<Value> =
            op.operands().filter(|value| StreamType::from_type(value.r#type()).is_some()).collect();
        for value in &stream_operands {
            if let Some(&from) = producer.get(&key(*value)) {
                edges.push((from, index));
            }
        }
        for result in op.results() {
            producer.insert(key(result.into()), index);
        }
        let port_limits = PortLimits::for_ports(stream_operands.len() as u32, op.result_count() as u32);
        layers.push(Layer { name: base_name(&op, index), input, output, kind, port_limits });
        engines.push(op);
    }
    let names = unique_names(layers.iter().map(|layer| layer.name.clone()).collect());
    for (layer, name) in layers.iter_mut().zip(names) {
        layer.name = name;
    }
    let pipeline = Pipeline::new(layers, &edges, 1).map_err(|error| (function, error.to_string()))?;
    Ok(ExtractedPipeline { pipeline, engines })
}
