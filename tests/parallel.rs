//! `assetlint check` on several threads gives the report one thread gives:
//! several CSV registers, cut into many small chunks (a test-only chunk
//! size), with asset ids used twice within a chunk, across chunks and
//! across files, quoted cells holding newlines, ragged and bad rows.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;

mod common;

/// A register of `rows` devices whose ids start at `first` and repeat now
/// and then, with the awkward rows a real one has.
fn register(rows: usize, first: usize) -> String {
    let mut text = String::from("Asset register\n\nAsset Tag,Manufacturer,Type,Site,Installed\r\n");
    for i in 0..rows {
        let id = if i % 37 == 36 {
            first + i - 30
        } else {
            first + i
        };
        let vendor = [
            "Axis",
            "Hikvision",
            "Dahua",
            "\"Hik\nVision\"",
            "Bosch",
            "Acme Cams",
        ][i % 6];
        match i % 53 {
            7 => writeln!(text, "D{id},{vendor}"),
            19 => writeln!(text, "D{id},{vendor},camera,S1,not a date,extra"),
            29 => writeln!(text, ",,,,"),
            _ => writeln!(
                text,
                "D{id},{vendor},camera,S{},2020-01-0{}",
                i % 3,
                1 + i % 9
            ),
        }
        .unwrap();
    }
    text
}

fn run(dir: &Path, threads: &str, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_assetlint"))
        .args([
            "check",
            "--date",
            "2026-11-27",
            "--fail-on",
            "never",
            "--format",
            format,
        ])
        .args(["--threads", threads])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env("ASSETLINT_CHUNK_BYTES", "700")
        .env_remove("ASSETLINT_THREADS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::without_run_time(&String::from_utf8(out.stdout).unwrap())
}

#[test]
fn threads_give_the_one_thread_report() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    fs::create_dir_all(dir.join(".git")).unwrap();
    fs::write(
        dir.join("assetlint.toml"),
        "[sites]\nfiles = [\"sites.csv\"]\n",
    )
    .unwrap();
    fs::write(
        dir.join("sites.csv"),
        "id,sensitivity\nS0,official\nS1,sensitive\n",
    )
    .unwrap();
    fs::create_dir_all(dir.join("registers")).unwrap();
    fs::write(dir.join("registers/a.csv"), register(400, 0)).unwrap();
    // Ids used in a.csv again.
    fs::write(dir.join("registers/b.csv"), register(300, 350)).unwrap();
    fs::write(
        dir.join("registers/c.tsv"),
        register(50, 10).replace(',', "\t"),
    )
    .unwrap();
    for format in ["json", "human"] {
        let one = run(dir, "1", format);
        for threads in ["2", "4"] {
            let many = run(dir, threads, format);
            if let Some((i, (a, b))) = one
                .lines()
                .zip(many.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
            {
                panic!("{threads} threads, {format}: line {i} differs:\n{a}\n{b}");
            }
            assert_eq!(many, one, "{threads} threads, {format}");
        }
        if format == "json" {
            assert!(one.contains("assetlint/duplicate-id"));
            assert!(one.contains("registers/b.csv"));
            assert!(one.contains("assetlint/malformed-row"));
        }
    }
}
