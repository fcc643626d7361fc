//! [`Stream`]: findings in, sorted report out, holding back only what may
//! still be overtaken.
//!
//! Files are linted in the order of their names and records arrive in file
//! order, so once a record starting at byte `p` arrives, every finding of the
//! same file before `p` is final. Findings about other files (site
//! registers, found before any asset file is read) wait in a sorted queue
//! and are merged in at their place.
//!
//! One stream feeds several sinks (a reporter and where it writes): the
//! `--format` report and the `--sarif-file`/`--summary-file` reports of the
//! same run see the same findings in the same order.
//!
//! Every finding passes one gate on the way in (after severity overrides):
//! the run's waivers and baseline decide whether it is reported, suppressed
//! (reported to sinks that show suppressed findings, and counted) or
//! baselined (counted only).
//!
//! Under `--redact`, every finding that passes goes through the run's
//! [`Redactor`] just before the sinks see it: after the gate (waivers match
//! the real site ids) and after sorting, so the order and the fingerprints
//! are those of the unredacted run.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Write};

use crate::diag::{Finding, Severity};
use crate::report::redact::Redactor;
use crate::report::{Reporter, Summary};

/// One report: a reporter, where it writes, and its first write error
/// (writing to that sink stops there).
struct Sink<'a> {
    reporter: Box<dyn Reporter>,
    out: Box<dyn Write + 'a>,
    error: Option<io::Error>,
}

impl<'a> Sink<'a> {
    fn new(mut reporter: Box<dyn Reporter>, mut out: Box<dyn Write + 'a>) -> Self {
        let error = reporter.begin(&mut out).err();
        Sink {
            reporter,
            out,
            error,
        }
    }
}

/// What the gate decides about a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Report it.
    Report,
    /// A waiver suppressed it (the gate has set [`Finding::suppressed`]).
    Suppressed,
    /// The baseline holds it.
    Baselined,
}

/// The gate every finding passes on its way in.
pub type Gate<'a> = Box<dyn FnMut(&mut Finding) -> Verdict + 'a>;

/// Reports being written.
pub struct Stream<'a> {
    sinks: Vec<Sink<'a>>,
    /// Findings in files other than the current one, sorted.
    later: VecDeque<Finding>,
    /// Findings of the current file not yet written.
    local: Vec<Finding>,
    /// How many of `local` are not held: when none is, a flush has nothing
    /// of `local` to write and skips sorting it (a held file's findings
    /// wait in `local` to the end; sorting them at every record would take
    /// time quadratic in their number).
    unheld: usize,
    /// The worst severity written.
    worst: Option<Severity>,
    /// Counts so far.
    summary: Summary,
    /// Severity overrides by rule id (`None`: off).
    severities: HashMap<String, Option<Severity>>,
    /// Waivers and baseline.
    gate: Option<Gate<'a>>,
    /// Whether suppressed findings are written.
    show_suppressed: bool,
    /// Findings in files sorting at or after this name wait for the end.
    hold: Option<String>,
    /// What every written finding passes through, under `--redact`.
    redactor: Option<Redactor>,
}

impl<'a> Stream<'a> {
    /// Starts a report.
    pub fn new(reporter: Box<dyn Reporter>, out: Box<dyn Write + 'a>) -> Self {
        Stream {
            sinks: vec![Sink::new(reporter, out)],
            later: VecDeque::new(),
            local: Vec::new(),
            unheld: 0,
            worst: None,
            summary: Summary::default(),
            severities: HashMap::new(),
            gate: None,
            show_suppressed: false,
            hold: None,
            redactor: None,
        }
    }

    /// Redacts every finding before any sink sees it (call before the first
    /// finding is written).
    pub fn redact(&mut self, redactor: Redactor) {
        self.redactor = Some(redactor);
    }

    /// Adds another report of the same findings (call before the first
    /// finding is added).
    pub fn with_sink(mut self, reporter: Box<dyn Reporter>, out: Box<dyn Write + 'a>) -> Self {
        self.sinks.push(Sink::new(reporter, out));
        self
    }

    /// Overrides severities by rule id (`None` turns a rule off). This is
    /// the one place a finding's severity changes after it is made.
    pub fn with_severities(mut self, severities: HashMap<String, Option<Severity>>) -> Self {
        self.severities = severities;
        self
    }

    /// Passes every finding through `gate` (waivers, baseline); suppressed
    /// findings are written only if `show_suppressed`.
    pub fn with_gate(mut self, gate: Gate<'a>, show_suppressed: bool) -> Self {
        self.gate = Some(gate);
        self.show_suppressed = show_suppressed;
        self
    }

