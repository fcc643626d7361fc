//! Checks a delimited register on several threads, with the report the
//! one-thread run gives, byte for byte.
//!
//! The file is cut into [`Chunk`]s of whole rows ([`Split`], on the calling
//! thread); worker threads read, map and check each chunk
//! ([`check_chunk`]) into a [`Checked`]: its findings, and a compact list
//! of what happened row by row ([`Op`]: a record began, a finding, an
//! asset id, an outcome), with the chunk's asset ids in one string. The
//! calling thread takes the results back in chunk order and replays each
//! into the report, the summary, the progress line and the duplicate-id
//! set ([`Replay`]) in the very order the one-thread run does, so the
//! output does not depend on the number of threads or on which finishes
//! first.
//!
//! At most [`IN_FLIGHT_PER_THREAD`] chunks per worker are cut and not yet
//! replayed, so memory stays bounded whatever the file's size.

use std::collections::BTreeMap;
use std::io;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use crate::check::{Engine, Outcome};
use crate::config::Config;
use crate::diag::Finding;
use crate::model::AssetField;
use crate::read::csv::{Chunk, Split};
use crate::read::{fields, Event, Hint};
use crate::resolve::resolver::Resolver;
use crate::source::{Position, Snippet};

/// The environment variable that sets the number of threads when
/// `--threads` is not given.
pub const THREADS_ENV: &str = "ASSETLINT_THREADS";

/// Chunks cut and not yet replayed, per worker thread.
pub const IN_FLIGHT_PER_THREAD: usize = 2;

