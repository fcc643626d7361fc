//! Micro-benchmark: the start-up pieces of every `assetlint` run, paid
//! once per process whatever the register's size (the pre-commit case is
//! mostly these): the builtin vendor catalog, from the data `build.rs`
//! compiles into the binary and, for comparison, parsed and validated
//! from its TOML as before; and the five builtin policy packs.
//!
//! ```text
//! cargo bench --bench startup
//! ```

use std::path::Path;

use assetlint::model::schema::Ladder;
use assetlint::policy::load::{load_all, Policy};
use assetlint::resolve::catalog::Catalog;

fn main() {
    divan::main();
}

/// The builtin catalog as a run makes it: compiled data copied into
/// vendors, name maps and indexes built.
#[divan::bench]
fn catalog_compiled() -> Catalog {
    Catalog::builtin_compiled()
}

/// The builtin catalog parsed from its TOML and validated (the start-up
/// cost before build.rs compiled it).
#[divan::bench(sample_count = 20)]
fn catalog_parsed() -> Catalog {
    Catalog::builtin_parsed().expect("the builtin catalog is valid")
}

/// The five builtin policy packs (no `[policies]` in the config): parsed,
/// their expressions compiled, linted against the builtin catalog.
#[divan::bench(sample_count = 20)]
fn builtin_packs() -> Vec<Policy> {
    Catalog::builtin_shared();
    load_all(&[], &Ladder::default(), Path::new(".")).expect("the builtin packs load")
}
