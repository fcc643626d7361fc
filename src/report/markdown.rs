//! `--format markdown` (and `--summary-file`): a report for people, readable
//! in a GitHub job summary, a pull-request comment or a repository view.
//!
//! Layout: a title and a totals table; the run's files, folded in a
//! `<details>` block; findings counted by rule, by site and
//! by vendor; the removal timeline (the [`Plan`]: per deadline, overdue
//! first, the assets due by site and vendor); then the table of findings
//! with `file:line` links relative to the repository root
//! (`[registers/x.csv:3](registers/x.csv#L3)`).
//!
//! The whole report is written in [`Reporter::end`], because the totals come
//! first. Memory stays bounded: the counts hold one entry per distinct rule,
//! site and vendor, the plan what its module doc says, and the table keeps
//! at most [`Markdown::ROW_LIMIT`] rows (the report says how many were left
//! out).
//!
//! Every cell is escaped: pipes and Markdown punctuation are
//! backslash-escaped, line breaks become `<br>`, and a cell that would start
//! with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`
//! (as OWASP advises against CSV injection), so a spreadsheet the table is
//! pasted into does not read it as a formula; the `'` shows in the
//! rendered table. Control characters and bidi overrides are shown, not
//! passed on ([`visible`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::diag::{Finding, Severity};
use crate::report::plan::Plan;
use crate::report::visible;
use crate::report::{is_repo_file, plural, Reporter, Summary};

/// The Markdown reporter.
#[derive(Default)]
pub struct Markdown {
    /// Findings by rule: counts by severity and what the rule flags.
    by_rule: BTreeMap<String, RuleCount>,
    /// Findings by site id (`None`: no site).
    by_site: BTreeMap<Option<String>, usize>,
    /// Findings by vendor id (`None`: no vendor identified).
    by_vendor: BTreeMap<Option<String>, usize>,
    /// The first rows of the findings table.
    rows: Vec<String>,
    /// Findings past the row limit.
    omitted: usize,
    /// What must go by when.
    plan: Plan,
}

#[derive(Default)]
struct RuleCount {
    errors: usize,
    warnings: usize,
    notes: usize,
    summary: Option<String>,
}

impl Markdown {
    /// Rows of the findings table; past this, the report says how many
    /// were left out (a GitHub step summary holds at most 1 MiB).
    pub const ROW_LIMIT: usize = 1000;

    /// Asset ids listed per site and deadline in the removal timeline;
    /// past this, "and N more".
    pub const ID_LIMIT: usize = 10;

    /// Sites listed per deadline in the removal timeline; past this, the
    /// report says how many more.
    pub const SITE_LIMIT: usize = 25;

    /// Writes the report, with `notes` (paragraphs) after the totals.
    pub fn write_report(
        &self,
        summary: &Summary,
        notes: &[String],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        out.write_all(self.render(summary, notes).as_bytes())
    }

