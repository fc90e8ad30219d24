//! The autows IR core.
//!
//! An MLIR context with the project's IRDL dialects (`graph`, `dataflow`, `memory`), diagnostics in MLIR's
//! format, typed access to attributes and types, IR surgery melior lacks, and the pass infrastructure: pass
//! descriptions with typed options, one registry, and `mlir-opt`'s pipeline grammar parsed in Rust so that our
//! passes and upstream ones run in one pass manager. It depends on no other crate of the project.

pub mod attributes;
pub mod context;
pub mod diagnostics;
pub mod fusion;
pub mod ops;
pub mod pass;
pub mod rewrite;
pub mod source;
pub mod types;
pub mod verify_diagnostics;

pub use context::IrContext;
pub use diagnostics::{Diagnostic, DiagnosticSink, Severity, SourceLocation};
