//! CSV/TSV registers, read as a stream.
//!
//! The bytes go through [`StreamDecoder`] (BOM, UTF-16,
//! Windows-1252 fallback) one chunk at a time, and the text is split into
//! rows by a small scanner that keeps every offset, so each value's span is
//! its exact place in the decoded file. Only the row being read is held in
//! memory (rows are capped at [`MAX_ROW`] bytes, cells at [`MAX_CELL`]).
//!
//! - **Delimiter.** A comma reader (`.csv`, and any file `[[files.format]]`
//!   names `csv`) chooses its delimiter from the first [`SNIFF_ROWS`] rows
//!   (at most [`SNIFF_BYTES`] of text, read ahead once, before any record):
//!   a first line `sep=;` (as Excel writes) sets it and is skipped;
//!   otherwise each of `,` `;` tab `|` splits the sample rows (quotes
//!   honoured), and the one whose most common cell count is above 1 and
//!   shared by the most rows wins (then the one giving more cells, then
//!   that order). European Excel "CSV" exports use `;`, "Unicode text"
//!   exports use tabs, mainframe and SAP extracts use `|`. A tab reader
//!   (`.tsv`) always splits on tabs.
//! - **Header row.** Spreadsheet exports often put a title row (`Asset
//!   register – Northfield Council,,,`) and blank rows above the header. The
//!   header is the row [`fields::header_row`] picks among the sample rows
//!   (the one naming the most known asset fields, else the first with two
//!   non-empty cells; the same rule the workbook reader uses), or else the
//!   first row that is not blank. Rows above it are skipped without
//!   records or problems.
//! - **Trailing empty header cells** (`id,vendor,site,,,`) are not columns:
//!   cells under them are ignored when empty, and a row may have any number
//!   of extra empty cells at its end.
//! - Each later row is one [`Record`]: `line` is the physical line where the
//!   row starts, `span` the row without its line terminator, `snippet` the
//!   row's text (several lines if a quoted cell holds newlines). Rows whose
//!   cells are all empty are skipped.
//! - Each entry's key is the header cell (its span is in the header row, not
//!   in the record's snippet), its value the cell, trimmed; an empty cell is
//!   [`RawValue::Null`].
//! - **Spans of quoted cells** cover the text *inside* the quotes (trimmed),
//!   so `"Hik, Vision"` underlines `Hik, Vision`. A doubled quote inside is
//!   one character of the value but two bytes of the span.
//! - A quote opens a quoted cell only at the cell's start (after optional
//!   spaces); elsewhere it is an ordinary character. Text after a closing
//!   quote is kept (`"a"b` reads `ab`), as spreadsheet tools do.
//! - Line terminators are `\n` and `\r\n`.
//!
//! Problems: rows with fewer or more cells than the header
//! ([`Code::MalformedRow`]; the record is still emitted, extra non-empty
//! cells are kept under `column N` keys), an unclosed quote (at the opening
//! quote; the row is read again with that quote taken literally, and reading
//! goes on at the next line), duplicate headers ([`Code::DuplicateColumn`],
//! at the second one), over-long cells and rows, and the encoding fallback
//! note.

use std::io::BufRead;
use std::ops::Range;
use std::sync::Arc;

use crate::diag::Code;
use crate::model::{RawValue, Record};
use crate::read::decode::{Encoding, Fallback, StreamDecoder};
use crate::read::{fields, Event, Hint, Problem, Reader};
use crate::source::{Snippet, Spanned};

/// Longest cell read, in bytes: a row with a longer one is reported
/// ([`Code::LimitExceeded`]) and skipped, counted as not checkable. 64 KiB
/// is far beyond any real vendor, model or note (identification looks at
/// a few hundred bytes), yet small enough that a hostile cell costs
/// nothing.
pub const MAX_CELL: usize = 64 * 1024;
/// Longest row read, in bytes: a longer one is reported
/// ([`Code::LimitExceeded`]) and skipped, counted as not checkable. Only
/// one row is held at a time, so this bounds the reader's memory (a few
/// times this, with the decoded text and cells); 1 MiB is sixteen cells
/// at the cell limit.
pub const MAX_ROW: usize = 1024 * 1024;
/// How many rows at the start are looked at to choose the delimiter and
/// find the header row.
pub const SNIFF_ROWS: usize = 20;
/// How much text at the start is looked at for the same, in bytes.
pub const SNIFF_BYTES: usize = 64 * 1024;
/// The delimiters a comma reader chooses from, preferred in this order on a
/// tie.
pub const DELIMITERS: &[u8] = b",;\t|";

/// Reads delimiter-separated registers.
pub struct CsvReader {
    /// `,` or tab. A `,` reader also chooses among [`DELIMITERS`] (see the
    /// module docs).
    pub delimiter: u8,
}

/// One cell, with offsets relative to the row's start.
#[derive(Debug)]
struct Cell {
    /// The raw cell, quotes included, without the delimiter.
    raw: Range<usize>,
    /// The value, unescaped and trimmed.
    value: String,
    /// Where the value is written (inside any quotes, trimmed).
    span: Range<usize>,
}

/// What the scanner found at the start of the text.
#[derive(Debug)]
enum Scan {
    /// The row does not end within the text; `open_quote` is set when it is
    /// inside a quoted cell.
    More { open_quote: Option<usize> },
    /// A quote opened at this offset never closes before the end of input.
    Unclosed(usize),
    /// A whole row; its cells are in the caller's vector.
    Row {
        /// End of the row's content (before `\r\n` / `\n`).
        content_end: usize,
        /// Start of the next row.
        next: usize,
    },
}

