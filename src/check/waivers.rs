//! Waivers: accepted findings, each with a reason, an approver and an
//! expiry date.
//!
//! ```toml
//! [[waiver]]
//! rule = "uk-gov/*"              # glob on rule ids (required)
//! asset = "CAM-00[1-3]"          # glob on the finding's asset id
//! site = "HQ-*"                  # glob on the finding's site id (asset or site, or both)
//! reason = "Replacement ordered, PO 4411"
//! approved_by = "J. Smith, CISO"
//! expires = 2026-12-31           # the last day it holds
//! ```
//!
//! Read in two phases like the config: `RawWaiver` mirrors the file
//! (unknown keys rejected, values spanned), [`Waivers::load`] validates every
//! entry, collecting all problems, and compiles the globs once. Matching
//! ([`Waivers::suppress`]) is pure apart from a per-waiver use counter, from
//! which [`Waivers::findings`] reports the waivers that matched nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobMatcher};
use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::diag::invalid::toml_error;
use crate::diag::{Code, Finding, Invalid, Label, Suppression};
use crate::source::{Snippet, Span};

/// How many days ahead an expiry is announced.
pub const EXPIRING_DAYS: i32 = 30;

/// A waiver file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
}

/// One `[[waiver]]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Option<Spanned<String>>,
    asset: Option<Spanned<String>>,
    site: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    approved_by: Option<Spanned<String>>,
    expires: Option<Spanned<toml::value::Datetime>>,
}

/// One validated waiver.
#[derive(Debug)]
struct Waiver {
    rule: GlobMatcher,
    asset: Option<GlobMatcher>,
    site: Option<GlobMatcher>,
    suppression: Suppression,
    expires: Date,
    snippet: Snippet,
    /// The whole `[[waiver]]` table.
    span: Span,
    rule_span: Span,
    expires_span: Span,
    /// The non-waivable rules its `rule` glob names.
    forbidden: Vec<String>,
    /// Findings it suppressed in this run.
    used: usize,
}

impl Waiver {
    fn expired(&self, today: Date) -> bool {
        self.expires < today
    }

    fn matches(&self, finding: &Finding) -> bool {
        let glob = |g: &Option<GlobMatcher>, value: &Option<String>| match g {
            None => true,
            Some(g) => value.as_deref().is_some_and(|v| g.is_match(v)),
        };
        self.rule.is_match(&finding.rule)
            && glob(&self.asset, &finding.asset_id)
            && glob(&self.site, &finding.site_id)
    }
}

/// The waivers of a run.
#[derive(Debug, Default)]
pub struct Waivers {
    list: Vec<Waiver>,
    /// Ids of rules marked `waivable = false`.
    not_waivable: Vec<String>,
    today: Date,
}

/// The keys of a `[[waiver]]`, for help texts.
const KEYS: &str = "rule, asset, site, reason, approved_by, expires";

impl Waivers {
    /// Reads and validates waiver files (shown relative to `root`), every
    /// problem collected. `rules` are the loaded rules' ids with whether
    /// each is waivable; `today` is the run's date.
    pub fn load<'r>(
        paths: &[PathBuf],
        root: &Path,
        rules: impl Iterator<Item = (&'r str, bool)>,
        today: Date,
    ) -> Result<Waivers, Vec<Invalid>> {
        let mut waivers = Waivers {
            list: Vec::new(),
            not_waivable: rules
                .filter(|(_, waivable)| !waivable)
                .map(|(id, _)| id.to_string())
                .collect(),
            today,
        };
        let mut problems = Vec::new();
        for path in paths {
            let name: Arc<str> = crate::discover::display_path(path, root).into();
            match std::fs::read_to_string(path) {
                Ok(text) => waivers.parse(name, &text, &mut problems),
                Err(e) => problems.push(Invalid::plain(
                    "waivers::unreadable",
                    format!("cannot read waiver file {name}: {e}"),
                )),
            }
        }
        if problems.is_empty() {
            Ok(waivers)
        } else {
            Err(problems)
        }
    }

