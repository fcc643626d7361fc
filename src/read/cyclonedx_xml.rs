//! CycloneDX BOMs in XML (`<bom xmlns="http://cyclonedx.org/schema/bom/1.x">`):
//! each component of type `device` becomes one asset.
//!
//! The document is turned into the same tree the JSON form parses to, and
//! read by [`crate::read::structured::cyclonedx`] (which says which fields
//! become which keys):
//!
//! - an element with attributes or child elements is a map of its
//!   attributes (`type`, `bom-ref`, a property's `name`) and children by
//!   local name (namespace prefixes dropped); its text, if any, is its
//!   `value` (so `<property name="n">v</property>` reads as
//!   `{"name": "n", "value": "v"}`);
//! - an element with neither is its text (`<name>DS-2CD2143G2-I</name>`);
//! - `<components>`, `<properties>` and `<authors>` are lists of their
//!   children.
//!
//! Spans cover attribute values and element text (trimmed), as written:
//! `&amp;` is unescaped in the value, not in the span.
//!
//! The root element must be `<bom>`. Entities are never expanded: a
//! `<!DOCTYPE` declaring an `<!ENTITY` is refused. Malformed XML is one
//! [`Code::ParseError`] at the parser's position, nesting deeper than
//! [`MAX_DEPTH`] one [`Code::LimitExceeded`] at the element; the devices
//! whose elements closed before it are still emitted, the one cut off is
//! not. The parser is not recursive.
//!
//! A file given as `cyclonedx` that starts with `{` is a JSON BOM and is
//! read as JSON.
//!
//! [`Code::ParseError`]: crate::diag::Code::ParseError
//! [`Code::LimitExceeded`]: crate::diag::Code::LimitExceeded

use std::io::BufRead;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event as XmlEvent};

use crate::model::RawValue;
use crate::read::structured::{
    cyclonedx, parse_error, read_text, too_deep_error, JsonReader, MAX_DEPTH,
};
use crate::read::xml::{self, offset_in, refused_entities};
use crate::read::{Event, Reader};
use crate::source::{Snippet, Span, Spanned};

/// CycloneDX XML BOMs.
pub struct CycloneDxXmlReader;

/// Elements whose children form a list.
const LISTS: &[&[u8]] = &[b"components", b"properties", b"authors"];

type Entry = (Spanned<String>, Spanned<RawValue>);

/// An element being read.
struct Node {
    tag: Spanned<String>,
    /// Offset of its `<`.
    start: usize,
    list: bool,
    /// Attributes, then child elements, in file order.
    entries: Vec<Entry>,
    text: String,
    text_span: Option<Span>,
}

impl Node {
    fn new(text: &str, e: &BytesStart<'_>) -> Node {
        let name = e.name();
        let raw = name.as_ref();
        let tag_at = offset_in(text, raw).unwrap_or(0);
        let local = e.local_name();
        let local = local.as_ref();
        // The local name is the end of the qualified name.
        let local_at = tag_at + raw.len().saturating_sub(local.len());
        Node {
            tag: Spanned::new(
                String::from_utf8_lossy(local).into_owned(),
                local_at..local_at + local.len(),
            ),
            start: tag_at.saturating_sub(1),
            list: LISTS.contains(&local),
            entries: attributes(text, e),
            text: String::new(),
            text_span: None,
        }
    }

    /// Adds a piece of text: `value` unescaped, `raw` as written at `at`.
    fn add_text(&mut self, value: &str, raw: &[u8], at: usize) {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return;
        }
        let lead = raw.len() - raw.trim_ascii_start().len();
        let trail = raw.len() - raw.trim_ascii_end().len();
        let span = at + lead..(at + raw.len() - trail).max(at + lead);
        self.text.push_str(trimmed);
        self.text_span = Some(match self.text_span.take() {
            Some(s) => s.start..span.end.max(s.end),
            None => span,
        });
    }

    /// The element as a value, ending at `end`.
    fn finish(self, end: usize) -> (Spanned<String>, Spanned<RawValue>) {
        let span = self.start..end.max(self.start);
        let value = if self.list {
            RawValue::List(self.entries.into_iter().map(|(_, v)| v).collect())
        } else if self.entries.is_empty() {
            return match self.text_span {
                Some(s) => (self.tag, Spanned::new(RawValue::Str(self.text), s)),
                None => (self.tag, Spanned::new(RawValue::Null, span)),
            };
        } else {
            let mut entries = self.entries;
            if let Some(s) = self.text_span {
                entries.push((
                    Spanned::new("value".into(), s.clone()),
                    Spanned::new(RawValue::Str(self.text), s),
                ));
            }
            RawValue::Map(entries)
        };
        (self.tag, Spanned::new(value, span))
    }
}

impl Reader for CycloneDxXmlReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        let Some((text, snippet)) = read_text(&name, input, emit)? else {
            return Ok(());
        };
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            return JsonReader.read(name, &mut text.as_bytes(), emit);
        }
        let (root, error) = parse(&text, &snippet);
        if let Some(root) = root {
            cyclonedx::emit(&snippet, root, emit);
        }
        if let Some(e) = error {
            emit(e);
        }
        Ok(())
    }
}

