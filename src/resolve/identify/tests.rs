use std::sync::Arc;

use super::*;
use crate::source::{Snippet, Spanned};

/// An asset from (field, value) pairs; each value gets a distinct span.
fn asset(fields: &[(AssetField, &str)]) -> Asset {
    let mut text = String::new();
    let mut spans = Vec::new();
    for (_, v) in fields {
        let start = text.len();
        text.push_str(v);
        spans.push(start..text.len());
        text.push(',');
    }
    let snippet = Snippet::whole(Arc::from("t.csv"), Arc::from(text.as_str()));
    let mut a = Asset::new(1, 0..text.len(), snippet);
    for ((field, v), span) in fields.iter().zip(spans) {
        a.set(*field, Spanned::new(Value::Str((*v).to_string()), span));
    }
    a
}

fn id_of(c: &Catalog, fields: &[(AssetField, &str)]) -> Option<String> {
    c.identify(&asset(fields))
        .map(|i| c.vendor(i.vendor).id.clone())
}

#[test]
fn matcher_table_is_in_strength_order() {
    for w in MATCHERS.windows(2) {
        assert!(w[0].strength >= w[1].strength);
    }
}

#[test]
fn brands_resolve_to_their_group_with_evidence() {
    let c = Catalog::builtin();
    for (brand, group) in [
        ("EZVIZ", "hikvision"),
        ("HiLook", "hikvision"),
        ("HiWatch", "hikvision"),
        ("Imou", "dahua"),
        ("HiSilicon", "huawei"),
    ] {
        let a = asset(&[(AssetField::Brand, brand)]);
        let id = c.identify(&a);
        let id = id.as_ref();
        assert_eq!(
            id.map(|i| c.vendor(i.vendor).id.as_str()),
            Some(group),
            "{brand}"
        );
        let ev = id.map(|i| i.evidence[0].clone());
        let ev = ev.as_ref();
        assert_eq!(ev.map(|e| e.field.as_str()), Some("brand"));
        assert_eq!(ev.map(|e| e.value.as_str()), Some(brand));
        assert_eq!(
            ev.map(|e| e.fact.clone()),
            Some(format!("brand \"{brand}\" of {group}"))
        );
        assert_eq!(ev.map(|e| e.how), Some(MatchKind::Exact));
        assert_eq!(ev.and_then(|e| e.span.clone()), Some(0..brand.len()));
    }
}

#[test]
fn declared_names_exact_and_normalised() {
    let c = Catalog::builtin();
    let cases = [
        ("Hikvision", "hikvision", MatchKind::Exact),
        (
            "HIKVISION DIGITAL TECHNOLOGY CO.,LTD.",
            "hikvision",
            MatchKind::Exact,
        ),
        (
            "hikvision digital technology co ltd",
            "hikvision",
            MatchKind::Normalized,
        ),
        ("Hik-Vision", "hikvision", MatchKind::Exact),
        ("HIK VISION", "hikvision", MatchKind::Normalized),
        ("\u{041D}ikvision", "hikvision", MatchKind::Normalized),
        ("ＨＩＫＶＩＳＩＯＮ", "hikvision", MatchKind::Normalized),
        ("Hik\u{200B}vision", "hikvision", MatchKind::Normalized),
        ("  Dahua  ", "dahua", MatchKind::Exact),
        (
            "Zhejiang Dahua Technology Co.,Ltd",
            "dahua",
            MatchKind::Normalized,
        ),
        (
            "ZHEJIANG DAHUA TECHNOLOGYCO.,LTD",
            "dahua",
            MatchKind::Exact,
        ),
        (
            "Hangzhou Ezviz Software Co.,Ltd.",
            "hikvision",
            MatchKind::Normalized,
        ),
        ("海康威视", "hikvision", MatchKind::Exact),
        ("Huawei Technologies Co., Ltd.", "huawei", MatchKind::Exact),
        ("zte corporation", "zte", MatchKind::Normalized),
        ("Hytera Communications Co .,ltd", "hytera", MatchKind::Exact),
        ("Axis Communications", "axis", MatchKind::Exact),
        ("AXIS COMMUNICATIONS AB", "axis", MatchKind::Normalized),
        ("Bosch", "bosch", MatchKind::Exact),
        ("Bosch Security Systems", "bosch", MatchKind::Exact),
        ("Samsung Techwin", "hanwha", MatchKind::Exact),
        ("Milestone Systems A/S", "milestone", MatchKind::Exact),
    ];
    for (text, want, how) in cases {
        let a = asset(&[(AssetField::Vendor, text)]);
        let id = c.identify(&a);
        let got = id
            .as_ref()
            .map(|i| (c.vendor(i.vendor).id.as_str(), i.evidence[0].how));
        assert_eq!(got, Some((want, how)), "{text:?}");
        assert_eq!(id.map(|i| i.strength), Some(Strength::Declared));
    }
}

