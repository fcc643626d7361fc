//! Entry points for the fuzz targets under `fuzz/` and for the test that
//! replays their corpus (`tests/fuzz_corpus.rs`): one function per target,
//! each taking the fuzzer's bytes. None may panic, hang or use unbounded
//! memory on any input; each also checks what every caller relies on
//! (spans that point into their snippet, expressions that print to text
//! that parses back to the same tree). Policy files and conditions are
//! text: bytes that are not UTF-8 are refused before they reach the loader
//! (`read_to_string`), so those targets return on them.
//!
//! Not part of the public interface.

use std::io::Cursor;
use std::sync::Arc;

use jiff::civil::date;

use crate::model::headers::Columns;
use crate::model::schema::{Facts, Ladder, Path, Type, Val};
use crate::policy::expr::{self, ast::Sexp};
use crate::read::{fields, Event, Format, Hint};
use crate::resolve::catalog::{Catalog, Oui};
use crate::resolve::resolver::Resolver;
use crate::source::{Snippet, Span};

/// What a target runs on the fuzzer's bytes.
pub type Target = fn(&[u8]);

/// Every target, by its name under `fuzz/fuzz_targets/` and
/// `fuzz/corpus/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("read_csv", read_csv),
    ("read_tsv", read_tsv),
    ("read_json", read_json),
    ("read_jsonl", read_jsonl),
    ("read_yaml", read_yaml),
    ("read_toml", read_toml),
    ("read_xlsx", read_xlsx),
    ("read_netbox", read_netbox),
    ("read_cyclonedx_json", read_cyclonedx_json),
    ("read_cyclonedx_xml", read_cyclonedx_xml),
    ("read_ansible_ini", read_ansible_ini),
    ("read_ansible_yaml", read_ansible_yaml),
    ("read_nmap", read_nmap),
    ("read_shodan", read_shodan),
    ("expr_parse", expr_parse),
    ("expr_eval", expr_eval),
    ("policy_load", policy_load),
    ("mac", mac),
    ("normalize", normalize),
    ("map_assets", map_assets),
];

/// Reads `data` as a CSV register.
pub fn read_csv(data: &[u8]) {
    read(Format::Csv, "fuzz.csv", data);
}

/// Reads `data` as a TSV register.
pub fn read_tsv(data: &[u8]) {
    read(Format::Tsv, "fuzz.tsv", data);
}

/// Reads `data` as a JSON asset or site file.
pub fn read_json(data: &[u8]) {
    read(Format::Json, "fuzz.json", data);
}

/// Reads `data` as JSON lines.
pub fn read_jsonl(data: &[u8]) {
    read(Format::JsonLines, "fuzz.jsonl", data);
}

/// Reads `data` as a YAML asset or site file.
pub fn read_yaml(data: &[u8]) {
    read(Format::Yaml, "fuzz.yaml", data);
}

/// Reads `data` as a TOML asset or site file.
pub fn read_toml(data: &[u8]) {
    read(Format::Toml, "fuzz.toml", data);
}

/// Reads `data` as a workbook.
pub fn read_xlsx(data: &[u8]) {
    read(Format::Xlsx, "fuzz.xlsx", data);
}

/// Reads `data` as a NetBox export: its JSON and YAML forms go through
/// the JSON and YAML readers, which recognise the shape.
pub fn read_netbox(data: &[u8]) {
    read(Format::Json, "netbox.json", data);
    read(Format::Yaml, "netbox.yaml", data);
}

/// Reads `data` as a CycloneDX JSON BOM (through the JSON reader).
pub fn read_cyclonedx_json(data: &[u8]) {
    read(Format::Json, "bom.cdx.json", data);
}

/// Reads `data` as a CycloneDX XML BOM.
pub fn read_cyclonedx_xml(data: &[u8]) {
    read(Format::CycloneDx, "bom.xml", data);
}

