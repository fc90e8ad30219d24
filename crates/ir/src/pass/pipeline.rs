//! `mlir-opt`'s textual pass pipelines, parsed in Rust so that our passes and upstream ones share one pass
//! manager in exactly the written order.
//!
//! ```text
//! pipeline := anchor '(' element (',' element)* ')'
//! element  := anchor '(' (element (',' element)*)? ')'  |  pass-name ('{' options '}')?
//! ```
//! Our passes are looked up in the [`PassRegistry`]; any other name goes to MLIR, which knows the upstream passes
//! (`canonicalize`, `cse`, `symbol-dce`, ...). A pass of ours whose anchor is `func.func`, written directly inside
//! `builtin.module(...)`, is nested into `func.func` as the user meant.

use super::{
    options::PassOptions,
    registry::{add_upstream, PassRegistry},
};
use crate::diagnostics::DiagnosticSink;
use melior::pass::{OperationPassManager, PassManager};
use std::fmt;

/// A pipeline that does not parse or names something unknown, with the byte offset it points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineError {
    /// Byte offset into the pipeline text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl PipelineError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        Self { offset, message: message.into() }
    }

    /// Renders the error as MLIR does, naming the pipeline text as the buffer and pointing at the column.
    pub fn render(&self, pipeline: &str) -> String {
        let column = pipeline[..self.offset.min(pipeline.len())].chars().count() + 1;
        format!("<pass-pipeline>:1:{column}: error: {}\n{pipeline}\n{}^\n", self.message, " ".repeat(column - 1))
    }
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

/// One element of a parsed pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PipelineElement {
    /// A pass with its option text (the inside of the braces).
    Pass {
        /// The pass's name.
        name: String,
        /// The option text, if braces were given.
        options: Option<String>,
        /// Byte offset of the name.
        offset: usize,
    },
    /// A nested pipeline on operations named `anchor`.
    Nested {
        /// The operation name, like `func.func`.
        anchor: String,
        /// The nested elements.
        elements: Vec<PipelineElement>,
        /// Byte offset of the anchor.
        offset: usize,
    },
}

/// A parsed pipeline: `builtin.module(...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pipeline {
    /// The top-level operation name.
    pub anchor: String,
    /// The elements inside it.
    pub elements: Vec<PipelineElement>,
}

struct Parser<'t> {
    text: &'t str,
    offset: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        let rest = &self.text[self.offset..];
        self.offset += rest.len() - rest.trim_start().len();
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.text[self.offset..].chars().next()
    }

    fn name(&mut self) -> Result<(String, usize), PipelineError> {
        self.skip_space();
        let start = self.offset;
        let rest = &self.text[start..];
        let length = rest.find(|c: char| !(c.is_ascii_alphanumeric() || "_-.$".contains(c))).unwrap_or(rest.len());
        if length == 0 {
            return Err(PipelineError::new(start, "expected a pass or operation name"));
        }
        self.offset += length;
        Ok((rest[..length].to_string(), start))
    }

    fn expect(&mut self, wanted: char) -> Result<(), PipelineError> {
        if self.peek() == Some(wanted) {
            self.offset += 1;
            Ok(())
        } else {
            let found = self.peek().map_or("end of text".to_string(), |c| format!("'{c}'"));
            Err(PipelineError::new(self.offset, format!("expected '{wanted}', found {found}")))
        }
    }

    fn braced(&mut self) -> Result<String, PipelineError> {
        let open = self.offset;
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        for (index, c) in self.text[open..].char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '{') => depth += 1,
                (None, '}') => {
                    depth -= 1;
                    if depth == 0 {
                        self.offset = open + index + 1;
                        return Ok(self.text[open + 1..open + index].to_string());
                    }
                }
                _ => {}
            }
        }
        Err(PipelineError::new(open, "unbalanced '{' in pass options"))
    }

    fn elements(&mut self) -> Result<Vec<PipelineElement>, PipelineError> {
        let mut elements = Vec::new();
        if self.peek() == Some(')') {
            return Ok(elements);
        }
        loop {
            let (name, offset) = self.name()?;
            match self.peek() {
                Some('(') => {
                    self.offset += 1;
                    let nested = self.elements()?;
                    self.expect(')')?;
                    elements.push(PipelineElement::Nested { anchor: name, elements: nested, offset });
                }
                Some('{') => {
                    let options = self.braced()?;
                    elements.push(PipelineElement::Pass { name, options: Some(options), offset });
                }
                _ => elements.push(PipelineElement::Pass { name, options: None, offset }),
            }
            if self.peek() == Some(',') {
                self.offset += 1;
                continue;
            }
            return Ok(elements);
        }
    }
}

