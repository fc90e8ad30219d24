//! Writing a design in fpgaConvNet's `config.json` schema, so that fpgaConvNet's own tools (and
//! [`read_config_file`](super::read_config_file)) read the design the compiler chose.

use crate::{
    design::Design,
    layer::{ActivationFunction, Convolution, EltWiseOp, FusedPool, Layer, LayerKind, PoolOp, Window},
    model::{CostModel, FpgaConvNetModel},
    pipeline::Pipeline,
    weights::WeightMemory,
};
use serde_json::{json, Map, Value};

fn fixed(width: u32, binary_point: i64) -> Value {
    json!({ "width": width, "binary_point": binary_point })
}

fn shape(layer: &Layer) -> Map<String, Value> {
    let mut fields = Map::new();
    for (key, value) in [
        ("batch_size", 1),
        ("rows_in", layer.input.rows),
        ("cols_in", layer.input.cols),
        ("channels_in", layer.input.channels),
        ("rows_out", layer.output.rows),
        ("cols_out", layer.output.cols),
        ("channels_out", layer.output.channels),
    ] {
        fields.insert(key.into(), json!(value));
    }
    fields
}

fn window(fields: &mut Map<String, Value>, window: &Window) {
    let entries = [
        ("pad_top", json!(window.pad_top)),
        ("pad_right", json!(window.pad_right)),
        ("pad_bottom", json!(window.pad_bottom)),
        ("pad_left", json!(window.pad_left)),
        ("kernel_rows", json!(window.kernel_rows)),
        ("kernel_cols", json!(window.kernel_cols)),
        ("kernel_size", json!([window.kernel_rows, window.kernel_cols])),
        ("stride_rows", json!(window.stride_rows)),
        ("stride_cols", json!(window.stride_cols)),
        ("stride", json!([window.stride_rows, window.stride_cols])),
    ];
    for (key, value) in entries {
        fields.insert(key.into(), value);
    }
}

fn ports(fields: &mut Map<String, Value>, layer: &Layer) {
    if layer.port_limits.input.len() > 1 || layer.port_limits.output.len() > 1 {
        fields.insert("ports_in".into(), json!(layer.port_limits.input.len()));
        fields.insert("ports_out".into(), json!(layer.port_limits.output.len()));
        fields.insert("mem_bw_in_array".into(), json!(layer.port_limits.input));
        fields.insert("mem_bw_out_array".into(), json!(layer.port_limits.output));
    } else {
        fields.insert("mem_bw_in".into(), json!(layer.port_limits.input_port(0)));
        fields.insert("mem_bw_out".into(), json!(layer.port_limits.output_port(0)));
    }
}

/// The weight memory of a weight-carrying layer as the model lays it out.
fn laid_out(layer: &Layer) -> Option<WeightMemory> {
    FpgaConvNetModel::fpgaconvnet().layer_cost(layer).ok().and_then(|cost| cost.weight_memory)
}

/// fpgaConvNet's streaming fields of a weight-carrying layer, from its laid-out weight memory.
fn streaming_fields(
    fields: &mut Map<String, Value>,
    memory: Option<&WeightMemory>,
    use_uram: bool,
    stream_weights: u32,
) {
    let (on_chip, buffer, interval) = match memory {
        Some(memory) if stream_weights > 0 => {
            (memory.on_chip_range as i64, memory.unit_depth as i64, memory.off_chip_interval.map_or(-1, |i| i as i64))
        }
        Some(memory) => (memory.depth as i64, 0, -1),
        None => (0, 0, -1),
    };
    fields.insert("use_uram".into(), json!(use_uram));
    fields.insert("on_chip_addr_range".into(), json!(on_chip));
    fields.insert("off_chip_buffer_size".into(), json!(buffer));
    fields.insert("off_chip_interval".into(), json!(interval));
    fields.insert("stream_weights".into(), json!(stream_weights));
}

/// Our extra field for an activation fused into the engine (fpgaConvNet ignores fields it does not know).
fn fused(fields: &mut Map<String, Value>, activation: Option<ActivationFunction>) {
    if let Some(ActivationFunction::Relu) = activation {
        fields.insert("fused_activation".into(), json!("relu"));
    }
}

fn pool_type(op: PoolOp) -> &'static str {
    match op {
        PoolOp::Max => "max",
        PoolOp::Average => "avg",
    }
}

