//! Policy test cases: `[[test]]` tables with inline assets and sites, and
//! the rules that must and must not fire. Cases live in the policy file or
//! in a `NAME_test.toml` file beside `NAME.toml` (which holds only
//! `[[test]]` tables). Run by `assetlint policy test` and the pack tests.

use jiff::civil::Date;
use serde::Deserialize;

use crate::check::Engine;
use crate::diag::Invalid;
use crate::model::schema::Ladder;
use crate::model::{RawValue, Record};
use crate::policy::load::Policy;
use crate::read::fields;
use crate::resolve::catalog::Catalog;
use crate::resolve::resolver::Resolver;
use crate::resolve::sites::SiteIndex;
use crate::source::{Snippet, Span, Spanned};

/// One `[[test]]` case as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows.
    pub name: toml::Spanned<String>,
    /// Evaluate as of this day (default: today).
    pub date: Option<toml::value::Datetime>,
    /// Inline assets.
    #[serde(default)]
    pub assets: Vec<toml::Table>,
    /// Inline sites.
    #[serde(default)]
    pub sites: Vec<toml::Table>,
    /// Rules that must fire (bare id, `POLICY/RULE`, or a built-in
    /// `assetlint/CODE` such as `assetlint/unknown-site`).
    #[serde(default)]
    pub expect: Vec<toml::Spanned<String>>,
    /// Rules that must not fire.
    #[serde(default)]
    pub expect_not: Vec<toml::Spanned<String>>,
    /// Where the case is written, in [`Case::file`].
    #[serde(skip)]
    pub span: Span,
    /// The file the case is written in (set when it is loaded).
    #[serde(skip)]
    pub file: Option<Snippet>,
}

/// A `NAME_test.toml` file: only `[[test]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    #[serde(default)]
    test: Vec<toml::Spanned<Case>>,
}

/// Gives cases parsed from `snippet`'s text their span and file.
pub fn located(cases: Vec<toml::Spanned<Case>>, snippet: &Snippet) -> Vec<Case> {
    cases
        .into_iter()
        .map(|c| {
            let span = c.span();
            let mut case = c.into_inner();
            case.span = span;
            case.file = Some(snippet.clone());
            case
        })
        .collect()
}

/// Loads the cases of a `NAME_test.toml` file; `name` is how it is shown.
pub fn load_file(name: std::sync::Arc<str>, text: &str) -> Result<Vec<Case>, Invalid> {
    let snippet = Snippet::whole(name, text.into());
    let file: TestFile = toml::from_str(text)
        .map_err(|e| crate::diag::invalid::toml_error("policy::invalid-test", &snippet, &e))?;
    Ok(located(file.test, &snippet))
}

impl Case {
    /// Where the case is, for diagnostics.
    pub fn place(&self) -> Option<(&Snippet, Span)> {
        self.file.as_ref().map(|f| (f, self.span.clone()))
    }
}

/// What is wrong with a case itself (exit 2): a rule it names that the
/// policy does not have, or an asset or site it cannot express.
pub fn validate(policy: &Policy, case: &Case) -> Vec<Invalid> {
    let mut problems = Vec::new();
    let Some(file) = case.file.clone() else {
        return problems;
    };
    let known = |id: &str| {
        let full = full_id(policy, id);
        policy.rules.iter().any(|r| r.id == full) || crate::diag::Code::from_id(&full).is_some()
    };
    for id in case.expect.iter().chain(&case.expect_not) {
        if !known(id.get_ref()) {
            let rules: Vec<&str> = policy
                .rules
                .iter()
                .map(|r| r.id.rsplit('/').next().unwrap_or(&r.id))
                .collect();
            problems.push(
                Invalid::at(
                    "policy::unknown-test-rule",
                    format!(
                        "test case \"{}\" names `{}`, which is not a rule of policy `{}`",
                        case.name.get_ref(),
                        id.get_ref(),
                        policy.id
                    ),
                    &file,
                    id.span(),
                    "unknown rule",
                )
                .with_help(format!("the policy's rules: {}", rules.join(", "))),
            );
        }
    }
    let snippet = policy.source.clone();
    let columns = Default::default();
    for table in &case.sites {
        if let Err(p) = fields::site(record(table, &snippet), &columns) {
            problems.push(case_problem(case, &file, &p.message, &p.label));
        }
    }
    for table in &case.assets {
        let (_, found) = fields::asset(record(table, &snippet), &columns);
        for p in found {
            problems.push(case_problem(case, &file, &p.message, &p.label));
        }
    }
    problems
}

