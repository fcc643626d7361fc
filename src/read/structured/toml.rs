//! TOML, through `toml`'s spanned document tree (`toml::de::DeTable`),
//! whose spans are byte offsets. Asset files use `[[assets]]` and
//! `[[sites]]` arrays of tables. Keys come back in file order (sorted by
//! span; the map itself is sorted by key).

use std::io::BufRead;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};
use toml::Spanned as TSpanned;

use super::{emit_records, parse_error, read_text, too_deep, too_deep_error, unquote};
use crate::model::RawValue;
use crate::read::{Event, Reader};
use crate::source::Spanned;

/// TOML files.
pub struct TomlReader;

impl Reader for TomlReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        let Some((text, snippet)) = read_text(&name, input, emit)? else {
            return Ok(());
        };
        if let Some(at) = too_deep(&text, true) {
            emit(too_deep_error(&snippet, at..at + 1));
            return Ok(());
        }
        match DeTable::parse(&text) {
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let message = e.message().trim().to_string();
                if message.contains("recursion limit") {
                    // The parser's own bound on dotted keys and headers.
                    emit(too_deep_error(&snippet, span));
                    return Ok(());
                }
                emit(parse_error(
                    &snippet,
                    span,
                    format!("invalid TOML: {message}"),
                    message,
                ));
            }
            Ok(table) => {
                let span = table.span();
                let root = Spanned::new(table_entries(&text, table.into_inner()), span);
                emit_records(&snippet, root, emit);
            }
        }
        Ok(())
    }
}

fn table_entries(text: &str, table: DeTable<'_>) -> RawValue {
    let mut entries: Vec<_> = table
        .into_iter()
        .map(|(k, v)| {
            let key = Spanned::new(k.get_ref().to_string(), unquote(text, k.span()));
            (key, convert(text, v))
        })
        .collect();
    entries.sort_by_key(|(k, _)| k.span.start);
    RawValue::Map(entries)
}

fn convert(text: &str, value: TSpanned<DeValue<'_>>) -> Spanned<RawValue> {
    let span = value.span();
    let raw = |s: &str| text.get(span.clone()).unwrap_or(s).to_string();
    let v = match value.into_inner() {
        DeValue::String(s) => {
            return Spanned::new(RawValue::Str(s.into_owned()), unquote(text, span))
        }
        DeValue::Integer(i) => RawValue::Number(raw(i.as_str())),
        DeValue::Float(f) => RawValue::Number(raw(f.as_str())),
        DeValue::Boolean(b) => RawValue::Bool(b),
        DeValue::Datetime(d) => RawValue::Str(d.to_string()),
        DeValue::Array(items) => {
            RawValue::List(items.into_iter().map(|v| convert(text, v)).collect())
        }
        DeValue::Table(t) => table_entries(text, t),
    };
    Spanned::new(v, span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn nesting_past_the_limit_is_the_limit_not_a_crash() {
        for text in [
            format!("a{} = 1\n", ".a".repeat(100_000)),
            format!("[a{}]\n", ".a".repeat(100_000)),
            format!("a = {}1{}\n", "{a=".repeat(100_000), "}".repeat(100_000)),
            format!("a = {}\n", "[".repeat(100_000)),
        ] {
            let mut events = Vec::new();
            TomlReader
                .read("t.toml".into(), &mut text.as_bytes(), &mut |e| {
                    events.push(e)
                })
                .expect("in-memory read");
            assert!(
                matches!(&events[..], [Event::Problem(p)] if p.code == Code::LimitExceeded),
                "{events:?}"
            );
        }
    }
}
