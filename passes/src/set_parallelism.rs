//! `dataflow-set-parallelism`: sets an engine's parallelism and makes the streams around it agree.

use crate::dataflow_model::STREAM_WEIGHTS;
use autows_ir::{
    attributes::{self as attr, int_attr},
    diagnostics::SourceLocation,
    pass::{OptionInfo, OptionKind, Pass, PassContext, PassEntry, PassInfo, PassOptions, PassResult},
    rewrite::{body, defining_op, erase, op_name, replace_all_uses, sync_function_type, users},
    types::StreamType,
};
use melior::ir::{
    block::BlockLike,
    operation::{OperationBuilder, OperationLike, OperationMutLike, OperationRefMut},
    Location, OperationRef, Type, Value, ValueLike,
};

/// The parallelism attributes an engine may carry.
const FACTORS: [&str; 5] = ["coarse_in", "coarse_out", "coarse_group", "fine", "coarse"];

/// The registry entry.
pub static ENTRY: PassEntry = PassEntry {
    info: PassInfo {
        name: "dataflow-set-parallelism",
        summary:
            "Set the parallelism (and streamed weights) of named engines; make stream lanes agree, inserting squeezes",
        description: "Sets the given factors (0 leaves a factor as it is) on every engine whose location name is \
                      `engine` (all engines when it is empty), and with `stream_weights` the number of weight \
                      blocks its weight memory streams from DRAM (see `convert-dataflow-to-memory`). Then it \
                      legalises the pipeline: each engine's output stream gets its output lanes (coarse_out x \
                      coarse_group for a convolution, coarse_out for a fully connected engine, coarse for the \
                      others), forks and FIFOs pass their input's lanes on, and where a stream's lanes differ from \
                      what its reader takes, a `dataflow.squeeze` converts the rate (a pipeline input read by one \
                      engine takes that engine's lanes instead). Squeezes that no longer change anything are \
                      removed; the function's result types follow. Factors are checked by the verifier afterwards \
                      (they must divide what they split).",
        anchor: Some("func.func"),
        options: &[
            OptionInfo { name: "engine", kind: OptionKind::String, default: "", help: "the engine's location name" },
            OptionInfo { name: "coarse_in", kind: OptionKind::UInt, default: "0", help: "input lanes" },
            OptionInfo { name: "coarse_out", kind: OptionKind::UInt, default: "0", help: "output lanes" },
            OptionInfo { name: "coarse_group", kind: OptionKind::UInt, default: "0", help: "groups in parallel" },
            OptionInfo { name: "fine", kind: OptionKind::UInt, default: "0", help: "multipliers per kernel window" },
            OptionInfo {
                name: "coarse",
                kind: OptionKind::UInt,
                default: "0",
                help: "lanes of non-convolution engines",
            },
            OptionInfo {
                name: "stream_weights",
                kind: OptionKind::Int,
                default: "-1",
                help: "weight-memory blocks to stream from DRAM (-1 leaves it as it is)",
            },
        ],
    },
    create: |options: &PassOptions| {
        let factors = FACTORS.map(|name| options.int(name));
        let stream_weights = options.int("stream_weights");
        Ok(Box::new(SetParallelism { engine: options.string("engine").to_string(), factors, stream_weights }))
    },
};

struct SetParallelism {
    engine: String,
    factors: [i64; 5],
    stream_weights: i64,
}

impl Pass for SetParallelism {
    fn run(&self, function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
        let Some(body) = body(function) else { return Ok(()) };
        // The reference lives as long as `context_ref`, to the end of this scope.
        let context_ref = function.context();
        let context = unsafe { context_ref.to_ref() };
        let mut next = body.first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            let named = match SourceLocation::from_mlir(op.location(), "") {
                SourceLocation::Name { name, .. } => name == self.engine,
                _ => false,
            };
            if !op_name(&op).starts_with("dataflow.") || !(self.engine.is_empty() || named) {
                continue;
            }
            let mut engine = unsafe { OperationRefMut::from_raw(op.to_raw()) };
            for (name, value) in FACTORS.iter().zip(self.factors) {
                if value > 0 && op.has_attribute(name) {
                    engine.set_attribute(name, int_attr(context, value));
                }
            }
            let has_weights = matches!(op_name(&op).as_str(), "dataflow.conv" | "dataflow.conv_add" | "dataflow.fc");
            if self.stream_weights >= 0 && has_weights {
                engine.set_attribute(STREAM_WEIGHTS, int_attr(context, self.stream_weights));
            }
        }
        legalize_lanes(function, cx)
    }
}

/// The lanes of an engine's streams.
struct Lanes {
    /// Lanes of every stream operand but the residual.
    input: i64,
    /// Lanes of the results, and of a residual operand.
    output: i64,
    /// The operand a residual add reads, which joins the engine's output lanes.
    residual: Option<usize>,
}

impl Lanes {
    fn uniform(lanes: i64) -> Self {
        Self { input: lanes, output: lanes, residual: None }
    }

    fn of_operand(&self, index: usize) -> i64 {
        if self.residual == Some(index) {
            self.output
        } else {
            self.input
        }
    }
}

