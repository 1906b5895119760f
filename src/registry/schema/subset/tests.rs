//! The subset's verdicts and messages are the jsonschema crate's, on every shipped schema
//! and at each keyword's edges.

use super::*;
use serde_json::json;

/// Every input and output schema the service ships: Rust tool sets and catalogs.
fn shipped_schemas() -> Vec<(String, Value)> {
    let mut schemas = Vec::new();
    let sets = [
        &crate::conformance::SET,
        &crate::conformance::ASKING,
        &crate::tools::diagnostics::SET,
    ];
    for set in sets {
        for tool in set.tools {
            schemas.push((
                tool.name.to_string(),
                serde_json::from_str(tool.input_schema).unwrap(),
            ));
            if let Some(output) = tool.output_schema {
                schemas.push((
                    format!("{} output", tool.name),
                    serde_json::from_str(output).unwrap(),
                ));
            }
        }
    }
    for (_, json) in crate::catalog::CATALOGS {
        let set = crate::http_tools::load(json).unwrap();
        for tool in &set.tools {
            let spec = tool.spec().unwrap();
            schemas.push((spec.name.clone(), spec.input_schema()));
            if let Some(output) = spec.output_schema() {
                schemas.push((format!("{} output", spec.name), output));
            }
        }
    }
    schemas
}

/// Values that hit every keyword's edges in the shipped schemas.
fn probes() -> Vec<Value> {
    let mut probes = vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1),
        json!(2),
        json!(1.0),
        json!(1.5),
        json!(59),
        json!(60),
        json!(61),
        json!(100),
        json!(1000),
        json!(65536),
        json!(1048576),
        json!(1048577),
        json!(-0.5),
        json!(1e300),
        json!(""),
        json!("a"),
        json!("abc"),
        json!("A1b2"),
        json!("ab-c"),
        json!("é"),
        json!("c-1"),
        json!("c-12345678"),
        json!("c-123456789"),
        json!("c-"),
        json!("C-1"),
        json!("2024-02-29"),
        json!("2023-02-29"),
        json!("2024-13-01"),
        json!("2024-1-01"),
        json!("x".repeat(64)),
        json!("x".repeat(65)),
        json!("y".repeat(300)),
        json!("active"),
        json!("open"),
        json!("closed"),
        json!("info"),
        json!("error"),
        json!("accept"),
        json!("decline"),
        json!("cancel"),
        json!("option1"),
        json!([]),
        json!([1]),
        json!(["a"]),
        json!(["a", "b", "c", "d"]),
        json!([{}]),
        json!({}),
        json!({ "a": 1 }),
        json!({ "type": "text", "text": "t" }),
    ];
    probes.push(json!({ "nested": { "deep": [1, "two"] } }));
    probes
}

/// The crate's own (where, what) list, as `full` gives it, sorted: when an instance
/// breaks several keywords the crate's order depends on which of its validators it fused
/// (properties with required, additionalProperties with properties...); the subset gives
/// the same problems in the crate's keyword order, which can differ there.
fn crate_verdict(schema: &Value, instance: &Value) -> Vec<(String, String)> {
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap();
    let mut problems: Vec<(String, String)> = validator
        .iter_errors(instance)
        .map(|e| (e.instance_path().to_string(), e.to_string()))
        .collect();
    problems.sort();
    problems
}

fn subset_verdict(schema: &Value, instance: &Value) -> Vec<(String, String)> {
    let mut problems = check(schema, instance).unwrap();
    problems.sort();
    problems
}

/// Instances for `schema`: the probes themselves, and objects built from its properties
/// (each property set to each probe, with and without the required ones, plus an extra).
fn instances(schema: &Value) -> Vec<Value> {
    let probes = probes();
    let mut out = probes.clone();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return out;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for name in properties.keys() {
        for probe in &probes {
            let mut object = Map::new();
            object.insert(name.clone(), probe.clone());
            out.push(Value::Object(object.clone()));
            for r in &required {
                object.entry(r.to_string()).or_insert_with(|| json!("abc"));
            }
            out.push(Value::Object(object.clone()));
            object.insert("zz_extra".into(), json!(1));
            out.push(Value::Object(object));
        }
    }
    out
}

#[test]
fn the_subset_agrees_with_the_crate_on_every_shipped_schema() {
    let (mut checked, mut compared) = (0, 0);
    for (name, schema) in shipped_schemas() {
        assert!(is_supported(&schema), "{name} is not checked here");
        checked += 1;
        for instance in instances(&schema) {
            let ours = subset_verdict(&schema, &instance);
            assert_eq!(
                ours,
                crate_verdict(&schema, &instance),
                "{name}: {instance}"
            );
            compared += 1;
        }
    }
    println!("{checked} schemas, {compared} instances agreed");
    assert!(checked >= 47, "{checked}");
    assert!(compared > 10_000, "{compared}");
}

