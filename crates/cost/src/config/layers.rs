//! Turning configuration entries into layers and edges.

use std::collections::{HashMap, HashSet};

use serde::de::{DeserializeOwned, Error as _};

use super::error::ConfigError;
use super::schema::{
    ConvolutionParameters, FusedPoolFields, InnerProductParameters, LayerEntry, PoolingParameters, PortCeilings, Shape,
    SqueezeParameters, StreamwiseParameters, WeightLayerFields, WindowFields,
};
use crate::layer::{
    Activation, ActivationFunction, ArithmeticWidths, Concat, ConvParallelism, Convolution, EltWise, EltWiseOp,
    FeatureMap, FusedPool, GlobalPooling, InnerProduct, InnerProductParallelism, Layer, LayerKind, PoolOp, Pooling,
    PortLimits, Split, Squeeze, WeightStreaming, Window,
};

/// Deserializes a layer's `parameters`, naming the layer on failure.
fn parameters<T: DeserializeOwned>(entry: &LayerEntry, origin: &str) -> Result<T, ConfigError> {
    T::deserialize(&entry.parameters).map_err(|source| parameter_error(entry, origin, source))
}

fn parameter_error(entry: &LayerEntry, origin: &str, source: serde_json::Error) -> ConfigError {
    ConfigError::LayerParameters {
        origin: origin.to_owned(),
        layer: entry.name.clone(),
        layer_type: entry.layer_type.clone(),
        source,
    }
}

fn shapes(shape: &Shape) -> (FeatureMap, FeatureMap) {
    (
        FeatureMap::new(shape.rows_in, shape.cols_in, shape.channels_in),
        FeatureMap::new(shape.rows_out, shape.cols_out, shape.channels_out),
    )
}

fn window(fields: &WindowFields) -> Window {
    Window {
        kernel_rows: fields.kernel_rows,
        kernel_cols: fields.kernel_cols,
        stride_rows: fields.stride_rows,
        stride_cols: fields.stride_cols,
        pad_top: fields.pad_top,
        pad_bottom: fields.pad_bottom,
        pad_left: fields.pad_left,
        pad_right: fields.pad_right,
    }
}

fn port_limits(ceilings: &PortCeilings, ports_in: u32, ports_out: u32) -> PortLimits {
    let defaults = PortLimits::for_ports(ports_in, ports_out);
    PortLimits {
        input: ceilings
            .mem_bw_in_array
            .clone()
            .or_else(|| ceilings.mem_bw_in.map(|limit| vec![limit]))
            .unwrap_or(defaults.input),
        output: ceilings
            .mem_bw_out_array
            .clone()
            .or_else(|| ceilings.mem_bw_out.map(|limit| vec![limit]))
            .unwrap_or(defaults.output),
    }
}

fn unsupported(entry: &LayerEntry, origin: &str, what: &'static str, value: &str) -> ConfigError {
    ConfigError::UnsupportedOperation {
        origin: origin.to_owned(),
        layer: entry.name.clone(),
        what,
        value: value.to_owned(),
    }
}

/// Reads one layer entry.
fn widths(fields: &WeightLayerFields) -> ArithmeticWidths {
    ArithmeticWidths {
        input: fields.input_t.width,
        output: fields.output_t.width,
        weight: fields.weight_t.width,
        accumulator: fields.acc_t.width,
    }
}

fn streaming(fields: &WeightLayerFields) -> WeightStreaming {
    WeightStreaming { stream_weights: fields.streaming.stream_weights, use_uram: fields.streaming.use_uram }
}

/// Our extra `fused_activation` parameter (layer fusion, which fpgaConvNet does not have).
fn fused_activation(
    entry: &LayerEntry,
    origin: &str,
    name: Option<&str>,
) -> Result<Option<ActivationFunction>, ConfigError> {
    match name {
        None => Ok(None),
        Some(name) if name.eq_ignore_ascii_case("relu") => Ok(Some(ActivationFunction::Relu)),
        Some(other) => Err(unsupported(entry, origin, "fused activation", other)),
    }
}

/// A pooling operation as fpgaConvNet spells it (`max` or `avg`).
fn pool_op(entry: &LayerEntry, origin: &str, what: &'static str, name: &str) -> Result<PoolOp, ConfigError> {
    match name {
        "max" => Ok(PoolOp::Max),
        "avg" => Ok(PoolOp::Average),
        other => Err(unsupported(entry, origin, what, other)),
    }
}

