//! Baselines: the findings accepted as they were on the day the baseline
//! was written, so that a run reports only what is new.
//!
//! A baseline is a TOML file, one `[[finding]]` per fingerprint, sorted by
//! file, rule and asset so that rewriting it gives a small diff:
//!
//! ```toml
//! [[finding]]
//! fingerprint = "5f0c1b9a8e2d4c37"
//! rule = "uk-gov/sensitive-site-banned-vendor"
//! file = "registers/cameras.csv"
//! asset = "CAM-001"
//! ```
//!
//! Only `fingerprint` is matched; `rule`, `file`, `asset` (and `message`,
//! for findings without an asset) are there for readers and for the
//! `baseline-fixed` notes. Fingerprints do not depend on line numbers: an
//! asset's findings use rule + file + the asset's identity (id, else serial,
//! else MAC); findings without an asset use rule + file + message + the
//! text they point at (see [`Finding::new`]).
//!
//! Findings about waivers and baselines themselves are never baselined:
//! a stale exception must stay visible.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::invalid::toml_error;
use crate::diag::{Code, Finding, Invalid, Label};
use crate::source::{Snippet, Span};

/// The comment at the top of a written baseline.
const HEADER: &str = "\
# assetlint baseline: findings accepted as they were when this file was written.
# `assetlint check --baseline FILE` reports only findings not listed here, and
# notes each entry whose finding is gone (assetlint/baseline-fixed).
# To update it (after fixing findings, or after renaming a register file), run
#   assetlint check --write-baseline FILE
# and review the diff: entries are sorted by file, rule and asset.
";

/// Whether a finding may be recorded in a baseline: not one about the
/// waivers or the baseline themselves.
pub fn baselinable(finding: &Finding) -> bool {
    !(finding.rule.starts_with("assetlint/waiver-") || finding.rule == Code::BaselineFixed.id())
}

/// One entry, as written and read.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    rule: String,
    asset: Option<String>,
    message: Option<String>,
    fingerprint: String,
}

/// The findings of a run, collected for `--write-baseline`.
#[derive(Debug, Default)]
pub struct Recorder {
    entries: Vec<Entry>,
}

impl Recorder {
    /// Records a finding (if it may be baselined).
    pub fn record(&mut self, finding: &Finding) {
        if !baselinable(finding) {
            return;
        }
        self.entries.push(Entry {
            file: finding.file().to_string(),
            rule: finding.rule.clone(),
            asset: finding.asset_id.clone(),
            message: match finding.asset_id {
                Some(_) => None,
                None => Some(finding.message.clone()),
            },
            fingerprint: finding.fingerprint.clone(),
        });
    }

