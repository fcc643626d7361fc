//! Policy files: read in two phases. The raw types mirror the TOML (values
//! spanned, unknown keys rejected); [`Policy`] and [`Rule`] are what the
//! engine runs. Every problem is collected, each at its exact place.

use std::path::Path as FsPath;
use std::sync::Arc;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::config::PolicySource;
use crate::diag::invalid::toml_error;
use crate::diag::{Invalid, Severity};
use crate::discover::display_path;
use crate::model::schema::{AssetField, Facts, Ladder, Path, Val};
use crate::policy::builtin;
use crate::policy::expr::{self, Expr};
use crate::source::{Snippet, Span};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    policy: RawMeta,
    #[serde(default)]
    rule: Vec<RawRule>,
    #[serde(default)]
    test: Vec<Spanned<crate::policy::test::Case>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    id: Spanned<String>,
    title: Option<String>,
    version: Option<String>,
    description: Option<String>,
    #[serde(default)]
    references: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    severity: Option<Spanned<String>>,
    severity_before_deadline: Option<Spanned<String>>,
    summary: String,
    when: Spanned<String>,
    message: Option<Spanned<String>>,
    help: Option<String>,
    url: Option<String>,
    #[serde(default)]
    references: Vec<String>,
    effective: Option<Spanned<toml::value::Datetime>>,
    deadline: Option<Spanned<toml::value::Datetime>>,
    waivable: Option<bool>,
}

impl Rule {
    /// The place in the policy file of a span of the `when` text.
    pub fn when_place(&self, span: &Span) -> Span {
        match &self.when_map {
            Some(map) => map.map(span),
            None => self.when_span.clone(),
        }
    }
}

/// A loaded policy.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Policy id: the prefix of its rule ids.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
    pub version: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Where the policy comes from.
    pub references: Vec<String>,
    /// Its rules.
    pub rules: Vec<Rule>,
    /// The file, for diagnostics.
    pub source: Snippet,
    /// Its `[[test]]` cases.
    pub tests: Vec<crate::policy::test::Case>,
}

/// A compiled rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// `policy/rule`.
    pub id: String,
    /// Severity once the deadline (if any) has passed.
    pub severity: Severity,
    /// Severity before the deadline.
    pub severity_before_deadline: Severity,
    /// One line.
    pub summary: String,
    /// The condition.
    pub when: Expr,
    /// The message template.
    pub message: Template,
    /// What to do.
    pub help: Option<String>,
    /// Where to read more.
    pub url: Option<String>,
    /// The rule's own references.
    pub references: Vec<String>,
    /// The rule applies from this day.
    pub effective: Option<Date>,
    /// Findings before this day have `severity_before_deadline`.
    pub deadline: Option<Date>,
    /// Whether a waiver may suppress its findings.
    pub waivable: bool,
    /// The policy file.
    pub source: Snippet,
    /// The rule's `when` value in the file.
    pub when_span: Span,
    /// Maps spans in the `when` text to the file (`None` when the value
    /// could not be mapped; then the whole value stands for any part).
    pub when_map: Option<ContentMap>,
    /// The rule's `id` value in the file.
    pub id_span: Span,
    /// Whether the condition reads `site.*`.
    pub reads_site: bool,
}

/// A message with `{path}` placeholders.
#[derive(Clone, Debug)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
enum Part {
    Text(String),
    Path(Path),
}

impl Template {
    /// Fills the placeholders from `facts`; `level` names a ladder rank. A
    /// missing value reads `(none)`, but a missing `asset.kind` reads
    /// `device`.
    pub fn render(&self, facts: &dyn Facts, ladder: &Ladder) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Path(p) => match facts.get(p) {
                    Some(Val::Str(s)) => out.push_str(s),
                    Some(Val::Num(n)) => out.push_str(&n.to_string()),
                    Some(Val::Bool(b)) => out.push_str(&b.to_string()),
                    Some(Val::Date(d)) => out.push_str(&d.to_string()),
                    Some(Val::Level(r)) => out.push_str(ladder.name(r).unwrap_or("?")),
                    Some(Val::List(items)) => out.push_str(&items.join(", ")),
                    // A scan rarely says what a device is.
                    None if *p == Path::Asset(AssetField::Kind) => out.push_str("device"),
                    None => out.push_str("(none)"),
                },
            }
        }
        out
    }
}

