//! `assetlint explain RULE`: one rule in full, like `ruff rule`. RULE is a
//! `POLICY/RULE` id of the loaded policies (as `assetlint rules` lists them;
//! `--config` and `--policy` as for `check`), a bare rule id when only one
//! loaded policy has it, or a built-in `assetlint/*` code. An unknown id
//! stops with exit 2 and the nearest known id as a suggestion.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{load_config, load_policies, Fatal};
use crate::config::Config;
use crate::diag::{Code, Invalid, Severity};
use crate::policy::docs::{self, Explained};
use crate::policy::load::Policy;

/// `explain` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rule: POLICY/RULE (see `assetlint rules`), a bare RULE when unique, or assetlint/CODE.
    #[arg(value_name = "RULE")]
    pub rule: String,
    /// Config file (default: assetlint.toml or .assetlint.toml here or in a parent, up to the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Policy file, directory or builtin:NAME; repeatable; replaces the config's list.
    #[arg(long, value_name = "FILE|DIR|builtin:NAME")]
    pub policy: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// How to print the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Sections for a terminal.
    Human,
    /// One JSON object: id, kind, policy, summary, severity, dates, when, message, help, references, defined_at.
    Json,
}

/// Runs `explain`: prints the rule; exit 0, or 2 when no rule has the id.
pub fn run(args: Args) -> Result<ExitCode, Fatal> {
    let cwd = std::env::current_dir()?;
    let root = crate::discover::repo_root(&cwd);
    let config = load_config(args.config.as_deref(), &args.policy, &cwd, &root, &[&cwd])?;
    let policies = load_policies(&config, &root)?;
    let mut explained = find(&policies, args.rule.trim())?;
    let configured = configured_severity(&config, &explained.id);
    explained.configured_severity = configured.map(|level| level.map_or("off", Severity::name));
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &explained).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        Format::Human => human(&explained, configured, &mut out)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The rule `query` names, or the problem to report.
pub fn find(policies: &[Policy], query: &str) -> Result<Explained, Invalid> {
    let rules = || {
        policies
            .iter()
            .flat_map(|p| p.rules.iter().map(move |r| (p, r)))
    };
    if let Some((policy, rule)) = rules().find(|(_, r)| r.id == query) {
        return Ok(Explained::rule(policy, rule));
    }
    if let Some(code) = Code::from_id(query) {
        return Ok(Explained::code(code));
    }
    if !query.contains('/') {
        let mut matches: Vec<Explained> = rules()
            .filter(|(_, r)| {
                r.id.rsplit_once('/')
                    .is_some_and(|(_, local)| local == query)
            })
            .map(|(p, r)| Explained::rule(p, r))
            .collect();
        if let Some(code) = Code::from_id(&format!("assetlint/{query}")) {
            matches.push(Explained::code(code));
        }
        match matches.len() {
            0 => {}
            1 => return Ok(matches.remove(0)),
            _ => {
                let ids: Vec<String> = matches.iter().map(|m| format!("`{}`", m.id)).collect();
                return Err(Invalid::plain(
                    "explain::ambiguous-rule",
                    format!("`{query}` is a rule of more than one policy"),
                )
                .with_help(format!("name one as POLICY/RULE: {}", ids.join(", "))));
            }
        }
    }
    let known: Vec<String> = rules()
        .map(|(_, r)| r.id.clone())
        .chain(Code::ALL.iter().map(|c| c.id().to_string()))
        .collect();
    let mut help = String::new();
    if let Some(near) = suggest(query, &known) {
        help.push_str(&format!("did you mean `{near}`? "));
    }
    help.push_str("Run `assetlint rules` to list the rules of the loaded policies");
    Err(Invalid::plain(
        "explain::unknown-rule",
        format!("no loaded rule has the id `{query}`"),
    )
    .with_help(help))
}

/// The known id nearest to `query` by edit distance, compared whole and,
/// for a query without `/`, by the part after the `/`; none when even the
/// nearest differs in more than a third of its characters.
pub fn suggest<'a>(query: &str, known: &'a [String]) -> Option<&'a str> {
    let query = query.to_lowercase();
    known
        .iter()
        .map(|id| {
            let whole = strsim::damerau_levenshtein(&query, id);
            let local = if query.contains('/') {
                whole
            } else {
                id.rsplit_once('/')
                    .map_or(whole, |(_, l)| strsim::damerau_levenshtein(&query, l))
            };
            let target = if local < whole {
                id.rsplit_once('/').map_or(id.len(), |(_, l)| l.len())
            } else {
                id.len()
            };
            (whole.min(local), target, id)
        })
        .filter(|&(d, len, _)| d * 3 <= len.max(query.len()))
        .min_by_key(|&(d, _, id)| (d, id.clone()))
        .map(|(_, _, id)| id.as_str())
}

