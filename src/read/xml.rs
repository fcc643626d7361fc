//! What the XML readers (nmap, CycloneDX) share: byte offsets of the
//! parser's borrowed slices in the text, spanned attributes, and the
//! refusal of entity declarations.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, BytesText};

use crate::read::structured::parse_error;
use crate::read::Event;
use crate::source::{Snippet, Span, Spanned};

/// The byte offset of `part` in `text`, when `part` borrows from it.
pub(crate) fn offset_in(text: &str, part: &[u8]) -> Option<usize> {
    let base = text.as_ptr() as usize;
    let at = (part.as_ptr() as usize).checked_sub(base)?;
    (at + part.len() <= text.len()).then_some(at)
}

/// The attributes of `e`: each name spanned at its name, each value
/// unescaped and spanned at its raw text (inside the quotes).
pub(crate) fn attributes(
    text: &str,
    e: &BytesStart<'_>,
) -> Vec<(Spanned<String>, Spanned<String>)> {
    let mut out = Vec::new();
    for a in e.attributes().with_checks(false).flatten() {
        let Cow::Borrowed(raw) = a.value else {
            continue;
        };
        let Some(at) = offset_in(text, raw) else {
            continue;
        };
        let value = a
            .unescape_value()
            .map(Cow::into_owned)
            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned());
        let key_raw = a.key.as_ref();
        let key_at = offset_in(text, key_raw).unwrap_or(at);
        let key = String::from_utf8_lossy(key_raw).into_owned();
        out.push((
            Spanned::new(key, key_at..key_at + key_raw.len()),
            Spanned::new(value, at..at + raw.len()),
        ));
    }
    out
}

/// The span of the first attribute value of `e` longer than `max` bytes as
/// written, found without unescaping or copying it.
pub(crate) fn over_long(text: &str, e: &BytesStart<'_>, max: usize) -> Option<Span> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let Cow::Borrowed(raw) = a.value else {
            return None;
        };
        let at = offset_in(text, raw)?;
        (raw.len() > max).then(|| at..at + raw.len())
    })
}

/// A parse error at the first `<!ENTITY` of a `<!DOCTYPE>`, if it declares
/// any: entities are never expanded.
pub(crate) fn refused_entities(
    text: &str,
    snippet: &Snippet,
    doctype: &BytesText<'_>,
) -> Option<Event> {
    let body = String::from_utf8_lossy(doctype.as_ref()).to_ascii_uppercase();
    let i = body.find("<!ENTITY")?;
    let at = offset_in(text, doctype.as_ref()).map_or(0, |o| o + i);
    Some(parse_error(
        snippet,
        at..at + "<!ENTITY".len(),
        "the XML declares entities, which are not read".into(),
        "entity declarations are refused".into(),
    ))
}
