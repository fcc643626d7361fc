//! `--format junit`: JUnit XML for CI systems that read test reports
//! (GitLab, Jenkins, Azure Pipelines).
//!
//! Grouping: one `<testsuite>` per asset file with findings (named after the
//! file), one `<testcase>` per finding, named `<asset> <rule>` (or
//! `<file:line> <rule>` when the finding has no asset), with the file as its
//! `classname`. One testcase per finding rather than per asset keeps one
//! `<failure>` per testcase, each with its own type, which is what the
//! readers show. Errors and warnings are `<failure message=… type=rule>`
//! with `file:line:column`, the message and the help in the text; notes are
//! passing testcases whose `<system-out>` says what was noted. A clean run
//! is one passing suite `assetlint` with one testcase.
//!
//! Findings arrive sorted by file, so a suite is written as soon as the
//! next file starts: only the current file's testcases are held. No times
//! are written, so the output is the same for the same input.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::diag::{Finding, Severity};
use crate::report::{plural, Reporter, Summary};

/// The JUnit reporter.
#[derive(Default)]
pub struct Junit {
    /// The file of the suite being collected.
    file: Option<String>,
    /// Its testcases, rendered.
    cases: Vec<String>,
    /// How many of them fail.
    failures: usize,
    /// Suites written.
    suites: usize,
}

impl Junit {
    fn flush_suite(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">",
            escape(&file),
            self.cases.len(),
            self.failures
        )?;
        for case in self.cases.drain(..) {
            out.write_all(case.as_bytes())?;
        }
        writeln!(out, "  </testsuite>")?;
        self.failures = 0;
        self.suites += 1;
        Ok(())
    }
}

fn testcase(f: &Finding) -> String {
    let (start, _) = f.primary.range();
    let place = format!("{}:{}:{}", f.file(), start.line, start.column);
    let subject = f
        .asset_id
        .clone()
        .unwrap_or_else(|| format!("{}:{}", f.file(), start.line));
    let mut text = format!("{}: {}\n  at {place}", f.severity, f.message);
    if let Some(help) = f.rule_help() {
        let _ = write!(text, "\nhelp: {help}");
    }
    if let Some(url) = &f.url {
        let _ = write!(text, "\nsee: {url}");
    }
    let open = format!(
        "    <testcase name=\"{}\" classname=\"{}\"",
        escape(&format!("{subject} {}", f.rule)),
        escape(f.file())
    );
    match f.severity {
        Severity::Error | Severity::Warning => format!(
            "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
            escape(&f.message),
            escape(&f.rule),
            escape_text(&text)
        ),
        Severity::Note => format!(
            "{open}>\n      <system-out>{}</system-out>\n    </testcase>\n",
            escape_text(&text)
        ),
    }
}

/// Escapes text for an XML 1.0 attribute value. Characters XML 1.0 cannot
/// hold become U+FFFD; line breaks and tabs are written as character
/// references so the value keeps them.
pub fn escape(text: &str) -> String {
    escape_as(text, true)
}

/// Escapes text for XML 1.0 element content (line breaks stay as they
/// are, but a carriage return is kept as a reference).
pub fn escape_text(text: &str) -> String {
    escape_as(text, false)
}

fn escape_as(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if !attribute => out.push(c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

impl Reporter for Junit {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
        writeln!(out, "<testsuites name=\"assetlint\">")
    }

    fn finding(&mut self, f: &Finding, out: &mut dyn Write) -> io::Result<()> {
        if self.file.as_deref() != Some(f.file()) {
            self.flush_suite(out)?;
            self.file = Some(f.file().to_string());
        }
        if f.severity != Severity::Note {
            self.failures += 1;
        }
        self.cases.push(testcase(f));
        Ok(())
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        self.flush_suite(out)?;
        if self.suites == 0 {
            writeln!(
                out,
                "  <testsuite name=\"assetlint\" tests=\"1\" failures=\"0\" errors=\"0\">"
            )?;
            writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"assetlint\"/>",
                escape(&format!(
                    "{} in {}: no findings",
                    plural(summary.assets, "asset", "assets"),
                    plural(summary.files, "file", "files")
                ))
            )?;
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_characters_xml_cannot_hold() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\n\u{1}"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#10;\u{FFFD}"
        );
        assert_eq!(escape_text("a\n<b>\r"), "a\n&lt;b&gt;&#13;");
    }
}
