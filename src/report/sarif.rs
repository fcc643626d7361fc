//! `--format sarif` (and `--sarif-file`): SARIF 2.1.0 as GitHub code
//! scanning accepts it.
//!
//! One run; `tool.driver` names assetlint and carries `rules` metadata for
//! every rule that fired, sorted by id. Each result has its rule (`ruleId`,
//! `ruleIndex`), level, message, one physical location (a URI relative to
//! the repository root, base `%SRCROOT%`, with a full region: 1-based lines
//! and columns counted in Unicode code points, end column exclusive),
//! `relatedLocations` for the finding's related labels (the site-register
//! row, the policy rule) and `partialFingerprints` `{"assetlint/v1": fp}`
//! from the finding's stable fingerprint. Its `properties` hold `assetId`,
//! `vendorId` and `siteId` when known and, for a rule with a deadline,
//! `deadline` (`YYYY-MM-DD`) and `daysLeft` (days from the evaluation date
//! to the deadline; negative once it has passed). `automationDetails.id` is
//! [`Sarif::AUTOMATION_ID`]. A clean run has `"results": []`. Nothing in
//! the document depends on the time of the run.
//!
//! Related places that are not files in the repository (a builtin policy
//! such as `builtin:uk-gov`, standard input) have no physical location,
//! which GitHub would reject or fail to resolve: they get a message only,
//! with the builtin name and line in its text.
//!
//! Rules from policies are security rules (tags `security`, `policy`,
//! `supply-chain`; `security-severity` from the most severe finding of the
//! rule: error 8.0, warning 5.0, note 2.0). Built-in `assetlint/*` codes
//! are data-quality rules (tag `data-quality`, `problem.severity`).
//!
//! The rules array can only be written once every finding is known, so
//! this reporter keeps the results in memory (as compact JSON values) and
//! writes the whole document in [`Reporter::end`]. SARIF output therefore
//! grows with the number of findings; GitHub itself takes at most 25,000
//! results per run.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Map, Value};

use crate::diag::{Finding, Label, Severity};
use crate::report::markdown::percent_encode_path;
use crate::report::{is_repo_file, Reporter, Summary};

/// The SARIF reporter.
#[derive(Default)]
pub struct Sarif {
    /// Rules that fired, by id.
    rules: BTreeMap<String, RuleMeta>,
    /// Results so far, with their rule id (the index is known at the end).
    results: Vec<(String, Value)>,
}

/// What the rules array says about one rule.
struct RuleMeta {
    summary: Option<String>,
    help: Option<String>,
    url: Option<String>,
    references: Vec<String>,
    worst: Severity,
}

/// The base every artifact URI is relative to.
const SRCROOT: &str = "%SRCROOT%";

impl Sarif {
    /// `run.automationDetails.id`: category `assetlint/check`, no run id,
    /// the same for every run so each analysis replaces the last one.
    pub const AUTOMATION_ID: &'static str = "assetlint/check/";

    fn document(&self) -> Value {
        let index: BTreeMap<&str, usize> = self
            .rules
            .keys()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|(id, meta)| rule_descriptor(id, meta))
            .collect();
        let results: Vec<Value> = self
            .results
            .iter()
            .map(|(rule, result)| {
                let mut result = result.clone();
                if let (Some(obj), Some(i)) = (result.as_object_mut(), index.get(rule.as_str())) {
                    obj.insert("ruleIndex".into(), json!(i));
                }
                result
            })
            .collect();
        let mut driver = Map::new();
        driver.insert("name".into(), json!(env!("CARGO_PKG_NAME")));
        driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
        driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
        let info = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")];
        if let Some(uri) = info.into_iter().find(|u| !u.is_empty()) {
            driver.insert("informationUri".into(), json!(uri));
        }
        driver.insert("rules".into(), Value::Array(rules));
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": driver },
                "automationDetails": { "id": Self::AUTOMATION_ID },
                "originalUriBaseIds": {
                    SRCROOT: { "description": { "text": "The root of the repository assetlint checked." } }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }]
        })
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub's `security-severity`: a number in a string.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Note => "2.0",
    }
}

/// GitHub's `problem.severity` for non-security rules.
fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "recommendation",
    }
}

/// GitHub reads at most 1024 characters of a description.
fn clip(text: &str) -> String {
    const MAX: usize = 1024;
    if text.chars().count() <= MAX {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX - 1).collect();
    s.push('…');
    s
}

