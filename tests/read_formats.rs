//! Every directory under `tests/fixtures/read/` holds one `input.<ext>`;
//! this reads it with its format's reader and snapshots what came out:
//! each record (line, hint, every key and value with the exact text its
//! span covers), each problem (code, position, message, label, spanned
//! text), and the asset or site each record maps to.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use assetlint::model::headers::Columns;
use assetlint::model::{RawValue, Record, Value};
use assetlint::read::decode::decode;
use assetlint::read::{fields, Event, Format, Hint, FORMATS};
use assetlint::source::Span;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/read");

fn cut(text: &str, span: &Span) -> String {
    match text.get(span.clone()) {
        Some(s) => format!("{s:?}"),
        None => format!("<BAD SPAN {span:?}>"),
    }
}

fn raw(out: &mut String, text: &str, indent: usize, v: &RawValue) {
    let pad = " ".repeat(indent);
    match v {
        RawValue::List(items) => {
            for i in items {
                let _ = write!(out, "\n{pad}- {}", cut(text, &i.span));
                if matches!(i.value, RawValue::List(_) | RawValue::Map(_)) {
                    raw(out, text, indent + 2, &i.value);
                } else {
                    let _ = write!(out, " => {:?}", i.value);
                }
            }
        }
        RawValue::Map(entries) => {
            for (k, v) in entries {
                let _ = write!(out, "\n{pad}{} {}", k.value, cut(text, &v.span));
                if matches!(v.value, RawValue::List(_) | RawValue::Map(_)) {
                    raw(out, text, indent + 2, &v.value);
                } else {
                    let _ = write!(out, " => {:?}", v.value);
                }
            }
        }
        other => {
            let _ = write!(out, " => {other:?}");
        }
    }
}

fn render_record(out: &mut String, text: &str, hint: Hint, r: &Record) {
    let _ = writeln!(
        out,
        "record line {} {hint:?} span {}..{} ({} bytes)",
        r.line,
        r.span.start,
        r.span.end,
        r.span.len()
    );
    // The record's own snippet must cover the record and all its values.
    assert_eq!(
        r.snippet.slice(&r.span),
        text.get(r.span.clone()),
        "record span"
    );
    for (k, v) in &r.entries {
        assert_eq!(
            r.snippet.slice(&v.span),
            text.get(v.span.clone()),
            "value span of {}",
            k.value
        );
        let _ = write!(
            out,
            "  {} @{} = {}",
            k.value,
            cut(text, &k.span),
            cut(text, &v.span)
        );
        if matches!(v.value, RawValue::List(_) | RawValue::Map(_)) {
            raw(out, text, 4, &v.value);
        } else {
            let _ = write!(out, " => {:?}", v.value);
        }
        out.push('\n');
    }
    let columns = Columns::default();
    if hint == Hint::Sites {
        match fields::site(r.clone(), &columns) {
            Ok((s, problems)) => {
                let _ = writeln!(out, "  site id={:?}", s.id.value);
                let opt = [
                    ("name", &s.name),
                    ("sensitivity", &s.sensitivity),
                    ("sector", &s.sector),
                    ("parent", &s.parent),
                ];
                for (n, v) in opt {
                    if let Some(v) = v {
                        let _ = writeln!(out, "    {n} = {:?} {}", v.value, cut(text, &v.span));
                    }
                }
                for (n, list) in [("tags", &s.tags), ("cidrs", &s.cidrs)] {
                    for v in list {
                        let _ = writeln!(out, "    {n}[] = {:?} {}", v.value, cut(text, &v.span));
                    }
                }
                for p in problems {
                    let _ = writeln!(
                        out,
                        "    problem {} {}: {}",
                        p.code.id(),
                        cut(text, &p.span),
                        p.label
                    );
                }
            }
            Err(p) => {
                let _ = writeln!(out, "  site problem {}: {}", p.code.id(), p.label);
            }
        }
        return;
    }
    let (asset, problems) = fields::asset(r.clone(), &columns);
    let _ = writeln!(out, "  asset");
    for f in assetlint::model::AssetField::ALL {
        if let Some(v) = asset.get(*f) {
            match &v.value {
                Value::List(items) => {
                    for i in items {
                        let _ = writeln!(
                            out,
                            "    {}[] = {:?} {}",
                            f.name(),
                            i.value,
                            cut(text, &i.span)
                        );
                    }
                }
                other => {
                    let _ = writeln!(
                        out,
                        "    {} = {} {}",
                        f.name(),
                        other.display(),
                        cut(text, &v.span)
                    );
                }
            }
        }
    }
    for (k, v) in &asset.extra {
        let _ = writeln!(
            out,
            "    extra[{k:?}] = {:?} {}",
            v.value,
            cut(text, &v.span)
        );
    }
    for p in problems {
        let _ = writeln!(
            out,
            "    problem {} {}: {}",
            p.code.id(),
            cut(text, &p.span),
            p.label
        );
    }
}

