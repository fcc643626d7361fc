//! Shodan-style banner JSON lines: one JSON object per line, each one
//! observed service of an internet-facing host.
//!
//! Entries, with canonical key names: `id` (`ip_str:port`), `ip`
//! (`ip_str`), `hostname` (the first of `hostnames`), `firmware` (joined
//! from `product`, `http.server`, `http.title`, `version`, `os`, the first
//! [`BANNER_CHARS`] characters of `data` and the `cpe23`/`cpe` names),
//! `kind` (`devicetype`, e.g. `webcam`), `location` (`location.city`, `location.country_name`),
//! `internet_facing` = true and `status` = `observed`. Shodan's `org` is the
//! network's owner, not the maker, so it is kept as the extra `org`, never
//! as `vendor`.
//!
//! Lines are read one at a time, each parsed by the JSON reader's parser
//! and its spans offset by the line's start. A line that is not a JSON
//! object with `ip_str` is one [`Code::MalformedRow`]; the rest are still
//! read. Blank lines are skipped.

use std::io::BufRead;
use std::sync::Arc;

use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions};

use crate::diag::Code;
use crate::model::{RawValue, Record};
use crate::read::structured::json::convert;
use crate::read::structured::{too_deep, MAX_DEPTH};
use crate::read::{Event, Hint, Problem, Reader};
use crate::source::{Snippet, Span, Spanned};

/// How many characters of a banner's `data` go into `firmware`.
pub const BANNER_CHARS: usize = 200;

/// Longest line read, in bytes: a longer one is reported
/// ([`Code::LimitExceeded`]) and skipped without being held in memory,
/// counted as not checkable. Shodan truncates a banner's `data`, so a real
/// line is a few kilobytes; 1 MiB is the same bound as a CSV row.
pub const MAX_LINE: usize = 1024 * 1024;

/// How much of a skipped over-long line its diagnostic shows, in bytes.
const SHOWN: usize = 200;

/// Reads one line (with its `\n`) into `buf`, holding at most `max + 1`
/// bytes of it: the rest of a longer line is read and thrown away. The
/// line's full length in bytes, 0 at the end of the input.
fn read_line_capped(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let avail = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(total);
        }
        let (used, done) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        let room = (max + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&avail[..used.min(room)]);
        input.consume(used);
        total += used;
        if done {
            return Ok(total);
        }
    }
}

/// Shodan banner JSON lines.
pub struct JsonLinesReader;

impl Reader for JsonLinesReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        let mut offset = 0usize;
        let mut line_no = 0usize;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = read_line_capped(input, &mut buf, MAX_LINE)?;
            if n == 0 {
                return Ok(());
            }
            line_no += 1;
            let start = offset;
            offset += n;
            if n > MAX_LINE {
                let mut shown = SHOWN.min(buf.len());
                while shown > 0 && std::str::from_utf8(&buf[..shown]).is_err() {
                    shown -= 1;
                }
                let text: Arc<str> = Arc::from(String::from_utf8_lossy(&buf[..shown]).as_ref());
                let snippet = Snippet::part(name.clone(), text, start, line_no);
                emit(Event::Problem(Problem {
                    code: Code::LimitExceeded,
                    dropped: true,
                    message: format!(
                        "a line is longer than the {} MiB line limit",
                        MAX_LINE >> 20
                    ),
                    snippet,
                    span: start..start + shown,
                    label: format!("this line holds {n} bytes; it was skipped"),
                }));
                continue;
            }
            let text: Arc<str> = Arc::from(String::from_utf8_lossy(&buf).as_ref());
            let snippet = Snippet::part(name.clone(), text.clone(), start, line_no);
            if text.len() != n {
                // Invalid UTF-8 changed the byte count: spans would be off.
                emit(malformed(&snippet, start, "the line is not valid UTF-8"));
                continue;
            }
            if text.trim().is_empty() {
                continue;
            }
            if let Some(at) = too_deep(&text, false) {
                emit(Event::Problem(Problem {
                    code: Code::LimitExceeded,
                    dropped: true,
                    message: format!(
                        "this line's lists and maps are nested deeper than the {MAX_DEPTH}-level limit"
                    ),
                    snippet,
                    span: start + at..start + at + 1,
                    label: "too deep here; the line was skipped".into(),
                }));
                continue;
            }
            match line(&text, start) {
                Ok(entries) => {
                    let end = start + text.trim_end().len();
                    emit(Event::Record(
                        Hint::Unknown,
                        Record {
                            line: line_no,
                            span: start..end,
                            entries,
                            snippet,
                        },
                    ));
                }
                Err(why) => emit(malformed(&snippet, start, &why)),
            }
        }
    }
}

/// A record's keyed values.
type Entries = Vec<(Spanned<String>, Spanned<RawValue>)>;

