//! JSON-RPC framing tests: ids, limits, classification against jsonrpc-core's rules.

use super::read::{invalid, object_params, NOT_JSONRPC};
use super::*;
use serde_json::json;

#[test]
fn calls_in_counts_batch_members() {
    assert_eq!(calls_in(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#), 1);
    assert_eq!(calls_in(b" [ ]"), 1);
    assert_eq!(calls_in(br#"[{"id":1}]"#), 1);
    let batch = br#" [{"id":1,"params":{"a":[1,2,"x,]"]}}, {"id":"\",2"},{"id":3}] "#;
    assert_eq!(calls_in(batch), 3);
    let twenty = format!(
        "[{}]",
        [r#"{"jsonrpc":"2.0","method":"ping","id":1}"#; 20].join(",")
    );
    assert_eq!(calls_in(twenty.as_bytes()), 20);
    assert_eq!(calls_in(b"[1,2,"), 2, "a cut body counts what it shows");
    assert_eq!(calls_in(b"not json"), 1);
}

fn raw(value: Value) -> JsonText {
    JsonText::serialize(&value).unwrap()
}

fn one(body: &str) -> Message {
    match parse(body.as_bytes()) {
        Ok(Incoming::Single(m)) => m,
        other => panic!("expected a single message, got {other:?}"),
    }
}

#[test]
fn malformed_json_is_a_parse_error() {
    let err = parse(b"{\"jsonrpc\":").unwrap_err();
    assert_eq!(err.code.code(), -32700);
}

#[test]
fn non_objects_and_empty_batches_are_invalid_requests() {
    for body in ["42", "\"x\"", "null", "[]"] {
        assert_eq!(
            parse(body.as_bytes()).unwrap_err().code.code(),
            -32600,
            "{body}"
        );
    }
}

#[test]
fn requests_keep_their_id_and_params() {
    let m = one(r#"{"jsonrpc":"2.0","id":"a","method":"ping","params":{"x":1}}"#);
    let Message::Request(r) = m else { panic!() };
    assert_eq!(r.id, RequestId::Str("a".into()));
    assert_eq!(r.params.unwrap()["x"], json!(1));
}

#[test]
fn notifications_and_responses_are_told_apart() {
    assert!(matches!(
        one(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
        Message::Notification { .. }
    ));
    let Message::Response(ok) = one(r#"{"jsonrpc":"2.0","id":"k","result":{"a":1}}"#) else {
        panic!("a response")
    };
    assert_eq!(ok.id, Some(RequestId::Str("k".into())));
    assert_eq!(ok.outcome, Ok(json!({ "a": 1 })));
    let Message::Response(err) =
        one(r#"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"no"}}"#)
    else {
        panic!("a response")
    };
    assert_eq!(err.outcome, Err(json!({ "code": 1, "message": "no" })));
}

#[test]
fn wrong_version_null_id_and_array_params_are_invalid() {
    for body in [
        r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#,
        r#"{"id":1,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}"#,
        r#"{"jsonrpc":"2.0","id":1}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":5}"#,
    ] {
        assert!(matches!(one(body), Message::Invalid { .. }), "{body}");
    }
}

#[test]
fn limits_bound_depth_strings_arrays_and_batches() {
    let limits = Limits {
        depth: 4,
        string_bytes: 8,
        array_items: 3,
        batch: 2,
    };
    let ok = br#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":[1,2]}}"#;
    assert!(parse_with(ok, &limits).is_ok());
    for body in [
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":{"b":{"c":{"d":1}}}}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":"123456789"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":[1,2,3,4]}}"#,
        r#"[{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","method":"n"}]"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"123456789":1}}"#,
    ] {
        assert_eq!(
            parse_with(body.as_bytes(), &limits)
                .unwrap_err()
                .code
                .code(),
            -32600,
            "{body}"
        );
    }
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(parse(deep.as_bytes()).is_err());
}

#[test]
fn batches_classify_each_member() {
    let Ok(Incoming::Batch(items)) =
        parse(br#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"n"},7]"#)
    else {
        panic!()
    };
    assert!(matches!(items[0], Message::Request(_)));
    assert!(matches!(items[1], Message::Notification { .. }));
    assert!(matches!(items[2], Message::Invalid { .. }));
}

#[test]
fn responses_serialize_as_json_rpc_2() {
    let ok = to_bytes(&response(RequestId::from(3u64), Ok(raw(json!({})))));
    assert_eq!(ok, br#"{"jsonrpc":"2.0","result":{},"id":3}"#);
    // The hand-written success is serde's, byte for byte, whatever the id.
    for id in [RequestId::from(3u64), RequestId::Null, one_id(r#""a\"b""#)] {
        let output = response(id, Ok(raw(json!({"tools": [1, "x"]}))));
        assert_eq!(output.to_bytes(), to_bytes(&output));
        assert_eq!(output.clone().into_bytes(), to_bytes(&output));
    }
    let err = to_bytes(&response(RequestId::Null, Err(invalid_params("bad"))));
    let failure = response(RequestId::Null, Err(invalid_params("bad")));
    assert_eq!(failure.into_bytes(), err);
    let v: Value = serde_json::from_slice(&err).unwrap();
    assert_eq!(v["error"]["code"], json!(-32602));
    assert_eq!(v["id"], Value::Null);
}

fn one_id(id: &str) -> RequestId {
    let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"ping"}}"#);
    match one(&body) {
        Message::Request(request) => request.id,
        other => panic!("not a request: {other:?}"),
    }
}

/// JSON numbers that are valid JSON-RPC ids but not u64s, and some that are.
const NUMBER_IDS: [&str; 14] = [
    "-1",
    "1.5",
    "18446744073709551616",
    "1e3",
    "0",
    "-0",
    "1E+2",
    "2.50",
    "1.0",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "7",
    "1e400",
    "-1.5e-7",
];

#[test]
fn every_json_number_id_is_echoed_byte_for_byte() {
    for id in NUMBER_IDS {
        let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"ping"}}"#);
        let Ok(Incoming::Single(Message::Request(request))) = parse(body.as_bytes()) else {
            panic!("{id}: not a request: {:?}", parse(body.as_bytes()));
        };
        let answer = to_bytes(&response(request.id, Ok(raw(json!({})))));
        let expected = format!(r#"{{"jsonrpc":"2.0","result":{{}},"id":{id}}}"#);
        assert_eq!(String::from_utf8(answer).unwrap(), expected);
    }
}

#[test]
fn invalid_messages_and_batch_members_keep_their_exact_id() {
    let batch = format!(
        "[{}]",
        NUMBER_IDS
            .iter()
            .map(|id| format!(r#"{{"jsonrpc":"1.0","id":{id},"method":"ping"}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    let Ok(Incoming::Batch(messages)) = parse(batch.as_bytes()) else {
        panic!("a batch")
    };
    for (message, id) in messages.into_iter().zip(NUMBER_IDS) {
        let Message::Invalid { id: kept, .. } = message else {
            panic!("{id}: {message:?}")
        };
        let answer = to_bytes(&response(kept, Err(invalid_request("x"))));
        let answer = String::from_utf8(answer).unwrap();
        assert!(answer.ends_with(&format!(r#","id":{id}}}"#)), "{answer}");
    }
    let strings = r#"{"jsonrpc":"2.0","id":"caf\u00e9 \"q\"","method":"ping"}"#;
    let Message::Request(request) = one(strings) else {
        panic!()
    };
    let answer = to_bytes(&response(request.id, Ok(raw(json!({})))));
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["id"], "café \"q\"");
}

/// The body reader keeps ids raw but must otherwise refuse exactly what reading the
/// body as a `serde_json::Value` refuses (-32700), and apply the same limits.
#[test]
fn the_body_reader_refuses_what_serde_json_values_refuse() {
    let nested = |levels: usize| format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
    let message = |id: &str| format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"m"}}"#);
    let bodies = [
        message(&nested(126)),
        message(&nested(127)),
        format!("[{}]", message(&nested(125))),
        format!("[{}]", message(&nested(126))),
        message(r#""\ud800""#),
        message(r#""\u00""#),
        message("01"),
        message("1."),
        message("+1"),
        message("tru"),
        format!("{} x", message("1")),
        format!("{}\n", message("1")),
        r#"{"id":1,"id":2,"jsonrpc":"2.0","method":"m"}"#.to_string(),
        // A repeated id: the one it replaced must be JSON too (fuzz corpus:
        // repeated-id-lone-surrogate-refused).
        r#"{"id":"\ud946rp0","id":"ok","jsonrpc":"2.0","method":"m"}"#.to_string(),
        format!(
            r#"{{"id":{},"id":1,"jsonrpc":"2.0","method":"m"}}"#,
            nested(127)
        ),
        format!(
            r#"{{"id":{},"id":1,"jsonrpc":"2.0","method":"m"}}"#,
            nested(126)
        ),
        "{\"id\":\"\u{e9}\",\"jsonrpc\":\"2.0\",\"method\":\"m\"}".to_string(),
    ];
    for body in &bodies {
        let by_value = serde_json::from_slice::<Value>(body.as_bytes());
        let code = parse(body.as_bytes()).err().map(|e| e.code.code());
        match by_value {
            Err(_) => assert_eq!(code, Some(-32700), "{body}"),
            Ok(_) => assert_ne!(code, Some(-32700), "{body}"),
        }
    }
    let deep = parse(message(&nested(40)).as_bytes()).unwrap_err();
    assert!(deep.message.contains("nesting"), "{}", deep.message);
    let limits = Limits {
        string_bytes: 8,
        ..Limits::default()
    };
    let long_id = parse_with(message(r#""123456789""#).as_bytes(), &limits).unwrap_err();
    assert_eq!(long_id.code.code(), -32600);
    let Message::Request(last) = one(&bodies[12]) else {
        panic!()
    };
    assert_eq!(
        last.id,
        RequestId::from(2u64),
        "a repeated id keeps the last"
    );
}

/// The classification jsonrpc-core's own `Call` deserializer gives (what `classify`
/// did before it read members by hand), as the reference `classify` must match. Ids
/// are the one difference: jsonrpc-core takes only unsigned integers, `classify` any
/// JSON number, so the reference sees such an id as a stand-in string and the id is
/// put back in what it answers.
fn classify_by_jsonrpc_core(mut value: Value) -> Message {
    const STAND_IN: &str = "\u{0}number id";
    // A response (jsonrpc-core has no client-side type for it): its id and its result,
    // else its error, as they are.
    if let Value::Object(object) = &value {
        let answer = object.contains_key("result") || object.contains_key("error");
        if !object.contains_key("method") && answer {
            if let Some(id) = object.get("id") {
                let outcome = match object.get("result") {
                    Some(result) => Ok(result.clone()),
                    None => Err(object.get("error").cloned().unwrap_or(Value::Null)),
                };
                let id = RequestId::of_value(id.clone());
                return Message::Response(Box::new(ClientResponse { id, outcome }));
            }
        }
    }
    let number = match value.get_mut("id") {
        Some(id @ Value::Number(_)) => {
            let number = RequestId::of_value(id.clone());
            *id = json!(STAND_IN);
            number
        }
        _ => None,
    };
    let put_back = |id: jsonrpc_core::Id| match (&id, &number) {
        (jsonrpc_core::Id::Str(s), Some(number)) if s == STAND_IN => number.clone(),
        _ => RequestId::from(id),
    };
    match classify_by_jsonrpc_core_ids(value) {
        Reference::Request(id, method, params) => Message::Request(Request {
            id: put_back(id),
            method,
            params,
        }),
        Reference::Invalid(id, reason) => invalid(put_back(id), reason),
        Reference::Other(message) => message,
    }
}

enum Reference {
    Request(jsonrpc_core::Id, String, Option<Map<String, Value>>),
    Invalid(jsonrpc_core::Id, &'static str),
    Other(Message),
}

fn classify_by_jsonrpc_core_ids(value: Value) -> Reference {
    use jsonrpc_core::{Call, Id};
    if !value.is_object() {
        return Reference::Invalid(Id::Null, "a JSON-RPC message must be an object");
    }
    match serde_json::from_value::<Call>(value) {
        Ok(Call::MethodCall(call)) if call.jsonrpc != Some(Version::V2) => {
            Reference::Invalid(call.id, "\"jsonrpc\" must be \"2.0\"")
        }
        Ok(Call::MethodCall(call)) if call.id == Id::Null => {
            Reference::Invalid(Id::Null, "the request id must be a string or a number")
        }
        Ok(Call::MethodCall(call)) => match object_params(call.params) {
            Ok(params) => Reference::Request(call.id, call.method, params),
            Err(reason) => Reference::Invalid(call.id, reason),
        },
        Ok(Call::Notification(note)) if note.jsonrpc != Some(Version::V2) => {
            Reference::Invalid(Id::Null, "\"jsonrpc\" must be \"2.0\"")
        }
        Ok(Call::Notification(note)) => match object_params(note.params) {
            Ok(params) => Reference::Other(Message::Notification {
                method: note.method,
                params,
            }),
            Err(reason) => Reference::Invalid(Id::Null, reason),
        },
        Ok(Call::Invalid { id }) => Reference::Invalid(id, NOT_JSONRPC),
        Err(_) => Reference::Invalid(Id::Null, NOT_JSONRPC),
    }
}

#[test]
fn classification_matches_jsonrpc_core() {
    let ids = [
        None,
        Some(json!(null)),
        Some(json!(7)),
        Some(json!("a")),
        Some(json!(-1)),
        Some(json!(1.5)),
        Some(json!(true)),
        Some(json!({})),
        Some(json!([1])),
    ];
    let versions = [
        None,
        Some(json!("2.0")),
        Some(json!("1.0")),
        Some(json!(null)),
        Some(json!(2)),
    ];
    let methods = [
        None,
        Some(json!("tools/call")),
        Some(json!(5)),
        Some(json!(null)),
    ];
    let params = [
        None,
        Some(json!(null)),
        Some(json!({"name": "x"})),
        Some(json!([1, 2])),
        Some(json!("text")),
        Some(json!(3)),
    ];
    let extras = [None, Some(("extra", json!(1))), Some(("result", json!({})))];
    let mut checked = 0;
    for id in &ids {
        for version in &versions {
            for method in &methods {
                for param in &params {
                    for extra in &extras {
                        let mut message = Map::new();
                        let members = [
                            ("id", id),
                            ("jsonrpc", version),
                            ("method", method),
                            ("params", param),
                        ];
                        for (key, value) in members {
                            if let Some(value) = value {
                                message.insert(key.to_string(), value.clone());
                            }
                        }
                        if let Some((key, value)) = extra {
                            message.insert(key.to_string(), value.clone());
                        }
                        let value = Value::Object(message);
                        assert_eq!(
                            classify(value.clone()),
                            classify_by_jsonrpc_core(value.clone()),
                            "{value}"
                        );
                        // The body reader (raw ids) agrees with `classify`.
                        assert_eq!(one(&value.to_string()), classify(value.clone()));
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 9 * 5 * 4 * 6 * 3);
}
