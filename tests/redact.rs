//! `check --redact` on `tests/fixtures/redact`: a site register, two
//! registers and a scan full of distinctive site names, addresses, IP
//! addresses, host names and locations. No such value may reach any
//! report, in any format, while files, lines, columns, rules, asset ids and
//! fingerprints stay those of the unredacted run, and each value gets the
//! same pseudonym everywhere and every time. The redacted human and
//! Markdown reports are pinned in `snapshots/redact__*.snap`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;
use common::copy_dir;

/// Every value of the fixture that must not be shown, as written there
/// (site codes and names, street addresses, locations, host names, IP
/// addresses and ranges).
const SECRETS: &[&str] = &[
    "QXHARBOUR",
    "QXANNEX",
    "QXPLAZA",
    "Quillmarsh",
    "Harbour Lodge",
    "Ostrelly",
    "Zephyrine",
    "Vexhollow",
    "Brackenfold",
    "Marrowgate",
    "Dockgate",
    "Tallowmere",
    "Grimsditch",
    "Slipway",
    "quayside",
    "10.77.",
    "10.78.",
    "10.80.",
    "10.99.",
];

/// Asset ids are kept even where they contain a site's code.
const KEPT_IDS: &[&str] = &["QXANNEX-CAM-002"];

const FORMATS: &[&str] = &[
    "human", "json", "sarif", "markdown", "html", "junit", "github",
];

/// A copy of the fixture as a repository root of its own.
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let work = temp.path().join("estate");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/redact"),
        &work,
    );
    fs::create_dir_all(work.join(".git")).unwrap();
    (temp, work)
}

/// What one run wrote: stdout, stderr and every report file, by name.
struct Run {
    code: Option<i32>,
    outputs: Vec<(String, String)>,
}

impl Run {
    fn get(&self, name: &str) -> &str {
        &self.outputs.iter().find(|(n, _)| n == name).unwrap().1
    }

    fn json(&self) -> Value {
        serde_json::from_str(self.get("stdout")).unwrap()
    }

    fn all(&self) -> String {
        self.outputs.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// `check` in `format` with `--sarif-file`, `--summary-file`, a step
/// summary and `extra` arguments.
fn check(work: &Path, format: &str, extra: &[&str], key: Option<&str>) -> Run {
    let files = tempfile::tempdir().unwrap();
    let (sarif, summary, step) = (
        files.path().join("also.sarif"),
        files.path().join("summary.md"),
        files.path().join("step-summary.md"),
    );
    let mut command = Command::new(env!("CARGO_BIN_EXE_assetlint"));
    command
        .args(["check", "--date", "2026-11-27", "--show-suppressed"])
        .args(["--format", format])
        .arg("--sarif-file")
        .arg(&sarif)
        .arg("--summary-file")
        .arg(&summary)
        .args(extra)
        .current_dir(work)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("GITHUB_STEP_SUMMARY", &step)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("ASSETLINT_REDACT_KEY")
        .stdin(Stdio::null());
    if let Some(key) = key {
        command.env("ASSETLINT_REDACT_KEY", key);
    }
    let out = command.output().unwrap();
    let read = |p: &Path| fs::read_to_string(p).unwrap_or_default();
    Run {
        code: out.status.code(),
        outputs: vec![
            ("stdout".into(), String::from_utf8(out.stdout).unwrap()),
            ("stderr".into(), String::from_utf8(out.stderr).unwrap()),
            ("--sarif-file".into(), read(&sarif)),
            ("--summary-file".into(), read(&summary)),
            ("step summary".into(), read(&step)),
        ],
    }
}

/// The secrets found in `text`, ignoring case, outside kept asset ids.
fn leaks(text: &str) -> Vec<&'static str> {
    let mut text = text.to_lowercase();
    for id in KEPT_IDS {
        text = text.replace(&id.to_lowercase(), "");
    }
    SECRETS
        .iter()
        .copied()
        .filter(|s| text.contains(&s.to_lowercase()))
        .collect()
}

#[test]
fn no_sensitive_value_reaches_any_report_in_any_format() {
    let (_temp, work) = fixture();
    // The fixture does show every secret when not redacting, so the
    // test can fail.
    let plain: String = FORMATS
        .iter()
        .map(|f| check(&work, f, &[], None).all())
        .collect();
    assert_eq!(leaks(&plain), SECRETS);
    for format in FORMATS {
        let run = check(&work, format, &["--redact"], None);
        assert_eq!(run.code, Some(1), "{format}: the fixture has errors");
        assert_eq!(run.get("stderr"), "", "{format}");
        for (name, text) in &run.outputs {
            assert_eq!(leaks(text), [] as [&str; 0], "{format}, {name}:\n{text}");
        }
        for name in ["stdout", "--sarif-file", "--summary-file"] {
            assert!(run.get(name).contains("site-"), "{format}, {name}");
        }
        if *format == "github" {
            assert!(run.get("step summary").contains("site-"));
        }
    }
}

/// The places and identities of the findings of a JSON report.
fn places(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let related: Vec<Value> = f["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    serde_json::json!([
                        r["file"],
                        r["line"],
                        r["column"],
                        r["end_line"],
                        r["end_column"]
                    ])
                })
                .collect();
            serde_json::json!([
                f["rule"],
                f["severity"],
                f["file"],
                f["line"],
                f["column"],
                f["end_line"],
                f["end_column"],
                f["fingerprint"],
                f["vendor_id"],
                f["evidence"].as_array().map(Vec::len),
                related,
            ])
        })
        .collect()
}