/// Scans one row at the start of `text` into `cells` (cleared first). With
/// `literal`, quotes are ordinary characters.
fn scan_row(text: &str, delim: u8, eof: bool, literal: bool, cells: &mut Vec<Cell>) -> Scan {
    let b = text.as_bytes();
    let n = b.len();
    cells.clear();
    let mut i = 0;
    loop {
        let cell_start = i;
        let mut j = i;
        while j < n && b[j] == b' ' && delim != b' ' {
            j += 1;
        }
        let mut value = String::new();
        let mut inner: Range<usize>;
        let mut k;
        let quoted = !literal && j < n && b[j] == b'"';
        if quoted {
            let q = j;
            k = q + 1;
            let mut seg = k;
            let close = loop {
                match b[k..].iter().position(|&c| c == b'"') {
                    None if eof => return Scan::Unclosed(q),
                    None => {
                        return Scan::More {
                            open_quote: Some(q),
                        }
                    }
                    Some(off) => {
                        let p = k + off;
                        if p + 1 < n && b[p + 1] == b'"' {
                            value.push_str(&text[seg..=p]);
                            k = p + 2;
                            seg = k;
                        } else if p + 1 == n && !eof {
                            return Scan::More {
                                open_quote: Some(q),
                            };
                        } else {
                            value.push_str(&text[seg..p]);
                            break p;
                        }
                    }
                }
            };
            inner = q + 1..close;
            k = close + 1;
            // Text after the closing quote, up to the delimiter.
            let rest = k;
            while k < n && b[k] != delim && b[k] != b'\n' {
                k += 1;
            }
            if k == n && !eof {
                return Scan::More { open_quote: None };
            }
            let mut tail_end = k;
            if k < n && b[k] == b'\n' && tail_end > rest && b[tail_end - 1] == b'\r' {
                tail_end -= 1;
            }
            if !text[rest..tail_end].trim().is_empty() {
                value.push_str(&text[rest..tail_end]);
                inner.end = tail_end;
            }
        } else {
            k = i;
            while k < n && b[k] != delim && b[k] != b'\n' {
                k += 1;
            }
            if k == n && !eof {
                return Scan::More { open_quote: None };
            }
            let mut end = k;
            if k < n && b[k] == b'\n' && end > i && b[end - 1] == b'\r' {
                end -= 1;
            }
            inner = i..end;
        }
        // Trim the value, and the span with it.
        let written = &text[inner.clone()];
        let kept = fields::trim(written);
        if kept.len() != written.len() {
            let lead = written.len() - written.trim_start().len();
            let trail = written.len() - written.trim_end().len();
            if lead + trail >= written.len() {
                inner = inner.start..inner.start;
            } else {
                inner = inner.start + lead..inner.end - trail;
            }
        }
        if quoted {
            let trimmed = fields::trim(&value);
            if trimmed.len() != value.len() {
                value = trimmed.to_string();
            }
        } else {
            // Unquoted, the value is the written text, trimmed.
            value.push_str(kept);
        }
        let mut raw_end = k;
        if k < n && b[k] == b'\n' && raw_end > cell_start && b[raw_end - 1] == b'\r' {
            raw_end -= 1;
        }
        cells.push(Cell {
            raw: cell_start..raw_end.max(cell_start),
            value,
            span: inner,
        });
        if k < n && b[k] == delim {
            i = k + 1;
            continue;
        }
        let next = if k < n { k + 1 } else { n };
        let mut content_end = k;
        if k < n && content_end > 0 && b[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        return Scan::Row { content_end, next };
    }
}

/// The largest char boundary at or below `at`.
fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[derive(Clone)]
struct Header {
    names: Vec<Spanned<String>>,
    /// File offset of the header row's end (where extra-column keys point).
    end: usize,
}

struct State<'e> {
    name: Arc<str>,
    emit: &'e mut dyn FnMut(Event),
    delim: u8,
    /// Rows seen so far (blank ones too).
    rows: usize,
    /// Which row is the header (rows above it are skipped).
    header_at: usize,
    header: Option<Header>,
    fallback_reported: bool,
}

impl State<'_> {
    fn problem(
        &mut self,
        code: Code,
        message: String,
        snippet: &Snippet,
        span: Range<usize>,
        label: String,
    ) {
        self.push(code, message, snippet, span, label, false);
    }

    /// A problem whose row was skipped, so no record follows for it.
    fn dropped(
        &mut self,
        code: Code,
        message: String,
        snippet: &Snippet,
        span: Range<usize>,
        label: String,
    ) {
        self.push(code, message, snippet, span, label, true);
    }

    fn push(
        &mut self,
        code: Code,
        message: String,
        snippet: &Snippet,
        span: Range<usize>,
        label: String,
        dropped: bool,
    ) {
        (self.emit)(Event::Problem(Problem {
            code,
            dropped,
            message,
            snippet: snippet.clone(),
            span,
            label,
        }));
    }

    /// Reports the encoding fallback if it falls within `row` (file offsets).
    fn fallback_note(&mut self, fallback: Option<Fallback>, snippet: &Snippet, row: Range<usize>) {
        let Some(f) = fallback else { return };
        if self.fallback_reported || f.offset >= row.end {
            return;
        }
        self.fallback_reported = true;
        let text = snippet.text();
        let at = f.offset.clamp(row.start, snippet.offset() + text.len());
        let rel = at - snippet.offset();
        let len = text
            .get(rel..)
            .and_then(|t| t.chars().next())
            .map_or(0, char::len_utf8);
        self.problem(
            Code::EncodingFallback,
            "the file is not valid UTF-8; read as Windows-1252 from here on".into(),
            snippet,
            at..at + len,
            f.label(),
        );
    }

    /// Handles one scanned row at file offset `start` on line `line`.
    fn row(
        &mut self,
        text: &str,
        start: usize,
        line: usize,
        cells: &mut Vec<Cell>,
        content_end: usize,
        fallback: Option<Fallback>,
    ) {
        let row_text = &text[..content_end];
        let snippet = Snippet::part(self.name.clone(), Arc::from(row_text), start, line);
        self.fallback_note(fallback, &snippet, start..start + content_end.max(1));
        let abs = |r: &Range<usize>| start + r.start..start + r.end;
        let index = self.rows;
        self.rows += 1;
        if index < self.header_at || cells.iter().all(|c| c.value.is_empty()) {
            return;
        }
        let Some(header) = &self.header else {
            // Trailing empty header cells are not columns.
            let width = cells
                .iter()
                .rposition(|c| !c.value.is_empty())
                .map_or(0, |i| i + 1);
            let mut names: Vec<Spanned<String>> = Vec::with_capacity(width);
            // Each name's first column, by its ASCII-lowercase form: a
            // header of many thousands of cells is checked in linear time.
            let mut firsts: std::collections::HashMap<String, usize> =
                std::collections::HashMap::with_capacity(width);
            for (i, c) in cells.iter().take(width).enumerate() {
                let span = abs(&c.span);
                let name = if c.value.is_empty() {
                    format!("column {}", i + 1)
                } else {
                    c.value.clone()
                };
                let first = *firsts.entry(name.to_ascii_lowercase()).or_insert(i);
                if first != i && !c.value.is_empty() {
                    let column = first + 1;
                    let first = &names[first];
                    self.problem(
                        Code::DuplicateColumn,
                        format!("the header {name:?} appears twice"),
                        &snippet,
                        span.clone(),
                        format!(
                            "same header as column {column} ({:?}); only the first one fills the asset field",
                            first.value
                        ),
                    );
                }
                names.push(Spanned::new(name, span));
            }
            self.header = Some(Header {
                names,
                end: start + content_end,
            });
            return;
        };
        if let Some(c) = cells.iter().find(|c| c.value.len() > MAX_CELL) {
            let (span, len) = (abs(&c.span), c.value.len());
            self.dropped(
                Code::LimitExceeded,
                format!(
                    "a cell is longer than the {} KiB cell limit",
                    MAX_CELL / 1024
                ),
                &snippet,
                span,
                format!("this cell holds {len} bytes; the row was skipped"),
            );
            return;
        }
        let want = header.names.len();
        let mut entries = Vec::with_capacity(cells.len());
        let mut problems = Vec::new();
        if cells.len() < want {
            let missing = want - cells.len();
            problems.push((
                Code::MalformedRow,
                format!("this row has {} cells; the header has {want}", cells.len()),
                start..start + content_end,
                format!(
                    "{missing} cell{} missing at the end of this row",
                    if missing == 1 { "" } else { "s" }
                ),
            ));
        }
        let extra = || cells.iter().skip(want).filter(|c| !c.value.is_empty());
        if let (Some(first), Some(last)) = (extra().next(), extra().next_back()) {
            let extra = extra().count();
            problems.push((
                Code::MalformedRow,
                format!("this row has {} cells; the header has {want}", cells.len()),
                abs(&(first.raw.start..last.raw.end)),
                format!(
                    "{} cell{} beyond the last header, kept as `column N`",
                    extra,
                    if extra == 1 { " is" } else { "s are" }
                ),
            ));
        }
        for (i, c) in cells.drain(..).enumerate() {
            let key = match header.names.get(i) {
                Some(k) => k.clone(),
                None if c.value.is_empty() => continue,
                None => Spanned::new(format!("column {}", i + 1), header.end..header.end),
            };
            let span = abs(&c.span);
            let value = if c.value.is_empty() {
                RawValue::Null
            } else {
                RawValue::Str(c.value)
            };
            entries.push((key, Spanned::new(value, span)));
        }
        for (code, message, span, label) in problems {
            self.problem(code, message, &snippet, span, label);
        }
        (self.emit)(Event::Record(
            Hint::Unknown,
            Record {
                line,
                span: start..start + content_end,
                entries,
                snippet,
            },
        ));
    }
}

