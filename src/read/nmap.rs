//! nmap XML scan output (`nmap -oX`): each host that is up becomes one
//! observed record.
//!
//! Entries, with canonical key names: `id` (the IP, or the MAC when there
//! is no IP), `ip`, `mac`, `vendor` (nmap's OUI lookup for the MAC),
//! `hostname` (the first one), `firmware` (a banner joined from service
//! product, version and extra info, the `http-title` /
//! `http-server-header` script outputs, and the best OS match's name and
//! vendors), `kind` (`camera` when a service or OS class says `webcam`) and `status` = `observed`. Spans cover attribute values.
//!
//! Entities are never expanded: a `<!DOCTYPE` declaring an `<!ENTITY` is
//! refused. Malformed XML is one [`Code::ParseError`] at the parser's
//! position; hosts before it are still emitted. The parser is not
//! recursive, so nesting depth cannot exhaust the stack.

use std::io::BufRead;
use std::sync::Arc;

use quick_xml::events::{BytesStart, Event as XmlEvent};

use super::csv::MAX_CELL;
use super::xml::{attributes, offset_in, over_long, refused_entities};
use crate::diag::Code;

use crate::model::{RawValue, Record};
use crate::read::structured::{parse_error, read_text, Lines};
use crate::read::{Event, Hint, Problem, Reader};
use crate::source::{Snippet, Span, Spanned};

/// nmap XML scan output.
pub struct NmapReader;

/// Script ids whose output is part of the banner.
const BANNER_SCRIPTS: &[&str] = &["http-server-header", "http-title"];

/// What one `<host>` said so far.
#[derive(Default)]
struct Host {
    start: usize,
    up: bool,
    ip: Option<Spanned<String>>,
    mac: Option<Spanned<String>>,
    mac_vendor: Option<Spanned<String>>,
    hostname: Option<Spanned<String>>,
    banner: Vec<Spanned<String>>,
    webcam: Option<Span>,
    /// Set after the first `<osmatch>` ends: later, weaker guesses are
    /// not part of the banner.
    os_seen: bool,
    /// The first attribute value longer than [`MAX_CELL`]: the host is
    /// then not read.
    too_long: Option<Span>,
}

impl Reader for NmapReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        let Some((text, snippet)) = read_text(&name, input, emit)? else {
            return Ok(());
        };
        let lines = Lines::new(&text);
        let mut xml = quick_xml::Reader::from_str(&text);
        let mut host: Option<Host> = None;
        loop {
            let event = match xml.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = usize::try_from(xml.error_position()).unwrap_or(text.len());
                    emit(parse_error(
                        &snippet,
                        at..at,
                        format!("invalid XML: {e}"),
                        "the XML breaks here".into(),
                    ));
                    return Ok(());
                }
            };
            match event {
                XmlEvent::DocType(d) => {
                    if let Some(refused) = refused_entities(&text, &snippet, &d) {
                        emit(refused);
                        return Ok(());
                    }
                }
                XmlEvent::Start(ref e) | XmlEvent::Empty(ref e) => {
                    let is_empty = matches!(event, XmlEvent::Empty(_));
                    let tag = e.name();
                    let tag = tag.as_ref();
                    if tag == b"host" {
                        let start = offset_in(&text, e.as_ref()).map_or(0, |o| o.saturating_sub(1));
                        if is_empty {
                            host = None;
                        } else {
                            host = Some(Host {
                                start,
                                ..Host::default()
                            });
                        }
                        continue;
                    }
                    if let Some(h) = host.as_mut() {
                        match over_long(&text, e, MAX_CELL) {
                            Some(span) => {
                                h.too_long.get_or_insert(span);
                            }
                            None => element(&text, e, h),
                        }
                    }
                }
                XmlEvent::End(e) if e.name().as_ref() == b"osmatch" => {
                    if let Some(h) = host.as_mut() {
                        h.os_seen = true;
                    }
                }
                XmlEvent::End(e) if e.name().as_ref() == b"host" => {
                    let end = usize::try_from(xml.buffer_position()).unwrap_or(text.len());
                    if let Some(mut h) = host.take() {
                        let too_long = h.too_long.take();
                        // A host that gives no record (not up) loses
                        // nothing by a long value.
                        let record = record(&snippet, &lines, h, end);
                        if let (Some(span), Some(_)) = (too_long, &record) {
                            emit(Event::Problem(Problem {
                                code: Code::LimitExceeded,
                                dropped: true,
                                message: format!(
                                    "an attribute value is longer than the {} KiB value limit",
                                    MAX_CELL / 1024
                                ),
                                label: format!(
                                    "this value is {} bytes; the host was not read",
                                    span.len()
                                ),
                                snippet: value_snippet(&name, &text, &lines, &span),
                                span: span.start..span.start + 1,
                            }));
                        } else if let Some(r) = record {
                            emit(Event::Record(Hint::Unknown, r));
                        }
                    }
                }
                XmlEvent::Eof => break,
                _ => {}
            }
        }
        Ok(())
    }
}

