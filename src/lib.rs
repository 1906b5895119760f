//! An MCP server for the edge. The library is the pure part (protocol, transports as
//! logic over `http` types, tools); the binary adds the Fastly adapter. Everything here
//! builds and is unit-tested on the host.

pub mod auth;
pub mod catalog;
pub mod config;
pub mod conformance;
pub mod fanout;
pub mod headers;
pub mod hex;
pub mod http_tools;
pub mod jsonrpc;
pub mod lazy;
pub mod mcp;
pub mod registry;
pub mod router;
pub mod secret_keys;
pub mod tools;
pub mod transport;
pub mod upstream;