impl Reader for CsvReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        let (mut cur, plan) = self.start(input)?;
        let mut st = State {
            name,
            emit,
            delim: plan.delim,
            rows: 0,
            header_at: plan.header_at,
            header: None,
            fallback_reported: false,
        };
        read_rows(&mut st, &mut cur, &|| false).map(|_| ())
    }
}

impl CsvReader {
    /// Reads the sample the delimiter and header are chosen from and plans
    /// the read; the cursor stands at the first row.
    fn start<'a>(&self, input: &'a mut dyn BufRead) -> std::io::Result<(Cursor<'a>, Plan)> {
        let mut cur = Cursor {
            dec: Some(StreamDecoder::new(input)),
            buf: String::new(),
            pos: 0,
            base: 0,
            line: 1,
            eof: false,
            literal: false,
            cells: Vec::new(),
        };
        let mut newlines = 0;
        while !cur.eof && newlines <= SNIFF_ROWS && cur.buf.len() < SNIFF_BYTES {
            let before = cur.buf.len();
            if !read_more(&mut cur.dec, &mut cur.buf)? {
                cur.eof = true;
            }
            newlines += cur.buf[before..].bytes().filter(|&b| b == b'\n').count();
        }
        let plan = plan(&cur.buf, cur.eof, self.delimiter, self.delimiter == b',');
        if plan.skip > 0 {
            cur.pos = plan.skip;
            cur.line += 1;
        }
        Ok((cur, plan))
    }
}

/// Where reading stands: `buf[pos..]` is the text not yet read into rows,
/// `base` the file offset of `buf[0]`, `line` the line at `pos`.
struct Cursor<'a> {
    /// Where more text comes from; `None` for a [`Chunk`], whose text is
    /// all in `buf`.
    dec: Option<StreamDecoder<'a>>,
    buf: String,
    pos: usize,
    base: usize,
    line: usize,
    /// No more text will come.
    eof: bool,
    /// The row at `pos` is read with quotes taken literally.
    literal: bool,
    /// The cells of the row being read, reused from row to row.
    cells: Vec<Cell>,
}

/// Appends the decoder's next piece of text to `buf`; `false` once there is
/// none (always, without a decoder).
fn read_more(dec: &mut Option<StreamDecoder<'_>>, buf: &mut String) -> std::io::Result<bool> {
    match dec {
        Some(dec) => dec.read_chunk(buf),
        None => Ok(false),
    }
}

