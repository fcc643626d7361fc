//! Reading a large JSON or YAML file one list item at a time.
//!
//! A file up to [`STREAM_FROM`] bytes is read whole, exactly as the
//! [module docs](super) say. A larger one is streamed when it has one of
//! the generic shapes — a top-level list of items, or a top-level map
//! whose `assets:` / `devices:` / `sites:` values are lists: a boundary
//! scanner finds each list item's bytes in a rolling [`Window`] of decoded
//! text, the item alone is parsed by the same tree code (its spans moved
//! to the item's place in the file) and becomes a record at once. Memory
//! is one item plus the window; the other top-level values (`metadata:`
//! and the like) are small and read as trees.
//!
//! A streamed record has exactly the span, line and values the whole-file
//! reader gives it; its `snippet` covers the item and one line either side
//! (the context a rendered diagnostic shows), not the whole file.
//!
//! What is decided at the head of a large file, before any record is
//! emitted (so the whole-file reader can still take over, with everything
//! read so far): a top-level map with `bomFormat` (CycloneDX) or
//! `results` (a NetBox page), a top-level list whose first item is a
//! NetBox object, a record key whose value is not a list, or a shape the
//! scanner does not follow (YAML flow style at the top, tags, quoted top
//! keys ...) are read whole, as before, up to [`super::MAX_FILE`]. Once
//! records have been emitted the file is committed to the generic reading;
//! a later sign of a manifest shape (a `bomFormat` or `results` key, a
//! NetBox-like item) is reported as a problem rather than silently read
//! the generic way.
//!
//! Where a streamed file differs from a whole-file reading: a syntax error
//! stops the reading at the error (the records before it were already
//! emitted), instead of dropping the whole file; one item larger than
//! [`MAX_ITEM`] is [`Code::LimitExceeded`] and stops the reading there;
//! an item referring to more than [`super::yaml::MAX_ALIAS_RETRIES`] anchors of
//! earlier items does the same (YAML); and the YAML alias warning names the
//! first alias without counting the later ones. Everything is emitted in
//! file order.

use std::io::BufRead;
use std::sync::Arc;

use super::{too_large, whole_text, MAX_FILE};
use crate::diag::Code;
use crate::model::{RawValue, Record};
use crate::read::decode::{decode, Decoded, StreamDecoder};
use crate::read::{Event, Hint, Problem};
use crate::source::{Snippet, Span, Spanned};

/// Files up to this many bytes are read whole; larger ones are streamed.
pub const STREAM_FROM: usize = 4 * 1024 * 1024;

/// The largest single list item of a streamed file, in bytes; larger is
/// [`Code::LimitExceeded`] and the reading stops there. Memory is one item
/// plus the window, so this bounds a streamed file's memory; 16 MiB is
/// thousands of times a real asset or site.
pub const MAX_ITEM: usize = 16 * 1024 * 1024;

/// The first [`STREAM_FROM`] bytes of `input` (one more when there are
/// more), and whether that was all of it.
pub(crate) fn head(input: &mut dyn BufRead, limit: usize) -> std::io::Result<(Vec<u8>, bool)> {
    use std::io::Read;
    let mut bytes = Vec::new();
    input
        .take((limit as u64).saturating_add(1))
        .read_to_end(&mut bytes)?;
    let whole = bytes.len() <= limit;
    Ok((bytes, whole))
}

/// What a reader does with a file's text once it has been decided to
/// read it whole.
pub(crate) type Tree = fn(&str, &Snippet, &mut dyn FnMut(Event));

/// Reads a file whole with `tree` when it is at most `stream_from` bytes,
/// else streams it with `run`, which gets the [`Window`] and hands it back
/// when the file is to be read whole after all (nothing emitted yet).
pub(crate) fn read(
    name: Arc<str>,
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(Event),
    stream_from: usize,
    tree: Tree,
    run: impl for<'w> FnOnce(Window<'w>, &mut dyn FnMut(Event)) -> std::io::Result<Option<Window<'w>>>,
) -> std::io::Result<()> {
    let (bytes, whole) = head(input, stream_from)?;
    if whole {
        let Decoded { text, fallback, .. } = decode(&bytes);
        drop(bytes);
        let (text, snippet) = whole_text(&name, text, fallback, emit);
        tree(&text, &snippet, emit);
        return Ok(());
    }
    let mut rest = HeadThen::new(bytes, input);
    if let Some(window) = run(Window::new(name, &mut rest), emit)? {
        if let Some((text, snippet)) = window.into_whole(emit)? {
            tree(&text, &snippet, emit);
        }
    }
    Ok(())
}

