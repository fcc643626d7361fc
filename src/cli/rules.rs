//! `assetlint rules`: the rules of the loaded policies (the builtin packs by
//! default; `--config` and `--policy` as for `check`), one row each.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::{load_config, load_policies, Fatal};
use crate::policy::load::Policy;

/// `rules` options.
#[derive(Debug, clap::Args)]
pub struct Args {
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

/// How to print the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table: rule, severity, effective date, deadline, summary.
    Human,
    /// `[{"id", "severity", "summary", "effective", "deadline"}]`; dates are
    /// `YYYY-MM-DD` or null.
    Json,
}

/// One rule, as listed.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    /// `POLICY/RULE`.
    id: &'a str,
    /// Its severity once any deadline has passed.
    severity: &'static str,
    /// One line.
    summary: &'a str,
    /// The day it applies from.
    effective: Option<String>,
    /// The day its findings turn from `severity_before_deadline` to `severity`.
    deadline: Option<String>,
}

/// Every rule of `policies`, in load order (policy, then rule as written).
pub fn rows(policies: &[Policy]) -> Vec<Row<'_>> {
    policies
        .iter()
        .flat_map(|p| &p.rules)
        .map(|rule| Row {
            id: &rule.id,
            severity: rule.severity.name(),
            summary: &rule.summary,
            effective: rule.effective.map(|d| d.to_string()),
            deadline: rule.deadline.map(|d| d.to_string()),
        })
        .collect()
}

/// Runs `rules`: prints the table or the JSON list; exit 0.
pub fn run(args: Args) -> Result<ExitCode, Fatal> {
    let cwd = std::env::current_dir()?;
    let root = crate::discover::repo_root(&cwd);
    let config = load_config(args.config.as_deref(), &args.policy, &cwd, &root, &[&cwd])?;
    let policies = load_policies(&config, &root)?;
    let rows = rows(&policies);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &rows).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        Format::Human => table(&rows, policies.len(), &mut out)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The rows as aligned columns, then a count.
fn table(rows: &[Row<'_>], policies: usize, out: &mut dyn Write) -> io::Result<()> {
    const HEAD: [&str; 5] = ["RULE", "SEVERITY", "EFFECTIVE", "DEADLINE", "SUMMARY"];
    let cells: Vec<[&str; 5]> = rows
        .iter()
        .map(|r| {
            [
                r.id,
                r.severity,
                r.effective.as_deref().unwrap_or("-"),
                r.deadline.as_deref().unwrap_or("-"),
                r.summary,
            ]
        })
        .collect();
    let mut widths = HEAD.map(str::len);
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&HEAD).chain(&cells) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(
        out,
        "\n{} in {}",
        crate::report::plural(rows.len(), "rule", "rules"),
        crate::report::plural(policies, "policy", "policies")
    )
}
