//! What a pass says about itself: name, summary, description, anchor and typed options.

use std::fmt::Write;

/// The kind of value an option takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKind {
    /// `true` or `false`; `name` alone means `true`.
    Bool,
    /// A signed integer.
    Int,
    /// A non-negative integer.
    UInt,
    /// A floating-point number.
    Float,
    /// Any string.
    String,
    /// One of a fixed set of words.
    Enum(&'static [&'static str]),
}

impl OptionKind {
    /// How the kind is written in help texts.
    pub fn describe(self) -> String {
        match self {
            OptionKind::Bool => "bool".into(),
            OptionKind::Int => "int".into(),
            OptionKind::UInt => "uint".into(),
            OptionKind::Float => "float".into(),
            OptionKind::String => "string".into(),
            OptionKind::Enum(values) => values.join("|"),
        }
    }
}

/// One option of a pass.
#[derive(Clone, Copy, Debug)]
pub struct OptionInfo {
    /// The option's name, as written in `pass{name=value}`.
    pub name: &'static str,
    /// The kind of value it takes.
    pub kind: OptionKind,
    /// The value it has when not given, as it would be written.
    pub default: &'static str,
    /// What it does, in one line.
    pub help: &'static str,
}

/// Everything the registry, `--list-passes` and the pass reference know about a pass.
#[derive(Clone, Copy, Debug)]
pub struct PassInfo {
    /// The name used in pipelines, like `autows-dce`.
    pub name: &'static str,
    /// One line saying what the pass does.
    pub summary: &'static str,
    /// A longer description for the pass reference.
    pub description: &'static str,
    /// The operation the pass runs on (`func.func`, `builtin.module`), or `None` for any operation.
    pub anchor: Option<&'static str>,
    /// The pass's options.
    pub options: &'static [OptionInfo],
}

impl PassInfo {
    /// The option called `name`.
    pub fn option(&self, name: &str) -> Option<&OptionInfo> {
        self.options.iter().find(|option| option.name == name)
    }

    /// The pass's entry in the Markdown pass reference.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "### `{}`\n", self.name);
        let _ = writeln!(out, "{}\n", self.summary);
        let _ = writeln!(out, "Runs on: `{}`\n", self.anchor.unwrap_or("any operation"));
        let _ = writeln!(out, "{}\n", self.description.trim());
        if !self.options.is_empty() {
            let _ = writeln!(out, "| option | type | default | meaning |");
            let _ = writeln!(out, "|---|---|---|---|");
            for option in self.options {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | `{}` | {} |",
                    option.name,
                    option.kind.describe(),
                    option.default,
                    option.help
                );
            }
            out.push('\n');
        }
        out
    }

    /// The pass's lines in `--list-passes`.
    pub fn listing(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "  {}  -  {}", self.name, self.summary);
        for option in self.options {
            let _ = writeln!(
                out,
                "      {}=<{}>  -  {} (default: {})",
                option.name,
                option.kind.describe(),
                option.help,
                option.default
            );
        }
        out
    }
}
