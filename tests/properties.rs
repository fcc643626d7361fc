//! Property tests (proptest) of what must hold for any input:
//!
//! - every normaliser is idempotent: applied to its own output, it changes
//!   nothing (a vendor name, a kind, a header, a model; a MAC address
//!   reads back from its printed form);
//! - a finding's fingerprint does not depend on where its row is, or on the
//!   white space around the cells: reordering a register's rows and padding
//!   its cells gives the same fingerprints;
//! - the report is the same byte for byte on one thread and on several,
//!   whatever the register and however small the chunks it is cut into.
//!
//! The expression language's print/parse round trip is a property test of
//! its own, beside the parser (`src/policy/expr/props.rs`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use assetlint::model::{headers, kinds};
use assetlint::resolve::mac::{format_mac, parse_mac};
use assetlint::resolve::normalize::normalize;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::FileFailurePersistence;

mod common;

/// `cases` cases; a failing case is kept in
/// `tests/properties.proptest-regressions` and tried first from then on.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/properties.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

/// Text that exercises the normalisers: arbitrary Unicode, and names
/// as registers write them (case, punctuation, marks, full-width and
/// invisible characters).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ A-Za-z0-9.,()&_\\-]{0,30}",
        prop::collection::vec(
            select(vec![
                "Hik",
                "VISION",
                "Dahua",
                " ",
                "-",
                "_",
                ".",
                ",",
                "Co.",
                "Ltd",
                "™",
                "®",
                "Ａｘｉｓ",
                "\u{200B}",
                "\u{FEFF}",
                "é",
                "e\u{301}",
                "ß",
                "İ",
                "Σ",
                "ﬁ",
                "\t",
                "DS-2CD",
                "–",
                "\u{2212}",
                "Web Cam",
                "NVR",
                "ip camera",
            ]),
            0..8
        )
        .prop_map(|parts| parts.concat()),
    ]
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn vendor_name_normalisation_is_idempotent(s in text()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once);
    }

    #[test]
    fn kind_normalisation_is_idempotent(s in text()) {
        let once = kinds::normalize(&s);
        prop_assert_eq!(kinds::normalize(&once), once);
    }

    #[test]
    fn header_normalisation_is_idempotent(s in text()) {
        let once = headers::normalize(&s);
        prop_assert_eq!(headers::normalize(&once), once);
    }

    #[test]
    fn a_mac_reads_back_from_its_printed_form(mac in 0u64..(1 << 48)) {
        prop_assert_eq!(parse_mac(&format_mac(mac)), Some(mac));
    }

    #[test]
    fn mac_normalisation_is_idempotent(s in "[0-9a-fA-F:.\\- ]{0,20}") {
        if let Some(mac) = parse_mac(&s) {
            prop_assert_eq!(parse_mac(&format_mac(mac)), Some(mac));
        }
    }
}

/// One device of a generated register.
#[derive(Clone, Debug)]
struct Device {
    vendor: &'static str,
    model: &'static str,
    kind: &'static str,
    site: &'static str,
    mac: Option<u64>,
}

fn device() -> impl Strategy<Value = Device> {
    (
        select(vec![
            "Hikvision",
            "HIKVISION DIGITAL TECHNOLOGY CO.,LTD.",
            "Dahua",
            "Zhejiang Dahua",
            "Axis",
            "Bosch",
            "Acme Cams",
            "",
        ]),
        select(vec!["DS-2CD2143G2-I", "IPC-HDW1230S", "P3245-V", "X1", ""]),
        select(vec!["camera", "NVR", "ip camera", "switch", ""]),
        select(vec!["S0", "S1", "S2", "S9"]),
        prop::option::of(prop_oneof![
            (0u64..(1 << 24)).prop_map(|low| 0xC056_E300_0000 | low),
            (0u64..(1 << 24)).prop_map(|low| 0x3CEF_8C00_0000 | low),
            0u64..(1 << 48),
        ]),
    )
        .prop_map(|(vendor, model, kind, site, mac)| Device {
            vendor,
            model,
            kind,
            site,
            mac,
        })
}

/// A repository with the site register and `assetlint.toml`.
fn repo() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::write(
        dir.join("assetlint.toml"),
        "[files]\ninclude = [\"registers/**\"]\n\n[sites]\nfiles = [\"sites.csv\"]\n\
         levels = [\"public\", \"official\", \"sensitive\", \"secret\"]\n",
    )
    .unwrap();
    fs::write(
        dir.join("sites.csv"),
        "id,name,sensitivity\nS0,Depot,official\nS1,Head office,sensitive\nS2,Vault,secret\n",
    )
    .unwrap();
    fs::create_dir_all(dir.join("registers")).unwrap();
    temp
}

