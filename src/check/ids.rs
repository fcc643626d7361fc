//! [`Ids`]: finds asset ids used twice, in memory that does not grow with
//! the register.
//!
//! The first ids of a run (up to a budget) are kept in memory, each as a
//! 64-bit hash, where it was used and its text; an id used again is
//! reported at once, at its second use with the row's snippet, and points
//! back to the first use. The ids after the budget are checked against
//! those in memory as before, and otherwise written, sorted, in runs to a
//! temporary file. At the end ([`Ids::finish`]) the runs are merged and
//! every id used twice among them is reported, both places shown as
//! one-value snippets. Ids are compared by their text, so two ids whose
//! hashes collide are never taken for one; the same input gives the same
//! findings.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Arc;

use crate::diag::{Code, Finding, Label};
use crate::model::{Asset, AssetField};
use crate::source::{Position, Snippet};

/// Ids kept in memory by [`Ids::default`] (about 8 MiB of them), and the
/// length of a spilled run (about as much while it is gathered).
const BUDGET: usize = 100_000;

/// Asset ids seen so far.
pub struct Ids {
    /// How many ids are kept in memory; also the length of a spilled run.
    budget: usize,
    seen: HashMap<u64, Place, std::hash::BuildHasherDefault<Prehashed>>,
    /// The text of the ids in `seen`, one after another.
    text: String,
    /// File names, indexed by [`Place::file`].
    files: Vec<Arc<str>>,
    /// Ids past the budget.
    spill: Spill,
}

impl Default for Ids {
    fn default() -> Self {
        Ids::with_budget(BUDGET)
    }
}

/// Where an id was used, and its text in the owner's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    file: u32,
    line: u32,
    /// Characters before the id on its line.
    column: u32,
    /// The id's byte offset in its file.
    offset: u64,
    /// The id's text: `len` bytes from `start` in the owner's buffer.
    start: usize,
    len: usize,
}

impl Ids {
    /// Keeps up to `budget` ids in memory (at least one) and spills the
    /// rest in runs of that many.
    pub fn with_budget(budget: usize) -> Self {
        Ids {
            budget: budget.max(1),
            seen: HashMap::default(),
            text: String::new(),
            files: Vec::new(),
            spill: Spill::default(),
        }
    }

    /// Records the asset's id; a finding if it was used before by an id
    /// kept in memory.
    pub fn check(&mut self, asset: &Asset) -> Option<Finding> {
        let id = asset.text(AssetField::Id)?;
        let at = asset.snippet.position(id.span.start);
        self.check_id(id.value, asset.snippet.name(), id.span.start, at, || {
            Label::new(asset.snippet.clone(), id.span.clone(), "second use")
        })
    }

    /// [`Ids::check`] for an id given by its text, file, byte offset and
    /// position; `second_use` makes the label of a finding, if there is one.
    pub fn check_id(
        &mut self,
        id: &str,
        name: &Arc<str>,
        offset: usize,
        at: Position,
        second_use: impl FnOnce() -> Label,
    ) -> Option<Finding> {
        let hash = fixed_hash(id);
        let known = self.seen.get(&hash).copied();
        if let Some(first) = known {
            if self.text[first.start..first.start + first.len] == *id {
                let mut f = duplicate(id, second_use());
                f.related
                    .push(first_use(&self.files[first.file as usize], id, &first));
                return Some(f);
            }
        }
        if self.files.last().is_none_or(|f| !Arc::ptr_eq(f, name)) {
            self.files.push(name.clone());
        }
        let mut place = Place {
            file: (self.files.len() - 1) as u32,
            line: at.line as u32,
            column: (at.column - 1) as u32,
            offset: offset as u64,
            start: 0,
            len: id.len(),
        };
        if known.is_none() && self.seen.len() < self.budget {
            place.start = self.text.len();
            self.text.push_str(id);
            self.seen.insert(hash, place);
        } else {
            // Past the budget, or a different id with the same hash.
            self.spill.push(hash, id, place, self.budget);
        }
        None
    }

