//! Rule documentation: what `assetlint explain` prints and what the pages
//! under `docs/rules/` say, from one description of a rule ([`Explained`]).
//!
//! The pages are generated from the builtin policy files and the built-in
//! code table by [`pages`]; `tests/rule_docs.rs` fails when the committed
//! pages differ, and `ASSETLINT_UPDATE_DOCS=1 cargo test --test rule_docs`
//! rewrites them (the way ruff generates its rule pages from the rules'
//! doc comments).

use std::fmt::Write as _;

use serde::Serialize;

use crate::diag::{Code, Severity};
use crate::model::schema::Ladder;
use crate::policy::builtin::BUILTIN_PACKS;
use crate::policy::expr::ast::{Node, NodeKind};
use crate::policy::load::{self, Policy, Rule};
use crate::policy::test::Case;

/// Where a rule is written down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The policy file as shown in findings (`builtin:uk-gov`, a path).
    pub file: String,
    /// 1-based line of the rule's `id`.
    pub line: usize,
    /// 1-based column of the rule's `id` value.
    pub column: usize,
}

/// Everything said about one rule: a policy rule or a built-in code.
#[derive(Clone, Debug, Serialize)]
pub struct Explained {
    /// `POLICY/RULE` or `assetlint/CODE`.
    pub id: String,
    /// `policy` or `builtin`.
    pub kind: &'static str,
    /// The policy id (`assetlint` for built-in codes).
    pub policy: String,
    /// The policy's title.
    pub policy_title: Option<String>,
    /// One line.
    pub summary: String,
    /// Severity (after the deadline, if there is one).
    pub severity: Severity,
    /// Severity before the deadline; only when there is a deadline.
    pub severity_before_deadline: Option<Severity>,
    /// The day the rule applies from.
    pub effective: Option<String>,
    /// The day findings turn to `severity`.
    pub deadline: Option<String>,
    /// Whether a waiver may suppress its findings (`None` for built-in codes).
    pub waivable: Option<bool>,
    /// The `when` condition, pretty-printed (lines joined by `\n`).
    pub when: Option<String>,
    /// The message template as written.
    pub message: Option<String>,
    /// What to do.
    pub help: Option<String>,
    /// Where to read more.
    pub url: Option<String>,
    /// The rule's references (else the policy's).
    pub references: Vec<String>,
    /// Where the rule is defined (`None` for built-in codes).
    pub defined_at: Option<Location>,
    /// The severity the config's `[severity]` table gives it (`off` when it
    /// turns it off); left out when the config does not change it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configured_severity: Option<&'static str>,
}

impl Explained {
    /// A policy rule.
    pub fn rule(policy: &Policy, rule: &Rule) -> Self {
        let pos = rule.source.position(rule.id_span.start);
        let references = if rule.references.is_empty() {
            policy.references.clone()
        } else {
            rule.references.clone()
        };
        Explained {
            id: rule.id.clone(),
            kind: "policy",
            policy: policy.id.clone(),
            policy_title: Some(policy.title.clone()).filter(|t| !t.is_empty()),
            summary: rule.summary.clone(),
            severity: rule.severity,
            severity_before_deadline: rule.deadline.map(|_| rule.severity_before_deadline),
            effective: rule.effective.map(|d| d.to_string()),
            deadline: rule.deadline.map(|d| d.to_string()),
            waivable: Some(rule.waivable),
            when: Some(pretty_when(rule.when.ast(), 0, 80)),
            message: raw_message(policy, rule),
            help: rule.help.clone(),
            url: rule.url.clone(),
            references,
            defined_at: Some(Location {
                file: rule.source.name().to_string(),
                line: pos.line,
                column: pos.column,
            }),
            configured_severity: None,
        }
    }

    /// A built-in `assetlint/*` code.
    pub fn code(code: Code) -> Self {
        Explained {
            id: code.id().to_string(),
            kind: "builtin",
            policy: "assetlint".into(),
            policy_title: Some("Built-in checks of the input itself".into()),
            summary: code.summary().to_string(),
            severity: code.severity(),
            severity_before_deadline: None,
            effective: None,
            deadline: None,
            waivable: None,
            when: None,
            message: None,
            help: Some(code.help().to_string()),
            url: None,
            references: Vec::new(),
            defined_at: None,
            configured_severity: None,
        }
    }

