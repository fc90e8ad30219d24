//! `--verify-diagnostics`: checks the diagnostics a run produced against `// expected-error {{...}}` comments in
//! the input, as `mlir-opt` does.
//!
//! A comment `expected-<severity>[@<where>] {{text}}` expects a diagnostic of that severity whose message
//! contains `text`, on the comment's own line, or at `@+N` / `@-N` lines from it, `@above` / `@below` (the line
//! before / after), or `@unknown` (a diagnostic without a file position). Every expectation must be met and every
//! diagnostic expected, notes included.

use crate::diagnostics::{Diagnostic, Severity};

/// The note MLIR attaches to verifier errors to show the operation; not part of what a test expects.
const OPERATION_NOTE: &str = "see current operation:";

/// Where an expected diagnostic must point.
#[derive(Clone, Debug, PartialEq, Eq)]
enum ExpectedLine {
    Line(usize),
    Unknown,
}

/// One `expected-...` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Expectation {
    severity: Severity,
    line: ExpectedLine,
    text: String,
    written_at: usize,
}

/// Reads the expectations of `text`. Malformed comments are returned as problems, with their line.
fn expectations(text: &str) -> (Vec<Expectation>, Vec<(usize, String)>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let Some(position) = line.find("expected-") else { continue };
        if !line[..position].contains("//") {
            continue;
        }
        let rest = &line[position + "expected-".len()..];
        let severity_end = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        let severity = match &rest[..severity_end] {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "note" => Severity::Note,
            "remark" => Severity::Remark,
            _ => continue,
        };
        let mut rest = &rest[severity_end..];
        let mut target = ExpectedLine::Line(number);
        if let Some(designator) = rest.strip_prefix('@') {
            let end = designator.find(char::is_whitespace).unwrap_or(designator.len());
            let word = &designator[..end];
            target = match word {
                "above" => ExpectedLine::Line(number.saturating_sub(1)),
                "below" => ExpectedLine::Line(number + 1),
                "unknown" => ExpectedLine::Unknown,
                offset => match offset.parse::<i64>() {
                    Ok(delta) if word.starts_with(['+', '-']) => {
                        let target = number as i64 + delta;
                        if target < 1 {
                            problems.push((number, format!("'@{word}' points before the start of the file")));
                            continue;
                        }
                        ExpectedLine::Line(target as usize)
                    }
                    _ => {
                        problems.push((number, format!("unknown location designator '@{word}'")));
                        continue;
                    }
                },
            };
            rest = &designator[end..];
        }
        let (Some(open), Some(close)) = (rest.find("{{"), rest.rfind("}}")) else {
            problems.push((number, "expected '{{' and '}}' around the expected message".to_string()));
            continue;
        };
        if close < open + 2 {
            problems.push((number, "expected '{{' and '}}' around the expected message".to_string()));
            continue;
        }
        found.push(Expectation { severity, line: target, text: rest[open + 2..close].to_string(), written_at: number });
    }
    (found, problems)
}

/// Compares `produced` with the expectations written in `text` (the buffer `file`). Returns the failures as
/// rendered diagnostics; an empty list means the check passed.
pub fn check(file: &str, text: &str, produced: &[Diagnostic]) -> Vec<String> {
    let (expected, problems) = expectations(text);
    let mut failures: Vec<String> =
        problems.into_iter().map(|(line, message)| format!("{file}:{line}: error: {message}\n")).collect();
    let mut flat: Vec<&Diagnostic> = Vec::new();
    for diagnostic in produced {
        flat.push(diagnostic);
        // Like mlir-opt, which turns off printing the operation under a diagnostic when verifying them.
        flat.extend(diagnostic.notes.iter().filter(|note| !note.message.starts_with(OPERATION_NOTE)));
    }
    let mut used = vec![false; flat.len()];
    for expectation in &expected {
        let matched = flat.iter().enumerate().position(|(index, diagnostic)| {
            !used[index]
                && diagnostic.severity == expectation.severity
                && diagnostic.message.contains(&expectation.text)
                && match (&expectation.line, diagnostic.location.file_position()) {
                    (ExpectedLine::Line(line), Some((_, actual, _))) => *line == actual,
                    (ExpectedLine::Unknown, None) => true,
                    _ => false,
                }
        });
        match matched {
            Some(index) => used[index] = true,
            None => failures.push(format!(
                "{file}:{}: error: expected {} \"{}\" was not produced\n",
                expectation.written_at, expectation.severity, expectation.text
            )),
        }
    }
    for (diagnostic, used) in flat.iter().zip(used) {
        if !used {
            failures.push(format!(
                "{}: error: unexpected {}: {}\n",
                diagnostic.location, diagnostic.severity, diagnostic.message
            ));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::SourceLocation;

    fn at(line: usize, severity: Severity, message: &str) -> Diagnostic {
        Diagnostic::new(severity, SourceLocation::File { file: "t.mlir".into(), line, column: 1 }, message)
    }

    #[test]
    fn designators_resolve_to_lines() {
        let text = "a // expected-error {{same}}\n// expected-warning@+1 {{next}}\nb\n// expected-note@-3 {{first}}\n\
                    // expected-remark@above {{prev}}\n// expected-error@below {{after}}\nc\n// expected-error@unknown {{nowhere}}\n";
        let produced = vec![
            at(1, Severity::Error, "the same line"),
            at(3, Severity::Warning, "the next line"),
            at(1, Severity::Note, "the first line"),
            at(4, Severity::Remark, "the previous line"),
            at(7, Severity::Error, "after this"),
            Diagnostic::new(Severity::Error, SourceLocation::Unknown, "from nowhere"),
        ];
        assert_eq!(check("t.mlir", text, &produced), Vec::<String>::new());
    }

    #[test]
    fn missing_and_unexpected_diagnostics_fail() {
        let text = "x // expected-error {{wanted}}\n";
        let failures = check("t.mlir", text, &[at(1, Severity::Error, "something else")]);
        assert_eq!(failures.len(), 2);
        assert!(failures[0].contains("expected error \"wanted\" was not produced"));
        assert!(failures[1].contains("unexpected error: something else"));
    }

    #[test]
    fn notes_must_be_expected_too() {
        let text = "x // expected-error {{bad}}\n";
        let diagnostic = at(1, Severity::Error, "bad").with_note(SourceLocation::Unknown, "because");
        let failures = check("t.mlir", text, &[diagnostic]);
        assert_eq!(failures.len(), 1);
        assert!(failures[0].contains("unexpected note: because"));
    }

    #[test]
    fn malformed_expectations_are_reported() {
        let failures = check("t.mlir", "// expected-error@sideways {{x}}\n// expected-error no braces\n", &[]);
        assert_eq!(failures.len(), 2);
    }
}
