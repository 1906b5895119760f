//! The JSON Schema 2020-12 keywords tool schemas use, checked directly, with the
//! jsonschema crate's verdicts and messages (`tests.rs` compares the two on every shipped
//! schema and at each keyword's edges; the crate is a dev-dependency only). The crate
//! was in the service until the guest profile and the module size showed its price: it
//! checks every schema it compiles against the 2020-12 meta-schema, rebuilt on wasm each
//! time (77% of a tools/call's guest time), and it was 2.5 of the module's 5.9 MB.
//!
//! Checked: type, enum, const, the numeric bounds, min/maxLength, min/maxItems,
//! required, properties, additionalProperties, items, pattern (ECMA-262 syntax that
//! translates exactly into the `regex` crate's), allOf, anyOf, oneOf, not,
//! if/then/else, and `$ref` to a place in the same schema ($defs, definitions). `format`
//! asserts `date`; other formats are annotations, as 2020-12 has them by default. A
//! schema with any other keyword is refused whole (`None`): a call then gets a clear
//! error naming the tool's schema, never a check that silently skips a keyword. Where an
//! instance breaks several keywords the order may differ from the crate's, whose order
//! depends on which validators it fuses.

use serde_json::{Map, Value};
use std::cmp::Ordering;
use supported::{resolve, Patterns, Support};
use values::{compare, enum_message, equal, escape, is_date};

/// Keywords that only annotate: no effect on validity.
const ANNOTATIONS: [&str; 8] = [
    "description",
    "title",
    "default",
    "examples",
    "$comment",
    "readOnly",
    "writeOnly",
    "deprecated",
];
const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";
const TYPES: [&str; 7] = ORDER_OF_TYPES;
/// The order the crate names types in (its `JsonType` bits).
const ORDER_OF_TYPES: [&str; 7] = [
    "null", "boolean", "integer", "number", "string", "array", "object",
];

/// Every way `instance` breaks `schema` (each with where it is, a JSON pointer), or `None`
/// when the schema uses anything this module does not check.
pub fn check(schema: &Value, instance: &Value) -> Option<Vec<(String, String)>> {
    let mut support = Support::new(schema);
    if !support.schema(schema) {
        return None;
    }
    let mut problems = Vec::new();
    Walk {
        root: schema,
        patterns: support.patterns,
        depth: 0,
    }
    .validate(schema, instance, "", &mut problems);
    Some(problems)
}

/// Whether this module checks every keyword of `schema`.
pub fn is_supported(schema: &Value) -> bool {
    Support::new(schema).schema(schema)
}

/// One check of an instance: the schema `$ref`s resolve in, its patterns as `Support`
/// compiled them, and how many references are followed.
struct Walk<'a> {
    root: &'a Value,
    patterns: Patterns<'a>,
    depth: u32,
}

/// More nested references than this loop (`{"$ref": "#"}` at the same instance).
const MAX_DEPTH: u32 = 64;

