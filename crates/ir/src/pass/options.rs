//! Parsing `pass{name=value other}` option text into typed values.

use super::info::{OptionKind, PassInfo};
use std::collections::BTreeMap;

/// A parsed option value.
#[derive(Clone, Debug, PartialEq)]
pub enum OptionValue {
    /// A boolean.
    Bool(bool),
    /// An integer (signed or not).
    Int(i64),
    /// A float.
    Float(f64),
    /// A string or an enumerated word.
    Str(String),
}

/// The options of one pass instance: every declared option, given or defaulted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PassOptions {
    values: BTreeMap<&'static str, OptionValue>,
}

impl PassOptions {
    /// Parses `text` (the inside of the braces) against `info`'s declared options.
    pub fn parse(info: &PassInfo, text: &str) -> Result<Self, String> {
        let mut values = BTreeMap::new();
        for option in info.options {
            let value = parse_value(option.kind, option.default)
                .map_err(|message| format!("default of option '{}': {message}", option.name))?;
            values.insert(option.name, value);
        }
        for (key, raw) in split_options(text)? {
            let Some(option) = info.option(&key) else {
                let known: Vec<&str> = info.options.iter().map(|option| option.name).collect();
                return Err(if known.is_empty() {
                    format!("pass '{}' takes no options, got '{key}'", info.name)
                } else {
                    format!("pass '{}' has no option '{key}'; its options: {}", info.name, known.join(", "))
                });
            };
            let value = match (raw, option.kind) {
                (None, OptionKind::Bool) => OptionValue::Bool(true),
                (None, _) => return Err(format!("option '{key}' of pass '{}' needs a value", info.name)),
                (Some(raw), kind) => parse_value(kind, &raw)
                    .map_err(|message| format!("option '{key}' of pass '{}': {message}", info.name))?,
            };
            values.insert(option.name, value);
        }
        Ok(Self { values })
    }

    /// A boolean option's value (false if the pass declares no such boolean).
    pub fn bool(&self, name: &str) -> bool {
        matches!(self.values.get(name), Some(OptionValue::Bool(true)))
    }

    /// An integer option's value (0 if the pass declares no such integer).
    pub fn int(&self, name: &str) -> i64 {
        match self.values.get(name) {
            Some(OptionValue::Int(value)) => *value,
            _ => 0,
        }
    }

    /// A float option's value (0 if the pass declares no such float).
    pub fn float(&self, name: &str) -> f64 {
        match self.values.get(name) {
            Some(OptionValue::Float(value)) => *value,
            _ => 0.0,
        }
    }

    /// A string or enumerated option's value (empty if the pass declares no such option).
    pub fn string(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some(OptionValue::Str(value)) => value,
            _ => "",
        }
    }

    /// The options as they would be written in a pipeline, in name order.
    pub fn to_pipeline_text(&self) -> String {
        let parts: Vec<String> = self
            .values
            .iter()
            .map(|(name, value)| match value {
                OptionValue::Bool(value) => format!("{name}={value}"),
                OptionValue::Int(value) => format!("{name}={value}"),
                OptionValue::Float(value) => format!("{name}={value}"),
                OptionValue::Str(value) if value.contains(char::is_whitespace) || value.is_empty() => {
                    format!("{name}=\"{value}\"")
                }
                OptionValue::Str(value) => format!("{name}={value}"),
            })
            .collect();
        parts.join(" ")
    }
}

