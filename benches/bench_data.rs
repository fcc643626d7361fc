//! Helpers the micro-benchmarks share: generated registers read into
//! records, assets and a site index (each bench includes this file with
//! `mod bench_data;`, next to `mod register_gen;`).

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use assetlint::model::headers::Columns;
use assetlint::model::schema::Ladder;
use assetlint::model::{Asset, Record};
use assetlint::policy::load::load_all;
use assetlint::read::csv::CsvReader;
use assetlint::read::fields::{self, Mapper};
use assetlint::read::{Event, Reader};
use assetlint::resolve::sites::SiteIndex;

use crate::register_gen::{generate_in_memory, DEFAULT_SEED};

/// The register sizes the micro-benchmarks run at.
pub const SIZES: &[u64] = &[10_000, 100_000];

/// `(sites, devices)` CSV text from `gen-register`'s generator.
pub fn registers(assets: u64) -> (Vec<u8>, Vec<u8>) {
    generate_in_memory(assets, DEFAULT_SEED)
}

/// Reads CSV text with assetlint's reader; returns the records and how
/// many problems it reported.
pub fn read_records(name: &str, text: &[u8]) -> (Vec<Record>, usize) {
    let mut records = Vec::new();
    let mut problems = 0;
    let mut input: &[u8] = text;
    CsvReader { delimiter: b',' }
        .read(Arc::from(name), &mut input, &mut |event| match event {
            Event::Record(_, record) => records.push(record),
            Event::Problem(_) => problems += 1,
        })
        .expect("reading from memory cannot fail");
    (records, problems)
}

/// Reads CSV text with assetlint's reader, dropping each record as it
/// comes (as `assetlint check` streams them); returns how many records it
/// read.
pub fn count_records(name: &str, text: &[u8]) -> usize {
    let mut records = 0;
    let mut input: &[u8] = text;
    CsvReader { delimiter: b',' }
        .read(Arc::from(name), &mut input, &mut |event| {
            if let Event::Record(_, record) = event {
                drop(divan::black_box(record));
                records += 1;
            }
        })
        .expect("reading from memory cannot fail");
    records
}

/// The device register read and mapped to assets, with one [`Mapper`]
/// for the file as `assetlint check` does.
pub fn assets(devices: &[u8]) -> Vec<Asset> {
    let columns = Columns::default();
    let mut mapper = Mapper::new(&columns);
    let (records, _) = read_records("devices.csv", devices);
    records.into_iter().map(|r| mapper.asset(r).0).collect()
}

/// The site register read into an index over the default ladder.
pub fn site_index(sites: &[u8]) -> SiteIndex {
    let columns = Columns::default();
    let (records, _) = read_records("sites.csv", sites);
    let sites = records
        .into_iter()
        .filter_map(|r| fields::site(r, &columns).ok())
        .map(|(site, _)| site)
        .collect();
    SiteIndex::build(sites, &Ladder::default()).0
}

/// The builtin policy packs, loaded as `assetlint check` loads them when
/// no policy is named.
pub fn builtin_policies() -> Vec<assetlint::policy::load::Policy> {
    match load_all(&[], &Ladder::default(), Path::new(".")) {
        Ok(policies) => policies,
        Err(_) => panic!("the builtin packs load"),
    }
}
