//! Every output format, rendered from one fixture: the example repository
//! `examples/council` checked as of 2026-11-27. Each rendering is pinned in
//! `snapshots/report_formats__<format>.snap`; the SARIF is also checked for
//! the shape GitHub code scanning needs, and by `check_sarif.py` from the
//! shared tools beside the repository when they are there.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use assetlint::report::Format;
use clap::ValueEnum;
use serde_json::Value;

mod common;
use common::copy_dir;

/// A copy of the example as a repository root of its own.
fn example() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let work = temp.path().join("council");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/council"),
        &work,
    );
    fs::create_dir_all(work.join(".git")).unwrap();
    (temp, work)
}

fn assetlint(work: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assetlint"))
        .args(args)
        .current_dir(work)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn name(format: Format) -> String {
    format
        .to_possible_value()
        .expect("every format has a name")
        .get_name()
        .to_string()
}

fn render(work: &Path, format: &str) -> String {
    let out = assetlint(work, &["check", "--date", "2026-11-27", "--format", format]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{format}: the example has errors"
    );
    assert!(
        out.stderr.is_empty(),
        "{format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_format_renders_the_example() {
    let (_temp, work) = example();
    for format in Format::value_variants() {
        let format = name(*format);
        let output = render(&work, &format);
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => true,
            filters => vec![(r"in \d+\.\d+s", "in [elapsed]")],
        }, {
            insta::assert_snapshot!(format.clone(), output);
        });
    }
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| panic!("{pointer} is not a non-empty string in {v}"))
}

#[test]
fn sarif_has_the_shape_github_code_scanning_needs() {
    let (_temp, work) = example();
    let sarif: Value = serde_json::from_str(&render(&work, "sarif")).unwrap();
    assert_eq!(text(&sarif, "/version"), "2.1.0");
    text(&sarif, "/$schema");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(text(run, "/tool/driver/name"), "assetlint");
    text(run, "/tool/driver/version");
    assert!(text(run, "/automationDetails/id").starts_with("assetlint/"));
    assert!(text(run, "/automationDetails/id").ends_with('/'));

    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| text(r, "/id")).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "rules are sorted and unique");
    for rule in rules {
        for key in [
            "/name",
            "/shortDescription/text",
            "/fullDescription/text",
            "/help/text",
            "/help/markdown",
        ] {
            text(rule, key);
        }
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(!tags.is_empty() && tags.len() <= 10);
        if !text(rule, "/id").starts_with("assetlint/") {
            let severity: f64 = text(rule, "/properties/security-severity").parse().unwrap();
            assert!(severity > 0.0 && severity <= 10.0);
            assert!(text(rule, "/helpUri").starts_with("https://"));
        }
    }

    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(
        results
            .iter()
            .any(|r| r["properties"].get("deadline").is_some()),
        "the example has findings of rules with a deadline"
    );
    for result in results {
        let rule = text(result, "/ruleId");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], rule);
        assert!(["error", "warning", "note"].contains(&text(result, "/level")));
        text(result, "/message/text");
        text(result, "/partialFingerprints/assetlint~1v1");
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = text(physical, "/artifactLocation/uri");
        assert!(!uri.starts_with('/') && !uri.contains(':') && !uri.contains('\\'));
        assert_eq!(text(physical, "/artifactLocation/uriBaseId"), "%SRCROOT%");
        assert!(
            work.join(uri).is_file(),
            "{uri} is a file of the repository"
        );
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(physical["region"][key].as_u64().unwrap() >= 1);
        }
        let properties = &result["properties"];
        if let Some(deadline) = properties.get("deadline") {
            let deadline: jiff::civil::Date = deadline.as_str().unwrap().parse().unwrap();
            let days = (deadline - jiff::civil::date(2026, 11, 27)).get_days();
            assert_eq!(properties["daysLeft"].as_i64(), Some(i64::from(days)));
        } else {
            assert!(properties.get("daysLeft").is_none());
        }
        for related in result["relatedLocations"].as_array().into_iter().flatten() {
            text(related, "/message/text");
            if let Some(uri) = related.pointer("/physicalLocation/artifactLocation/uri") {
                let uri = uri.as_str().unwrap();
                assert!(!uri.starts_with("builtin"), "{uri} is not a file");
                assert!(
                    work.join(uri).is_file(),
                    "{uri} is a file of the repository"
                );
            }
        }
    }
}

#[test]
fn sarif_of_a_clean_run_has_an_empty_results_array() {
    let temp = tempfile::tempdir().unwrap();
    let work = temp.path();
    fs::create_dir_all(work.join(".git")).unwrap();
    fs::write(
        work.join("assets.csv"),
        "id,vendor,model\nA-1,Axis Communications,P3245-LV\n",
    )
    .unwrap();
    fs::write(
        work.join("assetlint.toml"),
        "[severity]\n\"assetlint/unknown-site\" = \"off\"\n",
    )
    .unwrap();
    let out = assetlint(work, &["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"], Value::Array(Vec::new()));
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"],
        Value::Array(Vec::new())
    );
    let junit = assetlint(work, &["check", "--format", "junit"]);
    let junit = String::from_utf8(junit.stdout).unwrap();
    assert!(junit.contains("<testsuite name=\"assetlint\" tests=\"1\" failures=\"0\""));
}

#[test]
fn sarif_passes_check_sarif() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/check_sarif.py");
    if !script.is_file() {
        println!(
            "note: {} is missing; SARIF not checked by it",
            script.display()
        );
        return;
    }
    let (_temp, work) = example();
    let file = work.join("..").join("assetlint.sarif");
    let out = assetlint(
        &work,
        &[
            "check",
            "--date",
            "2026-11-27",
            "--format",
            "json",
            "--sarif-file",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let check = Command::new("python3")
        .arg(&script)
        .arg("--repo-root")
        .arg(&work)
        .args(["--expect-tool", "assetlint"])
        .arg(&file)
        .output()
        .expect("python3 runs check_sarif.py");
    assert!(
        check.status.success(),
        "check_sarif.py failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn html_is_one_self_contained_page_that_prints_on_a4() {
    let (_temp, work) = example();
    let html = render(&work, "html");
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.trim_end().ends_with("</html>"));
    for banned in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        " src=",
        " href=",
        "url(",
        "@import",
        "@font-face",
    ] {
        assert!(!html.contains(banned), "the page has {banned}");
    }
    for needed in [
        "@page { size: A4",
        "@media print",
        "<svg class=\"chart\"",
        "<title id=\"chart-title\">",
    ] {
        assert!(html.contains(needed), "the page lacks {needed}");
    }
    assert_eq!(
        html.matches("<tr><td class=\"sev").count(),
        27,
        "one row per finding"
    );
}