/// Reads rows from `cur` into `st` until the text ends (`Ok(false)`) or,
/// after a whole row, `stop()` says so (`Ok(true)`; the cursor then stands
/// at the next row, outside any quote).
fn read_rows(st: &mut State, cur: &mut Cursor, stop: &dyn Fn() -> bool) -> std::io::Result<bool> {
    loop {
        if cur.eof && cur.pos >= cur.buf.len() {
            return Ok(false);
        }
        let text = &cur.buf[cur.pos..];
        let scan = if text.is_empty() {
            Scan::More { open_quote: None }
        } else {
            scan_row(text, st.delim, cur.eof, cur.literal, &mut cur.cells)
        };
        match scan {
            Scan::More { open_quote } => {
                if text.len() > MAX_ROW {
                    let start = cur.base + cur.pos;
                    if let (Some(q), false) = (open_quote, cur.literal) {
                        // Show the row up to a little past the quote.
                        let shown = floor_boundary(text, q + 200);
                        let snippet = Snippet::part(
                            st.name.clone(),
                            Arc::from(&text[..shown]),
                            start,
                            cur.line,
                        );
                        st.problem(
                            Code::MalformedRow,
                            format!("a quote is not closed within {} MiB", MAX_ROW >> 20),
                            &snippet,
                            start + q..start + q + 1,
                            "this quote opens a cell that does not end; the row is read with it taken literally".into(),
                        );
                        cur.literal = true;
                        continue;
                    }
                    let shown = floor_boundary(text, 200);
                    let snippet =
                        Snippet::part(st.name.clone(), Arc::from(&text[..shown]), start, cur.line);
                    st.dropped(
                        Code::LimitExceeded,
                        format!("a row is longer than the {} MiB row limit", MAX_ROW >> 20),
                        &snippet,
                        start..start + shown,
                        "this row was skipped".into(),
                    );
                    // Skip to the end of the physical line (the text so
                    // far may hold newlines inside closed quoted cells).
                    cur.line += text.bytes().filter(|&c| c == b'\n').count() + 1;
                    cur.base += cur.buf.len();
                    cur.buf.clear();
                    cur.pos = 0;
                    loop {
                        if !read_more(&mut cur.dec, &mut cur.buf)? {
                            cur.eof = true;
                            break;
                        }
                        if let Some(nl) = cur.buf.find('\n') {
                            cur.pos = nl + 1;
                            break;
                        }
                        cur.base += cur.buf.len();
                        cur.buf.clear();
                    }
                    cur.literal = false;
                    continue;
                }
                if cur.eof {
                    return Ok(false);
                }
                // Drop what was read, then read more.
                cur.buf.drain(..cur.pos);
                cur.base += cur.pos;
                cur.pos = 0;
                if !read_more(&mut cur.dec, &mut cur.buf)? {
                    cur.eof = true;
                }
            }
            Scan::Unclosed(q) => {
                let start = cur.base + cur.pos;
                let end = text.find('\n').unwrap_or(text.len());
                let end = if end > q { end } else { text.len() };
                let snippet =
                    Snippet::part(st.name.clone(), Arc::from(&text[..end]), start, cur.line);
                st.problem(
                    Code::MalformedRow,
                    "a quote is never closed".into(),
                    &snippet,
                    start + q..start + q + 1,
                    "this quote opens a cell that does not end; the row is read with it taken literally".into(),
                );
                cur.literal = true;
            }
            Scan::Row { content_end, next } => {
                cur.literal = false;
                let lines = text[..next].bytes().filter(|&c| c == b'\n').count();
                if content_end > MAX_ROW {
                    let start = cur.base + cur.pos;
                    let shown = floor_boundary(text, 200);
                    let snippet =
                        Snippet::part(st.name.clone(), Arc::from(&text[..shown]), start, cur.line);
                    st.dropped(
                        Code::LimitExceeded,
                        format!("a row is longer than the {} MiB row limit", MAX_ROW >> 20),
                        &snippet,
                        start..start + shown,
                        "this row was skipped".into(),
                    );
                    cur.line += lines;
                    cur.pos += next;
                    continue;
                }
                let fallback = cur.dec.as_ref().and_then(StreamDecoder::fallback);
                st.row(
                    text,
                    cur.base + cur.pos,
                    cur.line,
                    &mut cur.cells,
                    content_end,
                    fallback,
                );
                cur.line += lines;
                cur.pos += next;
                if stop() {
                    return Ok(true);
                }
            }
        }
    }
}

/// How much text a [`Split`] hands out per [`Chunk`], at least. With two
/// chunks in flight per worker, 128 KiB keeps a 10M-device run with the
/// builtin packs (4.9M findings) under 64 MiB: 256 KiB peaked at 72 MiB.
pub const CHUNK_BYTES: usize = 128 * 1024;

/// A delimited file being read in [`Chunk`]s of whole rows: the rows up to
/// the first record are read in place ([`CsvReader::split`]), then each
/// [`Split::next_chunk`] cuts the next rows off, to be read anywhere with
/// [`Chunk::read`], and [`Split::rest`] reads what was not cut, in place.
/// Reading every chunk in turn and then the rest emits exactly the events
/// [`CsvReader::read`] does, with the same spans and lines.
///
/// Text is cut into chunks only while it is UTF-8 (a UTF-16 file, or one
/// that fell back to Windows-1252, is left to [`Split::rest`]) and only at
/// row ends, found with the reader's own quoting rule: a quote opens a
/// quoted cell only at a cell's start, after spaces. A row longer than
/// [`MAX_ROW`] (or an unclosed quote running that far), which the reader
/// handles by what it has read so far, ends the cutting: the rest is read
/// in place from its start.
pub struct Split<'a> {
    name: Arc<str>,
    cur: Cursor<'a>,
    delim: u8,
    rows: usize,
    header_at: usize,
    header: Option<Arc<Header>>,
    fallback_reported: bool,
    /// Chunks are at least this long (but for the last).
    target: usize,
    /// No more chunks: the rest is read in place.
    done: bool,
}

/// Whole rows of a delimited file, after its header, with where they are
/// in the file; read on their own into the events the whole file's read
/// gives for them.
pub struct Chunk {
    name: Arc<str>,
    text: String,
    offset: usize,
    line: usize,
    delim: u8,
    header: Arc<Header>,
}

impl CsvReader {
    /// Reads `input` up to and including its first record, emitting what
    /// [`Reader::read`] emits for those rows, and returns the rest as a
    /// [`Split`] that cuts chunks of about `target` bytes.
    pub fn split<'a>(
        &self,
        name: Arc<str>,
        input: &'a mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
        target: usize,
    ) -> std::io::Result<Split<'a>> {
        let (cur, plan) = self.start(input)?;
        let mut split = Split {
            name,
            cur,
            delim: plan.delim,
            rows: 0,
            header_at: plan.header_at,
            header: None,
            fallback_reported: false,
            target: target.max(1),
            done: false,
        };
        let seen = std::cell::Cell::new(false);
        let mut watch = |e: Event| {
            if let Event::Record(..) = e {
                seen.set(true);
            }
            emit(e);
        };
        split.in_place(&mut watch, &|| seen.get())?;
        Ok(split)
    }
}

