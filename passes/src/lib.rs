//! The autows passes, one module per pass, and the registry that lists them.
//!
//! To add a pass: write `src/<name>.rs` with a `pub static ENTRY: PassEntry` (name, summary, description, anchor,
//! options, constructor), add one line to [`registry`], and a test file under `test/`. `autows-opt --list-passes`
//! and docs/passes.md pick it up from the registry.

pub mod cse;
pub mod dataflow_model;
pub mod dataflow_to_memory;
pub mod dce;
mod device_options;
pub mod dse;
pub mod eqsat;
mod eqsat_cost;
pub mod estimate;
pub mod fold_batchnorm;
pub mod fuse;
pub mod graph_to_dataflow;
pub mod infer_shapes;
mod parameters;
pub mod quantize;
mod rules;
pub mod set_parallelism;
pub mod size_fifos;
pub mod tosa_to_graph;
pub mod verify;

use autows_ir::pass::PassRegistry;

/// Every pass of the project. The verifier runs after each of the others.
pub fn registry() -> PassRegistry {
    PassRegistry::new(
        &[
            &cse::ENTRY,
            &dataflow_to_memory::ENTRY,
            &dce::ENTRY,
            &dse::ENTRY,
            &eqsat::ENTRY,
            &estimate::ENTRY,
            &fold_batchnorm::ENTRY,
            &fuse::ENTRY,
            &graph_to_dataflow::ENTRY,
            &infer_shapes::ENTRY,
            &quantize::ENTRY,
            &set_parallelism::ENTRY,
            &size_fifos::ENTRY,
            &tosa_to_graph::ENTRY,
            &verify::ENTRY,
        ],
        Some((&verify::ENTRY, verify::verify)),
    )
}
