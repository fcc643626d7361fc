//! Asset → vendor identification, with the evidence for it.
//!
//! Identification runs a fixed table of [`Matcher`]s ([`MATCHERS`]) over an
//! asset. Each reads one field and records hits: a vendor, how strongly the
//! hit ties the asset to it ([`Strength`]), and the catalog fact that
//! matched. The strongest hit decides; every hit is kept as [`Evidence`].
//!
//! | field      | matches                                         | how        | strength              |
//! |------------|-------------------------------------------------|------------|-----------------------|
//! | `mac`      | IEEE prefix, longest first (MA-S, MA-M, MA-L)   | pattern    | [`Strength::Oui`]      |
//! | `model`    | model glob, on the normalised model             | pattern    | [`Strength::Model`]    |
//! | `firmware` | banner string, as a substring                   | pattern    | [`Strength::Banner`]   |
//! | `hostname` | banner string, as a substring                   | pattern    | [`Strength::Banner`]   |
//! | `brand`    | catalog name, alias, brand or subsidiary        | exact/norm | [`Strength::Branded`]  |
//! | `vendor`   | the same                                        | exact/norm | [`Strength::Declared`] |
//! | `model`    | the same, only when the whole text is one       | exact/norm | [`Strength::Mention`]  |
//! | `hostname` | the same, on one word of the text               | exact/norm | [`Strength::Mention`]  |
//! | `firmware` | the same, on one word of the text               | exact/norm | [`Strength::Mention`]  |
//!
//! **Why this order.** Strength follows how hard a signal is to get wrong
//! or to relabel:
//!
//! - an **OUI** is assigned by the IEEE to the company that made the network
//!   interface; a relabeller's sticker does not change it, and nobody types
//!   it by hand as a claim about the vendor;
//! - a **model number** stem (`DS-2CD…`, `IPC-HDW…`) is the maker's own
//!   scheme and survives relabelling; the globs are chosen not to catch
//!   other makers' schemes, but a model cell is typed by people;
//! - a **banner** (`Hikvision-Webs`, `Dahua Rtsp Server`) comes from the
//!   firmware, so it shows lineage, but firmware text is copied between
//!   products and can be proxied;
//! - a **brand** is what is printed on the device: better than what a
//!   register declares, but exactly what relabelling changes;
//! - the **declared vendor** is what somebody wrote in the register;
//! - a **mention** is a name found in another field: incidental.
//!
//! **Choosing the vendor.** The strongest hit wins; among equals, the table
//! order. One exception: when the winner is a reported relabeller whose
//! `oem_for` names the vendor another hit points to (brand `LTS`, vendor
//! `Hikvision`), both agree on who made it, and the maker is chosen.
//!
//! **Disagreement.** When the deciding evidence is stronger than the
//! declared vendor and points elsewhere, [`Identification::mismatch`] says
//! so (see [`Mismatch`]): the declaration names another vendor, is generic
//! (`Generic`, `N/A`, `OEM`, `-`; see [`GENERIC_DECLARATIONS`]), or names
//! nothing in the catalog. A relabeller declared for its maker's device,
//! or the maker declared for its relabeller's, is not a disagreement.
//!
//! **Precision.** Names match only as whole values (or, for mentions, whole
//! words of at least [`MIN_MENTION_LEN`] bytes): `Hikari`, `Dahlia` and
//! `Hikma` are not Hikvision or Dahua. There is no edit-distance matching;
//! common misspellings are explicit catalog aliases, checked at load time
//! not to collide with another vendor's names.
//!
//! **Speed.** Hits are small `Copy` records in one vector; evidence text is
//! built only for the result. Per field: one hash lookup of the trimmed text
//! in the exact name index and, on a miss, one normalisation into a reused
//! buffer; MACs are parsed without allocating and looked up in at most
//! three hash maps; models go through one precompiled `GlobSet`, banners
//! through one Aho–Corasick automaton. [`Resolver`](crate::resolve::resolver::Resolver)
//! adds a memo of name results for registers that repeat the same texts.

use std::sync::OnceLock;

