//! The pattern indexes built once when a catalog loads (STYLE habit 22):
//! MAC prefixes by length, model globs as one [`GlobSet`], banners as one
//! Aho–Corasick automaton. Matching afterwards only hashes and scans.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind as AcMatchKind};
use globset::{Candidate, GlobBuilder, GlobSet, GlobSetBuilder};

use super::{Oui, Vendor};

/// A catalog fact of a list field: the vendor and the position in its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FactRef {
    /// Index of the vendor.
    pub vendor: usize,
    /// Position in the vendor's list (`models`, `ouis` or `banners`).
    pub item: usize,
}

/// IEEE prefixes in one hash map per prefix length, longest first, so a
/// lookup is at most three hashes and the longest registered prefix wins
/// (an MA-S block inside another company's MA-L is the MA-S owner's).
#[derive(Clone, Debug, Default)]
pub struct OuiIndex {
    by_len: Vec<(u8, HashMap<u64, FactRef>)>,
}

impl OuiIndex {
    fn insert(&mut self, oui: Oui, fact: FactRef) {
        let bits = oui.bits();
        let pos = match self.by_len.iter().position(|(b, _)| *b <= bits) {
            Some(p) if self.by_len[p].0 == bits => p,
            Some(p) => {
                self.by_len.insert(p, (bits, HashMap::new()));
                p
            }
            None => {
                self.by_len.push((bits, HashMap::new()));
                self.by_len.len() - 1
            }
        };
        self.by_len[pos].1.entry(oui.prefix()).or_insert(fact);
    }

    /// The longest prefix of a 48-bit MAC that the catalog lists.
    pub fn longest(&self, mac: u64) -> Option<(Oui, FactRef)> {
        self.by_len.iter().find_map(|(bits, map)| {
            let prefix = mac >> (48 - u32::from(*bits));
            map.get(&prefix)
                .map(|&f| (Oui::from_parts(prefix, *bits), f))
        })
    }

    /// The longest listed prefix that contains a queried prefix (a query
    /// such as `C0:56:E3` names a block, not one address).
    pub fn containing(&self, query: Oui) -> Option<(Oui, FactRef)> {
        self.by_len
            .iter()
            .filter(|(bits, _)| *bits <= query.bits())
            .find_map(|(bits, map)| {
                let prefix = query.prefix() >> (query.bits() - bits);
                map.get(&prefix)
                    .map(|&f| (Oui::from_parts(prefix, *bits), f))
            })
    }
}

/// Model globs, compiled into one set, case-insensitive.
#[derive(Clone, Debug, Default)]
pub struct ModelIndex {
    set: GlobSet,
    facts: Vec<FactRef>,
}

impl ModelIndex {
    /// The first (in catalog order) glob that matches a normalised model,
    /// using `hits` as scratch.
    pub fn first(&self, model: &str, hits: &mut Vec<usize>) -> Option<FactRef> {
        if self.facts.is_empty() {
            return None;
        }
        self.set
            .matches_candidate_into(&Candidate::new(model), hits);
        hits.iter().min().and_then(|&i| self.facts.get(i).copied())
    }
}

/// Banner strings, as one ASCII-case-insensitive automaton.
#[derive(Clone, Debug, Default)]
pub struct BannerIndex {
    ac: Option<AhoCorasick>,
    facts: Vec<FactRef>,
}

impl BannerIndex {
    /// Every banner found in `text`, leftmost-longest, non-overlapping.
    pub fn find<'a>(&'a self, text: &'a str) -> impl Iterator<Item = FactRef> + 'a {
        self.ac
            .iter()
            .flat_map(move |ac| ac.find_iter(text))
            .filter_map(|m| self.facts.get(m.pattern().as_usize()).copied())
    }
}

