//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`,
//! `::warning`, `::notice` for notes), escaped as the actions toolkit does.
//! GitHub's log viewer renders ANSI escape sequences, so register text is
//! first made [`visible`]: an escape sequence in a cell is shown as `␛[31m`,
//! never obeyed.
//!
//! GitHub shows at most 10 annotations of each severity per step (and 50 per
//! job), and drops the rest silently. So this reporter keeps the first
//! [`Github::PER_SEVERITY`] findings of each severity (in the one sort
//! order), writes them at the end most severe first, and then one plain line
//! with the totals and how many findings were not annotated. Three
//! severities at 10 each stay under the 50 per job, as long as assetlint
//! is the only step that annotates.
//!
//! When `GITHUB_STEP_SUMMARY` names a file, the Markdown report
//! ([`Markdown`]) is appended to it, with the same note about annotations.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;

use crate::diag::{Finding, Severity};
use crate::report::markdown::Markdown;
use crate::report::visible::visible;
use crate::report::{plural, Reporter, Summary};

/// The GitHub Actions reporter.
pub struct Github {
    /// Annotations kept, by severity: errors, warnings, notes.
    kept: [Vec<String>; 3],
    /// Findings not annotated, by severity.
    dropped: [usize; 3],
    /// The step summary file, and the report to append to it.
    step_summary: Option<(PathBuf, Markdown)>,
}

impl Github {
    /// Annotations GitHub shows per severity per step.
    pub const PER_SEVERITY: usize = 10;

    /// A reporter that appends a Markdown summary to `step_summary`, if
    /// given (the value of `GITHUB_STEP_SUMMARY`).
    pub fn new(step_summary: Option<PathBuf>) -> Self {
        Github {
            kept: Default::default(),
            dropped: [0; 3],
            step_summary: step_summary.map(|p| (p, Markdown::default())),
        }
    }

    /// A reporter that reads `GITHUB_STEP_SUMMARY` (unset or empty: no
    /// summary).
    pub fn from_env() -> Self {
        Github::new(
            std::env::var_os("GITHUB_STEP_SUMMARY")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        )
    }
}