/// Our extra fields for a residual add and a pooling fused into a convolution engine, written only when present.
fn fused_stages(fields: &mut Map<String, Value>, conv: &Convolution) {
    if conv.fused_residual {
        fields.insert("fused_residual".into(), json!(true));
    }
    if let Some(FusedPool { op, window }) = &conv.fused_pool {
        fields.insert(
            "fused_pool".into(),
            json!({
                "pool_type": pool_type(*op),
                "kernel_rows": window.kernel_rows,
                "kernel_cols": window.kernel_cols,
                "stride_rows": window.stride_rows,
                "stride_cols": window.stride_cols,
                "pad_top": window.pad_top,
                "pad_bottom": window.pad_bottom,
                "pad_left": window.pad_left,
                "pad_right": window.pad_right,
            }),
        );
    }
}

/// A layer's `type`, `op_type` and `parameters`.
fn layer_parameters(layer: &Layer) -> (&'static str, Option<&'static str>, Value) {
    let mut fields = shape(layer);
    let data = |fields: &mut Map<String, Value>, width: u32| {
        fields.insert("data_t".into(), fixed(width, 0));
    };
    let (layer_type, op_type) = match &layer.kind {
        LayerKind::Convolution(conv) => {
            let p = conv.parallelism;
            for (key, value) in [
                ("coarse_in", p.coarse_in),
                ("coarse_out", p.coarse_out),
                ("coarse_group", p.coarse_group),
                ("groups", conv.groups),
                ("fine", p.fine),
                ("filters", conv.filters),
            ] {
                fields.insert(key.into(), json!(value));
            }
            window(&mut fields, &conv.window);
            fields.insert("weight_t".into(), fixed(conv.widths.weight, 0));
            fields.insert("acc_t".into(), fixed(conv.widths.accumulator, 0));
            fields.insert("input_t".into(), fixed(conv.widths.input, 0));
            fields.insert("output_t".into(), fixed(conv.widths.output, 0));
            fields.insert("has_bias".into(), json!(u8::from(conv.has_bias)));
            fields.insert("block_floating_point".into(), json!(conv.block_floating_point));
            let memory = laid_out(layer);
            streaming_fields(&mut fields, memory.as_ref(), conv.streaming.use_uram, conv.streaming.stream_weights);
            fused(&mut fields, conv.fused_activation);
            fused_stages(&mut fields, conv);
            ("CONVOLUTION", None)
        }
        LayerKind::InnerProduct(fc) => {
            fields.insert("coarse_in".into(), json!(fc.parallelism.coarse_in));
            fields.insert("coarse_out".into(), json!(fc.parallelism.coarse_out));
            fields.insert("filters".into(), json!(fc.filters));
            fields.insert("weight_t".into(), fixed(fc.widths.weight, 0));
            fields.insert("acc_t".into(), fixed(fc.widths.accumulator, 0));
            fields.insert("input_t".into(), fixed(fc.widths.input, 0));
            fields.insert("output_t".into(), fixed(fc.widths.output, 0));
            fields.insert("has_bias".into(), json!(u8::from(fc.has_bias)));
            fields.insert("block_floating_point".into(), json!(fc.block_floating_point));
            let memory = laid_out(layer);
            streaming_fields(&mut fields, memory.as_ref(), fc.streaming.use_uram, fc.streaming.stream_weights);
            fused(&mut fields, fc.fused_activation);
            ("INNER_PRODUCT", None)
        }
        LayerKind::Pooling(pool) => {
            fields.insert("coarse".into(), json!(pool.coarse));
            window(&mut fields, &pool.window);
            data(&mut fields, pool.data_width);
            ("POOLING", Some(pool_type(pool.op)))
        }
        LayerKind::Activation(activation) => {
            fields.insert("coarse".into(), json!(activation.coarse));
            data(&mut fields, activation.data_width);
            let ActivationFunction::Relu = activation.function;
            ("ACTIVATION", Some("relu"))
        }
        LayerKind::EltWise(eltwise) => {
            fields.insert("coarse".into(), json!(eltwise.coarse));
            data(&mut fields, eltwise.data_width);
            ("ELTWISE", Some(if eltwise.op == EltWiseOp::Add { "add" } else { "mul" }))
        }
        LayerKind::GlobalPooling(pool) => {
            fields.insert("coarse".into(), json!(pool.coarse));
            data(&mut fields, pool.data_width);
            fields.insert("acc_t".into(), fixed(pool.accumulator_width, 0));
            ("AVERAGE_POOLING", Some("avg"))
        }
        LayerKind::Split(split) => {
            fields.insert("coarse".into(), json!(split.coarse));
            data(&mut fields, split.data_width);
            ("SPLIT", None)
        }
        LayerKind::Squeeze(squeeze) => {
            fields.insert("coarse_in".into(), json!(squeeze.coarse_in));
            fields.insert("coarse_out".into(), json!(squeeze.coarse_out));
            data(&mut fields, squeeze.data_width);
            ("SQUEEZE", None)
        }
        LayerKind::Concat(concat) => {
            fields.insert("coarse".into(), json!(concat.coarse));
            fields.insert("channels_in_array".into(), json!(concat.channels_in));
            data(&mut fields, concat.data_width);
            ("CONCAT", None)
        }
    };
    ports(&mut fields, layer);
    (layer_type, op_type, Value::Object(fields))
}