use crate::diag::{Evidence, MatchKind};
use crate::model::{Asset, AssetField, Value};
use crate::resolve::catalog::{
    normalize_model, normalize_model_spaced, Catalog, FactRef, NameFact, NameKind, Oui,
};
use crate::resolve::mac::{is_universal, parse_mac};
use crate::resolve::normalize::{is_default_ignorable, normalize_into};
use crate::source::Span;

/// Longest field value (in bytes) that is looked up as a name. No catalog
/// name comes near it; longer cells are free text.
pub const MAX_NAME_INPUT: usize = 512;

/// How much of a free-text field (firmware, hostname) is scanned for
/// banners and mentions, in bytes.
pub const MAX_TEXT_INPUT: usize = 4096;

/// Shortest word (in bytes) of a free-text field that is looked up as a
/// name: three-letter names (`LTS`, `ZTE`, `HYT`) are common abbreviations
/// in free text (`Ubuntu 22.04 LTS`) and count only as whole values.
pub const MIN_MENTION_LEN: usize = 4;

/// Normalised keys of declarations that name no vendor, sorted (a test
/// checks): `Generic`, `Unknown`, `N/A`, `OEM`, `white label`, `-`, …
pub const GENERIC_DECLARATIONS: &[&str] = &[
    "",
    "generic",
    "na",
    "noname",
    "nonbranded",
    "none",
    "notknown",
    "oem",
    "other",
    "tbc",
    "tbd",
    "unbranded",
    "unknown",
    "whitelabel",
];

/// How strongly a hit ties an asset to a vendor; later variants are
/// stronger (see the module docs for why).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// A catalog name in another field: the whole model text, or a word of
    /// the hostname or firmware.
    Mention,
    /// The declared manufacturer (`vendor` field) is a catalog name.
    Declared,
    /// The brand on the device (`brand` field) is a catalog name.
    Branded,
    /// A banner string of the catalog in the firmware or hostname.
    Banner,
    /// A model glob of the catalog matches the model.
    Model,
    /// An IEEE prefix of the catalog matches a MAC address.
    Oui,
}

impl Strength {
    /// Every strength, weakest first.
    pub const ALL: &'static [Strength] = &[
        Strength::Mention,
        Strength::Declared,
        Strength::Branded,
        Strength::Banner,
        Strength::Model,
        Strength::Oui,
    ];

    /// The lowercase word used in output: `mention`, `declared`, `brand`,
    /// `banner`, `model`, `oui`.
    pub fn word(self) -> &'static str {
        match self {
            Strength::Mention => "mention",
            Strength::Declared => "declared",
            Strength::Branded => "brand",
            Strength::Banner => "banner",
            Strength::Model => "model",
            Strength::Oui => "oui",
        }
    }
}

/// Which vendor an asset is, and why.
#[derive(Clone, Debug)]
pub struct Identification {
    /// Index into the catalog.
    pub vendor: usize,
    /// The strength of the deciding evidence (`evidence[0]`).
    pub strength: Strength,
    /// The facts that matched: the chosen vendor's, strongest first (the
    /// first one decided), then those that pointed elsewhere, strongest
    /// first.
    pub evidence: Vec<Evidence>,
    /// For each entry of `evidence`, at the same position: the vendor it
    /// points to and its strength.
    pub support: Vec<Support>,
    /// Other vendors that some evidence pointed to, strongest first: a
    /// disagreeing declaration, or the relabeller of the chosen vendor.
    pub others: Vec<usize>,
    /// Set when stronger evidence contradicts the declared vendor.
    pub mismatch: Option<Mismatch>,
}

impl Identification {
    /// The deciding evidence.
    pub fn decided(&self) -> Option<&Evidence> {
        self.evidence.first()
    }

    /// The field of the deciding evidence: `mac`, `model`, `firmware`,
    /// `hostname`, `brand`, `vendor` (or, from [`Catalog::lookup`], `name`,
    /// `model`, `mac`, `banner`).
    pub fn matched_by(&self) -> &str {
        self.decided().map_or("", |e| e.field.as_str())
    }

    /// Every field that supports the chosen vendor, strongest first, each
    /// once.
    pub fn fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (e, s) in self.evidence.iter().zip(&self.support) {
            if s.vendor == self.vendor && !out.contains(&e.field.as_str()) {
                out.push(e.field.as_str());
            }
        }
        out
    }
}

