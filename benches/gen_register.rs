//! Writes a large, seeded, realistic asset register and site register for
//! benchmarking `assetlint check`.
//!
//! ```text
//! cargo run --release --example gen-register -- --assets 1000000 --out /tmp/assetlint-bench/1m
//! ```
//!
//! The same `--assets` and `--seed` always give byte-identical files:
//! `devices.csv` (the register, with the messy headers real registers have)
//! and `sites.csv` (one site per thousand devices, at least 100, with parent
//! sites and a sensitivity ladder).

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

mod register_gen;

use register_gen::{generate, parse_count, DEFAULT_SEED};

fn main() -> std::io::Result<()> {
    let mut assets: u64 = 100_000;
    let mut seed: u64 = DEFAULT_SEED;
    let mut out = PathBuf::from("/tmp/assetlint-bench");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match arg.as_str() {
            "--assets" => assets = parse_count(&value()),
            "--seed" => seed = value().parse().unwrap_or(seed),
            "--out" => out = PathBuf::from(value()),
            _ => {
                eprintln!("usage: gen-register [--assets N] [--seed S] [--out DIR]");
                std::process::exit(2);
            }
        }
    }
    fs::create_dir_all(&out)?;
    let mut sites = BufWriter::new(File::create(out.join("sites.csv"))?);
    let mut devices = BufWriter::with_capacity(1 << 20, File::create(out.join("devices.csv"))?);
    generate(assets, seed, &mut sites, &mut devices)?;
    sites.flush()?;
    devices.flush()?;
    eprintln!(
        "wrote {} devices and {} sites to {}",
        assets,
        (assets / 1000).max(100),
        out.display()
    );
    Ok(())
}
