//! Report: findings sorted once, then rendered by one [`Reporter`] per
//! output format. Under `--redact` every finding passes through
//! [`redact::Redactor`] before any reporter sees it ([`Stream`] does it).
//!
//! To add a format: a new module implementing [`Reporter`], one [`Format`]
//! variant and one arm in [`Format::reporter`].

use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;

use crate::diag::{Finding, Severity};

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod plan;
pub mod redact;
pub mod sarif;
mod stream;
pub mod visible;

pub use stream::{Gate, Stream, Verdict};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette diagnostics with the offending cell underlined.
    Human,
    /// The versioned JSON document.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions annotations, plus a Markdown step summary when
    /// `GITHUB_STEP_SUMMARY` is set.
    Github,
    /// A Markdown report: totals, counts by rule, site and vendor, the
    /// removal timeline, findings.
    Markdown,
    /// JUnit XML for CI test-report readers.
    Junit,
    /// One self-contained HTML page for auditors and board papers:
    /// headline figures, removals due per month, tables by site and vendor,
    /// every finding with its evidence.
    Html,
}

/// How to render, decided once per run.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Emit ANSI colour.
    pub color: bool,
    /// Width to wrap to.
    pub width: usize,
    /// Findings only, no summary line.
    pub quiet: bool,
    /// Findings the human report shows in full (0: all); past it, one line
    /// says how many more there are.
    pub max_diagnostics: usize,
}

impl Format {
    /// The reporter for this format.
    pub fn reporter(self, style: Style) -> Box<dyn Reporter> {
        match self {
            Format::Human => Box::new(human::Human::new(style)),
            Format::Json => Box::<json::Json>::default(),
            Format::Sarif => Box::<sarif::Sarif>::default(),
            Format::Github => Box::new(github::Github::from_env()),
            Format::Markdown => Box::<markdown::Markdown>::default(),
            Format::Junit => Box::<junit::Junit>::default(),
            Format::Html => Box::<html::Html>::default(),
        }
    }
}

/// What a run looked at and found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Files read (asset files and site registers).
    pub files: usize,
    /// Assets read.
    pub assets: usize,
    /// Assets no rule fired for.
    pub passed: usize,
    /// Assets a policy rule fired for.
    pub flagged: usize,
    /// Assets that could not be fully checked (bad row, no id, unknown site).
    pub not_checkable: usize,
    /// Findings by severity.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Notes.
    pub notes: usize,
    /// Findings a waiver suppressed.
    pub suppressed: usize,
    /// Findings the baseline holds (not reported).
    pub baselined: usize,
    /// Every file read or named for reading, in the order read: site
    /// registers, then asset files by name.
    pub inputs: Vec<Input>,
    /// Wall time.
    #[serde(skip)]
    pub elapsed: Duration,
    /// The day the run was evaluated as of (`--date`, else today).
    #[serde(skip)]
    pub date: Option<jiff::civil::Date>,
}

/// One file of a run, as the summary lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Input {
    /// The file, as findings name it.
    pub file: String,
    /// What it was read as.
    pub role: Role,
    /// Its format's name (`null`: no reader understands it).
    pub format: Option<&'static str>,
    /// Records read from it: assets (each one passed, flagged or not
    /// checkable), or a site register's sites.
    pub records: usize,
    /// Why it was not read, or not read to the end (also a finding).
    pub problem: Option<String>,
}

/// What a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// An asset file.
    Assets,
    /// A site register.
    Sites,
}

impl Summary {
    /// Counts findings by severity.
    pub fn count(&mut self, findings: &[Finding]) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Note => self.notes += 1,
            }
        }
    }
}

/// Renders findings in one format, as they come. Reporters stream where the
/// format allows, so a run's memory does not grow with the number of
/// findings; a format that must know every finding before it writes (SARIF's
/// rules list) says so in its module doc.
pub trait Reporter {
    /// Writes what comes before the first finding.
    fn begin(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Writes one finding; findings arrive in the one sort order.
    fn finding(&mut self, finding: &Finding, out: &mut dyn Write) -> io::Result<()>;

    /// Writes a finding a waiver suppressed ([`Finding::suppressed`]), when
    /// `--show-suppressed` asks for them; formats that cannot mark a finding
    /// as suppressed leave it out.
    fn suppressed(&mut self, _finding: &Finding, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// Writes what comes after the last finding.
    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()>;
}

/// Renders a whole, already sorted list of findings.
pub fn render(
    reporter: &mut dyn Reporter,
    findings: &[Finding],
    summary: &Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    reporter.begin(out)?;
    for finding in findings {
        reporter.finding(finding, out)?;
    }
    reporter.end(summary, out)
}

/// The one sort order: file, position, rule, message.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Whether a finding's file name is a file in the repository (not a
/// builtin policy such as `builtin:uk-gov`, nor `<stdin>`).
pub fn is_repo_file(name: &str) -> bool {
    !(name.starts_with("builtin:") || name.starts_with('<'))
}

/// Plural helper: `1 error`, `2 errors`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}