/// The vendor of an asset without its evidence
/// ([`Catalog::identify_vendor_with`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chosen {
    /// Index of the vendor, as [`Identification::vendor`].
    pub vendor: usize,
    /// As [`Identification::strength`].
    pub strength: Strength,
    /// Whether [`Identification::mismatch`] is set.
    pub mismatch: bool,
}

/// What one piece of evidence supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Support {
    /// Index of the vendor it points to.
    pub vendor: usize,
    /// How strongly.
    pub strength: Strength,
}

/// A declared vendor that stronger evidence contradicts.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// The `vendor` field: its value and span; `fact` is the catalog name it
    /// matched, or says that it is generic or not in the catalog.
    pub declared: Evidence,
    /// The vendor the declaration resolves to, if any.
    pub declared_vendor: Option<usize>,
    /// The evidence that decided (a copy of `evidence[0]`).
    pub decided: Evidence,
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

/// The catalog fact behind a hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    /// A name, alias, brand or subsidiary.
    Name(NameFact),
    /// A model glob.
    Model(FactRef),
    /// An IEEE prefix (the listed block) and its catalog entry.
    Oui(Oui, FactRef),
    /// A banner string.
    Banner(FactRef),
}

/// One match of one field: cheap to make, turned into [`Evidence`] only for
/// the result.
#[derive(Clone, Debug)]
pub struct Hit<'a> {
    /// Index of the vendor it points to.
    pub vendor: usize,
    /// How strongly.
    pub strength: Strength,
    /// The field's name in evidence.
    pub field: &'static str,
    /// The text that matched (the whole field value, or one MAC of a list).
    pub value: &'a str,
    /// The catalog fact.
    pub fact: Fact,
    /// How it matched.
    pub how: MatchKind,
    /// Where the value is.
    pub span: Option<Span>,
}

/// Scratch space reused across matchers and, in a
/// [`Resolver`](crate::resolve::resolver::Resolver), across assets.
#[derive(Default)]
pub struct Scratch {
    key: String,
    text: String,
    globs: Vec<usize>,
    memo: Option<crate::resolve::FastMap<Box<str>, Option<NameMatch>>>,
    /// Model texts and the glob they matched, kept alongside `memo`.
    models: crate::resolve::FastMap<Box<str>, Option<FactRef>>,
    memo_limit: usize,
}

impl Scratch {
    /// Scratch with a memo of name results, cleared whenever it holds more
    /// than `limit` texts.
    pub fn with_memo(limit: usize) -> Self {
        Scratch {
            memo: Some(Default::default()),
            memo_limit: limit,
            ..Scratch::default()
        }
    }

    /// How many texts the memo holds.
    pub fn memo_len(&self) -> usize {
        self.memo.as_ref().map_or(0, |m| m.len())
    }
}

/// The signature of a matcher: reads its field of the asset, pushes hits.
pub type MatchFn = for<'a> fn(&Catalog, &'a Asset, &Matcher, &mut Scratch, &mut Vec<Hit<'a>>);

/// One row of the identification table.
pub struct Matcher {
    /// What it reads.
    pub field: AssetField,
    /// How strong its hits are.
    pub strength: Strength,
    /// Pushes the hits it finds.
    pub run: MatchFn,
}

/// The identification table, strongest first; among equal strengths, the
/// order breaks ties.
pub const MATCHERS: &[Matcher] = &[
    Matcher {
        field: AssetField::Mac,
        strength: Strength::Oui,
        run: mac_field,
    },
    Matcher {
        field: AssetField::Model,
        strength: Strength::Model,
        run: model_field,
    },
    Matcher {
        field: AssetField::Firmware,
        strength: Strength::Banner,
        run: banner_field,
    },
    Matcher {
        field: AssetField::Hostname,
        strength: Strength::Banner,
        run: banner_field,
    },
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
    Matcher {
        field: AssetField::Firmware,
        strength: Strength::Mention,
        run: mention_field,
    },
    Matcher {
        field: AssetField::Hostname,
        strength: Strength::Mention,
        run: mention_field,
    },
];

