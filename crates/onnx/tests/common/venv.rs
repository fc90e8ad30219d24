//! The project's Python venv (`.venv` at the workspace root, made by `scripts/setup.sh`), with `onnx`,
//! `onnxruntime` and `numpy`: the oracle of the tests that compare with the Python side.
//!
//! Without the venv such a test fails when the environment variable `CI` is `true`, and otherwise passes after
//! printing a notice, so a developer without Python can still run the suite.

use std::path::{Path, PathBuf};

/// The venv's Python and the ONNX backend test data folder of its `onnx` package.
pub struct Venv {
    pub python: PathBuf,
    pub backend_data: PathBuf,
}

fn find() -> Option<Venv> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv");
    let python = venv.join("bin/python");
    let lib = std::fs::read_dir(venv.join("lib")).ok()?;
    let backend_data = lib
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("site-packages/onnx/backend/test/data"))
        .find(|data| data.is_dir())?;
    python.exists().then_some(Venv { python, backend_data })
}

/// The venv, or `None` after printing a notice; panics instead when `CI` is `true`. `what` says what the
/// calling test cannot do without it.
pub fn venv_or_skip(what: &str) -> Option<Venv> {
    let found = find();
    if found.is_none() {
        let message = "the Python venv with onnx and onnxruntime (.venv, made by scripts/setup.sh) is missing";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{message}: {what} cannot be checked");
        }
        eprintln!("notice: {message}; skipping {what}");
    }
    found
}
