//! The minimal native baseline issue 8 measures assetlint against: the
//! shared bench's rule written directly with the `csv` crate and a hash join.
//!
//! ```text
//! cargo run --release --example baseline-csv-join -- SITES.csv DEVICES.csv
//! ```
//!
//! Reads the site register into a set of the ids of sites whose sensitivity
//! is `sensitive`, streams the device register through one reused
//! `ByteRecord`, and counts the rows whose manufacturer contains `hikvision`
//! or `dahua` (ASCII case-insensitively) at one of those sites. Prints the
//! count.
//!
//! Columns are found by header name, ignoring case, so it reads both
//! `../shared/bench/gen.py` output (`site`, `sensitivity`,
//! `manufacturer`) and `gen-register` output (`Site Code`, `Sensitivity`,
//! `Manufacturer`).

use std::collections::HashSet;
use std::error::Error;

/// The index of the first header named one of `names`, ignoring case.
fn column(headers: &csv::ByteRecord, names: &[&str]) -> Result<usize, Box<dyn Error>> {
    headers
        .iter()
        .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n.as_bytes())))
        .ok_or_else(|| format!("no column named {}", names.join(" or ")).into())
}

/// Whether `needle` (lowercase ASCII) occurs in `hay`, ignoring ASCII case.
fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [sites_path, devices_path] = args.as_slice() else {
        return Err("usage: baseline-csv-join SITES.csv DEVICES.csv".into());
    };

    let mut sites = csv::Reader::from_path(sites_path)?;
    let headers = sites.byte_headers()?.clone();
    let (id, sensitivity) = (
        column(&headers, &["site", "site code"])?,
        column(&headers, &["sensitivity"])?,
    );
    let mut sensitive: HashSet<Vec<u8>> = HashSet::new();
    let mut row = csv::ByteRecord::new();
    while sites.read_byte_record(&mut row)? {
        if row.get(sensitivity) == Some(b"sensitive".as_slice()) {
            if let Some(site) = row.get(id) {
                sensitive.insert(site.to_vec());
            }
        }
    }

    let mut devices = csv::Reader::from_path(devices_path)?;
    let headers = devices.byte_headers()?.clone();
    let (site, manufacturer) = (
        column(&headers, &["site", "site code"])?,
        column(&headers, &["manufacturer"])?,
    );
    let mut count = 0u64;
    while devices.read_byte_record(&mut row)? {
        let at_sensitive = row.get(site).is_some_and(|s| sensitive.contains(s));
        if at_sensitive {
            let m = row.get(manufacturer).unwrap_or_default();
            if contains_ignore_case(m, b"hikvision") || contains_ignore_case(m, b"dahua") {
                count += 1;
            }
        }
    }
    println!("{count}");
    Ok(())
}