/// A dropped line.
fn malformed(snippet: &Snippet, start: usize, why: &str) -> Event {
    let len = snippet.text().trim_end().len();
    Event::Problem(Problem {
        code: Code::MalformedRow,
        dropped: true,
        message: format!("this line is not a banner: {why}"),
        snippet: snippet.clone(),
        span: start..start + len,
        label: why.to_string(),
    })
}

/// `value` with every span moved by `by`.
fn shift(mut value: Spanned<RawValue>, by: usize) -> Spanned<RawValue> {
    value.span = value.span.start + by..value.span.end + by;
    value.value = match value.value {
        RawValue::List(items) => RawValue::List(items.into_iter().map(|i| shift(i, by)).collect()),
        RawValue::Map(entries) => RawValue::Map(
            entries
                .into_iter()
                .map(|(mut k, v)| {
                    k.span = k.span.start + by..k.span.end + by;
                    (k, shift(v, by))
                })
                .collect(),
        ),
        other => other,
    };
    value
}

fn field<'a>(
    map: &'a [(Spanned<String>, Spanned<RawValue>)],
    key: &str,
) -> Option<&'a Spanned<RawValue>> {
    map.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
}

/// A scalar as text, `None` when null, empty or not a scalar.
fn scalar(v: &Spanned<RawValue>) -> Option<(String, Span)> {
    let s = match &v.value {
        RawValue::Str(s) => s.trim().to_string(),
        RawValue::Number(n) => n.clone(),
        _ => return None,
    };
    (!s.is_empty()).then(|| (s, v.span.clone()))
}