/// Loads every policy a run asks for. An empty list means the builtin packs.
/// Files are shown relative to `root`.
pub fn load_all(
    sources: &[PolicySource],
    ladder: &Ladder,
    root: &FsPath,
) -> Result<Vec<Policy>, Vec<Invalid>> {
    let defaults: Vec<PolicySource>;
    let sources = if sources.is_empty() {
        defaults = builtin::BUILTIN_PACKS
            .iter()
            .map(|(name, _)| PolicySource::Builtin(name.to_string()))
            .collect();
        &defaults
    } else {
        sources
    };
    let mut policies = Vec::new();
    let mut problems = Vec::new();
    let mut builtins = load_builtins(sources, ladder).into_iter();
    for source in sources {
        let parsed = builtins.next().flatten();
        match source {
            PolicySource::Builtin(name) => match parsed {
                Some(result) => collect(result, &mut policies, &mut problems),
                None => problems.push(
                    Invalid::plain(
                        "policy::unknown-builtin",
                        format!("there is no builtin policy pack `{name}`"),
                    )
                    .with_help(format!(
                        "the builtin packs: {}",
                        builtin::BUILTIN_PACKS
                            .iter()
                            .map(|(n, _)| format!("builtin:{n}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ),
            },
            PolicySource::Path(path) => {
                for file in policy_files(path, &mut problems) {
                    match std::fs::read_to_string(&file) {
                        Ok(text) => collect(
                            load(display_path(&file, root).into(), &text, ladder),
                            &mut policies,
                            &mut problems,
                        ),
                        Err(e) => problems.push(Invalid::plain(
                            "policy::unreadable",
                            format!("cannot read policy {}: {e}", file.display()),
                        )),
                    }
                }
            }
        }
    }
    check_unique(&policies, &mut problems);
    if problems.is_empty() {
        let catalog = crate::resolve::catalog::Catalog::builtin_shared();
        for policy in &policies {
            problems.extend(crate::policy::lint::lint(policy, catalog, ladder));
        }
    }
    if problems.is_empty() {
        Ok(policies)
    } else {
        Err(problems)
    }
}

/// A builtin pack's parse, by position in `sources`: `None` for a path or
/// an unknown name.
type Builtin = Option<Result<Policy, Vec<Invalid>>>;

/// Parses the builtin packs among `sources`, one result per source in
/// order. With two or more, a scoped thread parses the trailing packs
/// (just under half the text) and builds the shared builtin catalog (which
/// linting the packs needs next) while this thread parses the leading
/// ones: at start-up the other core is otherwise idle. The results, and so
/// the run's output, do not depend on which thread parsed what.
fn load_builtins(sources: &[PolicySource], ladder: &Ladder) -> Vec<Builtin> {
    let one = |source: &PolicySource| match source {
        PolicySource::Builtin(name) => {
            builtin::pack(name).map(|text| load(format!("builtin:{name}").into(), text, ladder))
        }
        PolicySource::Path(_) => None,
    };
    let size = |source: &PolicySource| match source {
        PolicySource::Builtin(name) => builtin::pack(name).map_or(0, str::len),
        PolicySource::Path(_) => 0,
    };
    let packs = sources.iter().filter(|s| size(s) > 0).count();
    if packs < 2 {
        return sources.iter().map(one).collect();
    }
    // This thread takes packs until it has 60% of the text; the other
    // thread's share is evened out by the catalog it builds.
    let total: usize = sources.iter().map(size).sum();
    let mut taken = 0;
    let split = sources
        .iter()
        .position(|s| {
            taken += size(s);
            taken * 5 >= total * 3
        })
        .map_or(sources.len(), |i| i + 1);
    let (lead, trail) = sources.split_at(split);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let loaded: Vec<Builtin> = trail.iter().map(one).collect();
            crate::resolve::catalog::Catalog::builtin_shared();
            loaded
        });
        let mut loaded: Vec<Builtin> = lead.iter().map(one).collect();
        match other.join() {
            Ok(rest) => loaded.extend(rest),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        loaded
    })
}

fn collect(
    result: Result<Policy, Vec<Invalid>>,
    policies: &mut Vec<Policy>,
    problems: &mut Vec<Invalid>,
) {
    match result {
        Ok(p) => policies.push(p),
        Err(e) => problems.extend(e),
    }
}

/// A policy path: a file, or every `*.toml` file in a directory (sorted),
/// except `*_test.toml`.
fn policy_files(path: &FsPath, problems: &mut Vec<Invalid>) -> Vec<std::path::PathBuf> {
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "toml")
                    && !p.to_string_lossy().ends_with("_test.toml")
            })
            .collect();
        files.sort();
        if files.is_empty() {
            problems.push(Invalid::plain(
                "policy::empty-directory",
                format!("no policy files (*.toml) in {}", path.display()),
            ));
        }
        files
    } else if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        problems.push(Invalid::plain(
            "policy::not-found",
            format!("policy {} does not exist", path.display()),
        ));
        Vec::new()
    }
}