impl Pipeline {
    /// Parses pipeline text such as `builtin.module(canonicalize,func.func(cse))`.
    pub fn parse(text: &str) -> Result<Self, PipelineError> {
        let mut parser = Parser { text, offset: 0 };
        let (anchor, offset) = parser.name()?;
        if parser.peek() != Some('(') {
            return Err(PipelineError::new(
                offset,
                "a pipeline starts with the operation it runs on, as in 'builtin.module(...)'",
            ));
        }
        parser.offset += 1;
        let elements = parser.elements()?;
        parser.expect(')')?;
        if parser.peek().is_some() {
            return Err(PipelineError::new(parser.offset, "unexpected text after the pipeline"));
        }
        Ok(Self { anchor, elements })
    }

    /// Builds a pipeline of passes given as `mlir-opt`-style flags: `(name, options)` in order.
    pub fn from_flags(passes: &[(String, Option<String>)]) -> Self {
        let elements = passes
            .iter()
            .map(|(name, options)| PipelineElement::Pass { name: name.clone(), options: options.clone(), offset: 0 })
            .collect();
        Self { anchor: "builtin.module".into(), elements }
    }

    /// Adds the pipeline's passes to `manager`, in order. Errors point into the pipeline text.
    pub fn add_to(
        &self,
        manager: &PassManager,
        registry: &PassRegistry,
        sink: &DiagnosticSink,
    ) -> Result<(), PipelineError> {
        if self.anchor != "builtin.module" {
            return Err(PipelineError::new(
                0,
                format!("the top-level pipeline must run on 'builtin.module', not '{}'", self.anchor),
            ));
        }
        add_elements(manager.as_operation_pass_manager(), "builtin.module", &self.elements, registry, sink)
    }
}

fn add_elements(
    manager: OperationPassManager,
    anchor: &str,
    elements: &[PipelineElement],
    registry: &PassRegistry,
    sink: &DiagnosticSink,
) -> Result<(), PipelineError> {
    for element in elements {
        match element {
            PipelineElement::Nested { anchor: nested, elements, offset } => {
                if nested == "builtin.module" && anchor != "builtin.module" {
                    return Err(PipelineError::new(*offset, format!("'builtin.module' cannot nest inside '{anchor}'")));
                }
                add_elements(manager.nested_under(nested), nested, elements, registry, sink)?;
            }
            PipelineElement::Pass { name, options, offset } => match registry.get(name) {
                Some(entry) => {
                    let parsed = PassOptions::parse(&entry.info, options.as_deref().unwrap_or(""))
                        .map_err(|message| PipelineError::new(*offset, message))?;
                    let pass = registry
                        .instantiate(entry, &parsed, sink)
                        .map_err(|message| PipelineError::new(*offset, message))?;
                    match entry.info.anchor {
                        Some(pass_anchor) if pass_anchor != anchor => {
                            if anchor == "builtin.module" && pass_anchor == "func.func" {
                                manager.nested_under(pass_anchor).add_pass(pass);
                            } else {
                                return Err(PipelineError::new(
                                    *offset,
                                    format!(
                                        "pass '{name}' runs on '{pass_anchor}' operations and cannot run on '{anchor}'"
                                    ),
                                ));
                            }
                        }
                        _ => manager.add_pass(pass),
                    }
                }
                None => {
                    let text = match options {
                        Some(options) => format!("{name}{{{options}}}"),
                        None => name.clone(),
                    };
                    add_upstream(manager, &text).map_err(|message| {
                        let message = if message.contains("does not refer to a registered pass") {
                            format!("'{name}' does not refer to a registered pass or pass pipeline (see --list-passes)")
                        } else {
                            message
                        };
                        PipelineError::new(*offset, message)
                    })?;
                }
            },
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_pipelines_with_options() {
        let pipeline = Pipeline::parse("builtin.module( canonicalize , func.func(cse, x{a=1 b={c d}}) )").unwrap();
        assert_eq!(pipeline.anchor, "builtin.module");
        assert_eq!(pipeline.elements.len(), 2);
        let PipelineElement::Nested { anchor, elements, .. } = &pipeline.elements[1] else { panic!() };
        assert_eq!(anchor, "func.func");
        assert_eq!(
            elements[1],
            PipelineElement::Pass { name: "x".into(), options: Some("a=1 b={c d}".into()), offset: 46 }
        );
    }

    #[test]
    fn errors_point_at_the_offending_column() {
        let error = Pipeline::parse("builtin.module(cse,)").unwrap_err();
        assert_eq!(error.offset, 19);
        assert_eq!(
            error.render("builtin.module(cse,)"),
            "<pass-pipeline>:1:20: error: expected a pass or operation name\nbuiltin.module(cse,)\n                   ^\n"
        );
        assert!(Pipeline::parse("builtin.module(cse").is_err());
        assert!(Pipeline::parse("builtin.module(cse))").is_err());
        assert!(Pipeline::parse("cse").is_err());
        assert!(Pipeline::parse("builtin.module(x{a=1)").is_err());
    }

    #[test]
    fn empty_pipelines_are_allowed() {
        assert!(Pipeline::parse("builtin.module()").unwrap().elements.is_empty());
    }
}
