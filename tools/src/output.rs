//! Reading inputs and writing outputs the way every autows tool does: `-` is a standard stream, and a file is
//! written whole or not at all.

use std::{
    fs,
    io::{self, Read, Write},
    path::Path,
};

/// Reads `path` (or standard input for `-`), returning the name diagnostics use for it and its text.
pub fn read_input(path: &str) -> Result<(String, String), String> {
    if path == "-" {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map_err(|error| format!("cannot read standard input: {error}"))?;
        return Ok(("<stdin>".to_string(), text));
    }
    let bytes = fs::read(path).map_err(|error| format!("cannot open input file '{path}': {}", describe(&error)))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("input file '{path}' is not UTF-8 text"))?;
    Ok((path.to_string(), text))
}

/// Writes `bytes` to `path` (or standard output for `-`). A file is written beside its final name and renamed
/// into place, so a reader never sees half of it and a failure leaves no file behind.
pub fn write_output(path: &str, bytes: &[u8]) -> Result<(), String> {
    if path == "-" {
        let mut stdout = io::stdout().lock();
        return stdout
            .write_all(bytes)
            .and_then(|()| stdout.flush())
            .map_err(|error| format!("cannot write standard output: {error}"));
    }
    let target = Path::new(path);
    let directory = target.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = target.file_name().ok_or_else(|| format!("'{path}' names no file"))?;
    let temporary = directory.join(format!(".{}.{}.tmp", file_name.to_string_lossy(), std::process::id()));
    let written = fs::write(&temporary, bytes).and_then(|()| fs::rename(&temporary, target));
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(format!("cannot write output file '{path}': {}", describe(&error)));
    }
    Ok(())
}

fn describe(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}
