//! Asset → vendor identification, with the evidence for it.
//!
//! Identification runs a fixed table of [`Matcher`]s over an asset. Each
//! matcher reads one kind of field and pushes [`Signal`]s: a vendor, how
//! strongly the signal ties the asset to it ([`Strength`]), and the
//! [`Evidence`] to show. This first cut has name matchers only:
//!
//! | field    | matches                                    | strength     |
//! |----------|--------------------------------------------|--------------|
//! | `brand`  | any catalog name, alias, brand, subsidiary | [`Strength::Branded`]  |
//! | `vendor` | the same                                   | [`Strength::Declared`] |
//! | `model`  | the same, only when the whole text is one  | [`Strength::Mention`]  |
//!
//! Model globs, MAC prefixes and banners are further rows of the table with
//! their own strengths; nothing else changes when they land.
//!
//! **Choosing the vendor.** The strongest signal wins; among equals, the
//! table order. So when `vendor` and `brand` disagree, the brand wins: a
//! relabelled or branded device is made by the brand's group (an `EZVIZ`
//! camera declared as "Generic" is Hikvision's). One exception: when the
//! winner is a reported relabeller whose `oem_for` names the vendor another
//! signal points to (brand `LTS`, vendor `Hikvision`), both agree on who made
//! it, and the maker is chosen. Every signal is kept as evidence, the
//! chosen vendor's first, and the other vendors named are in
//! [`Identification::others`], so a later check can report a declaration
//! that disagrees with stronger evidence.
//!
//! **Speed.** Per field: one hash lookup of the trimmed text in the exact
//! index; only on a miss, one normalisation into a reused buffer and one
//! lookup in the normalised index. No regex, no allocation on a miss
//! beyond the buffer, and values longer than [`MAX_NAME_INPUT`] bytes are
//! not looked up at all.

use crate::diag::{Evidence, MatchKind};
use crate::model::{Asset, AssetField};
use crate::resolve::catalog::{Catalog, NameFact};
use crate::resolve::normalize::normalize_into;

/// Longest field value (in bytes) that is looked up as a name. No catalog
/// name comes near it; longer cells are free text.
pub const MAX_NAME_INPUT: usize = 512;

/// How strongly a signal ties an asset to a vendor; later variants are
/// stronger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// Another field's whole text is a catalog name (a brand written in the
    /// model column).
    Mention,
    /// The declared manufacturer (`vendor` field) is a catalog name.
    Declared,
    /// The brand on the device (`brand` field) is a catalog name.
    Branded,
}

/// Which vendor an asset is, and why.
#[derive(Clone, Debug)]
pub struct Identification {
    /// Index into the catalog.
    pub vendor: usize,
    /// The facts that matched: the chosen vendor's, strongest first, then
    /// those that pointed elsewhere, strongest first.
    pub evidence: Vec<Evidence>,
    /// The strength of the strongest evidence for the chosen vendor.
    pub strength: Strength,
    /// Other vendors that some evidence pointed to, strongest first: a
    /// disagreeing declaration, or the relabeller of the chosen vendor.
    pub others: Vec<usize>,
}

/// A catalog name that a text matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameMatch {
    /// The name and its vendor.
    pub fact: NameFact,
    /// Whether the text was the name as written, or equal after
    /// normalisation.
    pub how: MatchKind,
}

/// One piece of evidence for one vendor.
#[derive(Clone, Debug)]
pub struct Signal {
    /// Index of the vendor it points to.
    pub vendor: usize,
    /// How strongly.
    pub strength: Strength,
    /// What to show.
    pub evidence: Evidence,
}

/// Scratch space reused across the matchers of one identification.
#[derive(Default)]
pub struct Scratch {
    key: String,
}

/// One row of the identification table.
pub struct Matcher {
    /// What it reads, for documentation and tests.
    pub field: AssetField,
    /// How strong its signals are.
    pub strength: Strength,
    /// Pushes the signals it finds.
    pub run: fn(&Catalog, &Asset, &Matcher, &mut Scratch, &mut Vec<Signal>),
}

