//! YAML, through `saphyr-parser`'s event API.
//!
//! The parser's markers count *characters*; [`CharToByte`] turns them into
//! the byte offsets spans use. The tree is built with an explicit stack, so
//! nesting is bounded by [`MAX_DEPTH`] without recursion.
//!
//! Scalars follow the YAML 1.2 core schema: plain `null`/`~`/empty → null,
//! `true`/`false` → bool, numbers → [`RawValue::Number`] as written, all
//! else text; quoted scalars are always text. **Aliases (`*name`) are not
//! expanded** — so a "billion laughs" file cannot blow up — each is read as
//! null with a [`Code::InvalidValue`] warning at it. Every document of a
//! multi-document stream is read.

use std::borrow::Cow;
use std::io::BufRead;
use std::sync::Arc;

use saphyr_parser::{Event as YEvent, Parser, ScalarStyle, Span as YSpan};

use super::stream::{self, Window, MAX_ITEM};
use super::{emit_records, netbox, parse_error, too_deep_error, unquote, MAX_DEPTH};
use crate::diag::Code;
use crate::model::RawValue;
use crate::read::{Event, Hint, Problem, Reader};
use crate::source::{Snippet, Span, Spanned};

/// YAML files.
pub struct YamlReader;

/// Character index → byte offset, storing only the non-ASCII characters.
struct CharToByte {
    /// (char index of a multi-byte char, extra bytes up to and including it)
    wide: Vec<(usize, usize)>,
    len: usize,
}

impl CharToByte {
    fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        let mut extra = 0;
        for (i, c) in text.chars().enumerate() {
            if c.len_utf8() > 1 {
                extra += c.len_utf8() - 1;
                wide.push((i, extra));
            }
        }
        CharToByte {
            wide,
            len: text.len(),
        }
    }

    fn byte(&self, chars: usize) -> usize {
        let n = self.wide.partition_point(|&(i, _)| i < chars);
        let extra = if n == 0 { 0 } else { self.wide[n - 1].1 };
        (chars + extra).min(self.len)
    }

    fn span(&self, s: &YSpan) -> Span {
        let start = self.byte(s.start.index());
        start..self.byte(s.end.index()).max(start)
    }
}

enum Frame {
    List {
        start: usize,
        items: Vec<Spanned<RawValue>>,
    },
    Map {
        start: usize,
        entries: Vec<(Spanned<String>, Spanned<RawValue>)>,
        key: Option<Spanned<String>>,
    },
}

impl Reader for YamlReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        read_yaml(name, input, emit, stream::STREAM_FROM)
    }
}

/// Reads a YAML file whole when it is at most `stream_from` bytes, else
/// streams it (see [`stream`]).
pub(crate) fn read_yaml(
    name: Arc<str>,
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(Event),
    stream_from: usize,
) -> std::io::Result<()> {
    read_yaml_as(name, input, emit, stream_from, false)
}

/// [`read_yaml`], or with `sites_only` the reading of
/// [`super::read_sites_first`].
pub(crate) fn read_yaml_as(
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
            alias_told: false,
            anchors: std::collections::HashSet::new(),
            sites_only,
        };
        Ok(match streamer.run(emit)? {
            Ok(true) | Err(Stop) => None,
            Ok(false) => Some(streamer.w),
        })
    })
}

/// Reads a whole file's text as one tree per document.
fn tree(text: &str, snippet: &Snippet, emit: &mut dyn FnMut(Event)) {
    let map = CharToByte::new(text);
    let mut roots = Vec::new();
    let mut problems = Vec::new();
    let mut aliases = Vec::new();
    match build(
        text,
        &map,
        snippet,
        0,
        &mut roots,
        &mut problems,
        &mut aliases,
    ) {
        Ok(()) => {
            problems.extend(alias_problem(snippet, &aliases));
            for p in problems {
                emit(Event::Problem(p));
            }
            for root in roots {
                emit_records(snippet, root, emit);
            }
        }
        Err(e) => emit(e),
    }
}

/// One warning for all aliases, at the first.
fn alias_problem(snippet: &Snippet, aliases: &[Span]) -> Option<Problem> {
    let first = aliases.first()?;
    let more = match aliases.len() - 1 {
        0 => String::new(),
        1 => " (and 1 more alias)".into(),
        n => format!(" (and {n} more aliases)"),
    };
    Some(Problem {
        code: Code::InvalidValue,
        dropped: false,
        message: "YAML aliases are not expanded".into(),
        snippet: snippet.clone(),
        span: first.clone(),
        label: format!("this alias{more} was read as an empty value; write the value out"),
    })
}

