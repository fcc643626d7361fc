//! `--format human`: one miette report per finding, the offending cell
//! underlined, related reports on the site register and the policy, then one
//! summary line.
//!
//! At most [`Style::max_diagnostics`] findings are shown in full (a register
//! with a million bad rows must not flood a terminal or a CI log); one line
//! then says how many more there are, and the summary counts them all.
//!
//! Register text never reaches the terminal raw: messages, labels, help and
//! file names are shown with [`visible`], and the source text miette
//! excerpts with [`same_length`], so an escape sequence or a bidi override
//! in a cell is printed as characters one can see.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use crate::diag::{Finding, Label, Severity};
use crate::report::visible::{same_length, visible};
use crate::report::{plural, Reporter, Style, Summary};
use crate::source::Snippet;

/// The human reporter.
pub struct Human {
    handler: GraphicalReportHandler,
    quiet: bool,
    /// Findings shown in full at most (0: all).
    max: usize,
    /// Findings shown so far.
    shown: usize,
    /// Findings past `max`, not shown.
    omitted: usize,
    /// Recently shown snippets and their printable copies (`None`: the
    /// snippet is printable as it is), most recent first; a whole file's
    /// snippet is shared by its findings, so it is copied once.
    printable: Vec<(Snippet, Option<Snippet>)>,
}

/// A finding as a miette diagnostic.
struct Report<'a> {
    finding: &'a Finding,
    /// The primary snippet, printable.
    source: Snippet,
    related: Vec<Related<'a>>,
}

/// A related place, as an advice diagnostic with its own source.
struct Related<'a> {
    label: &'a Label,
    /// The label's snippet, printable.
    source: Snippet,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.finding.message))
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.finding.message))
    }
}

/// A boxed printable text for miette's `code`, `help` and `url`.
fn shown<'b>(text: &'b str) -> Box<dyn fmt::Display + 'b> {
    Box::new(visible(text))
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
        Some(shown(&self.finding.rule))
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
        self.finding.help.as_deref().map(shown)
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding.url.as_deref().map(shown)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        // A finding about a whole file (unknown format, unreadable) has no
        // text to show: its message names the file.
        (!self.source.text().is_empty()).then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source_code()?;
        let primary = &self.finding.primary;
        let first = LabeledSpan::new_primary_with_span(
            Some(visible(&primary.message).into_owned()),
            span(primary),
        );
        let rest =
            self.finding.labels.iter().map(|l| {
                LabeledSpan::new_with_span(Some(visible(&l.message).into_owned()), span(l))
            });
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
        f.write_str(&visible(&self.label.message))
    }
}

impl fmt::Display for Related<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.label.message))
    }
}

impl std::error::Error for Related<'_> {}

impl Diagnostic for Related<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
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
            max: style.max_diagnostics,
            shown: 0,
            omitted: 0,
            printable: Vec::new(),
        }
    }

    /// Snippets remembered with their printable copies: enough for a
    /// finding's file, site register row and policy (a remembered snippet
    /// keeps its file's text alive, so few).
    const PRINTABLE_CACHE: usize = 4;

    /// `snippet` as it can be printed: the same when its name and text hold
    /// nothing unsafe, else a copy with them replaced, keeping every offset.
    fn printable(&mut self, snippet: &Snippet) -> Snippet {
        let at = self.printable.iter().position(|(s, _)| s.same(snippet));
        let entry = match at {
            Some(i) => self.printable.remove(i),
            None => {
                let text = same_length(snippet.text());
                let name = visible(snippet.name());
                let copy = (text.is_some() || matches!(name, Cow::Owned(_))).then(|| {
                    let text: Arc<str> = text.map_or_else(|| snippet.text().into(), Into::into);
                    snippet.with_text(name.into_owned().into(), text)
                });
                (snippet.clone(), copy)
            }
        };
        let shown = entry.1.clone().unwrap_or_else(|| snippet.clone());
        self.printable.insert(0, entry);
        self.printable.truncate(Self::PRINTABLE_CACHE);
        shown
    }

    /// Renders one finding (with its related places unless `bare`).
    fn render(&mut self, finding: &Finding, bare: bool) -> String {
        let related = if bare { &[][..] } else { &finding.related[..] };
        let report = Report {
            finding,
            source: self.printable(&finding.primary.snippet),
            related: related
                .iter()
                .map(|label| Related {
                    label,
                    source: self.printable(&label.snippet),
                })
                .collect(),
        };
        let mut text = String::new();
        if self.handler.render_report(&mut text, &report).is_err() {
            text = format!(
                "{}: {}\n",
                visible(&finding.rule),
                visible(&finding.message)
            );
        }
        text
    }

    /// Counts a finding to be shown; false when it is past the limit.
    fn admit(&mut self) -> bool {
        if self.max > 0 && self.shown >= self.max {
            self.omitted += 1;
            return false;
        }
        self.shown += 1;
        true
    }
}

