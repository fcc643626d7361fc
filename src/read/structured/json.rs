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
                    let root = convert(&text, value);
                    emit_records(&snippet, root, emit);
                }
            }
        }
        Ok(())
    }
}

/// The AST as raw values (depth already bounded by the prescan).
fn convert(text: &str, value: Value<'_>) -> Spanned<RawValue> {
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
        Value::Array(a) => Spanned::new(
            RawValue::List(a.elements.into_iter().map(|v| convert(text, v)).collect()),
            a.range.start..a.range.end,
        ),
        Value::Object(o) => {
            let span = o.range.start..o.range.end;
            let entries = o
                .properties
                .into_iter()
                .map(|p| {
                    let key = match p.name {
                        ObjectPropName::String(s) => Spanned::new(
                            s.value.into_owned(),
                            unquote(text, s.range.start..s.range.end),
                        ),
                        ObjectPropName::Word(w) => {
                            Spanned::new(w.value.to_string(), w.range.start..w.range.end)
                        }
                    };
                    (key, convert(text, p.value))
                })
                .collect();
            Spanned::new(RawValue::Map(entries), span)
        }
    }
}