/// Builds one tree per document of `text`, which sits `depth` levels deep
/// in its file; a syntax error or too deep a nesting is the `Err` event.
/// Aliases are read as null and noted in `aliases`.
fn build(
    text: &str,
    map: &CharToByte,
    snippet: &Snippet,
    depth: usize,
    roots: &mut Vec<Spanned<RawValue>>,
    problems: &mut Vec<Problem>,
    aliases: &mut Vec<Span>,
) -> Result<(), Event> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, yspan) = match next {
            Ok(e) => e,
            Err(e) => {
                let at = map.byte(e.marker().index());
                if e.info().contains("recursion limit") {
                    // The parser's own bound on flow nesting.
                    return Err(too_deep_error(snippet, at..at));
                }
                return Err(parse_error(
                    snippet,
                    at..at,
                    format!("invalid YAML: {}", e.info()),
                    e.info().to_string(),
                ));
            }
        };
        let span = map.span(&yspan);
        let done = match event {
            YEvent::SequenceStart(..) | YEvent::MappingStart(..) => {
                if stack.len() + depth >= MAX_DEPTH {
                    return Err(too_deep_error(snippet, span));
                }
                stack.push(match event {
                    YEvent::SequenceStart(..) => Frame::List {
                        start: span.start,
                        items: Vec::new(),
                    },
                    _ => Frame::Map {
                        start: span.start,
                        entries: Vec::new(),
                        key: None,
                    },
                });
                None
            }
            YEvent::SequenceEnd | YEvent::MappingEnd => match stack.pop() {
                Some(Frame::List { start, items }) => {
                    let end = closing_end(text, &span, items.last().map(|i| i.span.end), start);
                    Some(Spanned::new(RawValue::List(items), start..end))
                }
                Some(Frame::Map { start, entries, .. }) => {
                    let end =
                        closing_end(text, &span, entries.last().map(|(_, v)| v.span.end), start);
                    Some(Spanned::new(RawValue::Map(entries), start..end))
                }
                None => None,
            },
            YEvent::Scalar(value, style, _, _) => Some(scalar(text, value, style, span)),
            YEvent::Alias(_) => {
                aliases.push(span.clone());
                Some(Spanned::new(RawValue::Null, span))
            }
            YEvent::StreamEnd => break,
            _ => None,
        };
        let Some(node) = done else { continue };
        match stack.last_mut() {
            None => roots.push(node),
            Some(Frame::List { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => {
                    let k = match node.value {
                        RawValue::Str(s) | RawValue::Number(s) => s,
                        RawValue::Bool(b) => b.to_string(),
                        RawValue::Null => String::new(),
                        RawValue::List(_) | RawValue::Map(_) => {
                            problems.push(Problem {
                                code: Code::InvalidValue,
                                dropped: false,
                                message: "a map key is itself a list or a map".into(),
                                snippet: snippet.clone(),
                                span: node.span.clone(),
                                label: "keys must be plain text".into(),
                            });
                            "?".into()
                        }
                    };
                    *key = Some(Spanned::new(k, node.span));
                }
            },
        }
    }
    Ok(())
}

/// How many names of anchors of earlier items a streamed YAML file
/// remembers (each up to [`MAX_ANCHOR_NAME`] bytes), so that a later item
/// referring to one is parsed once rather than twice; this bounds their
/// memory.
pub const MAX_ANCHORS: usize = 4096;

/// The longest anchor name remembered across items, in bytes.
const MAX_ANCHOR_NAME: usize = 128;

/// How many new anchors of earlier items one streamed item may refer to
/// (each one found costs a parse of the item): more is
/// [`Code::LimitExceeded`]. Aliases are not expanded, so a real file has
/// a few (a `defaults` anchor); 16 bounds a hostile item's parsing to 17
/// times its size.
pub const MAX_ALIAS_RETRIES: usize = 16;

/// A syntax error found while streaming (already emitted): stop.
struct Stop;

/// One line of the window: where it starts, where its text ends (before the
/// line break) and where the next line starts.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
    /// Spaces before the first character.
    indent: usize,
    /// Whether it is blank or only a comment.
    empty: bool,
}

