//! The transports' view of the client connection: either one whole response, or a head
//! followed by streamed chunks. The edge adapter implements it with Fastly's streaming
//! body; tests record what was sent.

use http::Response;

pub trait ClientConnection {
    /// Sends a complete response. Nothing may follow.
    fn respond(&mut self, response: Response<Vec<u8>>);
    /// Sends the head of a streamed response; `write` sends body chunks as they come.
    fn start_stream(&mut self, head: Response<()>);
    fn write(&mut self, chunk: &[u8]);
    /// Ends a streamed response.
    fn finish(&mut self);
    /// Whether the client has gone: a streamed write failed. Closing a response stream
    /// cancels its request (2026-07-28); this is all the platform shows of it.
    fn closed(&self) -> bool {
        false
    }
}

/// A connection that records what was sent (tests, and in-process replays).
#[derive(Default, Debug)]
pub struct Recorded {
    pub head: Option<http::response::Parts>,
    pub body: Vec<u8>,
    pub streamed: bool,
    pub finished: bool,
    /// The size of each streamed write.
    pub writes: Vec<usize>,
    /// Simulates a client that goes away after this many streamed writes.
    pub gone_after_writes: Option<usize>,
}

impl ClientConnection for Recorded {
    fn respond(&mut self, response: Response<Vec<u8>>) {
        let (head, body) = response.into_parts();
        self.head = Some(head);
        self.body = body;
        self.finished = true;
    }

    fn start_stream(&mut self, head: Response<()>) {
        self.head = Some(head.into_parts().0);
        self.streamed = true;
    }

    fn write(&mut self, chunk: &[u8]) {
        if self.closed() {
            return;
        }
        self.writes.push(chunk.len());
        self.body.extend_from_slice(chunk);
    }

    fn finish(&mut self) {
        self.finished = true;
    }

    fn closed(&self) -> bool {
        self.gone_after_writes
            .is_some_and(|n| self.writes.len() >= n)
    }
}