/// The register's text: `order` gives the rows' order, `pad` the white
/// space written around each cell (cycled).
fn register(devices: &[Device], order: &[usize], pad: &[&str]) -> String {
    let mut text = String::from("id,manufacturer,model,type,site,mac\n");
    let mut pads = pad.iter().cycle();
    let mut cell = |text: &mut String, value: &str, last: bool| {
        let (before, after) = (pads.next().unwrap(), pads.next().unwrap());
        let sep = if last { "\n" } else { "," };
        if value.contains(',') {
            // White space outside the quotes would make the quotes text.
            write!(text, "\"{before}{value}{after}\"{sep}").unwrap();
        } else {
            write!(text, "{before}{value}{after}{sep}").unwrap();
        }
    };
    for &i in order {
        let d = &devices[i];
        let mac = d.mac.map(format_mac).unwrap_or_default();
        cell(&mut text, &format!("CAM-{i:03}"), false);
        cell(&mut text, d.vendor, false);
        cell(&mut text, d.model, false);
        cell(&mut text, d.kind, false);
        cell(&mut text, d.site, false);
        cell(&mut text, &mac, true);
    }
    text
}

fn check(dir: &Path, args: &[&str], chunk: Option<usize>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_assetlint"));
    command
        .args(["check", "--date", "2026-11-27", "--fail-on", "never"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("ASSETLINT_THREADS")
        .env_remove("GITHUB_STEP_SUMMARY");
    if let Some(bytes) = chunk {
        command.env("ASSETLINT_CHUNK_BYTES", bytes.to_string());
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Each asset's findings as (rule, fingerprint) pairs, sorted.
fn fingerprints(report: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let doc: serde_json::Value = serde_json::from_str(report).unwrap();
    let mut by_asset: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for f in doc["findings"].as_array().unwrap() {
        let asset = f["asset_id"].as_str().unwrap_or("").to_string();
        let rule = f["rule"].as_str().unwrap().to_string();
        let print = f["fingerprint"].as_str().unwrap().to_string();
        by_asset.entry(asset).or_default().push((rule, print));
    }
    by_asset.values_mut().for_each(|v| v.sort());
    by_asset
}

proptest! {
    // Each case runs the binary: few cases, small registers.
    #![proptest_config(config(24))]

    #[test]
    fn fingerprints_survive_reordering_and_white_space(
        devices in prop::collection::vec(device(), 1..30),
        shuffle in prop::collection::vec(any::<Index>(), 30),
        pad in prop::collection::vec(select(vec!["", " ", "  ", "\t"]), 1..7),
    ) {
        let temp = repo();
        let dir = temp.path();
        let file = dir.join("registers/cctv.csv");
        let plain: Vec<usize> = (0..devices.len()).collect();
        fs::write(&file, register(&devices, &plain, &[""])).unwrap();
        let before = fingerprints(&check(dir, &["--format", "json"], None));

        // Fisher–Yates with the generated indices.
        let mut order = plain.clone();
        for i in (1..order.len()).rev() {
            order.swap(i, shuffle[i].index(i + 1));
        }
        let moved = register(&devices, &order, &pad);
        fs::write(&file, &moved).unwrap();
        let after = fingerprints(&check(dir, &["--format", "json"], None));
        prop_assert_eq!(after, before, "register after the change:\n{}", moved);
    }

    #[test]
    fn several_threads_write_the_one_thread_report(
        devices in prop::collection::vec(device(), 1..60),
        repeat in prop::collection::vec(any::<Index>(), 0..6),
        chunk in 1usize..600,
        threads in 2usize..5,
        format in select(vec!["json", "human", "sarif"]),
    ) {
        let temp = repo();
        let dir = temp.path();
        // Some rows written twice (duplicate ids, maybe across chunks).
        let mut order: Vec<usize> = (0..devices.len()).collect();
        order.extend(repeat.iter().map(|i| i.index(devices.len())));
        fs::write(dir.join("registers/a.csv"), register(&devices, &order, &[""])).unwrap();
        order.reverse();
        fs::write(dir.join("registers/b.csv"), register(&devices, &order, &[" "])).unwrap();
        let run = |threads: usize| {
            let report = check(
                dir,
                &["--format", format, "--threads", &threads.to_string()],
                Some(chunk),
            );
            common::without_run_time(&report)
        };
        prop_assert_eq!(run(threads), run(1));
    }
}