fn check_unique(policies: &[Policy], problems: &mut Vec<Invalid>) {
    let mut seen: std::collections::HashMap<&str, &Policy> = std::collections::HashMap::new();
    for policy in policies {
        if let Some(first) = seen.insert(&policy.id, policy) {
            problems.push(Invalid::plain(
                "policy::duplicate-policy",
                format!(
                    "policy `{}` is loaded twice ({} and {})",
                    policy.id,
                    first.source.name(),
                    policy.source.name()
                ),
            ));
        }
    }
}

/// Loads one policy file; `name` is how it is shown.
pub fn load(name: Arc<str>, text: &str, ladder: &Ladder) -> Result<Policy, Vec<Invalid>> {
    let snippet = Snippet::whole(name, text.into());
    let raw: RawPolicy =
        toml::from_str(text).map_err(|e| vec![toml_error("policy::invalid", &snippet, &e)])?;
    let mut problems = Vec::new();
    let policy_id = raw.policy.id.get_ref().clone();
    if !is_slug(&policy_id) {
        problems.push(
            Invalid::at(
                "policy::invalid-id",
                format!("policy id `{policy_id}` is not a lowercase slug"),
                &snippet,
                raw.policy.id.span(),
                "use lowercase letters, digits and `-`",
            )
            .with_help("ids appear in rule ids, waivers and baselines: keep them stable"),
        );
    }
    let mut rules: Vec<Rule> = Vec::new();
    for raw_rule in raw.rule {
        let local = raw_rule.id.get_ref();
        if !is_slug(local) {
            problems.push(Invalid::at(
                "policy::invalid-id",
                format!("rule id `{local}` is not a lowercase slug"),
                &snippet,
                raw_rule.id.span(),
                "use lowercase letters, digits and `-`",
            ));
        }
        let id = format!("{policy_id}/{local}");
        if rules.iter().any(|r| r.id == id) {
            problems.push(Invalid::at(
                "policy::duplicate-rule",
                format!("rule `{id}` is defined twice"),
                &snippet,
                raw_rule.id.span(),
                "second definition",
            ));
            continue;
        }
        if let Some(rule) = compile_rule(id, raw_rule, &snippet, text, ladder, &mut problems) {
            rules.push(rule);
        }
    }
    if problems.is_empty() {
        Ok(Policy {
            id: policy_id,
            title: raw.policy.title.unwrap_or_default(),
            version: raw.policy.version,
            description: raw.policy.description,
            references: raw.policy.references,
            rules,
            tests: crate::policy::test::located(raw.test, &snippet),
            source: snippet,
        })
    } else {
        Err(problems)
    }
}