    /// The baseline file's text: the header, then one `[[finding]]` per
    /// fingerprint, sorted.
    pub fn render(mut self) -> String {
        self.entries.sort();
        let mut seen = HashSet::new();
        let mut out = String::from(HEADER);
        for e in &self.entries {
            if !seen.insert(&e.fingerprint) {
                continue;
            }
            out.push_str("\n[[finding]]\n");
            out.push_str(&format!("fingerprint = {}\n", quote(&e.fingerprint)));
            out.push_str(&format!("rule = {}\n", quote(&e.rule)));
            out.push_str(&format!("file = {}\n", quote(&e.file)));
            if let Some(asset) = &e.asset {
                out.push_str(&format!("asset = {}\n", quote(asset)));
            }
            if let Some(message) = &e.message {
                out.push_str(&format!("message = {}\n", quote(message)));
            }
        }
        out
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A baseline file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    finding: Vec<Spanned<Entry>>,
}

/// A baseline read for `--baseline`.
#[derive(Debug)]
pub struct Baseline {
    snippet: Snippet,
    entries: Vec<Known>,
    by_fingerprint: HashMap<String, usize>,
}

/// An entry read, and whether this run found it again.
#[derive(Debug)]
struct Known {
    entry: Entry,
    span: Span,
    seen: bool,
}

impl Baseline {
    /// Reads a baseline file (shown relative to `root`).
    pub fn load(path: &Path, root: &Path) -> Result<Baseline, Invalid> {
        let name: Arc<str> = crate::discover::display_path(path, root).into();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Invalid::plain(
                "baseline::unreadable",
                format!("cannot read baseline {name}: {e}"),
            )
            .with_help("write one first with --write-baseline FILE")
        })?;
        Baseline::parse(name, &text)
    }

    /// Reads a baseline's text; `name` is how the file is shown.
    pub fn parse(name: Arc<str>, text: &str) -> Result<Baseline, Invalid> {
        let snippet = Snippet::whole(name, text.into());
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            toml_error("baseline::invalid", &snippet, &e).with_help(
                "a baseline is written by --write-baseline; write it again rather than editing it",
            )
        })?;
        let mut by_fingerprint = HashMap::new();
        let entries: Vec<Known> = raw
            .finding
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                let span = e.span();
                let entry = e.into_inner();
                by_fingerprint.entry(entry.fingerprint.clone()).or_insert(i);
                Known {
                    entry,
                    span,
                    seen: false,
                }
            })
            .collect();
        Ok(Baseline {
            snippet,
            entries,
            by_fingerprint,
        })
    }

    /// The baseline file, as shown.
    pub fn name(&self) -> &str {
        self.snippet.name()
    }

    /// Whether the finding is in the baseline (and so not to be reported);
    /// its entry counts as found again.
    pub fn contains(&mut self, finding: &Finding) -> bool {
        if !baselinable(finding) {
            return false;
        }
        match self.by_fingerprint.get(&finding.fingerprint) {
            Some(&i) => {
                self.entries[i].seen = true;
                true
            }
            None => false,
        }
    }

    /// `baseline-fixed` notes for entries not found again, among those
    /// whose file was read in this run (`read`) or no longer exists under
    /// `root`. Entries of files this run did not look at are left alone, so
    /// checking a few files does not call the rest fixed.
    pub fn fixed(&self, read: &HashSet<&str>, root: &Path) -> Vec<Finding> {
        let code = Code::BaselineFixed;
        let mut out = Vec::new();
        let mut done = HashSet::new();
        for known in &self.entries {
            let e = &known.entry;
            if known.seen || !done.insert(&e.fingerprint) {
                continue;
            }
            let gone = !read.contains(e.file.as_str()) && !root.join(&e.file).exists();
            if !read.contains(e.file.as_str()) && !gone {
                continue;
            }
            let what = match (&e.asset, &e.message) {
                (Some(asset), _) => format!("`{}` on asset {asset}", e.rule),
                (None, Some(message)) => format!("`{}` ({message})", e.rule),
                (None, None) => format!("`{}`", e.rule),
            };
            let message = if gone {
                format!(
                    "{what} in {}, which no longer exists, is no longer found",
                    e.file
                )
            } else {
                format!("{what} in {} is no longer found", e.file)
            };
            let mut f = Finding::new(
                code.id(),
                code.severity(),
                message,
                Label::new(self.snippet.clone(), known.span.clone(), "fixed"),
            );
            f.asset_id = e.asset.clone();
            f.help = Some(code.help().to_string());
            out.push(f);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn at(rule: &str, file: &str, asset: Option<&str>, fingerprint: &str) -> Finding {
        let snippet = Snippet::whole(file.into(), "x".into());
        let mut f = Finding::new(rule, Severity::Error, "m", Label::new(snippet, 0..1, ""));
        f.asset_id = asset.map(String::from);
        f.fingerprint = fingerprint.into();
        f
    }

    #[test]
    fn written_sorted_deduplicated_and_read_back() {
        let mut r = Recorder::default();
        r.record(&at("p/b", "b.csv", Some("B1"), "0002"));
        r.record(&at("p/a", "a.csv", None, "0001"));
        r.record(&at("p/b", "b.csv", Some("B1"), "0002"));
        r.record(&at("assetlint/waiver-unused", "w.toml", None, "0003"));
        let text = r.render();
        assert!(text.starts_with("# assetlint baseline"));
        let body = text.trim_start_matches(|c| c != '[');
        assert_eq!(
            body,
            "[[finding]]\nfingerprint = \"0001\"\nrule = \"p/a\"\nfile = \"a.csv\"\nmessage = \"m\"\n\n\
             [[finding]]\nfingerprint = \"0002\"\nrule = \"p/b\"\nfile = \"b.csv\"\nasset = \"B1\"\n"
        );
        let mut b = Baseline::parse("baseline.toml".into(), &text).unwrap();
        assert!(b.contains(&at("p/b", "b.csv", Some("B1"), "0002")));
        assert!(!b.contains(&at("p/b", "b.csv", Some("B2"), "0004")));
        let read: HashSet<&str> = ["a.csv", "b.csv"].into_iter().collect();
        let fixed = b.fixed(&read, Path::new("/nonexistent"));
        assert_eq!(fixed.len(), 1);
        assert_eq!(fixed[0].message, "`p/a` (m) in a.csv is no longer found");
        let span = fixed[0].primary.span.clone();
        assert_eq!(&text[span], "[[finding]]");
    }

    #[test]
    fn entries_of_files_not_read_but_present_are_left_alone() {
        let text = "[[finding]]\nfingerprint = \"1\"\nrule = \"p/a\"\nfile = \"Cargo.toml\"\n";
        let b = Baseline::parse("b.toml".into(), text).unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(b.fixed(&HashSet::new(), root).is_empty());
        let gone = text.replace("Cargo.toml", "renamed.csv");
        let b = Baseline::parse("b.toml".into(), &gone).unwrap();
        let fixed = b.fixed(&HashSet::new(), root);
        assert!(
            fixed[0].message.contains("no longer exists"),
            "{}",
            fixed[0].message
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err =
            Baseline::parse("b.toml".into(), "[[finding]]\nfingerprnt = \"1\"\n").unwrap_err();
        assert_eq!(err.code, "baseline::invalid");
    }
}
