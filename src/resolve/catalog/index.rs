//! The pattern indexes built once per catalog (STYLE habit 22): MAC
//! prefixes by length, model globs as one [`GlobSet`], banners as one
//! Aho–Corasick automaton. Matching afterwards only hashes and scans.
//!
//! The prefix maps and the simple model matcher are built when the catalog
//! loads. The `GlobSet` (needed only for non-ASCII models or globs outside
//! the simple subset) and the banner automaton (needed only when a record
//! has a banner-bearing field) are compiled on first use, once, and shared
//! from then on: a pre-commit run over a few assets often needs neither,
//! and compiling them was a quarter of the builtin catalog's load.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind as AcMatchKind};
use globset::{Candidate, GlobBuilder, GlobSet, GlobSetBuilder};

use super::glob::SimpleGlob;
use super::{Oui, Vendor};

/// A catalog fact of a list field: the vendor and the position in its list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FactRef {
    /// Index of the vendor.
    pub vendor: usize,
    /// Position in the vendor's list (`models`, `ouis` or `banners`).
    pub item: usize,
}

/// A multiply-mix hasher for the integer keys of the indexes (MAC
/// prefixes, two-byte model stems): keys are not attacker-chosen hash
/// flooding material (they come from the catalog), and SipHash would cost
/// more than the rest of a MAC lookup.
#[derive(Clone, Copy, Debug, Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let x = (self.0.rotate_left(26) ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 32);
    }
}

type KeyMap<K, V> = HashMap<K, V, BuildHasherDefault<KeyHasher>>;

/// IEEE prefixes in one hash map per prefix length, longest first, so a
/// lookup is at most three hashes and the longest registered prefix wins
/// (an MA-S block inside another company's MA-L is the MA-S owner's).
#[derive(Clone, Debug, Default)]
pub struct OuiIndex {
    by_len: Vec<(u8, KeyMap<u64, FactRef>)>,
}

