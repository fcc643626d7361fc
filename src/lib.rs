//! assetlint: a policy-as-code compliance linter for asset registers.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! discover ──► read ──► resolve ──► evaluate ──► report
//! ```
//!
//! - [`discover`]: the config, the files to lint, the policies and site registers.
//! - [`read`]: each input format into [`model::Record`]s with byte spans.
//! - [`resolve`]: each asset's vendor (from the catalog) and site (with inheritance).
//! - [`policy`] and [`check`]: rules compiled once, evaluated per asset, into [`diag::Finding`]s.
//! - [`report`]: findings sorted once, redacted on request ([`report::redact`]),
//!   rendered in the chosen format.
#![warn(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod cli;
pub mod config;
pub mod diag;
pub mod discover;
#[doc(hidden)]
pub mod fuzzing;
pub mod model;
pub mod policy;
pub mod read;
pub mod report;
pub mod resolve;
pub mod source;