impl Split<'_> {
    /// Reads rows in place until `stop`; whether it stopped before the end.
    fn in_place(
        &mut self,
        emit: &mut dyn FnMut(Event),
        stop: &dyn Fn() -> bool,
    ) -> std::io::Result<bool> {
        let mut st = State {
            name: self.name.clone(),
            emit,
            delim: self.delim,
            rows: self.rows,
            header_at: self.header_at,
            header: self.header.as_deref().cloned(),
            fallback_reported: self.fallback_reported,
        };
        let result = read_rows(&mut st, &mut self.cur, stop);
        self.rows = st.rows;
        self.fallback_reported = st.fallback_reported;
        if self.header.is_none() {
            self.header = st.header.map(Arc::new);
        }
        let more = result?;
        if !more {
            self.done = true;
        }
        Ok(more)
    }

    /// Cuts the next chunk off, or `None` when the rest is to be read in
    /// place by [`Split::rest`] (at the end of the text, too).
    pub fn next_chunk(&mut self) -> std::io::Result<Option<Chunk>> {
        let cur = &mut self.cur;
        let Some(header) = &self.header else {
            return Ok(None);
        };
        if self.done || cur.literal || self.delim == b'"' {
            self.done = true;
            return Ok(None);
        }
        // Enough text for a chunk, and for a row of MAX_ROW after it starts.
        let want = self.target.max(MAX_ROW + 2);
        while !cur.eof && cur.buf.len() - cur.pos < want {
            cur.buf.drain(..cur.pos);
            cur.base += cur.pos;
            cur.pos = 0;
            if !read_more(&mut cur.dec, &mut cur.buf)? {
                cur.eof = true;
            }
        }
        let dec = cur.dec.as_ref();
        if dec.is_some_and(|d| d.encoding() != Encoding::Utf8 || d.fallback().is_some()) {
            self.done = true;
            return Ok(None);
        }
        let text = &cur.buf[cur.pos..];
        let (cut, lines) = cut_rows(text.as_bytes(), self.delim, self.target, cur.eof);
        if cut == 0 {
            self.done = true;
            return Ok(None);
        }
        let chunk = Chunk {
            name: self.name.clone(),
            text: text[..cut].to_string(),
            offset: cur.base + cur.pos,
            line: cur.line,
            delim: self.delim,
            header: Arc::clone(header),
        };
        cur.pos += cut;
        cur.line += lines;
        Ok(Some(chunk))
    }

    /// Reads, in place, what was not cut into chunks.
    pub fn rest(mut self, emit: &mut dyn FnMut(Event)) -> std::io::Result<()> {
        self.in_place(emit, &|| false).map(|_| ())
    }
}

/// Where to cut `text`, which starts at a row: the end of the first row
/// ending at or past `target`, or the end of the last whole row (at the end
/// of input, the end of the text), with the newlines before the cut; 0 when
/// a row is longer than [`MAX_ROW`], or none ends in the text. Rows end as
/// [`scan_row`] ends them.
fn cut_rows(text: &[u8], delim: u8, target: usize, eof: bool) -> (usize, usize) {
    let (mut cut, mut cut_lines) = (0, 0);
    let mut lines = 0;
    let mut row_start = 0;
    let mut cell_start = true;
    let mut quoted = false;
    let mut i = 0;
    let n = text.len();
    while i < n {
        let b = text[i];
        if quoted {
            if b == b'"' {
                if i + 1 < n && text[i + 1] == b'"' {
                    i += 1;
                } else {
                    // Text after the closing quote is no cell start.
                    quoted = false;
                    cell_start = false;
                }
            } else if b == b'\n' {
                lines += 1;
            }
        } else if b == b'\n' {
            lines += 1;
            if i + 1 - row_start > MAX_ROW {
                return (cut, cut_lines);
            }
            (cut, cut_lines) = (i + 1, lines);
            if cut >= target {
                return (cut, cut_lines);
            }
            row_start = i + 1;
            cell_start = true;
        } else if b == delim {
            cell_start = true;
        } else if b == b'"' && cell_start {
            quoted = true;
        } else if !(b == b' ' && cell_start) {
            cell_start = false;
        }
        i += 1;
    }
    if eof && n - row_start <= MAX_ROW {
        return (n, lines);
    }
    (cut, cut_lines)
}

impl Chunk {
    /// The file offset of the chunk's first byte.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The chunk's length in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the chunk holds no text (never, as cut).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Reads the chunk's rows, emitting the events the whole file's read
    /// gives for them; returns the text, where every span of those events
    /// (less [`Chunk::offset`]) points.
    pub fn read(self, emit: &mut dyn FnMut(Event)) -> String {
        let Chunk {
            name,
            text,
            offset,
            line,
            delim,
            header,
        } = self;
        let mut st = State {
            name,
            emit,
            delim,
            rows: 1,
            header_at: 0,
            header: Some(Header::clone(&header)),
            fallback_reported: true,
        };
        let mut cur = Cursor {
            dec: None,
            buf: text,
            pos: 0,
            base: offset,
            line,
            eof: true,
            literal: false,
            cells: Vec::new(),
        };
        // No decoder: no I/O, so no error.
        let _ = read_rows(&mut st, &mut cur, &|| false);
        cur.buf
    }
}

/// How a file is to be read, chosen from its first rows.
#[derive(Debug, PartialEq, Eq)]
struct Plan {
    delim: u8,
    /// Bytes of a `sep=` line to skip (0: none).
    skip: usize,
    /// Which row (counting blank ones, after any `sep=` line) is the header.
    header_at: usize,
}

/// Chooses the delimiter (when `sniff`) and the header row from `sample`,
/// the text at the start of the file (`eof`: all of it).
fn plan(sample: &str, eof: bool, delim: u8, sniff: bool) -> Plan {
    let mut plan = Plan {
        delim,
        skip: 0,
        header_at: 0,
    };
    let mut sniff = sniff;
    if sniff {
        let end = sample.find('\n');
        let first = &sample[..end.unwrap_or(sample.len())];
        let sep = first
            .trim()
            .strip_prefix("sep=")
            .filter(|d| d.len() == 1 && d.bytes().all(|b| b.is_ascii_punctuation() || b == b'\t'));
        if let (Some(d), true) = (sep, end.is_some() || eof) {
            plan.delim = d.as_bytes()[0];
            plan.skip = end.map_or(sample.len(), |e| e + 1);
            sniff = false;
        }
    }
    let text = &sample[plan.skip..];
    if sniff {
        // (rows sharing the most common count, that count, delimiter)
        let mut best: Option<(usize, usize, u8)> = None;
        for &d in DELIMITERS {
            let counts: Vec<usize> = sample_rows(text, d, eof)
                .iter()
                .filter(|r| r.iter().any(|c| !c.is_empty()))
                .map(Vec::len)
                .collect();
            let mut mode: Option<(usize, usize)> = None;
            for &c in &counts {
                let n = counts.iter().filter(|&&x| x == c).count();
                if mode.is_none_or(|(mn, mc)| (n, c) > (mn, mc)) {
                    mode = Some((n, c));
                }
            }
            if let Some((n, c)) = mode.filter(|&(_, c)| c > 1) {
                if best.is_none_or(|(bn, bc, _)| (n, c) > (bn, bc)) {
                    best = Some((n, c, d));
                }
            }
        }
        if let Some((_, _, d)) = best {
            plan.delim = d;
        }
    }
    let rows = sample_rows(text, plan.delim, eof);
    plan.header_at =
        fields::header_row(rows.iter().map(|r| r.iter().map(String::as_str))).unwrap_or(0);
    plan
}

