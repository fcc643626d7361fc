//! `--format html`: one self-contained page for the auditor and the board
//! paper.
//!
//! Layout: a title with the run's date; headline figures (assets checked,
//! flagged, not checkable, errors, warnings, notes, removals overdue and
//! due later); the removal plan ([`Plan`]) as an SVG bar chart of removals
//! due per month (overdue months in their own colour) and a table per
//! deadline; findings by site and by vendor; then every finding with its
//! evidence, up to [`Html::ROW_LIMIT`] rows (the page says how many were
//! left out).
//!
//! The page stands alone: inline CSS and inline SVG, no script, no external
//! font, image or stylesheet. It prints on A4 (`@page`, `@media print`:
//! table headers repeat, rows are not split, long cells wrap instead of
//! running off the page).
//!
//! Register content is untrusted: every piece of text goes through
//! [`escape`], so no `<`, `&` or quote from the input reaches the page raw.
//!
//! The whole page is written in [`Reporter::end`], because the headline
//! figures come first. Memory stays bounded as in the Markdown report:
//! counts per distinct site and vendor, the plan, and the first
//! [`Html::ROW_LIMIT`] rendered rows.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use jiff::civil::Date;

use crate::diag::{Finding, MatchKind, Severity};
use crate::report::plan::{Month, Plan};
use crate::report::{plural, Reporter, Summary};

/// The HTML reporter.
#[derive(Default)]
pub struct Html {
    /// Findings by site id (`None`: no site).
    by_site: BTreeMap<Option<String>, Counts>,
    /// Findings by vendor id (`None`: not identified).
    by_vendor: BTreeMap<Option<String>, Counts>,
    /// What must go by when.
    plan: Plan,
    /// The first rows of the findings table, rendered.
    rows: Vec<String>,
    /// Findings past the row limit.
    omitted: usize,
}

/// Findings by severity, and removals due, for one site or vendor.
#[derive(Clone, Copy, Default)]
struct Counts {
    errors: usize,
    warnings: usize,
    notes: usize,
    overdue: usize,
    later: usize,
}

impl Counts {
    fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
    }

    fn findings(self) -> usize {
        self.errors + self.warnings + self.notes
    }
}

const STYLE: &str = r#"
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
        --overdue: #b42318; --due: #1f5fa8; --warn: #8a5a00; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 1.75em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05em; margin: 20px 0 6px; }
p { margin: 6px 0 10px; }
.meta, .note { color: var(--muted); }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(128px, 1fr)); gap: 10px;
           list-style: none; margin: 18px 0 0; padding: 0; }
.figures li { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.figures b { display: block; font-size: 1.9em; line-height: 1.15; font-variant-numeric: tabular-nums; }
.figures span { color: var(--muted); font-size: .86em; }
.figures .alarm b { color: var(--overdue); }
table { width: 100%; border-collapse: collapse; margin: 6px 0 14px; font-size: .9em; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line);
         overflow-wrap: anywhere; }
