use std::collections::{BTreeSet, HashMap};

use super::*;
use crate::resolve::normalize::normalize;

fn problems(text: &str) -> Vec<(ErrorKind, Option<Span>, String)> {
    match Catalog::parse("t.toml", text) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems()
            .map(|p| (p.kind(), p.span(), p.to_string()))
            .collect(),
    }
}

const MINIMAL: &str = r#"
[[vendor]]
id = "acme"
name = "Acme Cameras Ltd"
sources = ["https://example.com/acme"]
"#;

#[test]
fn builtin_parses() {
    if let Err(e) = Catalog::parse(BUILTIN_PATH, BUILTIN_TEXT) {
        let all: Vec<String> = e
            .problems()
            .map(|p| format!("{p} at {:?}", p.span()))
            .collect();
        panic!("builtin catalog invalid:\n{}", all.join("\n"));
    }
    let c = Catalog::builtin();
    for id in [
        "hikvision",
        "dahua",
        "huawei",
        "zte",
        "hytera",
        "axis",
        "hanwha",
        "bosch",
        "avigilon",
        "vivotek",
        "mobotix",
        "honeywell",
        "cisco-meraki",
        "ubiquiti",
        "sony",
        "i-pro",
        "genetec",
        "milestone",
    ] {
        assert!(c.by_id(id).is_some(), "missing vendor {id}");
    }
}

#[test]
fn builtin_ids_are_unique_slugs() {
    let c = Catalog::builtin();
    let mut seen = BTreeSet::new();
    for v in c.vendors() {
        assert!(is_slug(&v.id), "{}", v.id);
        assert!(seen.insert(v.id.as_str()), "duplicate {}", v.id);
        assert_eq!(
            c.by_id(&v.id).map(|i| c.vendor(i).id.as_str()),
            Some(v.id.as_str())
        );
    }
}

#[test]
fn builtin_vendors_cite_https_sources() {
    for v in Catalog::builtin().vendors() {
        assert!(
            v.sources.iter().any(|s| s.starts_with("https://")),
            "{} cites no https source",
            v.id
        );
    }
}

#[test]
fn builtin_names_identify_one_vendor_each() {
    let c = Catalog::builtin();
    let mut owner: HashMap<String, &str> = HashMap::new();
    for v in c.vendors() {
        for kind in NameKind::ALL {
            for name in v.names(*kind) {
                let key = normalize(name);
                assert!(!key.is_empty(), "{name:?} of {}", v.id);
                if let Some(other) = owner.insert(key.clone(), &v.id) {
                    assert_eq!(
                        other, v.id,
                        "{name:?} normalises to {key:?} for two vendors"
                    );
                }
            }
        }
    }
}

#[test]
fn builtin_oem_for_and_lists() {
    let c = Catalog::builtin();
    for v in c.vendors() {
        for target in &v.oem_for {
            let t = c.by_id(target).map(|i| c.vendor(i));
            assert!(t.is_some(), "{} relabels unknown {target}", v.id);
        }
        if !v.oem_for.is_empty() {
            assert!(v.lists.is_empty(), "relabeller {} carries lists", v.id);
        }
    }
    let lists = c.lists();
    for l in ["us-fcc-covered", "ndaa-889", "uk-surveillance-2022"] {
        assert!(lists.contains(l), "{l}");
    }
    let on = |id: &str, list: &str| {
        c.by_id(id)
            .is_some_and(|i| c.vendor(i).lists.iter().any(|l| l == list))
    };
    for id in ["hikvision", "dahua", "huawei", "zte", "hytera"] {
        assert!(on(id, "us-fcc-covered") && on(id, "ndaa-889"), "{id}");
    }
    assert!(on("hikvision", "uk-surveillance-2022") && on("dahua", "uk-surveillance-2022"));
    for id in ["huawei", "zte", "hytera", "lorex", "axis"] {
        assert!(!on(id, "uk-surveillance-2022"), "{id}");
    }
    let lorex = c.by_id("lorex").map(|i| c.vendor(i));
    assert_eq!(
        lorex.map(|v| v.oem_for.clone()),
        Some(vec!["dahua".to_string()])
    );
}

#[test]
fn builtin_ouis_and_globs_are_valid() {
    let c = Catalog::builtin();
    let hik = c.vendor(c.by_id("hikvision").unwrap_or(usize::MAX));
    assert!(hik.ouis.iter().any(|o| o.to_string() == "C0:56:E3"));
    assert!(hik.ouis.iter().any(|o| o.bits() == 28));
    let huawei = c.vendor(c.by_id("huawei").unwrap_or(usize::MAX));
    assert!(huawei.ouis.len() > 1000);
}

type Check<'a> = (&'a str, &'a dyn Fn(&str) -> bool);

