//! The MLIR context every autows tool works in: the upstream dialects we use, our IRDL dialects, and a
//! diagnostic sink.

use crate::diagnostics::DiagnosticSink;
use melior::{dialect::DialectRegistry, ir::Module, utility::load_irdl_dialects, Context};
use std::sync::Once;

/// The IRDL definitions of the project's dialects, one file per dialect. They are loaded together because
/// they refer to each other's types (a dataflow engine takes `!memory.weights`).
pub const DIALECT_SOURCES: [(&str, &str); 3] = [
    ("graph", include_str!("../../../dialects/graph.irdl.mlir")),
    ("dataflow", include_str!("../../../dialects/dataflow.irdl.mlir")),
    ("memory", include_str!("../../../dialects/memory.irdl.mlir")),
];

/// Upstream dialects the project's IR may contain, besides `builtin`.
const UPSTREAM_DIALECTS: [&str; 2] = ["func", "tosa"];

/// An MLIR context ready for autows IR, with the sink that receives its diagnostics.
pub struct IrContext {
    context: Context,
    sink: DiagnosticSink,
}

impl IrContext {
    /// Creates a context with `func`, `tosa`, `irdl` and our dialects loaded, and a fresh sink attached.
    ///
    /// MLIR's own multithreading is off: the IR of a whole network is a few hundred operations, so threads buy
    /// nothing there, and single-threaded pass execution keeps diagnostics in a deterministic order. The
    /// parallel work of the compiler (the design-space search) runs on plain data.
    pub fn new() -> Self {
        register_upstream_passes();
        let registry = DialectRegistry::new();
        unsafe {
            for handle in [
                mlir_sys::mlirGetDialectHandle__func__(),
                mlir_sys::mlirGetDialectHandle__tosa__(),
                mlir_sys::mlirGetDialectHandle__irdl__(),
            ] {
                mlir_sys::mlirDialectHandleInsertDialect(handle, registry.to_raw());
            }
        }
        let context = Context::new_with_registry(&registry, false);
        context.load_all_available_dialects();
        let sink = DiagnosticSink::new();
        sink.attach(&context);
        load_project_dialects(&context);
        Self { context, sink }
    }

    /// The MLIR context.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The sink that receives this context's diagnostics.
    pub fn sink(&self) -> &DiagnosticSink {
        &self.sink
    }

    /// The names of the dialects IR may use in this context, ours and upstream ones.
    pub fn dialect_names() -> Vec<&'static str> {
        let mut names: Vec<&str> = DIALECT_SOURCES.iter().map(|(name, _)| *name).collect();
        names.push("builtin");
        names.extend(UPSTREAM_DIALECTS);
        names
    }
}

impl Default for IrContext {
    fn default() -> Self {
        Self::new()
    }
}

/// The IRDL module text that defines all of the project's dialects.
pub fn irdl_module_text() -> String {
    let mut text = String::from("module {\n");
    for (_, source) in DIALECT_SOURCES {
        text.push_str(source);
        text.push('\n');
    }
    text.push_str("}\n");
    text
}

fn load_project_dialects(context: &Context) {
    // The definitions ship inside the binary and are covered by the test suite, so failing here is a build
    // defect, not a user error.
    let module = Module::parse(context, &irdl_module_text()).expect("the embedded IRDL dialect definitions parse");
    assert!(load_irdl_dialects(&module), "the embedded IRDL dialect definitions load");
}

/// Registers the upstream transformation passes (canonicalize, cse, symbol-dce, ...) by name, once per
/// process: registering twice corrupts MLIR's registry.
fn register_upstream_passes() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| unsafe { mlir_sys::mlirRegisterTransformsPasses() });
}
