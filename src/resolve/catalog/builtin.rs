//! The builtin catalog as static data, compiled by `build.rs` from
//! `policies/catalog/vendors.toml` (the file stays the source of truth; the
//! generated code is in `OUT_DIR` and never edited by hand).
//!
//! Loading the builtin catalog then copies these records into [`Vendor`]s
//! and builds the name maps and indexes, with no TOML parsing and no
//! validation at run time: the file is validated by the
//! `builtin_parses` test, and `generated_builtin_matches_the_file` checks
//! that this data gives exactly the catalog that parsing the file gives.

use super::{Oui, Vendor};
use crate::source::Span;

/// One `[[vendor]]` table as written (strings not yet trimmed; MAC
/// prefixes already parsed into value and length).
pub(super) struct StaticVendor {
    pub(super) id: &'static str,
    pub(super) name: &'static str,
    pub(super) aliases: &'static [&'static str],
    pub(super) brands: &'static [&'static str],
    pub(super) subsidiaries: &'static [&'static str],
    pub(super) oem_for: &'static [&'static str],
    pub(super) models: &'static [&'static str],
    pub(super) banners: &'static [&'static str],
    pub(super) lists: &'static [&'static str],
    pub(super) sources: &'static [&'static str],
    pub(super) ouis: &'static [(u64, u8)],
    pub(super) state_owned: bool,
    pub(super) span: Span,
}

// Defines `VENDORS: Option<&[StaticVendor]>`, `None` when build.rs could
// not read the file (then the text is parsed at run time, which reports
// why).
include!(concat!(env!("OUT_DIR"), "/builtin_catalog.rs"));

/// The builtin vendors exactly as validation makes them from the file
/// (the id and legal name as written, the lists trimmed), or `None` when
/// build.rs produced no data.
pub(super) fn vendors() -> Option<Vec<Vendor>> {
    let list = VENDORS?;
    let trimmed = |l: &[&str]| l.iter().map(|s| s.trim().to_string()).collect();
    Some(
        list.iter()
            .map(|v| Vendor {
                id: v.id.to_string(),
                name: v.name.to_string(),
                aliases: trimmed(v.aliases),
                brands: trimmed(v.brands),
                subsidiaries: trimmed(v.subsidiaries),
                oem_for: trimmed(v.oem_for),
                models: trimmed(v.models),
                ouis: v
                    .ouis
                    .iter()
                    .map(|&(prefix, bits)| Oui::from_parts(prefix, bits))
                    .collect(),
                banners: trimmed(v.banners),
                lists: trimmed(v.lists),
                state_owned: v.state_owned,
                sources: trimmed(v.sources),
                span: v.span.clone(),
            })
            .collect(),
    )
}
