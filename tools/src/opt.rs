//! `autows-opt`: parse MLIR, run a pass pipeline, print MLIR, with `mlir-opt`'s interface.

use crate::output::{read_input, write_output};
use autows_ir::{
    pass::{PassContext, PassRegistry, Pipeline, PipelineError},
    source::{parse_chunk, split_buffer, SourceChunk},
    verify_diagnostics, IrContext,
};
use clap::Parser;
use melior::{
    ir::{operation::OperationLike, operation::OperationPrintingFlags, Module},
    pass::{PassIrPrintingOptions, PassManager},
};
use std::{path::PathBuf, process::ExitCode};

/// Command line of `autows-opt`. Passes may also be given as flags, `--autows-dce` or
/// `--autows-cse=report`, which run in the order written, as in `mlir-opt`.
#[derive(Parser, Debug)]
#[command(
    name = "autows-opt",
    version,
    about = "Runs pass pipelines over autows IR (graph, dataflow, memory dialects) and upstream MLIR, like mlir-opt",
    after_help = "Passes may also be named as flags (--autows-dce, --canonicalize, --autows-cse=\"report\"); they \
                  run in the order written. See --list-passes."
)]
pub struct OptArgs {
    /// Input file; '-' reads standard input.
    #[arg(default_value = "-")]
    input: String,
    /// Output file; '-' writes standard output. Written only when every step succeeds.
    #[arg(short = 'o', default_value = "-")]
    output: String,
    /// The pass pipeline, as 'builtin.module(pass1,func.func(pass2{option=value}))'.
    #[arg(long = "pass-pipeline", value_name = "PIPELINE")]
    pass_pipeline: Option<String>,
    /// Treat '// -----' lines as separators and process each piece on its own.
    #[arg(long = "split-input-file")]
    split_input_file: bool,
    /// Check the diagnostics against 'expected-error {{...}}' comments instead of printing them.
    #[arg(long = "verify-diagnostics")]
    verify_diagnostics: bool,
    /// Run the verifiers after every pass (default true).
    #[arg(long = "verify-each", default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
    verify_each: bool,
    /// Print the IR after every pass, to standard error.
    #[arg(long = "mlir-print-ir-after-all")]
    print_ir_after_all: bool,
    /// Print the IR before every pass, to standard error.
    #[arg(long = "mlir-print-ir-before-all")]
    print_ir_before_all: bool,
    /// Print the time each pass took, to standard error.
    #[arg(long = "mlir-timing")]
    timing: bool,
    /// Print operations in the generic form.
    #[arg(long = "mlir-print-op-generic")]
    print_op_generic: bool,
    /// Print locations along with the IR.
    #[arg(long = "mlir-print-debuginfo")]
    print_debuginfo: bool,
    /// Accepted for compatibility with mlir-opt: autows-opt always runs MLIR single-threaded.
    #[arg(long = "mlir-disable-threading")]
    disable_threading: bool,
    /// List every pass with its summary and options, then exit.
    #[arg(long = "list-passes")]
    list_passes: bool,
    /// Print the pass reference (docs/passes.md) in Markdown, then exit.
    #[arg(long = "print-pass-docs")]
    print_pass_docs: bool,
    /// Print the dialect reference (docs/dialects.md) in Markdown, then exit.
    #[arg(long = "print-dialect-docs")]
    print_dialect_docs: bool,
}

/// Splits pass flags (`--name` or `--name=options`, where `name` is a registered pass) from the other
/// arguments. Upstream passes are recognised by asking MLIR whether it can add them.
fn extract_pass_flags(
    args: Vec<String>,
    registry: &PassRegistry,
    ir: &IrContext,
) -> (Vec<String>, Vec<(String, Option<String>)>) {
    let probe = PassManager::new(ir.context());
    let mut rest = Vec::new();
    let mut passes = Vec::new();
    for arg in args {
        let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-').filter(|f| f.len() > 1)) else {
            rest.push(arg);
            continue;
        };
        let (name, options) = match flag.split_once('=') {
            Some((name, options)) => (name, Some(options.to_string())),
            None => (flag, None),
        };
        let is_pass = registry.get(name).is_some()
            || (!name.starts_with("mlir-")
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !OWN_FLAGS.contains(&name)
                && autows_ir::pass::add_upstream(probe.as_operation_pass_manager(), name).is_ok());
        if is_pass {
            passes.push((name.to_string(), options));
        } else {
            rest.push(arg);
        }
    }
    (rest, passes)
}

/// Long flags of `autows-opt` itself, which are never pass names.
const OWN_FLAGS: [&str; 14] = [
    "pass-pipeline",
    "split-input-file",
    "verify-diagnostics",
    "verify-each",
    "list-passes",
    "print-pass-docs",
    "print-dialect-docs",
    "help",
    "version",
    "o",
    "h",
    "V",
    "mlir-timing",
    "mlir-print-op-generic",
];