/// The entries of one line, or why it is not a banner.
fn line(text: &str, start: usize) -> Result<Entries, String> {
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &collect, &ParseOptions::default())
        .map_err(|e| format!("invalid JSON: {}", e.kind()))?;
    let Some(value) = parsed.value else {
        return Err("expected a JSON object".into());
    };
    let mut missing_comma = None;
    let root = shift(convert(text, value, &mut missing_comma), start);
    if missing_comma.is_some() {
        return Err("invalid JSON: expected a comma".into());
    }
    let RawValue::Map(map) = root.value else {
        return Err("expected a JSON object".into());
    };
    let Some((ip, ip_span)) = field(&map, "ip_str").and_then(scalar) else {
        return Err("the object has no `ip_str`".into());
    };
    let mut entries = Vec::new();
    let mut push = |key: &str, value: RawValue, span: Span| {
        entries.push((
            Spanned::new(key.to_string(), span.clone()),
            Spanned::new(value, span),
        ));
    };
    let port = field(&map, "port").and_then(scalar);
    let id = match &port {
        Some((p, _)) => format!("{ip}:{p}"),
        None => ip.clone(),
    };
    push("id", RawValue::Str(id), ip_span.clone());
    push("ip", RawValue::Str(ip), ip_span.clone());
    if let Some(RawValue::List(names)) = field(&map, "hostnames").map(|v| &v.value) {
        if let Some((h, span)) = names.first().and_then(scalar) {
            push("hostname", RawValue::Str(h), span);
        }
    }
    // Banner parts, the likeliest to name the maker first: the span of the
    // joined `firmware` is the first part's.
    let http = match field(&map, "http").map(|v| &v.value) {
        Some(RawValue::Map(http)) => http.as_slice(),
        _ => &[],
    };
    let mut banner: Vec<(String, Span)> = Vec::new();
    banner.extend(field(&map, "product").and_then(scalar));
    banner.extend(field(http, "server").and_then(scalar));
    banner.extend(field(http, "title").and_then(scalar));
    banner.extend(field(&map, "version").and_then(scalar));
    banner.extend(field(&map, "os").and_then(scalar));
    if let Some((data, span)) = field(&map, "data").and_then(scalar) {
        let cut: String = data.chars().take(BANNER_CHARS).collect();
        let cut = cut.split_whitespace().collect::<Vec<_>>().join(" ");
        if !cut.is_empty() {
            banner.push((cut, span));
        }
    }
    // Hardware CPEs name the maker: `cpe:/h:hikvision:…`, `cpe:2.3:h:dahua:…`.
    for key in ["cpe23", "cpe"] {
        if let Some(RawValue::List(cpes)) = field(&map, key).map(|v| &v.value) {
            banner.extend(
                cpes.iter()
                    .filter_map(scalar)
                    .map(|(c, span)| (c.replace([':', '/', '_'], " "), span)),
            );
        }
    }
    if let Some((kind, span)) = field(&map, "devicetype").and_then(scalar) {
        push("kind", RawValue::Str(kind), span);
    }
    if let Some((_, span)) = banner.first() {
        let span = span.clone();
        let joined = banner
            .iter()
            .map(|(s, _)| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        push("firmware", RawValue::Str(joined), span);
    }
    if let Some(RawValue::Map(loc)) = field(&map, "location").map(|v| &v.value) {
        let parts: Vec<(String, Span)> = ["city", "country_name"]
            .iter()
            .filter_map(|k| field(loc, k).and_then(scalar))
            .collect();
        if let Some((_, span)) = parts.first() {
            let span = span.clone();
            let joined = parts
                .iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            push("location", RawValue::Str(joined), span);
        }
    }
    if let Some((org, span)) = field(&map, "org").and_then(scalar) {
        push("org", RawValue::Str(org), span);
    }
    push("internet_facing", RawValue::Bool(true), ip_span.clone());
    push("status", RawValue::Str("observed".into()), ip_span);
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::Format;

    fn read(text: &str) -> Vec<Event> {
        let mut out = Vec::new();
        let mut input = text.as_bytes();
        JsonLinesReader
            .read("t.jsonl".into(), &mut input, &mut |e| out.push(e))
            .expect("in-memory read");
        out
    }

    #[test]
    fn bad_lines_are_problems_and_the_rest_is_read() {
        let deep = format!("{}\n", "[".repeat(MAX_DEPTH + 10));
        let text = format!("{deep}{{\"ip_str\": \"1.2.3.4\"}}\n{{\"ip_str\": \"5.6");
        let events = read(&text);
        assert_eq!(events.len(), 3);
        assert!(
            matches!(&events[0], Event::Problem(p) if p.code == Code::LimitExceeded && p.dropped)
        );
        assert!(matches!(&events[1], Event::Record(..)));
        assert!(matches!(&events[2], Event::Problem(p) if p.code == Code::MalformedRow));
        for cut in 0..text.len() {
            if text.is_char_boundary(cut) {
                read(&text[..cut]);
            }
        }
    }

    #[test]
    fn an_over_long_line_is_skipped_without_being_held() {
        let mut text = String::from("{\"ip_str\": \"1.2.3.4\", \"data\": \"");
        text.push_str(&"x".repeat(MAX_LINE + 10));
        text.push_str("\"}\n{\"ip_str\": \"5.6.7.8\"}\n");
        let first = text.find('\n').map_or(0, |i| i + 1);
        let events = read(&text);
        assert_eq!(events.len(), 2, "{events:?}");
        let Event::Problem(p) = &events[0] else {
            panic!("expected a problem, got {:?}", events[0]);
        };
        assert_eq!((p.code, p.dropped), (Code::LimitExceeded, true));
        assert_eq!(p.span, 0..SHOWN);
        assert_eq!(p.snippet.text().len(), SHOWN);
        assert_eq!(
            p.label,
            format!("this line holds {first} bytes; it was skipped")
        );
        let Event::Record(_, r) = &events[1] else {
            panic!("expected a record, got {:?}", events[1]);
        };
        assert_eq!((r.line, r.span.start), (2, first));
    }

    #[test]
    fn capped_lines_keep_at_most_one_byte_over() {
        let mut input: &[u8] = b"abcdefgh\nij\nkl";
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut input, &mut buf, 4).unwrap(), 9);
        assert_eq!(buf, b"abcde");
        buf.clear();
        assert_eq!(read_line_capped(&mut input, &mut buf, 4).unwrap(), 3);
        assert_eq!(buf, b"ij\n");
        buf.clear();
        assert_eq!(read_line_capped(&mut input, &mut buf, 4).unwrap(), 2);
        assert_eq!(read_line_capped(&mut input, &mut buf, 4).unwrap(), 0);
    }

    #[test]
    fn detected_by_extension_or_head() {
        let shodan = b"{\"ip_str\": \"1.2.3.4\", \"port\": 80}\n";
        assert_eq!(Format::detect("a.jsonl", b""), Some(Format::JsonLines));
        assert_eq!(Format::detect("a.json", shodan), Some(Format::JsonLines));
        assert_eq!(
            Format::detect("a.json", b"[{\"ip_str\": 1}]"),
            Some(Format::Json)
        );
        assert_eq!(Format::detect("a.xml", b"<nmaprun>"), Some(Format::Nmap));
        assert_eq!(Format::detect("a.xml", b"<svg>"), None);
    }

    #[test]
    fn http_headers_cpes_and_device_type_are_read() {
        let text = r#"{"ip_str": "198.51.100.4", "port": 8000, "devicetype": "webcam", "http": {"server": "DNVRS-Webs", "title": "NVR"}, "cpe23": ["cpe:2.3:h:hikvision:ds-7608ni"], "data": "HTTP/1.1 200 OK"}"#;
        let events = read(text);
        let Some(Event::Record(_, record)) = events.first() else {
            panic!("expected a record, got {events:?}");
        };
        let get = |key: &str| {
            record
                .entries
                .iter()
                .find(|(k, _)| k.value == key)
                .map(|(_, v)| v.value.clone())
        };
        assert_eq!(
            get("firmware"),
            Some(RawValue::Str(
                "DNVRS-Webs NVR HTTP/1.1 200 OK cpe 2.3 h hikvision ds-7608ni".into()
            ))
        );
        assert_eq!(get("kind"), Some(RawValue::Str("webcam".into())));
    }
}
