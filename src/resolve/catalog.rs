//! The vendor catalog: vendors, their names, brands, subsidiaries, model
//! patterns, MAC prefixes and banners, and the ban lists they are on.
//!
//! Loading is two-phase (see STYLE habit 1): the TOML is deserialised into
//! raw types that mirror the file (`deny_unknown_fields`, every value
//! [`toml::Spanned`]), then validated into [`Catalog`]. Validation collects
//! every problem, each with the spans involved, into one [`CatalogError`].
//! The match indexes are built once here, so identification only hashes
//! (STYLE habit 22).
//!
//! The file format is the one in DESIGN.md, "Vendor catalog", plus
//! `subsidiaries` (legal names of companies that resolve to the group).
//! `raw` holds the raw types (shared with `build.rs`), `load` validation,
//! `error` the diagnostics, `builtin` the builtin catalog compiled at build
//! time (so a run does not parse its TOML).

mod builtin;
mod error;
mod glob;
mod index;
mod load;
mod raw;

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::LazyLock;

use crate::source::Span;

pub use error::{CatalogError, ErrorKind};
pub use index::{
    normalize_model, normalize_model_spaced, BannerIndex, FactRef, ModelIndex, OuiIndex,
};
pub use load::is_slug;

/// The builtin catalog's path, as shown in diagnostics.
pub const BUILTIN_PATH: &str = "policies/catalog/vendors.toml";

/// The builtin catalog's text.
pub const BUILTIN_TEXT: &str = include_str!("../../policies/catalog/vendors.toml");

/// One vendor of the catalog.
#[derive(Clone, Debug, Default)]
pub struct Vendor {
    /// Lowercase slug: `hikvision`.
    pub id: String,
    /// Legal name.
    pub name: String,
    /// Other names of the vendor itself (short names, other scripts, the
    /// spellings registries and statutes use).
    pub aliases: Vec<String>,
    /// Brands sold by the group; they resolve to this vendor.
    pub brands: Vec<String>,
    /// Legal names of subsidiaries; they resolve to this vendor.
    pub subsidiaries: Vec<String>,
    /// On a relabeller, the vendor ids it sells for.
    pub oem_for: Vec<String>,
    /// Globs on the model field (validated; matched ignoring case).
    pub models: Vec<String>,
    /// IEEE MAC address prefixes (MA-L, MA-M, MA-S).
    pub ouis: Vec<Oui>,
    /// Strings that identify the vendor in service banners and firmware.
    pub banners: Vec<String>,
    /// Lists the vendor is on (`us-fcc-covered`, …).
    pub lists: Vec<String>,
    /// State ownership.
    pub state_owned: bool,
    /// Where the facts come from.
    pub sources: Vec<String>,
    /// The vendor's table in the catalog file.
    pub span: Span,
}

impl Vendor {
    /// The names of one kind: for [`NameKind::Name`], the legal name alone.
    pub fn names(&self, kind: NameKind) -> &[String] {
        match kind {
            NameKind::Name => std::slice::from_ref(&self.name),
            NameKind::Alias => &self.aliases,
            NameKind::Brand => &self.brands,
            NameKind::Subsidiary => &self.subsidiaries,
        }
    }
}

/// Which of a vendor's names matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameKind {
    /// The legal name.
    Name,
    /// An alias of the vendor itself.
    Alias,
    /// A brand of the group.
    Brand,
    /// A subsidiary of the group.
    Subsidiary,
}

impl NameKind {
    /// Every kind, in the order the index prefers them.
    pub const ALL: &'static [NameKind] = &[
        NameKind::Name,
        NameKind::Alias,
        NameKind::Brand,
        NameKind::Subsidiary,
    ];

    /// The word used in evidence: `name`, `alias`, `brand`, `subsidiary`.
    pub fn word(self) -> &'static str {
        match self {
            NameKind::Name => "name",
            NameKind::Alias => "alias",
            NameKind::Brand => "brand",
            NameKind::Subsidiary => "subsidiary",
        }
    }
}

/// One catalog name: the vendor, which kind of name, and its position in
/// that vendor's list of that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NameFact {
    /// Index of the vendor.
    pub vendor: usize,
    /// Which kind of name.
    pub kind: NameKind,
    /// Position in [`Vendor::names`] of that kind.
    pub item: usize,
}

/// An IEEE MAC address block: the first `bits` bits of a MAC (24 for MA-L,
/// 28 for MA-M, 36 for MA-S).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oui {
    prefix: u64,
    bits: u8,
}

impl Oui {
    /// Parses `C0:56:E3`, `C0:61:9A:E` or `70:B3:D5:0A:E` (`-` also accepted
    /// as separator; hex digits in either case): 6, 7 or 9 hex digits.
    pub fn parse(text: &str) -> Option<Oui> {
        raw::parse_oui(text).map(|(prefix, bits)| Oui { prefix, bits })
    }