    /// Validates one file's text, adding its waivers.
    fn parse(&mut self, name: Arc<str>, text: &str, problems: &mut Vec<Invalid>) {
        let snippet = Snippet::whole(name.clone(), text.into());
        let raw: RawFile = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                problems.push(
                    toml_error("waivers::invalid", &snippet, &e)
                        .with_help(format!("a [[waiver]] has the keys {KEYS}")),
                );
                return;
            }
        };
        for raw in raw.waiver {
            let span = raw.span();
            let raw = raw.into_inner();
            if let Some(w) = self.validate(raw, &snippet, span, problems) {
                self.list.push(w);
            }
        }
    }

    fn validate(
        &self,
        raw: RawWaiver,
        snippet: &Snippet,
        span: Span,
        problems: &mut Vec<Invalid>,
    ) -> Option<Waiver> {
        let before = problems.len();
        let missing = |key: &str, what: &str| {
            Invalid::at(
                "waivers::missing-key",
                format!("this waiver has no `{key}`"),
                snippet,
                span.clone(),
                format!("no `{key}` in this waiver"),
            )
            .with_help(what.to_string())
        };
        let glob = |value: &Option<Spanned<String>>, problems: &mut Vec<Invalid>| {
            let value = value.as_ref()?;
            match Glob::new(value.get_ref()) {
                Ok(g) => Some(g.compile_matcher()),
                Err(e) => {
                    problems.push(Invalid::at(
                        "waivers::invalid-glob",
                        format!("invalid glob `{}`", value.get_ref()),
                        snippet,
                        value.span(),
                        e.kind().to_string(),
                    ));
                    None
                }
            }
        };
        let rule = glob(&raw.rule, problems);
        let asset = glob(&raw.asset, problems);
        let site = glob(&raw.site, problems);
        if raw.rule.is_none() {
            problems.push(missing(
                "rule",
                "name the rule it waives, e.g. rule = \"uk-gov/sensitive-site-banned-vendor\" (a glob: \"uk-gov/*\")",
            ));
        }
        if raw.asset.is_none() && raw.site.is_none() {
            problems.push(missing(
                "asset",
                "a waiver names the assets it covers (asset = \"CAM-*\"), the sites (site = \"HQ\"), or both",
            ));
        }
        let reason = raw.reason.as_ref().and_then(|r| {
            if r.get_ref().trim().is_empty() {
                problems.push(Invalid::at(
                    "waivers::empty-reason",
                    "a waiver's reason cannot be empty",
                    snippet,
                    r.span(),
                    "empty reason",
                ));
                None
            } else {
                Some(r.get_ref().clone())
            }
        });
        if raw.reason.is_none() {
            problems.push(missing(
                "reason",
                "say why the finding is accepted, e.g. reason = \"replacement ordered, PO 4411\"",
            ));
        }
        let expires = match &raw.expires {
            None => {
                problems.push(missing(
                    "expires",
                    "every waiver ends: add expires = YYYY-MM-DD, the last day it holds",
                ));
                None
            }
            Some(value) => {
                let date = crate::policy::load::plain_date(value.get_ref());
                if date.is_none() {
                    problems.push(Invalid::at(
                        "waivers::invalid-date",
                        "expected a date such as 2026-12-31",
                        snippet,
                        value.span(),
                        "not a plain date",
                    ));
                }
                date.map(|d| (d, value.span()))
            }
        };
        if problems.len() > before {
            return None;
        }
        let (rule, rule_span, reason, (expires, expires_span)) =
            (rule?, raw.rule?.span(), reason?, expires?);
        let forbidden = self
            .not_waivable
            .iter()
            .filter(|id| rule.is_match(id.as_str()))
            .cloned()
            .collect();
        let line = snippet.position(span.start).line;
        Some(Waiver {
            rule,
            asset,
            site,
            suppression: Suppression {
                waiver: format!("{}:{line}", snippet.name()),
                reason,
                approved_by: raw.approved_by.map(Spanned::into_inner),
                expires: expires.to_string(),
            },
            expires,
            snippet: snippet.clone(),
            span,
            rule_span,
            expires_span,
            forbidden,
            used: 0,
        })
    }

    /// Whether there are no waivers.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The files the waivers come from, as shown.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|w| w.snippet.name().as_ref())
    }

    /// The first unexpired waiver that matches the finding, if the finding's
    /// rule may be waived; that waiver counts one more use.
    pub fn suppress(&mut self, finding: &Finding) -> Option<Suppression> {
        if self.not_waivable.contains(&finding.rule) {
            return None;
        }
        let today = self.today;
        let waiver = self
            .list
            .iter_mut()
            .find(|w| !w.expired(today) && w.matches(finding))?;
        waiver.used += 1;
        Some(waiver.suppression.clone())
    }

    /// Findings about the waivers themselves, known once every finding has
    /// been offered to [`Waivers::suppress`]: expired, naming a rule that
    /// cannot be waived, unused, expiring soon (in that order of
    /// precedence, except that a forbidden rule is always reported).
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for w in &self.list {
            if !w.forbidden.is_empty() {
                out.push(self.not_allowed(w));
            }
            let days = (w.expires - self.today).get_days();
            if w.expired(self.today) {
                out.push(finding(
                    w,
                    Code::WaiverExpired,
                    format!(
                        "this waiver expired on {} ({} days ago) and no longer suppresses findings",
                        w.expires, -days
                    ),
                    w.expires_span.clone(),
                    "expired",
                ));
            } else if w.used == 0 {
                if w.forbidden.is_empty() {
                    out.push(finding(
                        w,
                        Code::WaiverUnused,
                        "this waiver matched no finding".to_string(),
                        w.span.clone(),
                        "matches nothing",
                    ));
                }
            } else if days <= EXPIRING_DAYS {
                out.push(finding(
                    w,
                    Code::WaiverExpiring,
                    format!(
                        "this waiver expires on {} ({})",
                        w.expires,
                        match days {
                            0 => "today is its last day".to_string(),
                            1 => "1 day left".to_string(),
                            n => format!("{n} days left"),
                        }
                    ),
                    w.expires_span.clone(),
                    "expires soon",
                ));
            }
        }
        out
    }

    fn not_allowed(&self, w: &Waiver) -> Finding {
        finding(
            w,
            Code::WaiverNotAllowed,
            format!(
                "this waiver names {}, which cannot be waived",
                w.forbidden
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            w.rule_span.clone(),
            "names a rule marked waivable = false",
        )
    }
}

