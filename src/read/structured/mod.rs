//! YAML, JSON and TOML asset and site files.
//!
//! Each format parses the whole file (decoded by [`decode`]) into one tree of
//! [`RawValue`]s, every node with its byte span, and `emit_records` turns
//! the tree into records, the same way for all three:
//!
//! - a top-level list of maps → one record per map, [`Hint::Unknown`];
//! - a top-level map with `assets:` (or `devices:`) and/or `sites:` lists
//!   (TOML: `[[assets]]` / `[[sites]]`) → records with [`Hint::Assets`] /
//!   [`Hint::Sites`]; other top-level keys are ignored;
//! - an empty file (or `null`, or an empty TOML table) → nothing;
//! - anything else → one [`Code::ParseError`] saying what was expected.
//!
//! Before that, the tree is offered to each manifest [`SHAPES`] in turn
//! (NetBox exports, CycloneDX BOMs, Ansible inventories): the first that
//! recognises it turns it into records its own way.
//!
//! YAML and JSON files over [`stream::STREAM_FROM`] bytes of these generic
//! shapes are streamed instead, one list item at a time, with the same
//! records (see [`stream`]).
//!
//! A record's `line` is its item's first line, `span` the item, `snippet`
//! the whole file (shared; a streamed record's covers its item). Nested maps and lists stay [`RawValue::Map`] /
//! [`RawValue::List`]. String spans cover the text inside the quotes, as in
//! CSV. A syntax error is one [`Code::ParseError`] at the parser's position,
//! and then no records are emitted for that file. Nesting deeper than
//! [`MAX_DEPTH`] is one [`Code::LimitExceeded`] at the place, with the same
//! effect.

use std::io::{BufRead, Read};
use std::sync::Arc;

use crate::diag::Code;
use crate::model::{RawValue, Record};
use crate::read::decode;
use crate::read::{Event, Hint, Problem};
use crate::source::{Snippet, Span, Spanned};

mod ansible;
pub mod cyclonedx;
pub(crate) mod json;
mod netbox;
pub(crate) mod stream;
mod toml;
mod yaml;

pub use self::json::JsonReader;
pub use self::toml::TomlReader;
pub use self::yaml::YamlReader;

/// Deepest nesting of lists and maps read (JSON, YAML, TOML, JSON lines,
/// CycloneDX XML elements); deeper is [`Code::LimitExceeded`]. A register
/// needs a handful of levels; 128 leaves room for any real manifest while
/// keeping the parsers' recursion and the trees' drop far from the stack's
/// end.
pub const MAX_DEPTH: usize = 128;

/// Largest structured file read whole, in bytes; larger is
/// [`Code::LimitExceeded`]. Files of the generic shapes over
/// [`stream::STREAM_FROM`] are streamed and not held whole, so this bounds
/// only manifests (CycloneDX, NetBox), nmap and CycloneDX XML, and TOML,
/// whose text and tree are held at once (a few times this in memory).
pub const MAX_FILE: u64 = 256 * 1024 * 1024;

/// What every structured reader does first: read the whole input (up to
/// [`MAX_FILE`]) and decode it, reporting an encoding fallback. `None` when
/// the file is too large (reported).
pub(crate) fn read_text(
    name: &Arc<str>,
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(Event),
) -> std::io::Result<Option<(Arc<str>, Snippet)>> {
    // Decoded as it is read, so the bytes and the text are not both held.
    let mut limited = input.take(MAX_FILE + 1);
    let mut text = String::new();
    let mut dec = decode::StreamDecoder::new(&mut limited);
    while dec.read_chunk(&mut text)? {}
    let fallback = dec.fallback();
    if limited.limit() == 0 {
        too_large(name, emit);
        return Ok(None);
    }
    Ok(Some(whole_text(name, text, fallback, emit)))
}

/// The problem for a file over [`MAX_FILE`] read whole.
pub(crate) fn too_large(name: &Arc<str>, emit: &mut dyn FnMut(Event)) {
    let snippet = Snippet::whole(name.clone(), Arc::from(""));
    emit(Event::Problem(Problem {
        code: Code::LimitExceeded,
        dropped: false,
        message: format!(
            "the file is larger than the {} MiB limit for files read whole",
            MAX_FILE >> 20
        ),
        snippet,
        span: 0..0,
        label: "this file was not read".into(),
    }));
}