/// Each MAC of the field (a list, or one text holding one or more).
fn mac_field<'a>(
    catalog: &Catalog,
    asset: &'a Asset,
    matcher: &Matcher,
    _: &mut Scratch,
    out: &mut Vec<Hit<'a>>,
) {
    let Some(cell) = asset.get(matcher.field) else {
        return;
    };
    match &cell.value {
        Value::Str(s) => mac_text(catalog, s, &cell.span, matcher, out),
        Value::List(items) => {
            for item in items {
                mac_text(catalog, &item.value, &item.span, matcher, out);
            }
        }
        _ => {}
    }
}

/// One text that is a MAC, or several separated by `,`, `;`, `|` or white
/// space.
fn mac_text<'a>(
    catalog: &Catalog,
    text: &'a str,
    span: &Span,
    m: &Matcher,
    out: &mut Vec<Hit<'a>>,
) {
    if text.len() > MAX_NAME_INPUT {
        return;
    }
    if let Some(mac) = parse_mac(text) {
        mac_hit(catalog, mac, text.trim(), span, m, out);
        return;
    }
    for part in text.split([',', ';', '|', '\n', '\t', ' ']) {
        if let Some(mac) = parse_mac(part) {
            mac_hit(catalog, mac, part.trim(), span, m, out);
        }
    }
}

fn mac_hit<'a>(
    catalog: &Catalog,
    mac: u64,
    text: &'a str,
    span: &Span,
    m: &Matcher,
    out: &mut Vec<Hit<'a>>,
) {
    if !is_universal(mac) {
        return;
    }
    if let Some((oui, fact)) = catalog.oui_index.longest(mac) {
        out.push(Hit {
            vendor: fact.vendor,
            strength: m.strength,
            field: m.field.name(),
            value: text,
            fact: Fact::Oui(oui, fact),
            how: MatchKind::Pattern,
            span: Some(span.clone()),
        });
    }
}

/// The model, normalised, against the model globs.
fn model_field<'a>(
    catalog: &Catalog,
    asset: &'a Asset,
    matcher: &Matcher,
    scratch: &mut Scratch,
    out: &mut Vec<Hit<'a>>,
) {
    let Some(cell) = asset.text(matcher.field) else {
        return;
    };
    if let Some(fact) = catalog.match_model_with(cell.value, scratch) {
        out.push(Hit {
            vendor: fact.vendor,
            strength: matcher.strength,
            field: matcher.field.name(),
            value: cell.value,
            fact: Fact::Model(fact),
            how: MatchKind::Pattern,
            span: Some(cell.span),
        });
    }
}

/// Banner strings anywhere in the text (one hit per vendor).
fn banner_field<'a>(
    catalog: &Catalog,
    asset: &'a Asset,
    matcher: &Matcher,
    scratch: &mut Scratch,
    out: &mut Vec<Hit<'a>>,
) {
    let Some(cell) = asset.text(matcher.field) else {
        return;
    };
    let start = out.len();
    let text = fold_text(cell.value, &mut scratch.text);
    for fact in catalog.banner_index.find(text) {
        if out[start..].iter().any(|h| h.vendor == fact.vendor) {
            continue;
        }
        out.push(Hit {
            vendor: fact.vendor,
            strength: matcher.strength,
            field: matcher.field.name(),
            value: cell.value,
            fact: Fact::Banner(fact),
            how: MatchKind::Pattern,
            span: Some(cell.span.clone()),
        });
    }
}

/// Free text prepared for banner search: at most [`MAX_TEXT_INPUT`] bytes;
/// when not ASCII, full-width forms folded and invisible characters dropped
/// (into `buf`).
fn fold_text<'t>(text: &'t str, buf: &'t mut String) -> &'t str {
    let text = prefix(text, MAX_TEXT_INPUT);
    if text.is_ascii() {
        return text;
    }
    buf.clear();
    for c in text.chars() {
        if is_default_ignorable(c) {
            continue;
        }
        match c {
            '\u{FF01}'..='\u{FF5E}' => buf.push(char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)),
            '\u{3000}' => buf.push(' '),
            _ => buf.push(c),
        }
    }
    buf.as_str()
}

