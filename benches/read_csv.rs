//! Micro-benchmark: assetlint's CSV reader alone (`read::csv::CsvReader`)
//! over an in-memory register from the `gen-register` generator: decoding,
//! delimiter and header sniffing, row scanning and record building, with no
//! field mapping, identification or evaluation.
//!
//! ```text
//! cargo bench --bench read_csv
//! ```

use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;

mod bench_data;
mod register_gen;

fn main() {
    divan::main();
}

/// The device register into records, each dropped as it comes.
#[divan::bench(args = bench_data::SIZES, sample_count = 10)]
fn read_devices(bencher: Bencher, assets: u64) {
    let (_, devices) = bench_data::registers(assets);
    bencher
        .counter(ItemsCount::new(assets))
        .counter(BytesCount::new(devices.len()))
        .bench(|| bench_data::count_records("devices.csv", divan::black_box(&devices)));
}

/// The device register into records and then assets (field mapping and
/// value parsing: dates, MAC addresses, kinds), all held in memory.
#[divan::bench(args = bench_data::SIZES, sample_count = 10)]
fn read_and_map_devices(bencher: Bencher, assets: u64) {
    let (_, devices) = bench_data::registers(assets);
    bencher
        .counter(ItemsCount::new(assets))
        .bench(|| bench_data::assets(divan::black_box(&devices)));
}