/// The streaming reader of one YAML file: a line scanner that finds the
/// items of block-style record lists; each item's text is parsed alone.
struct Streamer<'a> {
    w: Window<'a>,
    committed: bool,
    warned: bool,
    alias_told: bool,
    /// Anchors of earlier items that later items refer to.
    anchors: std::collections::HashSet<String>,
    /// Whether only the site records and each asset list's first item are
    /// wanted (see [`super::read_sites_first`]).
    sites_only: bool,
}

/// `Ok(true)`: read; `Ok(false)`: nothing emitted, read the file whole.
type Step<T> = std::io::Result<Result<T, Stop>>;

impl Streamer<'_> {
    fn run(&mut self, emit: &mut dyn FnMut(Event)) -> Step<bool> {
        self.w.more(emit)?;
        let mut pos = 0;
        loop {
            let Some(l) = self.content(pos, emit)? else {
                return Ok(Ok(self.committed));
            };
            let text = self.text(&l);
            if l.indent == 0 && (text == "---" || text == "...") {
                pos = l.next;
                continue;
            }
            let next = if dash(text) {
                self.list(l, Hint::Unknown, 0, emit)?
            } else if l.indent == 0 && key_of(text).is_some() {
                self.map(l, emit)?
            } else if !self.committed {
                return Ok(Ok(false));
            } else {
                emit(stream::problem(
                    &self.w,
                    Code::ParseError,
                    l.start..l.end,
                    "this document is not read: the documents of a large YAML file are read one list item at a time, which needs block-style lists and maps".into(),
                    "not a block-style list or map".into(),
                ));
                return Ok(Err(Stop));
            };
            match next {
                Ok(Some(p)) => pos = p,
                Ok(None) => return Ok(Ok(false)),
                Err(stop) => return Ok(Err(stop)),
            }
        }
    }

    /// The line text (without its indentation and line break).
    fn text(&self, l: &Line) -> &str {
        self.w.get(l.start + l.indent..l.end).trim_end_matches('\r')
    }

    /// The line starting at `pos`, or `None` at the end of the input.
    fn line(&mut self, pos: usize, emit: &mut dyn FnMut(Event)) -> std::io::Result<Option<Line>> {
        loop {
            let rest = self.w.from(pos).as_bytes();
            if let Some(nl) = rest.iter().position(|&c| c == b'\n') {
                return Ok(Some(line_of(pos, &rest[..nl], pos + nl + 1)));
            }
            if self.w.eof {
                return Ok((!rest.is_empty()).then(|| line_of(pos, rest, pos + rest.len())));
            }
            self.w.more(emit)?;
        }
    }

    /// The first line at or after `pos` that is neither blank nor a comment.
    fn content(
        &mut self,
        mut pos: usize,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<Option<Line>> {
        while let Some(l) = self.line(pos, emit)? {
            if !l.empty {
                return Ok(Some(l));
            }
            pos = l.next;
        }
        Ok(None)
    }

    /// Parses the text `start..end` (whole lines), `depth` levels deep in
    /// the file, as one YAML document.
    /// Parses the text `start..end` (whole lines), `depth` levels deep in
    /// the file, as one YAML document: a block list whose dashes are at
    /// column `list` (its items), or else one top-level `key: value` entry
    /// (its value, as a one-item list).
    ///
    /// An alias to an anchor of an earlier item is unknown to the parser
    /// here: the anchor is then defined on a dummy item (or entry) put
    /// before the text, which is dropped again (aliases are read as null
    /// anyway), and the text parsed once more. Only the anchors the item
    /// refers to are put before it; the names found so are remembered (up
    /// to [`MAX_ANCHORS`]), so a later item referring to them is parsed
    /// once. An item needing more than [`MAX_ALIAS_RETRIES`] new ones is
    /// [`Code::LimitExceeded`] and the reading stops there, so the parsing
    /// stays linear in the file.
    fn parse(
        &mut self,
        start: usize,
        end: usize,
        depth: usize,
        list: Option<usize>,
        emit: &mut dyn FnMut(Event),
    ) -> Result<Vec<Spanned<RawValue>>, Stop> {
        // The remembered anchors this item refers to.
        let mut needed: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (_, name) in aliases_in(self.w.get(start..end)) {
            if self.anchors.contains(name) && seen.insert(name) {
                needed.push(name.to_string());
            }
        }
        drop(seen);
        let mut tries = 0;
        loop {
            let mut prefix = String::new();
            for (n, a) in needed.iter().enumerate() {
                match list {
                    Some(c) => prefix.push_str(&format!("{:c$}- &{a} ~\n", "")),
                    None => prefix.push_str(&format!("assetlint-anchor-{n}: &{a} ~\n")),
                }
            }
            let text = format!("{prefix}{}", self.w.get(start..end));
            let snippet = Snippet::whole(self.w.name(), Arc::from(""));
            let map = CharToByte::new(&text);
            let mut roots = Vec::new();
            let mut problems = Vec::new();
            let mut aliases = Vec::new();
            let result = build(
                &text,
                &map,
                &snippet,
                depth,
                &mut roots,
                &mut problems,
                &mut aliases,
            );
            let p = prefix.len();
            let at = |span: &Span| span.start.max(p) - p + start..span.end.max(p) - p + start;
            if let Err(Event::Problem(e)) = result {
                if e.message.contains("unknown anchor") {
                    let unknown = aliases_in(&text[p..])
                        .find(|(_, n)| !needed.iter().any(|a| a.as_str() == *n));
                    if let Some((star, name)) = unknown {
                        tries += 1;
                        if tries > MAX_ALIAS_RETRIES {
                            emit(stream::problem(
                                &self.w,
                                Code::LimitExceeded,
                                start + star..start + star + 1 + name.len(),
                                format!(
                                    "a list item refers to more than {MAX_ALIAS_RETRIES} anchors of earlier items"
                                ),
                                "one alias too many; the reading stopped".into(),
                            ));
                            return Err(Stop);
                        }
                        if self.anchors.len() < MAX_ANCHORS && name.len() <= MAX_ANCHOR_NAME {
                            self.anchors.insert(name.to_string());
                        }
                        needed.push(name.to_string());
                        continue;
                    }
                }
                emit(stream::problem(
                    &self.w,
                    e.code,
                    at(&e.span),
                    e.message,
                    e.label,
                ));
                return Err(Stop);
            }
            for e in problems {
                emit(stream::problem(
                    &self.w,
                    e.code,
                    at(&e.span),
                    e.message,
                    e.label,
                ));
            }
            if let (false, Some(first)) = (self.alias_told, aliases.first()) {
                self.alias_told = true;
                emit(stream::problem(
                    &self.w,
                    Code::InvalidValue,
                    at(first),
                    "YAML aliases are not expanded".into(),
                    "this alias (and any later one) was read as an empty value; write the value out".into(),
                ));
            }
            let dummies = needed.len();
            let values: Vec<Spanned<RawValue>> =
                match (roots.into_iter().next().map(|r| r.value), list) {
                    (Some(RawValue::List(items)), Some(_)) => {
                        items.into_iter().skip(dummies).collect()
                    }
                    (Some(RawValue::Map(entries)), None) if entries.len() == dummies + 1 => {
                        entries.into_iter().skip(dummies).map(|(_, v)| v).collect()
                    }
                    _ => {
                        if !self.committed {
                            return Ok(Vec::new());
                        }
                        emit(stream::problem(
                            &self.w,
                            Code::ParseError,
                            start..end,
                            "invalid YAML: not a block-style list item or `key: value` entry"
                                .into(),
                            "not read".into(),
                        ));
                        return Err(Stop);
                    }
                };
            return Ok(values
                .into_iter()
                .map(|mut v| {
                    stream::shift_back(&mut v, p);
                    stream::shift(&mut v, start);
                    v
                })
                .collect());
        }
    }

    /// Streams the block list whose first item is on line `first`, its
    /// dashes at `first.indent`; where the list ends, or `None` when the
    /// file is to be read whole.
    fn list(
        &mut self,
        first: Line,
        hint: Hint,
        depth: usize,
        emit: &mut dyn FnMut(Event),
    ) -> Step<Option<usize>> {
        let c = first.indent;
        let mut start = first.start;
        let mut pos = first.next;
        loop {
            // The item runs to the next line at or left of its dash.
            let (end, more) = loop {
                match self.line(pos, emit)? {
                    None => break (pos, false),
                    Some(l) if l.empty => pos = l.next,
                    Some(l) if l.indent < c || (l.indent == c && !dash(self.text(&l))) => {
                        break (l.start, false)
                    }
                    Some(l) if l.indent == c => break (l.start, true),
                    Some(l) => pos = l.next,
                }
                if pos - start > MAX_ITEM {
                    emit(stream::problem(
                        &self.w,
                        Code::LimitExceeded,
                        start..start + 1,
                        format!(
                            "a list item is larger than the {} MiB item limit",
                            MAX_ITEM >> 20
                        ),
                        "this item was not read".into(),
                    ));
                    return Ok(Err(Stop));
                }
            };
            let items = if self.sites_only && hint == Hint::Assets && start != first.start {
                // Skipped unparsed.
                Vec::new()
            } else {
                match self.parse(start, end, depth, Some(c), emit) {
                    Ok(items) if items.is_empty() => return Ok(Ok(None)),
                    Ok(items) => items,
                    Err(stop) => return Ok(Err(stop)),
                }
            };
            for item in items {
                if !self.committed {
                    if hint == Hint::Unknown && netbox::recognise_item(&item.value) {
                        return Ok(Ok(None));
                    }
                    self.committed = true;
                    self.w.commit(emit);
                } else if hint == Hint::Unknown
                    && !self.warned
                    && netbox::recognise_item(&item.value)
                {
                    self.warned = true;
                    emit(stream::problem(
                        &self.w,
                        Code::InvalidValue,
                        item.span.clone(),
                        "this item looks like a NetBox object, but the file is read as a list of assets".into(),
                        "its first item is not a NetBox object, so the file is not read as a NetBox export".into(),
                    ));
                }
                emit(stream::item_event(hint, item, &self.w));
            }
            self.w.forget_before(end);
            if !more {
                return Ok(Ok(Some(end)));
            }
            start = end;
            pos = match self.line(end, emit)? {
                Some(l) => l.next,
                None => end,
            };
        }
    }

    /// Reads the top-level block map whose first key is on line `first`,
    /// streaming its record lists; where it ends, or `None` when the file
    /// is to be read whole.
    fn map(&mut self, first: Line, emit: &mut dyn FnMut(Event)) -> Step<Option<usize>> {
        let mut l = first;
        let mut shaped = false;
        loop {
            let text = self.text(&l);
            let Some((key, rest)) = key_of(text) else {
                if !self.committed {
                    return Ok(Ok(None));
                }
                return Ok(Ok(Some(l.start)));
            };
            let key = key.to_string();
            let hint = stream::record_key(&key);
            let after_key = if hint.is_some() && rest.is_empty() {
                match self.content(l.next, emit)? {
                    Some(n) if dash(self.text(&n)) => Some(n),
                    _ => None,
                }
            } else {
                None
            };
            let end = match (hint, after_key) {
                (Some(hint), Some(n)) => {
                    if shaped && !self.committed {
                        return Ok(Ok(None));
                    }
                    match self.list(n, hint, 1, emit)? {
                        Ok(Some(end)) => end,
                        Ok(None) => return Ok(Ok(None)),
                        Err(stop) => return Ok(Err(stop)),
                    }
                }
                (Some(_), None) if !self.committed => return Ok(Ok(None)),
                _ => {
                    // The entry runs to the next line at the left margin
                    // that is not a list item.
                    let mut pos = l.next;
                    let end = loop {
                        match self.line(pos, emit)? {
                            None => break pos,
                            Some(n) if n.empty || n.indent > 0 => pos = n.next,
                            Some(n)
                                if dash(self.text(&n))
                                    && !matches!(self.text(&n), "---" | "...") =>
                            {
                                pos = n.next
                            }
                            Some(n) => break n.start,
                        }
                    };
                    let value = match self.parse(l.start, end, 0, None, emit) {
                        Ok(mut values) => match values.pop() {
                            Some(v) => v,
                            None => return Ok(Ok(None)),
                        },
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
                        let k = l.start..l.start + key.len();
                        emit(stream::problem(
                            &self.w,
                            Code::InvalidValue,
                            k,
                            format!("`{key}` marks a manifest, but the file is read as an asset file"),
                            "its asset or site lists come first, so it is not read as a CycloneDX BOM or NetBox export".into(),
                        ));
                    } else if let Some(hint) = hint {
                        match value.value {
                            RawValue::Null => {}
                            RawValue::List(items) => {
                                for item in items {
                                    emit(stream::item_event(hint, item, &self.w));
                                }
                            }
                            _ => emit(stream::problem(
                                &self.w,
                                Code::ParseError,
                                value.span.clone(),
                                format!("`{key}` must be a list"),
                                format!("expected a list of {key} here"),
                            )),
                        }
                    }
                    end
                }
            };
            if self.committed {
                self.w.forget_before(end);
            }
            match self.content(end, emit)? {
                None => return Ok(Ok(self.committed.then_some(end))),
                Some(n) if n.indent == 0 && key_of(self.text(&n)).is_some() => l = n,
                Some(n) => return Ok(Ok(self.committed.then_some(n.start))),
            }
        }
    }
}