impl Reporter for Human {
    fn finding(&mut self, finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
        if !self.admit() {
            return Ok(());
        }
        let text = self.render(finding, false);
        writeln!(out, "{text}")
    }

    fn suppressed(&mut self, finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
        let Some(s) = &finding.suppressed else {
            return Ok(());
        };
        if !self.admit() {
            return Ok(());
        }
        let text = self.render(finding, true);
        let approved = s
            .approved_by
            .as_deref()
            .map_or(String::new(), |a| format!(", approved by {}", visible(a)));
        writeln!(
            out,
            "{text}  = suppressed by the waiver at {}{approved}, until {}: {}\n",
            visible(&s.waiver),
            visible(&s.expires),
            visible(&s.reason)
        )
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        if self.omitted > 0 {
            writeln!(
                out,
                "… and {} not shown (--max-diagnostics {}; 0 shows all). The summary counts every finding.\n",
                plural(self.omitted, "more finding", "more findings"),
                self.max
            )?;
        }
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
            max_diagnostics: 0,
        });
        let mut out = Vec::new();
        crate::report::render(&mut human, &[f], &Summary::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("[reg.csv:7:4]"), "{text}");
        assert!(text.contains(" 7 │ A7,Hikvision,camera"), "{text}");
        assert!(text.contains("    ────┬────"), "{text}");
    }

    #[test]
    fn escape_sequences_are_shown_with_the_underline_in_place_and_the_rest_counted() {
        let row = Snippet::part(
            "reg\x1b[2J.csv".into(),
            "A\x1b[31m7,Hikvision,camera\n".into(),
            0,
            2,
        );
        let finding = |message: &str| {
            Finding::new(
                "p/r",
                Severity::Error,
                message,
                Label::new(row.clone(), 8..17, "vendor \x1b]8;;x\x07"),
            )
        };
        let findings = [
            finding("A\x1b[31m7 banned"),
            finding("again"),
            finding("more"),
        ];
        let mut human = Human::new(Style {
            color: false,
            width: 80,
            quiet: false,
            max_diagnostics: 2,
        });
        let mut out = Vec::new();
        crate::report::render(&mut human, &findings, &Summary::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
        assert!(text.contains("× A␛[31m7 banned"), "{text}");
        assert!(text.contains("[reg␛[2J.csv:2:9]"), "{text}");
        assert!(text.contains(" 2 │ A?[31m7,Hikvision,camera"), "{text}");
        // The underline sits under `Hikvision`: 8 characters in.
        assert!(text.contains("   ·         ────┬────"), "{text}");
        assert!(text.contains("vendor ␛]8;;x␇"), "{text}");
        assert_eq!(text.matches("p/r").count(), 2, "{text}");
        assert!(text.contains("… and 1 more finding not shown (--max-diagnostics 2; 0 shows all)."));
        // One printable copy, shared by the findings.
        assert_eq!(human.printable.len(), 1);
    }
}
