//! JSON (with comments and trailing commas allowed), through `jsonc-parser`,
//! whose AST ranges are byte offsets. A file over [`stream::STREAM_FROM`]
//! is streamed: a boundary scanner finds each list item and only the item
//! is parsed (see [`stream`]).

use std::io::BufRead;
use std::sync::Arc;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use super::stream::{self, Window, MAX_ITEM};
use super::{
    emit_records, netbox, parse_error, too_deep, too_deep_error, too_deep_from, unquote, MAX_DEPTH,
};
use crate::diag::Code;
use crate::model::RawValue;
use crate::read::{Event, Hint, Reader};
use crate::source::{Snippet, Spanned};

/// JSON files.
pub struct JsonReader;

impl Reader for JsonReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        read_json(name, input, emit, stream::STREAM_FROM)
    }
}

/// Reads a JSON file whole when it is at most `stream_from` bytes, else
/// streams it (see [`stream`]).
pub(crate) fn read_json(
    name: Arc<str>,
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(Event),
    stream_from: usize,
) -> std::io::Result<()> {
    read_json_as(name, input, emit, stream_from, false)
}

/// [`read_json`], or with `sites_only` the reading of
/// [`super::read_sites_first`].
pub(crate) fn read_json_as(
    name: Arc<str>,
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(Event),
    stream_from: usize,
    sites_only: bool,
) -> std::io::Result<()> {
    stream::read(name, input, emit, stream_from, tree, |w, emit| {
        let mut streamer = Streamer {
            w,
            committed: false,
            warned: false,
            sites_only,
        };
        Ok(match streamer.run(emit)? {
            Flow::Done => None,
            Flow::Whole => Some(streamer.w),
        })
    })
}

/// Reads a whole file's text as one tree.
fn tree(text: &str, snippet: &Snippet, emit: &mut dyn FnMut(Event)) {
    if let Some(at) = too_deep(text, false) {
        emit(too_deep_error(snippet, at..at + 1));
        return;
    }
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    match jsonc_parser::parse_to_ast(text, &collect, &ParseOptions::default()) {
        Err(e) => {
            let r = e.range();
            emit(parse_error(
                snippet,
                r.start..r.end,
                format!("invalid JSON: {}", e.kind()),
                e.kind().to_string(),
            ));
        }
        Ok(parsed) => {
            if let Some(value) = parsed.value {
                let mut missing_comma = None;
                let root = convert(text, value, &mut missing_comma);
                if let Some(at) = missing_comma {
                    emit(parse_error(
                        snippet,
                        at..at,
                        "invalid JSON: expected a comma".into(),
                        "a comma is missing before this".into(),
                    ));
                    return;
                }
                emit_records(snippet, root, emit);
            }
        }
    }
}

/// How a streamed reading ended.
enum Flow {
    /// Everything was emitted.
    Done,
    /// Nothing was emitted: the file is to be read whole.
    Whole,
}

/// A syntax error found while streaming (already emitted): stop.
struct Stop;

/// The streaming reader of one JSON file.
struct Streamer<'a> {
    w: Window<'a>,
    /// Whether records have been emitted (the whole reading is no longer
    /// possible).
    committed: bool,
    /// Whether a late sign of a manifest shape has been reported.
    warned: bool,
    /// Whether only the site records and each asset list's first item are
    /// wanted (see [`super::read_sites_first`]).
    sites_only: bool,
}

type Step<T> = std::io::Result<Result<T, Stop>>;