th { background: var(--panel); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.date { font-variant-numeric: tabular-nums; white-space: nowrap; }
table.findings, table.plan { table-layout: fixed; }
.plan col.deadline { width: 12%; } .plan col.status { width: 13%; } .plan col.assets { width: 8%; }
.plan col.sites { width: 47%; } .plan col.vendors { width: 20%; }
.id { white-space: nowrap; }
p.lead { break-after: avoid; page-break-after: avoid; }
.findings col.sev { width: 10%; } .findings col.where { width: 20%; }
.findings col.what { width: 40%; } .findings col.why { width: 30%; }
.sev { font-weight: 700; font-size: .78em; letter-spacing: .04em; text-transform: uppercase; }
.error { color: var(--overdue); } .warning { color: var(--warn); } .note-sev { color: var(--muted); }
.overdue { color: var(--overdue); font-weight: 600; }
.rule { display: block; font-weight: 600; }
.small { display: block; color: var(--muted); font-size: .9em; }
ul.evidence { margin: 0; padding-left: 1.1em; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .92em; }
figure { margin: 8px 0 16px; }
svg.chart { display: block; width: 100%; max-width: 940px; height: auto; }
svg.chart text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
.legend { display: flex; gap: 18px; margin: 4px 0 0; padding: 0; list-style: none; color: var(--muted); font-size: .88em; }
.key { display: inline-block; width: .9em; height: .9em; margin-right: 6px; vertical-align: -1px; border-radius: 2px; }
.key.overdue-key { background: var(--overdue); } .key.due-key { background: var(--due); }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { font-size: 9.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, li, figure { break-inside: avoid; page-break-inside: avoid; }
  .figures { grid-template-columns: repeat(4, 1fr); }
  .figures li { padding: 6px 8px; }
  svg.chart { max-width: 100%; }
  table { font-size: 8.5pt; }
}
"#;

impl Html {
    /// Rows of the findings table; past this, the page says how many were
    /// left out.
    pub const ROW_LIMIT: usize = 2000;

    /// Asset ids listed per site in the removal plan; past this, "and N
    /// more".
    pub const ID_LIMIT: usize = 12;

    /// Sites listed per deadline in the removal plan; past this, the page
    /// says how many more.
    pub const SITE_LIMIT: usize = 25;

    fn render(&self, summary: &Summary) -> String {
        let mut s = String::new();
        // Writing to a String cannot fail.
        let _ = self.render_into(&mut s, summary);
        s
    }

    fn render_into(&self, s: &mut String, summary: &Summary) -> std::fmt::Result {
        let date = summary.date.or(self.plan.as_of());
        writeln!(s, "<!DOCTYPE html>")?;
        writeln!(s, "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
        writeln!(
            s,
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        )?;
        let title = match date {
            Some(d) => format!("assetlint report, {d}"),
            None => "assetlint report".to_string(),
        };
        writeln!(s, "<title>{}</title>", escape(&title))?;
        writeln!(s, "<style>{STYLE}</style>\n</head>\n<body>\n<main>")?;

        writeln!(s, "<header>\n<h1>Banned-vendor equipment report</h1>")?;
        write!(s, "<p class=\"meta\">")?;
        if let Some(d) = date {
            write!(s, "As of {d} · ")?;
        }
        writeln!(
            s,
            "{} · {} read · assetlint {}</p>",
            plural(summary.files, "file", "files"),
            plural(summary.assets, "asset", "assets"),
            env!("CARGO_PKG_VERSION"),
        )?;
        self.figures(s, summary)?;
        writeln!(s, "</header>")?;

        self.plan_section(s, date)?;
        self.counts_section(s, "Findings by site", "Site", "site", &self.by_site)?;
        self.counts_section(s, "Findings by vendor", "Vendor", "vendor", &self.by_vendor)?;
        self.findings_section(s, summary)?;
        writeln!(s, "</main>\n</body>\n</html>")
    }

    fn figures(&self, s: &mut String, summary: &Summary) -> std::fmt::Result {
        writeln!(s, "<ul class=\"figures\">")?;
        let figures = [
            (summary.assets, "assets checked", false),
            (summary.flagged, "flagged", summary.flagged > 0),
            (summary.not_checkable, "not checkable", false),
            (summary.errors, "errors", summary.errors > 0),
            (summary.warnings, "warnings", false),
            (summary.notes, "notes", false),
            (
                self.plan.overdue(),
                "overdue removals",
                self.plan.overdue() > 0,
            ),
            (self.plan.upcoming(), "removals due later", false),
        ];
        for (n, label, alarm) in figures {
            let class = if alarm { " class=\"alarm\"" } else { "" };
            writeln!(s, "<li{class}><b>{n}</b><span>{label}</span></li>")?;
        }
        writeln!(s, "</ul>")?;
        if summary.suppressed > 0 {
            writeln!(
                s,
                "<p class=\"note\">{} suppressed by waivers.</p>",
                plural(summary.suppressed, "finding", "findings")
            )?;
        }
        Ok(())
    }

    fn plan_section(&self, s: &mut String, date: Option<Date>) -> std::fmt::Result {
        writeln!(s, "<section>\n<h2>Removal plan</h2>")?;
        if self.plan.is_empty() {
            writeln!(s, "<p>No finding has a removal deadline.</p>\n</section>")?;
            return Ok(());
        }
        writeln!(
            s,
            "<p class=\"lead\"><strong class=\"overdue\">{} overdue for removal</strong>, {} due later. \
             Each asset is counted once per deadline of the rules that flag it.</p>",
            plural(self.plan.overdue(), "asset", "assets"),
            self.plan.upcoming(),
        )?;
        writeln!(s, "<figure>")?;
        chart(s, &self.plan.months(date), date)?;
        writeln!(
            s,
            "<ul class=\"legend\"><li><span class=\"key overdue-key\"></span>overdue</li>\
             <li><span class=\"key due-key\"></span>due</li></ul>"
        )?;
        writeln!(s, "</figure>")?;

        writeln!(s, "<table class=\"plan\">\n<colgroup><col class=\"deadline\"><col class=\"status\"><col class=\"assets\"><col class=\"sites\"><col class=\"vendors\"></colgroup>\n<thead><tr><th>Deadline</th><th>Status</th><th class=\"num\">Assets</th><th>Sites and assets</th><th>Vendors</th></tr></thead>\n<tbody>")?;
        for d in self.plan.deadlines() {
            let class = if d.overdue { " class=\"overdue\"" } else { "" };
            write!(
                s,
                "<tr><td class=\"date\">{}</td><td{class}>{}</td><td class=\"num\">{}</td><td>",
                d.deadline,
                escape(&d.status()),
                d.assets
            )?;
            for site in d.by_site.iter().take(Self::SITE_LIMIT) {
                let ids = site.shown_ids(Self::ID_LIMIT, escape);
                write!(
                    s,
                    "<div><strong>{}</strong> ({}): {}</div>",
                    key(site.site.as_deref()),
                    site.count,
                    ids.join(", ")
                )?;
            }
            if d.by_site.len() > Self::SITE_LIMIT {
                let rest = &d.by_site[Self::SITE_LIMIT..];
                write!(
                    s,
                    "<div>and {} more ({})</div>",
                    plural(rest.len(), "site", "sites"),
                    plural(rest.iter().map(|x| x.count).sum(), "asset", "assets")
                )?;
            }
            let vendors: Vec<String> = d
                .by_vendor
                .iter()
                .map(|v| format!("{} {}", key(v.vendor.as_deref()), v.count))
                .collect();
            writeln!(s, "</td><td>{}</td></tr>", vendors.join(", "))?;
        }
        writeln!(s, "</tbody>\n</table>\n</section>")
    }

    fn counts_section(
        &self,
        s: &mut String,
        title: &str,
        column: &str,
        what: &str,
        counts: &BTreeMap<Option<String>, Counts>,
    ) -> std::fmt::Result {
        if counts.is_empty() {
            return Ok(());
        }
        // Removals due, from the plan (each asset once per deadline).
        let mut counts = counts.clone();
        for d in self.plan.deadlines() {
            let groups: Vec<(Option<String>, usize)> = if what == "site" {
                d.by_site.into_iter().map(|g| (g.site, g.count)).collect()
            } else {
                d.by_vendor
                    .into_iter()
                    .map(|g| (g.vendor, g.count))
                    .collect()
            };
            for (id, n) in groups {
                let c = counts.entry(id).or_default();
                if d.overdue {
                    c.overdue += n;
                } else {
                    c.later += n;
                }
            }
        }
        let mut rows: Vec<(Option<String>, Counts)> = counts.into_iter().collect();
        rows.sort_by(|a, b| {
            (b.1.overdue, b.1.errors, b.1.findings())
                .cmp(&(a.1.overdue, a.1.errors, a.1.findings()))
                .then_with(|| a.0.cmp(&b.0))
        });
        writeln!(s, "<section>\n<h2>{title}</h2>")?;
        writeln!(
            s,
            "<table>\n<thead><tr><th>{column}</th><th class=\"num\">Findings</th><th class=\"num\">Errors</th>\
             <th class=\"num\">Warnings</th><th class=\"num\">Notes</th><th class=\"num\">Overdue removals</th>\
             <th class=\"num\">Removals due later</th></tr></thead>\n<tbody>"
        )?;
        for (id, c) in rows {
            let overdue = if c.overdue > 0 { " overdue" } else { "" };
            writeln!(
                s,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num{overdue}\">{}</td><td class=\"num\">{}</td></tr>",
                key(id.as_deref()),
                c.findings(),
                c.errors,
                c.warnings,
                c.notes,
                c.overdue,
                c.later
            )?;
        }
        writeln!(s, "</tbody>\n</table>\n</section>")
    }

    fn findings_section(&self, s: &mut String, summary: &Summary) -> std::fmt::Result {
        writeln!(s, "<section>\n<h2>Findings</h2>")?;
        if self.rows.is_empty() {
            writeln!(s, "<p>No findings.</p>\n</section>")?;
            return Ok(());
        }
        writeln!(
            s,
            "<p class=\"lead\">{}, {}, {}, in file order.</p>",
            plural(summary.errors, "error", "errors"),
            plural(summary.warnings, "warning", "warnings"),
            plural(summary.notes, "note", "notes"),
        )?;
        writeln!(
            s,
            "<table class=\"findings\">\n<colgroup><col class=\"sev\"><col class=\"where\"><col class=\"what\"><col class=\"why\"></colgroup>\n\
             <thead><tr><th>Severity</th><th>Where</th><th>Rule and message</th><th>Vendor and evidence</th></tr></thead>\n<tbody>"
        )?;
        for row in &self.rows {
            writeln!(s, "{row}")?;
        }
        writeln!(s, "</tbody>\n</table>")?;
        if self.omitted > 0 {
            writeln!(
                s,
                "<p class=\"note\">… and {} not shown (the table stops at {} rows; the JSON and SARIF reports have them all).</p>",
                plural(self.omitted, "more finding", "more findings"),
                Self::ROW_LIMIT
            )?;
        }
        writeln!(s, "</section>")
    }

    fn row(f: &Finding) -> String {
        let (start, _) = f.primary.range();
        let sev_class = match f.severity {
            Severity::Note => "note-sev",
            other => other.name(),
        };
        let mut row = format!(
            "<tr><td class=\"sev {sev_class}\">{}</td><td><code>{}:{}</code>",
            f.severity,
            escape(f.file()).replace('/', "/<wbr>"),
            start.line
        );
        if let Some(id) = &f.asset_id {
            let _ = write!(row, "<span class=\"small\">asset {}</span>", escape(id));
        }
        if let Some(site) = &f.site_id {
            let _ = write!(row, "<span class=\"small\">site {}</span>", escape(site));
        }
        let _ = write!(
            row,
            "</td><td><span class=\"rule\">{}</span>{}",
            escape(&f.rule),
            escape(&f.message)
        );
        if let Some(days) = f.days_left.filter(|d| *d <= 0) {
            let _ = write!(
                row,
                "<span class=\"small overdue\">removal overdue by {}</span>",
                plural(days.unsigned_abs() as usize, "day", "days")
            );
        }
        let _ = write!(row, "</td><td>");
        if let Some(vendor) = &f.vendor_id {
            let _ = write!(row, "<strong>{}</strong>", escape(vendor));
        }
        if !f.evidence.is_empty() {
            row.push_str("<ul class=\"evidence\">");
            for e in &f.evidence {
                let how = match e.how {
                    MatchKind::Exact => "exact",
                    MatchKind::Normalized => "normalised",
                    MatchKind::Pattern => "pattern",
                };
                let _ = write!(
                    row,
                    "<li>{} <code>{}</code>: {} ({how})</li>",
                    escape(&e.field),
                    escape(&e.value),
                    escape(&e.fact)
                );
            }
            row.push_str("</ul>");
        }
        row.push_str("</td></tr>");
        row
    }
}

impl Reporter for Html {
    fn finding(&mut self, f: &Finding, _out: &mut dyn Write) -> io::Result<()> {
        self.plan.add(f);
        self.by_site
            .entry(f.site_id.clone())
            .or_default()
            .add(f.severity);
        self.by_vendor
            .entry(f.vendor_id.clone())
            .or_default()
            .add(f.severity);
        if self.rows.len() < Self::ROW_LIMIT {
            self.rows.push(Self::row(f));
        } else {
            self.omitted += 1;
        }
        Ok(())
    }

    fn end(&mut self, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.render(summary).as_bytes())
    }
}

/// A site or vendor id for a cell, `(none)` when absent.
fn key(id: Option<&str>) -> String {
    id.map_or_else(|| "(none)".to_string(), escape)
}

/// Escapes text for HTML element content and quoted attribute values:
/// `&`, `<`, `>`, `"` and `'` become character references, and control
/// characters other than tab and line breaks become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The SVG bar chart of removals due per month.
fn chart(s: &mut String, months: &[Month], today: Option<Date>) -> std::fmt::Result {
    const WIDTH: f64 = 760.0;
    const HEIGHT: f64 = 260.0;
    const LEFT: f64 = 48.0;
    const RIGHT: f64 = 32.0;
    const TOP: f64 = 18.0;
    const BOTTOM: f64 = 58.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let max = months.iter().map(|m| m.assets).max().unwrap_or(0).max(1);
    let step = nice_step(max);
    let top = max.div_ceil(step) * step;
    let y = |n: usize| TOP + plot_h - plot_h * n as f64 / top as f64;

    let overdue: usize = months.iter().filter(|m| m.overdue).map(|m| m.assets).sum();
    let due: usize = months.iter().filter(|m| !m.overdue).map(|m| m.assets).sum();
    let (first, last) = match (months.first(), months.last()) {
        (Some(f), Some(l)) => (f.month.strftime("%B %Y"), l.month.strftime("%B %Y")),
        _ => return Ok(()),
    };
    writeln!(
        s,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         role=\"img\" aria-labelledby=\"chart-title chart-desc\" xmlns=\"http://www.w3.org/2000/svg\">"
    )?;
    writeln!(
        s,
        "<title id=\"chart-title\">Removals due per month</title>\n\
         <desc id=\"chart-desc\">Assets due for removal by month of deadline, {first} to {last}: \
         {overdue} overdue, {due} due later.</desc>"
    )?;
    // Grid lines and the y axis labels.
    let mut n = 0;
    while n <= top {
        let yy = y(n);
        writeln!(
            s,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#d0d7de\" stroke-width=\"1\"/>\
             <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{n}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            yy + 4.0
        )?;
        n += step;
    }
    writeln!(
        s,
        "<text transform=\"translate(13 {:.1}) rotate(-90)\" font-size=\"11\" text-anchor=\"middle\">Assets due</text>",
        TOP + plot_h / 2.0
    )?;
    let slot = plot_w / months.len() as f64;
    let bar = (slot * 0.7).min(56.0);
    // Month labels at most one per `spacing` months: the months with
    // removals first, then a regular grid where there is room.
    let spacing = months.len().div_ceil(12);
    let mut labelled: Vec<usize> = Vec::new();
    let busy = (0..months.len()).filter(|&i| months[i].assets > 0);
    let grid = (0..months.len()).step_by(spacing);
    for i in busy.chain(grid) {
        if labelled.iter().all(|&j| i.abs_diff(j) >= spacing) {
            labelled.push(i);
        }
    }
    for (i, m) in months.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let label = m.month.strftime("%b %Y").to_string();
        let state = if m.overdue { "overdue" } else { "due" };
        let color = if m.overdue { "#b42318" } else { "#1f5fa8" };
        let title = format!(
            "{}: {} {state}",
            m.month.strftime("%B %Y"),
            plural(m.assets, "asset", "assets")
        );
        if m.assets > 0 {
            let yy = y(m.assets);
            writeln!(
                s,
                "<g><title>{}</title><rect x=\"{x:.1}\" y=\"{yy:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{color}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text></g>",
                escape(&title),
                TOP + plot_h - yy,
                x + bar / 2.0,
                yy - 4.0,
                m.assets
            )?;
        }
        if labelled.contains(&i) {
            let cx = x + bar / 2.0;
            let ly = TOP + plot_h + 16.0;
            writeln!(
                s,
                "<text x=\"{cx:.1}\" y=\"{ly:.1}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>"
            )?;
        }
    }
    // The run's date, where it falls among the months shown.
    if let Some(today) = today {
        let index = months
            .iter()
            .position(|m| m.month == today.first_of_month());
        if let Some(i) = index {
            let within = f64::from(today.day() - 1) / f64::from(today.days_in_month());
            let x = LEFT + slot * (i as f64 + within);
            let (label_x, anchor) = if x > LEFT + plot_w * 0.85 {
                (x - 4.0, "end")
            } else {
                (x + 4.0, "start")
            };
            writeln!(
                s,
                "<g><title>Today: {today}</title><line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\" \
                 stroke=\"#57606a\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\
                 <text x=\"{label_x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"{anchor}\" fill=\"#57606a\">today</text></g>",
                TOP,
                TOP + plot_h,
                TOP + 10.0
            )?;
        }
    }
    writeln!(
        s,
        "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#1b1f24\" stroke-width=\"1\"/>",
        WIDTH - RIGHT,
        TOP + plot_h,
        TOP + plot_h
    )?;
    writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">Month of deadline</text>",
        LEFT + plot_w / 2.0,
        HEIGHT - 12.0
    )?;
    writeln!(s, "</svg>")
}