/// The lanes an engine reads on its stream operands and writes on its results; `None` for operations that pass
/// their input's lanes on (forks, FIFOs) or choose their own (squeezes).
fn engine_lanes(op: &OperationRef, name: &str) -> Result<Option<Lanes>, String> {
    let get = |attribute: &str| attr::int(op, attribute).map_err(|error| error.to_string());
    Ok(match name {
        "dataflow.conv" | "dataflow.conv_add" => {
            let group = get("coarse_group")?;
            Some(Lanes {
                input: get("coarse_in")? * group,
                output: get("coarse_out")? * group,
                residual: (name == "dataflow.conv_add").then_some(2),
            })
        }
        "dataflow.fc" => Some(Lanes { input: get("coarse_in")?, output: get("coarse_out")?, residual: None }),
        "dataflow.pool" | "dataflow.global_pool" | "dataflow.eltwise" | "dataflow.activation" | "dataflow.concat" => {
            Some(Lanes::uniform(get("coarse")?))
        }
        // A fork follows its input unless given lanes of its own (as the search may, like fpgaConvNet's split).
        "dataflow.fork" if op.has_attribute("coarse") => Some(Lanes::uniform(get("coarse")?)),
        _ => None,
    })
}

/// A squeeze is named as fpgaConvNet names them, `<producer>_squeeze_<consumer>`.
fn squeeze_location<'c>(operand: Value<'c, '_>, consumer: &OperationRef<'c, '_>) -> Location<'c> {
    let name_of = |location: Location| match SourceLocation::from_mlir(location, "") {
        SourceLocation::Name { name, .. } => Some(name),
        _ => None,
    };
    let producer = defining_op(operand).and_then(|def| name_of(def.location())).unwrap_or_else(|| "input".into());
    match name_of(consumer.location()) {
        Some(consumer_name) => {
            let context = consumer.context();
            Location::name(
                unsafe { context.to_ref() },
                &format!("{producer}_squeeze_{consumer_name}"),
                consumer.location(),
            )
        }
        None => consumer.location(),
    }
}

fn with_lanes<'c>(value: Value<'c, '_>, lanes: i64) -> Result<Type<'c>, String> {
    let mut stream = StreamType::from_type(value.r#type()).ok_or("expected a stream")?;
    stream.lanes = lanes;
    stream.build(unsafe { value.context().to_ref() }).ok_or_else(|| "cannot build a stream type".into())
}

/// Makes the streams of `function` agree with its engines' parallelism (see the pass description).
pub fn legalize_lanes(function: OperationRef<'_, '_>, cx: &PassContext) -> PassResult {
    {
        let Some(body) = body(function) else { return Ok(()) };
        let mut next = body.first_operation();
        while let Some(op) = next {
            next = op.next_in_block();
            let name = op_name(&op);
            if !name.starts_with("dataflow.") {
                continue;
            }
            let fail = |message: String| cx.error(&op, format!("'{name}' op {message}"));
            match engine_lanes(&op, &name).map_err(fail)? {
                Some(lanes) => {
                    for index in 0..op.operand_count() {
                        let Ok(operand) = op.operand(index) else { continue };
                        let Some(stream) = StreamType::from_type(operand.r#type()) else { continue };
                        let lanes_in = lanes.of_operand(index);
                        if stream.lanes == lanes_in {
                            continue;
                        }
                        let converted = with_lanes(operand, lanes_in).map_err(fail)?;
                        // A pipeline input read only here arrives with the lanes the engine takes, as fpgaConvNet's
                        // input DMA delivers them.
                        if operand.is_block_argument() && users(operand).len() == 1 {
                            operand.set_type(converted);
                            continue;
                        }
                        // A squeeze that feeds only this engine is retargeted, and dropped if it converts nothing.
                        let feeding = defining_op(operand)
                            .filter(|def| op_name(def) == "dataflow.squeeze" && users(operand).len() == 1);
                        if let Some(squeeze) = feeding {
                            let source = squeeze.operand(0).map_err(|_| fail("a squeeze without input".into()))?;
                            if source.r#type() == converted {
                                replace_all_uses(operand, source);
                                unsafe { erase(squeeze) };
                            } else {
                                operand.set_type(converted);
                            }
                            continue;
                        }
                        let squeeze = OperationBuilder::new("dataflow.squeeze", squeeze_location(operand, &op))
                            .add_operands(&[operand])
                            .add_results(&[converted])
                            .build()
                            .map_err(|_| fail("MLIR refused a squeeze".into()))?;
                        let squeeze = body.insert_operation_before(op, squeeze);
                        let mut engine = unsafe { OperationRefMut::from_raw(op.to_raw()) };
                        let output = squeeze.result(0).map_err(|_| fail("no squeeze result".into()))?;
                        engine.set_operand(index, output.into());
                    }
                    for result in op.results() {
                        result.set_type(with_lanes(result.into(), lanes.output).map_err(fail)?);
                    }
                }
                None if name == "dataflow.squeeze" => {
                    let (Ok(input), Ok(output)) = (op.operand(0), op.result(0)) else { continue };
                    if input.r#type() == output.r#type() {
                        replace_all_uses(output.into(), input);
                        unsafe { erase(op) };
                    }
                }
                None => {
                    let Ok(input) = op.operand(0) else { continue };
                    for result in op.results() {
                        result.set_type(input.r#type());
                    }
                }
            }
        }
        sync_function_type(function);
        Ok(())
    }
}