impl Streamer<'_> {
    fn run(&mut self, emit: &mut dyn FnMut(Event)) -> std::io::Result<Flow> {
        self.w.more(emit)?;
        let flow = match self.top(emit)? {
            Ok(flow) => flow,
            Err(Stop) => Flow::Done,
        };
        Ok(flow)
    }

    fn top(&mut self, emit: &mut dyn FnMut(Event)) -> Step<Flow> {
        let Some(at) = self.skip(0, emit)? else {
            return Ok(Ok(Flow::Whole));
        };
        let end = match self.byte(at) {
            b'[' => match self.list(at, Hint::Unknown, 1, emit)? {
                Ok(Some(end)) => end,
                Ok(None) => return Ok(Ok(Flow::Whole)),
                Err(stop) => return Ok(Err(stop)),
            },
            b'{' => match self.map(at, emit)? {
                Ok(Some(end)) => end,
                Ok(None) => return Ok(Ok(Flow::Whole)),
                Err(stop) => return Ok(Err(stop)),
            },
            _ => return Ok(Ok(Flow::Whole)),
        };
        if let Some(at) = self.skip(end, emit)? {
            emit(self.error(
                at..at + 1,
                "Text cannot contain more than one JSON value".into(),
            ));
        }
        Ok(Ok(Flow::Done))
    }

    fn byte(&self, at: usize) -> u8 {
        self.w.text.as_bytes()[at - self.w.base]
    }

    fn error(&self, span: std::ops::Range<usize>, kind: String) -> Event {
        stream::problem(
            &self.w,
            Code::ParseError,
            span,
            format!("invalid JSON: {kind}"),
            kind,
        )
    }

    /// The next byte that is not blank or in a comment, at or after `at`;
    /// `None` at the end of the input.
    fn skip(&mut self, at: usize, emit: &mut dyn FnMut(Event)) -> std::io::Result<Option<usize>> {
        let base = self.w.base;
        let rel = self.scan(at, emit, |b, i, eof| match skip_blank(b, i) {
            Some(j) if j < b.len() => Some(Some(j)),
            _ if eof => Some(None),
            _ => None,
        })?;
        Ok(rel.map(|j| base + j))
    }

    /// Runs `f` over the window from `at` (relative), reading more while it
    /// asks for more.
    fn scan<T>(
        &mut self,
        at: usize,
        emit: &mut dyn FnMut(Event),
        f: impl Fn(&[u8], usize, bool) -> Option<T>,
    ) -> std::io::Result<T> {
        loop {
            if let Some(r) = f(self.w.text.as_bytes(), at - self.w.base, self.w.eof) {
                return Ok(r);
            }
            // Read as much again as is held after `at`, so that rescanning
            // from `at` costs linear time in all.
            let want = (self.w.end() - at).max(1) * 2;
            while !self.w.eof && self.w.end() - at < want {
                self.w.more(emit)?;
            }
        }
    }

    /// The end of the value starting at `at`, or a stop when it is longer
    /// than [`MAX_ITEM`].
    fn value_end(&mut self, at: usize, emit: &mut dyn FnMut(Event)) -> Step<usize> {
        let base = self.w.base;
        let rel = self.scan(at, emit, |b, i, eof| match value_end(b, i) {
            Some(e) if e - i > MAX_ITEM => Some(None),
            Some(e) => Some(Some(e)),
            None if eof => Some(Some(b.len())),
            None if b.len() - i > MAX_ITEM => Some(None),
            None => None,
        })?;
        debug_assert_eq!(base, self.w.base, "scanning only reads on");
        match rel {
            Some(e) => Ok(Ok(self.w.base + e)),
            None => {
                emit(stream::problem(
                    &self.w,
                    Code::LimitExceeded,
                    at..at + 1,
                    format!(
                        "a list item is larger than the {} MiB item limit",
                        MAX_ITEM >> 20
                    ),
                    "this item was not read".into(),
                ));
                Ok(Err(Stop))
            }
        }
    }

    /// Parses the value at `span`, `depth` levels deep in the file.
    fn parse(
        &self,
        span: std::ops::Range<usize>,
        depth: usize,
        emit: &mut dyn FnMut(Event),
    ) -> Result<Spanned<RawValue>, Stop> {
        let text = self.w.get(span.clone());
        let start = span.start;
        if let Some(at) = too_deep_from(text, false, depth) {
            emit(stream::problem(
                &self.w,
                Code::LimitExceeded,
                start + at..start + at + 1,
                format!("lists and maps are nested deeper than the {MAX_DEPTH}-level limit"),
                "too deep here; the reading stopped".into(),
            ));
            return Err(Stop);
        }
        let collect = CollectOptions {
            comments: CommentCollectionStrategy::Off,
            tokens: false,
        };
        match jsonc_parser::parse_to_ast(text, &collect, &ParseOptions::default()) {
            Err(e) => {
                let r = e.range();
                emit(self.error(start + r.start..start + r.end, e.kind().to_string()));
                Err(Stop)
            }
            Ok(parsed) => {
                let Some(value) = parsed.value else {
                    emit(self.error(start..start, "Unexpected token".into()));
                    return Err(Stop);
                };
                let mut missing_comma = None;
                let mut value = convert(text, value, &mut missing_comma);
                if let Some(at) = missing_comma {
                    emit(stream::problem(
                        &self.w,
                        Code::ParseError,
                        start + at..start + at,
                        "invalid JSON: expected a comma".into(),
                        "a comma is missing before this".into(),
                    ));
                    return Err(Stop);
                }
                stream::shift(&mut value, start);
                Ok(value)
            }
        }
    }

    /// Streams the items of the list opening at `open`; the offset after
    /// its `]`, or `None` when the file is to be read whole instead.
    fn list(
        &mut self,
        open: usize,
        hint: Hint,
        depth: usize,
        emit: &mut dyn FnMut(Event),
    ) -> Step<Option<usize>> {
        let mut at = open + 1;
        let mut first = true;
        loop {
            let Some(start) = self.skip(at, emit)? else {
                emit(self.error(open..open + 1, "Unterminated array".into()));
                return Ok(Err(Stop));
            };
            match self.byte(start) {
                b']' => return Ok(Ok(Some(start + 1))),
                b',' if first => {
                    emit(self.error(start..start + 1, "Unexpected comma".into()));
                    return Ok(Err(Stop));
                }
                _ => {}
            }
            let end = match self.value_end(start, emit)? {
                Ok(end) => end,
                Err(stop) => return Ok(Err(stop)),
            };
            if self.sites_only && hint == Hint::Assets && !first {
                // Skipped unparsed; its end is all that is needed.
            } else {
                let item = match self.parse(start..end, depth, emit) {
                    Ok(item) => item,
                    Err(stop) => return Ok(Err(stop)),
                };
                if let Some(flow) = self.item(item, hint, end, emit)? {
                    return Ok(Ok(flow));
                }
            }
            self.w.forget_before(end);
            first = false;
            let Some(next) = self.skip(end, emit)? else {
                emit(self.error(open..open + 1, "Unterminated array".into()));
                return Ok(Err(Stop));
            };
            match self.byte(next) {
                b',' => at = next + 1,
                b']' => return Ok(Ok(Some(next + 1))),
                _ => {
                    emit(stream::problem(
                        &self.w,
                        Code::ParseError,
                        next..next,
                        "invalid JSON: expected a comma".into(),
                        "a comma is missing before this".into(),
                    ));
                    return Ok(Err(Stop));
                }
            }
        }
    }

    /// Emits one parsed list item (ending at `end`); `Some(None)` when the
    /// file is to be read whole instead.
    fn item(
        &mut self,
        item: Spanned<RawValue>,
        hint: Hint,
        end: usize,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<Option<Option<usize>>> {
        {
            if !self.committed {
                if hint == Hint::Unknown && netbox::recognise_item(&item.value) {
                    return Ok(Some(None));
                }
                self.committed = true;
                self.w.commit(emit);
            } else if hint == Hint::Unknown && !self.warned && netbox::recognise_item(&item.value) {
                self.warned = true;
                emit(stream::problem(
                    &self.w,
                    Code::InvalidValue,
                    item.span.clone(),
                    "this item looks like a NetBox object, but the file is read as a list of assets"
                        .into(),
                    "its first item is not a NetBox object, so the file is not read as a NetBox export"
                        .into(),
                ));
            }
            // The line after the item is the context of its snippet.
            self.scan(end, emit, |b, i, eof| {
                (eof || b[i..].iter().filter(|&&c| c == b'\n').nth(1).is_some()).then_some(())
            })?;
            emit(stream::item_event(hint, item, &self.w));
        }
        Ok(None)
    }

    /// Reads the top-level map opening at `open`, streaming its record
    /// lists; the offset after its `}`, or `None` when the file is to be
    /// read whole instead.
    fn map(&mut self, open: usize, emit: &mut dyn FnMut(Event)) -> Step<Option<usize>> {
        let mut at = open + 1;
        // Whether a manifest shape's key has been seen.
        let mut shaped = false;
        loop {
            let Some(key_start) = self.skip(at, emit)? else {
                if !self.committed {
                    return Ok(Ok(None));
                }
                emit(self.error(open..open + 1, "Unterminated object".into()));
                return Ok(Err(Stop));
            };
            if self.byte(key_start) == b'}' {
                return Ok(Ok(self.committed.then_some(key_start + 1)));
            }
            let key_end = match self.value_end(key_start, emit)? {
                Ok(end) => end,
                Err(stop) => return Ok(Err(stop)),
            };
            let key = self.w.get(key_start..key_end);
            let key = key
                .strip_prefix('"')
                .and_then(|k| k.strip_suffix('"'))
                .unwrap_or(key)
                .to_string();
            let colon = self.skip(key_end, emit)?;
            if colon.is_none_or(|c| self.byte(c) != b':') {
                if !self.committed {
                    return Ok(Ok(None));
                }
                let c = colon.unwrap_or(key_end);
                emit(self.error(
                    c..c + 1,
                    "Expected colon after the string or word in object property".into(),
                ));
                return Ok(Err(Stop));
            }
            let colon = colon.unwrap_or(key_end);
            let Some(value_start) = self.skip(colon + 1, emit)? else {
                if !self.committed {
                    return Ok(Ok(None));
                }
                emit(self.error(
                    colon..colon + 1,
                    "Expected value after colon in object property".into(),
                ));
                return Ok(Err(Stop));
            };
            let hint = stream::record_key(&key);
            let after = match hint {
                Some(hint) if self.byte(value_start) == b'[' => {
                    if shaped && !self.committed {
                        return Ok(Ok(None));
                    }
                    match self.list(value_start, hint, 2, emit)? {
                        Ok(Some(end)) => end,
                        Ok(None) => return Ok(Ok(None)),
                        Err(stop) => return Ok(Err(stop)),
                    }
                }
                // Not a list: the whole reading says what it is.
                Some(_) if !self.committed => return Ok(Ok(None)),
                _ => {
                    let end = match self.value_end(value_start, emit)? {
                        Ok(end) => end,
                        Err(stop) => return Ok(Err(stop)),
                    };
                    let value = match self.parse(value_start..end, 1, emit) {
                        Ok(v) => v,
                        Err(stop) => return Ok(Err(stop)),
                    };
                    let manifest = match key.as_str() {
                        "bomFormat" => {
                            matches!(&value.value, RawValue::Str(s) if s.trim().eq_ignore_ascii_case("cyclonedx"))
                        }
                        "results" => matches!(value.value, RawValue::List(_)),
                        _ => false,
                    };
                    if manifest && !self.committed {
                        shaped = true;
                    } else if manifest && !self.warned {
                        self.warned = true;
                        emit(stream::problem(
                            &self.w,
                            Code::InvalidValue,
                            key_start..key_end,
                            format!("`{key}` marks a manifest, but the file is read as an asset file"),
                            "its asset or site lists come first, so it is not read as a CycloneDX BOM or NetBox export".into(),
                        ));
                    } else if hint.is_some() && value.value != RawValue::Null {
                        emit(stream::problem(
                            &self.w,
                            Code::ParseError,
                            value.span.clone(),
                            format!("`{key}` must be a list"),
                            format!("expected a list of {key} here"),
                        ));
                    }
                    end
                }
            };
            if self.committed {
                self.w.forget_before(after);
            }
            let Some(next) = self.skip(after, emit)? else {
                if !self.committed {
                    return Ok(Ok(None));
                }
                emit(self.error(open..open + 1, "Unterminated object".into()));
                return Ok(Err(Stop));
            };
            match self.byte(next) {
                b',' => at = next + 1,
                b'}' => return Ok(Ok(self.committed.then_some(next + 1))),
                _ if !self.committed => return Ok(Ok(None)),
                _ => {
                    emit(stream::problem(
                        &self.w,
                        Code::ParseError,
                        next..next,
                        "invalid JSON: expected a comma".into(),
                        "a comma is missing before this".into(),
                    ));
                    return Ok(Err(Stop));
                }
            }
        }
    }
}

