//! `autows-translate`: into and out of the graph dialect, like `mlir-translate`, and the reference interpreter.

use crate::{
    npy,
    output::{read_input, write_output},
};
use autows_frontend::{emit_network, extract_network, ProjectWeights};
use autows_interp::QuantSpec;
use autows_ir::{
    attributes as attr,
    pass::PassContext,
    rewrite::{body, op_name},
    source::{parse_chunk, split_buffer},
    IrContext,
};
use autows_network::{inline_weights, Network, Tensor, TensorData};
use clap::{ArgGroup, Parser};
use melior::ir::{
    block::BlockLike,
    operation::{OperationLike, OperationPrintingFlags},
    OperationRef,
};
use serde_json::json;
use std::process::ExitCode;

/// Command line of `autows-translate`.
#[derive(Parser, Debug)]
#[command(
    name = "autows-translate",
    version,
    about = "Imports networks into the graph dialect (ONNX files, built-in models) and runs graph IR in the reference interpreter"
)]
#[command(group(ArgGroup::new("translation").required(true).args(["import_onnx", "model", "run", "list_models"])))]
pub struct TranslateArgs {
    /// Input file: an ONNX model with --import-onnx, graph-dialect MLIR with --run ('-' reads standard input).
    input: Option<String>,
    /// Output file ('-' writes standard output). Written only when everything succeeds.
    #[arg(short = 'o', default_value = "-")]
    output: String,
    /// Translate an ONNX model into graph-dialect MLIR.
    #[arg(long = "import-onnx")]
    import_onnx: bool,
    /// Emit a built-in model (see --list-models) as graph-dialect MLIR.
    #[arg(long = "model", value_name = "NAME")]
    model: Option<String>,
    /// Run a graph function in the reference interpreter and write its outputs as JSON.
    #[arg(long = "run")]
    run: bool,
    /// List the built-in models.
    #[arg(long = "list-models")]
    list_models: bool,
    /// Put the weights' values into the IR as constants instead of handles to their source.
    #[arg(long = "inline-weights")]
    inline_weights: bool,
    /// With --run: an input tensor as a float32 .npy file, one per network input, in order.
    #[arg(long = "input", value_name = "FILE.npy")]
    inputs: Vec<String>,
    /// With --run and no --input: the seed of the standard-normal inputs.
    #[arg(long = "seed", default_value_t = 0)]
    seed: u64,
    /// With --run: the function to run when the module holds several.
    #[arg(long = "function", value_name = "NAME")]
    function: Option<String>,
    /// With --run: evaluate in float even when the function records a quantisation.
    #[arg(long = "float")]
    float: bool,
}

/// An error with the location it is reported at: a file, or an ONNX node's name.
struct Located {
    location: String,
    message: String,
}

impl Located {
    fn at(location: impl Into<String>, message: impl ToString) -> Self {
        Self { location: location.into(), message: message.to_string() }
    }
}

/// Runs `autows-translate` with `args` (without the program name).
pub fn main_with_args(args: Vec<String>) -> ExitCode {
    let args = match TranslateArgs::try_parse_from(std::iter::once("autows-translate".to_string()).chain(args)) {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
        }
    };
    let result = if args.list_models {
        let mut text = String::new();
        for name in autows_zoo::names() {
            text.push_str(&format!("{name:<12} {}\n", autows_zoo::describe(name).unwrap_or("")));
        }
        Ok(text.into_bytes())
    } else if args.run {
        run(&args)
    } else {
        import(&args)
    };
    match result.and_then(|bytes| {
        write_output(&args.output, &bytes).map_err(|message| Located::at("autows-translate", message))
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{}: error: {}", error.location, error.message);
            ExitCode::FAILURE
        }
    }
}

fn import(args: &TranslateArgs) -> Result<Vec<u8>, Located> {
    let mut network = match (&args.model, &args.input) {
        (Some(name), _) => autows_zoo::build(name).map_err(|error| Located::at(name.as_str(), error))?,
        (None, Some(path)) => autows_onnx::import_file(path).map_err(|error| {
            let location = error.node().unwrap_or(path).to_string();
            Located::at(location, error)
        })?,
        (None, None) => return Err(Located::at("autows-translate", "--import-onnx needs an input file")),
    };
    if args.inline_weights {
        let loader = ProjectWeights::new();
        inline_weights(&mut network, &loader).map_err(|error| Located::at(network.name.clone(), error))?;
    }
    let ir = IrContext::new();
    let module = emit_network(ir.context(), &network).map_err(|error| Located::at(network.name.clone(), error))?;
    let cx = PassContext::new(ir.sink().clone());
    if autows_passes::verify::verify(module.as_operation(), &cx).is_err() {
        let problems: Vec<String> = ir.sink().take().iter().map(|d| d.message.clone()).collect();
        return Err(Located::at(network.name.clone(), format!("the emitted IR is invalid: {}", problems.join("; "))));
    }
    // Locations are printed so the node names survive in the file: diagnostics of later steps name them.
    let flags = OperationPrintingFlags::new().enable_debug_info(true, false);
    let text =
        module.as_operation().to_string_with_flags(flags).map_err(|error| Located::at(network.name.clone(), error))?;
    Ok(format!("{text}\n").into_bytes())
}