/// The builtin packs may only name lists and vendor ids the catalog has,
/// and every vendor or brand their test cases write must resolve.
#[test]
fn builtin_packs_reference_catalog_facts() {
    let c = Catalog::builtin();
    let lists = c.lists();
    for (pack, text) in [
        (
            "uk-gov",
            include_str!("../../../policies/uk-gov/policy.toml"),
        ),
        (
            "us-fcc",
            include_str!("../../../policies/us-fcc/policy.toml"),
        ),
    ] {
        let doc: toml::Table = match toml::from_str(text) {
            Ok(doc) => doc,
            Err(e) => panic!("{pack}: {e}"),
        };
        let rules = doc.get("rule").and_then(toml::Value::as_array);
        for rule in rules.into_iter().flatten() {
            let when = rule.get("when").and_then(toml::Value::as_str).unwrap_or("");
            let is_list = |s: &str| lists.contains(s);
            let is_vendor = |s: &str| c.by_id(s).is_some();
            let checks: [Check<'_>; 2] = [
                ("in vendor.lists", &is_list),
                ("in vendor.oem_for", &is_vendor),
            ];
            for (needle, known) in checks {
                for (at, _) in when.match_indices(needle) {
                    let before = when[..at].trim_end();
                    let name = before
                        .strip_suffix('"')
                        .and_then(|b| b.rsplit('"').next())
                        .unwrap_or("");
                    assert!(known(name), "{pack}: unknown {needle:?} value {name:?}");
                }
            }
        }
        let tests = doc.get("test").and_then(toml::Value::as_array);
        for test in tests.into_iter().flatten() {
            let assets = test.get("assets").and_then(toml::Value::as_array);
            for asset in assets.into_iter().flatten() {
                for field in ["vendor", "brand"] {
                    if let Some(name) = asset.get(field).and_then(toml::Value::as_str) {
                        let resolves = c.match_name(name).is_some();
                        assert!(
                            resolves || name == "Generic",
                            "{pack}: test asset {field} {name:?} does not resolve"
                        );
                    }
                }
            }
        }
        pack_tests_cover_every_rule(pack, &doc);
    }
}

/// Rule ids are unique kebab-case, every test names only known rules, and
/// every rule is named by at least two tests, at least one expecting it.
fn pack_tests_cover_every_rule(pack: &str, doc: &toml::Table) {
    let ids: Vec<&str> = doc
        .get("rule")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("id").and_then(toml::Value::as_str))
        .collect();
    assert!(!ids.is_empty(), "{pack}: no rules");
    let mut named: HashMap<&str, (usize, usize)> = HashMap::new();
    let tests = doc.get("test").and_then(toml::Value::as_array);
    for test in tests.into_iter().flatten() {
        for (key, positive) in [("expect", true), ("expect_not", false)] {
            let list = test.get(key).and_then(toml::Value::as_array);
            for id in list.into_iter().flatten().filter_map(toml::Value::as_str) {
                assert!(
                    ids.contains(&id),
                    "{pack}: a test names unknown rule {id:?}"
                );
                let entry = named.entry(id).or_default();
                entry.0 += 1;
                entry.1 += usize::from(positive);
            }
        }
    }
    let mut seen = BTreeSet::new();
    for id in &ids {
        assert!(is_slug(id), "{pack}: rule id {id:?} is not kebab-case");
        assert!(seen.insert(*id), "{pack}: rule id {id:?} twice");
        let (all, positive) = named.get(id).copied().unwrap_or_default();
        assert!(
            all >= 2 && positive >= 1,
            "{pack}/{id}: {all} tests, {positive} expecting it"
        );
    }
}

#[test]
fn minimal_catalog() {
    let c = Catalog::parse("t.toml", MINIMAL).map_err(|e| e.to_string());
    let c = c.as_ref().map(|c| (c.vendors().len(), c.by_id("acme")));
    assert_eq!(c, Ok((1, Some(0))));
}

#[test]
fn unknown_key_is_an_error_at_the_key() {
    let text = format!("{MINIMAL}colour = \"red\"\n");
    let p = problems(&text);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].0, ErrorKind::Toml);
    assert!(p[0].2.contains("colour"), "{}", p[0].2);
    let span = p[0].1.clone().unwrap_or_default();
    assert_eq!(&text[span], "colour");
}

#[test]
fn syntax_error_has_a_span() {
    let p = problems("[[vendor]\nid = 1");
    assert_eq!(p[0].0, ErrorKind::Toml);
    assert!(p[0].1.is_some());
}

