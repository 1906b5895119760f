//! The Model Context Protocol layer: the wire model, versions, request context, dispatch,
//! and what a handler may ask the client for (`input`, `request_state`).

pub mod context;
pub mod input;
pub mod model;
pub mod request_state;
pub mod server;
pub mod version;