/// Skips blanks and comments from `i`; the index of the next other byte,
/// `b.len()` when there is none, or `None` when a comment is cut off.
fn skip_blank(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i += b[i..].iter().position(|&c| c == b'\n')?;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2 + b[i + 2..].windows(2).position(|w| w == b"*/")? + 2;
            }
            b'/' if i + 1 == b.len() => return None,
            _ => return Some(i),
        }
    }
    Some(i)
}

/// The end of the JSON value starting at `b[i]` (a string, a bracketed
/// list or map, or a bare word or number), or `None` when `b` ends first.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b[i] {
        b'"' | b'\'' => string_end(b, i),
        b'[' | b'{' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' | b'\'' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'/' if matches!(b.get(j + 1), Some(b'/') | Some(b'*')) => {
                        j = skip_blank(b, j)?;
                        if j == b.len() {
                            return None;
                        }
                        continue;
                    }
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let n = b[i..].iter().position(|&c| {
                matches!(
                    c,
                    b',' | b']' | b'}' | b':' | b' ' | b'\t' | b'\r' | b'\n' | b'/'
                )
            })?;
            Some(i + n.max(1))
        }
    }
}

/// The end (after the closing quote) of the string opening at `b[i]`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let q = b[i];
    let mut j = i + 1;
    loop {
        let k = j + memchr2(q, b'\\', &b[j..])?;
        if b[k] == q {
            return Some(k + 1);
        }
        j = k + 2;
        if j > b.len() {
            return None;
        }
    }
}

