//! Diagnostics in MLIR's format.
//!
//! Everything a user sees about their input goes through one [`DiagnosticSink`]: errors that MLIR emits (parser,
//! IRDL verifier, `mlirEmitError` from our passes) arrive through a context handler, and warnings, remarks and
//! notes that our Rust code raises are pushed directly, since the C API can only emit errors. The sink renders
//! each one as `file:line:col: severity: message`, followed by the source line and a caret, as `mlir-opt` does.

use melior::{diagnostic::DiagnosticSeverity, ir::Location, Context};
use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, Mutex, MutexGuard},
};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The input is wrong; the tool fails.
    Error,
    /// Something is suspicious but the tool goes on.
    Warning,
    /// Extra information attached to another diagnostic.
    Note,
    /// Information a pass reports about what it did.
    Remark,
}

impl Severity {
    /// The word MLIR prints for this severity.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
            Severity::Remark => "remark",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a diagnostic points, as plain data that outlives the MLIR context.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceLocation {
    /// A position in a text buffer (1-based line and column).
    File {
        /// The buffer's name: a path, or `<stdin>`.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A named location, such as an ONNX node's name; `inner` is where that name was defined, if known.
    Name {
        /// The name.
        name: String,
        /// The location the name wraps.
        inner: Box<SourceLocation>,
    },
    /// No location is known.
    Unknown,
}

impl SourceLocation {
    /// Converts an MLIR location. Call sites report the callee; fused locations their first known part.
    /// A file location that names no file gets `default_file`: text parsed from memory carries none.
    pub fn from_mlir(location: Location<'_>, default_file: &str) -> Self {
        if location.is_file_line_col_range() {
            let name = location.file_line_col_range_filename();
            let file = name.as_string_ref().as_str().unwrap_or("").to_string();
            SourceLocation::File {
                file: if crate::source::is_unnamed_buffer(&file) { default_file.to_string() } else { file },
                line: location.file_line_col_range_start_line(),
                column: location.file_line_col_range_start_column(),
            }
        } else if location.is_name() {
            SourceLocation::Name {
                name: location.name_value().as_string_ref().as_str().unwrap_or("").to_string(),
                inner: Box::new(Self::from_mlir(location.name_child_location(), default_file)),
            }
        } else if location.is_call_site() {
            Self::from_mlir(location.call_site_callee(), default_file)
        } else if location.is_fused() {
            (0..location.fused_num_locations())
                .map(|index| Self::from_mlir(location.fused_location(index), default_file))
                .find(|part| *part != SourceLocation::Unknown)
                .unwrap_or(SourceLocation::Unknown)
        } else {
            SourceLocation::Unknown
        }
    }

    /// The file position this location ends up at, if any.
    pub fn file_position(&self) -> Option<(&str, usize, usize)> {
        match self {
            SourceLocation::File { file, line, column } => Some((file, *line, *column)),
            SourceLocation::Name { inner, .. } => inner.file_position(),
            SourceLocation::Unknown => None,
        }
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceLocation::File { file, line, column } => write!(f, "{file}:{line}:{column}"),
            SourceLocation::Name { name, inner } => match **inner {
                SourceLocation::Unknown => write!(f, "{name}"),
                _ => write!(f, "{inner}"),
            },
            SourceLocation::Unknown => write!(f, "<unknown>"),
        }
    }
}

/// One diagnostic with its notes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// Where it points.
    pub location: SourceLocation,
    /// What it says.
    pub message: String,
    /// Notes attached to it, each a diagnostic of severity [`Severity::Note`].
    pub notes: Vec<Diagnostic>,
}

impl Diagnostic {
    /// A diagnostic without notes.
    pub fn new(severity: Severity, location: SourceLocation, message: impl Into<String>) -> Self {
        Self { severity, location, message: message.into(), notes: Vec::new() }
    }

    /// Adds a note.
    pub fn with_note(mut self, location: SourceLocation, message: impl Into<String>) -> Self {
        self.notes.push(Diagnostic::new(Severity::Note, location, message));
        self
    }
}

#[derive(Default)]
struct SinkState {
    diagnostics: Vec<Diagnostic>,
    /// The name given to file locations whose file name is empty (text parsed from memory).
    current_buffer: String,
    /// Source text by buffer name, to show the line a diagnostic points at.
    sources: HashMap<String, Arc<str>>,
}

/// Collects diagnostics from MLIR and from Rust. Cheap to clone; clones share one store.
#[derive(Clone, Default)]
pub struct DiagnosticSink {
    state: Arc<Mutex<SinkState>>,
}

