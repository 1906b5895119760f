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

const CHANNEL: &str = "mcp-call-09090909090909090909090909090909";

/// The question Fanout's callback holds the stream with: its id (the continuation).
fn held_question() -> String {
    held_question_event().1
}

/// That question's SSE event id (where the stream resumes) and its JSON-RPC id.
fn held_question_event() -> (String, String) {
    let sig = grip_sig();
    let (conn, served, published) = call(&[("grip-sig", &sig)], &ask_elicitation());
    assert!(matches!(served, Served::Answered(_)));
    assert!(published.is_empty());
    assert_eq!(header(&conn, "grip-hold"), Some("stream"));
    // The client has group 1 (this question); what it misses is fetched from the link.
    let prev = format!("{CHANNEL}; prev-id=1");
    assert_eq!(header(&conn, "grip-channel"), Some(prev.as_str()));
    let link = header(&conn, "grip-link").unwrap();
    assert!(
        link.starts_with(&format!("</held/{CHANNEL}?e="))
            && link.ends_with(">; rel=next; timeout=5"),
        "{link}"
    );
    assert_eq!(header(&conn, "content-type"), Some("text/event-stream"));
    let body = text(&conn);
    let (event_id, rest) = body.strip_prefix("id: ").unwrap().split_once('\n').unwrap();
    assert!(event_id.starts_with("h1."), "{event_id}");
    let data = rest
        .strip_prefix("event: message\ndata: ")
        .unwrap()
        .trim_end();
    let question: Value = serde_json::from_str(data).unwrap();
    assert_eq!(question["method"], "elicitation/create");
    assert_eq!(question["params"]["message"], "Name?");
    let id = question["id"].as_str().unwrap().to_owned();
    (event_id.to_owned(), id)
}

fn answer(id: &str, member: &str, value: Value) -> String {
    json!({ "jsonrpc": "2.0", "id": id, member: value }).to_string()
}

/// The http-stream items of one publish body: (content or action).
fn items(body: &[u8]) -> Vec<String> {
    crate::fanout::publish::items_of(body)
        .into_iter()
        .map(|(channel, format)| {
            assert_eq!(channel, CHANNEL);
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

/// What a POST #2 kept, as Fanout's next link would fetch it for a stream having `has`.
fn fetched_after(has: u64) -> http::Response<Vec<u8>> {
    let kept = KEPT.with(std::rc::Rc::clone);
    let groups = kept.borrow().keys().cloned().collect::<Vec<_>>();
    assert!(groups.iter().all(|k| k.starts_with(CHANNEL)), "{groups:?}");
    let expires = u64::MAX;
    let path = format!("/held/{CHANNEL}?e={expires}&i=37");
    let req = Request::get(path)
        .header("grip-last", format!("{CHANNEL}; last-id={has}"))
        .body(Vec::new())
        .unwrap();
    crate::transport::held_stream::next(&req, &*kept, 1_000, 20)
}

#[test]
fn the_answers_result_is_kept_so_a_stream_that_missed_its_publish_fetches_it() {
    let id = held_question();
    let accepted = json!({ "action": "accept", "content": { "response": "Ada" } });
    let (conn, _, published) = call(&[], &answer(&id, "result", accepted));
    assert_eq!(status(&conn), 202);
    // Published as group 2, after the question (group 1).
    let body: Value = serde_json::from_slice(&published[0]).unwrap();
    let ids: Vec<_> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}<-{}",
                i["id"].as_str().unwrap(),
                i["prev-id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(ids, ["2.1<-1", "2<-2.1"]);
    // Had Fanout dropped that publish (no subscriber yet), its next link gets the result
    // and the stream ends.
    let fetched = fetched_after(1);
    assert_eq!(fetched.headers().get("grip-hold"), None);
    let events = String::from_utf8_lossy(fetched.body()).into_owned();
    assert!(
        events.contains(r#""id":7"#) && events.contains(r#"\"response\":\"Ada\""#),
        "{events}"
    );
}

#[test]
fn a_broken_held_stream_resumes_through_fanout_with_last_event_id() {
    let (event_id, id) = held_question_event();
    let get = |extra: &[(&str, &str)]| {
        let mut headers = vec![("last-event-id", event_id.as_str())];
        headers.extend_from_slice(extra);
        in_session(Method::GET, &headers, "")
    };
    // First to Fanout, which holds the new stream when it calls back.
    let (conn, served, _) = get(&[]);
    assert!(matches!(served, Served::HandOff(_)) && conn.head.is_none());
    let sig = grip_sig();
    let (conn, _, _) = get(&[("grip-sig", &sig)]);
    assert_eq!(header(&conn, "grip-hold"), Some("stream"));
    let prev = format!("{CHANNEL}; prev-id=1");
    assert_eq!(header(&conn, "grip-channel"), Some(prev.as_str()));
    assert!(text(&conn).is_empty());
    // The answer came while the client was away: the resumed stream gets the result.
    let accepted = json!({ "action": "accept", "content": { "response": "Ada" } });
    call(&[], &answer(&id, "result", accepted));
    let (conn, _, _) = get(&[("grip-sig", &sig)]);
    assert_eq!(header(&conn, "grip-hold"), None);
    assert!(text(&conn).contains(r#""id":7"#), "{}", text(&conn));
    // A forged point, or a bad Grip-Sig, is refused.
    let (conn, _, _) = in_session(Method::GET, &[("last-event-id", "h1.forged")], "");
    assert_eq!(status(&conn), 400);
    let (conn, _, _) = get(&[("grip-sig", "forged")]);
    assert_eq!(status(&conn), 403);
}
