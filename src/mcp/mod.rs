//! The Model Context Protocol layer: versions, request context, content, dispatch.

pub mod content;
pub mod context;
pub mod server;
pub mod version;
