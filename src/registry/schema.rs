//! JSON Schema checks shared by every kind of tool: arguments against a tool's
//! `inputSchema` (Rust and declarative tools alike), answers against an `outputSchema`.

use serde_json::{Map, Value};

/// Every way the arguments break the schema, each naming the argument.
pub fn check_arguments(schema: &Value, arguments: &Map<String, Value>) -> Result<(), String> {
    check(schema, &Value::Object(arguments.clone()))
}

/// Every way `instance` breaks `schema`, each naming where (a JSON pointer without its
/// leading `/`), joined by `; `. Schemas within `subset`'s keywords are checked there;
/// others by the jsonschema crate.
pub fn check(schema: &Value, instance: &Value) -> Result<(), String> {
    let problems = match subset::check(schema, instance) {
        Some(problems) => problems,
        None => full(schema, instance)?,
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

/// The jsonschema crate's verdict: (where, what) for each problem.
fn full(schema: &Value, instance: &Value) -> Result<Vec<(String, String)>, String> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| format!("the tool's own schema is invalid: {e}"))?;
    Ok(validator
        .iter_errors(instance)
        .map(|e| (e.instance_path().to_string(), e.to_string()))
        .collect())
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
        let broken = check(&json!({ "type": 5 }), &json!({})).unwrap_err();
        assert!(
            broken.starts_with("the tool's own schema is invalid"),
            "{broken}"
        );
    }
}