/// Builds the three indexes from validated vendors. Globs that do not
/// compile were already reported by validation and are skipped here.
pub(super) fn build(vendors: &[Vendor]) -> (OuiIndex, ModelIndex, BannerIndex) {
    let mut ouis = OuiIndex::default();
    let mut globs = GlobSetBuilder::new();
    let mut model_facts = Vec::new();
    let mut patterns: Vec<&str> = Vec::new();
    let mut banner_facts = Vec::new();
    for (vendor, v) in vendors.iter().enumerate() {
        for (item, oui) in v.ouis.iter().enumerate() {
            ouis.insert(*oui, FactRef { vendor, item });
        }
        for (item, model) in v.models.iter().enumerate() {
            let glob = GlobBuilder::new(&normalize_model_glob(model))
                .case_insensitive(true)
                .literal_separator(false)
                .build();
            if let Ok(glob) = glob {
                globs.add(glob);
                model_facts.push(FactRef { vendor, item });
            }
        }
        for (item, banner) in v.banners.iter().enumerate() {
            if !banner.trim().is_empty() {
                patterns.push(banner.as_str());
                banner_facts.push(FactRef { vendor, item });
            }
        }
    }
    let set = globs.build().unwrap_or_else(|_| GlobSet::empty());
    let models = if set.len() == model_facts.len() {
        ModelIndex {
            set,
            facts: model_facts,
        }
    } else {
        ModelIndex::default()
    };
    let ac = if patterns.is_empty() {
        None
    } else {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(AcMatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()
    };
    let banners = BannerIndex {
        facts: if ac.is_some() {
            banner_facts
        } else {
            Vec::new()
        },
        ac,
    };
    (ouis, models, banners)
}

/// A model glob as written, with the model normalisation applied to its
/// literal text (spaces removed), so `DS-2CD *` and `DS-2CD*` agree.
fn normalize_model_glob(glob: &str) -> String {
    glob.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The model-field normalisation the globs match against: trimmed, ASCII
/// upper case, white space and default-ignorable characters removed,
/// full-width ASCII folded, and `_`, en and em dashes, hyphen look-alikes
/// and the minus sign turned into `-`. Written into `out` (cleared first).
pub fn normalize_model(model: &str, out: &mut String) {
    normalize_model_as(model, None, out);
}

/// [`normalize_model`], but each run of white space inside the model is
/// written as `-` (registers write `DS 2CD2043` for `DS-2CD2043`).
pub fn normalize_model_spaced(model: &str, out: &mut String) {
    normalize_model_as(model, Some('-'), out);
}

fn normalize_model_as(model: &str, space: Option<char>, out: &mut String) {
    out.clear();
    let mut pending = false;
    for c in model.trim().chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '_' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
            | '\u{FE63}' => '-',
            _ => c,
        };
        if c.is_whitespace() {
            pending = space.is_some();
            continue;
        }
        if crate::resolve::normalize::is_default_ignorable(c) {
            continue;
        }
        if let (true, Some(sep)) = (pending, space) {
            if c != sep && !out.is_empty() && !out.ends_with(sep) {
                out.push(sep);
            }
        }
        pending = false;
        out.push(c.to_ascii_uppercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_normalisation() {
        let mut s = String::new();
        for (input, want) in [
            (" ds-2cd2043g2-i ", "DS-2CD2043G2-I"),
            ("DS 2CD 2043", "DS2CD2043"),
            ("DS_2CD2043", "DS-2CD2043"),
            ("DS\u{2013}2CD2043", "DS-2CD2043"),
            ("ＤＳ－２ＣＤ２０４３", "DS-2CD2043"),
            ("DS-2CD\u{200B}2043", "DS-2CD2043"),
            ("", ""),
        ] {
            normalize_model(input, &mut s);
            assert_eq!(s, want, "{input:?}");
        }
        normalize_model_spaced(" DS 2CD  2043 ", &mut s);
        assert_eq!(s, "DS-2CD-2043");
        for spaced in ["DS -2CD", "DS- 2CD", "DS - 2CD"] {
            normalize_model_spaced(spaced, &mut s);
            assert_eq!(s, "DS-2CD", "{spaced:?}");
        }
    }

    fn vendor(ouis: &[&str]) -> Vendor {
        Vendor {
            ouis: ouis.iter().filter_map(|o| Oui::parse(o)).collect(),
            ..Vendor::default()
        }
    }

    #[test]
    fn longest_prefix_wins() {
        // Vendor 0 has an MA-L; vendor 1 an MA-M and vendor 2 an MA-S inside it.
        let vendors = [
            vendor(&["70:B3:D5"]),
            vendor(&["70:B3:D5:0"]),
            vendor(&["70:B3:D5:0A:E"]),
        ];
        let (index, _, _) = build(&vendors);
        let who = |mac: u64| index.longest(mac).map(|(o, f)| (f.vendor, o.bits()));
        assert_eq!(who(0x70B3_D50A_E123), Some((2, 36)));
        assert_eq!(who(0x70B3_D50A_F123), Some((1, 28)));
        assert_eq!(who(0x70B3_D5FF_FFFF), Some((0, 24)));
        assert_eq!(who(0x70B3_D600_0000), None);
        let q = |s: &str| {
            Oui::parse(s)
                .and_then(|o| index.containing(o))
                .map(|(_, f)| f.vendor)
        };
        assert_eq!(q("70:B3:D5"), Some(0));
        assert_eq!(q("70:B3:D5:0"), Some(1));
        assert_eq!(q("70:B3:D5:0A:E"), Some(2));
        assert_eq!(q("70:B3:D5:1"), Some(0));
    }
}