/// The longest prefix of `text` of at most `max` bytes that ends on a
/// character boundary.
fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A text field whose whole value may be a catalog name.
fn name_field<'a>(
    catalog: &Catalog,
    asset: &'a Asset,
    matcher: &Matcher,
    scratch: &mut Scratch,
    out: &mut Vec<Hit<'a>>,
) {
    let Some(cell) = asset.text(matcher.field) else {
        return;
    };
    if let Some(m) = catalog.match_name_with(cell.value, scratch) {
        out.push(Hit {
            vendor: m.fact.vendor,
            strength: matcher.strength,
            field: matcher.field.name(),
            value: cell.value,
            fact: Fact::Name(m.fact),
            how: m.how,
            span: Some(cell.span),
        });
    }
}

/// Words of a free-text field that are catalog names (one hit per vendor).
fn mention_field<'a>(
    catalog: &Catalog,
    asset: &'a Asset,
    matcher: &Matcher,
    scratch: &mut Scratch,
    out: &mut Vec<Hit<'a>>,
) {
    let Some(cell) = asset.text(matcher.field) else {
        return;
    };
    let start = out.len();
    let text = prefix(cell.value, MAX_TEXT_INPUT);
    let words = text
        .split(|c: char| (c.is_ascii() && !c.is_ascii_alphanumeric()) || c.is_whitespace())
        .filter(|w| w.len() >= MIN_MENTION_LEN);
    for word in words {
        let Some(m) = catalog.match_name_with(word, scratch) else {
            continue;
        };
        if out[start..].iter().any(|h| h.vendor == m.fact.vendor) {
            continue;
        }
        out.push(Hit {
            vendor: m.fact.vendor,
            strength: matcher.strength,
            field: matcher.field.name(),
            value: cell.value,
            fact: Fact::Name(m.fact),
            how: m.how,
            span: Some(cell.span.clone()),
        });
    }
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
        if let Some(memo) = &scratch.memo {
            if let Some(&found) = memo.get(text) {
                return found;
            }
        }
        normalize_into(text, &mut scratch.key);
        let found = if scratch.key.is_empty() {
            None
        } else {
            self.normalized
                .get(scratch.key.as_str())
                .map(|&fact| NameMatch {
                    fact,
                    how: MatchKind::Normalized,
                })
        };
        let limit = scratch.memo_limit;
        if let Some(memo) = &mut scratch.memo {
            if memo.len() >= limit {
                memo.clear();
            }
            memo.insert(text.into(), found);
        }
        found
    }

    /// The first model glob (in catalog order) matching a model number,
    /// after [`normalize_model`] (spaces removed) or, failing that, with
    /// each run of spaces read as `-` ([`normalize_model_spaced`]).
    pub fn match_model(&self, model: &str) -> Option<FactRef> {
        self.match_model_with(model, &mut Scratch::default())
    }

    fn match_model_with(&self, model: &str, scratch: &mut Scratch) -> Option<FactRef> {
        if model.len() > MAX_NAME_INPUT {
            return None;
        }
        if scratch.memo.is_none() {
            return self.match_model_uncached(model, scratch);
        }
        if let Some(&found) = scratch.models.get(model) {
            return found;
        }
        let found = self.match_model_uncached(model, scratch);
        if scratch.models.len() >= scratch.memo_limit {
            scratch.models.clear();
        }
        scratch.models.insert(model.into(), found);
        found
    }

    fn match_model_uncached(&self, model: &str, scratch: &mut Scratch) -> Option<FactRef> {
        normalize_model(model, &mut scratch.text);
        if scratch.text.is_empty() {
            return None;
        }
        let found = self.model_index.first(&scratch.text, &mut scratch.globs);
        if found.is_some() || !model.trim().contains(char::is_whitespace) {
            return found;
        }
        normalize_model_spaced(model, &mut scratch.text);
        self.model_index.first(&scratch.text, &mut scratch.globs)
    }

    /// The longest catalog prefix of a MAC address in any notation
    /// (see [`parse_mac`]); `None` for malformed, locally administered and
    /// multicast addresses.
    pub fn match_mac(&self, text: &str) -> Option<(Oui, FactRef)> {
        let mac = parse_mac(text)?;
        if !is_universal(mac) {
            return None;
        }
        self.oui_index.longest(mac)
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

    /// How evidence names any catalog fact: `MA-L C0:56:E3 of hikvision`,
    /// `model pattern "DS-2C[DE]*" of hikvision`, `banner "Hikvision-Webs"
    /// of hikvision`, or a name as in [`describe`](Self::describe). Each
    /// text is made once, on first use, and kept in the catalog.
    pub fn describe_fact(&self, fact: Fact) -> String {
        let texts = &self.fact_texts;
        let found = match fact {
            Fact::Name(n) => texts
                .names
                .get(n.vendor)
                .and_then(|k| {
                    let pos = NameKind::ALL.iter().position(|&x| x == n.kind)?;
                    k.get(pos)
                })
                .and_then(|l| l.get(n.item)),
            Fact::Model(f) => texts.models.get(f.vendor).and_then(|l| l.get(f.item)),
            Fact::Oui(_, f) => texts.ouis.get(f.vendor).and_then(|l| l.get(f.item)),
            Fact::Banner(f) => texts.banners.get(f.vendor).and_then(|l| l.get(f.item)),
        };
        match found {
            Some(slot) => slot
                .get_or_init(|| {
                    // A prefix's text names the catalog's own prefix.
                    let fact = match fact {
                        Fact::Oui(oui, f) => Fact::Oui(
                            self.get(f.vendor)
                                .and_then(|v| v.ouis.get(f.item).copied())
                                .unwrap_or(oui),
                            f,
                        ),
                        other => other,
                    };
                    self.format_fact(fact).into()
                })
                .to_string(),
            None => self.format_fact(fact),
        }
    }

    fn format_fact(&self, fact: Fact) -> String {
        let vendor = |f: FactRef| self.get(f.vendor);
        let id = |f: FactRef| vendor(f).map_or("", |v| v.id.as_str());
        match fact {
            Fact::Name(n) => self.describe(n),
            Fact::Model(f) => {
                let glob = vendor(f).and_then(|v| v.models.get(f.item));
                format!(
                    "model pattern \"{}\" of {}",
                    glob.map_or("", String::as_str),
                    id(f)
                )
            }
            Fact::Oui(oui, f) => {
                let size = match oui.bits() {
                    24 => "MA-L",
                    28 => "MA-M",
                    36 => "MA-S",
                    _ => "prefix",
                };
                format!("{size} {oui} of {}", id(f))
            }
            Fact::Banner(f) => {
                let banner = vendor(f).and_then(|v| v.banners.get(f.item));
                format!(
                    "banner \"{}\" of {}",
                    banner.map_or("", String::as_str),
                    id(f)
                )
            }
        }
    }

    /// Identifies an asset's vendor from all its fields.
    pub fn identify(&self, asset: &Asset) -> Option<Identification> {
        self.identify_with(asset, &mut Scratch::default())
    }

    /// [`identify`](Self::identify) with caller-owned scratch space (and
    /// memo, see [`Scratch::with_memo`]).
    pub fn identify_with(&self, asset: &Asset, scratch: &mut Scratch) -> Option<Identification> {
        let mut hits: Vec<Hit<'_>> = Vec::new();
        for matcher in MATCHERS {
            (matcher.run)(self, asset, matcher, scratch, &mut hits);
        }
        let mut id = self.choose(hits)?;
        id.mismatch = self.mismatch(asset, &id, scratch);
        Some(id)
    }

    /// The vendor [`identify_with`](Self::identify_with) chooses and whether
    /// its identification has a [`Mismatch`], without building the evidence:
    /// for the assets (most of them) whose evidence is never shown.
    pub fn identify_vendor_with(&self, asset: &Asset, scratch: &mut Scratch) -> Option<Chosen> {
        let mut hits: Vec<Hit<'_>> = Vec::new();
        for matcher in MATCHERS {
            (matcher.run)(self, asset, matcher, scratch, &mut hits);
        }
        let (vendor, strength) = self.pick(&mut hits)?;
        let mismatch = self
            .mismatch_with(asset, vendor, strength, scratch)
            .is_some();
        Some(Chosen {
            vendor,
            strength,
            mismatch,
        })
    }

    /// Sorts the hits strongest first and picks the vendor and the strength
    /// of its deciding hit (see the module docs).
    fn pick(&self, hits: &mut [Hit<'_>]) -> Option<(usize, Strength)> {
        // Stable: equal strengths keep table order.
        hits.sort_by_key(|h| std::cmp::Reverse(h.strength));
        let top = hits.first()?;
        let mut vendor = top.vendor;
        let mut strength = top.strength;
        if let Some(relabeller) = self.get(vendor) {
            if !relabeller.oem_for.is_empty() {
                if let Some(maker) = hits.iter().find(|h| {
                    h.vendor != vendor
                        && self
                            .get(h.vendor)
                            .is_some_and(|m| relabeller.oem_for.contains(&m.id))
                }) {
                    vendor = maker.vendor;
                    strength = maker.strength;
                }
            }
        }
        Some((vendor, strength))
    }

    /// Picks the vendor from the hits (see the module docs). The result has
    /// no [`mismatch`](Identification::mismatch) yet.
    pub fn choose(&self, mut hits: Vec<Hit<'_>>) -> Option<Identification> {
        let (vendor, strength) = self.pick(&mut hits)?;
        let mut others: Vec<usize> = Vec::new();
        for h in &hits {
            if h.vendor != vendor && !others.contains(&h.vendor) {
                others.push(h.vendor);
            }
        }
        let ordered = hits
            .iter()
            .filter(|h| h.vendor == vendor)
            .chain(hits.iter().filter(|h| h.vendor != vendor));
        let mut evidence = Vec::with_capacity(hits.len());
        let mut support = Vec::with_capacity(hits.len());
        for h in ordered {
            evidence.push(self.evidence(h));
            support.push(Support {
                vendor: h.vendor,
                strength: h.strength,
            });
        }
        Some(Identification {
            vendor,
            strength,
            evidence,
            support,
            others,
            mismatch: None,
        })
    }

    fn evidence(&self, h: &Hit<'_>) -> Evidence {
        Evidence {
            field: h.field.to_string(),
            value: h.value.to_string(),
            fact: self.describe_fact(h.fact),
            how: h.how,
            span: h.span.clone(),
        }
    }

    /// Whether two vendors agree on who made a device: the same vendor, or
    /// one is a relabeller whose `oem_for` names the other.
    pub fn same_maker(&self, a: usize, b: usize) -> bool {
        if a == b {
            return true;
        }
        let (Some(va), Some(vb)) = (self.get(a), self.get(b)) else {
            return false;
        };
        va.oem_for.contains(&vb.id) || vb.oem_for.contains(&va.id)
    }

    /// The disagreement between the declared vendor and the deciding
    /// evidence, if there is one (see the module docs).
    fn mismatch(
        &self,
        asset: &Asset,
        id: &Identification,
        scratch: &mut Scratch,
    ) -> Option<Mismatch> {
        let declared_as = self.mismatch_with(asset, id.vendor, id.strength, scratch)?;
        let cell = asset.text(AssetField::Vendor)?;
        let decided = id.decided()?.clone();
        let declared = |fact: String, how: MatchKind| Evidence {
            field: AssetField::Vendor.name().to_string(),
            value: cell.value.to_string(),
            fact,
            how,
            span: Some(cell.span.clone()),
        };
        match declared_as {
            Some(m) => Some(Mismatch {
                declared: declared(self.describe(m.fact), m.how),
                declared_vendor: Some(m.fact.vendor),
                decided,
            }),
            None => {
                let fact = if is_generic(cell.value, &mut scratch.key) {
                    "a generic declaration, naming no vendor"
                } else {
                    "not in the catalog"
                };
                Some(Mismatch {
                    declared: declared(fact.to_string(), MatchKind::Normalized),
                    declared_vendor: None,
                    decided,
                })
            }
        }
    }

    /// Whether the declared vendor disagrees with `vendor`, chosen by
    /// evidence of `strength`: `Some` with the catalog name the declaration
    /// is (`None` inside: it names none), or `None` when it agrees.
    fn mismatch_with(
        &self,
        asset: &Asset,
        vendor: usize,
        strength: Strength,
        scratch: &mut Scratch,
    ) -> Option<Option<NameMatch>> {
        if strength <= Strength::Declared {
            return None;
        }
        let cell = asset.text(AssetField::Vendor)?;
        if cell.value.trim().is_empty() {
            return None;
        }
        match self.match_name_with(cell.value, scratch) {
            Some(m) if self.same_maker(m.fact.vendor, vendor) => None,
            declared => Some(declared),
        }
    }

    /// Which catalog vendor a free-form query resolves to, and why: the
    /// query is tried as a name (alias, brand, subsidiary), a model number,
    /// a MAC address (or an IEEE prefix such as `C0:56:E3`) and a banner
    /// string; the strongest interpretation wins, with the strengths of
    /// [`identify`](Self::identify). Evidence `field` is `name`, `model`,
    /// `mac` or `banner`, and `value` is the query.
    pub fn lookup(&self, query: &str) -> Option<Identification> {
        let mut scratch = Scratch::default();
        let mut hits: Vec<Hit<'_>> = Vec::new();
        let hit = |vendor, strength, field, fact, how| Hit {
            vendor,
            strength,
            field,
            value: query,
            fact,
            how,
            span: None,
        };
        let mac = parse_mac(query)
            .filter(|&m| is_universal(m))
            .and_then(|m| self.oui_index.longest(m))
            .or_else(|| Oui::parse(query.trim()).and_then(|o| self.oui_index.containing(o)));
        if let Some((oui, fact)) = mac {
            hits.push(hit(
                fact.vendor,
                Strength::Oui,
                "mac",
                Fact::Oui(oui, fact),
                MatchKind::Pattern,
            ));
        }
        if let Some(fact) = self.match_model_with(query, &mut scratch) {
            hits.push(hit(
                fact.vendor,
                Strength::Model,
                "model",
                Fact::Model(fact),
                MatchKind::Pattern,
            ));
        }
        let text = fold_text(query, &mut scratch.text);
        if let Some(fact) = self.banner_index.find(text).next() {
            hits.push(hit(
                fact.vendor,
                Strength::Banner,
                "banner",
                Fact::Banner(fact),
                MatchKind::Pattern,
            ));
        }
        if let Some(m) = self.match_name_with(query, &mut scratch) {
            let strength = if m.fact.kind == NameKind::Brand {
                Strength::Branded
            } else {
                Strength::Declared
            };
            hits.push(hit(
                m.fact.vendor,
                strength,
                "name",
                Fact::Name(m.fact),
                m.how,
            ));
        }
        self.choose(hits)
    }
}

/// The evidence text of every catalog fact, by vendor and position, each
/// made on first use and kept, so identification copies instead of
/// formatting (and a run formats only the facts its evidence cites: the
/// builtin catalog has thousands, most of them MAC prefixes).
#[derive(Clone, Debug, Default)]
pub struct FactTexts {
    names: Vec<Vec<Vec<OnceLock<Box<str>>>>>,
    models: Vec<Vec<OnceLock<Box<str>>>>,
    ouis: Vec<Vec<OnceLock<Box<str>>>>,
    banners: Vec<Vec<OnceLock<Box<str>>>>,
}

impl FactTexts {
    /// Empty slots for every fact of `catalog`.
    pub fn build(catalog: &Catalog) -> FactTexts {
        let slots = |n: usize| (0..n).map(|_| OnceLock::new()).collect::<Vec<_>>();
        let mut t = FactTexts::default();
        for v in catalog.vendors() {
            t.names.push(
                NameKind::ALL
                    .iter()
                    .map(|&kind| slots(v.names(kind).len()))
                    .collect(),
            );
            t.models.push(slots(v.models.len()));
            t.ouis.push(slots(v.ouis.len()));
            t.banners.push(slots(v.banners.len()));
        }
        t
    }
}

/// Whether a declared vendor names no vendor (see [`GENERIC_DECLARATIONS`]);
/// `key` is scratch.
pub fn is_generic(text: &str, key: &mut String) -> bool {
    if text.len() > MAX_NAME_INPUT {
        return false;
    }
    normalize_into(text, key);
    GENERIC_DECLARATIONS.binary_search(&key.as_str()).is_ok()
}

#[cfg(test)]
mod tests;
