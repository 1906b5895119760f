//! Event groups, the next link and resume points of held streams.

use super::*;
use serde_json::json;
use std::cell::RefCell;
use std::collections::HashMap;

type Kept = RefCell<HashMap<String, Vec<u8>>>;

const CHANNEL: &str = "mcp-call-0a0b";

fn link() -> Link {
    Link {
        channel: CHANNEL.into(),
        id: json!("call-7"),
        expires: 2_000,
    }
}

/// Fanout's request of the link, the stream having group `has`.
fn next_request(link: &Link, has: Option<&str>) -> Request<Vec<u8>> {
    let mut builder = Request::get(link.path());
    if let Some(has) = has {
        builder = builder.header("grip-last", format!("{CHANNEL}; last-id={has}"));
    }
    builder.body(Vec::new()).unwrap()
}

fn header<'r>(response: &'r Response<Vec<u8>>, name: &str) -> Option<&'r str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

fn keep(kept: &Kept, number: u64, events: &str, closes: bool) {
    let group = Group {
        events: events.as_bytes().to_vec(),
        closes,
        expires: 2_500,
    };
    let mut published: Vec<Vec<u8>> = Vec::new();
    send(kept, &mut published, CHANNEL, number, &group).unwrap();
    assert_eq!(published.len(), 1);
}

#[test]
fn a_group_is_kept_then_published_after_the_one_before() {
    let kept = Kept::default();
    let group = Group {
        events: b"event: message\ndata: {}\n\n".to_vec(),
        closes: true,
        expires: 9,
    };
    let mut published: Vec<Vec<u8>> = Vec::new();
    send(&kept, &mut published, CHANNEL, 3, &group).unwrap();
    let stored = kept.borrow()[&format!("{CHANNEL}/3")].clone();
    assert_eq!(Group::decode(&stored), Some(group));
    let body: Value = serde_json::from_slice(&published[0]).unwrap();
    assert_eq!(body["items"][0]["prev-id"], "2");
    assert_eq!(body["items"][0]["id"], "3.1");
    assert_eq!(
        body["items"][1]["formats"]["http-stream"]["action"],
        "close"
    );
    assert_eq!(body["items"][1]["id"], "3");
    // Without a store the group is still published.
    let mut published: Vec<Vec<u8>> = Vec::new();
    send(
        &NoStore,
        &mut published,
        CHANNEL,
        3,
        &Group::decode(&stored).unwrap(),
    )
    .unwrap();
    assert_eq!(published.len(), 1);
}

#[test]
fn the_link_carries_the_channel_the_call_id_and_the_expiry() {
    for id in [json!("call-7"), json!(12), json!("ü \"quoted\"")] {
        let link = Link { id, ..link() };
        let path = link.path();
        let (path, query) = path.split_once('?').unwrap();
        assert_eq!(Link::parse(path, query), Some(link));
    }
    assert_eq!(Link::parse("/held/other-1", "e=1&i=31"), None);
    assert_eq!(Link::parse("/held/mcp-call-1/../x", "e=1&i=31"), None);
    assert_eq!(Link::parse(&format!("/held/{CHANNEL}"), "e=1"), None);
    assert_eq!(Link::parse(&format!("/held/{CHANNEL}"), "e=1&i=zz"), None);
}

#[test]
fn next_sends_what_the_stream_missed_and_holds_on() {
    let kept = Kept::default();
    let question = "id: h1.x\nevent: message\ndata: {\"method\":\"q2\"}\n\n";
    keep(&kept, 2, question, false);
    let response = next(&next_request(&link(), Some("1")), &kept, 1_000, 20);
    assert_eq!(response.body(), question.as_bytes());
    assert_eq!(header(&response, "grip-hold"), Some("stream"));
    assert_eq!(
        header(&response, "grip-channel"),
        Some(format!("{CHANNEL}; prev-id=2").as_str())
    );
    assert!(header(&response, "grip-link")
        .unwrap()
        .contains("rel=next; timeout=5"));
}

