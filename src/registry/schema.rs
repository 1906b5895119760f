//! JSON Schema checks shared by every kind of tool: arguments against a tool's
//! `inputSchema` (Rust and declarative tools alike; `registry::tool::Arguments` is the
//! object as the request holds it), answers against an `outputSchema`.

use serde_json::Value;

/// Every way `instance` breaks `schema`, each naming where (a JSON pointer without its
/// leading `/`), joined by `; `. A schema with keywords `subset` does not check is an
/// error of the tool's own, never a check that skips them.
pub fn check(schema: &Value, instance: &Value) -> Result<(), String> {
    let Some(problems) = subset::check(schema, instance) else {
        return Err(UNCHECKED.into());
    };
    let problems: Vec<String> = problems
        .into_iter()
        .map(|(path, message)| {
            let at = path.trim_start_matches('/');
            if at.is_empty() {
                message
            } else {
                format!("'{at}': {message}")
            }
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// The answer for a schema this server cannot check (README: Tool catalogs).
const UNCHECKED: &str =
    "the tool's own schema uses JSON Schema keywords or patterns this server does not check";

/// Whether this server checks every keyword of `schema` (the catalogs' unit tests hold
/// the shipped ones to it).
pub fn is_checked(schema: &Value) -> bool {
    subset::is_supported(schema)
}

mod subset;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn problems_name_where_they_are() {
        let schema = json!({
            "type": "object",
            "properties": { "n": { "type": "integer" } },
            "required": ["n"],
            "additionalProperties": false
        });
        assert_eq!(check(&schema, &json!({ "n": 1 })), Ok(()));
        let problems = check(&schema, &json!({ "n": "x", "extra": true })).unwrap_err();
        assert!(
            problems.contains("'n': \"x\" is not of type \"integer\""),
            "{problems}"
        );
        assert!(problems.contains("extra"), "{problems}");
        let unchecked = check(&json!({ "type": 5 }), &json!({})).unwrap_err();
        assert!(
            unchecked.starts_with("the tool's own schema uses"),
            "{unchecked}"
        );
    }
}