/// A snippet of the first bytes of the value at `span` only (its line may
/// be as long as the file).
fn value_snippet(name: &Arc<str>, text: &str, lines: &Lines, span: &Span) -> Snippet {
    let mut end = span.end.min(span.start + 200);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..span.start].chars().count();
    Snippet::fragment(
        name.clone(),
        Arc::from(&text[span.start..end]),
        span.start,
        lines.line(span.start),
        column,
    )
}

fn get<'a>(
    attrs: &'a [(Spanned<String>, Spanned<String>)],
    key: &str,
) -> Option<&'a Spanned<String>> {
    attrs
        .iter()
        .find(|(k, _)| k.value == key)
        .map(|(_, v)| v)
        .filter(|v| !v.value.trim().is_empty())
}

/// Notes what one element inside a `<host>` says.
fn element(text: &str, e: &BytesStart<'_>, h: &mut Host) {
    let attrs = attributes(text, e);
    match e.name().as_ref() {
        b"status" => h.up = get(&attrs, "state").is_some_and(|s| s.value == "up"),
        b"address" => {
            let Some(addr) = get(&attrs, "addr") else {
                return;
            };
            match get(&attrs, "addrtype").map(|t| t.value.as_str()) {
                Some("mac") => {
                    if h.mac.is_none() {
                        h.mac = Some(addr.clone());
                        h.mac_vendor = get(&attrs, "vendor").cloned();
                    }
                }
                Some("ipv4") | Some("ipv6") | None => {
                    if h.ip.is_none() {
                        h.ip = Some(addr.clone());
                    }
                }
                Some(_) => {}
            }
        }
        b"hostname" if h.hostname.is_none() => h.hostname = get(&attrs, "name").cloned(),
        b"service" => {
            for key in ["product", "version", "extrainfo"] {
                if let Some(v) = get(&attrs, key) {
                    h.banner.push(v.clone());
                }
            }
            if h.webcam.is_none() {
                if let Some(t) = get(&attrs, "devicetype").filter(|t| t.value == "webcam") {
                    h.webcam = Some(t.span.clone());
                }
            }
        }
        // nmap's OS guess: the best match's name and its vendor.
        b"osmatch" if !h.os_seen => {
            if let Some(v) = get(&attrs, "name") {
                h.banner.push(v.clone());
            }
        }
        b"script" => {
            let banner =
                get(&attrs, "id").is_some_and(|id| BANNER_SCRIPTS.contains(&id.value.as_str()));
            if banner {
                if let Some(v) = get(&attrs, "output") {
                    h.banner.push(v.clone().map(|s| s.trim().to_string()));
                }
            }
        }
        b"osclass" => {
            if !h.os_seen {
                if let Some(v) = get(&attrs, "vendor") {
                    h.banner.push(v.clone());
                }
            }
            if h.webcam.is_none() {
                if let Some(t) = get(&attrs, "type").filter(|t| t.value == "webcam") {
                    h.webcam = Some(t.span.clone());
                }
            }
        }
        _ => {}
    }
}