fn stream_name(from: &str, to: &str) -> String {
    format!("{from}_{to}")
}

fn partition_entry(id: usize, pipeline: &Pipeline, weights_reloading_layer: Option<&str>) -> Value {
    let layers = pipeline.layers();
    let entries: Vec<Value> = layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let (layer_type, op_type, parameters) = layer_parameters(layer);
            let producers = pipeline.producers(index);
            let streams_in: Vec<Value> = if producers.is_empty() {
                vec![json!({ "name": "in", "coarse": layer.streams_in(), "buffer_depth": 2, "node": layer.name })]
            } else {
                producers
                    .iter()
                    .enumerate()
                    .map(|(port, &producer)| {
                        let depth = match &layer.kind {
                            LayerKind::EltWise(eltwise) => eltwise.skip_buffer_depths.get(port).copied().unwrap_or(2),
                            _ => 2,
                        };
                        json!({
                            "name": stream_name(&layers[producer].name, &layer.name),
                            "coarse": layer.streams_in_port(port),
                            "buffer_depth": depth,
                            "node": layers[producer].name,
                        })
                    })
                    .collect()
            };
            let consumers = pipeline.consumers(index);
            let streams_out: Vec<Value> = if consumers.is_empty() {
                vec![json!({ "name": "out", "coarse": layer.streams_out(), "node": layer.name })]
            } else {
                consumers
                    .iter()
                    .map(|&consumer| {
                        json!({
                            "name": stream_name(&layer.name, &layers[consumer].name),
                            "coarse": layer.streams_out(),
                            "node": layers[consumer].name,
                        })
                    })
                    .collect()
            };
            let mut entry = Map::new();
            entry.insert("name".into(), json!(layer.name));
            entry.insert("onnx_node".into(), json!(layer.name));
            entry.insert("type".into(), json!(layer_type));
            if let Some(op_type) = op_type {
                entry.insert("op_type".into(), json!(op_type));
            }
            entry.insert("streams_in".into(), Value::Array(streams_in));
            entry.insert("streams_out".into(), Value::Array(streams_out));
            entry.insert("parameters".into(), parameters);
            Value::Object(entry)
        })
        .collect();
    let input_nodes: Vec<&str> = pipeline.inputs().map(|index| layers[index].name.as_str()).collect();
    let output_nodes: Vec<&str> = pipeline.outputs().map(|index| layers[index].name.as_str()).collect();
    json!({
        "id": id,
        "ports": 1,
        "batch_size": pipeline.batch_size(),
        "input_nodes": input_nodes,
        "output_nodes": output_nodes,
        "weights_reloading_factor": 1,
        "weights_reloading_layer": weights_reloading_layer.unwrap_or("None"),
        "layers": entries,
    })
}

/// Renders `design` in fpgaConvNet's `config.json` schema. Bit widths are written with binary point 0 (the cost
/// model does not use binary points).
pub fn write_config(design: &Design) -> Result<String, serde_json::Error> {
    let partitions: Vec<Value> = design
        .partitions
        .iter()
        .enumerate()
        .map(|(id, partition)| partition_entry(id, &partition.pipeline, partition.weights_reloading_layer.as_deref()))
        .collect();
    serde_json::to_string_pretty(&json!({ "partition": partitions }))
}