#[test]
fn near_misses_do_not_resolve_to_a_banned_vendor() {
    let c = Catalog::builtin();
    for text in [
        "Hikari",
        "Dahlia Systems",
        "Hik",
        "Vision",
        "Dahua-like",
        "Honor",
        "Honor Device Co., Ltd.",
        "xFusion",
        "H3C",
        "Teltronics, Inc.",
        "Teltronic AG",
        "Generic",
        "",
        "   ",
        "Hikvision camera in the lobby",
    ] {
        let got = id_of(&c, &[(AssetField::Vendor, text)]);
        assert_eq!(got, None, "{text:?}");
    }
}

#[test]
fn brand_wins_over_a_disagreeing_vendor() {
    let c = Catalog::builtin();
    let a = asset(&[(AssetField::Vendor, "Axis"), (AssetField::Brand, "EZVIZ")]);
    let id = c.identify(&a);
    let id = id.as_ref();
    assert_eq!(
        id.map(|i| c.vendor(i.vendor).id.as_str()),
        Some("hikvision")
    );
    assert_eq!(id.map(|i| i.evidence.len()), Some(2));
    assert_eq!(
        id.map(|i| i.evidence[1].fact.as_str()),
        Some("alias \"Axis\" of axis")
    );
    assert_eq!(
        id.map(|i| i.others.clone()),
        Some(c.by_id("axis").into_iter().collect())
    );
}