#[test]
fn places_rules_fingerprints_counts_and_baselines_are_those_of_the_plain_run() {
    let (_temp, work) = fixture();
    let (plain, redacted) = (
        check(&work, "json", &[], None),
        check(&work, "json", &["--redact"], None),
    );
    let (plain_json, redacted_json) = (plain.json(), redacted.json());
    assert_eq!(places(&plain_json), places(&redacted_json));
    assert_eq!(plain_json["summary"], redacted_json["summary"]);

    // Asset ids are kept, but for the scan's devices, named by address.
    let ids = |report: &Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["asset_id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    for (plain, redacted) in ids(&plain_json).iter().zip(ids(&redacted_json)) {
        if plain.starts_with("10.") {
            assert!(redacted.starts_with("ip-"), "{redacted}");
        } else {
            assert_eq!(plain, &redacted);
        }
    }

    // SARIF: the same locations and partial fingerprints.
    let sarif = |run: &Run| -> Vec<Value> {
        let doc: Value = serde_json::from_str(run.get("--sarif-file")).unwrap();
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                serde_json::json!([
                    r["ruleId"],
                    r["level"],
                    r["locations"],
                    r["partialFingerprints"]
                ])
            })
            .collect()
    };
    assert_eq!(sarif(&plain), sarif(&redacted));

    // A baseline written under --redact is the plain run's.
    let write = |extra: &[&str]| {
        let path = work.join("baseline.toml");
        let mut args = vec!["--write-baseline", "baseline.toml"];
        args.extend(extra);
        check(&work, "json", &args, None);
        fs::read_to_string(path).unwrap()
    };
    let baseline = write(&[]);
    assert!(baseline.contains("fingerprint"));
    assert_eq!(baseline, write(&["--redact"]));
}

/// Every pseudonym in a text, e.g. `site-3f2a9c01b7e4`.
fn pseudonyms(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for prefix in ["site-", "loc-", "ip-", "host-", "net-"] {
        for (at, _) in text.match_indices(prefix) {
            let hex: String = text[at + prefix.len()..]
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .collect();
            let before = text[..at].chars().next_back();
            if hex.len() == 12 && !before.is_some_and(|c| c.is_alphanumeric() || c == '-') {
                out.insert(format!("{prefix}{hex}"));
            }
        }
    }
    out
}

#[test]
fn one_value_has_one_pseudonym_in_every_run_and_format() {
    let (_temp, work) = fixture();
    let json = check(&work, "json", &["--redact"], None);
    assert_eq!(
        json.get("stdout"),
        check(&work, "json", &["--redact"], None).get("stdout"),
        "two runs, one report"
    );
    let report = json.json();
    let site_of = |asset: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["asset_id"] == asset)
            .and_then(|f| f["site_id"].as_str())
            .unwrap()
            .to_string()
    };
    // QX-CAM-001 names its site by code, QX-DOOR-001 by name.
    let harbour = site_of("QX-CAM-001");
    assert!(harbour.starts_with("site-"), "{harbour}");
    assert_eq!(site_of("QX-DOOR-001"), harbour);

    let everywhere = pseudonyms(&json.all());
    assert!(everywhere.contains(&harbour));
    assert!(everywhere.iter().any(|p| p.starts_with("ip-")));
    assert!(everywhere.iter().any(|p| p.starts_with("host-")));
    assert!(everywhere.iter().any(|p| p.starts_with("loc-")));
    for format in FORMATS {
        let run = check(&work, format, &["--redact"], None);
        let found = pseudonyms(run.get("stdout"));
        assert!(found.contains(&harbour), "{format}");
        assert!(found.is_subset(&everywhere), "{format}: {found:?}");
    }

    // A key gives other pseudonyms, the same in every run with that key.
    let keyed = |key| pseudonyms(&check(&work, "json", &["--redact"], Some(key)).all());
    let with_key = keyed("correct horse");
    assert_eq!(with_key.len(), everywhere.len());
    assert!(with_key.is_disjoint(&everywhere));
    assert_eq!(with_key, keyed("correct horse"));
}

#[test]
fn the_redacted_human_and_markdown_reports() {
    let (_temp, work) = fixture();
    for format in ["human", "markdown"] {
        let out = check(&work, format, &["--redact"], None);
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => true,
            filters => vec![(r"in \d+\.\d+s", "in [elapsed]")],
        }, {
            insta::assert_snapshot!(format, out.get("stdout"));
        });
    }
}

#[test]
fn registers_checked_on_several_threads_are_redacted_the_same() {
    let (_temp, work) = fixture();
    let run = |threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_assetlint"))
            .args(["check", "registers", "--date", "2026-11-27", "--redact"])
            .args(["--format", "json", "--threads", threads])
            .current_dir(&work)
            .env("ASSETLINT_CHUNK_BYTES", "100")
            .env_remove("ASSETLINT_REDACT_KEY")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    assert!(one.contains("site-"), "{one}");
    assert_eq!(leaks(&one), [] as [&str; 0], "{one}");
    assert_eq!(one, run("2"));
}