    /// A prefix from its value and length; `prefix` keeps only its `bits`
    /// low bits.
    pub fn from_parts(prefix: u64, bits: u8) -> Oui {
        let bits = bits.min(48);
        let mask = if bits == 0 {
            0
        } else {
            u64::MAX >> (64 - u32::from(bits))
        };
        Oui {
            prefix: prefix & mask,
            bits,
        }
    }

    /// The prefix length in bits.
    pub fn bits(self) -> u8 {
        self.bits
    }

    /// The prefix value (its `bits` low bits).
    pub fn prefix(self) -> u64 {
        self.prefix
    }

    /// Whether a 48-bit MAC address starts with this prefix.
    pub fn contains(self, mac: u64) -> bool {
        (mac >> (48 - u32::from(self.bits))) == self.prefix
    }
}

impl fmt::Display for Oui {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let digits = u32::from(self.bits / 4);
        for i in 0..digits {
            if i > 0 && i % 2 == 0 {
                f.write_str(":")?;
            }
            let nibble = (self.prefix >> (4 * (digits - 1 - i))) & 0xF;
            let c = HEX.get(nibble as usize).copied().unwrap_or(b'?');
            fmt::Write::write_char(f, char::from(c))?;
        }
        Ok(())
    }
}

/// The loaded, validated and indexed catalog.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    vendors: Vec<Vendor>,
    by_id: HashMap<String, usize>,
    /// Names exactly as written in the catalog (trimmed).
    pub(crate) exact: super::FastMap<Box<str>, NameFact>,
    /// Names by their [`normalize`](crate::resolve::normalize::normalize) key.
    pub(crate) normalized: super::FastMap<Box<str>, NameFact>,
    /// MAC prefixes by length.
    pub(crate) oui_index: OuiIndex,
    /// Model globs.
    pub(crate) model_index: ModelIndex,
    /// Banner strings.
    pub(crate) banner_index: BannerIndex,
    /// Evidence texts of every fact.
    pub(crate) fact_texts: crate::resolve::identify::FactTexts,
}

impl Catalog {
    /// The catalog built into the binary (`policies/catalog/vendors.toml`),
    /// made once per process on first use and shared by every later call
    /// (`check` needs it both to lint the policies and to identify
    /// devices). Its vendors are compiled into the binary by `build.rs`, so
    /// this only copies them and indexes them: no TOML is parsed.
    ///
    /// The `builtin_parses` test proves the embedded file is valid, and
    /// `generated_builtin_matches_the_file` that the compiled data is that
    /// file, which is why this returns the catalog rather than a `Result`.
    pub fn builtin_shared() -> &'static Catalog {
        static BUILTIN: LazyLock<Catalog> = LazyLock::new(Catalog::builtin_compiled);
        &BUILTIN
    }

    /// A new builtin catalog made from the data compiled into the binary
    /// (what [`builtin_shared`](Self::builtin_shared) makes once; public
    /// for the start-up benchmark). Falls back to parsing the embedded
    /// text if build.rs could not compile it.
    pub fn builtin_compiled() -> Catalog {
        match builtin::vendors() {
            Some(vendors) => load::trusted(vendors),
            None => Catalog::parse(BUILTIN_PATH, BUILTIN_TEXT)
                .expect("the builtin catalog is valid (tested by builtin_parses)"),
        }
    }

    /// The builtin catalog parsed and validated from its embedded text, as
    /// any catalog file is (what [`builtin_shared`](Self::builtin_shared)
    /// did before the data was compiled in; kept for the tests and the
    /// start-up benchmark).
    pub fn builtin_parsed() -> Result<Catalog, CatalogError> {
        Catalog::parse(BUILTIN_PATH, BUILTIN_TEXT)
    }

    /// An owned copy of the [shared builtin catalog](Self::builtin_shared):
    /// a clone, cheaper than parsing it again.
    pub fn builtin() -> Catalog {
        Catalog::builtin_shared().clone()
    }

    /// Parses and validates a catalog file. `name` is the file name shown in
    /// diagnostics.
    pub fn parse(name: &str, text: &str) -> Result<Catalog, CatalogError> {
        load::parse(name, text)
    }

    /// The vendor at an index returned by identification.
    ///
    /// # Panics
    ///
    /// If `index` did not come from this catalog.
    pub fn vendor(&self, index: usize) -> &Vendor {
        &self.vendors[index]
    }

    /// The vendor at an index, if there is one.
    pub fn get(&self, index: usize) -> Option<&Vendor> {
        self.vendors.get(index)
    }

    /// The index of the vendor with this id.
    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Every vendor, in file order.
    pub fn vendors(&self) -> &[Vendor] {
        &self.vendors
    }

    /// Every list name used by some vendor.
    pub fn lists(&self) -> BTreeSet<&str> {
        self.vendors
            .iter()
            .flat_map(|v| v.lists.iter().map(String::as_str))
            .collect()
    }

    /// The text of a catalog name.
    pub fn fact_text(&self, fact: NameFact) -> &str {
        self.vendors
            .get(fact.vendor)
            .and_then(|v| v.names(fact.kind).get(fact.item))
            .map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests;