fn slot(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

/// One annotation for a finding.
pub fn annotation(f: &Finding) -> String {
    let command = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let (start, end) = f.primary.range();
    let mut props = format!(
        "file={},line={},endLine={}",
        escape_property(&visible(f.file())),
        start.line,
        end.line
    );
    // The toolkit: columns cannot be sent when the lines differ.
    if start.line == end.line {
        props.push_str(&format!(",col={},endColumn={}", start.column, end.column));
    }
    props.push_str(&format!(",title={}", escape_property(&visible(&f.rule))));
    let mut message = f.message.clone();
    if let Some(help) = f.rule_help() {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!("::{command} {props}::{}", escape_data(&visible(&message)))
}

/// Escapes a command's message as the actions toolkit does (`command.ts`
/// `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value as the actions toolkit does
/// (`escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Reporter for Github {
    fn finding(&mut self, f: &Finding, _out: &mut dyn Write) -> io::Result<()> {
        let i = slot(f.severity);
        if self.kept[i].len() < Self::PER_SEVERITY {
            self.kept[i].push(annotation(f));
        } else {
            self.dropped[i] += 1;
        }
        if let Some((_, markdown)) = &mut self.step_summary {
            markdown.finding(f, &mut io::sink())?;
        }
        Ok(())
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        for line in self.kept.iter().flatten() {
            writeln!(out, "{line}")?;
        }
        let dropped: usize = self.dropped.iter().sum();
        let note = (dropped > 0).then(|| {
            format!(
                "{} not annotated: GitHub shows at most {} annotations of each severity per step ({} errors, {} warnings, {} notes left out); the Markdown summary and the SARIF and JSON reports list every finding.",
                plural(dropped, "finding was", "findings were"),
                Self::PER_SEVERITY,
                self.dropped[0],
                self.dropped[1],
                self.dropped[2],
            )
        });
        write!(
            out,
            "assetlint: {}, {}, {}",
            plural(summary.errors, "error", "errors"),
            plural(summary.warnings, "warning", "warnings"),
            plural(summary.notes, "note", "notes"),
        )?;
        match &note {
            Some(note) => writeln!(out, "; {note}")?,
            None => writeln!(out)?,
        }
        if let Some((path, markdown)) = &self.step_summary {
            let mut file = OpenOptions::new().create(true).append(true).open(path)?;
            markdown.write_report(summary, note.as_slice(), &mut file)?;
            file.flush()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Label;
    use crate::source::Snippet;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(
            escape_data("100% sure\r\nnext: a, b"),
            "100%25 sure%0D%0Anext: a, b"
        );
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(
            escape_property("my dir/a,b:c%.csv"),
            "my dir/a%2Cb%3Ac%25.csv"
        );
        assert_eq!(escape_property("line\nbreak"), "line%0Abreak");
    }

    #[test]
    fn annotations_escape_messages_and_paths() {
        let text = "id,vendor\nA-1,\"Hik, Vision\"\n";
        let snippet = Snippet::whole("my registers/cams, 2026:1.csv".into(), text.into());
        let mut f = Finding::new(
            "uk-gov/banned",
            Severity::Warning,
            "50% of \"Hik, Vision\": banned\nsecond line",
            Label::new(snippet, 14..27, ""),
        );
        f.help = Some("replace it".into());
        assert_eq!(
            annotation(&f),
            "::warning file=my registers/cams%2C 2026%3A1.csv,line=2,endLine=2,col=5,endColumn=18,\
             title=uk-gov/banned::50%25 of \"Hik, Vision\": banned%0Asecond line%0Ahelp: replace it"
        );
    }

    #[test]
    fn annotations_show_escape_sequences_instead_of_sending_them() {
        let text = "id\nA\x1b[31m1\r\n";
        let snippet = Snippet::whole("r.csv".into(), text.into());
        let f = Finding::new(
            "p/r",
            Severity::Error,
            "asset A\x1b[31m1\x1b]8;;http://evil\x07x\rfake\u{202e}",
            Label::new(snippet, 3..10, ""),
        );
        let line = annotation(&f);
        assert!(!line.contains(|c: char| c.is_control()), "{line:?}");
        assert!(
            line.ends_with("::asset A␛[31m1␛]8;;http://evil␇x␍fake<U+202E>"),
            "{line}"
        );
    }

    #[test]
    fn keeps_ten_per_severity_most_severe_first_and_says_how_many_were_left_out() {
        let snippet = Snippet::whole("a.csv".into(), "x\n".repeat(40).into());
        let mut reporter = Github::new(None);
        let mut out = Vec::new();
        for (i, severity) in [Severity::Note, Severity::Error]
            .into_iter()
            .cycle()
            .take(26)
            .enumerate()
        {
            let f = Finding::new(
                "r",
                severity,
                "m",
                Label::new(snippet.clone(), 2 * i..2 * i + 1, ""),
            );
            reporter.finding(&f, &mut out).unwrap();
        }
        let summary = Summary {
            errors: 13,
            notes: 13,
            ..Summary::default()
        };
        reporter.end(&summary, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 21);
        assert!(lines[..10].iter().all(|l| l.starts_with("::error ")));
        assert!(lines[10..20].iter().all(|l| l.starts_with("::notice ")));
        assert!(lines[0].contains("line=2,"));
        assert_eq!(
            lines[20],
            "assetlint: 13 errors, 0 warnings, 13 notes; 6 findings were not annotated: GitHub shows \
             at most 10 annotations of each severity per step (3 errors, 0 warnings, 3 notes left out); \
             the Markdown summary and the SARIF and JSON reports list every finding."
        );
    }
}