    /// The severity sentence: `error`, or `error from 2025-04-30; warning before it`.
    pub fn severity_text(&self) -> String {
        match (&self.deadline, self.severity_before_deadline) {
            (Some(deadline), Some(before)) if before != self.severity => {
                format!("{} from {deadline}; {before} before it", self.severity)
            }
            _ => self.severity.to_string(),
        }
    }
}

/// The rule's `message` exactly as written in its policy file, if it has one.
fn raw_message(policy: &Policy, rule: &Rule) -> Option<String> {
    let local = rule.id.strip_prefix(&format!("{}/", policy.id))?;
    let table: toml::Table = toml::from_str(policy.source.text()).ok()?;
    table
        .get("rule")?
        .as_array()?
        .iter()
        .find(|r| r.get("id").and_then(|v| v.as_str()) == Some(local))?
        .get("message")?
        .as_str()
        .map(String::from)
}

fn prec(node: &Node) -> u8 {
    match node.kind {
        NodeKind::Or(_) => 1,
        NodeKind::And(_) => 2,
        NodeKind::Not(_) => 3,
        _ => 4,
    }
}

/// A condition in its canonical form, on one line when it fits in `width`
/// columns from column `indent`, else broken before each top-level `and` or
/// `or` (and so on inside parentheses), continuation lines indented to
/// `indent`:
///
/// ```text
/// "uk-surveillance-2022" in vendor.lists
/// and (not exists(asset.kind)
///      or asset.kind in ["camera", "nvr"])
/// ```
pub fn pretty_when(node: &Node, indent: usize, width: usize) -> String {
    let flat = node.to_string();
    if indent + flat.chars().count() <= width {
        return flat;
    }
    let (items, op, min) = match &node.kind {
        NodeKind::Or(items) => (items, "or", 2),
        NodeKind::And(items) => (items, "and", 3),
        _ => return flat,
    };
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let at = if i == 0 {
            indent
        } else {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(op);
            out.push(' ');
            indent + op.len() + 1
        };
        if prec(item) < min {
            out.push('(');
            out.push_str(&pretty_when(item, at + 1, width.saturating_sub(1)));
            out.push(')');
        } else {
            out.push_str(&pretty_when(item, at, width));
        }
    }
    out
}

/// The repository file a policy comes from, for builtin packs
/// (`builtin:uk-gov` → `policies/uk-gov/policy.toml`).
pub fn builtin_file(source: &str) -> Option<String> {
    let name = source.strip_prefix("builtin:")?;
    Some(format!("policies/{name}/policy.toml"))
}

/// How a test case relates to a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// The case expects the rule to fire.
    Fires,
    /// The case expects it not to fire.
    DoesNotFire,
}

/// The test cases of `policy` that name `rule` in `expect` or `expect_not`.
pub fn cases_for<'a>(policy: &'a Policy, rule: &Rule) -> Vec<(Expectation, &'a Case)> {
    let names = |list: &[toml::Spanned<String>]| {
        list.iter().map(|id| id.get_ref()).any(|id| {
            *id == rule.id
                || rule
                    .id
                    .strip_prefix(&format!("{}/", policy.id))
                    .is_some_and(|local| local == id)
        })
    };
    policy
        .tests
        .iter()
        .filter_map(|case| {
            if names(&case.expect) {
                Some((Expectation::Fires, case))
            } else if names(&case.expect_not) {
                Some((Expectation::DoesNotFire, case))
            } else {
                None
            }
        })
        .collect()
}

/// A case's inputs as TOML, the way a `[[test]]` table writes them.
fn case_toml(case: &Case) -> String {
    let mut out = String::new();
    if let Some(date) = &case.date {
        let _ = writeln!(out, "date = {date}");
    }
    for (key, items) in [("assets", &case.assets), ("sites", &case.sites)] {
        if items.is_empty() {
            continue;
        }
        let rows: Vec<String> = items.iter().map(inline_table).collect();
        if rows.len() == 1 {
            let _ = writeln!(out, "{key} = [{}]", rows[0]);
        } else {
            let _ = writeln!(out, "{key} = [");
            for row in rows {
                let _ = writeln!(out, "  {row},");
            }
            let _ = writeln!(out, "]");
        }
    }
    out
}

fn inline_table(table: &toml::Table) -> String {
    let fields: Vec<String> = table
        .iter()
        .map(|(k, v)| format!("{} = {}", key(k), value(v)))
        .collect();
    format!("{{ {} }}", fields.join(", "))
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        toml::Value::String(k.to_string()).to_string()
    }
}

