//! `assetlint init` in a fresh directory, then `assetlint check` with the
//! config it wrote: the registers it found are linted, the site register
//! is used, ignored files stay ignored, and the findings are the ones the
//! registers call for.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;
use common::copy_dir;

fn assetlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assetlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

#[test]
fn init_then_check_finds_the_banned_equipment() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("repo");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/init-fresh"),
        &dir,
    );
    for meta in ["args", "show"] {
        fs::remove_file(dir.join(meta)).unwrap();
    }
    fs::create_dir_all(dir.join(".git")).unwrap();
    // An ignored register: neither proposed nor linted.
    fs::write(dir.join(".gitignore"), "scratch/\n").unwrap();
    fs::create_dir_all(dir.join("scratch")).unwrap();
    fs::write(
        dir.join("scratch/old.csv"),
        "id,vendor,kind,site\nOLD-1,Hikvision,camera,NBC-HQ-CR\n",
    )
    .unwrap();

    let init = assetlint(&dir, &["init"]);
    let stdout = String::from_utf8_lossy(&init.stdout);
    assert_eq!(
        init.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&init.stderr)
    );
    assert!(stdout.contains("next: run `assetlint check`"), "{stdout}");

    let written = dir.join("assetlint.toml");
    let config = assetlint::config::Config::load(&written, &dir).expect("the written config loads");
    assert_eq!(config.site_files, [dir.join("sites/sites.csv")]);
    let text = fs::read_to_string(&written).unwrap();
    assert!(
        !text.contains("scratch") && !text.contains("node_modules"),
        "{text}"
    );

    let check = assetlint(&dir, &["check", "--date", "2026-01-01", "--format", "json"]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let fired = |rule: &str, asset: &str| {
        findings
            .iter()
            .any(|f| f["rule"] == rule && f["asset_id"] == asset)
    };
    // The Hikvision camera in the CSV and the EZVIZ camera in the NetBox
    // export are at the sensitive council chamber.
    assert!(fired(
        "uk-gov/sensitive-site-banned-vendor",
        "NBC-CCTV-0002"
    ));
    assert!(fired("uk-gov/sensitive-site-banned-vendor", "NBC-NET-0103"));
    // The Dahua camera at the public depot only gets the note.
    assert!(fired(
        "uk-gov/non-sensitive-site-banned-vendor",
        "NBC-CCTV-0004"
    ));
    assert!(!fired(
        "uk-gov/sensitive-site-banned-vendor",
        "NBC-CCTV-0001"
    ));
    for f in findings {
        let file = f["file"].as_str().unwrap_or_default();
        assert!(
            !file.contains("scratch") && !file.contains("node_modules") && !file.ends_with(".json"),
            "{f}"
        );
        assert_ne!(f["rule"], "assetlint/unknown-site", "{f}");
        assert_ne!(f["rule"], "assetlint/unknown-format", "{f}");
    }
    // Two registers and the site register.
    assert_eq!(report["summary"]["files"], 3, "{}", report["summary"]);

    // A second init keeps the file; --force rewrites it.
    fs::write(&written, "# mine\n").unwrap();
    let again = assetlint(&dir, &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&written).unwrap(), "# mine\n");
    let forced = assetlint(&dir, &["init", "--force"]);
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(fs::read_to_string(&written).unwrap(), text);
}
