//! The JSON Schema 2020-12 keywords tool schemas use, checked directly. The jsonschema
//! crate checks every schema it compiles against the 2020-12 meta-schema first, and on
//! wasm it builds that meta-schema's validator anew each time (it is only kept in a
//! static on native targets): 77% of a tools/call's guest time (`make profile`), paid on
//! every call for schemas that are compiled into the service and checked by unit tests.
//! So a schema that only uses the keywords below is checked here, with the crate's own
//! verdicts and messages (`tests.rs` compares the two on every shipped schema; where an
//! instance breaks several keywords, the order may differ from the crate's, whose order
//! depends on which validators it fuses); any other schema, or a keyword value this
//! module does not expect, goes to the crate.

use serde_json::{Map, Value};
use std::cmp::Ordering;

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
    if !supported(schema) {
        return None;
    }
    let mut problems = Vec::new();
    validate(schema, instance, "", &mut problems);
    Some(problems)
}

/// Whether every keyword of `schema`, at every depth, is one `validate` checks exactly.
fn supported(schema: &Value) -> bool {
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
            "properties" => value.as_object().is_some_and(|p| p.values().all(supported)),
            "additionalProperties" | "items" => supported(value),
            "required" => value
                .as_array()
                .is_some_and(|r| r.iter().all(Value::is_string)),
            "enum" => value.as_array().is_some_and(|e| !e.is_empty()),
            "const" => true,
            "minLength" | "maxLength" | "minItems" | "maxItems" => value.is_u64(),
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => value.is_number(),
            "pattern" => value.as_str().is_some_and(plain_pattern),
            "format" => value.as_str() == Some("date"),
            other => ANNOTATIONS.contains(&other),
        })
}

/// A pattern whose meaning is the same as an ECMA-262 regular expression (what JSON
/// Schema specifies) and as a `regex` crate one: ASCII literals, classes that are not
/// negated, anchors, groups, alternation and quantifiers; `\` only before punctuation.
/// No `.`, no `\d`-style classes, no negated class: there the two engines differ
/// (line terminators, Unicode digits, UTF-16 code units).
fn plain_pattern(pattern: &str) -> bool {
    let mut chars = pattern.chars();
    let mut previous = None;
    while let Some(c) = chars.next() {
        let ok = match c {
            '\\' => chars.next().is_some_and(|e| e.is_ascii_punctuation()),
            '.' => false,
            '^' => previous != Some('['),
            c => c.is_ascii_alphanumeric() || "$*+?()[]{}|,-_:/@ ".contains(c),
        };
        if !ok {
            return false;
        }
        previous = Some(c);
    }
    regex::Regex::new(pattern).is_ok()
}

fn validate(schema: &Value, instance: &Value, at: &str, out: &mut Vec<(String, String)>) {
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
            "properties" => properties(value, instance, at, out),
            "additionalProperties" => additional(object, value, instance, at, out),
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
                        validate(value, item, &format!("{at}/{i}"), out);
                    }
                }
            }
            "pattern" => {
                if let (Value::String(text), Some(pattern)) = (instance, value.as_str()) {
                    let matches = regex::Regex::new(pattern).is_ok_and(|re| re.is_match(text));
                    if !matches {
                        out.push((
                            at.into(),
                            format!("{instance} does not match \"{pattern}\""),
                        ));
                    }
                }
            }
            "format" => {
                if let Value::String(text) = instance {
                    if !is_date(text) {
                        out.push((at.into(), format!("{instance} is not a \"date\"")));
                    }
                }
            }
            _ => {}
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

fn properties(value: &Value, instance: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let (Some(properties), Value::Object(members)) = (value.as_object(), instance) else {
        return;
    };
    for (name, schema) in properties {
        if let Some(member) = members.get(name) {
            validate(schema, member, &format!("{at}/{}", escape(name)), out);
        }
    }
}

fn additional(
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
        validate(value, member, &format!("{at}/{}", escape(name)), out);
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

/// Two JSON numbers in order: exactly when both are integers, else as floats.
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    let (Value::Number(a), Value::Number(b)) = (a, b) else {
        return None;
    };
    let int = |n: &serde_json::Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (int(a), int(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// JSON equality as JSON Schema has it: numbers by value (1 equals 1.0).
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => compare(a, b) == Some(Ordering::Equal),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| equal(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

/// The crate's wording: up to three options as "a, b or c", else the first two and
/// "or N other candidates".
fn enum_message(instance: &Value, options: &[Value]) -> String {
    let text: Vec<String> = options.iter().map(Value::to_string).collect();
    let listed = match text.as_slice() {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] if text.len() <= 3 => format!("{} or {last}", init.join(", ")),
        all => {
            let first: Vec<&str> = all.iter().take(2).map(String::as_str).collect();
            format!("{} or {} other candidates", first.join(", "), all.len() - 2)
        }
    };
    format!("{instance} is not one of {listed}")
}

/// RFC 3339 `full-date`, as the crate checks it.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        part.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A property name as a JSON pointer token.
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests;
