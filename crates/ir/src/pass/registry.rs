//! The pass registry and the bridge that turns a Rust pass into an MLIR pass.

use super::{info::PassInfo, options::PassOptions};
use crate::{
    diagnostics::{Diagnostic, DiagnosticSink, Severity, SourceLocation},
    source::op_location,
};
use melior::{
    ir::{operation::OperationLike, r#type::TypeId, OperationRef},
    pass::{create_external, ExternalPass, Pass as MlirPass, RunExternalPass},
    ContextRef, StringRef,
};
use std::{ffi::CString, sync::Arc};

/// A pass failed; the reasons were reported as diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassFailed;

/// What a pass returns.
pub type PassResult = Result<(), PassFailed>;

/// What a running pass can report through.
#[derive(Clone)]
pub struct PassContext {
    sink: DiagnosticSink,
}

impl PassContext {
    /// A context reporting into `sink`.
    pub fn new(sink: DiagnosticSink) -> Self {
        Self { sink }
    }

    /// Reports an error at `op` and returns the failure to propagate.
    pub fn error(&self, op: &OperationRef, message: impl AsRef<str>) -> PassFailed {
        let text = CString::new(message.as_ref().replace('\0', " ")).unwrap_or_default();
        unsafe { mlir_sys::mlirEmitError(op.location().to_raw(), text.as_ptr()) };
        PassFailed
    }

    /// Reports a warning at `op`.
    pub fn warning(&self, op: &OperationRef, message: impl Into<String>) {
        self.report(Severity::Warning, op, message);
    }

    /// Reports a remark at `op`: information about what a pass did.
    pub fn remark(&self, op: &OperationRef, message: impl Into<String>) {
        self.report(Severity::Remark, op, message);
    }

    fn report(&self, severity: Severity, op: &OperationRef, message: impl Into<String>) {
        let location = op_location(op, &self.sink.current_buffer());
        self.sink.push(Diagnostic::new(severity, location, message));
    }

    /// Records a diagnostic built by the caller (with notes, say).
    pub fn push(&self, diagnostic: Diagnostic) {
        self.sink.push(diagnostic);
    }

    /// The plain-data location of `op`.
    pub fn location(&self, op: &OperationRef) -> SourceLocation {
        op_location(op, &self.sink.current_buffer())
    }
}

/// A pass written in Rust. A fresh instance is made from the parsed options for every pipeline that names it,
/// and MLIR may copy it, so it holds only its options.
pub trait Pass: Send + Sync + 'static {
    /// Runs on `op`, an operation of the pass's anchor kind (or any operation when it has none).
    fn run(&self, op: OperationRef<'_, '_>, cx: &PassContext) -> PassResult;
}

/// Makes a pass instance from its options.
pub type PassConstructor = fn(&PassOptions) -> Result<Box<dyn Pass>, String>;

/// Checks the IR after a pass, as a verifier does.
pub type Verifier = fn(OperationRef<'_, '_>, &PassContext) -> PassResult;

/// A registered pass: what it says about itself and how to make it. Entries are `static`s: the entry's address
/// is the pass's identity for MLIR.
#[repr(align(8))]
pub struct PassEntry {
    /// Name, summary, description, anchor, options.
    pub info: PassInfo,
    /// Builds an instance.
    pub create: PassConstructor,
}

/// Every pass the tools know, in name order, and the verifier that runs after each of them.
#[derive(Clone)]
pub struct PassRegistry {
    entries: Vec<&'static PassEntry>,
    verifier: Option<(&'static PassEntry, Verifier)>,
}

impl PassRegistry {
    /// A registry of `entries`. `verifier` (the verifier pass's entry and its check) runs after every other
    /// pass, so that a pass that breaks the rules IRDL cannot state is caught where it happens.
    pub fn new(entries: &[&'static PassEntry], verifier: Option<(&'static PassEntry, Verifier)>) -> Self {
        let mut entries = entries.to_vec();
        entries.sort_by_key(|entry| entry.info.name);
        Self { entries, verifier }
    }

    /// The entries, in name order.
    pub fn entries(&self) -> &[&'static PassEntry] {
        &self.entries
    }

    /// The entry called `name`.
    pub fn get(&self, name: &str) -> Option<&'static PassEntry> {
        self.entries.iter().copied().find(|entry| entry.info.name == name)
    }

    /// The verifier check, to run after parsing and at the end of a pipeline.
    pub fn verifier(&self) -> Option<Verifier> {
        self.verifier.map(|(_, check)| check)
    }

    /// Makes the MLIR pass for `entry` with `options`, reporting into `sink`.
    pub fn instantiate(
        &self,
        entry: &'static PassEntry,
        options: &PassOptions,
        sink: &DiagnosticSink,
    ) -> Result<MlirPass, String> {
        let pass: Arc<dyn Pass> = Arc::from((entry.create)(options)?);
        let verify_after = match self.verifier {
            Some((verifier_entry, check)) if !std::ptr::eq(verifier_entry, entry) => Some(check),
            _ => None,
        };
        let adapter = Adapter { pass, verify_after, cx: PassContext::new(sink.clone()) };
        let info = &entry.info;
        Ok(create_external(
            adapter,
            TypeId::create(entry),
            info.name,
            info.name,
            info.summary,
            info.anchor.unwrap_or(""),
            &[],
        ))
    }

    /// The pass reference in Markdown, as in docs/passes.md.
    pub fn markdown(&self) -> String {
        let mut out = String::from(
            "# Pass reference\n\nGenerated by `autows-opt --print-pass-docs`; the test suite fails when this file \
             and the registry disagree.\n\n",
        );
        for entry in &self.entries {
            out.push_str(&entry.info.markdown());
        }
        out
    }
}

#[derive(Clone)]
struct Adapter {
    pass: Arc<dyn Pass>,
    verify_after: Option<Verifier>,
    cx: PassContext,
}

impl<'c> RunExternalPass<'c> for Adapter {
    fn initialize(&mut self, _context: ContextRef<'c>) {}

    fn run(&mut self, operation: OperationRef<'c, '_>, pass: ExternalPass<'_>) {
        let mut result = self.pass.run(operation, &self.cx);
        if result.is_ok() {
            if let Some(verify) = self.verify_after {
                result = verify(operation, &self.cx);
            }
        }
        if result.is_err() {
            pass.signal_failure();
        }
    }
}

/// Adds upstream pipeline text (`canonicalize`, `cse{...}`) to an MLIR pass manager, returning MLIR's message on
/// failure.
pub fn add_upstream(manager: melior::pass::OperationPassManager, text: &str) -> Result<(), String> {
    unsafe extern "C" fn collect(message: mlir_sys::MlirStringRef, data: *mut std::ffi::c_void) {
        let out = unsafe { &mut *(data as *mut String) };
        let bytes = unsafe { std::slice::from_raw_parts(message.data as *const u8, message.length) };
        out.push_str(&String::from_utf8_lossy(bytes));
    }
    let mut message = String::new();
    let result = unsafe {
        mlir_sys::mlirOpPassManagerAddPipeline(
            manager.to_raw(),
            StringRef::new(text).to_raw(),
            Some(collect),
            &mut message as *mut String as *mut std::ffi::c_void,
        )
    };
    if result.value != 0 {
        Ok(())
    } else {
        Err(message.trim().to_string())
    }
}
