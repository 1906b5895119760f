//! A 2025-era tool call that asks its client a question, through a stream Fanout holds:
//! the hand-off, the hold with the question, the answer resuming the call and its result
//! published; forged and failed answers.

use super::*;
use jwt_simple::prelude::{Claims, Duration, HS256Key, MACLike};

/// A POST presenting a session whose client declared elicitation and sampling.
fn call(extra: &[(&str, &str)], body: &str) -> (Recorded, Served, Vec<Vec<u8>>) {
    in_session(Method::POST, extra, body)
}

/// A request of `method` in that session.
fn in_session(
    method: Method,
    extra: &[(&str, &str)],
    body: &str,
) -> (Recorded, Served, Vec<Vec<u8>>) {
    let id = sessions().issue(Kind::StreamableHttp, "2025-11-25~es");
    let mut headers = vec![("mcp-session-id", id.as_str())];
    headers.extend_from_slice(extra);
    let req = request(method, &headers, body);
    let loads = std::cell::Cell::new(0);
    serve_full(
        &config(),
        &req,
        Some(&sessions()),
        &loads,
        Recorded::default(),
    )
}

fn grip_sig() -> String {
    let claims = Claims::create(Duration::from_secs(60)).with_issuer("pushpin");
    HS256Key::from_bytes(GRIP_KEY).authenticate(claims).unwrap()
}

fn ask_elicitation() -> String {
    call_tool(
        7,
        json!({ "name": "test_elicitation", "arguments": { "message": "Name?" } }),
    )
}

/// The question Fanout's callback holds the stream with: its id (the continuation).
fn held_question() -> String {
    let sig = grip_sig();
    let (conn, served, published) = call(&[("grip-sig", &sig)], &ask_elicitation());
    assert!(matches!(served, Served::Answered(_)));
    assert!(published.is_empty());
    assert_eq!(header(&conn, "grip-hold"), Some("stream"));
    assert_eq!(
        header(&conn, "grip-channel"),
        Some("mcp-call-09090909090909090909090909090909")
    );
    assert_eq!(header(&conn, "content-type"), Some("text/event-stream"));
    let body = text(&conn);
    let data = body
        .strip_prefix("event: message\ndata: ")
        .unwrap()
        .trim_end();
    let question: Value = serde_json::from_str(data).unwrap();
    assert_eq!(question["method"], "elicitation/create");
    assert_eq!(question["params"]["message"], "Name?");
    question["id"].as_str().unwrap().to_owned()
}

fn answer(id: &str, member: &str, value: Value) -> String {
    json!({ "jsonrpc": "2.0", "id": id, member: value }).to_string()
}

/// The http-stream items of one publish body: (content or action).
fn items(body: &[u8]) -> Vec<String> {
    crate::fanout::publish::items_of(body)
        .into_iter()
        .map(|(channel, format)| {
            assert_eq!(channel, "mcp-call-09090909090909090909090909090909");
            format["content"]
                .as_str()
                .map_or_else(|| format["action"].to_string(), str::to_owned)
        })
        .collect()
}

#[test]
fn a_question_hands_the_call_to_fanout_which_holds_its_stream() {
    let (conn, served, published) = call(&[], &ask_elicitation());
    assert!(matches!(served, Served::HandOff(_)), "{served:?}");
    assert!(
        conn.head.is_none() && published.is_empty(),
        "nothing sent before the hand-off"
    );
    assert!(held_question().starts_with("k1."));
    // A callback whose Grip-Sig does not verify is refused.
    let (conn, _, _) = call(&[("grip-sig", "forged")], &ask_elicitation());
    assert_eq!(status(&conn), 403);
}

#[test]
fn the_answer_resumes_the_call_and_its_result_ends_the_stream() {
    let id = held_question();
    let accepted = json!({ "action": "accept", "content": { "response": "Ada" } });
    let (conn, _, published) = call(&[], &answer(&id, "result", accepted));
    assert_eq!(status(&conn), 202);
    assert_eq!(
        published.len(),
        1,
        "one publish: the result, then the close"
    );
    let items = items(&published[0]);
    assert_eq!(items.len(), 2);
    assert!(items[0].contains(r#""id":7"#), "{}", items[0]);
    assert!(
        items[0].contains(r#"User response: action=accept, content={\"response\":\"Ada\"}"#),
        "{}",
        items[0]
    );
    assert_eq!(items[1], r#""close""#);
}

#[test]
fn a_client_error_still_finishes_the_call_without_that_capability() {
    let id = held_question();
    let error = json!({ "code": -32601, "message": "Method not found" });
    let (conn, _, published) = call(&[], &answer(&id, "error", error));
    assert_eq!(status(&conn), 202);
    let items = items(&published[0]);
    assert!(
        items[0].contains("Elicitation not supported"),
        "{}",
        items[0]
    );
}

#[test]
fn forged_or_foreign_answers_are_refused_and_publish_nothing() {
    let id = held_question();
    let accepted = json!({ "action": "accept", "content": { "response": "Eve" } });
    let mut forged = id.clone();
    forged.push('x');
    for bad in [forged, "k1.e30.AAAA".to_string(), "k1.".to_string()] {
        let (conn, _, published) = call(&[], &answer(&bad, "result", accepted.clone()));
        assert_eq!(status(&conn), 400, "{bad}");
        assert!(published.is_empty());
    }
    // Signed for another caller: the same refusal.
    let signer =
        crate::mcp::request_state::StateSigner::new(b"state key, long enough".to_vec(), 1_000)
            .unwrap();
    let foreign = Continuation::open(&signer, &crate::auth::Principal::local().id(), &id).unwrap();
    let other = Continuation {
        principal: "someone else".into(),
        ..foreign
    };
    let (conn, _, published) = call(&[], &answer(&other.seal(&signer), "result", accepted));
    assert_eq!(status(&conn), 400);
    assert!(published.is_empty());
}

#[test]
fn a_call_that_lets_its_connection_go_is_resumed_with_last_event_id() {
    let call = call_tool(3, json!({ "name": "test_reconnection" }));
    let (conn, _, _) = self::call(&[], &call);
    assert!(conn.streamed && conn.finished);
    let body = text(&conn);
    assert!(
        body.starts_with("id: e1.") && body.ends_with("\nretry: 500\ndata: \n\n"),
        "{body}"
    );
    let event_id = body
        .strip_prefix("id: ")
        .unwrap()
        .split('\n')
        .next()
        .unwrap()
        .to_owned();

    let get = |last: &str| in_session(Method::GET, &[("last-event-id", last)], "").0;
    let resumed = get(&event_id);
    assert_eq!(status(&resumed), 200);
    assert_eq!(header(&resumed, "content-type"), Some("text/event-stream"));
    let events = text(&resumed);
    assert!(
        events.contains(r#""id":3"#) && events.contains("Reconnection test completed"),
        "{events}"
    );
    assert_eq!(status(&get(&format!("{event_id}x"))), 400);
    assert_eq!(status(&get("e1.forged.x")), 400);
    // Without a session there is nothing to resume: the result comes at once, as JSON.
    let plain = send(&[], &call);
    assert!(!plain.streamed && text(&plain).contains("Reconnection test completed"));
}