fn compile_rule(
    id: String,
    raw: RawRule,
    snippet: &Snippet,
    text: &str,
    ladder: &Ladder,
    problems: &mut Vec<Invalid>,
) -> Option<Rule> {
    let before = problems.len();
    let severity = severity_of(raw.severity.as_ref(), Severity::Error, snippet, problems);
    let severity_before_deadline = severity_of(
        raw.severity_before_deadline.as_ref(),
        Severity::Warning,
        snippet,
        problems,
    );
    let when_span = raw.when.span();
    let id_span = raw.id.span();
    let when_map = ContentMap::new(text, &when_span, raw.when.get_ref());
    let when = match expr::compile(raw.when.get_ref(), ladder) {
        Ok(e) => Some(e),
        Err(errors) => {
            for e in errors {
                let span = match &when_map {
                    Some(map) => map.map(&e.span),
                    None => when_span.clone(),
                };
                let mut invalid = Invalid::at(
                    "policy::invalid-condition",
                    format!("in rule `{id}`: {}", e.message),
                    snippet,
                    span,
                    e.label,
                );
                invalid.help = e.help;
                problems.push(invalid);
            }
            None
        }
    };
    let message = match &raw.message {
        Some(m) => template(m, snippet, text, problems),
        None => Some(Template {
            parts: vec![Part::Text(raw.summary.clone())],
        }),
    };
    let effective = date(raw.effective.as_ref(), snippet, problems);
    let deadline = date(raw.deadline.as_ref(), snippet, problems);
    if problems.len() > before {
        return None;
    }
    let when = when?;
    Some(Rule {
        when_map,
        id,
        severity,
        severity_before_deadline,
        summary: raw.summary,
        reads_site: when.reads_site(),
        when,
        message: message?,
        help: raw.help,
        url: raw.url,
        references: raw.references,
        effective,
        deadline,
        waivable: raw.waivable.unwrap_or(true),
        source: snippet.clone(),
        when_span,
        id_span,
    })
}

fn severity_of(
    raw: Option<&Spanned<String>>,
    default: Severity,
    snippet: &Snippet,
    problems: &mut Vec<Invalid>,
) -> Severity {
    let Some(raw) = raw else { return default };
    Severity::from_name(raw.get_ref()).unwrap_or_else(|| {
        problems.push(Invalid::at(
            "policy::invalid-severity",
            format!("`{}` is not a severity", raw.get_ref()),
            snippet,
            raw.span(),
            "expected `error`, `warning` or `note`",
        ));
        default
    })
}

/// A TOML date with no time part, as a calendar date.
pub fn plain_date(value: &toml::value::Datetime) -> Option<Date> {
    let d = value.date.filter(|_| value.time.is_none())?;
    Date::new(d.year as i16, d.month as i8, d.day as i8).ok()
}

fn date(
    raw: Option<&Spanned<toml::value::Datetime>>,
    snippet: &Snippet,
    problems: &mut Vec<Invalid>,
) -> Option<Date> {
    let raw = raw?;
    let parsed = plain_date(raw.get_ref());
    if parsed.is_none() {
        problems.push(Invalid::at(
            "policy::invalid-date",
            "expected a date such as 2025-04-01",
            snippet,
            raw.span(),
            "not a plain date",
        ));
    }
    parsed
}