/// The `<bom>` element as a tree, and the parse error that stopped reading,
/// if one did (the tree then holds what closed before it).
fn parse(text: &str, snippet: &Snippet) -> (Option<Spanned<RawValue>>, Option<Event>) {
    let mut xml = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root = None;
    let error = loop {
        let event = match xml.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(xml.error_position()).unwrap_or(text.len());
                break Some(parse_error(
                    snippet,
                    at..at,
                    format!("invalid XML: {e}"),
                    "the XML breaks here".into(),
                ));
            }
        };
        let position = usize::try_from(xml.buffer_position()).unwrap_or(text.len());
        match event {
            XmlEvent::DocType(d) => {
                if let Some(refused) = refused_entities(text, snippet, &d) {
                    return (None, Some(refused));
                }
            }
            XmlEvent::Start(ref e) | XmlEvent::Empty(ref e) => {
                let node = Node::new(text, e);
                if stack.is_empty() && root.is_none() && node.tag.value != "bom" {
                    let error = parse_error(
                        snippet,
                        node.tag.span.clone(),
                        format!(
                            "expected a CycloneDX `<bom>` document, found `<{}>`",
                            node.tag.value
                        ),
                        "not a CycloneDX BOM".into(),
                    );
                    return (None, Some(error));
                }
                if stack.len() >= MAX_DEPTH {
                    break Some(too_deep_error(snippet, node.tag.span.clone()));
                }
                if matches!(event, XmlEvent::Empty(_)) {
                    close(&mut stack, &mut root, node, position);
                } else {
                    stack.push(node);
                }
            }
            XmlEvent::End(_) => {
                if let Some(node) = stack.pop() {
                    close(&mut stack, &mut root, node, position);
                }
            }
            XmlEvent::Text(t) => {
                if let (Some(node), Some(at)) = (stack.last_mut(), offset_in(text, t.as_ref())) {
                    let value = t
                        .unescape()
                        .unwrap_or_else(|_| String::from_utf8_lossy(t.as_ref()));
                    node.add_text(&value, t.as_ref(), at);
                }
            }
            XmlEvent::CData(c) => {
                if let (Some(node), Some(at)) = (stack.last_mut(), offset_in(text, c.as_ref())) {
                    node.add_text(&String::from_utf8_lossy(c.as_ref()), c.as_ref(), at);
                }
            }
            XmlEvent::Eof => {
                break stack.last().map(|n| {
                    parse_error(
                        snippet,
                        text.len()..text.len(),
                        format!("invalid XML: the file ends inside `<{}>`", n.tag.value),
                        "the XML ends here".into(),
                    )
                });
            }
            _ => {}
        }
    };
    // Close what is still open; a component cut off is dropped, but the
    // complete components nested in it are kept.
    let end = text.len();
    while let Some(node) = stack.pop() {
        if node.tag.value == "component" {
            let parent_is_list = stack.last().is_some_and(|p| p.list);
            let nested: Vec<Entry> = node
                .entries
                .into_iter()
                .filter(|(k, _)| k.value == "components")
                .collect();
            if let (true, Some(parent)) = (parent_is_list, stack.last_mut()) {
                for (k, v) in nested {
                    if let RawValue::List(items) = v.value {
                        parent
                            .entries
                            .extend(items.into_iter().map(|i| (k.clone(), i)));
                    }
                }
            }
            continue;
        }
        close(&mut stack, &mut root, node, end);
    }
    (root, error)
}

/// Finishes `node` and adds it to its parent, or makes it the root.
fn close(stack: &mut [Node], root: &mut Option<Spanned<RawValue>>, node: Node, end: usize) {
    let (tag, value) = node.finish(end);
    match stack.last_mut() {
        Some(parent) => parent.entries.push((tag, value)),
        None => {
            if root.is_none() {
                *root = Some(value);
            }
        }
    }
}

