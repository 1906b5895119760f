//! The Model Context Protocol layer: the wire model, versions, request context, dispatch.

pub mod context;
pub mod model;
pub mod server;
pub mod version;