/// The identification table, in tie-break order.
pub const MATCHERS: &[Matcher] = &[
    Matcher {
        field: AssetField::Brand,
        strength: Strength::Branded,
        run: name_field,
    },
    Matcher {
        field: AssetField::Vendor,
        strength: Strength::Declared,
        run: name_field,
    },
    Matcher {
        field: AssetField::Model,
        strength: Strength::Mention,
        run: name_field,
    },
];

/// A text field whose whole value may be a catalog name.
fn name_field(
    catalog: &Catalog,
    asset: &Asset,
    matcher: &Matcher,
    scratch: &mut Scratch,
    out: &mut Vec<Signal>,
) {
    let Some(text) = asset.text(matcher.field) else {
        return;
    };
    let Some(m) = catalog.match_name_with(text.value, scratch) else {
        return;
    };
    out.push(Signal {
        vendor: m.fact.vendor,
        strength: matcher.strength,
        evidence: Evidence {
            field: matcher.field.name().to_string(),
            value: text.value.to_string(),
            fact: catalog.describe(m.fact),
            how: m.how,
            span: Some(text.span),
        },
    });
}

impl Catalog {
    /// The catalog name a text is, if any: first as written (trimmed), then
    /// after [`normalize`](crate::resolve::normalize::normalize).
    pub fn match_name(&self, text: &str) -> Option<NameMatch> {
        self.match_name_with(text, &mut Scratch::default())
    }

    fn match_name_with(&self, text: &str, scratch: &mut Scratch) -> Option<NameMatch> {
        let text = text.trim();
        if text.is_empty() || text.len() > MAX_NAME_INPUT {
            return None;
        }
        if let Some(&fact) = self.exact.get(text) {
            return Some(NameMatch {
                fact,
                how: MatchKind::Exact,
            });
        }
        normalize_into(text, &mut scratch.key);
        if scratch.key.is_empty() {
            return None;
        }
        self.normalized
            .get(scratch.key.as_str())
            .map(|&fact| NameMatch {
                fact,
                how: MatchKind::Normalized,
            })
    }

    /// How evidence names a catalog name: `brand "EZVIZ" of hikvision`.
    pub fn describe(&self, fact: NameFact) -> String {
        let id = self.get(fact.vendor).map_or("", |v| v.id.as_str());
        format!(
            "{} \"{}\" of {}",
            fact.kind.word(),
            self.fact_text(fact),
            id
        )
    }

    /// Identifies an asset's vendor from all its fields.
    pub fn identify(&self, asset: &Asset) -> Option<Identification> {
        let mut scratch = Scratch::default();
        let mut signals = Vec::new();
        for matcher in MATCHERS {
            (matcher.run)(self, asset, matcher, &mut scratch, &mut signals);
        }
        self.choose(signals)
    }

    /// Picks the vendor from the signals (see the module docs).
    pub fn choose(&self, mut signals: Vec<Signal>) -> Option<Identification> {
        // Stable: equal strengths keep table order.
        signals.sort_by_key(|s| std::cmp::Reverse(s.strength));
        let top = signals.first()?;
        let mut vendor = top.vendor;
        let mut strength = top.strength;
        if let Some(relabeller) = self.get(vendor) {
            if let Some(maker) = signals.iter().find(|s| {
                s.vendor != vendor
                    && self
                        .get(s.vendor)
                        .is_some_and(|m| relabeller.oem_for.contains(&m.id))
            }) {
                vendor = maker.vendor;
                strength = maker.strength;
            }
        }
        let (mine, theirs): (Vec<Signal>, Vec<Signal>) =
            signals.into_iter().partition(|s| s.vendor == vendor);
        let mut others = Vec::new();
        for s in &theirs {
            if !others.contains(&s.vendor) {
                others.push(s.vendor);
            }
        }
        Some(Identification {
            vendor,
            evidence: mine.into_iter().chain(theirs).map(|s| s.evidence).collect(),
            strength,
            others,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::Value;
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
    fn model_counts_only_when_it_is_a_name() {
        let c = Catalog::builtin();
        assert_eq!(
            id_of(&c, &[(AssetField::Model, "EZVIZ")]).as_deref(),
            Some("hikvision")
        );
        assert_eq!(id_of(&c, &[(AssetField::Model, "DS-2CD2043G2-I")]), None);
        let id = c.identify(&asset(&[(AssetField::Model, "Imou")]));
        assert_eq!(id.map(|i| i.strength), Some(Strength::Mention));
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
}