fn rule_descriptor(id: &str, meta: &RuleMeta) -> Value {
    let builtin = id.starts_with("assetlint/");
    let summary = meta.summary.clone().unwrap_or_else(|| id.to_string());
    let mut full = summary.clone();
    if !meta.references.is_empty() {
        if !full.ends_with('.') {
            full.push('.');
        }
        full.push_str(" References: ");
        full.push_str(&meta.references.join("; "));
    }
    let help = meta.help.clone().unwrap_or_else(|| summary.clone());
    let mut help_text = help.clone();
    let mut help_markdown = help;
    let mut links: Vec<&String> = Vec::new();
    for link in meta.url.iter().chain(&meta.references) {
        if !links.contains(&link) {
            links.push(link);
        }
    }
    if !links.is_empty() {
        help_text.push_str("\n\nReferences:");
        help_markdown.push_str("\n\n**References**\n");
        for link in links {
            help_text.push_str(&format!("\n- {link}"));
            help_markdown.push_str(&format!("\n- <{link}>"));
        }
    }
    let name = id.rsplit('/').next().unwrap_or(id);
    let properties = if builtin {
        json!({
            "tags": ["data-quality"],
            "problem.severity": problem_severity(meta.worst),
        })
    } else {
        json!({
            "tags": ["security", "policy", "supply-chain"],
            "security-severity": security_severity(meta.worst),
            "precision": "high",
        })
    };
    let mut rule = json!({
        "id": id,
        "name": name,
        "shortDescription": { "text": clip(&summary) },
        "fullDescription": { "text": clip(&full) },
        "help": { "text": help_text, "markdown": help_markdown },
        "defaultConfiguration": { "level": level(meta.worst) },
        "properties": properties,
    });
    if let (Some(obj), Some(url)) = (rule.as_object_mut(), &meta.url) {
        if url.starts_with("https://") || url.starts_with("http://") {
            obj.insert("helpUri".into(), json!(url));
        }
    }
    rule
}

fn region(label: &Label) -> Value {
    let (start, end) = label.range();
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn physical(label: &Label) -> Value {
    json!({
        "artifactLocation": { "uri": percent_encode_path(label.file()), "uriBaseId": SRCROOT },
        "region": region(label),
    })
}

fn related(id: usize, label: &Label) -> Value {
    if is_repo_file(label.file()) {
        json!({
            "id": id,
            "physicalLocation": physical(label),
            "message": { "text": label.message },
        })
    } else {
        let (start, _) = label.range();
        json!({
            "id": id,
            "message": { "text": format!("{} ({} line {})", label.message, label.file(), start.line) },
        })
    }
}

fn result(f: &Finding) -> Value {
    let mut properties = Map::new();
    for (key, value) in [
        ("assetId", &f.asset_id),
        ("vendorId", &f.vendor_id),
        ("siteId", &f.site_id),
    ] {
        if let Some(value) = value {
            properties.insert(key.into(), json!(value));
        }
    }
    if let Some(deadline) = f.deadline {
        properties.insert("deadline".into(), json!(deadline.to_string()));
    }
    if let Some(days) = f.days_left {
        properties.insert("daysLeft".into(), json!(days));
    }
    let mut result = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [{ "physicalLocation": physical(&f.primary) }],
        "partialFingerprints": { "assetlint/v1": f.fingerprint },
    });
    if let Some(obj) = result.as_object_mut() {
        if !f.related.is_empty() {
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, l)| related(i + 1, l))
                .collect();
            obj.insert("relatedLocations".into(), Value::Array(related));
        }
        if !properties.is_empty() {
            obj.insert("properties".into(), Value::Object(properties));
        }
    }
    result
}

impl Reporter for Sarif {
    fn finding(&mut self, f: &Finding, _out: &mut dyn Write) -> io::Result<()> {
        let meta = self
            .rules
            .entry(f.rule.clone())
            .or_insert_with(|| RuleMeta {
                summary: f.rule_summary().map(str::to_string),
                help: f.rule_help().map(str::to_string),
                url: f.url.clone(),
                references: f.references.clone(),
                worst: f.severity,
            });
        meta.worst = meta.worst.max(f.severity);
        self.results.push((f.rule.clone(), result(f)));
        Ok(())
    }

    fn end(&mut self, _summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.document())?;
        writeln!(out)
    }
}
