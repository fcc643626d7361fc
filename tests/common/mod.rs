//! Helpers shared by the integration tests (each test crate uses some).

#![allow(dead_code)]

use std::fs;
use std::path::Path;

/// Copies a directory tree (test fixtures: small, no links).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A report without the run's time, which ends the human summary line
/// (`checked … in 0.02s`), so two runs' reports can be compared.
pub fn without_run_time(report: &str) -> String {
    report
        .lines()
        .map(|l| match l.rfind(" in ") {
            Some(at) if l.starts_with("checked ") => &l[..at],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}