/// The offset and name of every alias (`*name`) in `text`, as far as a
/// scan without parsing tells (a `*` inside a quoted string counts too;
/// the parser's error does not say which alias it could not resolve).
fn aliases_in(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.match_indices('*').filter_map(|(star, _)| {
        let name = &text[star + 1..];
        let len = name
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            .unwrap_or(name.len());
        (len > 0).then(|| (star, &name[..len]))
    })
}

/// A [`Line`] from its text.
fn line_of(start: usize, b: &[u8], next: usize) -> Line {
    let indent = b.iter().take_while(|&&c| c == b' ').count();
    let rest = &b[indent..];
    let first = rest.iter().find(|&&c| !matches!(c, b' ' | b'\t' | b'\r'));
    Line {
        start,
        end: start + b.len(),
        next,
        indent,
        empty: first.is_none_or(|&c| c == b'#'),
    }
}

/// Whether a line's text (indentation removed) starts a block list item.
fn dash(text: &str) -> bool {
    text == "-" || text.starts_with("- ") || text.starts_with("-\t")
}

/// A top-level `key:` line's plain key and what follows the colon (a
/// comment dropped); `None` when the line is not one the scanner follows.
fn key_of(text: &str) -> Option<(&str, &str)> {
    let (key, rest) = text.split_once(':')?;
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !key.starts_with('-');
    if !plain || !(rest.is_empty() || rest.starts_with([' ', '\t', '\r'])) {
        return None;
    }
    let rest = rest.trim();
    let rest = if rest.starts_with('#') { "" } else { rest };
    Some((key, rest))
}