/// Reads `data` as an Ansible INI inventory.
pub fn read_ansible_ini(data: &[u8]) {
    read(Format::Ansible, "hosts", data);
}

/// Reads `data` as an Ansible YAML inventory (through the YAML reader).
pub fn read_ansible_yaml(data: &[u8]) {
    read(Format::Yaml, "hosts.yml", data);
}

/// Reads `data` as nmap XML.
pub fn read_nmap(data: &[u8]) {
    read(Format::Nmap, "scan.xml", data);
}

/// Reads `data` as Shodan banner lines.
pub fn read_shodan(data: &[u8]) {
    read(Format::JsonLines, "shodan.json", data);
}

/// Compiles `data` as a `when` condition; what compiles prints to text
/// that compiles to the same tree, and printing is stable.
pub fn expr_parse(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let ladder = Ladder::default();
    match expr::compile(src, &ladder) {
        Ok(compiled) => {
            let printed = compiled.to_string();
            let again = expr::compile(&printed, &ladder)
                .unwrap_or_else(|e| panic!("{src:?} printed as {printed:?}: {e:?}"));
            assert_eq!(
                Sexp(compiled.ast()).to_string(),
                Sexp(again.ast()).to_string(),
                "{src:?} printed as {printed:?}"
            );
            assert_eq!(again.to_string(), printed, "printing is stable");
        }
        Err(errors) => {
            for e in errors {
                assert!(
                    src.get(e.span.clone()).is_some(),
                    "{src:?}: error span {:?} is not in the text",
                    e.span
                );
            }
        }
    }
    let _ = expr::parse_path(src);
}

/// Compiles `data` as a `when` condition and evaluates it against a small
/// fixed asset, with and without its site and vendor.
pub fn expr_eval(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let ladder = Ladder::default();
    if let Ok(compiled) = expr::compile(src, &ladder) {
        for &facts in FIXED {
            compiled.eval(facts);
        }
    }
}

/// Loads `data` as a policy file; a loaded policy's rules are linted,
/// evaluated and their messages rendered against the fixed facts.
pub fn policy_load(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ladder = Ladder::default();
    match crate::policy::load::load("fuzz.toml".into(), text, &ladder) {
        Ok(policy) => {
            for i in crate::policy::lint::lint(&policy, Catalog::builtin_shared(), &ladder) {
                if let Some((snippet, span)) = &i.at {
                    check_span(snippet, span);
                }
            }
            for rule in &policy.rules {
                check_span(&policy.source, &rule.when_place(&rule.when.ast().span));
                for &facts in FIXED {
                    rule.when.eval(facts);
                    rule.message.render(facts, &ladder);
                }
            }
        }
        Err(invalid) => {
            for i in invalid {
                if let Some((snippet, span)) = &i.at {
                    check_span(snippet, span);
                }
            }
        }
    }
}

/// Parses `data` as a MAC address and as an OUI prefix; a parsed MAC
/// formats to text that parses back to it.
pub fn mac(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(mac) = crate::resolve::mac::parse_mac(text) {
        assert!(mac < 1 << 48, "{text:?} parsed to more than 48 bits");
        crate::resolve::mac::is_universal(mac);
        let printed = crate::resolve::mac::format_mac(mac);
        assert_eq!(crate::resolve::mac::parse_mac(&printed), Some(mac));
    }
    if let Some(oui) = Oui::parse(text) {
        let again = Oui::parse(&oui.to_string());
        assert_eq!(
            again.map(|o| (o.prefix(), o.bits())),
            Some((oui.prefix(), oui.bits()))
        );
        oui.contains(0);
        oui.contains((1 << 48) - 1);
    }
}

/// Normalises `data` as a vendor name; normalising again changes nothing.
pub fn normalize(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let once = crate::resolve::normalize::normalize(&text);
    let twice = crate::resolve::normalize::normalize(&once);
    assert_eq!(once, twice, "normalising {text:?} is not idempotent");
}