/// Parses `{path}` placeholders; `{{` and `}}` are literal braces.
fn template(
    raw: &Spanned<String>,
    snippet: &Snippet,
    text: &str,
    problems: &mut Vec<Invalid>,
) -> Option<Template> {
    let value = raw.get_ref();
    let map = ContentMap::new(text, &raw.span(), value);
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut ok = true;
    let mut rest = value.char_indices().peekable();
    while let Some((i, c)) = rest.next() {
        match c {
            '{' if rest.peek().is_some_and(|&(_, n)| n == '{') => {
                rest.next();
                literal.push('{');
            }
            '}' if rest.peek().is_some_and(|&(_, n)| n == '}') => {
                rest.next();
                literal.push('}');
            }
            '{' => {
                let Some(close) = value[i..].find('}') else {
                    problems.push(
                        at(
                            map.as_ref(),
                            raw,
                            snippet,
                            i..i + 1,
                            "policy::invalid-message",
                            "unclosed `{` in message",
                            "this `{` is never closed",
                        )
                        .with_help("write `{{` for a literal brace"),
                    );
                    ok = false;
                    break;
                };
                let inner = &value[i + 1..i + close];
                match expr::parse_path(inner.trim()) {
                    Ok(path) => {
                        if !literal.is_empty() {
                            parts.push(Part::Text(std::mem::take(&mut literal)));
                        }
                        parts.push(Part::Path(path));
                    }
                    Err(e) => {
                        let lead = inner.len() - inner.trim_start().len();
                        let start = i + 1 + lead + e.span.start;
                        let end = (i + 1 + lead + e.span.end).max(start);
                        problems.push(
                            at(
                                map.as_ref(),
                                raw,
                                snippet,
                                start..end,
                                "policy::invalid-message",
                                &format!("in message: {}", e.message),
                                &e.label,
                            )
                            .with_help(e.help.unwrap_or_else(|| {
                                "placeholders are paths such as {asset.id} or {site.name}".into()
                            })),
                        );
                        ok = false;
                    }
                }
                while rest.peek().is_some_and(|&(j, _)| j <= i + close) {
                    rest.next();
                }
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Text(literal));
    }
    ok.then_some(Template { parts })
}

fn at(
    map: Option<&ContentMap>,
    raw: &Spanned<String>,
    snippet: &Snippet,
    local: Span,
    code: &'static str,
    message: &str,
    label: &str,
) -> Invalid {
    let span = match map {
        Some(m) => m.map(&local),
        None => raw.span(),
    };
    Invalid::at(code, message, snippet, span, label)
}

/// Maps byte ranges in a TOML string's value back to the file, through
/// delimiters and escapes.
#[derive(Clone, Debug)]
pub struct ContentMap {
    /// File offset of each value byte, plus one past the end.
    offsets: Vec<usize>,
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

impl ContentMap {
    /// Builds the map for the string token at `span` whose value is `value`;
    /// `None` if the token is not a string that decodes to `value`.
    pub fn new(text: &str, span: &Span, value: &str) -> Option<Self> {
        let raw = text.get(span.clone())?;
        let (delim, basic) = if raw.starts_with("'''") {
            ("'''", false)
        } else if raw.starts_with("\"\"\"") {
            ("\"\"\"", true)
        } else if raw.starts_with('\'') {
            ("'", false)
        } else if raw.starts_with('"') {
            ("\"", true)
        } else {
            return None;
        };
        let mut pos = delim.len();
        if delim.len() == 3 {
            // TOML drops a newline right after the opening delimiter.
            if raw[pos..].starts_with("\r\n") {
                pos += 2;
            } else if raw[pos..].starts_with('\n') {
                pos += 1;
            }
        }
        let body = raw.get(pos..raw.len().checked_sub(delim.len())?)?;
        let mut offsets = Vec::with_capacity(value.len() + 1);
        let mut decoded = String::with_capacity(value.len());
        let at = |i: usize| span.start + pos + i;
        let hex = |n: usize, chars: &mut Chars<'_>| {
            let digits: String = (0..n)
                .filter_map(|_| chars.next().map(|(_, c)| c))
                .collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
        };
        let mut chars = body.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !(basic && c == '\\') {
                decoded.push(c);
                offsets.extend(std::iter::repeat_n(at(i), c.len_utf8()));
                continue;
            }
            let (_, e) = chars.next()?;
            let out = match e {
                'b' => '\u{8}',
                't' => '\t',
                'n' => '\n',
                'f' => '\u{c}',
                'r' => '\r',
                'e' => '\u{1b}',
                '"' => '"',
                '\\' => '\\',
                'x' => hex(2, &mut chars)?,
                'u' => hex(4, &mut chars)?,
                'U' => hex(8, &mut chars)?,
                w if w.is_whitespace() => {
                    // A line-ending backslash: drop whitespace up to the next text.
                    while chars.peek().is_some_and(|&(_, c)| c.is_whitespace()) {
                        chars.next();
                    }
                    continue;
                }
                _ => return None,
            };
            decoded.push(out);
            offsets.extend(std::iter::repeat_n(at(i), out.len_utf8()));
        }
        offsets.push(at(body.len()));
        (decoded == value).then_some(ContentMap { offsets })
    }

    /// The file span of a byte range of the value.
    pub fn map(&self, local: &Span) -> Span {
        let last = self.offsets.len() - 1;
        let start = self.offsets[local.start.min(last)];
        if local.end <= local.start {
            return start..start;
        }
        // Up to where the source of the byte after the range begins.
        let prev = self.offsets[(local.end - 1).min(last)];
        let next = self.offsets[local.end.min(last)];
        start..next.max(prev + 1)
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_packs_load_in_source_order_whichever_thread_parses_them() {
        let ladder = Ladder::default();
        let root = FsPath::new(".");
        let ids = |sources: &[PolicySource]| -> Vec<String> {
            load_all(sources, &ladder, root)
                .expect("the builtin packs load")
                .into_iter()
                .map(|p| p.id)
                .collect()
        };
        let all: Vec<String> = builtin::BUILTIN_PACKS
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        assert_eq!(ids(&[]), all);
        // Reversed, and each alone: the order is the sources' order.
        let reversed: Vec<PolicySource> = all
            .iter()
            .rev()
            .map(|n| PolicySource::Builtin(n.clone()))
            .collect();
        let mut want = all.clone();
        want.reverse();
        assert_eq!(ids(&reversed), want);
        for name in &all {
            assert_eq!(
                ids(&[PolicySource::Builtin(name.clone())]),
                vec![name.as_str()]
            );
        }
        // An unknown pack among known ones is reported as before.
        let err = load_all(
            &[
                PolicySource::Builtin("uk-gov".into()),
                PolicySource::Builtin("nope".into()),
                PolicySource::Builtin("wales".into()),
            ],
            &ladder,
            root,
        )
        .expect_err("`nope` is not a builtin pack");
        assert_eq!(err.len(), 1);
        assert!(err[0].message.contains("`nope`"), "{}", err[0].message);
    }

    #[test]
    fn content_maps_through_delimiters_and_escapes() {
        let text = r#"a = '''
  x'''
b = "y"
c = "q\"z\u00e9w"
d = 'w'"#;
        let find = |needle: &str| {
            let s = text.find(needle).unwrap();
            s..s + needle.len()
        };
        let m = ContentMap::new(text, &find("'''\n  x'''"), "  x").unwrap();
        assert_eq!(&text[m.map(&(2..3))], "x");
        let m = ContentMap::new(text, &find("\"y\""), "y").unwrap();
        assert_eq!(&text[m.map(&(0..1))], "y");
        let m = ContentMap::new(text, &find(r#""q\"z\u00e9w""#), "q\"zéw").unwrap();
        assert_eq!(&text[m.map(&(1..3))], r#"\"z"#);
        assert_eq!(&text[m.map(&(3..6))], r#"\u00e9w"#);
        assert!(ContentMap::new(text, &find("'w'"), "other").is_none());
    }
}
