//! The lit-style suite: every `test/**/*.mlir` file is one test.
//!
//! A file holds `// RUN: <command>` lines (continued with a trailing `\`), run in order by bash with `pipefail`,
//! with `%s` (the file), `%S` (its folder), `%t` (a scratch path for this test), `%T` (a scratch folder),
//! `%python` (the Python of the project's venv, for cross-checks) and `%%` (a percent sign) substituted. `autows-opt` and LLVM's own `FileCheck`, `not` and `count` are on the PATH. A
//! test passes when every RUN line exits with status 0; a file without RUN lines fails, since it could never fail.

use datatest_stable::Utf8Path;
use std::{
    fmt,
    path::{Path, PathBuf},
    process::Command,
};

/// LLVM's test tools (FileCheck, not, count), from the llvm-22-tools package.
const LLVM_TOOLS: &str = "/usr/lib/llvm-22/bin";

/// A failure message printed verbatim (datatest prints errors with Debug, which would escape newlines).
struct Failure(String);

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failure {}

/// The RUN lines of a file, each with the line number it starts on.
fn run_lines(contents: &str) -> Vec<(usize, String)> {
    let mut commands = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in contents.lines().enumerate() {
        let Some(position) = line.find("RUN:") else { continue };
        if !line[..position].trim_start().starts_with("//") {
            continue;
        }
        let text = line[position + 4..].trim();
        let (text, continues) = match text.strip_suffix('\\') {
            Some(head) => (head.trim_end(), true),
            None => (text, false),
        };
        let (start, mut command) = pending.take().unwrap_or((index + 1, String::new()));
        if !command.is_empty() {
            command.push(' ');
        }
        command.push_str(text);
        if continues {
            pending = Some((start, command));
        } else {
            commands.push((start, command));
        }
    }
    commands.extend(pending);
    commands
}

/// The venv's Python, made by `scripts/setup.sh`.
fn venv_python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python3")
}

fn substitute(command: &str, file: &Path, scratch: &Path) -> String {
    let folder = file.parent().unwrap_or(Path::new("."));
    let command = command.replace("%python", &venv_python().display().to_string());
    let mut out = String::new();
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('s') => out.push_str(&file.display().to_string()),
            Some('S') => out.push_str(&folder.display().to_string()),
            Some('t') => out.push_str(&scratch.join("output.tmp").display().to_string()),
            Some('T') => out.push_str(&scratch.display().to_string()),
            Some('%') => out.push('%'),
            _ => {
                out.push('%');
                continue;
            }
        }
        chars.next();
    }
    out
}

fn run_file(path: &Utf8Path, contents: String) -> datatest_stable::Result<()> {
    let file = std::fs::canonicalize(path.as_std_path())?;
    if !Path::new(LLVM_TOOLS).join("FileCheck").exists() {
        return Err(Box::new(Failure(format!(
            "{LLVM_TOOLS}/FileCheck is missing: install the llvm-22-tools package (`make setup` does)"
        ))));
    }
    if contents.contains("%python") && !venv_python().exists() {
        return Err(Box::new(Failure(format!(
            "{path} needs the project's Python venv ({}), which `make setup` creates",
            venv_python().display()
        ))));
    }
    let commands = run_lines(&contents);
    if commands.is_empty() {
        return Err(Box::new(Failure(format!("{path}: no RUN line, so this test could never fail"))));
    }
    // Naming every tool makes cargo build them all before this test runs.
    let _ = (env!("CARGO_BIN_EXE_autows-translate"), env!("CARGO_BIN_EXE_autows"));
    let opt = PathBuf::from(env!("CARGO_BIN_EXE_autows-opt"));
    let tools = opt.parent().expect("a binary lives in a folder");
    let test_name = path.as_str().trim_start_matches("../test/").replace(['/', '\\'], "_");
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lit").join(test_name);
    std::fs::create_dir_all(&scratch)?;
    let search_path = format!("{}:{LLVM_TOOLS}:{}", tools.display(), std::env::var("PATH").unwrap_or_default());
    for (line, command) in commands {
        let script = substitute(&command, &file, &scratch);
        let output = Command::new("bash")
            .arg("-c")
            .arg(format!("set -o pipefail\n{script}"))
            .current_dir(file.parent().unwrap_or(Path::new(".")))
            .env("PATH", &search_path)
            .output()?;
        if !output.status.success() {
            return Err(Box::new(Failure(format!(
                "\n{path}:{line}: RUN line failed ({})\n  $ {script}\n--- stdout ---\n{}--- stderr ---\n{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))));
        }
    }
    Ok(())
}

datatest_stable::harness! {
    { test = run_file, root = "../test", pattern = r"^(?!.*Inputs/).*\.mlir$" },
}
