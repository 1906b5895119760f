//! Which schemas `subset` checks: every keyword, at every depth, one it checks exactly.

use super::pattern::compile;
use super::{ANNOTATIONS, DRAFT_2020_12, TYPES};
use serde_json::Value;

/// Whether every keyword of `schema` (within `root`), at every depth, is one `validate`
/// checks exactly.
pub(super) fn supported(root: &Value, schema: &Value) -> bool {
    let object = match schema {
        Value::Bool(_) => return true,
        Value::Object(object) => object,
        _ => return false,
    };
    let all = |value: &Value| {
        value
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|s| supported(root, s)))
    };
    let each = |value: &Value| {
        value
            .as_object()
            .is_some_and(|p| p.values().all(|s| supported(root, s)))
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
            "properties" | "$defs" | "definitions" => each(value),
            "additionalProperties" | "items" | "not" | "if" | "then" | "else" => {
                supported(root, value)
            }
            "allOf" | "anyOf" | "oneOf" => all(value),
            "$ref" => value.as_str().and_then(|r| resolve(root, r)).is_some(),
            "$anchor" => value.is_string(),
            "required" => value
                .as_array()
                .is_some_and(|r| r.iter().all(Value::is_string)),
            "enum" => value.as_array().is_some_and(|e| !e.is_empty()),
            "const" => true,
            "minLength" | "maxLength" | "minItems" | "maxItems" => value.is_u64(),
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => value.is_number(),
            "pattern" => value.as_str().and_then(compile).is_some(),
            "format" => value.is_string(),
            other => ANNOTATIONS.contains(&other),
        })
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