/// `Some(level)` when the config's `[severity]` table changes the rule
/// (`Some(None)`: turned off).
fn configured_severity(config: &Config, id: &str) -> Option<Option<Severity>> {
    config
        .severities
        .iter()
        .find(|(rule, _)| rule.get_ref() == id)
        .map(|(_, level)| *level)
}

/// Indents every line of `text` by `n` spaces.
fn indented(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Wraps `text` to `width` columns, each line indented by `n`.
fn wrapped(text: &str, n: usize, width: usize) -> String {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && n + line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    indented(&lines.join("\n"), n)
}

fn human(
    e: &Explained,
    configured: Option<Option<Severity>>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let width = crate::cli::width().min(100);
    writeln!(out, "{}\n", e.id)?;
    writeln!(out, "{}\n", wrapped(&e.summary, 2, width))?;
    let mut facts: Vec<(&str, String)> = Vec::new();
    match &e.policy_title {
        Some(title) if e.kind == "policy" => {
            facts.push(("policy", format!("{} ({title})", e.policy)))
        }
        _ => facts.push(("kind", "built-in check of the input itself".into())),
    }
    facts.push(("severity", e.severity_text()));
    if let Some(level) = configured {
        facts.push((
            "configured",
            format!(
                "{} by [severity] in the config",
                level.map_or("turned off".to_string(), |l| format!("set to {l}"))
            ),
        ));
    }
    if e.kind == "policy" {
        facts.push((
            "effective",
            e.effective.clone().unwrap_or_else(|| "always".into()),
        ));
        facts.push((
            "deadline",
            match (&e.deadline, e.severity_before_deadline) {
                (Some(d), Some(before)) => format!(
                    "{d} (findings before it are {before}s; from that day, {}s)",
                    e.severity
                ),
                (Some(d), None) => d.clone(),
                _ => "none".into(),
            },
        ));
        facts.push((
            "waivable",
            match e.waivable {
                Some(false) => "no: waivers cannot suppress its findings".into(),
                _ => "yes".into(),
            },
        ));
    }
    match &e.defined_at {
        Some(at) => {
            let mut place = format!("{}:{}:{}", at.file, at.line, at.column);
            if let Some(file) = docs::builtin_file(&at.file) {
                place.push_str(&format!(" ({file} in the assetlint source)"));
            }
            facts.push(("defined at", place));
        }
        None => facts.push(("defined at", "src/diag/codes.rs (built in)".into())),
    }
    let label_width = facts.iter().map(|(l, _)| l.len()).max().unwrap_or(0) + 2;
    for (label, value) in &facts {
        let label = format!("{label}:");
        writeln!(out, "  {label:<label_width$}{value}")?;
    }
    if let Some(when) = &e.when {
        writeln!(out, "\nWhat it checks:\n{}", indented(when, 4))?;
    }
    if let Some(message) = &e.message {
        writeln!(out, "\nMessage:\n{}", indented(message, 4))?;
    }
    if e.url.is_some() || !e.references.is_empty() {
        writeln!(out, "\nWhy:")?;
        if let Some(url) = &e.url {
            writeln!(out, "    {url}")?;
        }
        for r in e.references.iter().filter(|r| Some(*r) != e.url.as_ref()) {
            writeln!(out, "    {r}")?;
        }
    }
    if let Some(help) = &e.help {
        writeln!(out, "\nHow to fix:\n{}", wrapped(help, 4, width))?;
    }
    if e.kind == "builtin" {
        writeln!(
            out,
            "\nChange its severity, or turn it off, in assetlint.toml:\n    [severity]\n    \"{}\" = \"warning\"",
            e.id
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_id() {
        let known: Vec<String> = [
            "uk-gov/sensitive-site-banned-vendor",
            "uk-gov/defence-site-banned-vendor",
            "assetlint/unknown-vendor",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            suggest("uk-gov/sensitive-site-banned-vendr", &known),
            Some("uk-gov/sensitive-site-banned-vendor")
        );
        assert_eq!(
            suggest("sensitve-site-banned-vendor", &known),
            Some("uk-gov/sensitive-site-banned-vendor")
        );
        assert_eq!(
            suggest("assetlint/unknwn-vendor", &known),
            Some("assetlint/unknown-vendor")
        );
        assert_eq!(suggest("completely-different", &known), None);
    }
}
