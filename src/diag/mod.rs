//! Findings: the one type reporters consume, and the built-in codes.

pub mod codes;
pub mod finding;

pub use codes::Code;
pub use finding::{Evidence, Finding, Label, MatchKind, Severity};
