//! The size limits on hostile input, on inputs too big to commit: each is
//! generated here, linted by the real binary, and must give one
//! `assetlint/limit-exceeded` finding at its place, exit 1, and still
//! check the rest of the file.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Runs `assetlint check --format json` on `files` in `dir`: the exit code
/// and the report.
fn check(dir: &Path, files: &[&str]) -> (i32, Value) {
    fs::create_dir_all(dir.join(".git")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_assetlint"))
        .args(["check", "--format", "json", "--date", "2026-11-27"])
        .args(files)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}",
            String::from_utf8_lossy(&out.stderr)
                .chars()
                .take(2000)
                .collect::<String>()
        )
    });
    (out.status.code().unwrap_or(-1), report)
}

/// `(line, message)` of every `limit-exceeded` finding.
fn limits(report: &Value) -> Vec<(u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "assetlint/limit-exceeded")
        .map(|f| {
            (
                f["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The ids of the assets findings were made about.
fn assets(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["asset_id"].as_str().map(String::from))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn csv_cells_and_rows_over_their_limits_drop_only_their_rows() {
    let temp = tempfile::tempdir().unwrap();
    let mut text = String::from("id,vendor,kind\nCAM-1,Axis,camera\nCAM-2,");
    text.push_str(&"x".repeat(100 * 1024));
    text.push_str(",camera\nCAM-3,Axis,");
    text.push_str(&"y,".repeat(1024 * 1024));
    text.push_str("\nCAM-4,Axis,camera\n");
    fs::write(temp.path().join("register.csv"), text).unwrap();
    let (code, report) = check(temp.path(), &["register.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        limits(&report),
        [
            (3, "a cell is longer than the 64 KiB cell limit".to_string()),
            (4, "a row is longer than the 1 MiB row limit".to_string())
        ]
    );
    assert_eq!(assets(&report), ["CAM-1", "CAM-4"]);
    assert_eq!(report["summary"]["assets"], 4);
    assert_eq!(report["summary"]["not_checkable"], 4);
}

#[test]
fn an_over_long_json_line_is_skipped_and_the_next_read() {
    let temp = tempfile::tempdir().unwrap();
    let mut text = String::from("{\"ip_str\": \"198.51.100.1\", \"port\": 80, \"data\": \"");
    text.push_str(&"z".repeat(3 * 1024 * 1024));
    text.push_str("\"}\n{\"ip_str\": \"198.51.100.2\", \"port\": 80}\n");
    fs::write(temp.path().join("scan.jsonl"), text).unwrap();
    let (code, report) = check(temp.path(), &["scan.jsonl"]);
    assert_eq!(code, 1);
    assert_eq!(
        limits(&report),
        [(1, "a line is longer than the 1 MiB line limit".to_string())]
    );
    assert_eq!(assets(&report), ["198.51.100.2:80"]);
}

#[test]
fn a_zip_bomb_workbook_is_not_unpacked() {
    use std::io::Write;
    let temp = tempfile::tempdir().unwrap();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let zeros = vec![b' '; 1024 * 1024];
    for _ in 0..8 {
        zip.write_all(&zeros).unwrap();
    }
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 64 * 1024);
    fs::write(temp.path().join("bomb.xlsx"), bomb).unwrap();
    fs::write(
        temp.path().join("register.csv"),
        "id,vendor,kind\nCAM-1,Axis,camera\n",
    )
    .unwrap();
    let (code, report) = check(temp.path(), &["bomb.xlsx", "register.csv"]);
    assert_eq!(code, 1);
    let found = limits(&report);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .1
            .contains("\"xl/worksheets/sheet1.xml\", that unpacks to more than 200 times"),
        "{found:?}"
    );
    assert_eq!(assets(&report), ["CAM-1"]);
}

#[test]
fn a_streamed_yaml_file_with_an_alias_in_every_item_is_read_in_linear_time() {
    // Over the 4 MiB a YAML file is streamed from; every item refers to an
    // anchor no other item shares, which once cost a parse of every
    // earlier anchor per item.
    let temp = tempfile::tempdir().unwrap();
    let mut text = String::from("assets:\n");
    let pad = "p".repeat(200);
    let items = 20_000;
    for i in 0..items {
        writeln!(
            text,
            "  - id: CAM-{i}\n    vendor: *v{i}\n    kind: camera\n    note: {pad}"
        )
        .unwrap();
    }
    assert!(text.len() > 4 * 1024 * 1024);
    fs::write(temp.path().join("assets.yaml"), text).unwrap();
    let (code, report) = check(temp.path(), &["assets.yaml"]);
    assert_eq!(code, 0, "{}", report["summary"]);
    assert_eq!(report["summary"]["assets"], items);
    assert!(limits(&report).is_empty());
}