    fn render(&self, summary: &Summary, notes: &[String]) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = self.render_into(&mut s, summary, notes);
        s
    }

    fn render_into(&self, s: &mut String, summary: &Summary, notes: &[String]) -> std::fmt::Result {
        writeln!(s, "## assetlint report\n")?;
        let findings = summary.errors + summary.warnings + summary.notes;
        if findings == 0 {
            writeln!(s, "No findings.\n")?;
        } else {
            writeln!(
                s,
                "**{}, {}, {}**\n",
                plural(summary.errors, "error", "errors"),
                plural(summary.warnings, "warning", "warnings"),
                plural(summary.notes, "note", "notes"),
            )?;
        }
        writeln!(
            s,
            "| Files | Assets | Passed | Flagged | Not checkable | Errors | Warnings | Notes | Suppressed |"
        )?;
        writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
        writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            summary.files,
            summary.assets,
            summary.passed,
            summary.flagged,
            summary.not_checkable,
            summary.errors,
            summary.warnings,
            summary.notes,
            summary.suppressed,
        )?;
        for note in notes {
            writeln!(s, "> {}\n", note.replace('\n', " "))?;
        }
        Self::files(s, summary)?;
        if findings == 0 {
            return Ok(());
        }

        writeln!(s, "### Findings by rule\n")?;
        writeln!(s, "| Rule | Errors | Warnings | Notes | What it flags |")?;
        writeln!(s, "|---|---:|---:|---:|---|")?;
        for (rule, count) in &self.by_rule {
            writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                cell(rule),
                count.errors,
                count.warnings,
                count.notes,
                cell(count.summary.as_deref().unwrap_or("")),
            )?;
        }
        writeln!(s)?;
        for (title, column, counts) in [
            ("Findings by site", "Site", &self.by_site),
            ("Findings by vendor", "Vendor", &self.by_vendor),
        ] {
            writeln!(s, "### {title}\n")?;
            writeln!(s, "| {column} | Findings |")?;
            writeln!(s, "|---|---:|")?;
            for (id, n) in counts {
                writeln!(s, "| {} | {n} |", key(id.as_deref()))?;
            }
            writeln!(s)?;
        }
        self.timeline(s, summary)?;

        writeln!(s, "### Findings\n")?;
        writeln!(s, "| Severity | Rule | Location | Asset | Message |")?;
        writeln!(s, "|---|---|---|---|---|")?;
        for row in &self.rows {
            writeln!(s, "{row}")?;
        }
        if self.omitted > 0 {
            writeln!(
                s,
                "\n… and {} not shown (the table stops at {} rows; the JSON and SARIF reports have them all).",
                plural(self.omitted, "more finding", "more findings"),
                Self::ROW_LIMIT
            )?;
        }
        Ok(())
    }

    /// Every file of the run, folded: what it was read as, the records
    /// read from it, and why it was not read (at most [`Self::ROW_LIMIT`]
    /// rows).
    fn files(s: &mut String, summary: &Summary) -> std::fmt::Result {
        if summary.inputs.is_empty() {
            return Ok(());
        }
        let unread = summary
            .inputs
            .iter()
            .filter(|i| i.problem.is_some())
            .count();
        let unread = if unread == 0 {
            String::new()
        } else {
            format!(", {unread} not read in full")
        };
        writeln!(
            s,
            "<details><summary>{}{unread}</summary>\n",
            plural(summary.inputs.len(), "file", "files")
        )?;
        writeln!(s, "| File | Read as | Format | Records | Problem |")?;
        writeln!(s, "|---|---|---|---:|---|")?;
        for input in summary.inputs.iter().take(Self::ROW_LIMIT) {
            writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                cell(&input.file),
                match input.role {
                    crate::report::Role::Assets => "assets",
                    crate::report::Role::Sites => "sites",
                },
                // A file not read was not opened to tell its format.
                input.format.unwrap_or(""),
                input.records,
                input.problem.as_deref().map_or_else(String::new, cell),
            )?;
        }
        if summary.inputs.len() > Self::ROW_LIMIT {
            writeln!(
                s,
                "| and {} more | | | | |",
                plural(summary.inputs.len() - Self::ROW_LIMIT, "file", "files")
            )?;
        }
        writeln!(s, "\n</details>\n")
    }

    /// The removal timeline: a table of deadlines, then each deadline's
    /// sites with their asset ids, and its vendors.
    fn timeline(&self, s: &mut String, summary: &Summary) -> std::fmt::Result {
        if self.plan.is_empty() {
            return Ok(());
        }
        writeln!(s, "### Removal timeline\n")?;
        let as_of = summary
            .date
            .or(self.plan.as_of())
            .map_or_else(String::new, |d| format!(" as of {d}"));
        writeln!(
            s,
            "**{} overdue for removal, {} due later**{as_of}. Each asset is counted once per deadline.\n",
            plural(self.plan.overdue(), "asset", "assets"),
            self.plan.upcoming(),
        )?;
        let deadlines = self.plan.deadlines();
        writeln!(s, "| Deadline | Status | Assets | Sites | Vendors |")?;
        writeln!(s, "|---|---|---:|---:|---|")?;
        for d in &deadlines {
            let vendors: Vec<String> = d
                .by_vendor
                .iter()
                .map(|v| format!("{} {}", key(v.vendor.as_deref()), v.count))
                .collect();
            writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                d.deadline,
                if d.overdue {
                    format!("**{}**", d.status())
                } else {
                    d.status()
                },
                d.assets,
                d.by_site.len(),
                vendors.join(", "),
            )?;
        }
        writeln!(s)?;
        for d in &deadlines {
            writeln!(
                s,
                "#### {}: {}, {}\n",
                d.deadline,
                d.status(),
                plural(d.assets, "asset", "assets")
            )?;
            writeln!(s, "| Site | Assets | Asset ids |")?;
            writeln!(s, "|---|---:|---|")?;
            for site in d.by_site.iter().take(Self::SITE_LIMIT) {
                let ids = site.shown_ids(Self::ID_LIMIT, cell);
                writeln!(
                    s,
                    "| {} | {} | {} |",
                    key(site.site.as_deref()),
                    site.count,
                    ids.join(", ")
                )?;
            }
            if d.by_site.len() > Self::SITE_LIMIT {
                let rest = &d.by_site[Self::SITE_LIMIT..];
                writeln!(
                    s,
                    "| and {} more | {} | |",
                    plural(rest.len(), "site", "sites"),
                    rest.iter().map(|x| x.count).sum::<usize>()
                )?;
            }
            writeln!(s)?;
        }
        Ok(())
    }
}

/// A site or vendor id for a table, `(none)` when absent.
fn key(id: Option<&str>) -> String {
    id.map_or_else(|| "(none)".to_string(), cell)
}

impl Reporter for Markdown {
    fn finding(&mut self, f: &Finding, _out: &mut dyn Write) -> io::Result<()> {
        self.plan.add(f);
        let count = self.by_rule.entry(f.rule.clone()).or_default();
        match f.severity {
            Severity::Error => count.errors += 1,
            Severity::Warning => count.warnings += 1,
            Severity::Note => count.notes += 1,
        }
        if count.summary.is_none() {
            count.summary = f.rule_summary().map(str::to_string);
        }
        *self.by_site.entry(f.site_id.clone()).or_default() += 1;
        *self.by_vendor.entry(f.vendor_id.clone()).or_default() += 1;
        if self.rows.len() < Self::ROW_LIMIT {
            let (start, _) = f.primary.range();
            self.rows.push(format!(
                "| {} | {} | {} | {} | {} |",
                f.severity,
                cell(&f.rule),
                link(f.file(), start.line),
                f.asset_id.as_deref().map_or_else(String::new, cell),
                cell(&f.message),
            ));
        } else {
            self.omitted += 1;
        }
        Ok(())
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        self.write_report(summary, &[], out)
    }
}