#[test]
fn every_problem_is_collected() {
    let text = r#"
[[vendor]]
id = "Acme"
name = "Acme"
oem_for = ["nobody"]
ouis = ["C0:56", "C0:56:E3", "c0-56-e3"]
models = ["DS-[2"]
lists = ["FCC list"]
sources = ["http://example.com"]

[[vendor]]
id = "Acme"
name = "ACME Ltd."
"#;
    let kinds: Vec<ErrorKind> = problems(text).into_iter().map(|p| p.0).collect();
    for k in [
        ErrorKind::BadId,
        ErrorKind::DuplicateId,
        ErrorKind::UnknownVendor,
        ErrorKind::BadOui,
        ErrorKind::DuplicateOui,
        ErrorKind::BadModelGlob,
        ErrorKind::BadList,
        ErrorKind::BadSource,
        ErrorKind::MissingSource,
        ErrorKind::AmbiguousName,
    ] {
        assert!(kinds.contains(&k), "{k:?} not in {kinds:?}");
    }
}

#[test]
fn ambiguous_name_points_at_both() {
    let text = format!(
        "{MINIMAL}\n[[vendor]]\nid = \"other\"\nname = \"Other\"\naliases = [\"ACME cameras\"]\nsources = [\"https://example.com/o\"]\n"
    );
    let e = Catalog::parse("t.toml", &text).err();
    let e = e.as_ref().map(|e| (e.kind(), e.spans().len()));
    assert_eq!(e, Some((ErrorKind::AmbiguousName, 2)));
}

#[test]
fn oui_parse_and_display() {
    for (text, bits, shown) in [
        ("C0:56:E3", 24, "C0:56:E3"),
        ("c0-61-9a-e", 28, "C0:61:9A:E"),
        ("70:B3:D5:0A:E", 36, "70:B3:D5:0A:E"),
    ] {
        let oui = Oui::parse(text);
        assert_eq!(oui.map(Oui::bits), Some(bits), "{text}");
        assert_eq!(oui.map(|o| o.to_string()).as_deref(), Some(shown));
    }
    for bad in [
        "",
        "C0:56",
        "C0:56:E3:12",
        "C0:56:E3:12:34",
        "G0:56:E3",
        "C05:6E3",
        "C0::56:E3",
    ] {
        assert_eq!(Oui::parse(bad), None, "{bad:?}");
    }
    let oui = Oui::parse("C0:61:9A:E").unwrap_or(Oui {
        prefix: 0,
        bits: 24,
    });
    assert!(oui.contains(0xC061_9AE1_2345));
    assert!(!oui.contains(0xC061_9AF1_2345));
}

#[test]
fn slugs() {
    for ok in ["axis", "cisco-meraki", "i-pro", "ndaa-889"] {
        assert!(is_slug(ok), "{ok}");
    }
    for bad in ["", "Axis", "-axis", "axis-", "a--b", "a b", "a_b"] {
        assert!(!is_slug(bad), "{bad}");
    }
}

#[test]
fn generated_builtin_matches_the_file() {
    // The data build.rs compiled from the file gives the same catalog as
    // parsing and validating the file: every vendor field and span, the
    // id and name maps, and the index answers.
    let vendors = builtin::vendors().expect("build.rs compiled the builtin catalog");
    let generated = load::trusted(vendors);
    let parsed = Catalog::builtin_parsed().expect("the builtin catalog is valid");
    assert_eq!(
        format!("{:?}", generated.vendors()),
        format!("{:?}", parsed.vendors())
    );
    assert_eq!(generated.by_id, parsed.by_id);
    assert_eq!(generated.exact, parsed.exact);
    assert_eq!(generated.normalized, parsed.normalized);
    let shared = Catalog::builtin_shared();
    assert_eq!(
        format!("{:?}", shared.vendors()),
        format!("{:?}", parsed.vendors())
    );
    for (vendor, v) in parsed.vendors().iter().enumerate() {
        for oui in &v.ouis {
            let mac = oui.prefix() << (48 - u32::from(oui.bits()));
            assert_eq!(
                generated.oui_index.longest(mac).map(|(o, f)| (o, f.vendor)),
                parsed.oui_index.longest(mac).map(|(o, f)| (o, f.vendor)),
                "{oui} of vendor {vendor}"
            );
        }
    }
}

#[test]
fn builtin_evidence_texts_are_made_on_demand() {
    use crate::resolve::identify::Fact;
    let c = Catalog::builtin();
    let hik = c.by_id("hikvision").expect("hikvision is in the catalog");
    let v = c.vendor(hik);
    let oui = v.ouis[0];
    let fact = FactRef {
        vendor: hik,
        item: 0,
    };
    let text = c.describe_fact(Fact::Oui(oui, fact));
    let size = match oui.bits() {
        24 => "MA-L",
        28 => "MA-M",
        _ => "MA-S",
    };
    assert_eq!(text, format!("{size} {oui} of hikvision"));
    // The second call returns the kept text.
    assert_eq!(c.describe_fact(Fact::Oui(oui, fact)), text);
    let model = c.describe_fact(Fact::Model(fact));
    assert_eq!(
        model,
        format!("model pattern \"{}\" of hikvision", v.models[0])
    );
}