/// The whole record-to-asset path: the first byte picks a format, the rest
/// is read, each record mapped to an asset (or a site) and its vendor
/// identified with the builtin catalog.
pub fn map_assets(data: &[u8]) {
    const FORMATS: &[(Format, &str)] = &[
        (Format::Csv, "fuzz.csv"),
        (Format::Tsv, "fuzz.tsv"),
        (Format::Json, "fuzz.json"),
        (Format::Yaml, "fuzz.yaml"),
        (Format::Toml, "fuzz.toml"),
        (Format::JsonLines, "fuzz.jsonl"),
        (Format::Nmap, "scan.xml"),
        (Format::CycloneDx, "bom.xml"),
        (Format::Ansible, "hosts"),
    ];
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let (format, name) = FORMATS[usize::from(first) % FORMATS.len()];
    let columns = Columns::default();
    let mut mapper = fields::Mapper::new(&columns);
    let mut resolver = Resolver::new(Catalog::builtin_shared());
    let ladder = Ladder::default();
    let site_fields = Default::default();
    let mut input = Cursor::new(rest);
    let _ = format
        .reader()
        .read(name.into(), &mut input, &mut |event| match event {
            Event::Record(Hint::Sites, record) => {
                match fields::site_with(record, &site_fields, &ladder) {
                    Ok((_, problems)) => problems.iter().for_each(check_problem),
                    Err(problem) => check_problem(&problem),
                }
            }
            Event::Record(_, record) => {
                let (asset, problems) = mapper.asset(record);
                problems.iter().for_each(check_problem);
                resolver.identify(&asset);
            }
            Event::Problem(problem) => check_problem(&problem),
        });
}

/// Runs one reader over `data`, checking every record's and problem's span.
fn read(format: Format, name: &str, data: &[u8]) {
    let name: Arc<str> = name.into();
    let mut input = Cursor::new(data);
    // I/O errors cannot happen on a cursor; a reader may still return one
    // it makes itself (a workbook that is not a zip), which is fine.
    let _ = format
        .reader()
        .read(name, &mut input, &mut |event| match event {
            Event::Record(_, record) => {
                check_span(&record.snippet, &record.span);
                for (key, value) in &record.entries {
                    check_span(&record.snippet, &key.span);
                    check_span(&record.snippet, &value.span);
                }
            }
            Event::Problem(problem) => check_problem(&problem),
        });
}

/// Checks a problem's span against its snippet.
fn check_problem(problem: &crate::read::Problem) {
    check_span(&problem.snippet, &problem.span);
}

/// A span must be renderable: its line and column computed, and its text
/// read by the diagnostic renderer, which slices the snippet.
fn check_span(snippet: &Snippet, span: &Span) {
    assert!(span.start <= span.end, "reversed span {span:?}");
    snippet.range(span);
    let source_span = miette::SourceSpan::new(span.start.into(), span.end - span.start);
    let _ = miette::SourceCode::read_span(snippet, &source_span, 1, 1);
}

/// The asset the evaluator sees: one with every field present, one with
/// none.
const FIXED: &[&dyn Facts] = &[&Present, &Missing];

/// Every path has a value of its type.
struct Present;

impl Facts for Present {
    fn get(&self, path: &Path) -> Option<Val<'_>> {
        Some(match path.ty() {
            Type::Str => Val::Str("Hikvision DS-2CD2143G2-I"),
            Type::Num => Val::Num(2.5),
            Type::Bool => Val::Bool(true),
            Type::Date => Val::Date(date(2024, 2, 29)),
            Type::Level => Val::Level(1),
            Type::StrList => Val::List(vec!["camera", "uk-surveillance-2022", ""]),
        })
    }
}

/// Every path is missing.
struct Missing;

impl Facts for Missing {
    fn get(&self, _: &Path) -> Option<Val<'_>> {
        None
    }
}