fn parse_value(kind: OptionKind, raw: &str) -> Result<OptionValue, String> {
    match kind {
        OptionKind::Bool => match raw {
            "true" | "1" => Ok(OptionValue::Bool(true)),
            "false" | "0" => Ok(OptionValue::Bool(false)),
            _ => Err(format!("expected true or false, got '{raw}'")),
        },
        OptionKind::Int => raw.parse().map(OptionValue::Int).map_err(|_| format!("expected an integer, got '{raw}'")),
        OptionKind::UInt => raw
            .parse::<u32>()
            .map(|value| OptionValue::Int(value.into()))
            .map_err(|_| format!("expected a non-negative integer, got '{raw}'")),
        OptionKind::Float => raw
            .parse::<f64>()
            .ok()
            .filter(|value| value.is_finite())
            .map(OptionValue::Float)
            .ok_or_else(|| format!("expected a number, got '{raw}'")),
        OptionKind::String => Ok(OptionValue::Str(raw.to_string())),
        OptionKind::Enum(words) => {
            if words.contains(&raw) {
                Ok(OptionValue::Str(raw.to_string()))
            } else {
                Err(format!("expected one of {}, got '{raw}'", words.join(", ")))
            }
        }
    }
}

/// Splits `a=1 b="x y" c={...} d` into keys and raw values, as MLIR's pass option parser does: pairs are
/// separated by white space, values may be quoted or braced.
pub fn split_options(text: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut pairs = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        if chars[index].is_whitespace() {
            index += 1;
            continue;
        }
        let start = index;
        while index < chars.len() && !chars[index].is_whitespace() && chars[index] != '=' {
            index += 1;
        }
        let key: String = chars[start..index].iter().collect();
        if index >= chars.len() || chars[index] != '=' {
            pairs.push((key, None));
            continue;
        }
        index += 1;
        let mut value = String::new();
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        while index < chars.len() {
            let c = chars[index];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => value.push(c),
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '{' => {
                        depth += 1;
                        value.push(c);
                    }
                    '}' if depth > 0 => {
                        depth -= 1;
                        value.push(c);
                    }
                    c if c.is_whitespace() && depth == 0 => break,
                    c => value.push(c),
                },
            }
            index += 1;
        }
        if quote.is_some() {
            return Err(format!("unterminated quote in the value of option '{key}'"));
        }
        if depth > 0 {
            return Err(format!("unbalanced '{{' in the value of option '{key}'"));
        }
        pairs.push((key, Some(value)));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pass::info::OptionInfo;

    const INFO: PassInfo = PassInfo {
        name: "test-pass",
        summary: "",
        description: "",
        anchor: None,
        options: &[
            OptionInfo { name: "verbose", kind: OptionKind::Bool, default: "false", help: "" },
            OptionInfo { name: "limit", kind: OptionKind::UInt, default: "10", help: "" },
            OptionInfo { name: "scale", kind: OptionKind::Float, default: "0.5", help: "" },
            OptionInfo { name: "mode", kind: OptionKind::Enum(&["fast", "exact"]), default: "fast", help: "" },
            OptionInfo { name: "label", kind: OptionKind::String, default: "", help: "" },
        ],
    };

    #[test]
    fn defaults_and_given_values() {
        let options = PassOptions::parse(&INFO, "verbose limit=3 label=\"a b\" mode=exact").unwrap();
        assert!(options.bool("verbose"));
        assert_eq!(options.int("limit"), 3);
        assert_eq!(options.float("scale"), 0.5);
        assert_eq!(options.string("mode"), "exact");
        assert_eq!(options.string("label"), "a b");
        assert_eq!(options.to_pipeline_text(), "label=\"a b\" limit=3 mode=exact scale=0.5 verbose=true");
    }

    #[test]
    fn bad_options_are_refused_with_reasons() {
        let unknown = PassOptions::parse(&INFO, "speed=1").unwrap_err();
        assert!(unknown.contains("has no option 'speed'"), "{unknown}");
        let kind = PassOptions::parse(&INFO, "limit=-1").unwrap_err();
        assert!(kind.contains("non-negative integer"), "{kind}");
        let word = PassOptions::parse(&INFO, "mode=slow").unwrap_err();
        assert!(word.contains("one of fast, exact"), "{word}");
        assert!(PassOptions::parse(&INFO, "label=\"open").is_err());
    }

    #[test]
    fn braced_values_keep_spaces() {
        let pairs = split_options("p={a b} q=1").unwrap();
        assert_eq!(pairs, vec![("p".into(), Some("{a b}".into())), ("q".into(), Some("1".into()))]);
    }
}