#[test]
fn next_ends_the_stream_with_the_result() {
    let kept = Kept::default();
    keep(&kept, 2, "event: message\ndata: {\"q\":2}\n\n", false);
    keep(&kept, 3, "event: message\ndata: {\"result\":3}\n\n", true);
    let response = next(&next_request(&link(), Some("1")), &kept, 1_000, 20);
    assert_eq!(
        String::from_utf8_lossy(response.body()),
        "event: message\ndata: {\"q\":2}\n\nevent: message\ndata: {\"result\":3}\n\n"
    );
    // No GRIP instruction: Fanout appends the body and closes the stream.
    assert_eq!(header(&response, "grip-hold"), None);
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
fn with_nothing_missed_next_holds_on_until_the_question_expires() {
    let kept = Kept::default();
    let waiting = next(&next_request(&link(), Some("1")), &kept, 1_999, 20);
    assert!(waiting.body().is_empty());
    assert_eq!(
        header(&waiting, "grip-channel"),
        Some(format!("{CHANNEL}; prev-id=1").as_str())
    );
    // A later question (kept with its own expiry) extends the wait.
    keep(&kept, 2, "event: message\ndata: {}\n\n", false);
    let waiting = next(&next_request(&link(), Some("2")), &kept, 2_100, 20);
    assert_eq!(header(&waiting, "grip-hold"), Some("stream"));
    // Past it: the call ends with a tool error for its id.
    let ended = next(&next_request(&link(), Some("2")), &kept, 2_500, 20);
    let body = String::from_utf8_lossy(ended.body()).into_owned();
    assert_eq!(header(&ended, "grip-hold"), None);
    assert!(
        body.contains(r#""id":"call-7""#) && body.contains("within 10 minutes"),
        "{body}"
    );
    assert!(body.contains(r#""isError":true"#), "{body}");
}

#[test]
fn a_next_request_without_its_last_id_or_link_is_not_held() {
    let kept = Kept::default();
    let closed = next(&next_request(&link(), None), &kept, 1_000, 20);
    assert_eq!(
        (closed.status(), header(&closed, "grip-hold")),
        (StatusCode::OK, None)
    );
    let other = Request::get("/held/mcp-call-1").body(Vec::new()).unwrap();
    assert_eq!(
        next(&other, &kept, 1_000, 20).status(),
        StatusCode::NOT_FOUND
    );
    // Another channel's Grip-Last is not this stream's.
    let foreign = Request::get(link().path())
        .header("grip-last", "mcp-call-ffff; last-id=1")
        .body(Vec::new())
        .unwrap();
    assert_eq!(header(&next(&foreign, &kept, 1_000, 20), "grip-hold"), None);
}

#[test]
fn a_stream_point_reopens_for_its_caller_while_kept() {
    let signer = |now| StateSigner::new(b"0123456789abcdef".to_vec(), now).unwrap();
    let point = StreamPoint {
        channel: CHANNEL.into(),
        group: 1,
        id: json!(7),
        expires: 1_600,
        principal: "alice".into(),
    };
    let id = point.seal(&signer(1_000));
    assert!(StreamPoint::is_one(&id));
    assert_eq!(
        StreamPoint::open(&signer(1_000), "alice", &id),
        Some(point.clone())
    );
    assert_eq!(StreamPoint::open(&signer(1_000), "bob", &id), None);
    assert_eq!(StreamPoint::open(&signer(1_700), "alice", &id), None);
    assert_eq!(
        StreamPoint::open(&signer(1_000), "alice", &format!("{id}x")),
        None
    );
    // Reopened: held after group 1, or ended with what was kept.
    let kept = Kept::default();
    let held = point.reopen(&kept, 20);
    assert_eq!(
        header(&held, "grip-channel"),
        Some(format!("{CHANNEL}; prev-id=1").as_str())
    );
    keep(&kept, 2, "event: message\ndata: {\"result\":2}\n\n", true);
    let ended = point.reopen(&kept, 20);
    assert_eq!(header(&ended, "grip-hold"), None);
    assert!(String::from_utf8_lossy(ended.body()).contains("result"));
}