fn value(v: &toml::Value) -> String {
    match v {
        toml::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(value).collect::<Vec<_>>().join(", ")
            )
        }
        toml::Value::Table(t) => inline_table(t),
        other => other.to_string(),
    }
}

/// Path of a rule's page under `docs/rules/`.
pub fn page_path(id: &str) -> String {
    format!("{id}.md")
}

/// A rule's page.
pub fn rule_page(policy: &Policy, rule: &Rule) -> String {
    let e = Explained::rule(policy, rule);
    let file =
        builtin_file(policy.source.name()).unwrap_or_else(|| policy.source.name().to_string());
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", e.id);
    let _ = writeln!(out, "{}", generated_note(&file));
    let _ = writeln!(out, "**{}**\n", e.summary);
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let title = e
        .policy_title
        .as_deref()
        .map(|t| format!(": {t}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "| Policy | [`{}`](../README.md#{}){title} |",
        e.policy, e.policy
    );
    let _ = writeln!(out, "| Severity | {} |", e.severity_text());
    let _ = writeln!(
        out,
        "| Effective | {} |",
        e.effective.as_deref().unwrap_or("always")
    );
    let _ = writeln!(
        out,
        "| Deadline | {} |",
        e.deadline.as_deref().unwrap_or("none")
    );
    let _ = writeln!(
        out,
        "| Waivable | {} |",
        if rule.waivable {
            "yes"
        } else {
            "no: its findings must be fixed"
        }
    );
    if let Some(at) = &e.defined_at {
        let _ = writeln!(
            out,
            "| Defined in | [`{file}`](../../../{file}#L{line}), line {line} |",
            line = at.line
        );
    }
    let _ = writeln!(
        out,
        "\n## What it checks\n\n```text\n{}\n```",
        e.when.as_deref().unwrap_or("")
    );
    if let Some(message) = &e.message {
        let _ = writeln!(out, "\n## Message\n\n```text\n{message}\n```");
    }
    if let Some(help) = &e.help {
        let _ = writeln!(out, "\n## How to fix\n\n{help}");
    }
    if e.url.is_some() || !e.references.is_empty() {
        let _ = writeln!(out, "\n## Why: references\n");
        if let Some(url) = &e.url {
            let _ = writeln!(out, "- More: <{url}>");
        }
        for r in e.references.iter().filter(|r| Some(*r) != e.url.as_ref()) {
            let _ = writeln!(out, "- <{r}>");
        }
    }
    let cases = cases_for(policy, rule);
    if !cases.is_empty() {
        let _ = writeln!(
            out,
            "\n## Examples\n\nFrom the `[[test]]` cases of `{file}` (run by `assetlint policy test`)."
        );
        for (expectation, case) in cases {
            let verdict = match expectation {
                Expectation::Fires => "Fires",
                Expectation::DoesNotFire => "Does not fire",
            };
            let _ = writeln!(
                out,
                "\n### {}: {}\n\n```toml\n{}```",
                verdict,
                case.name.get_ref(),
                case_toml(case)
            );
        }
    }
    out
}

/// A built-in code's page.
pub fn code_page(code: Code) -> String {
    let e = Explained::code(code);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", e.id);
    let _ = writeln!(out, "{}", generated_note("src/diag/codes.rs"));
    let _ = writeln!(out, "**{}**\n", e.summary);
    let _ = writeln!(
        out,
        "A built-in check of the input itself, made whatever policies are loaded.\n"
    );
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| Severity | {} |", e.severity);
    let _ = writeln!(
        out,
        "| Defined in | [`src/diag/codes.rs`](../../../src/diag/codes.rs) |"
    );
    let _ = writeln!(
        out,
        "\nIts severity can be changed, or the check turned off, in `assetlint.toml`:\n\n```toml\n[severity]\n\"{}\" = \"off\"\n```",
        e.id
    );
    if let Some(help) = &e.help {
        let _ = writeln!(out, "\n## How to fix\n\n{help}");
    }
    out
}

fn generated_note(from: &str) -> String {
    format!(
        "<!-- Generated from {from} by `ASSETLINT_UPDATE_DOCS=1 cargo test --test rule_docs`; do not edit by hand. -->\n"
    )
}

/// The builtin packs, loaded with the default ladder.
pub fn builtin_policies() -> Vec<Policy> {
    let ladder = Ladder::default();
    BUILTIN_PACKS
        .iter()
        .filter_map(|(name, text)| load::load(format!("builtin:{name}").into(), text, &ladder).ok())
        .collect()
}

/// Every page under `docs/rules/`: `(path relative to docs/rules, text)`,
/// sorted by path. The index is `README.md`.
pub fn pages() -> Vec<(String, String)> {
    let policies = builtin_policies();
    let mut pages = Vec::new();
    let mut index = String::new();
    let _ = writeln!(index, "# Rules\n");
    let _ = writeln!(
        index,
        "{}",
        generated_note("the builtin policy packs and src/diag/codes.rs")
    );
    let _ = writeln!(
        index,
        "Every rule of the builtin policy packs and every built-in `assetlint/*` check, one page each. \
`assetlint explain RULE` prints the same at the terminal; `assetlint rules` lists the rules of the policies a run loads."
    );
    for policy in &policies {
        let file = builtin_file(policy.source.name()).unwrap_or_default();
        let _ = writeln!(index, "\n## {}\n", policy.id);
        let _ = writeln!(
            index,
            "`builtin:{}`: {} ([`{file}`](../../{file}))\n",
            policy.id, policy.title
        );
        let _ = writeln!(
            index,
            "| rule | severity | effective | deadline | summary |"
        );
        let _ = writeln!(index, "| --- | --- | --- | --- | --- |");
        for rule in &policy.rules {
            let path = page_path(&rule.id);
            let _ = writeln!(
                index,
                "| [`{}`]({path}) | {} | {} | {} | {} |",
                rule.id,
                rule.severity,
                rule.effective.map_or("-".into(), |d| d.to_string()),
                rule.deadline.map_or("-".into(), |d| d.to_string()),
                rule.summary
            );
            pages.push((path, rule_page(policy, rule)));
        }
    }
    let _ = writeln!(index, "\n## assetlint\n");
    let _ = writeln!(
        index,
        "Built-in checks of the input itself ([`src/diag/codes.rs`](../../src/diag/codes.rs)).\n"
    );
    let _ = writeln!(index, "| code | severity | summary |");
    let _ = writeln!(index, "| --- | --- | --- |");
    for &code in Code::ALL {
        let path = page_path(code.id());
        let _ = writeln!(
            index,
            "| [`{}`]({path}) | {} | {} |",
            code.id(),
            code.severity(),
            code.summary()
        );
        pages.push((path, code_page(code)));
    }
    pages.push(("README.md".into(), index));
    pages.sort();
    pages
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::expr::compile;

    #[test]
    fn long_conditions_break_at_top_level_and_or() {
        let src = r#""uk-surveillance-2022" in vendor.lists and (not exists(asset.kind) or asset.kind in ["camera", "nvr", "dvr", "encoder", "decoder", "vms"]) and site.sensitivity >= "sensitive""#;
        let expr = compile(src, &Ladder::default()).unwrap();
        let pretty = pretty_when(expr.ast(), 0, 60);
        assert_eq!(
            pretty,
            "\"uk-surveillance-2022\" in vendor.lists\n\
             and (not exists(asset.kind)\n     \
             or asset.kind in [\"camera\", \"nvr\", \"dvr\", \"encoder\", \"decoder\", \"vms\"])\n\
             and site.sensitivity >= \"sensitive\""
        );
        // It still reads as the same condition.
        let again = compile(&pretty, &Ladder::default()).unwrap();
        assert_eq!(again.to_string(), expr.to_string());
        // Short ones stay on one line.
        let short = compile("asset.kind == \"camera\" or true", &Ladder::default()).unwrap();
        assert_eq!(
            pretty_when(short.ast(), 0, 80),
            "asset.kind == \"camera\" or true"
        );
    }

    #[test]
    fn every_builtin_rule_has_a_page_and_the_index_links_it() {
        let pages = pages();
        let index = &pages.iter().find(|(p, _)| p == "README.md").unwrap().1;
        let policies = builtin_policies();
        assert_eq!(policies.len(), BUILTIN_PACKS.len(), "every pack loads");
        for rule in policies.iter().flat_map(|p| &p.rules) {
            let path = page_path(&rule.id);
            assert!(pages.iter().any(|(p, _)| *p == path), "{path}");
            assert!(index.contains(&format!("]({path})")), "{path}");
        }
        for code in Code::ALL {
            assert!(pages.iter().any(|(p, _)| *p == page_path(code.id())));
        }
    }
}
