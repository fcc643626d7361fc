//! The JSON-document counterpart of `baseline-csv-join`: the shared bench's
//! rule over gen.py's `doc.json` with `serde_json` and a hash join.
//!
//! ```text
//! cargo run --release --example baseline-json-join -- DOC.json
//! ```
//!
//! Reads the whole file, parses it into borrowed structs
//! (`sites[].{site,sensitivity}`, `devices[].{site,manufacturer}`), and
//! counts the devices whose manufacturer contains `hikvision` or `dahua`
//! (ASCII case-insensitively) at a site whose sensitivity is `sensitive`.

use std::collections::HashSet;
use std::error::Error;

use serde::Deserialize;

/// One site: only the fields the rule reads.
#[derive(Deserialize)]
struct Site<'a> {
    site: &'a str,
    sensitivity: &'a str,
}

/// One device: only the fields the rule reads.
#[derive(Deserialize)]
struct Device<'a> {
    site: &'a str,
    manufacturer: &'a str,
}

/// The document: other keys are ignored.
#[derive(Deserialize)]
struct Doc<'a> {
    #[serde(borrow)]
    sites: Vec<Site<'a>>,
    #[serde(borrow)]
    devices: Vec<Device<'a>>,
}

/// Whether `needle` (lowercase ASCII) occurs in `hay`, ignoring ASCII case.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn main() -> Result<(), Box<dyn Error>> {
    let Some(path) = std::env::args().nth(1) else {
        return Err("usage: baseline-json-join DOC.json".into());
    };
    let text = std::fs::read_to_string(path)?;
    let doc: Doc<'_> = serde_json::from_str(&text)?;
    let sensitive: HashSet<&str> = doc
        .sites
        .iter()
        .filter(|s| s.sensitivity == "sensitive")
        .map(|s| s.site)
        .collect();
    let count = doc
        .devices
        .iter()
        .filter(|d| sensitive.contains(d.site))
        .filter(|d| {
            contains_ignore_case(d.manufacturer, "hikvision")
                || contains_ignore_case(d.manufacturer, "dahua")
        })
        .count();
    println!("{count}");
    Ok(())
}