/// Where a list or map ends: after its closing `]`/`}` for flow style,
/// else at the end of its last child.
fn closing_end(text: &str, end: &Span, last_child: Option<usize>, start: usize) -> usize {
    let flow_close = text.get(end.clone()).is_some_and(|s| s == "]" || s == "}");
    if flow_close {
        end.end
    } else {
        last_child.unwrap_or(start).max(start)
    }
}

/// A scalar's value; a quoted scalar's span is the text inside its quotes,
/// a block scalar's span ends at its last non-blank character.
fn scalar(text: &str, value: Cow<'_, str>, style: ScalarStyle, span: Span) -> Spanned<RawValue> {
    match style {
        ScalarStyle::Plain => {}
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            return Spanned::new(RawValue::Str(value.into_owned()), unquote(text, span));
        }
        _ => {
            let written = text.get(span.clone()).unwrap_or("");
            let end = span.start + written.trim_end().len();
            return Spanned::new(RawValue::Str(value.into_owned()), span.start..end);
        }
    }
    let v = match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => RawValue::Null,
        "true" | "True" | "TRUE" => RawValue::Bool(true),
        "false" | "False" | "FALSE" => RawValue::Bool(false),
        s if is_number(s) => RawValue::Number(s.to_string()),
        _ => RawValue::Str(value.into_owned()),
    };
    Spanned::new(v, span)
}

