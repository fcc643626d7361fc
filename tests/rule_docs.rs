//! `docs/rules/` is generated from the builtin policy packs and the
//! built-in code table (`assetlint::policy::docs::pages`). This test fails
//! when the committed pages differ from what the policies say; run
//!
//! ```sh
//! ASSETLINT_UPDATE_DOCS=1 cargo test --test rule_docs
//! ```
//!
//! to rewrite them (stale pages are removed).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn files_under(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            let rel = path.strip_prefix(base).unwrap();
            out.insert(
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            );
        }
    }
}

#[test]
fn rule_docs_are_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let pages = assetlint::policy::docs::pages();
    let update = std::env::var_os("ASSETLINT_UPDATE_DOCS").is_some_and(|v| v == "1");
    let mut on_disk = BTreeSet::new();
    files_under(&dir, &dir, &mut on_disk);
    let wanted: BTreeSet<String> = pages.iter().map(|(p, _)| p.clone()).collect();
    if update {
        for stale in on_disk.difference(&wanted) {
            fs::remove_file(dir.join(stale)).unwrap();
        }
        for (path, text) in &pages {
            let file = dir.join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            if fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
                fs::write(&file, text).unwrap();
            }
        }
        return;
    }
    let mut problems = Vec::new();
    for stale in on_disk.difference(&wanted) {
        problems.push(format!("{stale}: no rule has this page any more"));
    }
    for (path, text) in &pages {
        match fs::read_to_string(dir.join(path)) {
            Ok(committed) if committed == *text => {}
            Ok(_) => problems.push(format!("{path}: out of date")),
            Err(_) => problems.push(format!("{path}: missing")),
        }
    }
    assert!(
        problems.is_empty(),
        "docs/rules/ differs from the policies:\n  {}\nrun `ASSETLINT_UPDATE_DOCS=1 cargo test --test rule_docs` and commit the result",
        problems.join("\n  ")
    );
}
