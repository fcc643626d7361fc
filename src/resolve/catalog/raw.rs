//! The catalog file's raw shape: the TOML deserialised as written
//! (`deny_unknown_fields`, every value spanned), before validation.
//!
//! Shared, as this one file, by the crate (`load` validates these into a
//! [`Catalog`](super::Catalog)) and by `build.rs` (which compiles the
//! builtin catalog into static data), so both read the file the same way.
//! It uses only `serde` and `toml`.

use serde::Deserialize;
use toml::Spanned;

/// The whole file: its `[[vendor]]` tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCatalog {
    #[serde(default)]
    pub(super) vendor: Vec<Spanned<RawVendor>>,
}

/// One `[[vendor]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVendor {
    pub(super) id: Spanned<String>,
    pub(super) name: Spanned<String>,
    #[serde(default)]
    pub(super) aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) brands: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) subsidiaries: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) oem_for: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) models: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) ouis: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) banners: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) lists: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) state_owned: bool,
    #[serde(default)]
    pub(super) sources: Vec<Spanned<String>>,
}

/// Parses a MAC prefix as written in the catalog — `C0:56:E3`,
/// `C0:61:9A:E` or `70:B3:D5:0A:E` (`-` also accepted as separator; hex
/// digits in either case): 6, 7 or 9 hex digits — into its value and its
/// length in bits (24, 28 or 36).
pub(super) fn parse_oui(text: &str) -> Option<(u64, u8)> {
    let mut prefix: u64 = 0;
    let mut digits: u8 = 0;
    let mut since_sep = 0;
    for c in text.chars() {
        if c == ':' || c == '-' {
            if since_sep != 2 {
                return None;
            }
            since_sep = 0;
            continue;
        }
        let d = c.to_digit(16)?;
        digits += 1;
        since_sep += 1;
        if digits > 9 || since_sep > 2 {
            return None;
        }
        prefix = (prefix << 4) | u64::from(d);
    }
    let bits = match digits {
        6 => 24,
        7 => 28,
        9 => 36,
        _ => return None,
    };
    Some((prefix, bits))
}