/// The head read by [`head`], then the rest of the input; the head's
/// buffer (up to [`STREAM_FROM`] bytes) is freed as soon as it has been
/// read, so a streamed file does not hold it to the end.
pub(crate) struct HeadThen<'a> {
    head: Option<std::io::Cursor<Vec<u8>>>,
    rest: &'a mut dyn BufRead,
}

impl<'a> HeadThen<'a> {
    pub(crate) fn new(head: Vec<u8>, rest: &'a mut dyn BufRead) -> Self {
        HeadThen {
            head: Some(std::io::Cursor::new(head)),
            rest,
        }
    }
}

impl std::io::Read for HeadThen<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = std::io::BufRead::fill_buf(self)?.len().min(buf.len());
        buf[..n].copy_from_slice(&std::io::BufRead::fill_buf(self)?[..n]);
        std::io::BufRead::consume(self, n);
        Ok(n)
    }
}

impl BufRead for HeadThen<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self
            .head
            .as_ref()
            .is_some_and(|h| h.position() >= h.get_ref().len() as u64)
        {
            self.head = None;
        }
        match &mut self.head {
            Some(head) => head.fill_buf(),
            None => self.rest.fill_buf(),
        }
    }

    fn consume(&mut self, amount: usize) {
        match &mut self.head {
            Some(head) => head.consume(amount),
            None => self.rest.consume(amount),
        }
    }
}

/// Decoded text of a file from byte `base` on, read chunk by chunk.
pub(crate) struct Window<'a> {
    dec: StreamDecoder<'a>,
    /// The text held, starting at file offset `base`.
    pub(crate) text: String,
    /// File offset of `text[0]`.
    pub(crate) base: usize,
    /// 1-based line of `text[0]` (which is always at a line start).
    base_line: usize,
    /// Whether the input is exhausted.
    pub(crate) eof: bool,
    /// Whether the decoder's fallback to Windows-1252 has been reported.
    fallback_told: bool,
    /// Whether the reading is streamed (not read whole after all), so the
    /// fallback is reported here.
    streamed: bool,
    name: Arc<str>,
}

impl<'a> Window<'a> {
    pub(crate) fn new(name: Arc<str>, input: &'a mut dyn BufRead) -> Self {
        Window {
            dec: StreamDecoder::new(input),
            text: String::new(),
            base: 0,
            base_line: 1,
            eof: false,
            fallback_told: false,
            streamed: false,
            name,
        }
    }