#[test]
fn each_keyword_agrees_with_the_crate_at_its_edges() {
    let schemas = [
        json!({ "type": ["string", "null"], "minLength": 2 }),
        json!({ "type": "integer", "exclusiveMinimum": 1, "exclusiveMaximum": 60 }),
        json!({ "type": "number", "minimum": 1.5, "maximum": 1e9 }),
        json!({ "enum": ["a", 1, null, [1]] }),
        json!({ "enum": [1, 2] }),
        json!({ "const": { "a": [1.0] } }),
        json!({ "type": "array", "items": { "type": "string", "pattern": "^(ab|c)+$" }, "minItems": 1, "maxItems": 2 }),
        json!({ "type": "object", "additionalProperties": { "type": "integer" }, "properties": { "a/b~": { "type": "string" } } }),
        json!({ "type": "object", "properties": { "x": false }, "additionalProperties": false, "required": ["y", "z"] }),
        json!({ "type": "string", "format": "date" }),
        json!({ "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "boolean" }),
        json!(false),
        json!({ "anyOf": [{ "type": "string" }, { "type": "integer", "minimum": 2 }] }),
        json!({ "oneOf": [{ "type": "integer" }, { "type": "number", "maximum": 60 }] }),
        json!({ "allOf": [{ "minLength": 2 }, { "maxLength": 3 }, { "pattern": "^a" }] }),
        json!({ "not": { "type": ["string", "array"] } }),
        json!({ "if": { "type": "integer" }, "then": { "minimum": 60 }, "else": { "type": "string" } }),
        json!({ "if": { "type": "string" }, "then": { "format": "date" } }),
        json!({ "$defs": { "n": { "type": "integer", "maximum": 100 } }, "type": "array", "items": { "$ref": "#/$defs/n" } }),
        json!({ "definitions": { "s": { "enum": ["a", "abc"] } }, "properties": { "a": { "$ref": "#/definitions/s" } } }),
        json!({ "type": "object", "properties": { "a": { "anyOf": [{ "type": "array", "items": { "$ref": "#" } }, { "type": "integer" }] } } }),
        json!({ "type": "string", "pattern": "^\\d{1,2}[\\w-]*$" }),
        json!({ "type": "string", "pattern": "^[^\\s]+\\.?$" }),
        json!({ "type": "string", "pattern": "^.b?.$" }),
        json!({ "type": "string", "pattern": "\\bab\\B|[\\D]{5}" }),
    ];
    let mut extra = probes();
    extra.extend([
        json!({ "a/b~": 1, "q": 1.0, "r": "s" }),
        json!(["ab", "abc", "cab"]),
        json!({ "a": [1] }),
        json!("12"),
        json!("1a_-"),
        json!("٣"),
        json!("a\nb"),
        json!("\u{a0}x"),
        json!("x y."),
        json!("abcde"),
        json!("ab c"),
        json!("ab"),
        json!({ "a": [[1, [2]], 3] }),
        json!({ "a": [[1, ["x"]]] }),
        json!([1, 200]),
    ]);
    for schema in &schemas {
        assert!(is_supported(schema), "{schema}");
        for instance in extra.iter().chain(instances(schema).iter()) {
            let ours = subset_verdict(schema, instance);
            assert_eq!(
                ours,
                crate_verdict(schema, instance),
                "{schema}: {instance}"
            );
        }
    }
}

#[test]
fn anything_else_is_refused_whole() {
    for schema in [
        json!({ "$ref": "#/$defs/missing" }),
        json!({ "$ref": "other.json#/a" }),
        json!({ "enum": [{ "uniqueItems": true }], "$ref": "#/enum/0" }),
        json!({ "anyOf": [] }),
        json!({ "type": "string", "pattern": "^(?=a)" }),
        json!({ "type": "string", "pattern": "(a)\\1" }),
        json!({ "type": "string", "pattern": "\\p{L}" }),
        json!({ "type": "string", "pattern": "[]a]" }),
        json!({ "type": "object", "patternProperties": { "a": {} } }),
        json!({ "$schema": "http://json-schema.org/draft-07/schema#" }),
        json!({ "type": "strnig" }),
        json!({ "minLength": -1 }),
        json!({ "required": "a" }),
        json!({ "properties": { "a": { "uniqueItems": true } } }),
        json!(3),
    ] {
        assert!(check(&schema, &json!({})).is_none(), "{schema}");
    }
}

/// Formats other than `date` are annotations, as 2020-12 has them by default.
#[test]
fn other_formats_annotate() {
    let schema = json!({ "type": "string", "format": "email" });
    assert_eq!(check(&schema, &json!("not an address")), Some(vec![]));
}

/// A reference that loops on the same instance ends in a problem, not a stack overflow.
#[test]
fn looping_references_end() {
    let schema = json!({ "$defs": { "a": { "$ref": "#/$defs/a" } }, "$ref": "#/$defs/a" });
    let problems = check(&schema, &json!(1)).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
}

/// `.` is ECMA-262's: no line terminator (the crate's matches `\r`, U+2028 and U+2029).
#[test]
fn dot_matches_no_line_terminator() {
    let schema = json!({ "type": "string", "pattern": "^a.$" });
    for text in ["a\n", "a\r", "a\u{2028}", "a\u{2029}"] {
        assert_eq!(check(&schema, &json!(text)).unwrap().len(), 1, "{text:?}");
    }
    assert_eq!(check(&schema, &json!("a\u{a0}")), Some(vec![]));
}