/// The first index of `x` or `y` in `b`.
fn memchr2(x: u8, y: u8, b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == x || c == y)
}

/// Whether the text between two elements holds their comma. The parser
/// accepts `[{} {}]`; strict JSON (and JSONC) does not.
fn has_comma(text: &str, between: std::ops::Range<usize>) -> bool {
    text.get(between).is_none_or(|s| s.contains(','))
}

/// The AST as raw values (depth already bounded by the prescan). The first
/// element or member not preceded by a comma is noted in `missing_comma`.
pub(crate) fn convert(
    text: &str,
    value: Value<'_>,
    missing_comma: &mut Option<usize>,
) -> Spanned<RawValue> {
    match value {
        Value::StringLit(s) => Spanned::new(
            RawValue::Str(s.value.into_owned()),
            unquote(text, s.range.start..s.range.end),
        ),
        Value::NumberLit(n) => Spanned::new(
            RawValue::Number(n.value.to_string()),
            n.range.start..n.range.end,
        ),
        Value::BooleanLit(b) => Spanned::new(RawValue::Bool(b.value), b.range.start..b.range.end),
        Value::NullKeyword(n) => Spanned::new(RawValue::Null, n.range.start..n.range.end),
        Value::Array(a) => {
            let mut prev_end = None;
            let mut items = Vec::with_capacity(a.elements.len());
            for v in a.elements {
                let item = convert(text, v, missing_comma);
                if let Some(end) = prev_end {
                    if missing_comma.is_none() && !has_comma(text, end..item.span.start) {
                        *missing_comma = Some(item.span.start);
                    }
                }
                prev_end = Some(end_of(text, &item.span));
                items.push(item);
            }
            Spanned::new(RawValue::List(items), a.range.start..a.range.end)
        }
        Value::Object(o) => {
            let span = o.range.start..o.range.end;
            let mut prev_end: Option<usize> = None;
            let entries = o
                .properties
                .into_iter()
                .map(|p| {
                    let start = p.range.start;
                    if let Some(end) = prev_end {
                        if missing_comma.is_none() && !has_comma(text, end..start) {
                            *missing_comma = Some(start);
                        }
                    }
                    prev_end = Some(p.range.end);
                    let key = match p.name {
                        ObjectPropName::String(s) => Spanned::new(
                            s.value.into_owned(),
                            unquote(text, s.range.start..s.range.end),
                        ),
                        ObjectPropName::Word(w) => {
                            Spanned::new(w.value.to_string(), w.range.start..w.range.end)
                        }
                    };
                    let value = convert(text, p.value, missing_comma);
                    prev_end = Some(prev_end.unwrap_or(0).max(end_of(text, &value.span)));
                    (key, value)
                })
                .collect();
            Spanned::new(RawValue::Map(entries), span)
        }
    }
}

/// The end of a value including a closing quote that [`unquote`] left out.
fn end_of(text: &str, span: &std::ops::Range<usize>) -> usize {
    match text.as_bytes().get(span.end) {
        Some(b'"') | Some(b'\'') => span.end + 1,
        _ => span.end,
    }
}