/// A whole file's decoded text and snippet, reporting an encoding fallback.
pub(crate) fn whole_text(
    name: &Arc<str>,
    text: String,
    fallback: Option<decode::Fallback>,
    emit: &mut dyn FnMut(Event),
) -> (Arc<str>, Snippet) {
    let text: Arc<str> = Arc::from(text);
    let snippet = Snippet::whole(name.clone(), text.clone());
    if let Some(f) = fallback {
        let len = text[f.offset..].chars().next().map_or(0, char::len_utf8);
        emit(Event::Problem(Problem {
            code: Code::EncodingFallback,
            dropped: false,
            message: "the file is not valid UTF-8; read as Windows-1252 from here on".into(),
            snippet: snippet.clone(),
            span: f.offset..f.offset + len,
            label: f.label(),
        }));
    }
    (text, snippet)
}

/// Reads what a site register needs from a YAML or JSON asset file (other
/// formats: nothing): its site records, and the first record of each asset
/// list, which tells that it has assets; the rest of an asset list is
/// skipped without being parsed when the file is streamed. A file that is
/// not of a generic shape, or small, is read in full (the caller keeps the
/// site records).
pub fn read_sites_first(
    format: crate::read::Format,
    name: Arc<str>,
    input: &mut dyn BufRead,
    emit: &mut dyn FnMut(Event),
) -> std::io::Result<()> {
    use crate::read::Format;
    match format {
        Format::Json => json::read_json_as(name, input, emit, stream::STREAM_FROM, true),
        Format::Yaml => yaml::read_yaml_as(name, input, emit, stream::STREAM_FROM, true),
        _ => Ok(()),
    }
}

/// A parse error at `span`.
pub(crate) fn parse_error(snippet: &Snippet, span: Span, message: String, label: String) -> Event {
    let mut event = located(snippet, span, message, label);
    if let Event::Problem(p) = &mut event {
        p.code = Code::ParseError;
    }
    event
}

/// The [`Code::LimitExceeded`] problem for nesting deeper than
/// [`MAX_DEPTH`] at `span`, where the reading of the file (or of the
/// streamed item) stops.
pub(crate) fn too_deep_error(snippet: &Snippet, span: Span) -> Event {
    let mut event = located(
        snippet,
        span,
        format!("lists and maps are nested deeper than the {MAX_DEPTH}-level limit"),
        "too deep here; the reading stopped".into(),
    );
    if let Event::Problem(p) = &mut event {
        p.code = Code::LimitExceeded;
    }
    event
}

/// A problem at `span`, trimmed to the text it marks (its code is set by
/// the caller).
fn located(snippet: &Snippet, span: Span, message: String, label: String) -> Event {
    let text = snippet.text();
    // A parser's position may fall inside a character: move back to its start.
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let start = floor(span.start);
    let mut end = floor(span.end).max(start);
    // Drop trailing line breaks and blanks from the marked text.
    while end > start && snippet.text()[start..end].ends_with(char::is_whitespace) {
        end = start + snippet.text()[start..end].trim_end().len();
    }
    if end == start {
        // Point at the character there, if any, so the label has a place.
        end = start
            + snippet.text()[start..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
    }
    Event::Problem(Problem {
        code: Code::ParseError,
        dropped: false,
        message,
        snippet: snippet.clone(),
        span: start..end,
        label,
    })
}

/// 1-based line numbers of byte offsets, by binary search over line starts.
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    pub(crate) fn line(&self, at: usize) -> usize {
        self.0.partition_point(|&s| s <= at)
    }
}

/// A manifest format that arrives as a YAML or JSON tree and is recognised
/// by its shape rather than by its extension.
pub struct Shape {
    /// Its name, for documentation and tests.
    pub name: &'static str,
    /// Whether the parsed tree has this shape.
    pub recognise: fn(&RawValue) -> bool,
    /// Turns the tree into records and problems.
    pub emit: fn(&Snippet, Spanned<RawValue>, &mut dyn FnMut(Event)),
}

/// Every manifest shape, tried in order; adding one is one row here and
/// one module.
pub const SHAPES: &[Shape] = &[
    Shape {
        name: "cyclonedx",
        recognise: cyclonedx::recognise,
        emit: cyclonedx::emit,
    },
    Shape {
        name: "netbox",
        recognise: netbox::recognise,
        emit: netbox::emit,
    },
    Shape {
        name: "ansible-inventory",
        recognise: ansible::recognise,
        emit: ansible::emit,
    },
];