/// Our extra `fused_pool` parameter (layer fusion, which fpgaConvNet does not have).
fn fused_pool(
    entry: &LayerEntry,
    origin: &str,
    fields: Option<&FusedPoolFields>,
) -> Result<Option<FusedPool>, ConfigError> {
    fields
        .map(|fields| {
            Ok(FusedPool {
                op: pool_op(entry, origin, "fused pooling operation", &fields.pool_type)?,
                window: window(&fields.window),
            })
        })
        .transpose()
}

pub(super) fn read_layer(entry: &LayerEntry, origin: &str) -> Result<Layer, ConfigError> {
    let layer = |input, output, kind: LayerKind, ceilings: &PortCeilings| {
        let mut layer = Layer { name: entry.name.clone(), input, output, kind, port_limits: PortLimits::default() };
        layer.port_limits = port_limits(ceilings, layer.ports_in(), layer.ports_out());
        layer
    };
    match entry.layer_type.as_str() {
        "CONVOLUTION" => {
            let p: ConvolutionParameters = parameters(entry, origin)?;
            let (input, output) = shapes(&p.shape);
            let kind = LayerKind::Convolution(Convolution {
                window: window(&p.window),
                filters: p.filters,
                groups: p.groups,
                parallelism: ConvParallelism {
                    coarse_in: p.coarse_in,
                    coarse_out: p.coarse_out,
                    coarse_group: p.coarse_group,
                    fine: p.fine,
                },
                widths: widths(&p.weights),
                has_bias: p.weights.has_bias.is_set(),
                block_floating_point: p.weights.block_floating_point.is_set(),
                streaming: streaming(&p.weights),
                fused_activation: fused_activation(entry, origin, p.weights.fused_activation.as_deref())?,
                fused_residual: p.fused_residual.is_set(),
                fused_pool: fused_pool(entry, origin, p.fused_pool.as_ref())?,
            });
            Ok(layer(input, output, kind, &p.ports))
        }
        "INNER_PRODUCT" => {
            let p: InnerProductParameters = parameters(entry, origin)?;
            let (input, output) = shapes(&p.shape);
            let kind = LayerKind::InnerProduct(InnerProduct {
                filters: p.filters,
                parallelism: InnerProductParallelism { coarse_in: p.coarse_in, coarse_out: p.coarse_out },
                widths: widths(&p.weights),
                has_bias: p.weights.has_bias.is_set(),
                block_floating_point: p.weights.block_floating_point.is_set(),
                streaming: streaming(&p.weights),
                fused_activation: fused_activation(entry, origin, p.weights.fused_activation.as_deref())?,
            });
            Ok(layer(input, output, kind, &p.ports))
        }
        "POOLING" => {
            let p: PoolingParameters = parameters(entry, origin)?;
            let op = pool_op(entry, origin, "pooling operation", entry.op_type.as_deref().unwrap_or("max"))?;
            let (input, output) = shapes(&p.shape);
            let kind = LayerKind::Pooling(Pooling {
                window: window(&p.window),
                op,
                coarse: p.coarse,
                data_width: p.data_t.width,
            });
            Ok(layer(input, output, kind, &p.ports))
        }
        "ACTIVATION" | "RELU" => {
            let p: StreamwiseParameters = parameters(entry, origin)?;
            let function = match entry.op_type.as_deref().unwrap_or("ReLU") {
                operation if operation.eq_ignore_ascii_case("relu") => ActivationFunction::Relu,
                other => return Err(unsupported(entry, origin, "activation", other)),
            };
            let (input, output) = shapes(&p.shape);
            let kind = LayerKind::Activation(Activation { function, coarse: p.coarse, data_width: p.data_t.width });
            Ok(layer(input, output, kind, &p.ports))
        }
        "ELTWISE" => {
            let p: StreamwiseParameters = parameters(entry, origin)?;
            let op = match entry.op_type.as_deref().unwrap_or("add") {
                "add" => EltWiseOp::Add,
                "mul" => EltWiseOp::Multiply,
                other => return Err(unsupported(entry, origin, "element-wise operation", other)),
            };
            let ports_in = p.ports_in.unwrap_or(entry.streams_in.len().max(1) as u32);
            let depths: Option<Vec<u32>> = entry.streams_in.iter().map(|stream| stream.buffer_depth).collect();
            let (input, output) = shapes(&p.shape);
            let kind = LayerKind::EltWise(EltWise {
                op,
                ports_in,
                coarse: p.coarse,
                data_width: p.data_t.width,
                skip_buffer_depths: depths.filter(|depths| depths.len() == ports_in as usize).unwrap_or_default(),
            });
            Ok(layer(input, output, kind, &p.ports))
        }
        "AVERAGE_POOLING" => {
            let p: StreamwiseParameters = parameters(entry, origin)?;
            let accumulator =
                p.acc_t.ok_or_else(|| parameter_error(entry, origin, serde_json::Error::missing_field("acc_t")))?;
            let (input, output) = shapes(&p.shape);
            let kind = LayerKind::GlobalPooling(GlobalPooling {
                coarse: p.coarse,
                data_width: p.data_t.width,
                accumulator_width: accumulator.width,
            });
            Ok(layer(input, output, kind, &p.ports))
        }
        "SPLIT" => {
            let p: StreamwiseParameters = parameters(entry, origin)?;
            let ports_out = p.ports_out.unwrap_or(entry.streams_out.len().max(1) as u32);
            let (input, output) = shapes(&p.shape);
            let kind = LayerKind::Split(Split { ports_out, coarse: p.coarse, data_width: p.data_t.width });
            Ok(layer(input, output, kind, &p.ports))
        }
        "SQUEEZE" => {
            let p: SqueezeParameters = parameters(entry, origin)?;
            let (input, output) = shapes(&p.shape);
            let kind = LayerKind::Squeeze(Squeeze {
                coarse_in: p.coarse_in,
                coarse_out: p.coarse_out,
                data_width: p.data_t.width,
            });
            Ok(layer(input, output, kind, &p.ports))
        }
        "CONCAT" => {
            let p: StreamwiseParameters = parameters(entry, origin)?;
            let channels_in = p
                .channels_in_array
                .ok_or_else(|| parameter_error(entry, origin, serde_json::Error::missing_field("channels_in_array")))?;
            let (input, output) = shapes(&p.shape);
            let kind = LayerKind::Concat(Concat { channels_in, coarse: p.coarse, data_width: p.data_t.width });
            Ok(layer(input, output, kind, &p.ports))
        }
        other => Err(ConfigError::UnknownLayerType {
            origin: origin.to_owned(),
            layer: entry.name.clone(),
            layer_type: other.to_owned(),
        }),
    }
}

