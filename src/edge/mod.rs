//! The thin Fastly adapter: converting requests, sending responses, reading stores.
//! Only this module (and main.rs) may name `fastly` types.

pub mod auth;
#[cfg(feature = "bench-floor")]
pub mod bench_floor;
#[cfg(feature = "bench-guest-cost")]
pub mod bench_guest;
pub mod client;
pub mod config;
pub mod fanout;
pub mod gate;
pub mod log;
mod memory_layout;
pub mod rate_limit;
pub mod raw_read;
pub mod request;
pub mod secrets;
pub mod sessions;
pub mod streams;
pub mod upstream;

#[cfg(test)]
mod tests;