/// YAML 1.2 core schema numbers.
fn is_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if let Some(hex) = s.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    !body.is_empty()
        && body.bytes().any(|b| b.is_ascii_digit())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && body.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_indices_to_bytes() {
        let t = "é a ü€b";
        let m = CharToByte::new(t);
        for (ci, (bi, _)) in t.char_indices().enumerate() {
            assert_eq!(m.byte(ci), bi);
        }
        assert_eq!(m.byte(t.chars().count()), t.len());
        assert_eq!(m.byte(1000), t.len());
    }

    #[test]
    fn nesting_past_the_limit_is_the_limit_not_a_crash() {
        for text in [
            "[".repeat(100_000),
            format!("a: {}", "{b: ".repeat(100_000)),
            (0..200)
                .map(|i| format!("{:1$}- x:\n", "", i * 2))
                .collect(),
        ] {
            let mut events = Vec::new();
            YamlReader
                .read("t.yaml".into(), &mut text.as_bytes(), &mut |e| {
                    events.push(e)
                })
                .expect("in-memory read");
            assert!(
                matches!(&events[..], [Event::Problem(p)] if p.code == Code::LimitExceeded),
                "{events:?}"
            );
        }
    }

    #[test]
    fn numbers() {
        for s in ["1", "-2.5", "1e3", "0x1F", "0o17", ".inf"] {
            assert!(is_number(s), "{s}");
        }
        for s in ["1.2.3", "e", "-", "0x", "12a", "V1.0"] {
            assert!(!is_number(s), "{s}");
        }
    }
}