    /// Holds back every finding of `file` and of files sorting after it
    /// until the end, for files whose findings are known only then (waiver
    /// files, the baseline): the output stays in the one sort order.
    pub fn hold_from(&mut self, file: &str) {
        if self.hold.as_deref().is_none_or(|h| file < h) {
            self.hold = Some(file.to_string());
        }
        let hold = &self.hold;
        self.unheld = self
            .local
            .iter()
            .filter(|f| !Self::held(hold, f.file()))
            .count();
    }

    fn adjust(&mut self, mut finding: Finding) -> Option<Finding> {
        match self.severities.get(&finding.rule) {
            None => {}
            Some(None) => return None,
            Some(Some(severity)) => finding.severity = *severity,
        }
        let verdict = match &mut self.gate {
            Some(gate) => gate(&mut finding),
            None => Verdict::Report,
        };
        match verdict {
            Verdict::Report => Some(finding),
            Verdict::Suppressed => {
                self.summary.suppressed += 1;
                self.show_suppressed.then_some(finding)
            }
            Verdict::Baselined => {
                self.summary.baselined += 1;
                None
            }
        }
    }

    /// Whether a finding about `file` must wait for the end.
    fn held(hold: &Option<String>, file: &str) -> bool {
        hold.as_deref().is_some_and(|h| file >= h)
    }

    /// Queues findings about files not yet reached (they may be anywhere in
    /// the order).
    pub fn defer(&mut self, findings: impl IntoIterator<Item = Finding>) {
        let adjusted: Vec<Finding> = findings
            .into_iter()
            .filter_map(|f| self.adjust(f))
            .collect();
        self.later.extend(adjusted);
        self.later
            .make_contiguous()
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }

    /// Adds a finding of the file being read.
    pub fn push(&mut self, finding: Finding) {
        if let Some(finding) = self.adjust(finding) {
            self.unheld += usize::from(!Self::held(&self.hold, finding.file()));
            self.local.push(finding);
        }
    }

    /// Writes every held finding that sorts before byte `pos` of `file`.
    pub fn flush_before(&mut self, file: &str, pos: usize) {
        let hold = self.hold.clone();
        if self.unheld > 0 {
            self.local.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            let ready = self.local.partition_point(|f| {
                (f.file(), f.primary.span.start) < (file, pos) && !Self::held(&hold, f.file())
            });
            let local: Vec<Finding> = self.local.drain(..ready).collect();
            self.unheld = self
                .local
                .iter()
                .filter(|f| !Self::held(&hold, f.file()))
                .count();
            for finding in local {
                self.write_later_before(&finding);
                self.write(&finding);
            }
        }
        while self.later.front().is_some_and(|f| {
            (f.file(), f.primary.span.start) < (file, pos) && !Self::held(&hold, f.file())
        }) {
            if let Some(f) = self.later.pop_front() {
                self.write(&f);
            }
        }
    }

    /// Writes every held finding.
    pub fn flush_all(&mut self) {
        self.local.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let local = std::mem::take(&mut self.local);
        self.unheld = 0;
        for finding in local {
            self.write_later_before(&finding);
            self.write(&finding);
        }
        while let Some(f) = self.later.pop_front() {
            self.write(&f);
        }
    }

    fn write_later_before(&mut self, finding: &Finding) {
        while self
            .later
            .front()
            .is_some_and(|f| f.sort_key() < finding.sort_key())
        {
            if let Some(f) = self.later.pop_front() {
                self.write(&f);
            }
        }
    }

    fn write(&mut self, finding: &Finding) {
        let redacted;
        let finding = match &self.redactor {
            Some(redactor) => {
                redacted = redactor.finding(finding);
                &redacted
            }
            None => finding,
        };
        if finding.suppressed.is_some() {
            for sink in &mut self.sinks {
                if sink.error.is_none() {
                    sink.error = sink.reporter.suppressed(finding, &mut sink.out).err();
                }
            }
            return;
        }
        match finding.severity {
            Severity::Error => self.summary.errors += 1,
            Severity::Warning => self.summary.warnings += 1,
            Severity::Note => self.summary.notes += 1,
        }
        self.worst = self.worst.max(Some(finding.severity));
        for sink in &mut self.sinks {
            if sink.error.is_none() {
                sink.error = sink.reporter.finding(finding, &mut sink.out).err();
            }
        }
    }