/// How many worker threads to use: `flag` (`--threads`), else
/// [`THREADS_ENV`], else the machine's available parallelism; at least 1.
/// One means the one-thread path.
pub fn threads(flag: Option<usize>) -> usize {
    flag.or_else(|| std::env::var(THREADS_ENV).ok()?.trim().parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
        .max(1)
}

/// What happened at one step of a chunk's read, in order.
#[derive(Clone, Copy, Debug)]
pub enum Op {
    /// A record starting at this file offset: one more asset.
    Record(usize),
    /// The next finding of [`Checked::findings`].
    Finding,
    /// The next finding is the "site records in an asset file" warning,
    /// reported once per file.
    SitesWarning,
    /// The next id of [`Checked::ids`].
    Id,
    /// The asset's outcome.
    Outcome(Outcome),
    /// A row was dropped: one more asset, not checkable.
    Dropped,
}

/// One asset id of a chunk: where it is and the row it is in.
#[derive(Clone, Debug)]
pub struct IdAt {
    /// Its length in [`Checked::id_text`].
    len: usize,
    /// Its span in the file.
    span: Range<usize>,
    /// Its line and column.
    at: Position,
    /// The row's span in the file and its first line.
    row: Range<usize>,
    row_line: usize,
}

/// A chunk read, mapped and checked.
pub struct Checked {
    /// The chunk's text and its file offset (for the rows of duplicate ids).
    text: String,
    offset: usize,
    ops: Vec<Op>,
    findings: Vec<Finding>,
    /// The ids, one after another.
    id_text: String,
    ids: Vec<IdAt>,
}

/// Reads, maps and checks one chunk as the one-thread run does each
/// record, recording the steps for [`Replay`].
pub fn check_chunk(
    chunk: Chunk,
    engine: &Engine<'_>,
    resolver: &mut Resolver<'_>,
    config: &Config,
    netbox: Option<bool>,
) -> Checked {
    let offset = chunk.offset();
    let mut mapper = fields::Mapper::new(&config.columns)
        .with_dates(config.dates)
        .with_netbox(netbox);
    let mut ops = Vec::new();
    let mut findings = Vec::new();
    let mut id_text = String::new();
    let mut ids = Vec::new();
    let mut found = Vec::new();
    let text = chunk.read(&mut |event| match event {
        Event::Record(Hint::Sites, record) => {
            findings.push(super::check::sites_warning(&record));
            ops.push(Op::SitesWarning);
        }
        Event::Record(_, record) => {
            ops.push(Op::Record(record.span.start));
            let (row, row_line) = (record.span.clone(), record.line);
            let (asset, problems) = mapper.asset(record);
            for p in problems {
                findings.push(super::check::problem_finding(p));
                ops.push(Op::Finding);
            }
            if let Some(id) = asset.text(AssetField::Id) {
                id_text.push_str(id.value);
                ids.push(IdAt {
                    len: id.value.len(),
                    at: asset.snippet.position(id.span.start),
                    span: id.span,
                    row,
                    row_line,
                });
                ops.push(Op::Id);
            }
            let outcome = engine.check(resolver, &asset, &mut found);
            for f in found.drain(..) {
                findings.push(f);
                ops.push(Op::Finding);
            }
            ops.push(Op::Outcome(outcome));
        }
        Event::Problem(problem) => {
            if problem.drops_record() {
                ops.push(Op::Dropped);
            }
            findings.push(super::check::problem_finding(problem));
            ops.push(Op::Finding);
        }
    });
    Checked {
        text,
        offset,
        ops,
        findings,
        id_text,
        ids,
    }
}

/// Where a [`Checked`] chunk is replayed: the one-thread run's handling of
/// each step.
pub trait Replay {
    /// A record starts at `start`: flush what sorts before it, count it.
    fn record(&mut self, start: usize);
    /// A finding.
    fn finding(&mut self, finding: Finding);
    /// The "site records" warning, reported once per file.
    fn sites_warning(&mut self, finding: Finding);
    /// An asset id, its span and position; `row` makes its row's snippet
    /// when a finding needs it.
    fn id(&mut self, id: &str, span: Range<usize>, at: Position, row: &dyn Fn() -> Snippet);
    /// An asset's outcome.
    fn outcome(&mut self, outcome: Outcome);
    /// A dropped row.
    fn dropped(&mut self);
}

impl Checked {
    /// Replays the chunk's steps, in order, into `to`.
    pub fn replay(self, name: &Arc<str>, to: &mut dyn Replay) {
        let mut findings = self.findings.into_iter();
        let mut ids = self.ids.iter();
        let mut id_start = 0;
        for op in self.ops {
            match op {
                Op::Record(start) => to.record(start),
                Op::Finding => {
                    if let Some(f) = findings.next() {
                        to.finding(f);
                    }
                }
                Op::SitesWarning => {
                    if let Some(f) = findings.next() {
                        to.sites_warning(f);
                    }
                }
                Op::Id => {
                    let Some(id) = ids.next() else { continue };
                    let text = &self.id_text[id_start..id_start + id.len];
                    id_start += id.len;
                    let row = || {
                        let rel = id.row.start - self.offset..id.row.end - self.offset;
                        Snippet::part(
                            name.clone(),
                            self.text.get(rel).unwrap_or_default().into(),
                            id.row.start,
                            id.row_line,
                        )
                    };
                    to.id(text, id.span.clone(), id.at, &row);
                }
                Op::Outcome(outcome) => to.outcome(outcome),
                Op::Dropped => to.dropped(),
            }
        }
    }
}

/// Cuts `split` into chunks, has `threads` workers (each with the state
/// `init` makes) `work` on them, and hands the results to `merge` in chunk
/// order. Returns the first error reading the file; the chunks before it
/// are merged. A worker's panic is resumed here.
pub fn run<S, R>(
    split: &mut Split<'_>,
    threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, Chunk) -> R + Sync,
    merge: &mut dyn FnMut(R),
) -> io::Result<()>
where
    R: Send,
{
    let threads = threads.max(1);
    let in_flight = threads * IN_FLIGHT_PER_THREAD;
    let (jobs, job_rx) = mpsc::sync_channel::<(usize, Chunk)>(in_flight);
    let job_rx = Mutex::new(job_rx);
    std::thread::scope(|scope| {
        let (done_tx, done) = mpsc::channel::<(usize, std::thread::Result<R>)>();
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let (job_rx, init, work) = (&job_rx, &init, &work);
            scope.spawn(move || {
                let mut state = init();
                loop {
                    // A poisoned lock: another worker panicked; stop.
                    let Ok(rx) = job_rx.lock() else { return };
                    let Ok((index, chunk)) = rx.recv() else {
                        return;
                    };
                    drop(rx);
                    let result = panic::catch_unwind(AssertUnwindSafe(|| work(&mut state, chunk)));
                    let failed = result.is_err();
                    if done_tx.send((index, result)).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let (mut sent, mut merged) = (0usize, 0usize);
        let mut pending: BTreeMap<usize, R> = BTreeMap::new();
        let mut more = true;
        let mut error = None;
        loop {
            while more && sent - merged < in_flight {
                match split.next_chunk() {
                    Ok(Some(chunk)) => {
                        if jobs.send((sent, chunk)).is_err() {
                            more = false;
                        } else {
                            sent += 1;
                        }
                    }
                    Ok(None) => more = false,
                    Err(e) => {
                        error = Some(e);
                        more = false;
                    }
                }
            }
            if merged == sent {
                break;
            }
            while !pending.contains_key(&merged) {
                match done.recv() {
                    Ok((index, Ok(result))) => {
                        pending.insert(index, result);
                    }
                    Ok((_, Err(payload))) => {
                        drop(jobs);
                        panic::resume_unwind(payload);
                    }
                    Err(_) => {
                        return Err(io::Error::other("the worker threads stopped"));
                    }
                }
            }
            if let Some(result) = pending.remove(&merged) {
                merge(result);
            }
            merged += 1;
        }
        drop(jobs);
        error.map_or(Ok(()), Err)
    })
}