/// Runs `autows-opt` with `args` (without the program name) and returns the exit status.
pub fn main_with_args(args: Vec<String>) -> ExitCode {
    let registry = autows_passes::registry();
    let ir = IrContext::new();
    let (args, pass_flags) = extract_pass_flags(args, &registry, &ir);
    let args = match OptArgs::try_parse_from(std::iter::once("autows-opt".to_string()).chain(args)) {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { ExitCode::FAILURE } else { ExitCode::SUCCESS };
        }
    };
    if args.list_passes {
        print!("{}", list_passes(&registry));
        return ExitCode::SUCCESS;
    }
    if args.print_pass_docs {
        print!("{}", registry.markdown());
        return ExitCode::SUCCESS;
    }
    if args.print_dialect_docs {
        print!("{}", crate::dialect_docs::markdown());
        return ExitCode::SUCCESS;
    }
    let pipeline = match (&args.pass_pipeline, pass_flags.is_empty()) {
        (Some(_), false) => {
            eprintln!("autows-opt: error: give passes either with --pass-pipeline or as flags, not both");
            return ExitCode::FAILURE;
        }
        (Some(text), true) => match Pipeline::parse(text) {
            Ok(pipeline) => Some((pipeline, text.clone())),
            Err(error) => {
                eprint!("{}", error.render(text));
                return ExitCode::FAILURE;
            }
        },
        (None, false) => Some((Pipeline::from_flags(&pass_flags), String::new())),
        (None, true) => None,
    };
    let (name, text) = match read_input(&args.input) {
        Ok(input) => input,
        Err(message) => {
            eprintln!("autows-opt: error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let mut outputs = Vec::new();
    let mut all_ok = true;
    for chunk in split_buffer(&text, args.split_input_file) {
        let result = process_chunk(&ir, &registry, &args, pipeline.as_ref(), &name, &chunk);
        let diagnostics = ir.sink().take();
        match (args.verify_diagnostics, result) {
            (false, Ok(output)) => {
                print_diagnostics(&ir, &diagnostics);
                outputs.push(output);
            }
            (false, Err(ChunkError::Diagnosed)) => {
                print_diagnostics(&ir, &diagnostics);
                all_ok = false;
            }
            (_, Err(ChunkError::Pipeline(error, text))) => {
                print_diagnostics(&ir, &diagnostics);
                eprint!("{}", error.render(&text));
                return ExitCode::FAILURE;
            }
            (true, result) => {
                let failures = verify_diagnostics::check(&name, &chunk.text, &diagnostics);
                for failure in &failures {
                    eprint!("{failure}");
                }
                all_ok &= failures.is_empty();
                if let Ok(output) = result {
                    outputs.push(output);
                }
            }
        }
    }
    if !all_ok && args.output != "-" {
        return ExitCode::FAILURE;
    }
    let joined = outputs.join("// -----\n");
    if let Err(message) = write_output(&args.output, joined.as_bytes()) {
        eprintln!("autows-opt: error: {message}");
        return ExitCode::FAILURE;
    }
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

enum ChunkError {
    /// Diagnostics in the sink say what went wrong.
    Diagnosed,
    /// The pipeline text is wrong; it is the same for every chunk, so processing stops.
    Pipeline(PipelineError, String),
}

fn process_chunk(
    ir: &IrContext,
    registry: &PassRegistry,
    args: &OptArgs,
    pipeline: Option<&(Pipeline, String)>,
    name: &str,
    chunk: &SourceChunk,
) -> Result<String, ChunkError> {
    let Some(mut module) = parse_chunk(ir, name, chunk) else {
        return Err(ChunkError::Diagnosed);
    };
    verify(ir, registry, &module)?;
    if let Some((pipeline, pipeline_text)) = pipeline {
        let manager = PassManager::new(ir.context());
        manager.enable_verifier(args.verify_each);
        if args.print_ir_after_all || args.print_ir_before_all {
            manager.enable_ir_printing(&PassIrPrintingOptions {
                before_all: args.print_ir_before_all,
                after_all: args.print_ir_after_all,
                module_scope: true,
                on_change: false,
                on_failure: false,
                flags: printing_flags(args),
                tree_printing_path: PathBuf::new(),
            });
        }
        if args.timing {
            unsafe { mlir_sys::mlirPassManagerEnableTiming(manager.to_raw()) };
        }
        pipeline
            .add_to(&manager, registry, ir.sink())
            .map_err(|error| ChunkError::Pipeline(error, pipeline_text.clone()))?;
        if manager.run(&mut module).is_err() {
            return Err(ChunkError::Diagnosed);
        }
        verify(ir, registry, &module)?;
    }
    let printed =
        module.as_operation().to_string_with_flags(printing_flags(args)).map_err(|_| ChunkError::Diagnosed)?;
    Ok(printed + "\n")
}

fn verify(ir: &IrContext, registry: &PassRegistry, module: &Module) -> Result<(), ChunkError> {
    if let Some(check) = registry.verifier() {
        let cx = PassContext::new(ir.sink().clone());
        check(module.as_operation(), &cx).map_err(|_| ChunkError::Diagnosed)?;
    }
    Ok(())
}

fn printing_flags(args: &OptArgs) -> OperationPrintingFlags {
    let mut flags = OperationPrintingFlags::new();
    if args.print_op_generic {
        flags = flags.print_generic_operation_form();
    }
    if args.print_debuginfo {
        flags = flags.enable_debug_info(true, false);
    }
    flags
}

fn print_diagnostics(ir: &IrContext, diagnostics: &[autows_ir::Diagnostic]) {
    for diagnostic in diagnostics {
        eprint!("{}", ir.sink().render(diagnostic));
    }
}

/// The text of `--list-passes`: ours, then a pointer to upstream's.
fn list_passes(registry: &PassRegistry) -> String {
    let mut out = String::from("autows passes:\n");
    for entry in registry.entries() {
        out.push_str(&entry.info.listing());
    }
    out.push_str(
        "\nUpstream MLIR transformation passes are available too (canonicalize, cse, symbol-dce, sccp, inline, \
         print-op-stats, strip-debuginfo, topological-sort, ...), with mlir-opt's names and options.\n",
    );
    out
}
