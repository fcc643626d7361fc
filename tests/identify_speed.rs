//! Identification speed, per asset. Ignored by default; run it in release
//! mode to see the figures:
//!
//! ```text
//! cargo test --release --test identify_speed -- --ignored --nocapture
//! ```

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use assetlint::model::{Asset, AssetField, Value};
use assetlint::resolve::catalog::Catalog;
use assetlint::resolve::resolver::Resolver;
use assetlint::source::{Snippet, Spanned};

fn asset(fields: &[(AssetField, &str)]) -> Asset {
    let text: String = fields.iter().map(|(_, v)| format!("{v}\t")).collect();
    let snippet = Snippet::whole(Arc::from("speed.csv"), Arc::from(text.as_str()));
    let mut a = Asset::new(1, 0..text.len(), snippet);
    let mut at = 0;
    for (field, v) in fields {
        let span = at..at + v.len();
        at = span.end + 1;
        let value = if *field == AssetField::Mac {
            Value::List(vec![Spanned::new((*v).to_string(), span.clone())])
        } else {
            Value::Str((*v).to_string())
        };
        a.set(*field, Spanned::new(value, span));
    }
    a
}

fn time(label: &str, n: u32, mut f: impl FnMut() -> bool) -> f64 {
    for _ in 0..n / 10 {
        black_box(f());
    }
    let start = Instant::now();
    let mut hits = 0u32;
    for _ in 0..n {
        if black_box(f()) {
            hits += 1;
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / f64::from(n);
    eprintln!("{label:<44} {ns:>8.0} ns/identify ({hits}/{n} identified)");
    ns
}

#[test]
#[ignore = "timing; run with --release --ignored --nocapture"]
fn identify_speed() {
    let c = Catalog::builtin();
    let cases: [(&str, Asset); 7] = [
        (
            "(a) exact name",
            asset(&[(AssetField::Vendor, "Hikvision")]),
        ),
        (
            "(b) normalised name",
            asset(&[(AssetField::Vendor, "HIK VISION digital technology co ltd")]),
        ),
        (
            "(b') unknown name",
            asset(&[(AssetField::Vendor, "Acme Cameras Ltd")]),
        ),
        (
            "(c) MAC only",
            asset(&[(AssetField::Mac, "c0:56:e3:12:34:56")]),
        ),
        (
            "(d) model only",
            asset(&[(AssetField::Model, "DS-2CD2043G2-I")]),
        ),
        (
            "(e) full row, all fields",
            asset(&[
                (AssetField::Vendor, "Generic"),
                (AssetField::Brand, "HiLook"),
                (AssetField::Model, "IPC-HDW2441T-S"),
                (AssetField::Mac, "08:ED:ED:12:34:56"),
                (
                    AssetField::Firmware,
                    "2.800.0000000.28.R Server: Dahua Rtsp Server",
                ),
                (AssetField::Hostname, "cam-lobby-03"),
            ]),
        ),
        (
            "(f) not-banned row, nothing matches",
            asset(&[
                (AssetField::Vendor, "Acme Ltd"),
                (AssetField::Model, "P3245-LVE"),
                (AssetField::Mac, "00:11:22:33:44:55"),
                (AssetField::Hostname, "cam-lobby-03"),
            ]),
        ),
    ];
    let n = 200_000;
    for (label, a) in &cases {
        time(&format!("Catalog::identify  {label}"), n, || {
            c.identify(a).is_some()
        });
    }
    let mut r = Resolver::new(&c);
    for (label, a) in &cases {
        time(&format!("Resolver::identify {label}"), n, || {
            r.identify(a).is_some()
        });
    }
}
