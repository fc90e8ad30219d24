//! `convert-dataflow-to-memory`: every engine's weights become an explicit weight memory, on chip or split
//! between chip and DRAM.

use crate::dataflow_model::{extract, STREAM_WEIGHTS, USE_URAM};
use crate::device_options::{self, DEVICE, DEVICE_FILE};
use autows_cost::{CostModel, FpgaConvNetModel, WeightMemory};
use autows_device::Device;
use autows_ir::{
    attributes::{float_attr, int_attr, named, string_attr},
    pass::{Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{body, op_name},
    types::TensorType,
};
use melior::ir::{
    block::BlockLike,
    operation::{OperationBuilder, OperationLike, OperationMutLike, OperationRefMut},
    Identifier, Location, OperationRef, Type, Value, ValueLike,
};

/// DRAM regions of streamed weights start on this boundary (bytes), so every burst is aligned.
const DRAM_ALIGNMENT: u64 = 4096;

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "convert-dataflow-to-memory",
        summary:
            "Give every engine an explicit weight memory: on-chip buffer, or on-chip rows plus rows streamed from DRAM",
        description: "Lays out each convolution and fully connected engine's weights as the cost model does (one \
                      packed memory of `depth` words of `width` bits, tiled into RAM blocks) and replaces the \
                      engine's weight tensor with the memory: a `memory.onchip_buffer` when nothing streams, or a \
                      `memory.stream_buffer` when the engine's `stream_weights` attribute evicts rows to DRAM. A \
                      stream buffer records the on-chip and off-chip depths, the one-row staging buffer, the \
                      interval between staging rows, its DRAM base address (regions packed in engine order, \
                      4 KiB aligned), its place in the DMA scheduler's static order, and the bandwidth it needs at \
                      the engine's own pace. One `memory.dma_port` per pipeline describes the device's AXI port \
                      and DRAM bandwidth.",
        anchor: Some("func.func"),
        options: &[DEVICE, DEVICE_FILE],
    },
    create: |options: &PassOptions| {
        let device = device_options::device(options)?;
        Ok(Box::new(DataflowToMemory { device }))
    },
};

struct DataflowToMemory {
    device: Device,
}

impl Pass for DataflowToMemory {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        if !function.has_attribute(crate::graph_to_dataflow::PIPELINE_ATTRIBUTE) {
            return Ok(());
        }
        let Some(body) = body(function) else { return Ok(()) };
        let extracted = extract(function).map_err(|(op, message)| cx.error(&op, message))?;
        let model = FpgaConvNetModel::fpgaconvnet();
        // The reference to the context lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        let c = context;
        let mut port: Option<Value> = None;
        let mut dram_base = 0u64;
        let mut dma_order = 0i64;
        for (layer, engine) in extracted.pipeline.layers().iter().zip(&extracted.engines) {
            if !matches!(op_name(engine).as_str(), "dataflow.conv" | "dataflow.conv_add" | "dataflow.fc") {
                continue;
            }
            let Ok(weights) = engine.operand(1) else { continue };
            if TensorType::from_type(weights.r#type()).is_none() {
                continue;
            }
            let cost = model.layer_cost(layer).map_err(|error| cx.error(engine, error.to_string()))?;
            let Some(memory) = cost.weight_memory else { continue };
            let ram = if matches!(memory.ram, autows_cost::WeightRam::Uram) { "uram" } else { "bram" };
            let mut attributes: Vec<(Identifier, _)> = vec![
                named(c, "ram", string_attr(c, ram)),
                named(c, "width", int_attr(c, i64::from(memory.width))),
                named(c, "depth", int_attr(c, memory.depth as i64)),
                named(c, "unit_width", int_attr(c, i64::from(memory.unit_width))),
                named(c, "unit_depth", int_attr(c, memory.unit_depth as i64)),
            ];
            let weights_type =
                Type::parse(c, "!memory.weights").ok_or_else(|| cx.error(engine, "no memory dialect"))?;
            let (name, operands) = if memory.stream_weights == 0 {
                ("memory.onchip_buffer", vec![weights])
            } else {
                let port = match port {
                    Some(port) => port,
                    None => {
                        let created = self.dma_port(body, function, context).map_err(|m| cx.error(&function, m))?;
                        port = Some(created);
                        created
                    }
                };
                attributes.extend(self.streamed_tier(context, &memory, dram_base, dma_order));
                dram_base += streamed_bytes(&memory).div_ceil(DRAM_ALIGNMENT) * DRAM_ALIGNMENT;
                dma_order += 1;
                ("memory.stream_buffer", vec![weights, port])
            };
            let buffer = OperationBuilder::new(name, engine.location())
                .add_operands(&operands)
                .add_results(&[weights_type])
                .add_attributes(&attributes)
                .build()
                .map_err(|_| cx.error(engine, format!("MLIR refused '{name}'")))?;
            let buffer = body.insert_operation_before(*engine, buffer);
            let mut engine = unsafe { OperationRefMut::from_raw(engine.to_raw()) };
            engine.set_operand(1, buffer.result(0).map_err(|_| cx.error(&function, "no buffer result"))?.into());
            for attribute in [STREAM_WEIGHTS, USE_URAM] {
                let _ = engine.remove_attribute(attribute);
            }
        }
        Ok(())
    }
}

/// Bytes of DRAM the evicted rows take.
fn streamed_bytes(memory: &WeightMemory) -> u64 {
    (memory.off_chip_range as u64 * u64::from(memory.width)).div_ceil(8)
}

impl DataflowToMemory {
    fn dma_port<'c, 'a>(
        &self,
        body: melior::ir::BlockRef<'c, 'a>,
        function: OperationRef<'c, 'a>,
        context: &'c melior::Context,
    ) -> Result<Value<'c, 'a>, String> {
        let c = context;
        let port_type = Type::parse(c, "!memory.port").ok_or("no memory dialect")?;
        let port = OperationBuilder::new("memory.dma_port", Location::name(c, "weights_dma", function.location()))
            .add_results(&[port_type])
            .add_attributes(&[
                named(c, "sym_name", string_attr(c, "weights")),
                named(c, "data_width", int_attr(c, i64::from(self.device.port_width_bits))),
                named(c, "bandwidth", float_attr(c, self.device.memory_bandwidth_gbps)),
            ])
            .build()
            .map_err(|_| "MLIR refused 'memory.dma_port'")?;
        let first = body.first_operation().ok_or("the pipeline is empty")?;
        let port = body.insert_operation_before(first, port);
        port.result(0).map(Into::into).map_err(|_| "no port result".to_string())
    }

    fn streamed_tier<'c>(
        &self,
        c: &'c melior::Context,
        memory: &WeightMemory,
        dram_base: u64,
        dma_order: i64,
    ) -> Vec<(Identifier<'c>, melior::ir::Attribute<'c>)> {
        let offchip = memory.off_chip_range as i64;
        let bandwidth = memory.bits_per_cycle * self.device.clock_mhz / 1000.0;
        vec![
            named(c, "onchip_depth", int_attr(c, memory.depth as i64 - offchip)),
            named(c, "offchip_depth", int_attr(c, offchip)),
            named(c, "staging_depth", int_attr(c, memory.unit_depth as i64)),
            named(c, "interval", int_attr(c, memory.off_chip_interval.unwrap_or(0) as i64)),
            named(c, "dram_base", int_attr(c, dram_base as i64)),
            named(c, "dma_order", int_attr(c, dma_order)),
            named(c, "bandwidth", float_attr(c, bandwidth)),
        ]
    }
}