fn finding(w: &Waiver, code: Code, message: String, span: Span, label: &str) -> Finding {
    let mut f = Finding::new(
        code.id(),
        code.severity(),
        message,
        Label::new(w.snippet.clone(), span, label),
    );
    f.help = Some(code.help().to_string());
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn load(text: &str, today: &str) -> Result<Waivers, Vec<Invalid>> {
        let mut w = Waivers {
            not_waivable: vec!["p/strict".into()],
            today: day(today),
            ..Waivers::default()
        };
        let mut problems = Vec::new();
        w.parse("waivers.toml".into(), text, &mut problems);
        if problems.is_empty() {
            Ok(w)
        } else {
            Err(problems)
        }
    }

    fn finding_for(rule: &str, asset: Option<&str>, site: Option<&str>) -> Finding {
        let snippet = Snippet::whole("a.csv".into(), "x".into());
        let mut f = Finding::new(rule, Severity::Error, "m", Label::new(snippet, 0..1, ""));
        f.asset_id = asset.map(String::from);
        f.site_id = site.map(String::from);
        f
    }

    const ONE: &str = r#"
[[waiver]]
rule = "p/*"
asset = "CAM-*"
site = "HQ"
reason = "replacement ordered"
approved_by = "CISO"
expires = 2026-12-31
"#;

    #[test]
    fn matches_rule_asset_and_site_globs() {
        let mut w = load(&ONE.replace("p/*", "p/[rs]"), "2026-11-01").unwrap();
        assert!(w
            .suppress(&finding_for("q/r", Some("CAM-1"), Some("HQ")))
            .is_none());
        assert!(w
            .suppress(&finding_for("p/r", Some("NVR-1"), Some("HQ")))
            .is_none());
        assert!(w
            .suppress(&finding_for("p/r", Some("CAM-1"), None))
            .is_none());
        let s = w
            .suppress(&finding_for("p/r", Some("CAM-1"), Some("HQ")))
            .unwrap();
        assert_eq!(s.waiver, "waivers.toml:2");
        assert_eq!(s.approved_by.as_deref(), Some("CISO"));
        assert_eq!(s.expires, "2026-12-31");
        assert!(w.findings().is_empty(), "used and not expiring");
    }

    #[test]
    fn a_rule_marked_not_waivable_is_never_suppressed() {
        let mut w = load(ONE, "2026-11-01").unwrap();
        assert!(w
            .suppress(&finding_for("p/strict", Some("CAM-1"), Some("HQ")))
            .is_none());
        let codes: Vec<_> = w.findings().iter().map(|f| f.rule.clone()).collect();
        assert_eq!(codes, ["assetlint/waiver-not-allowed"]);
    }

    #[test]
    fn expired_waivers_stop_suppressing_and_are_reported() {
        let mut w = load(ONE.replace("p/*", "p/r").as_str(), "2027-01-01").unwrap();
        assert!(w
            .suppress(&finding_for("p/r", Some("CAM-1"), Some("HQ")))
            .is_none());
        let f = w.findings();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "assetlint/waiver-expired");
        assert_eq!(
            f[0].primary.snippet.slice(&f[0].primary.span),
            Some("2026-12-31")
        );
    }

    #[test]
    fn the_last_day_still_holds_and_is_announced() {
        let mut w = load(ONE.replace("p/*", "p/r").as_str(), "2026-12-31").unwrap();
        assert!(w
            .suppress(&finding_for("p/r", Some("CAM-1"), Some("HQ")))
            .is_some());
        let f = w.findings();
        assert_eq!(f[0].rule, "assetlint/waiver-expiring");
        assert!(f[0].message.contains("last day"), "{}", f[0].message);
    }

    #[test]
    fn unused_waivers_are_reported() {
        let w = load(ONE.replace("p/*", "p/r").as_str(), "2026-01-01").unwrap();
        let f = w.findings();
        assert_eq!(f[0].rule, "assetlint/waiver-unused");
    }

    #[test]
    fn missing_keys_are_all_reported_at_the_waiver() {
        let text = "[[waiver]]\nrule = \"p/r\"\nasset = \"[\"\n";
        let problems = load(text, "2026-01-01").unwrap_err();
        let codes: Vec<_> = problems.iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            [
                "waivers::invalid-glob",
                "waivers::missing-key",
                "waivers::missing-key"
            ]
        );
        let (_, span) = problems[1].at.clone().unwrap();
        assert_eq!(&text[span], "[[waiver]]");
    }

    #[test]
    fn unknown_keys_are_errors_at_the_key() {
        let text = "[[waiver]]\nrule = \"p/r\"\nasset = \"A\"\nreason = \"r\"\nexpires = 2026-01-01\napprover = \"me\"\n";
        let problems = load(text, "2026-01-01").unwrap_err();
        let (_, span) = problems[0].at.clone().unwrap();
        assert_eq!(&text[span], "approver");
    }
}
