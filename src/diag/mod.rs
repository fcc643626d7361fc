//! Findings: the one type reporters consume, and the built-in codes.

pub mod codes;
pub mod finding;
pub mod invalid;

pub use codes::Code;
pub use finding::{
    fingerprint, Evidence, Finding, Label, MatchKind, Sensitive, Severity, Suppression,
};
pub use invalid::Invalid;