/// The edges of a partition, from both ends of every stream.
///
/// Consumers list their producers in `streams_in` (in port order); producers list their consumers in
/// `streams_out`. Either side may be missing or point at the layer itself (fpgaConvNet writes the partition's
/// external ports that way, and also an inner product's incoming stream, whose edge then survives only on the
/// producer's side), so both are read and merged.
pub(super) fn read_edges(
    entries: &[LayerEntry],
    origin: &str,
    partition: usize,
) -> Result<Vec<(usize, usize)>, ConfigError> {
    let index: HashMap<&str, usize> = entries.iter().enumerate().map(|(at, entry)| (entry.name.as_str(), at)).collect();
    let lookup = |entry: &LayerEntry, node: &str, direction| {
        index.get(node).copied().ok_or_else(|| ConfigError::UnknownNode {
            origin: origin.to_owned(),
            layer: entry.name.clone(),
            direction,
            node: node.to_owned(),
            partition,
        })
    };
    let mut edges = Vec::new();
    for (consumer, entry) in entries.iter().enumerate() {
        for stream in entry.streams_in.iter().filter(|stream| stream.node != entry.name) {
            edges.push((lookup(entry, &stream.node, "from")?, consumer));
        }
    }
    let known: HashSet<(usize, usize)> = edges.iter().copied().collect();
    for (producer, entry) in entries.iter().enumerate() {
        for stream in entry.streams_out.iter().filter(|stream| stream.node != entry.name) {
            let edge = (producer, lookup(entry, &stream.node, "to")?);
            if !known.contains(&edge) {
                edges.push(edge);
            }
        }
    }
    Ok(edges)
}