    /// The findings about ids used twice among those spilled, sorted by
    /// hash (the stream sorts them into place); an error if the temporary
    /// file could not be written or read.
    pub fn finish(self) -> io::Result<Vec<Finding>> {
        let Ids { files, spill, .. } = self;
        let mut findings = Vec::new();
        let mut first: Option<Entry> = None;
        for entry in spill.merge()? {
            let entry = entry?;
            match &first {
                Some(f) if f.hash == entry.hash && f.text == entry.text => {
                    let place = entry.place;
                    let snippet = Snippet::fragment(
                        files[place.file as usize].clone(),
                        entry.text.as_str().into(),
                        place.offset as usize,
                        place.line as usize,
                        place.column as usize,
                    );
                    let start = place.offset as usize;
                    let mut finding = duplicate(
                        &entry.text,
                        Label::new(snippet, start..start + place.len, "second use"),
                    );
                    finding.related.push(first_use(
                        &files[f.place.file as usize],
                        &f.text,
                        &f.place,
                    ));
                    findings.push(finding);
                }
                _ => first = Some(entry),
            }
        }
        Ok(findings)
    }
}

/// The finding about `id`'s second use at `at`.
fn duplicate(id: &str, at: Label) -> Finding {
    let code = Code::DuplicateId;
    let mut f = Finding::new(
        code.id(),
        code.severity(),
        format!("asset id `{id}` is used twice"),
        at,
    );
    f.asset_id = Some(id.to_string());
    f.help = Some(code.help().to_string());
    f
}

/// The "first used here" label: the id alone, as a one-value snippet.
fn first_use(file: &Arc<str>, id: &str, place: &Place) -> Label {
    let fragment = Snippet::fragment(
        file.clone(),
        id.into(),
        0,
        place.line as usize,
        place.column as usize,
    );
    Label::new(fragment, 0..id.len(), "first used here")
}

/// Ids written to a temporary file in sorted runs.
#[derive(Default)]
struct Spill {
    /// The run being gathered, and its ids' text.
    pending: Vec<(u64, Place)>,
    text: String,
    /// The file, once anything is spilled.
    file: Option<BufWriter<File>>,
    /// Byte ranges of the runs written.
    runs: Vec<(u64, u64)>,
    written: u64,
    error: Option<io::Error>,
}

/// Bytes of a spilled id before its text: hash, file, line, column,
/// offset and length.
const HEAD: usize = 8 + 4 + 4 + 4 + 8 + 4;

impl Spill {
    fn push(&mut self, hash: u64, id: &str, mut place: Place, run: usize) {
        place.start = self.text.len();
        self.text.push_str(id);
        self.pending.push((hash, place));
        if self.pending.len() >= run {
            self.write_run();
        }
    }

    /// Sorts the gathered ids by hash and text (keeping the order they
    /// came in among equal ones) and writes them as one run.
    fn write_run(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let text = &self.text;
        let id = |p: &Place| &text[p.start..p.start + p.len];
        self.pending
            .sort_by(|a, b| (a.0, id(&a.1)).cmp(&(b.0, id(&b.1))));
        if self.error.is_none() {
            if let Err(e) = self.write_pending() {
                self.error = Some(e);
            }
        }
        self.pending.clear();
        self.text.clear();
    }

    fn write_pending(&mut self) -> io::Result<()> {
        let out = match &mut self.file {
            Some(out) => out,
            None => self
                .file
                .insert(BufWriter::with_capacity(1 << 16, tempfile::tempfile()?)),
        };
        let start = self.written;
        for (hash, p) in &self.pending {
            let len = u32::try_from(p.len).map_err(io::Error::other)?;
            out.write_all(&hash.to_le_bytes())?;
            out.write_all(&p.file.to_le_bytes())?;
            out.write_all(&p.line.to_le_bytes())?;
            out.write_all(&p.column.to_le_bytes())?;
            out.write_all(&p.offset.to_le_bytes())?;
            out.write_all(&len.to_le_bytes())?;
            out.write_all(&self.text.as_bytes()[p.start..p.start + p.len])?;
            self.written += (HEAD + p.len) as u64;
        }
        self.runs.push((start, self.written));
        Ok(())
    }

