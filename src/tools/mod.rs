//! Tool sets beyond the conformance fixtures.

pub mod diagnostics;
