//! `--format json`: the versioned document, version 1.
//!
//! ```json
//! {"version": 1, "tool": {"name", "version"},
//!  "findings": [{"rule", "severity", "message", "file", "line", "column",
//!                "end_line", "end_column", "asset_id", "vendor_id",
//!                "evidence": [{"field", "value", "fact", "match"}],
//!                "site_id", "help", "url", "related": [...],
//!                "deadline", "days_left", "fingerprint",
//!                "suppressed": {"waiver", "reason", "approved_by", "expires"}}],
//!  "summary": {"files", "assets", "passed", "flagged", "not_checkable",
//!              "errors", "warnings", "notes", "suppressed", "baselined",
//!              "inputs": [{"file", "role", "format", "records", "problem"}]},
//!  "plan": [{"deadline", "days_left", "overdue", "assets",
//!            "by_site": [{"site", "count", "assets": [ids], "more"}],
//!            "by_vendor": [{"vendor", "count"}]}]}
//! ```
//! Lines and columns are 1-based; columns count characters; the end column
//! is exclusive. Absent values are `null`; `suppressed` is there only on
//! the findings a waiver suppressed (listed with `--show-suppressed`). The
//! summary and the plan come last because findings are written as they are
//! found.
//!
//! `plan` is the removal plan ([`Plan`]): one entry per deadline of the
//! rules that fired, overdue first; each asset counted once per deadline;
//! `by_site` lists at most [`Plan::ID_LIMIT`] ids per site, and `more` says
//! how many were left out. It is `[]` when no rule with a deadline fired.

use std::io::{self, Write};

use serde::Serialize;

use crate::diag::{Evidence, Finding, Label, Severity, Suppression};
use crate::report::plan::Plan;
use crate::report::{Reporter, Summary};

/// The JSON reporter.
#[derive(Default)]
pub struct Json {
    written: usize,
    plan: Plan,
    /// One finding's text, reused from finding to finding.
    buf: Vec<u8>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    // The location's fields, in place (as `#[serde(flatten)]` would put
    // them, without its cost).
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    asset_id: Option<&'a str>,
    vendor_id: Option<&'a str>,
    evidence: &'a [Evidence],
    site_id: Option<&'a str>,
    help: Option<&'a str>,
    url: Option<&'a str>,
    related: Vec<Related<'a>>,
    deadline: Option<String>,
    days_left: Option<i64>,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<&'a Suppression>,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl<'a> Related<'a> {
    fn new(label: &'a Label) -> Self {
        let (start, end) = label.range();
        Related {
            message: &label.message,
            file: label.file(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

impl Reporter for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let tool = serde_json::to_string(&Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        })?;
        write!(
            out,
            "{{\n  \"version\": 1,\n  \"tool\": {tool},\n  \"findings\": ["
        )
    }

    fn finding(&mut self, f: &Finding, out: &mut dyn Write) -> io::Result<()> {
        self.plan.add(f);
        self.write(f, out)
    }

    fn suppressed(&mut self, f: &Finding, out: &mut dyn Write) -> io::Result<()> {
        // Listed, but a waived finding is not in the removal plan.
        self.write(f, out)
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        let summary = serde_json::to_string_pretty(summary)?.replace('\n', "\n  ");
        let close = if self.written == 0 { "]" } else { "\n  ]" };
        write!(out, "{close},\n  \"summary\": {summary},\n  \"plan\": ")?;
        // Written as it is serialised: a plan of many sites is large.
        serde_json::to_writer_pretty(Indent(&mut *out), &self.plan.deadlines())?;
        writeln!(out, "\n}}")
    }
}

/// Writes through, indenting every line after the first by two spaces.
struct Indent<'a>(&'a mut dyn Write);

impl Write for Indent<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut lines = buf.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            self.0.write_all(first)?;
        }
        for line in lines {
            self.0.write_all(b"\n  ")?;
            self.0.write_all(line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl Json {
    fn write(&mut self, f: &Finding, out: &mut dyn Write) -> io::Result<()> {
        let (start, end) = f.primary.range();
        let finding = JsonFinding {
            rule: &f.rule,
            severity: f.severity,
            message: &f.message,
            file: f.primary.file(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            asset_id: f.asset_id.as_deref(),
            vendor_id: f.vendor_id.as_deref(),
            evidence: &f.evidence,
            site_id: f.site_id.as_deref(),
            help: f.help.as_deref(),
            url: f.url.as_deref(),
            related: f.related.iter().map(Related::new).collect(),
            deadline: f.deadline.map(|d| d.to_string()),
            days_left: f.days_left,
            fingerprint: &f.fingerprint,
            suppressed: f.suppressed.as_ref(),
        };
        self.buf.clear();
        serde_json::to_writer_pretty(&mut self.buf, &finding)?;
        let sep = if self.written == 0 { "" } else { "," };
        self.written += 1;
        write!(out, "{sep}\n    ")?;
        // JSON strings hold no raw newlines, so indenting every line is safe.
        let mut lines = self.buf.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            out.write_all(first)?;
        }
        for line in lines {
            out.write_all(b"\n    ")?;
            out.write_all(line)?;
        }
        Ok(())
    }
}