    /// Every spilled id in order of hash, text and arrival.
    fn merge(mut self) -> io::Result<Merge> {
        self.write_run();
        if let Some(e) = self.error {
            return Err(e);
        }
        let file = match self.file {
            Some(out) => Some(out.into_inner().map_err(|e| e.into_error())?),
            None => None,
        };
        let mut merge = Merge {
            file,
            runs: self
                .runs
                .iter()
                .map(|&(from, to)| Run::new(from, to))
                .collect(),
            heap: BinaryHeap::new(),
        };
        for index in 0..merge.runs.len() {
            merge.refill(index)?;
        }
        Ok(merge)
    }
}

/// One spilled id, read back.
struct Entry {
    hash: u64,
    text: String,
    place: Place,
}

/// A k-way merge of the sorted runs.
struct Merge {
    file: Option<File>,
    runs: Vec<Run>,
    /// The head of each run not yet exhausted: hash, text, run index.
    heap: BinaryHeap<Reverse<(u64, String, usize, Place)>>,
}

impl Merge {
    /// Reads the next id of run `index` into the heap.
    fn refill(&mut self, index: usize) -> io::Result<()> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        if let Some(entry) = self.runs[index].next(file)? {
            self.heap
                .push(Reverse((entry.hash, entry.text, index, entry.place)));
        }
        Ok(())
    }
}

impl Iterator for Merge {
    type Item = io::Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        let Reverse((hash, text, index, place)) = self.heap.pop()?;
        if let Err(e) = self.refill(index) {
            self.heap.clear();
            return Some(Err(e));
        }
        Some(Ok(Entry { hash, text, place }))
    }
}

/// A reader of one run, with its own buffer (the runs share one file).
struct Run {
    /// Next byte to read from the file, and the run's end.
    at: u64,
    end: u64,
    buffer: Vec<u8>,
    used: usize,
}

impl Run {
    const BUFFER: usize = 16 * 1024;

    fn new(from: u64, to: u64) -> Self {
        Run {
            at: from,
            end: to,
            buffer: Vec::new(),
            used: 0,
        }
    }

    /// Fills `out` from the run.
    fn read(&mut self, file: &mut File, out: &mut [u8]) -> io::Result<()> {
        let mut done = 0;
        while done < out.len() {
            if self.used == self.buffer.len() {
                let left = self.end - self.at;
                if left == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                let size = left.min(Self::BUFFER.max(out.len() - done) as u64) as usize;
                self.buffer.resize(size, 0);
                file.seek(SeekFrom::Start(self.at))?;
                file.read_exact(&mut self.buffer)?;
                self.at += size as u64;
                self.used = 0;
            }
            let n = (out.len() - done).min(self.buffer.len() - self.used);
            out[done..done + n].copy_from_slice(&self.buffer[self.used..self.used + n]);
            self.used += n;
            done += n;
        }
        Ok(())
    }