    /// Reads one more chunk; false at the end of the input.
    pub(crate) fn more(&mut self, emit: &mut dyn FnMut(Event)) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if !self.dec.read_chunk(&mut self.text)? {
            self.eof = true;
        }
        if self.streamed {
            self.tell_fallback(emit);
        }
        Ok(!self.eof || !self.text.is_empty())
    }

    /// Commits to streaming: from now on the window reports the encoding
    /// fallback itself.
    pub(crate) fn commit(&mut self, emit: &mut dyn FnMut(Event)) {
        self.streamed = true;
        self.tell_fallback(emit);
    }

    /// Reads the rest of the file (nothing has been forgotten yet) for the
    /// whole-file reader; `None` when it is over [`MAX_FILE`] (reported).
    pub(crate) fn into_whole(
        mut self,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<Option<(Arc<str>, Snippet)>> {
        debug_assert_eq!(self.base, 0);
        while !self.eof {
            if self.text.len() as u64 > MAX_FILE {
                too_large(&self.name, emit);
                return Ok(None);
            }
            if !self.dec.read_chunk(&mut self.text)? {
                self.eof = true;
            }
        }
        if self.text.len() as u64 > MAX_FILE {
            too_large(&self.name, emit);
            return Ok(None);
        }
        let fallback = self.dec.fallback();
        Ok(Some(whole_text(&self.name, self.text, fallback, emit)))
    }

    fn tell_fallback(&mut self, emit: &mut dyn FnMut(Event)) {
        if let (false, Some(f)) = (self.fallback_told, self.dec.fallback()) {
            self.fallback_told = true;
            if f.offset >= self.base {
                let rel = f.offset - self.base;
                let len = self.text[rel..].chars().next().map_or(0, char::len_utf8);
                let (snippet, _) = self.snippet(f.offset, f.offset + len);
                emit(Event::Problem(Problem {
                    code: Code::EncodingFallback,
                    dropped: false,
                    message: "the file is not valid UTF-8; read as Windows-1252 from here on"
                        .into(),
                    snippet,
                    span: f.offset..f.offset + len,
                    label: f.label(),
                }));
            }
        }
    }

    /// The file's display name.
    pub(crate) fn name(&self) -> Arc<str> {
        self.name.clone()
    }

    /// The file offset just past the end of the text held.
    pub(crate) fn end(&self) -> usize {
        self.base + self.text.len()
    }

    /// The text from file offset `from` to the end of the window.
    pub(crate) fn from(&self, from: usize) -> &str {
        &self.text[from - self.base..]
    }

    /// The file text of `span`.
    pub(crate) fn get(&self, span: Span) -> &str {
        &self.text[span.start - self.base..span.end - self.base]
    }

    /// The 1-based line of file offset `at`.
    pub(crate) fn line(&self, at: usize) -> usize {
        self.base_line + count_lines(&self.text.as_bytes()[..at - self.base])
    }

    /// Drops the text before the start of the line before the one holding
    /// `at` (kept as the next snippet's context).
    pub(crate) fn forget_before(&mut self, at: usize) {
        let rel = at - self.base;
        let cut = context_start(&self.text, rel);
        if cut == 0 {
            return;
        }
        self.base_line += count_lines(&self.text.as_bytes()[..cut]);
        self.text.drain(..cut);
        self.base += cut;
    }

    /// A snippet covering file offsets `start..end` and one line either
    /// side, as far as the window holds them; and its first line.
    pub(crate) fn snippet(&self, start: usize, end: usize) -> (Snippet, usize) {
        let from = context_start(&self.text, start - self.base);
        let to = context_end(&self.text, end - self.base);
        let line = self.base_line + count_lines(&self.text.as_bytes()[..from]);
        (
            Snippet::part(
                self.name.clone(),
                Arc::from(&self.text[from..to]),
                self.base + from,
                line,
            ),
            line,
        )
    }
}

/// Newlines in `b`.
fn count_lines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// The start of the line before the one holding `rel` (or of that line,
/// when it is the first).
fn context_start(text: &str, rel: usize) -> usize {
    let b = &text.as_bytes()[..rel];
    match b.iter().rposition(|&c| c == b'\n') {
        None => 0,
        Some(nl) => b[..nl]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |i| i + 1),
    }
}

/// The end of the line after the one holding `rel` (exclusive, after its
/// newline), or the end of the text.
fn context_end(text: &str, rel: usize) -> usize {
    let b = text.as_bytes();
    let rel = rel.min(b.len());
    // The end of the line holding `rel`, then of the next.
    match b[rel..].iter().position(|&c| c == b'\n') {
        None => b.len(),
        Some(nl) => {
            let next = rel + nl + 1;
            match b[next..].iter().position(|&c| c == b'\n') {
                None => b.len(),
                Some(n2) => next + n2 + 1,
            }
        }
    }
}

/// Moves every span of a tree by `by` bytes.
pub(crate) fn shift(value: &mut Spanned<RawValue>, by: usize) {
    value.span = value.span.start + by..value.span.end + by;
    match &mut value.value {
        RawValue::List(items) => items.iter_mut().for_each(|i| shift(i, by)),
        RawValue::Map(entries) => {
            for (k, v) in entries {
                k.span = k.span.start + by..k.span.end + by;
                shift(v, by);
            }
        }
        _ => {}
    }
}