/// The attributes of `e` as entries, each value spanned at its raw text.
fn attributes(text: &str, e: &BytesStart<'_>) -> Vec<Entry> {
    xml::attributes(text, e)
        .into_iter()
        .map(|(k, v)| (k, v.map(RawValue::Str)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::read::Hint;

    fn read(text: &str) -> Vec<Event> {
        let mut out = Vec::new();
        let mut input = text.as_bytes();
        CycloneDxXmlReader
            .read("bom.xml".into(), &mut input, &mut |e| out.push(e))
            .expect("in-memory read");
        out
    }

    /// The text at each span of a record's entries, as `key=text`.
    fn at_spans(text: &str, event: &Event) -> Vec<String> {
        match event {
            Event::Record(Hint::Assets, r) => r
                .entries
                .iter()
                .map(|(k, v)| format!("{}={}", k.value, &text[v.span.clone()]))
                .collect(),
            other => panic!("expected a record, got {other:?}"),
        }
    }

    const BOM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
  <components>
    <component type="library"><name>zlib</name><version>1.3</version></component>
    <component type="device" bom-ref="cam-1">
      <supplier><name>Hikvision &amp; Co</name></supplier>
      <name>DS-2CD2143G2-I</name>
      <version>V5.7.3</version>
      <properties>
        <property name="assetlint:site">HQ</property>
        <property name="cdx:device:macAddress"> C0:56:E3:12:34:56 </property>
      </properties>
      <components>
        <component type="device"><name><![CDATA[Sub <unit>]]></name></component>
      </components>
    </component>
  </components>
</bom>
"#;

    #[test]
    fn devices_with_spans_on_text_and_attributes() {
        let events = read(BOM);
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(
            at_spans(BOM, &events[0]),
            [
                "id=cam-1",
                "site=HQ",
                "mac=C0:56:E3:12:34:56",
                "vendor=Hikvision &amp; Co",
                "model=DS-2CD2143G2-I",
                "firmware=V5.7.3",
            ]
        );
        let Event::Record(_, r) = &events[0] else {
            unreachable!()
        };
        assert_eq!(r.entries[3].1.value, RawValue::Str("Hikvision & Co".into()));
        assert_eq!(r.line, 5);
        // The nested device inherits its parent's site.
        assert_eq!(
            at_spans(BOM, &events[1]),
            ["id=Sub <unit>", "model=Sub <unit>", "site=HQ"]
        );
    }

    #[test]
    fn detected_by_its_root_and_namespace() {
        use crate::read::Format;
        let head = BOM.as_bytes();
        assert_eq!(
            Format::detect("site.cdx.xml", head),
            Some(Format::CycloneDx)
        );
        assert_eq!(Format::detect("bom.XML", head), Some(Format::CycloneDx));
        let nmap = b"<?xml version=\"1.0\"?>\n<nmaprun scanner=\"nmap\">";
        assert_eq!(Format::detect("scan.xml", nmap), Some(Format::Nmap));
        // A `<bom>` of another schema is not CycloneDX.
        assert_eq!(Format::detect("parts.xml", b"<bom><part/></bom>"), None);
        assert_eq!(Format::from_name("cyclonedx"), Some(Format::CycloneDx));
        let prefixed = r#"<?xml version="1.0"?>
<cdx:bom xmlns:cdx="http://cyclonedx.org/schema/bom/1.6"><cdx:components>
<cdx:component type="device"><cdx:name>M3106</cdx:name></cdx:component>
</cdx:components></cdx:bom>"#;
        assert_eq!(
            Format::detect("b.xml", prefixed.as_bytes()),
            Some(Format::CycloneDx)
        );
        assert!(matches!(
            &read(prefixed)[..],
            [Event::Record(Hint::Assets, _)]
        ));
    }

    #[test]
    fn entities_refused() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE bom [<!ENTITY a \"aaaa\">]>\n<bom>&a;</bom>";
        let events = read(text);
        assert_eq!(events.len(), 1);
        match &events[0] {
            Event::Problem(p) => {
                assert_eq!(p.code, Code::ParseError);
                assert_eq!(&text[p.span.clone()], "<!ENTITY");
            }
            other => panic!("expected a problem, got {other:?}"),
        }
    }

    #[test]
    fn not_a_bom() {
        let text = "<nmaprun><host/></nmaprun>";
        match &read(text)[..] {
            [Event::Problem(p)] => assert_eq!(&text[p.span.clone()], "nmaprun"),
            other => panic!("expected one problem, got {other:?}"),
        }
    }

    #[test]
    fn json_given_as_cyclonedx_is_read_as_json() {
        let text =
            r#"{"bomFormat": "CycloneDX", "components": [{"type": "device", "name": "M3106"}]}"#;
        assert!(matches!(&read(text)[..], [Event::Record(Hint::Assets, _)]));
    }

    #[test]
    fn malformed_keeps_the_devices_before_it() {
        // The second device is cut off inside its name: the first, and the
        // complete device nested in the cut-off one, are kept.
        let text = r#"<bom><components>
<component type="device" bom-ref="a"><name>P3245-LV</name></component>
<component type="device" bom-ref="b"><components><component type="device" bom-ref="c"><name>M3106</name></component></components><name>DS-2CD</nam>
</components></bom>"#;
        let events = read(text);
        let ids: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Record(_, r) => Some(text[r.entries[0].1.span.clone()].to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(ids, ["a", "c"]);
        assert!(matches!(events.last(), Some(Event::Problem(p)) if p.code == Code::ParseError));
    }

    #[test]
    fn truncated_and_deep_do_not_panic() {
        for cut in 0..BOM.len() {
            if BOM.is_char_boundary(cut) {
                read(&BOM[..cut]);
            }
        }
        let deep = format!("<bom>{}", "<a>".repeat(200_000));
        let events = read(&deep);
        assert!(matches!(&events[..], [Event::Problem(p)] if p.message.contains("deeper")));
        let ends = read("<bom><components><component type=\"device\"><name>X</name>");
        assert!(matches!(&ends[..], [Event::Problem(p)] if p.message.contains("ends inside")));
    }
}