#[test]
fn agreeing_fields_give_one_vendor_and_all_evidence() {
    let c = Catalog::builtin();
    let a = asset(&[
        (
            AssetField::Vendor,
            "Hangzhou Hikvision Digital Technology Co., Ltd.",
        ),
        (AssetField::Brand, "HiLook"),
        (AssetField::Model, "HiLook"),
    ]);
    let id = c.identify(&a);
    let id = id.as_ref();
    assert_eq!(
        id.map(|i| c.vendor(i.vendor).id.as_str()),
        Some("hikvision")
    );
    let fields: Vec<&str> = id
        .map(|i| i.evidence.iter().map(|e| e.field.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["brand", "vendor", "model"]);
    assert_eq!(id.map(|i| i.others.is_empty()), Some(true));
}

#[test]
fn relabeller_brand_with_its_maker_declared_picks_the_maker() {
    let c = Catalog::builtin();
    let a = asset(&[
        (AssetField::Vendor, "Hikvision"),
        (AssetField::Brand, "LTS"),
    ]);
    let id = c.identify(&a);
    let id = id.as_ref();
    assert_eq!(
        id.map(|i| c.vendor(i.vendor).id.as_str()),
        Some("hikvision")
    );
    assert_eq!(
        id.map(|i| i.others.clone()),
        Some(c.by_id("lts").into_iter().collect())
    );
    // Alone, the relabeller is itself, with oem_for naming the group.
    let lts = id_of(&c, &[(AssetField::Brand, "LTS")]);
    assert_eq!(lts.as_deref(), Some("lts"));
}

#[test]
fn model_as_a_name_is_a_mention_and_as_a_number_a_pattern() {
    let c = Catalog::builtin();
    assert_eq!(
        id_of(&c, &[(AssetField::Model, "EZVIZ")]).as_deref(),
        Some("hikvision")
    );
    let id = c.identify(&asset(&[(AssetField::Model, "Imou")]));
    assert_eq!(id.map(|i| i.strength), Some(Strength::Mention));
    let id = c.identify(&asset(&[(AssetField::Model, "ds-2cd2043g2-i")]));
    let id = id.as_ref();
    assert_eq!(id.map(|i| i.strength), Some(Strength::Model));
    assert_eq!(id.map(|i| i.matched_by()), Some("model"));
    assert_eq!(
        id.map(|i| i.evidence[0].fact.as_str()),
        Some("model pattern \"DS-2C[DE]*\" of hikvision")
    );
    assert_eq!(id.map(|i| i.evidence[0].how), Some(MatchKind::Pattern));
}

#[test]
fn long_values_are_not_looked_up() {
    let c = Catalog::builtin();
    let long = format!("Hikvision{}", "-".repeat(MAX_NAME_INPUT));
    assert_eq!(c.match_name(&long), None);
    assert!(c.match_name("Hikvision").is_some());
}

#[test]
fn every_builtin_name_resolves_to_its_vendor() {
    let c = Catalog::builtin();
    for (i, v) in c.vendors().iter().enumerate() {
        for kind in crate::resolve::catalog::NameKind::ALL {
            for name in v.names(*kind) {
                let m = c.match_name(name);
                assert_eq!(m.map(|m| m.fact.vendor), Some(i), "{name:?}");
                assert_eq!(m.map(|m| m.how), Some(MatchKind::Exact), "{name:?}");
            }
        }
    }
}

#[test]
fn tables_are_sorted_and_in_strength_order() {
    for w in GENERIC_DECLARATIONS.windows(2) {
        assert!(w[0] < w[1], "{:?} before {:?}", w[0], w[1]);
    }
    for w in Strength::ALL.windows(2) {
        assert!(w[0] < w[1]);
    }
    let mut key = String::new();
    for g in [
        "Generic",
        "Unknown",
        "N/A",
        "OEM",
        "white label",
        "-",
        "n.a.",
        "UNBRANDED",
        " ? ",
    ] {
        assert!(is_generic(g, &mut key), "{g:?}");
    }
    for g in ["Hikvision", "Acme", "Genetec"] {
        assert!(!is_generic(g, &mut key), "{g:?}");
    }
}

fn with_mac(fields: &[(AssetField, &str)], macs: &[&str]) -> Asset {
    let mut a = asset(fields);
    let items = macs
        .iter()
        .enumerate()
        .map(|(i, m)| Spanned::new((*m).to_string(), 1000 + i * 20..1000 + i * 20 + m.len()))
        .collect();
    a.set(
        AssetField::Mac,
        Spanned::new(Value::List(items), 1000..1100),
    );
    a
}

#[test]
fn mac_prefixes_in_any_notation() {
    let c = Catalog::builtin();
    for mac in [
        "c0:56:e3:12:34:56",
        "C0-56-E3-12-34-56",
        "c056.e312.3456",
        "C056E3123456",
    ] {
        let id = c.identify(&with_mac(&[], &[mac]));
        let id = id.as_ref();
        assert_eq!(
            id.map(|i| c.vendor(i.vendor).id.as_str()),
            Some("hikvision"),
            "{mac}"
        );
        assert_eq!(id.map(|i| i.matched_by()), Some("mac"));
        assert_eq!(
            id.map(|i| i.evidence[0].fact.as_str()),
            Some("MA-L C0:56:E3 of hikvision")
        );
        assert_eq!(
            id.and_then(|i| i.evidence[0].span.clone()),
            Some(1000..1000 + mac.len())
        );
    }
    // Locally administered, multicast and malformed MACs attribute nothing.
    for mac in [
        "c2:56:e3:12:34:56",
        "c1:56:e3:12:34:56",
        "c0:56:e3",
        "c0:56:e3:12:34:zz",
    ] {
        assert!(c.identify(&with_mac(&[], &[mac])).is_none(), "{mac}");
    }
    // A MAC list as one text.
    let a = asset(&[(AssetField::Mac, "02:00:00:00:00:01, 08:ED:ED:00:00:01")]);
    assert_eq!(
        c.identify(&a)
            .map(|i| c.vendor(i.vendor).id.clone())
            .as_deref(),
        Some("dahua")
    );
    // MA-M and MA-S blocks.
    assert_eq!(
        c.match_mac("B0:B3:53:60:00:01").map(|(o, _)| o.bits()),
        Some(28)
    );
    assert_eq!(c.match_mac("B0:B3:53:70:00:01"), None);
    assert_eq!(
        c.match_mac("70:B3:D5:0A:E0:01").map(|(o, _)| o.bits()),
        Some(36)
    );
    assert_eq!(c.match_mac("70:B3:D5:0A:F0:01"), None);
}

fn mismatch_of(c: &Catalog, a: &Asset) -> Option<(Option<String>, String, String)> {
    let id = c.identify(a)?;
    let m = id.mismatch?;
    Some((
        m.declared_vendor.map(|v| c.vendor(v).id.clone()),
        m.declared.fact,
        m.decided.field,
    ))
}

#[test]
fn mismatches() {
    let c = Catalog::builtin();
    let dahua_mac = "08:ED:ED:00:00:01";
    // Declared another catalog vendor.
    let a = with_mac(&[(AssetField::Vendor, "Honeywell")], &[dahua_mac]);
    assert_eq!(
        mismatch_of(&c, &a),
        Some((
            Some("honeywell".into()),
            "alias \"Honeywell\" of honeywell".into(),
            "mac".into()
        ))
    );
    let id = c.identify(&a);
    let m = id.as_ref().and_then(|i| i.mismatch.as_ref());
    assert_eq!(m.map(|m| m.declared.value.as_str()), Some("Honeywell"));
    assert_eq!(m.and_then(|m| m.declared.span.clone()), Some(0..9));
    assert_eq!(m.map(|m| m.decided.value.as_str()), Some(dahua_mac));
    // Generic and unknown declarations.
    let a = with_mac(&[(AssetField::Vendor, "Generic")], &[dahua_mac]);
    assert_eq!(
        mismatch_of(&c, &a),
        Some((
            None,
            "a generic declaration, naming no vendor".into(),
            "mac".into()
        ))
    );
    let a = asset(&[
        (AssetField::Vendor, "Acme Cameras"),
        (AssetField::Model, "IPC-HDW2441T-S"),
    ]);
    assert_eq!(
        mismatch_of(&c, &a),
        Some((None, "not in the catalog".into(), "model".into()))
    );
    // A brand stronger than the declaration.
    let a = asset(&[(AssetField::Vendor, "Axis"), (AssetField::Brand, "EZVIZ")]);
    assert_eq!(mismatch_of(&c, &a).map(|m| m.0), Some(Some("axis".into())));
    // Not mismatches: agreement, a relabeller of the decided vendor, no
    // declaration, or nothing stronger than the declaration.
    for a in [
        with_mac(&[(AssetField::Vendor, "Dahua")], &[dahua_mac]),
        with_mac(&[(AssetField::Vendor, "Imou")], &[dahua_mac]),
        with_mac(&[(AssetField::Vendor, "Lorex")], &[dahua_mac]),
        with_mac(&[(AssetField::Vendor, "Amcrest")], &[dahua_mac]),
        asset(&[
            (AssetField::Vendor, "LTS"),
            (AssetField::Model, "DS-2CD2043G2-I"),
        ]),
        with_mac(&[], &[dahua_mac]),
        with_mac(&[(AssetField::Vendor, "  ")], &[dahua_mac]),
        asset(&[
            (AssetField::Vendor, "Generic"),
            (AssetField::Hostname, "hikvision-lobby"),
        ]),
        asset(&[(AssetField::Vendor, "Axis")]),
    ] {
        let got = c.identify(&a);
        assert!(
            got.as_ref().is_some_and(|i| i.mismatch.is_none()),
            "{got:?}"
        );
    }
    // A declaration alone is never a mismatch, and nothing is not identified.
    assert!(c
        .identify(&asset(&[(AssetField::Vendor, "Generic")]))
        .is_none());
}

#[test]
fn banners_and_mentions_in_free_text() {
    let c = Catalog::builtin();
    for (field, text, want, strength) in [
        (
            AssetField::Firmware,
            "Server: Hikvision-Webs",
            "hikvision",
            Strength::Banner,
        ),
        (
            AssetField::Firmware,
            "RTSP/1.0 200 OK Server: Dahua Rtsp Server",
            "dahua",
            Strength::Banner,
        ),
        (
            AssetField::Hostname,
            "dnvrs-webs",
            "hikvision",
            Strength::Banner,
        ),
        (
            AssetField::Firmware,
            "ＤＮＶＲＳ－Ｗｅｂｓ",
            "hikvision",
            Strength::Banner,
        ),
        (
            AssetField::Hostname,
            "cam-hikvision-lobby",
            "hikvision",
            Strength::Mention,
        ),
        (
            AssetField::Firmware,
            "EZVIZ firmware V5.3.0",
            "hikvision",
            Strength::Mention,
        ),
    ] {
        let id = c.identify(&asset(&[(field, text)]));
        let id = id.as_ref();
        assert_eq!(
            id.map(|i| c.vendor(i.vendor).id.as_str()),
            Some(want),
            "{text}"
        );
        assert_eq!(id.map(|i| i.strength), Some(strength), "{text}");
    }
    for (field, text) in [
        (AssetField::Firmware, "Ubuntu 22.04 LTS"),
        (AssetField::Hostname, "zte-like"),
        (AssetField::Hostname, "hikari-gw-01"),
        (AssetField::Firmware, "dahlia 1.2"),
    ] {
        assert_eq!(id_of(&c, &[(field, text)]), None, "{text}");
    }
}

#[test]
fn lookup_picks_the_strongest_reading() {
    let c = Catalog::builtin();
    let look = |q: &str| {
        c.lookup(q).map(|i| {
            (
                c.vendor(i.vendor).id.clone(),
                i.matched_by().to_string(),
                i.evidence[0].value.clone(),
            )
        })
    };
    let s = |a: &str, b: &str, q: &str| Some((a.to_string(), b.to_string(), q.to_string()));
    assert_eq!(look("Hikvision"), s("hikvision", "name", "Hikvision"));
    assert_eq!(look("EZVIZ"), s("hikvision", "name", "EZVIZ"));
    assert_eq!(
        look("DS-2CD2043G2-I"),
        s("hikvision", "model", "DS-2CD2043G2-I")
    );
    assert_eq!(
        look("c056.e312.3456"),
        s("hikvision", "mac", "c056.e312.3456")
    );
    assert_eq!(look("C0:56:E3"), s("hikvision", "mac", "C0:56:E3"));
    assert_eq!(
        look("Dahua Rtsp Server"),
        s("dahua", "banner", "Dahua Rtsp Server")
    );
    assert_eq!(look("Hikari"), None);
    assert_eq!(look(""), None);
}