/// The cell values of the whole rows at the start of `text` (at most
/// [`SNIFF_ROWS`]), split on `delim`.
fn sample_rows(text: &str, delim: u8, eof: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    let mut pos = 0;
    while pos < text.len() && rows.len() < SNIFF_ROWS {
        match scan_row(&text[pos..], delim, eof, false, &mut cells) {
            Scan::Row { next, .. } => {
                rows.push(cells.drain(..).map(|c| c.value).collect());
                pos += next;
            }
            Scan::More { .. } | Scan::Unclosed(_) => break,
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` and renders what came out, one line per event.
    fn read(delim: u8, bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut input = bytes;
        CsvReader { delimiter: delim }
            .read("t.csv".into(), &mut input, &mut |e| {
                out.push(render(e, false))
            })
            .unwrap();
        out
    }

    /// [`read`] with every detail rendered (spans, snippets, lines).
    fn read_full(delim: u8, bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut input = bytes;
        CsvReader { delimiter: delim }
            .read("t.csv".into(), &mut input, &mut |e| {
                out.push(render(e, true))
            })
            .unwrap();
        out
    }

    /// Reads `bytes` as a [`Split`] cutting chunks of `target` bytes, each
    /// chunk read on its own, then the rest; renders the events as [`read`]
    /// does, and says how many chunks were cut.
    fn read_split(delim: u8, bytes: &[u8], target: usize) -> (Vec<String>, usize) {
        let mut out = Vec::new();
        let mut input = bytes;
        let reader = CsvReader { delimiter: delim };
        let mut split = reader
            .split(
                "t.csv".into(),
                &mut input,
                &mut |e| out.push(render(e, true)),
                target,
            )
            .unwrap();
        let mut chunks = 0;
        while let Some(chunk) = split.next_chunk().unwrap() {
            chunks += 1;
            let (offset, len) = (chunk.offset(), chunk.len());
            let text = chunk.read(&mut |e| {
                if let Event::Record(_, r) = &e {
                    assert!(r.span.start >= offset && r.span.end <= offset + len);
                }
                out.push(render(e, true));
            });
            assert_eq!(text.len(), len);
        }
        split.rest(&mut |e| out.push(render(e, true))).unwrap();
        (out, chunks)
    }

    /// One event as a line: records with each value as read and as its
    /// span shows it, problems with their code, span and label; `full`
    /// adds every span, line and snippet.
    fn render(e: Event, full: bool) -> String {
        match e {
            Event::Record(_, r) => {
                let cells: Vec<String> = r
                    .entries
                    .iter()
                    .map(|(k, v)| {
                        let shown = r.snippet.slice(&v.span).unwrap_or("<OUT OF SNIPPET>");
                        match &v.value {
                            RawValue::Str(s) => format!("{}={s:?}@{shown:?}", k.value),
                            other => format!("{}={other:?}@{shown:?}", k.value),
                        }
                    })
                    .collect();
                if !full {
                    return format!("L{} {}", r.line, cells.join(" "));
                }
                format!(
                    "L{} {}..{} {:?}@{} {}",
                    r.line,
                    r.span.start,
                    r.span.end,
                    r.snippet.text(),
                    r.snippet.offset(),
                    cells.join(" ")
                )
            }
            Event::Problem(p) => {
                let shown = p.snippet.slice(&p.span).unwrap_or("<OUT OF SNIPPET>");
                let dropped = if p.drops_record() { " (dropped)" } else { "" };
                if !full {
                    return format!("! {}{dropped} {shown:?}: {}", p.code.id(), p.label);
                }
                let at = p.snippet.position(p.span.start);
                format!(
                    "! {}{dropped} {shown:?} {:?} {}:{}: {} ({})",
                    p.code.id(),
                    p.span,
                    at.line,
                    at.column,
                    p.label,
                    p.message
                )
            }
        }
    }

    #[test]
    fn basic_rows_and_spans() {
        let got = read(b',', b"id,vendor\nA1, Hikvision \n\nA2,\n");
        assert_eq!(
            got,
            [
                r#"L2 id="A1"@"A1" vendor="Hikvision"@"Hikvision""#,
                r#"L4 id="A2"@"A2" vendor=Null@"""#,
            ]
        );
    }

    #[test]
    fn quoted_cells_with_commas_quotes_and_newlines() {
        let src =
            "id,vendor,note\n1,\"Hik, Vision\",\"say \"\"hi\"\"\"\n2,\"multi\nline\",x\n3,y,z\n";
        let got = read(b',', src.as_bytes());
        assert_eq!(
            got,
            [
                r#"L2 id="1"@"1" vendor="Hik, Vision"@"Hik, Vision" note="say \"hi\""@"say \"\"hi\"\"""#,
                r#"L3 id="2"@"2" vendor="multi\nline"@"multi\nline" note="x"@"x""#,
                r#"L5 id="3"@"3" vendor="y"@"y" note="z"@"z""#,
            ]
        );
    }

    #[test]
    fn exact_file_spans() {
        let src = "id,vendor\r\n\"é1\",  \"Hik, Vision\"  \r\nÄ2,Dahua\r\n";
        let mut input = src.as_bytes();
        let mut spans = Vec::new();
        CsvReader { delimiter: b',' }
            .read("t.csv".into(), &mut input, &mut |e| {
                if let Event::Record(_, r) = e {
                    assert_eq!(&src[r.span.clone()], r.snippet.text());
                    for (k, v) in r.entries {
                        spans.push((&src[k.span], &src[v.span]));
                    }
                }
            })
            .unwrap();
        assert_eq!(
            spans,
            [
                ("id", "é1"),
                ("vendor", "Hik, Vision"),
                ("id", "Ä2"),
                ("vendor", "Dahua")
            ]
        );
    }

    #[test]
    fn ragged_rows() {
        let got = read(b',', b"a,b,c\n1,2\n1,2,3,4,5\n1,2,3,,\n");
        assert_eq!(
            got,
            [
                r#"! assetlint/malformed-row "1,2": 1 cell missing at the end of this row"#,
                r#"L2 a="1"@"1" b="2"@"2""#,
                r#"! assetlint/malformed-row "4,5": 2 cells are beyond the last header, kept as `column N`"#,
                r#"L3 a="1"@"1" b="2"@"2" c="3"@"3" column 4="4"@"4" column 5="5"@"5""#,
                r#"L4 a="1"@"1" b="2"@"2" c="3"@"3""#,
            ]
        );
    }

    #[test]
    fn unclosed_quote_is_reported_and_reading_goes_on() {
        let got = read(b',', b"a,b\n1,\"oops\n2,x\n");
        assert_eq!(
            got,
            [
                r#"! assetlint/malformed-row "\"": this quote opens a cell that does not end; the row is read with it taken literally"#,
                r#"L2 a="1"@"1" b="\"oops"@"\"oops""#,
                r#"L3 a="2"@"2" b="x"@"x""#,
            ]
        );
    }

    #[test]
    fn duplicate_headers() {
        let got = read(b',', b"id,Vendor,vendor\n1,a,b\n");
        assert_eq!(
            got[0],
            r#"! assetlint/duplicate-column "vendor": same header as column 2 ("Vendor"); only the first one fills the asset field"#
        );
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn empty_and_header_only() {
        assert!(read(b',', b"").is_empty());
        assert!(read(b',', b"\n\n").is_empty());
        assert!(read(b',', b"id,vendor").is_empty());
        assert!(read(b',', b"id,vendor\n").is_empty());
        assert!(read(b',', b"\"").len() == 1);
    }

    #[test]
    fn no_final_newline_and_crlf() {
        let got = read(b',', b"id,v\r\n1,x\r\n2,y");
        assert_eq!(
            got,
            [r#"L2 id="1"@"1" v="x"@"x""#, r#"L3 id="2"@"2" v="y"@"y""#]
        );
    }

    #[test]
    fn sep_line_and_semicolon_header() {
        let got = read(b',', b"sep=;\nid;v\n1;a,b\n");
        assert_eq!(got, [r#"L3 id="1"@"1" v="a,b"@"a,b""#]);
        let got = read(b',', b"id;vendor;site\n1;Hik, Vision;S\n");
        assert_eq!(
            got,
            [r#"L2 id="1"@"1" vendor="Hik, Vision"@"Hik, Vision" site="S"@"S""#]
        );
    }

    #[test]
    fn delimiter_is_sniffed_from_the_first_rows() {
        let d = |text: &str| plan(text, true, b',', true).delim;
        // European Excel: `;`, with commas inside cells.
        assert_eq!(d("id;vendor;site\n1;Hik, Vision;S\n2;Axis;T\n"), b';');
        assert_eq!(d("id|vendor|site\n1|Axis, Inc.|S\n"), b'|');
        assert_eq!(d("id\tvendor\tsite\n1\tAxis\tS\n"), b'\t');
        // A comma file whose notes hold `;` now and then stays comma.
        assert_eq!(
            d("id,vendor,notes\n1,Axis,a;b\n2,Dahua,x\n3,Hikvision,c;d;e\n"),
            b','
        );
        // A quoted `;` does not count.
        assert_eq!(d("id,vendor\n1,\"a;b;c\"\n2,\"d;e;f\"\n"), b',');
        // One column: nothing to choose, the reader's own stays.
        assert_eq!(d("id\n1\n2\n"), b',');
        // A tab reader does not sniff.
        assert_eq!(plan("a;b;c\n", true, b'\t', false).delim, b'\t');
        // `sep=` wins and is skipped.
        assert_eq!(
            plan("sep=|\na;b|c\n", true, b',', true),
            Plan {
                delim: b'|',
                skip: 6,
                header_at: 0
            }
        );
    }

    #[test]
    fn title_rows_above_the_header_are_skipped() {
        let src = "Asset register \u{2013} Northfield Council;;;\n;;;\n\
                   Asset Tag;Make;Site Code;\nNBC-1;Axis;HQ;\n";
        let got = read(b',', src.as_bytes());
        assert_eq!(
            got,
            [r#"L4 Asset Tag="NBC-1"@"NBC-1" Make="Axis"@"Axis" Site Code="HQ"@"HQ""#]
        );
    }

    #[test]
    fn trailing_empty_columns_are_no_columns() {
        let got = read(b',', b"id,vendor,,,\n1,Axis,,,\n2,Dahua\n3,Hik,,,,,,\n");
        assert_eq!(
            got,
            [
                r#"L2 id="1"@"1" vendor="Axis"@"Axis""#,
                r#"L3 id="2"@"2" vendor="Dahua"@"Dahua""#,
                r#"L4 id="3"@"3" vendor="Hik"@"Hik""#,
            ]
        );
        // A value under an empty trailing header is still reported.
        let got = read(b',', b"id,vendor,,\n1,Axis,,x\n");
        assert_eq!(
            got[0],
            r#"! assetlint/malformed-row "x": 1 cell is beyond the last header, kept as `column N`"#
        );
    }

    #[test]
    fn tabs() {
        let got = read(b'\t', b"id\tvendor\n1\t Axis \n");
        assert_eq!(got, [r#"L2 id="1"@"1" vendor="Axis"@"Axis""#]);
    }

    #[test]
    fn windows_1252_note_on_its_row() {
        let got = read(b',', b"id,site\n1,Caf\xE9\n");
        assert_eq!(
            got,
            [
                r#"! assetlint/encoding-fallback "é": byte 0xE9 is not UTF-8; read as "é" (Windows-1252) from here on"#,
                r#"L2 id="1"@"1" site="Café"@"Café""#,
            ]
        );
    }

    #[test]
    fn long_cells_and_rows_are_bounded() {
        let mut src = b"id,v\n1,".to_vec();
        src.extend(std::iter::repeat_n(b'x', MAX_CELL + 1));
        src.extend_from_slice(b"\n");
        src.extend(std::iter::repeat_n(b'y', MAX_ROW + 10));
        src.extend_from_slice(b"\n3,z\n\"");
        src.extend(std::iter::repeat_n(b'q', MAX_ROW + 10));
        src.extend_from_slice(b"\n4,w\n");
        let got = read(b',', &src);
        let heads: Vec<&str> = got.iter().map(|s| &s[..s.len().min(40)]).collect();
        assert_eq!(got.len(), 6, "{heads:#?}");
        assert!(
            got[0].starts_with("! assetlint/limit-exceeded"),
            "{}",
            heads[0]
        );
        assert!(got[0].contains("this cell holds 65537 bytes; the row was skipped"));
        assert!(got[0].contains("(dropped)"));
        assert!(
            got[1].starts_with("! assetlint/limit-exceeded"),
            "{}",
            heads[1]
        );
        assert!(got[1].contains("(dropped)") && got[1].contains("this row was skipped"));
        assert_eq!(got[2], r#"L4 id="3"@"3" v="z"@"z""#);
        assert!(got[3].contains("quote opens a cell"));
        assert!(got[4].contains("this row was skipped"));
        assert_eq!(
            got.last().map(String::as_str),
            Some(r#"L6 id="4"@"4" v="w"@"w""#)
        );
    }

    #[test]
    fn lines_and_quote_positions_after_long_rows() {
        let mut src = b"a,b\n\"x\ny\",".to_vec();
        src.extend(std::iter::repeat_n(b'z', MAX_ROW + 10));
        src.extend_from_slice(b"\n3,w\n1,");
        src.extend(std::iter::repeat_n(b'p', 300));
        src.extend_from_slice(b",\"");
        src.extend(std::iter::repeat_n(b'q', MAX_ROW + 10));
        src.extend_from_slice(b"\n4,v\n");
        let got = read(b',', &src);
        let heads: Vec<&str> = got.iter().map(|s| &s[..s.len().min(60)]).collect();
        assert_eq!(heads.len(), 5, "{heads:#?}");
        assert!(got[0].contains("(dropped)"));
        assert_eq!(got[1], r#"L4 a="3"@"3" b="w"@"w""#);
        assert!(
            got[2].starts_with(r#"! assetlint/malformed-row "\"": "#),
            "{}",
            heads[2]
        );
        assert!(got[3].contains("(dropped)"));
        assert_eq!(got[4], r#"L6 a="4"@"4" b="v"@"v""#);
    }
    /// Registers whose chunked read must equal the sequential one.
    fn split_cases() -> Vec<(u8, Vec<u8>)> {
        let mut cases: Vec<(u8, Vec<u8>)> = vec![
            (b',', b"id,vendor,note\n1,\"Hik, Vision\",\"say \"\"hi\"\"\"\n2,\"multi\nline\",x\n3,y,z\n".to_vec()),
            (b',', b"id,v\r\n1,x\r\n2,\"a\r\nb\"\r\n\r\n3,y".to_vec()),
            (b',', "Asset register \u{2013} Northfield;;;\n;;;\nAsset Tag;Make;Site Code;\nNBC-1;Axis;HQ;\nNBC-2;\"Hik;\nVision\";HQ;\nNBC-3;Dahua\n".as_bytes().to_vec()),
            (b',', b"sep=|\nid|v\n1|a,b\n2|\"c|d\"\n".to_vec()),
            (b',', b"a,b,c\n1,2\n1,2,3,4,5\n1,2,3,,\n,,\n4,\"x\" \"y\",z\n5, \"q\nr\" ,s\n6,a\"b,c\n".to_vec()),
            (b',', b"a,b\n1,\"oops\n2,x\n3,y\n".to_vec()),
            (b',', b"a,b\n1,x\n2,\"oops\n".to_vec()),
            (b',', b"id,Vendor,vendor\n1,a,b\n2,c,d\n".to_vec()),
            (b'\t', b"id\tvendor\n1\t Axis \n2\t\"a\tb\"\n".to_vec()),
            (b',', b"id,site\n1,Caf\xE9\n2,x\n".to_vec()),
            (b',', b"id,site\n1,x\n2,\"\xC3\xA9t\xC3\xA9\"\n3,\xE2\x82\xAC\n".to_vec()),
            (b',', b"\xEF\xBB\xBFid,v\n1,x\n2,y\n".to_vec()),
            (b',', b"\xFF\xFEi\0d\0,\0v\0\n\x001\0,\0x\0\n\0".to_vec()),
            (b',', b"id,v\n".to_vec()),
            (b',', b"".to_vec()),
        ];
        // Many rows, a quoted newline now and then, past the sniffed sample.
        let mut big = b"id,vendor,site\n".to_vec();
        for i in 0..3000 {
            if i % 97 == 0 {
                big.extend_from_slice(
                    format!("{i},\"Hik\nVision \"\"{i}\"\"\",S{i}\r\n").as_bytes(),
                );
            } else if i % 101 == 0 {
                big.extend_from_slice(format!("{i},ragged\n").as_bytes());
            } else {
                big.extend_from_slice(format!("{i},Axis,S{}\n", i % 7).as_bytes());
            }
        }
        cases.push((b',', big));
        cases
    }

    #[test]
    fn chunks_read_as_the_whole_file_does() {
        for (delim, bytes) in split_cases() {
            let whole = read_full(delim, &bytes);
            for target in [
                1,
                2,
                3,
                5,
                8,
                13,
                21,
                64,
                100,
                1000,
                4096,
                50_000,
                CHUNK_BYTES,
            ] {
                let (got, _) = read_split(delim, &bytes, target);
                assert_eq!(
                    got,
                    whole,
                    "target {target}, input {:?}",
                    String::from_utf8_lossy(&bytes[..bytes.len().min(80)])
                );
            }
        }
    }

    #[test]
    fn chunks_are_cut_where_they_can_be() {
        let (_, delim_bytes) = (0, split_cases());
        let big = &delim_bytes.last().unwrap().1;
        // Past the first record, small targets cut many chunks.
        let (_, chunks) = read_split(b',', big, 1000);
        assert!(chunks > 20, "{chunks}");
        // UTF-16 and Windows-1252 text is read in place.
        let (_, chunks) = read_split(b',', b"\xFF\xFEi\0d\0\n\x001\0\n\x002\0\n\0", 1);
        assert_eq!(chunks, 0);
        let (_, chunks) = read_split(b',', b"id,site\n1,x\n2,Caf\xE9\n3,y\n", 1);
        assert_eq!(chunks, 0);
        // A quote opened mid-cell is an ordinary character: the newline ends the row.
        assert_eq!(cut_rows(b"1,a\"b\n2,c\n", b',', 1, false), (6, 1));
        // A quote at a cell's start, after spaces, holds the newline.
        assert_eq!(cut_rows(b"1, \"a\nb\"\n2\n", b',', 1, false), (9, 2));
        // No whole row yet.
        assert_eq!(cut_rows(b"1,\"a\nb", b',', 1, false), (0, 0));
        assert_eq!(cut_rows(b"1,\"a\nb", b',', 1, true), (6, 1));
    }

    #[test]
    fn long_rows_end_the_cutting() {
        let mut src = b"a,b\n1,x\n2,y\n3,".to_vec();
        src.extend(std::iter::repeat_n(b'z', MAX_ROW + 10));
        src.extend_from_slice(b"\n4,w\n5,\"");
        src.extend(std::iter::repeat_n(b'q', MAX_ROW + 10));
        src.extend_from_slice(b"\n6,v\n");
        let whole = read_full(b',', &src);
        for target in [1, 5, 100, CHUNK_BYTES] {
            assert_eq!(read_split(b',', &src, target).0, whole, "target {target}");
        }
    }
}