impl Walk<'_> {
    fn valid(&mut self, schema: &Value, instance: &Value) -> bool {
        let mut problems = Vec::new();
        self.validate(schema, instance, "", &mut problems);
        problems.is_empty()
    }

    /// A `$ref` followed: counted, so one that loops on the same instance ends.
    fn follow(
        &mut self,
        schema: &Value,
        instance: &Value,
        at: &str,
        out: &mut Vec<(String, String)>,
    ) {
        if self.depth >= MAX_DEPTH {
            out.push((at.into(), "the schema's references nest too deep".into()));
            return;
        }
        self.depth += 1;
        self.validate(schema, instance, at, out);
        self.depth -= 1;
    }

    fn validate(
        &mut self,
        schema: &Value,
        instance: &Value,
        at: &str,
        out: &mut Vec<(String, String)>,
    ) {
        let object = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => {
                out.push((at.into(), format!("False schema does not allow {instance}")));
                return;
            }
            Value::Object(object) => object,
            _ => return,
        };
        // The crate runs a schema's keywords in a fixed order (cheap checks first), which is
        // the order its messages come in.
        let mut keywords: Vec<(&String, &Value)> = object.iter().collect();
        keywords.sort_by_key(|(keyword, _)| priority(keyword));
        for (keyword, value) in keywords {
            match keyword.as_str() {
                "type" => check_type(value, instance, at, out),
                "properties" => self.properties(value, instance, at, out),
                "additionalProperties" => self.additional(object, value, instance, at, out),
                "required" => required(value, instance, at, out),
                "enum" => {
                    let options = value.as_array().map(Vec::as_slice).unwrap_or_default();
                    if !options.iter().any(|o| equal(o, instance)) {
                        out.push((at.into(), enum_message(instance, options)));
                    }
                }
                "const" if !equal(value, instance) => {
                    out.push((at.into(), format!("{value} was expected")));
                }
                "minLength" | "maxLength" | "minItems" | "maxItems" => {
                    size(keyword, value, instance, at, out);
                }
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                    bound(keyword, value, instance, at, out);
                }
                "items" => {
                    if let Value::Array(items) = instance {
                        for (i, item) in items.iter().enumerate() {
                            self.validate(value, item, &format!("{at}/{i}"), out);
                        }
                    }
                }
                "pattern" => {
                    if let (Value::String(text), Some(pattern)) = (instance, value.as_str()) {
                        let compiled = self.patterns.iter().find(|(p, _)| *p == pattern);
                        if !compiled.is_some_and(|(_, re)| re.is_match(text)) {
                            out.push((
                                at.into(),
                                format!("{instance} does not match \"{pattern}\""),
                            ));
                        }
                    }
                }
                "format" if value.as_str() == Some("date") => {
                    if let Value::String(text) = instance {
                        if !is_date(text) {
                            out.push((at.into(), format!("{instance} is not a \"date\"")));
                        }
                    }
                }
                "allOf" => {
                    for schema in value.as_array().into_iter().flatten() {
                        self.validate(schema, instance, at, out);
                    }
                }
                "anyOf" | "oneOf" => {
                    let schemas = value.as_array().map(Vec::as_slice).unwrap_or_default();
                    let matched = schemas.iter().filter(|s| self.valid(s, instance)).count();
                    let message = match (keyword.as_str(), matched) {
                        (_, 0) => "is not valid under any of the schemas listed in the",
                        ("oneOf", 2..) => {
                            "is valid under more than one of the schemas listed in the"
                        }
                        _ => continue,
                    };
                    out.push((
                        at.into(),
                        format!("{instance} {message} '{keyword}' keyword"),
                    ));
                }
                "not" if self.valid(value, instance) => {
                    out.push((at.into(), format!("{value} is not allowed for {instance}")));
                }
                "if" => {
                    let branch = if self.valid(value, instance) {
                        "then"
                    } else {
                        "else"
                    };
                    if let Some(schema) = object.get(branch) {
                        self.validate(schema, instance, at, out);
                    }
                }
                "$ref" => {
                    if let Some(schema) = value.as_str().and_then(|r| resolve(self.root, r)) {
                        self.follow(schema, instance, at, out);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The jsonschema crate's `keyword_priority` for the keywords checked here.
fn priority(keyword: &str) -> u8 {
    match keyword {
        "type" => 1,
        "const" => 5,
        "enum" => 6,
        "minimum" => 10,
        "maximum" => 11,
        "exclusiveMinimum" => 12,
        "exclusiveMaximum" => 13,
        "minLength" => 20,
        "maxLength" => 21,
        "minItems" => 22,
        "maxItems" => 23,
        "required" => 26,
        "pattern" => 30,
        "format" => 31,
        "properties" => 40,
        "additionalProperties" => 42,
        "items" => 44,
        "allOf" => 50,
        "anyOf" => 51,
        "oneOf" => 52,
        "not" => 53,
        "if" => 54,
        "$ref" => 70,
        _ => u8::MAX,
    }
}

fn check_type(value: &Value, instance: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(t) if !is_type(t, instance) => {
            out.push((at.into(), format!("{instance} is not of type \"{t}\"")));
        }
        Value::Array(types) => {
            // Named once each, in the crate's order of types.
            let names: Vec<&str> = ORDER_OF_TYPES
                .into_iter()
                .filter(|t| types.iter().any(|n| n.as_str() == Some(t)))
                .collect();
            if !names.iter().any(|t| is_type(t, instance)) {
                let quoted: Vec<String> = names.iter().map(|t| format!("\"{t}\"")).collect();
                let message = format!("{instance} is not of types {}", quoted.join(", "));
                out.push((at.into(), message));
            }
        }
        _ => {}
    }
}

fn is_type(name: &str, instance: &Value) -> bool {
    match (name, instance) {
        ("null", Value::Null)
        | ("boolean", Value::Bool(_))
        | ("object", Value::Object(_))
        | ("array", Value::Array(_))
        | ("number", Value::Number(_))
        | ("string", Value::String(_)) => true,
        ("integer", Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

impl Walk<'_> {
    fn properties(
        &mut self,
        value: &Value,
        instance: &Value,
        at: &str,
        out: &mut Vec<(String, String)>,
    ) {
        let (Some(properties), Value::Object(members)) = (value.as_object(), instance) else {
            return;
        };
        for (name, schema) in properties {
            if let Some(member) = members.get(name) {
                self.validate(schema, member, &format!("{at}/{}", escape(name)), out);
            }
        }
    }

    fn additional(
        &mut self,
        object: &Map<String, Value>,
        value: &Value,
        instance: &Value,
        at: &str,
        out: &mut Vec<(String, String)>,
    ) {
        let Value::Object(members) = instance else {
            return;
        };
        let declared = object.get("properties").and_then(Value::as_object);
        let extra = members
            .iter()
            .filter(|(name, _)| !declared.is_some_and(|d| d.contains_key(*name)));
        if value == &Value::Bool(false) {
            let names: Vec<String> = extra.map(|(name, _)| format!("'{name}'")).collect();
            if !names.is_empty() {
                let verb = if names.len() == 1 { "was" } else { "were" };
                let message = format!(
                    "Additional properties are not allowed ({} {verb} unexpected)",
                    names.join(", ")
                );
                out.push((at.into(), message));
            }
            return;
        }
        for (name, member) in extra {
            self.validate(value, member, &format!("{at}/{}", escape(name)), out);
        }
    }
}

fn required(value: &Value, instance: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let (Some(names), Value::Object(members)) = (value.as_array(), instance) else {
        return;
    };
    for name in names.iter().filter_map(Value::as_str) {
        if !members.contains_key(name) {
            out.push((at.into(), format!("\"{name}\" is a required property")));
        }
    }
}

/// minLength/maxLength (a string's characters) and minItems/maxItems (an array's items).
fn size(keyword: &str, value: &Value, instance: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let count = match (keyword, instance) {
        ("minLength" | "maxLength", Value::String(text)) => text.chars().count(),
        ("minItems" | "maxItems", Value::Array(items)) => items.len(),
        _ => return,
    } as u64;
    let Some(limit) = value.as_u64() else {
        return;
    };
    let plural = if limit == 1 { "" } else { "s" };
    let message = match keyword {
        "minLength" if count < limit => {
            format!("{instance} is shorter than {limit} character{plural}")
        }
        "maxLength" if count > limit => {
            format!("{instance} is longer than {limit} character{plural}")
        }
        "minItems" if count < limit => format!("{instance} has less than {limit} item{plural}"),
        "maxItems" if count > limit => format!("{instance} has more than {limit} item{plural}"),
        _ => return,
    };
    out.push((at.into(), message));
}

fn bound(
    keyword: &str,
    limit: &Value,
    instance: &Value,
    at: &str,
    out: &mut Vec<(String, String)>,
) {
    let Some(order) = compare(instance, limit) else {
        return;
    };
    let broken = match keyword {
        "minimum" => order == Ordering::Less,
        "maximum" => order == Ordering::Greater,
        "exclusiveMinimum" => order != Ordering::Greater,
        _ => order != Ordering::Less,
    };
    if broken {
        let what = match keyword {
            "minimum" => "less than the minimum",
            "maximum" => "greater than the maximum",
            "exclusiveMinimum" => "less than or equal to the minimum",
            _ => "greater than or equal to the maximum",
        };
        out.push((at.into(), format!("{instance} is {what} of {limit}")));
    }
}

mod pattern;
mod supported;
#[cfg(test)]
mod tests;
mod values;
