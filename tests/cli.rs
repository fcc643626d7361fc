//! CLI tests as data: each directory under `tests/cli/` is a case.
//!
//! - `args`: the arguments to `assetlint`, one per line (`#` lines skipped);
//! - `stdin` (optional): piped to standard input;
//! - `show` (optional): files the command writes, one per line, whose
//!   contents are pinned too;
//! - `env` (optional): `NAME=value` lines set in the command's environment
//!   (`GITHUB_STEP_SUMMARY` is otherwise removed, so a run inside GitHub
//!   Actions does not write to the real step summary);
//! - every other file: the working directory the command runs in, copied to
//!   a temporary directory that is made a repository root (an empty `.git`).
//!
//! The exit code, standard output and standard error are pinned together in
//! `snapshots/cli__<case>.snap`. Colour is off and the width fixed at 100.
//! A case with an `example` file naming a directory of `examples/` runs in
//! a copy of it instead (a case named `*-example*` in `examples/council`),
//! with its own `args`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::copy_dir;

fn run_case(case: &Path) -> String {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let args: Vec<String> = fs::read_to_string(case.join("args"))
        .unwrap_or_else(|_| panic!("{name}: no args file"))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let temp = tempfile::tempdir().unwrap();
    let work = temp.path().join("repo");
    // `example`: the example repository to run in, instead of the case's files.
    let example = fs::read_to_string(case.join("example"))
        .ok()
        .map(|e| e.trim().to_string())
        .or_else(|| name.contains("example").then(|| "council".to_string()));
    if let Some(example) = example {
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples")
                .join(example),
            &work,
        );
    } else {
        copy_dir(case, &work);
        for meta in ["args", "stdin", "show", "env"] {
            let _ = fs::remove_file(work.join(meta));
        }
    }
    fs::create_dir_all(work.join(".git")).unwrap();
    let stdin = fs::read(case.join("stdin")).ok();
    let env: Vec<(String, String)> = fs::read_to_string(case.join("env"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_assetlint"))
        .args(&args)
        .current_dir(&work)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .envs(env)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(bytes) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let mut text = format!(
        "$ assetlint {}\nexit code: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status.code().map_or("signal".into(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    for file in fs::read_to_string(case.join("show"))
        .unwrap_or_default()
        .lines()
    {
        let written = fs::read_to_string(work.join(file.trim()))
            .unwrap_or_else(|e| format!("(not written: {e})\n"));
        text.push_str(&format!("--- file {}\n{written}", file.trim()));
    }
    text
}

#[test]
fn cli_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let output = run_case(&case);
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => true,
            filters => vec![(r"in \d+\.\d+s", "in [elapsed]")],
        }, {
            insta::assert_snapshot!(name, output);
        });
    }
}