/// The record for a finished host, `None` when it is not up or has no
/// address.
fn record(snippet: &Snippet, lines: &Lines, h: Host, end: usize) -> Option<Record> {
    if !h.up {
        return None;
    }
    let id = h.ip.clone().or_else(|| h.mac.clone())?;
    let mut entries = Vec::new();
    let mut push = |key: &str, value: RawValue, span: Span| {
        entries.push((
            Spanned::new(key.to_string(), span.clone()),
            Spanned::new(value, span),
        ));
    };
    push("id", RawValue::Str(id.value), id.span.clone());
    if let Some(ip) = h.ip {
        push("ip", RawValue::Str(ip.value), ip.span);
    }
    if let Some(mac) = h.mac {
        push("mac", RawValue::Str(mac.value), mac.span);
    }
    if let Some(v) = h.mac_vendor {
        push("vendor", RawValue::Str(v.value), v.span);
    }
    if let Some(n) = h.hostname {
        push("hostname", RawValue::Str(n.value), n.span);
    }
    if let Some(first) = h.banner.first() {
        let joined = h
            .banner
            .iter()
            .map(|b| b.value.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        push("firmware", RawValue::Str(joined), first.span.clone());
    }
    if let Some(span) = h.webcam {
        push("kind", RawValue::Str("camera".into()), span);
    }
    let start = h.start;
    let end = end.max(start);
    push("status", RawValue::Str("observed".into()), id.span);
    Some(Record {
        line: lines.line(start),
        span: start..end,
        entries,
        snippet: snippet.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn read(text: &str) -> Vec<Event> {
        let mut out = Vec::new();
        let mut input = text.as_bytes();
        NmapReader
            .read("t.xml".into(), &mut input, &mut |e| out.push(e))
            .expect("in-memory read");
        out
    }

    #[test]
    fn an_over_long_attribute_value_drops_its_host_without_a_copy() {
        let long = "h".repeat(MAX_CELL + 1);
        let text = format!(
            "<nmaprun>\n<host><status state=\"up\"/><address addr=\"192.0.2.1\" addrtype=\"ipv4\"/><hostnames><hostname name=\"{long}\"/></hostnames></host>\n<host><status state=\"up\"/><address addr=\"192.0.2.2\" addrtype=\"ipv4\"/></host>\n</nmaprun>\n"
        );
        let events = read(&text);
        assert_eq!(events.len(), 2, "{events:?}");
        let Event::Problem(p) = &events[0] else {
            panic!("expected the limit, got {:?}", events[0]);
        };
        assert_eq!((p.code, p.dropped), (Code::LimitExceeded, true));
        assert_eq!(&text[p.span.clone()], "h");
        assert_eq!(p.snippet.slice(&p.span), Some("h"));
        assert!(p.snippet.text().len() <= 200);
        assert!(matches!(&events[1], Event::Record(_, r) if r.line == 3));
    }

    #[test]
    fn entities_refused() {
        let text = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [<!ENTITY a \"aaaa\">]>\n<nmaprun>&a;</nmaprun>";
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
    fn truncated_and_deep_do_not_panic() {
        let host = "<nmaprun><host><status state=\"up\"/><address addr=\"10.0.0.1\" addrtype=\"ipv4\"/></host><host><status sta";
        let events = read(host);
        assert!(matches!(events.first(), Some(Event::Record(..))));
        assert!(matches!(events.last(), Some(Event::Problem(_))));
        for cut in 0..host.len() {
            read(&host[..cut]);
        }
        let deep = format!("<nmaprun>{}", "<a>".repeat(200_000));
        read(&deep);
    }

    fn entry<'a>(events: &'a [Event], key: &str) -> Option<&'a RawValue> {
        events.iter().find_map(|e| match e {
            Event::Record(_, r) => r
                .entries
                .iter()
                .find(|(k, _)| k.value == key)
                .map(|(_, v)| &v.value),
            Event::Problem(_) => None,
        })
    }

    #[test]
    fn os_guess_and_device_type_join_the_banner() {
        let text = r#"<nmaprun><host><status state="up"/><address addr="10.0.0.2" addrtype="ipv4"/>
<ports><port protocol="tcp" portid="554"><service name="rtsp" devicetype="webcam"/></port></ports>
<os><osmatch name="Dahua DH-IPC camera"><osclass type="specialized" vendor="Dahua"/></osmatch>
<osmatch name="Linux 3.X"><osclass type="general purpose" vendor="Linux"/></osmatch></os></host></nmaprun>"#;
        let events = read(text);
        assert_eq!(
            entry(&events, "firmware"),
            Some(&RawValue::Str("Dahua DH-IPC camera Dahua".into()))
        );
        assert_eq!(
            entry(&events, "kind"),
            Some(&RawValue::Str("camera".into()))
        );
    }
}