/// Turns a parsed file into records (see the [module docs](self)).
fn emit_records(snippet: &Snippet, root: Spanned<RawValue>, emit: &mut dyn FnMut(Event)) {
    if let Some(shape) = SHAPES.iter().find(|s| (s.recognise)(&root.value)) {
        return (shape.emit)(snippet, root, emit);
    }
    let lines = Lines::new(snippet.text());
    let expected = "a list of assets, or a map with `assets:` and/or `sites:` lists";
    match root.value {
        RawValue::List(items) => items_to_records(snippet, &lines, Hint::Unknown, items, emit),
        // An empty document (or one holding only comments) holds nothing.
        RawValue::Map(entries) if entries.is_empty() => {}
        RawValue::Map(entries) => {
            let mut found = false;
            for (key, value) in entries {
                let Some(hint) = stream::record_key(&key.value) else {
                    continue;
                };
                found = true;
                match value.value {
                    RawValue::List(items) => items_to_records(snippet, &lines, hint, items, emit),
                    RawValue::Null => {}
                    _ => emit(parse_error(
                        snippet,
                        value.span,
                        format!("`{}` must be a list", key.value),
                        format!("expected a list of {} here", key.value),
                    )),
                }
            }
            if !found {
                emit(parse_error(
                    snippet,
                    root.span.start..root.span.start,
                    format!("expected {expected}"),
                    "this map has neither `assets` nor `sites`".into(),
                ));
            }
        }
        RawValue::Null => {}
        _ => emit(parse_error(
            snippet,
            root.span,
            format!("expected {expected}"),
            "not a list or a map".into(),
        )),
    }
}

/// A record's span: its item's, widened to cover every key and value.
pub(crate) fn record_span(item: Span, entries: &[(Spanned<String>, Spanned<RawValue>)]) -> Span {
    entries.iter().fold(item, |span, (k, v)| {
        span.start.min(k.span.start)..span.end.max(v.span.end)
    })
}

fn items_to_records(
    snippet: &Snippet,
    lines: &Lines,
    hint: Hint,
    items: Vec<Spanned<RawValue>>,
    emit: &mut dyn FnMut(Event),
) {
    for item in items {
        match item.value {
            RawValue::Map(entries) => {
                let span = record_span(item.span, &entries);
                emit(Event::Record(
                    hint,
                    Record {
                        line: lines.line(span.start),
                        span,
                        entries,
                        snippet: snippet.clone(),
                    },
                ));
            }
            _ => emit(Event::Problem(Problem {
                code: Code::MalformedRow,
                dropped: true,
                message: "a list item is not a map of fields".into(),
                snippet: snippet.clone(),
                span: item.span,
                label: "expected `key: value` pairs here".into(),
            })),
        }
    }
}

/// The deepest bracket nesting in JSON or TOML text, outside strings and
/// comments, with the offset where [`MAX_DEPTH`] is passed, if it is.
/// Checked before parsing because the parsers recurse.
pub(crate) fn too_deep(text: &str, toml: bool) -> Option<usize> {
    too_deep_from(text, toml, 0)
}

/// [`too_deep`] for text that sits `depth` levels deep in its file.
pub(crate) fn too_deep_from(text: &str, toml: bool, depth: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = depth;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                let q = b[i];
                let escapes = q == b'"';
                i += 1;
                while i < b.len() && b[i] != q {
                    if escapes && b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'#' if toml => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if !toml && b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if !toml && b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The span inside a quoted string's quotes (`"…"`, `'…'`, and TOML's
/// `"""…"""` / `'''…'''`), when `span` is quoted.
fn unquote(text: &str, span: Span) -> Span {
    let Some(s) = text.get(span.clone()) else {
        return span;
    };
    for q in ["\"\"\"", "'''", "\"", "'"] {
        if s.len() >= 2 * q.len() && s.starts_with(q) && s.ends_with(q) {
            return span.start + q.len()..span.end - q.len();
        }
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_names_are_unique() {
        let mut names: Vec<&str> = SHAPES.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SHAPES.len());
    }

    #[test]
    fn parse_error_inside_a_character_marks_that_character() {
        let snippet = Snippet::whole("bom.xml".into(), "<a>ⴰ</a>".into());
        // A parser reported a position inside the three bytes of `ⴰ` (3..6).
        for span in [4..4, 5..5, 4..5] {
            let Event::Problem(p) = parse_error(&snippet, span, "m".into(), "l".into()) else {
                panic!("not a problem");
            };
            assert_eq!(p.span, 3..6);
        }
    }

    #[test]
    fn lines_by_offset() {
        let l = Lines::new("a\nbc\n\nd");
        assert_eq!([0, 1, 2, 4, 5, 6].map(|o| l.line(o)), [1, 1, 2, 2, 3, 4]);
    }

    #[test]
    fn depth_prescan() {
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(too_deep(&deep, false), Some(MAX_DEPTH));
        assert_eq!(too_deep(&"[".repeat(MAX_DEPTH), false), None);
        let quoted = format!("\"{deep}\" # {deep}");
        assert_eq!(
            too_deep(&quoted, false),
            Some(MAX_DEPTH + 1 + 5 + MAX_DEPTH)
        );
        assert_eq!(too_deep(&quoted, true), None);
    }
}
