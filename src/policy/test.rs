//! Policy test cases: `[[test]]` tables with inline assets and sites, and
//! the rules that must and must not fire. Run by the pack tests (and, later,
//! `assetlint policy test`).

use jiff::civil::Date;
use serde::Deserialize;

use crate::check::Engine;
use crate::model::schema::Ladder;
use crate::model::{RawValue, Record};
use crate::policy::load::Policy;
use crate::read::fields;
use crate::resolve::catalog::Catalog;
use crate::resolve::resolver::Resolver;
use crate::resolve::sites::SiteIndex;
use crate::source::{Snippet, Spanned};

/// One `[[test]]` case as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// What the case shows.
    pub name: String,
    /// Evaluate as of this day (default: today).
    pub date: Option<toml::value::Datetime>,
    /// Inline assets.
    #[serde(default)]
    pub assets: Vec<toml::Table>,
    /// Inline sites.
    #[serde(default)]
    pub sites: Vec<toml::Table>,
    /// Rules that must fire (bare id or `POLICY/RULE`).
    #[serde(default)]
    pub expect: Vec<String>,
    /// Rules that must not fire.
    #[serde(default)]
    pub expect_not: Vec<String>,
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
    };
    let mut findings = Vec::new();
    let mut resolver = Resolver::new(catalog);
    for table in &case.assets {
        let (asset, _) = fields::asset(record(table, &snippet), &columns);
        engine.check(&mut resolver, &asset, &mut findings);
    }
    let full = |id: &str| {
        if id.contains('/') {
            id.to_string()
        } else {
            format!("{}/{id}", policy.id)
        }
    };
    let fired: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    Outcome {
        name: case.name.clone(),
        missing: case
            .expect
            .iter()
            .map(|id| full(id))
            .filter(|id| !fired.contains(&id.as_str()))
            .collect(),
        unexpected: case
            .expect_not
            .iter()
            .map(|id| full(id))
            .filter(|id| fired.contains(&id.as_str()))
            .collect(),
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