    /// Counts so far (files, assets and outcomes are the caller's to add).
    pub fn summary_mut(&mut self) -> &mut Summary {
        &mut self.summary
    }

    /// Writes what is held and the end of every report; returns the summary
    /// and the worst severity written, or the first write error (every
    /// report is still ended, so one failing sink does not cut the others
    /// short).
    pub fn finish(
        mut self,
        elapsed: std::time::Duration,
    ) -> io::Result<(Summary, Option<Severity>)> {
        self.flush_all();
        self.summary.elapsed = elapsed;
        let mut first_error = None;
        for mut sink in self.sinks {
            let result = match sink.error.take() {
                Some(e) => Err(e),
                None => sink
                    .reporter
                    .end(&self.summary, &mut sink.out)
                    .and_then(|()| sink.out.flush()),
            };
            if let Err(e) = result {
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok((self.summary, self.worst)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Label;
    use crate::source::Snippet;

    /// Writes each finding as `file@pos`.
    struct Names;

    impl Reporter for Names {
        fn finding(&mut self, f: &Finding, out: &mut dyn Write) -> io::Result<()> {
            write!(out, "{}@{} ", f.file(), f.primary.span.start)
        }

        fn end(&mut self, _: &Summary, _: &mut dyn Write) -> io::Result<()> {
            Ok(())
        }
    }

    fn at(file: &str, pos: usize) -> Finding {
        let snippet = Snippet::whole(file.into(), "x".repeat(100).into());
        Finding::new(
            "r",
            Severity::Note,
            "m",
            Label::new(snippet, pos..pos + 1, ""),
        )
    }

    #[test]
    fn merges_deferred_findings_and_holds_back_what_may_be_overtaken() {
        let mut out = Vec::new();
        let mut stream = Stream::new(Box::new(Names), Box::new(&mut out));
        stream.defer([at("z.csv", 1), at("b.csv", 50), at("a.csv", 3)]);
        stream.push(at("b.csv", 40));
        stream.push(at("b.csv", 10));
        stream.flush_before("b.csv", 20);
        stream.push(at("b.csv", 20));
        stream.flush_before("b.csv", usize::MAX);
        let (summary, worst) = stream.finish(Default::default()).unwrap();
        assert_eq!(summary.notes, 6);
        assert_eq!(worst, Some(Severity::Note));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a.csv@3 b.csv@10 b.csv@20 b.csv@40 b.csv@50 z.csv@1 "
        );
    }

    #[test]
    fn every_sink_sees_the_same_findings_in_the_same_order() {
        let (mut one, mut two) = (Vec::new(), Vec::new());
        let mut stream = Stream::new(Box::new(Names), Box::new(&mut one))
            .with_sink(Box::new(Names), Box::new(&mut two));
        stream.defer([at("b.csv", 1)]);
        stream.push(at("a.csv", 7));
        stream.push(at("a.csv", 2));
        let (summary, _) = stream.finish(Default::default()).unwrap();
        assert_eq!(summary.notes, 3);
        assert_eq!(one, two);
        assert_eq!(String::from_utf8(one).unwrap(), "a.csv@2 a.csv@7 b.csv@1 ");
    }

    #[test]
    fn the_gate_suppresses_and_baselines_and_held_files_wait_for_the_end() {
        let mut out = Vec::new();
        let gate: Gate<'_> = Box::new(|f: &mut Finding| match f.primary.span.start {
            1 => {
                f.suppressed = Some(crate::diag::Suppression {
                    waiver: "w.toml:1".into(),
                    reason: "r".into(),
                    approved_by: None,
                    expires: "2026-12-31".into(),
                });
                Verdict::Suppressed
            }
            2 => Verdict::Baselined,
            _ => Verdict::Report,
        });
        let mut stream = Stream::new(Box::new(Names), Box::new(&mut out)).with_gate(gate, false);
        stream.hold_from("m.toml");
        stream.push(at("a.csv", 1));
        stream.push(at("a.csv", 2));
        stream.push(at("a.csv", 3));
        stream.flush_before("a.csv", usize::MAX);
        stream.push(at("z.csv", 5));
        stream.flush_before("z.csv", usize::MAX);
        // known only now, but sorted before z.csv
        stream.defer([at("m.toml", 4)]);
        let (summary, _) = stream.finish(Default::default()).unwrap();
        assert_eq!(
            (summary.suppressed, summary.baselined, summary.notes),
            (1, 1, 3)
        );
        assert_eq!(String::from_utf8(out).unwrap(), "a.csv@3 m.toml@4 z.csv@5 ");
    }
}
