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
}

/// A connection that records what was sent (tests, and in-process replays).
#[derive(Default, Debug)]
pub struct Recorded {
    pub head: Option<http::response::Parts>,
    pub body: Vec<u8>,
    pub streamed: bool,
    pub finished: bool,
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
        self.body.extend_from_slice(chunk);
    }

    fn finish(&mut self) {
        self.finished = true;
    }
}