    /// The run's next id, if any is left.
    fn next(&mut self, file: &mut File) -> io::Result<Option<Entry>> {
        if self.used == self.buffer.len() && self.at == self.end {
            return Ok(None);
        }
        let mut head = [0; HEAD];
        self.read(file, &mut head)?;
        let u32_at =
            |i: usize| u32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
        let u64_at = |i: usize| {
            let mut b = [0; 8];
            b.copy_from_slice(&head[i..i + 8]);
            u64::from_le_bytes(b)
        };
        let len = u32_at(28) as usize;
        let mut text = vec![0; len];
        self.read(file, &mut text)?;
        let text = String::from_utf8(text).map_err(io::Error::other)?;
        Ok(Some(Entry {
            hash: u64_at(0),
            text,
            place: Place {
                file: u32_at(8),
                line: u32_at(12),
                column: u32_at(16),
                offset: u64_at(20),
                start: 0,
                len,
            },
        }))
    }
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// FNV-1a over the id's bytes: fixed, so runs are reproducible.
fn fixed_hash(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Value;
    use crate::source::Spanned;

    /// One asset per id, one per line of `t.csv` (`n,ID`: the id after two
    /// characters).
    fn assets(ids: &[&str]) -> Vec<Asset> {
        let text: String = ids.iter().map(|id| format!("n,{id}\n")).collect();
        let snippet = Snippet::whole(Arc::from("t.csv"), Arc::from(text.as_str()));
        let mut start = 0;
        ids.iter()
            .enumerate()
            .map(|(i, id)| {
                let end = start + 2 + id.len();
                let mut a = Asset::new(i + 1, start..end, snippet.clone());
                let value = Value::Str((*id).to_string());
                a.set(AssetField::Id, Spanned::new(value, start + 2..end));
                start = end + 1;
                a
            })
            .collect()
    }

    /// A finding as its id and the line and column of its second use and
    /// of its first.
    type Shown = (String, (usize, usize), (usize, usize));

    /// The findings about `ids`, sorted.
    fn run(budget: usize, ids: &[&str]) -> Vec<Shown> {
        let mut seen = Ids::with_budget(budget);
        let mut findings: Vec<Finding> = assets(ids).iter().filter_map(|a| seen.check(a)).collect();
        findings.extend(seen.finish().unwrap());
        let mut shown: Vec<_> = findings
            .iter()
            .map(|f| {
                assert_eq!(f.rule, Code::DuplicateId.id());
                let id = f.asset_id.clone().unwrap();
                assert_eq!(f.primary.snippet.slice(&f.primary.span), Some(id.as_str()));
                assert_eq!(f.message, format!("asset id `{id}` is used twice"));
                let related = &f.related[0];
                assert_eq!(related.snippet.slice(&related.span), Some(id.as_str()));
                let at = |l: &Label| {
                    let p = l.range().0;
                    (p.line, p.column)
                };
                (id, at(&f.primary), at(related))
            })
            .collect();
        shown.sort();
        shown
    }

    const IDS: [&str; 11] = ["A", "B", "C", "DD", "C", "E", "A", "DD", "F", "DD", "B"];

    #[test]
    fn ids_used_again_are_found_in_memory_and_past_the_budget_alike() {
        let expected = vec![
            ("A".to_string(), (7, 3), (1, 3)),
            ("B".to_string(), (11, 3), (2, 3)),
            ("C".to_string(), (5, 3), (3, 3)),
            ("DD".to_string(), (8, 3), (4, 3)),
            ("DD".to_string(), (10, 3), (4, 3)),
        ];
        assert_eq!(run(100, &IDS), expected);
        // Two in memory, the rest spilled in runs of two and merged.
        assert_eq!(run(2, &IDS), expected);
        assert_eq!(run(1, &IDS), expected);
    }

    #[test]
    fn past_the_budget_findings_wait_for_the_end_and_keep_the_file_offset() {
        let mut seen = Ids::with_budget(1);
        let early: Vec<Finding> = assets(&IDS).iter().filter_map(|a| seen.check(a)).collect();
        // Only A is kept in memory: its second use is found at once.
        assert_eq!(early.len(), 1);
        assert_eq!(early[0].asset_id.as_deref(), Some("A"));
        let late = seen.finish().unwrap();
        assert_eq!(late.len(), 4);
        let c = late
            .iter()
            .find(|f| f.asset_id.as_deref() == Some("C"))
            .unwrap();
        // Lines are `n,ID\n`: the fifth starts at byte 4 + 4 + 4 + 5 = 17.
        assert_eq!(c.primary.span, 19..20);
    }

    #[test]
    fn ids_whose_hashes_collide_are_not_taken_for_one() {
        let mut seen = Ids::with_budget(1);
        seen.files.push(Arc::from("t.csv"));
        let place = |line| Place {
            file: 0,
            line,
            column: 0,
            offset: 0,
            start: 0,
            len: 1,
        };
        seen.spill.push(7, "X", place(1), 1);
        seen.spill.push(7, "Y", place(2), 1);
        seen.spill.push(7, "X", place(3), 1);
        let found = seen.finish().unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].asset_id.as_deref(), Some("X"));
        assert_eq!(found[0].primary.range().0.line, 3);
        assert_eq!(found[0].related[0].range().0.line, 1);
    }
}
