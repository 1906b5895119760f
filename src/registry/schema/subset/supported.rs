//! Which schemas `subset` checks: every keyword, at every depth, one it checks exactly.
//! The walk compiles each pattern once and hands them to the check that follows.

use super::pattern::compile;
use super::{ANNOTATIONS, DRAFT_2020_12, TYPES};
use regex::Regex;
use serde_json::Value;

/// A schema's patterns, compiled: few per schema, so a list.
pub(super) type Patterns<'a> = Vec<(&'a str, Regex)>;

/// The walk over a schema (within `root`): the patterns it compiled, the references it
/// followed (each once, so a loop ends).
pub(super) struct Support<'a> {
    pub(super) root: &'a Value,
    pub(super) patterns: Patterns<'a>,
    followed: Vec<&'a str>,
}

impl<'a> Support<'a> {
    pub(super) fn new(root: &'a Value) -> Support<'a> {
        Support {
            root,
            patterns: Vec::new(),
            followed: Vec::new(),
        }
    }

    /// Whether every keyword of `schema`, at every depth and behind every `$ref`, is one
    /// `validate` checks exactly.
    pub(super) fn schema(&mut self, schema: &'a Value) -> bool {
        let object = match schema {
            Value::Bool(_) => return true,
            Value::Object(object) => object,
            _ => return false,
        };
        object
            .iter()
            .all(|(keyword, value)| match keyword.as_str() {
                "$schema" => value.as_str() == Some(DRAFT_2020_12),
                "type" => match value {
                    Value::String(t) => TYPES.contains(&t.as_str()),
                    Value::Array(types) => {
                        !types.is_empty()
                            && types
                                .iter()
                                .all(|t| t.as_str().is_some_and(|t| TYPES.contains(&t)))
                    }
                    _ => false,
                },
                "properties" | "$defs" | "definitions" => value
                    .as_object()
                    .is_some_and(|p| p.values().all(|s| self.schema(s))),
                "additionalProperties" | "items" | "not" | "if" | "then" | "else" => {
                    self.schema(value)
                }
                "allOf" | "anyOf" | "oneOf" => value
                    .as_array()
                    .is_some_and(|a| !a.is_empty() && a.iter().all(|s| self.schema(s))),
                "$ref" => value.as_str().is_some_and(|r| self.reference(r)),
                "$anchor" => value.is_string(),
                "required" => value
                    .as_array()
                    .is_some_and(|r| r.iter().all(Value::is_string)),
                "enum" => value.as_array().is_some_and(|e| !e.is_empty()),
                "const" => true,
                "minLength" | "maxLength" | "minItems" | "maxItems" => value.is_u64(),
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    value.is_number()
                }
                "pattern" => value.as_str().is_some_and(|p| self.pattern(p)),
                "format" => value.is_string(),
                other => ANNOTATIONS.contains(&other),
            })
    }

    /// A reference that resolves to a schema checked here (once per reference).
    fn reference(&mut self, reference: &'a str) -> bool {
        if self.followed.contains(&reference) {
            return true;
        }
        self.followed.push(reference);
        resolve(self.root, reference).is_some_and(|target| self.schema(target))
    }

    fn pattern(&mut self, pattern: &'a str) -> bool {
        if self.patterns.iter().any(|(p, _)| *p == pattern) {
            return true;
        }
        let Some(regex) = compile(pattern) else {
            return false;
        };
        self.patterns.push((pattern, regex));
        true
    }
}

/// The schema a local `$ref` points to: `#` or a JSON pointer into the same schema.
pub(super) fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    let plain = pointer
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/$_-.~".contains(c));
    if !plain {
        return None;
    }
    root.pointer(pointer)
}