/// Moves every span of a tree `by` bytes back.
pub(crate) fn shift_back(value: &mut Spanned<RawValue>, by: usize) {
    let back = |s: &Span| s.start.saturating_sub(by)..s.end.saturating_sub(by);
    value.span = back(&value.span);
    match &mut value.value {
        RawValue::List(items) => items.iter_mut().for_each(|i| shift_back(i, by)),
        RawValue::Map(entries) => {
            for (k, v) in entries {
                k.span = back(&k.span);
                shift_back(v, by);
            }
        }
        _ => {}
    }
}

/// The record (or the problem) one list item becomes, as the whole-file
/// reader makes it.
pub(crate) fn item_event(hint: Hint, item: Spanned<RawValue>, window: &Window<'_>) -> Event {
    match item.value {
        RawValue::Map(entries) => {
            let span = super::record_span(item.span, &entries);
            let (snippet, _) = window.snippet(span.start, span.end);
            Event::Record(
                hint,
                Record {
                    line: window.line(span.start),
                    span,
                    entries,
                    snippet,
                },
            )
        }
        _ => {
            let (snippet, _) = window.snippet(item.span.start, item.span.end);
            Event::Problem(Problem {
                code: Code::MalformedRow,
                dropped: true,
                message: "a list item is not a map of fields".into(),
                snippet,
                span: item.span,
                label: "expected `key: value` pairs here".into(),
            })
        }
    }
}

