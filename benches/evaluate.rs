//! Micro-benchmark: the evaluator alone (`check::Engine::check`, which
//! identifies each asset, joins it to its site and evaluates every rule of
//! the builtin packs) over assets and sites read from a generated register.
//! Reading and report writing are outside the timed part.
//!
//! ```text
//! cargo bench --bench evaluate
//! ```

use assetlint::check::Engine;
use assetlint::model::schema::Ladder;
use assetlint::resolve::catalog::Catalog;
use assetlint::resolve::resolver::Resolver;
use divan::counter::ItemsCount;
use divan::Bencher;

mod bench_data;
mod register_gen;

fn main() {
    divan::main();
}

/// Checks every asset against the builtin packs; returns the number of
/// findings.
#[divan::bench(args = bench_data::SIZES, sample_count = 10)]
fn check_builtin_packs(bencher: Bencher, assets: u64) {
    let (sites, devices) = bench_data::registers(assets);
    let assets_read = bench_data::assets(&devices);
    let sites = bench_data::site_index(&sites);
    let catalog = Catalog::builtin();
    let policies = bench_data::builtin_policies();
    let ladder = Ladder::default();
    let engine = Engine {
        policies: &policies,
        catalog: &catalog,
        sites: &sites,
        ladder: &ladder,
        today: jiff::civil::date(2026, 1, 1),
        redact: false,
    };
    bencher.counter(ItemsCount::new(assets)).bench(|| {
        let mut resolver = Resolver::new(&catalog);
        let mut findings = Vec::new();
        for asset in &assets_read {
            engine.check(&mut resolver, divan::black_box(asset), &mut findings);
        }
        findings.len()
    });
}