fn run(args: &TranslateArgs) -> Result<Vec<u8>, Located> {
    let path = args.input.as_deref().unwrap_or("-");
    let (name, text) = read_input(path).map_err(|message| Located::at("autows-translate", message))?;
    let ir = IrContext::new();
    let chunk = split_buffer(&text, false).remove(0);
    let parsed = parse_chunk(&ir, &name, &chunk).filter(|module| {
        let cx = PassContext::new(ir.sink().clone());
        autows_passes::verify::verify(module.as_operation(), &cx).is_ok()
    });
    let Some(module) = parsed else {
        ir.sink().flush_to_stderr();
        return Err(Located::at(name, "the input is not valid graph IR"));
    };
    let function = find_function(module.as_operation(), args.function.as_deref()).map_err(|m| Located::at(&name, m))?;
    let quantization = attr::string(&function, autows_passes::quantize::ATTRIBUTE).ok();
    let network = extract_network(function).map_err(|error| Located::at(&name, error))?;
    let inputs = if args.inputs.is_empty() {
        autows_zoo::sample_inputs(&network, args.seed)
    } else {
        let tensors = args.inputs.iter().map(|path| npy::read_f32(path)).collect::<Result<Vec<_>, _>>();
        tensors.map_err(|message| Located::at(&name, message))?
    };
    let loader = ProjectWeights::new();
    let report = match quantization.filter(|_| !args.float) {
        Some(spec_text) => {
            let spec: QuantSpec = spec_text.parse().map_err(|error| Located::at(&name, error))?;
            let outputs = autows_interp::run_quantized(&network, &inputs, &loader, &spec)
                .map_err(|error| Located::at(&name, error))?;
            let outputs: Vec<_> = outputs
                .iter()
                .zip(output_names(&network))
                .map(|(output, value)| {
                    json!({
                        "name": value,
                        "shape": output.fixed.shape,
                        "format": { "width": output.fixed.format.width(), "binary_point": output.fixed.format.binary_point() },
                        "codes": output.fixed.codes,
                        "values": float_values(&output.real),
                    })
                })
                .collect();
            json!({ "function": network.name, "quantization": spec.to_string(), "outputs": outputs })
        }
        None => {
            let outputs = autows_interp::run(&network, &inputs, &loader).map_err(|error| Located::at(&name, error))?;
            let outputs: Vec<_> = outputs
                .iter()
                .zip(output_names(&network))
                .map(|(tensor, value)| json!({ "name": value, "shape": tensor.shape, "values": float_values(tensor) }))
                .collect();
            json!({ "function": network.name, "outputs": outputs })
        }
    };
    let mut text = serde_json::to_string_pretty(&report).map_err(|error| Located::at(&name, error))?;
    text.push('\n');
    Ok(text.into_bytes())
}

fn output_names(network: &Network) -> Vec<String> {
    network.outputs.iter().map(|&id| network.value(id).name.clone()).collect()
}

fn float_values(tensor: &Tensor) -> Vec<f32> {
    match &tensor.data {
        TensorData::F32(values) => values.to_vec(),
        other => other.to_f32(),
    }
}

/// The `func.func` to run: the one named `wanted`, or the only one.
fn find_function<'c, 'a>(module: OperationRef<'c, 'a>, wanted: Option<&str>) -> Result<OperationRef<'c, 'a>, String> {
    let body = body(module).ok_or("the module is empty")?;
    let mut functions = Vec::new();
    let mut next = body.first_operation();
    while let Some(op) = next {
        next = op.next_in_block();
        if op_name(&op) == "func.func" {
            functions.push(op);
        }
    }
    let name_of = |op: &OperationRef| attr::string(op, "sym_name").unwrap_or_default();
    match wanted {
        Some(wanted) => {
            functions.into_iter().find(|op| name_of(op) == wanted).ok_or_else(|| format!("no function '@{wanted}'"))
        }
        None if functions.len() == 1 => Ok(functions[0]),
        None if functions.is_empty() => Err("the module has no function".into()),
        None => Err(format!(
            "the module has {} functions; choose one with --function ({})",
            functions.len(),
            functions.iter().map(name_of).collect::<Vec<_>>().join(", ")
        )),
    }
}