/// A step for the y axis: 1, 2 or 5 times a power of ten, giving at most
/// five steps up to `max`.
fn nice_step(max: usize) -> usize {
    let mut base = 1;
    loop {
        for m in [1, 2, 5] {
            let step = base * m;
            if max.div_ceil(step) <= 5 {
                return step;
            }
        }
        base *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Evidence, Label};
    use crate::source::Snippet;

    #[test]
    fn escape_leaves_no_markup_or_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}c"), "a b c");
        assert_eq!(escape("海康威视 NBC-CCTV-0002"), "海康威视 NBC-CCTV-0002");
    }

    #[test]
    fn register_content_reaches_the_page_escaped() {
        let snippet = Snippet::whole("r<1>.csv".into(), "x\n".repeat(10).into());
        let mut f = Finding::new(
            "p/r",
            Severity::Error,
            "camera <img src=x onerror=alert(1)> at \"HQ\"",
            Label::new(snippet, 2..3, ""),
        );
        f.asset_id = Some("A&B".into());
        f.site_id = Some("<site>".into());
        f.vendor_id = Some("v'x".into());
        f.evidence.push(Evidence {
            field: "vendor".into(),
            value: "<b>Hik</b>".into(),
            fact: "alias \"Hik\"".into(),
            how: MatchKind::Exact,
            span: None,
        });
        f.deadline = Some(jiff::civil::date(2025, 4, 30));
        f.days_left = Some(-3);
        let mut html = Html::default();
        html.finding(&f, &mut io::sink()).unwrap();
        let page = html.render(&Summary {
            errors: 1,
            ..Summary::default()
        });
        for raw in ["<img", "<b>Hik", "<site>", "A&B", "\"HQ\"", "v'x", "r<1>"] {
            assert!(!page.contains(raw), "{raw} is in the page raw");
        }
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt; at &quot;HQ&quot;"));
        assert!(page.contains("&lt;site&gt;"));
        assert!(!page.contains("<script"));
        assert!(!page.contains(" href=") && !page.contains(" src=\"") && !page.contains("@import"));
    }

    #[test]
    fn the_table_stops_at_the_row_limit_and_says_how_many_were_left_out() {
        let snippet = Snippet::whole("a.csv".into(), "x\n".repeat(10).into());
        let mut html = Html::default();
        let n = Html::ROW_LIMIT + 5;
        for _ in 0..n {
            let f = Finding::new(
                "r",
                Severity::Warning,
                "m",
                Label::new(snippet.clone(), 2..3, ""),
            );
            html.finding(&f, &mut io::sink()).unwrap();
        }
        let page = html.render(&Summary {
            warnings: n,
            ..Summary::default()
        });
        assert_eq!(page.matches("<tr><td class=\"sev").count(), Html::ROW_LIMIT);
        assert!(page.contains("… and 5 more findings not shown (the table stops at 2000 rows"));
    }

    #[test]
    fn y_axis_steps_are_round() {
        assert_eq!(nice_step(1), 1);
        assert_eq!(nice_step(5), 1);
        assert_eq!(nice_step(6), 2);
        assert_eq!(nice_step(23), 5);
        assert_eq!(nice_step(480), 100);
    }
}
