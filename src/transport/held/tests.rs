//! Continuations: what they carry, who may use them, for how long.

use super::*;
use crate::mcp::input::InputRequest;
use crate::mcp::model::meta::Capability;

fn signer(now: u64) -> StateSigner {
    StateSigner::new(b"0123456789abcdef".to_vec(), now).unwrap()
}

fn continuation() -> Continuation {
    Continuation {
        channel: "mcp-call-1".into(),
        id: json!(7),
        params: Map::from_iter([("name".into(), json!("t"))]),
        flags: "es".into(),
        key: String::new(),
        needs: String::new(),
        answers: Map::new(),
        state: None,
        ends: true,
        group: 1,
        principal: "alice".into(),
        expires: 0,
    }
}

#[test]
fn a_question_carries_a_continuation_only_its_caller_can_use_in_time() {
    let asked = InputRequired::ask("q", InputRequest::sample("hi", 5)).with_state(json!(1));
    let (event, _) = question(&asked, &signer(1_000), continuation()).unwrap();
    let message: Value = serde_json::from_slice(&event).unwrap();
    assert_eq!(message["method"], "sampling/createMessage");
    let id = message["id"].as_str().unwrap();
    let opened = Continuation::open(&signer(1_000), "alice", id).unwrap();
    assert_eq!((opened.key.as_str(), opened.needs.as_str()), ("q", "s"));
    assert_eq!(opened.state, Some(json!(1)));
    assert!(Continuation::open(&signer(1_000), "bob", id).is_none());
    assert!(Continuation::open(&signer(1_000 + LIFETIME_SECONDS), "alice", id).is_none());
    // A request state signed with the same key is no continuation (another domain).
    let binding = crate::mcp::request_state::Binding {
        principal: "alice",
        method: "tools/call",
        params: None,
    };
    let state = signer(1_000).seal(&binding, json!({}));
    assert!(Continuation::open(&signer(1_000), "alice", &format!("k1.{state}")).is_none());
}

#[test]
fn an_answer_goes_in_and_an_error_drops_the_capability_asked_for() {
    let mut asked = continuation();
    asked.key = "q".into();
    asked.needs = "s".into();
    let (request, era, next) = asked
        .clone()
        .resume(Ok(json!({ "content": { "type": "text", "text": "ok" } })));
    assert_eq!(
        request.id,
        RequestId::Num(crate::jsonrpc::NumberText::parse("7").unwrap())
    );
    assert_eq!(next.answers.len(), 1);
    let Era::Legacy(reach) = era else {
        panic!("legacy")
    };
    assert_eq!(reach.answers.sampled_text("q"), Some("ok"));
    let (_, era, next) = asked.resume(Err(json!({ "code": -1 })));
    assert_eq!(next.flags, "e");
    let Era::Legacy(reach) = era else {
        panic!("legacy")
    };
    let caps = reach.capabilities.unwrap();
    assert!(caps.has(Capability::Elicitation) && !caps.has(Capability::Sampling));
}

#[test]
fn several_questions_go_one_at_a_time_skipping_those_answered() {
    let asked = InputRequired::ask("name", InputRequest::roots())
        .and("model", InputRequest::sample("hi", 5));
    let mut answered = continuation();
    answered
        .answers
        .insert("name".into(), json!({ "roots": [] }));
    let (event, _) = question(&asked, &signer(1_000), answered).unwrap();
    let message: Value = serde_json::from_slice(&event).unwrap();
    assert_eq!(message["method"], "sampling/createMessage");
    let opened = Continuation::open(&signer(1_000), "alice", message["id"].as_str().unwrap());
    assert_eq!(opened.unwrap().key, "model");
    // All answered and still asked: the first again.
    let mut all = continuation();
    all.answers.insert("name".into(), json!(1));
    all.answers.insert("model".into(), json!(2));
    let (event, _) = question(&asked, &signer(1_000), all).unwrap();
    let message: Value = serde_json::from_slice(&event).unwrap();
    assert_eq!(message["method"], "roots/list");
}