fn render(dir: &Path) -> String {
    let entry = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_stem().is_some_and(|s| s == "input"))
        .unwrap_or_else(|| panic!("{} has no input.*", dir.display()));
    let path = entry.to_string_lossy().into_owned();
    let bytes = fs::read(&entry).unwrap();
    let format = Format::detect(&path, &bytes).expect("a known extension");
    let name = entry.file_name().unwrap().to_string_lossy().into_owned();
    let mut out = format!("format: {}\n", format.name());
    let mut input: &[u8] = &bytes;
    let mut events = Vec::new();
    format
        .reader()
        .read(name.into(), &mut input, &mut |e| events.push(e))
        .unwrap();
    // A workbook has no text: its spans point into the synthetic lines its
    // snippets hold, laid out here at their offsets.
    let text = if format == Format::Xlsx {
        let mut text = String::new();
        for e in &events {
            if let Event::Record(_, r) = e {
                let at = r.snippet.offset();
                if text.len() < at {
                    text.push_str(&"\n".repeat(at - text.len()));
                }
                assert_eq!(text.len(), at, "snippets overlap");
                text.push_str(r.snippet.text());
            }
        }
        text
    } else {
        decode(&bytes).text
    };
    events.into_iter().for_each(|e| match e {
        Event::Record(hint, r) => render_record(&mut out, &text, hint, &r),
        Event::Problem(p) => {
            let pos = p.snippet.position(p.span.start);
            assert_eq!(
                p.snippet.slice(&p.span),
                text.get(p.span.clone()),
                "problem span"
            );
            let _ = writeln!(
                out,
                "problem {}{} at {}:{} {}\n  message: {}\n  label: {}",
                p.code.id(),
                if p.drops_record() {
                    " (record dropped)"
                } else {
                    ""
                },
                pos.line,
                pos.column,
                cut(&text, &p.span),
                p.message,
                p.label
            );
        }
    });
    out
}

#[test]
fn read_formats() {
    let mut dirs: Vec<_> = fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let rendered = render(&dir);
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
            prepend_module_to_snapshot => false,
            description => format!("tests/fixtures/read/{name}"),
        }, {
            insta::assert_snapshot!(format!("read-{name}"), rendered);
        });
    }
}

#[test]
fn every_format_has_a_fixture() {
    let exts: Vec<String> = fs::read_dir(FIXTURES)
        .unwrap()
        .flat_map(|d| fs::read_dir(d.unwrap().path()).unwrap())
        .filter_map(|f| {
            f.unwrap()
                .path()
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
        })
        .collect();
    for f in FORMATS {
        assert!(
            f.extensions.iter().any(|e| exts.iter().any(|x| x == e)),
            "no fixture for {}",
            f.name
        );
    }
}

/// A small deterministic generator (xorshift), so the test needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Readers never panic and every span they report lies inside its snippet,
/// whatever the bytes: fixtures cut, spliced and sprinkled with the bytes
/// that matter to the scanners.
#[test]
fn readers_survive_mangled_input() {
    const SPICE: &[&[u8]] = &[
        b"\"",
        b"'",
        b",",
        b";",
        b"\t",
        b"\n",
        b"\r\n",
        b"\r",
        b"[",
        b"]",
        b"{",
        b"}",
        b":",
        b"- ",
        b"*a",
        b"&a ",
        b"#",
        b"\xE9",
        b"\xFF\xFE",
        b"\xEF\xBB\xBF",
        b"\xC3",
        b"\x00",
        b"\\",
        b"= ",
        b"[[assets]]\n",
        "é".as_bytes(),
        "大".as_bytes(),
        b"\"\"",
        b"  ",
    ];
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for dir in fs::read_dir(FIXTURES).unwrap() {
        for f in fs::read_dir(dir.unwrap().path()).unwrap() {
            inputs.push(fs::read(f.unwrap().path()).unwrap());
        }
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..400 {
        let base = &inputs[round % inputs.len()];
        let mut bytes = base.clone();
        for _ in 0..1 + rng.next() % 6 {
            let at = (rng.next() as usize) % (bytes.len() + 1);
            match rng.next() % 3 {
                0 => {
                    let spice = SPICE[(rng.next() as usize) % SPICE.len()];
                    bytes.splice(at..at, spice.iter().copied());
                }
                1 => bytes.truncate(at),
                _ => {
                    let end = (at + (rng.next() as usize) % 8).min(bytes.len());
                    bytes.drain(at..end);
                }
            }
        }
        for info in FORMATS {
            let mut input: &[u8] = &bytes;
            info.format
                .reader()
                .read("m".into(), &mut input, &mut |e| match e {
                    Event::Record(_, r) => {
                        assert!(
                            r.snippet.slice(&r.span).is_some(),
                            "record span {:?}",
                            r.span
                        );
                        for (_, v) in &r.entries {
                            assert!(
                                r.snippet.slice(&v.span).is_some(),
                                "value span {:?}",
                                v.span
                            );
                        }
                        let (_, problems) = fields::asset(r.clone(), &Columns::default());
                        for p in problems {
                            assert!(p.snippet.slice(&p.span).is_some());
                        }
                        let _ = fields::site(r, &Columns::default());
                    }
                    Event::Problem(p) => {
                        assert!(
                            p.snippet.slice(&p.span).is_some(),
                            "{} {:?}",
                            p.message,
                            p.span
                        );
                    }
                })
                .unwrap();
        }
    }
}
