//! `--format human`: one miette report per finding, the offending cell
//! underlined, related reports on the site register and the policy, then one
//! summary line.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use crate::diag::{Finding, Label, Severity};
use crate::report::{plural, Reporter, Style, Summary};

/// The human reporter.
pub struct Human {
    handler: GraphicalReportHandler,
    quiet: bool,
}

/// A finding as a miette diagnostic.
struct Report<'a> {
    finding: &'a Finding,
    related: Vec<Related<'a>>,
}

/// A related place, as an advice diagnostic with its own source.
struct Related<'a> {
    label: &'a Label,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Report<'_> {}

fn span(label: &Label) -> miette::SourceSpan {
    (
        label.span.start,
        label.span.end.saturating_sub(label.span.start),
    )
        .into()
}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        // A suppressed finding is shown as a note: it does not count.
        if self.finding.suppressed.is_some() {
            return Some(miette::Severity::Advice);
        }
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        let snippet = &self.finding.primary.snippet;
        // A finding about a whole file (unknown format, unreadable) has no
        // text to show: its message names the file.
        (!snippet.text().is_empty()).then_some(snippet as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source_code()?;
        let primary = &self.finding.primary;
        let first =
            LabeledSpan::new_primary_with_span(Some(primary.message.clone()), span(primary));
        let rest = self
            .finding
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), span(l)));
        Some(Box::new(std::iter::once(first).chain(rest)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

impl fmt::Debug for Related<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label.message)
    }
}

impl fmt::Display for Related<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label.message)
    }
}

impl std::error::Error for Related<'_> {}

impl Diagnostic for Related<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.label.snippet)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, span(self.label)),
        )))
    }
}

impl Human {
    /// A reporter with a fixed style (colour and width are decided once).
    pub fn new(style: Style) -> Self {
        let theme = if style.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(style.width)
                .with_links(false)
                .with_context_lines(1),
            quiet: style.quiet,
        }
    }
}

impl Reporter for Human {
    fn finding(&mut self, finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
        let report = Report {
            finding,
            related: finding
                .related
                .iter()
                .map(|label| Related { label })
                .collect(),
        };
        let mut text = String::new();
        if self.handler.render_report(&mut text, &report).is_err() {
            text = format!("{}: {}\n", finding.rule, finding.message);
        }
        writeln!(out, "{text}")
    }

    fn suppressed(&mut self, finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
        let Some(s) = &finding.suppressed else {
            return Ok(());
        };
        let mut text = String::new();
        if self
            .handler
            .render_report(
                &mut text,
                &Report {
                    finding,
                    related: Vec::new(),
                },
            )
            .is_err()
        {
            text = format!("{}: {}\n", finding.rule, finding.message);
        }
        let approved = s
            .approved_by
            .as_deref()
            .map_or(String::new(), |a| format!(", approved by {a}"));
        writeln!(
            out,
            "{text}  = suppressed by the waiver at {}{approved}, until {}: {}\n",
            s.waiver, s.expires, s.reason
        )
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        if !self.quiet {
            writeln!(out, "{}", summary_line(summary))?;
        }
        Ok(())
    }
}

/// `checked 3 files, 40 assets (35 passed, 3 flagged, 2 not checkable): 3 errors, 2 warnings, 0 notes in 0.01s`
pub fn summary_line(s: &Summary) -> String {
    format!(
        "checked {}, {} ({} passed, {} flagged, {} not checkable): {}, {}, {}{} in {:.2}s",
        plural(s.files, "file", "files"),
        plural(s.assets, "asset", "assets"),
        s.passed,
        s.flagged,
        s.not_checkable,
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.notes, "note", "notes"),
        [(s.suppressed, "suppressed"), (s.baselined, "baselined")]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!(", {n} {what}"))
            .collect::<String>(),
        s.elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Finding;
    use crate::source::Snippet;

    #[test]
    fn renders_a_row_snippet_at_its_file_position() {
        let row = Snippet::part("reg.csv".into(), "A7,Hikvision,camera\n".into(), 120, 7);
        let mut f = Finding::new(
            "p/r",
            Severity::Error,
            "banned",
            Label::new(row, 123..132, "Hikvision"),
        );
        f.help = Some("remove it".into());
        let mut human = Human::new(Style {
            color: false,
            width: 80,
            quiet: true,
        });
        let mut out = Vec::new();
        crate::report::render(&mut human, &[f], &Summary::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("[reg.csv:7:4]"), "{text}");
        assert!(text.contains(" 7 │ A7,Hikvision,camera"), "{text}");
        assert!(text.contains("    ────┬────"), "{text}");
    }
}
