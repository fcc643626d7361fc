//! Micro-benchmark: vendor identification alone
//! (`resolve::resolver::Resolver::identify`) over assets read from a
//! generated register, with the builtin catalog. A fresh resolver per
//! iteration, so its memo starts empty as in a run.
//!
//! ```text
//! cargo bench --bench resolve
//! ```

use assetlint::resolve::catalog::Catalog;
use assetlint::resolve::resolver::Resolver;
use divan::counter::ItemsCount;
use divan::Bencher;

mod bench_data;
mod register_gen;

fn main() {
    divan::main();
}

/// Identifies every asset of the register; returns how many were
/// identified.
#[divan::bench(args = bench_data::SIZES, sample_count = 10)]
fn identify(bencher: Bencher, assets: u64) {
    let (_, devices) = bench_data::registers(assets);
    let assets_read = bench_data::assets(&devices);
    let catalog = Catalog::builtin();
    bencher.counter(ItemsCount::new(assets)).bench(|| {
        let mut resolver = Resolver::new(&catalog);
        assets_read
            .iter()
            .filter(|a| resolver.identify(divan::black_box(a)).is_some())
            .count()
    });
}

/// Parsing the builtin catalog (paid once per run).
#[divan::bench(sample_count = 10)]
fn builtin_catalog() -> Catalog {
    Catalog::builtin()
}