impl OuiIndex {
    fn insert(&mut self, oui: Oui, fact: FactRef) {
        let bits = oui.bits();
        let pos = match self.by_len.iter().position(|(b, _)| *b <= bits) {
            Some(p) if self.by_len[p].0 == bits => p,
            Some(p) => {
                self.by_len.insert(p, (bits, KeyMap::default()));
                p
            }
            None => {
                self.by_len.push((bits, KeyMap::default()));
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

/// Model globs, case-insensitive. When every glob is in the simple subset
/// (literals, `*`, `?`, classes), ASCII models are matched by a small
/// matcher, with the globs bucketed by their first two bytes so a model
/// only meets the globs of its own stem; the compiled `GlobSet` answers for
/// everything else.
#[derive(Clone, Debug, Default)]
pub struct ModelIndex {
    /// The globs as normalised, in `facts` order, for the `GlobSet`.
    globs: Vec<String>,
    /// Compiled from `globs` on first use.
    set: OnceLock<GlobSet>,
    facts: Vec<FactRef>,
    /// Every glob in simple form, in `facts` order, if all are simple.
    simple: Option<Vec<SimpleGlob>>,
    /// Glob indices (ascending) by the first two bytes of their literal
    /// start, upper case.
    stems: KeyMap<[u8; 2], Vec<usize>>,
    /// Glob indices (ascending) without a literal two-byte start.
    unstemmed: Vec<usize>,
}

impl ModelIndex {
    /// The first (in catalog order) glob that matches a normalised model,
    /// using `hits` as scratch.
    pub fn first(&self, model: &str, hits: &mut Vec<usize>) -> Option<FactRef> {
        if self.facts.is_empty() {
            return None;
        }
        let index = match &self.simple {
            Some(simple) if model.is_ascii() => {
                let bytes = model.as_bytes();
                let bucket = match bytes {
                    [a, b, ..] => self
                        .stems
                        .get(&[a.to_ascii_uppercase(), b.to_ascii_uppercase()])
                        .map_or(&[][..], Vec::as_slice),
                    _ => &[],
                };
                let hit = |list: &[usize]| {
                    list.iter()
                        .copied()
                        .find(|&i| simple.get(i).is_some_and(|g| g.matches(bytes)))
                };
                match (hit(bucket), hit(&self.unstemmed)) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
            _ => self.first_in_set(model, hits),
        };
        index.and_then(|i| self.facts.get(i).copied())
    }

    /// The first matching glob's index, by the `GlobSet`.
    fn first_in_set(&self, model: &str, hits: &mut Vec<usize>) -> Option<usize> {
        self.set
            .get_or_init(|| glob_set(&self.globs).unwrap_or_else(GlobSet::empty))
            .matches_candidate_into(&Candidate::new(model), hits);
        hits.iter().min().copied()
    }
}

/// The globs (already normalised) as one case-insensitive `GlobSet`, or
/// `None` if one of them does not compile.
fn glob_set(globs: &[String]) -> Option<GlobSet> {
    let mut set = GlobSetBuilder::new();
    for g in globs {
        let glob = GlobBuilder::new(g)
            .case_insensitive(true)
            .literal_separator(false)
            .build()
            .ok()?;
        set.add(glob);
    }
    set.build().ok()
}

/// Banner strings, as one ASCII-case-insensitive automaton (compiled on
/// first use).
#[derive(Clone, Debug, Default)]
pub struct BannerIndex {
    patterns: Vec<String>,
    ac: OnceLock<Option<AhoCorasick>>,
    facts: Vec<FactRef>,
}

impl BannerIndex {
    /// Every banner found in `text`, leftmost-longest, non-overlapping.
    pub fn find<'a>(&'a self, text: &'a str) -> impl Iterator<Item = FactRef> + 'a {
        let ac = if self.patterns.is_empty() {
            None
        } else {
            self.ac.get_or_init(|| automaton(&self.patterns)).as_ref()
        };
        ac.into_iter()
            .flat_map(move |ac| ac.find_iter(text))
            .filter_map(|m| self.facts.get(m.pattern().as_usize()).copied())
    }
}

/// The banners as one leftmost-longest, ASCII-case-insensitive automaton.
fn automaton(patterns: &[String]) -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(AcMatchKind::LeftmostLongest)
        .build(patterns)
        .ok()
}

/// Builds the three indexes from validated vendors. Globs that do not
/// compile were already reported by validation and are skipped here. The
/// `GlobSet` and the banner automaton are only prepared: they compile on
/// first use (a set that fails to compile as a whole then matches
/// nothing).
pub(super) fn build(vendors: &[Vendor]) -> (OuiIndex, ModelIndex, BannerIndex) {
    let mut ouis = OuiIndex::default();
    let mut model_facts = Vec::new();
    let mut model_globs: Vec<String> = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut banner_facts = Vec::new();
    for (vendor, v) in vendors.iter().enumerate() {
        for (item, oui) in v.ouis.iter().enumerate() {
            ouis.insert(*oui, FactRef { vendor, item });
        }
        for (item, model) in v.models.iter().enumerate() {
            let glob = normalize_model_glob(model);
            if globset::Glob::new(&glob).is_ok() {
                model_facts.push(FactRef { vendor, item });
                model_globs.push(glob);
            }
        }
        for (item, banner) in v.banners.iter().enumerate() {
            if !banner.trim().is_empty() {
                patterns.push(banner.clone());
                banner_facts.push(FactRef { vendor, item });
            }
        }
    }
    let simple: Option<Vec<SimpleGlob>> = model_globs.iter().map(|g| SimpleGlob::new(g)).collect();
    let mut stems: KeyMap<[u8; 2], Vec<usize>> = KeyMap::default();
    let mut unstemmed = Vec::new();
    for (i, g) in model_globs.iter().enumerate() {
        match literal_stem(g) {
            Some(stem) => stems.entry(stem).or_default().push(i),
            None => unstemmed.push(i),
        }
    }
    let models = ModelIndex {
        globs: model_globs,
        set: OnceLock::new(),
        facts: model_facts,
        simple,
        stems,
        unstemmed,
    };
    let banners = BannerIndex {
        patterns,
        ac: OnceLock::new(),
        facts: banner_facts,
    };
    (ouis, models, banners)
}

/// The first two bytes of a glob when both are literal ASCII letters,
/// digits or `-`, upper-cased: every text it matches starts with them.
fn literal_stem(glob: &str) -> Option<[u8; 2]> {
    let plain = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-';
    match glob.as_bytes() {
        [a, b, ..] if plain(a) && plain(b) => {
            Some([a.to_ascii_uppercase(), b.to_ascii_uppercase()])
        }
        _ => None,
    }
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
    fn simple_globs_agree_with_the_glob_set() {
        let c = crate::resolve::catalog::Catalog::builtin();
        let index = &c.model_index;
        assert!(index.simple.is_some(), "every builtin model glob is simple");
        let corpus = include_str!("../../../tests/fixtures/identify/models.tsv");
        let mut models: Vec<String> = corpus
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').next())
            .map(|m| {
                let mut s = String::new();
                normalize_model(m, &mut s);
                s
            })
            .collect();
        models.extend(
            [
                "", "D", "DS", "DS-", "DS-2C", "IPC-H", "NVR608", "TPC-AB1", "HW-",
            ]
            .map(String::from),
        );
        let mut hits = Vec::new();
        for m in &models {
            let by_set = index
                .first_in_set(m, &mut hits)
                .and_then(|i| index.facts.get(i).copied());
            assert_eq!(index.first(m, &mut hits), by_set, "{m:?}");
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