fn case_problem(case: &Case, file: &Snippet, message: &str, label: &str) -> Invalid {
    Invalid::at(
        "policy::invalid-test",
        format!("test case \"{}\": {message}", case.name.get_ref()),
        file,
        case.name.span(),
        label.to_string(),
    )
}

/// A rule id as written in a case: bare ids are the policy's own.
fn full_id(policy: &Policy, id: &str) -> String {
    if id.contains('/') {
        id.to_string()
    } else {
        format!("{}/{id}", policy.id)
    }
}

/// What running a case found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The case's name.
    pub name: String,
    /// Expected rules that did not fire.
    pub missing: Vec<String>,
    /// Rules that fired but must not have.
    pub unexpected: Vec<String>,
    /// Every rule that fired, sorted, without repeats.
    pub fired: Vec<String>,
}

impl Outcome {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.missing.is_empty() && self.unexpected.is_empty()
    }
}

/// Runs one case of `policy`.
pub fn run(
    policy: &Policy,
    case: &Case,
    catalog: &Catalog,
    ladder: &Ladder,
    today: Date,
) -> Outcome {
    let today = case
        .date
        .as_ref()
        .and_then(crate::policy::load::plain_date)
        .unwrap_or(today);
    let snippet = policy.source.clone();
    let columns = Default::default();
    let sites: Vec<_> = case
        .sites
        .iter()
        .filter_map(|t| fields::site(record(t, &snippet), &columns).ok())
        .map(|(site, _)| site)
        .collect();
    let (sites, _) = SiteIndex::build(sites, ladder);
    let policies = std::slice::from_ref(policy);
    let engine = Engine {
        policies,
        catalog,
        sites: &sites,
        ladder,
        today,
        redact: false,
    };
    let mut findings = Vec::new();
    let mut resolver = Resolver::new(catalog);
    for table in &case.assets {
        let (asset, _) = fields::asset(record(table, &snippet), &columns);
        engine.check(&mut resolver, &asset, &mut findings);
    }
    let mut fired: Vec<String> = findings.iter().map(|f| f.rule.clone()).collect();
    fired.sort();
    fired.dedup();
    Outcome {
        name: case.name.get_ref().clone(),
        missing: case
            .expect
            .iter()
            .map(|id| full_id(policy, id.get_ref()))
            .filter(|id| !fired.contains(id))
            .collect(),
        unexpected: case
            .expect_not
            .iter()
            .map(|id| full_id(policy, id.get_ref()))
            .filter(|id| fired.contains(id))
            .collect(),
        fired,
    }
}

/// An inline table as a record (spans point at the start of the file).
fn record(table: &toml::Table, snippet: &Snippet) -> Record {
    Record {
        line: 1,
        span: 0..0,
        entries: table
            .iter()
            .map(|(k, v)| (Spanned::new(k.clone(), 0..0), Spanned::new(raw(v), 0..0)))
            .collect(),
        snippet: snippet.clone(),
    }
}

fn raw(value: &toml::Value) -> RawValue {
    match value {
        toml::Value::String(s) => RawValue::Str(s.clone()),
        toml::Value::Integer(i) => RawValue::Number(i.to_string()),
        toml::Value::Float(f) => RawValue::Number(f.to_string()),
        toml::Value::Boolean(b) => RawValue::Bool(*b),
        toml::Value::Datetime(d) => RawValue::Str(d.to_string()),
        toml::Value::Array(items) => {
            RawValue::List(items.iter().map(|i| Spanned::new(raw(i), 0..0)).collect())
        }
        toml::Value::Table(t) => RawValue::Map(
            t.iter()
                .map(|(k, v)| (Spanned::new(k.clone(), 0..0), Spanned::new(raw(v), 0..0)))
                .collect(),
        ),
    }
}
