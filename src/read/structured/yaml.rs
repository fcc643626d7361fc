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

use super::{emit_records, parse_error, read_text, unquote, MAX_DEPTH};
use crate::diag::Code;
use crate::model::RawValue;
use crate::read::{Event, Problem, Reader};
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
        let Some((text, snippet)) = read_text(&name, input, emit)? else {
            return Ok(());
        };
        let map = CharToByte::new(&text);
        let mut roots = Vec::new();
        let mut problems = Vec::new();
        match build(&text, &map, &snippet, &mut roots, &mut problems) {
            Ok(()) => {
                for p in problems {
                    emit(Event::Problem(p));
                }
                for root in roots {
                    emit_records(&snippet, root, emit);
                }
            }
            Err(e) => emit(e),
        }
        Ok(())
    }
}

/// Builds one tree per document; a syntax error or too deep a nesting is
/// the `Err` event.
fn build(
    text: &str,
    map: &CharToByte,
    snippet: &Snippet,
    roots: &mut Vec<Spanned<RawValue>>,
    problems: &mut Vec<Problem>,
) -> Result<(), Event> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut aliases: Vec<Span> = Vec::new();
    while let Some(next) = parser.next_event() {
        let (event, yspan) = match next {
            Ok(e) => e,
            Err(e) => {
                let at = map.byte(e.marker().index());
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
                if stack.len() >= MAX_DEPTH {
                    return Err(parse_error(
                        snippet,
                        span,
                        format!("lists and maps are nested deeper than {MAX_DEPTH} levels"),
                        "too deep here".into(),
                    ));
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
    // One warning for all aliases, at the first.
    if let Some(first) = aliases.first() {
        let more = match aliases.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more alias)".into(),
            n => format!(" (and {n} more aliases)"),
        };
        problems.push(Problem {
            code: Code::InvalidValue,
            dropped: false,
            message: "YAML aliases are not expanded".into(),
            snippet: snippet.clone(),
            span: first.clone(),
            label: format!("this alias{more} was read as an empty value; write the value out"),
        });
    }
    Ok(())
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
    fn numbers() {
        for s in ["1", "-2.5", "1e3", "0x1F", "0o17", ".inf"] {
            assert!(is_number(s), "{s}");
        }
        for s in ["1.2.3", "e", "-", "0x", "12a", "V1.0"] {
            assert!(!is_number(s), "{s}");
        }
    }
}