/// A problem at `span` of the window (a parse error, or a warning).
pub(crate) fn problem(
    window: &Window<'_>,
    code: Code,
    span: Span,
    message: String,
    label: String,
) -> Event {
    let end = window.end();
    let start = span.start.clamp(window.base, end);
    let mut stop = span.end.clamp(start, end);
    let text = &window.text;
    while stop > start
        && text[start - window.base..stop - window.base].ends_with(char::is_whitespace)
    {
        stop = start
            + text[start - window.base..stop - window.base]
                .trim_end()
                .len();
    }
    if stop == start {
        stop = start
            + text[start - window.base..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
    }
    let (snippet, _) = window.snippet(start, stop);
    Event::Problem(Problem {
        code,
        dropped: false,
        message,
        snippet,
        span: start..stop,
        label,
    })
}

/// Which kind of records a top-level key's list holds, if it holds records.
pub(crate) fn record_key(key: &str) -> Option<Hint> {
    match key {
        "assets" | "devices" => Some(Hint::Assets),
        "sites" => Some(Hint::Sites),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::read_json;
    use super::super::yaml::read_yaml;
    use super::*;

    type ReadFn =
        fn(Arc<str>, &mut dyn BufRead, &mut dyn FnMut(Event), usize) -> std::io::Result<()>;

    fn events(read: ReadFn, text: &str, stream_from: usize) -> Vec<Event> {
        let mut events = Vec::new();
        // A small buffer, so items straddle the reads.
        let mut input = std::io::BufReader::with_capacity(7, text.as_bytes());
        read("t".into(), &mut input, &mut |e| events.push(e), stream_from).unwrap();
        events
    }

    /// Hint, line, span and entries of every record; code and span of
    /// every problem.
    fn rendered(events: &[Event], text: &str, streamed: bool) -> Vec<String> {
        events
            .iter()
            .map(|e| match e {
                Event::Record(hint, r) => {
                    assert_eq!(r.snippet.slice(&r.span), text.get(r.span.clone()));
                    for (k, v) in &r.entries {
                        assert_eq!(r.snippet.slice(&k.span), text.get(k.span.clone()));
                        assert_eq!(r.snippet.slice(&v.span), text.get(v.span.clone()));
                    }
                    if streamed {
                        assert!(r.snippet.text().len() < text.len() || r.snippet.offset() == 0);
                    }
                    format!("{hint:?} line {} {:?} {:?}", r.line, r.span, r.entries)
                }
                Event::Problem(p) => {
                    assert_eq!(p.snippet.slice(&p.span), text.get(p.span.clone()), "{p:?}");
                    format!("problem {} {:?}", p.code.id(), p.span)
                }
            })
            .collect()
    }

    /// The streamed reading gives what the whole reading gives.
    fn same(read: ReadFn, text: &str) {
        let whole = events(read, text, usize::MAX);
        let streamed = events(read, text, 0);
        assert!(
            whole.iter().any(|e| matches!(e, Event::Record(..))),
            "no records in {text}"
        );
        assert_eq!(
            rendered(&streamed, text, true),
            rendered(&whole, text, false),
            "{text}"
        );
        // It was streamed: the records do not hold the whole file.
        let streamed_parts = streamed
            .iter()
            .any(|e| matches!(e, Event::Record(_, r) if r.snippet.offset() > 0));
        assert!(streamed_parts, "not streamed: {text}");
    }

    const JSON: &[&str] = &[
        r#"[{"id": "A1", "vendor": "Axis", "nested": {"a": [1, 2, {"b": null}]}},
{"id": "A\"2\\", "name": "caf\u00e9 é € 😀", "ok": true, "n": -1.5e3},
  // a comment between items
  {"id": "A3", /* inside */ "vendor": "Hikvision", "tags": ["x", "y",],},
  {id: "A4", vendor: 'Dahua'}
]
"#,
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"AssetRegister\",\n  \"metadata\": {\"name\": \"x\", \"seed\": 1},\n  \"sites\": [\n    {\n      \"site\": \"S1\",\n      \"sensitivity\": \"high\"\n    },\n    {\"site\": \"S2\"}\n  ],\n  \"devices\": [\n    {\"id\": \"D1\", \"site\": \"S1\"},\n    \"not a map\",\n    {\"id\": \"D2\", \"brand\": \"é\"}\n  ]\n}\n",
        "{\"devices\": [\n{\"id\": \"D1\", \"site\": \"S1\"}], \"note\": {\"x\": [1]}, \"sites\": [\n{\"site\": \"S1\"}], \"assets\": [\n\n{\"id\": \"A1\"}], \"assets\": null}",
    ];

    const YAML: &[&str] = &[
        "- id: A1\n  vendor: Axis\n  nested:\n    a: [1, 2, {b: null}]\n- id: \"A\\\"2\"\n  name: 'café é € 😀'\n  ok: true\n  n: -1.5e3\n# a comment\n\n- {id: A3, vendor: Hikvision}\n- id: A4\n  notes: |\n    line one\n    line two\n\n  after: x\n",
        "apiVersion: \"v1\"\nkind: AssetRegister\nmetadata:\n  name: x\n  seed: 1\nsites:\n  - site: S1\n    sensitivity: high\n  - site: S2\ndevices:\n- id: D1\n  site: S1\n- just text\n- id: D2\n  brand: é\n",
        "devices:\n  - id: D1 # a comment\n    site: S1\n    anchor: &a shared\n  - id: D2\n    ref: *a\nnote:\n  x: [1]\nsites:\n  - site: S1\nassets: []\n",
        "---\nassets:\n  - &x {id: A1, tags: [a, b]}\n  - id: A2\n    multi: >\n      folded\n      text\n...\n",
    ];

    #[test]
    fn streamed_json_records_equal_whole_records() {
        for text in JSON {
            same(read_json, text);
        }
    }

    #[test]
    fn streamed_yaml_records_equal_whole_records() {
        for text in YAML {
            let whole = events(read_yaml, text, usize::MAX);
            let streamed = events(read_yaml, text, 0);
            let records = |events: &[Event], streamed| -> Vec<String> {
                rendered(events, text, streamed)
                    .into_iter()
                    .filter(|r| !r.starts_with("problem"))
                    .collect()
            };
            assert_eq!(records(&streamed, true), records(&whole, false), "{text}");
            assert!(
                streamed
                    .iter()
                    .any(|e| matches!(e, Event::Record(_, r) if r.snippet.offset() > 0)),
                "not streamed: {text}"
            );
            // The problems are the same, but for the alias warning's label.
            let problems = |events: &[Event]| -> Vec<(String, Span)> {
                let mut p: Vec<_> = events
                    .iter()
                    .filter_map(|e| match e {
                        Event::Problem(p) => Some((p.code.id().to_string(), p.span.clone())),
                        _ => None,
                    })
                    .collect();
                p.sort_by_key(|(_, s)| s.start);
                p
            };
            assert_eq!(problems(&streamed), problems(&whole), "{text}");
        }
        same(read_yaml, YAML[0]);
        same(read_yaml, YAML[1]);
    }

    /// The fixtures: wherever the whole reading has no syntax error, the
    /// streamed reading gives the same records (manifest shapes are read
    /// whole either way).
    #[test]
    fn fixtures_read_the_same_streamed() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/read");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let dir = entry.unwrap().path();
            for file in std::fs::read_dir(&dir).unwrap() {
                let path = file.unwrap().path();
                let read: ReadFn = match path.extension().and_then(|e| e.to_str()) {
                    Some("json") => read_json,
                    Some("yaml" | "yml") => read_yaml,
                    _ => continue,
                };
                let text = std::fs::read_to_string(&path).unwrap();
                let whole = events(read, &text, usize::MAX);
                if whole
                    .iter()
                    .any(|e| matches!(e, Event::Problem(p) if p.code == Code::ParseError))
                {
                    continue;
                }
                let streamed = events(read, &text, 0);
                let records = |events: &[Event]| -> Vec<String> {
                    rendered(events, &text, false)
                        .into_iter()
                        .filter(|r| !r.starts_with("problem"))
                        .collect()
                };
                assert_eq!(records(&streamed), records(&whole), "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen >= 5, "{seen}");
    }

    #[test]
    fn an_item_over_the_limit_is_a_parse_error() {
        let big = "x".repeat(MAX_ITEM + 10);
        let text = format!("[{{\"id\": \"A1\"}}, {{\"id\": \"{big}\"}}, {{\"id\": \"A3\"}}]");
        let events = events(read_json, &text, 0);
        assert!(matches!(&events[0], Event::Record(..)));
        assert!(
            matches!(&events[1], Event::Problem(p) if p.code == Code::LimitExceeded && p.message.contains("larger than the 16 MiB item limit"))
        );
        assert_eq!(events.len(), 2);
    }

    #[test]
    fn aliases_to_many_earlier_anchors_stay_linear_and_bounded() {
        use super::super::yaml::MAX_ALIAS_RETRIES;
        // Each item refers to an anchor no other item refers to, and to
        // one the first did.
        let mut text = String::from("assets:\n");
        for i in 0..300 {
            text.push_str(&format!("  - id: A{i}\n    vendor: *v{i}\n    site: *v0\n"));
        }
        let read = events(read_yaml, &text, 0);
        let records = read
            .iter()
            .filter(|e| matches!(e, Event::Record(..)))
            .count();
        assert_eq!(records, 300);
        // One item referring to too many: the limit, and the reading stops.
        let mut text = String::from("- id: A1\n- id: A2\n  refs: [");
        for i in 0..=MAX_ALIAS_RETRIES {
            text.push_str(&format!("*r{i}, "));
        }
        text.push_str("x]\n- id: A3\n");
        let events = events(read_yaml, &text, 0);
        assert!(matches!(&events[0], Event::Record(..)), "{events:?}");
        let Some(Event::Problem(p)) = events.last() else {
            panic!("expected the limit, got {events:?}");
        };
        assert_eq!(p.code, Code::LimitExceeded, "{p:?}");
        let r = format!("*r{MAX_ALIAS_RETRIES}");
        assert_eq!(
            p.snippet.slice(&p.span).map(|s| &s[..r.len()]),
            Some(r.as_str())
        );
        assert!(!events
            .iter()
            .any(|e| matches!(e, Event::Record(_, r) if r.line == 4)));
    }

    #[test]
    fn a_late_syntax_error_stops_the_reading_there() {
        let text = "[{\"id\": \"A1\"}, {\"id\": }, {\"id\": \"A3\"}]";
        let events = events(read_json, text, 0);
        assert!(matches!(&events[0], Event::Record(..)));
        assert!(matches!(&events[1], Event::Problem(p) if p.code == Code::ParseError));
        assert_eq!(events.len(), 2);
    }
}