/// A `file:line` link relative to the repository root; plain text for
/// names that are not files in the repository (`<stdin>`, `builtin:…`).
fn link(file: &str, line: usize) -> String {
    let text = cell(&format!("{file}:{line}"));
    if !is_repo_file(file) {
        return text;
    }
    format!("[{text}]({}#L{line})", percent_encode_path(file))
}

/// Escapes text for one cell of a GitHub-flavoured Markdown table.
pub fn cell(text: &str) -> String {
    let text = text.trim();
    let mut out = String::with_capacity(text.len() + 2);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.push('\'');
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            // Shown, never passed on: an escape sequence becomes `␛[31m`,
            // a bidi override `<U+202E>` (escaped as markup).
            c if visible::is_unsafe(c) => {
                for v in visible::visible(c.encode_utf8(&mut [0; 4])).chars() {
                    match v {
                        '<' => out.push_str("&lt;"),
                        '>' => out.push_str("&gt;"),
                        v => out.push(v),
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a `/`-separated relative path for use in a URI
/// reference: everything but RFC 3986 unreserved characters and `/`.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_line_breaks_and_formulas() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(cell("one\ntwo\r\nthree"), "one<br>two<br>three");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("  =x"), "'=x");
        assert_eq!(cell("<script>"), "&lt;script&gt;");
        assert_eq!(cell("[x](y)"), "\\[x\\](y)");
        assert_eq!(cell("NBC-CCTV-0002"), "NBC-CCTV-0002");
        assert_eq!(cell("A1\x1b[31mRED"), "A1␛\\[31mRED");
        assert_eq!(cell("\u{202e}exe.gpj"), "&lt;U+202E&gt;exe.gpj");
        assert_eq!(cell("\t=1+1"), "'=1+1");
        assert_eq!(cell("\r=1+2"), "'=1+2");
    }

    #[test]
    fn the_table_stops_at_the_row_limit_and_says_how_many_were_left_out() {
        use crate::diag::Label;
        use crate::source::Snippet;

        let snippet = Snippet::whole("a.csv".into(), "x\n".repeat(10).into());
        let mut markdown = Markdown::default();
        let n = Markdown::ROW_LIMIT + 3;
        for _ in 0..n {
            let f = Finding::new(
                "r",
                Severity::Error,
                "m",
                Label::new(snippet.clone(), 2..3, ""),
            );
            markdown.finding(&f, &mut io::sink()).unwrap();
        }
        let summary = Summary {
            errors: n,
            ..Summary::default()
        };
        let text = markdown.render(&summary, &[]);
        assert_eq!(text.matches("| error | r |").count(), Markdown::ROW_LIMIT);
        assert!(text.ends_with(
            "\n… and 3 more findings not shown (the table stops at 1000 rows; the JSON and SARIF reports have them all).\n"
        ));
        assert!(text.contains("| r | 1003 | 0 | 0 |"));
    }

    #[test]
    fn the_timeline_lists_a_bounded_number_of_ids_per_site() {
        use crate::diag::Label;
        use crate::source::Snippet;

        let snippet = Snippet::whole("a.csv".into(), "x\n".repeat(100).into());
        let mut markdown = Markdown::default();
        let n = Markdown::ID_LIMIT + 2;
        for i in 0..n {
            let mut f = Finding::new(
                "p/r",
                Severity::Error,
                "m",
                Label::new(snippet.clone(), 2 * i..2 * i + 1, ""),
            );
            f.asset_id = Some(format!("A|{i}"));
            f.site_id = Some("S".into());
            f.deadline = Some(jiff::civil::date(2027, 1, 31));
            f.days_left = Some(65);
            markdown.finding(&f, &mut io::sink()).unwrap();
        }
        let summary = Summary {
            errors: n,
            ..Summary::default()
        };
        let text = markdown.render(&summary, &[]);
        assert!(text.contains("| 2027-01-31 | 65 days left | 12 | 1 | (none) 12 |"));
        assert!(text.contains("#### 2027-01-31: 65 days left, 12 assets"));
        assert!(text.contains("| S | 12 | A\\|0, A\\|1, "));
        assert!(text.contains("A\\|9, and 2 more |"));
    }

    #[test]
    fn links_are_relative_and_encoded() {
        assert_eq!(
            link("registers/x.csv", 3),
            "[registers/x.csv:3](registers/x.csv#L3)"
        );
        assert_eq!(
            link("my registers/x_1.csv", 3),
            "[my registers/x\\_1.csv:3](my%20registers/x_1.csv#L3)"
        );
        assert_eq!(link("<stdin>", 2), "&lt;stdin&gt;:2");
    }
}