impl DiagnosticSink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, SinkState> {
        // A panic while holding the lock leaves only plain data behind, which stays usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Attaches a handler to `context` that moves every MLIR diagnostic into this sink.
    pub fn attach(&self, context: &Context) {
        let sink = self.clone();
        context.attach_diagnostic_handler(move |diagnostic| {
            let default_file = sink.lock().current_buffer.clone();
            let convert = |d: &melior::diagnostic::Diagnostic| {
                Diagnostic::new(
                    severity_of(d.severity()),
                    SourceLocation::from_mlir(d.location(), &default_file),
                    d.to_string(),
                )
            };
            let mut converted = convert(&diagnostic);
            for index in 0..diagnostic.note_count() {
                if let Ok(note) = diagnostic.note(index) {
                    converted.notes.push(convert(&note));
                }
            }
            sink.push(converted);
            true
        });
    }

    /// Registers a buffer: its text is shown under diagnostics that point into it, and file locations with an
    /// empty name are taken to mean this buffer until another is registered.
    pub fn set_buffer(&self, name: &str, text: Arc<str>) {
        let mut state = self.lock();
        state.current_buffer = name.to_string();
        state.sources.insert(name.to_string(), text);
    }

    /// The name of the buffer registered last.
    pub fn current_buffer(&self) -> String {
        self.lock().current_buffer.clone()
    }

    /// Records a diagnostic.
    pub fn push(&self, diagnostic: Diagnostic) {
        self.lock().diagnostics.push(diagnostic);
    }

    /// Records an error at `location`.
    pub fn error(&self, location: SourceLocation, message: impl Into<String>) {
        self.push(Diagnostic::new(Severity::Error, location, message));
    }

    /// Takes every diagnostic recorded so far, leaving the sink empty.
    pub fn take(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.lock().diagnostics)
    }

    /// Whether an error has been recorded and not yet taken.
    pub fn has_errors(&self) -> bool {
        self.lock().diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// Renders a diagnostic and its notes as `mlir-opt` prints them.
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        let state = self.lock();
        let mut out = String::new();
        render_one(&state.sources, diagnostic, &mut out);
        for note in &diagnostic.notes {
            render_one(&state.sources, note, &mut out);
        }
        out
    }

    /// Renders and prints every recorded diagnostic to standard error, emptying the sink.
    pub fn flush_to_stderr(&self) {
        for diagnostic in self.take() {
            eprint!("{}", self.render(&diagnostic));
        }
    }
}

fn severity_of(severity: DiagnosticSeverity) -> Severity {
    match severity {
        DiagnosticSeverity::Error => Severity::Error,
        DiagnosticSeverity::Warning => Severity::Warning,
        DiagnosticSeverity::Note => Severity::Note,
        DiagnosticSeverity::Remark => Severity::Remark,
    }
}

fn render_one(sources: &HashMap<String, Arc<str>>, diagnostic: &Diagnostic, out: &mut String) {
    use std::fmt::Write;
    let _ = writeln!(out, "{}: {}: {}", diagnostic.location, diagnostic.severity, diagnostic.message);
    let Some((file, line, column)) = diagnostic.location.file_position() else { return };
    let Some(text) = sources.get(file) else { return };
    let Some(source_line) = text.lines().nth(line.saturating_sub(1)) else { return };
    let _ = writeln!(out, "{source_line}");
    let caret_pad: String =
        source_line.chars().take(column.saturating_sub(1)).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    let _ = writeln!(out, "{caret_pad}^");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_source_line_and_caret() {
        let sink = DiagnosticSink::new();
        sink.set_buffer("a.mlir", Arc::from("first\n  second line\n"));
        let location = SourceLocation::File { file: "a.mlir".into(), line: 2, column: 3 };
        let diagnostic = Diagnostic::new(Severity::Error, location.clone(), "bad").with_note(location, "why");
        assert_eq!(
            sink.render(&diagnostic),
            "a.mlir:2:3: error: bad\n  second line\n  ^\na.mlir:2:3: note: why\n  second line\n  ^\n"
        );
    }

    #[test]
    fn names_print_alone_or_through_their_file_position() {
        let bare = SourceLocation::Name { name: "Conv_0".into(), inner: Box::new(SourceLocation::Unknown) };
        assert_eq!(bare.to_string(), "Conv_0");
        let placed = SourceLocation::Name {
            name: "Conv_0".into(),
            inner: Box::new(SourceLocation::File { file: "m.mlir".into(), line: 4, column: 1 }),
        };
        assert_eq!(placed.to_string(), "m.mlir:4:1");
    }
}
