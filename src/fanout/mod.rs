//! Fastly Fanout: verifying requests it sends back (Grip-Sig), GRIP response headers,
//! and publishing to channels.

pub mod grip_sig;
pub mod publish;
