//! JSON (with comments and trailing commas allowed), through `jsonc-parser`,
//! whose AST ranges are byte offsets.

use std::io::BufRead;
use std::sync::Arc;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use super::{emit_records, parse_error, read_text, too_deep, unquote, MAX_DEPTH};
use crate::model::RawValue;
use crate::read::{Event, Reader};
use crate::source::Spanned;

/// JSON files.
pub struct JsonReader;

impl Reader for JsonReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        let Some((text, snippet)) = read_text(&name, input, emit)? else {
            return Ok(());
        };
        if let Some(at) = too_deep(&text, false) {
            emit(parse_error(
                &snippet,
                at..at + 1,
                format!("lists and maps are nested deeper than {MAX_DEPTH} levels"),
                "too deep here".into(),
            ));
            return Ok(());
        }
        let collect = CollectOptions {
            comments: CommentCollectionStrategy::Off,
            tokens: false,
        };
        match jsonc_parser::parse_to_ast(&text, &collect, &ParseOptions::default()) {
            Err(e) => {
                let r = e.range();
                emit(parse_error(
                    &snippet,
                    r.start..r.end,
                    format!("invalid JSON: {}", e.kind()),
                    e.kind().to_string(),
                ));
            }
            Ok(parsed) => {
                if let Some(value) = parsed.value {
                    let mut missing_comma = None;
                    let root = convert(&text, value, &mut missing_comma);
                    if let Some(at) = missing_comma {
                        emit(parse_error(
                            &snippet,
                            at..at,
                            "invalid JSON: expected a comma".into(),
                            "a comma is missing before this".into(),
                        ));
                        return Ok(());
                    }
                    emit_records(&snippet, root, emit);
                }
            }
        }
        Ok(())
    }
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
