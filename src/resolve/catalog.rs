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

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource};
use serde::Deserialize;
use thiserror::Error;
use toml::Spanned;

use crate::resolve::normalize::normalize;
use crate::source::Span;

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
        let mut prefix: u64 = 0;
        let mut digits: u8 = 0;
        let mut since_sep = 0;
        for c in text.chars() {
            if c == ':' || c == '-' {
                if since_sep != 2 {
                    return None;
                }
                since_sep = 0;
                continue;
            }
            let d = c.to_digit(16)?;
            digits += 1;
            since_sep += 1;
            if digits > 9 || since_sep > 2 {
                return None;
            }
            prefix = (prefix << 4) | u64::from(d);
        }
        let bits = match digits {
            6 => 24,
            7 => 28,
            9 => 36,
            _ => return None,
        };
        Some(Oui { prefix, bits })
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
        let digits = usize::from(self.bits / 4);
        let hex = format!("{:0width$X}", self.prefix, width = digits);
        for (i, c) in hex.chars().enumerate() {
            if i > 0 && i % 2 == 0 {
                f.write_str(":")?;
            }
            write!(f, "{c}")?;
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
    pub(crate) exact: HashMap<Box<str>, NameFact>,
    /// Names by their [`normalize`] key.
    pub(crate) normalized: HashMap<Box<str>, NameFact>,
}

impl Catalog {
    /// The catalog built into the binary (`policies/catalog/vendors.toml`).
    ///
    /// It is parsed on each call; call it once. The `builtin_parses` test
    /// proves the embedded file is valid, which is why this returns the
    /// catalog rather than a `Result`.
    pub fn builtin() -> Catalog {
        Catalog::parse(BUILTIN_PATH, BUILTIN_TEXT)
            .expect("the builtin catalog is valid (tested by builtin_parses)")
    }

    /// Parses and validates a catalog file. `name` is the file name shown in
    /// diagnostics.
    pub fn parse(name: &str, text: &str) -> Result<Catalog, CatalogError> {
        let source: Arc<str> = Arc::from(text);
        let raw: RawCatalog = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let mut problem = Problem::new(ErrorKind::Toml, e.message().trim().to_string());
                if let Some(span) = e.span() {
                    problem = problem.label(span, "here");
                }
                return Err(CatalogError::from_problems(name, &source, vec![problem]));
            }
        };
        let mut v = Validator::default();
        let catalog = v.build(raw);
        if v.problems.is_empty() {
            Ok(catalog)
        } else {
            Err(CatalogError::from_problems(name, &source, v.problems))
        }
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

// ---- raw file types ------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    vendor: Vec<Spanned<RawVendor>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVendor {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    brands: Vec<Spanned<String>>,
    #[serde(default)]
    subsidiaries: Vec<Spanned<String>>,
    #[serde(default)]
    oem_for: Vec<Spanned<String>>,
    #[serde(default)]
    models: Vec<Spanned<String>>,
    #[serde(default)]
    ouis: Vec<Spanned<String>>,
    #[serde(default)]
    banners: Vec<Spanned<String>>,
    #[serde(default)]
    lists: Vec<Spanned<String>>,
    #[serde(default)]
    state_owned: bool,
    #[serde(default)]
    sources: Vec<Spanned<String>>,
}

// ---- validation ----------------------------------------------------------

/// Whether `s` is a lowercase slug: `a-z0-9` words joined by single `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
}

/// Where a name was first seen, for a second label on a clash.
struct Seen {
    fact: NameFact,
    span: Span,
}

impl Validator {
    fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }

    fn build(&mut self, raw: RawCatalog) -> Catalog {
        let mut catalog = Catalog::default();
        let mut id_spans: Vec<Span> = Vec::new();
        let mut raws = Vec::with_capacity(raw.vendor.len());

        // Pass 1: ids, so `oem_for` can be checked against all of them.
        for rv in raw.vendor {
            let span = rv.span();
            let rv = rv.into_inner();
            let id = rv.id.get_ref().clone();
            if !is_slug(&id) {
                self.push(
                    Problem::new(
                        ErrorKind::BadId,
                        format!("vendor id `{id}` is not a lowercase slug"),
                    )
                    .label(rv.id.span(), "not a slug")
                    .help("use lowercase letters, digits and single hyphens, e.g. `cisco-meraki`"),
                );
            }
            let index = catalog.vendors.len();
            match catalog.by_id.get(&id) {
                Some(&first) => self.push(
                    Problem::new(
                        ErrorKind::DuplicateId,
                        format!("vendor id `{id}` is used twice"),
                    )
                    .label(rv.id.span(), "second use")
                    .label(id_spans[first].clone(), "first use"),
                ),
                None => {
                    catalog.by_id.insert(id.clone(), index);
                }
            }
            id_spans.push(rv.id.span());
            catalog.vendors.push(Vendor {
                id,
                name: rv.name.get_ref().clone(),
                state_owned: rv.state_owned,
                span,
                ..Vendor::default()
            });
            raws.push(rv);
        }

        // Pass 2: every other field.
        let mut exact: HashMap<Box<str>, Seen> = HashMap::new();
        let mut normalized: HashMap<Box<str>, Seen> = HashMap::new();
        let mut ouis: HashMap<Oui, (usize, Span)> = HashMap::new();
        for (index, rv) in raws.into_iter().enumerate() {
            let mut vendor = std::mem::take(&mut catalog.vendors[index]);
            vendor.aliases = strings(&rv.aliases);
            vendor.brands = strings(&rv.brands);
            vendor.subsidiaries = strings(&rv.subsidiaries);
            vendor.banners = strings(&rv.banners);
            vendor.sources = strings(&rv.sources);

            let names: [(NameKind, &[Spanned<String>]); 4] = [
                (NameKind::Name, std::slice::from_ref(&rv.name)),
                (NameKind::Alias, &rv.aliases),
                (NameKind::Brand, &rv.brands),
                (NameKind::Subsidiary, &rv.subsidiaries),
            ];
            for (kind, list) in names {
                for (item, text) in list.iter().enumerate() {
                    let fact = NameFact {
                        vendor: index,
                        kind,
                        item,
                    };
                    self.index_name(&catalog, &vendor, fact, text, &mut exact, &mut normalized);
                }
            }

            for list in &rv.lists {
                if !is_slug(list.get_ref()) {
                    self.push(
                        Problem::new(
                            ErrorKind::BadList,
                            format!("list name `{}` is not a lowercase slug", list.get_ref()),
                        )
                        .label(list.span(), "not a slug"),
                    );
                }
            }
            self.no_duplicates("list", &rv.lists);
            vendor.lists = strings(&rv.lists);

            for target in &rv.oem_for {
                let t = target.get_ref();
                if catalog.by_id(t).is_none() {
                    self.push(
                        Problem::new(
                            ErrorKind::UnknownVendor,
                            format!("`oem_for` names `{t}`, which is not a vendor of the catalog"),
                        )
                        .label(target.span(), "no vendor has this id"),
                    );
                } else if *t == vendor.id {
                    self.push(
                        Problem::new(
                            ErrorKind::UnknownVendor,
                            format!("vendor `{t}` is listed as an OEM for itself"),
                        )
                        .label(target.span(), "its own id"),
                    );
                }
            }
            self.no_duplicates("oem_for", &rv.oem_for);
            vendor.oem_for = strings(&rv.oem_for);

            for model in &rv.models {
                if let Err(e) = globset::Glob::new(model.get_ref()) {
                    self.push(
                        Problem::new(
                            ErrorKind::BadModelGlob,
                            format!(
                                "model pattern `{}` is not a valid glob: {}",
                                model.get_ref(),
                                e.kind()
                            ),
                        )
                        .label(model.span(), "invalid glob"),
                    );
                }
            }
            self.no_duplicates("model pattern", &rv.models);
            vendor.models = strings(&rv.models);

            for text in &rv.ouis {
                match Oui::parse(text.get_ref()) {
                    Some(oui) => {
                        if let Some((first, first_span)) = ouis.get(&oui) {
                            self.push(
                                Problem::new(ErrorKind::DuplicateOui, format!("MAC prefix {oui} is listed twice"))
                                    .label(text.span(), format!("again, on `{}`", vendor.id))
                                    .label(first_span.clone(), format!("first, on `{}`", catalog.vendors.get(*first).map_or(vendor.id.as_str(), |v| v.id.as_str()))),
                            );
                        } else {
                            ouis.insert(oui, (index, text.span()));
                        }
                        vendor.ouis.push(oui);
                    }
                    None => self.push(
                        Problem::new(ErrorKind::BadOui, format!("`{}` is not a MAC prefix", text.get_ref()))
                            .label(text.span(), "expected 6, 7 or 9 hex digits")
                            .help("write MA-L as \"C0:56:E3\", MA-M as \"C0:61:9A:E\", MA-S as \"70:B3:D5:0A:E\""),
                    ),
                }
            }

            for banner in &rv.banners {
                if banner.get_ref().trim().is_empty() {
                    self.push(
                        Problem::new(ErrorKind::EmptyValue, "a banner is empty")
                            .label(banner.span(), "empty"),
                    );
                }
            }

            if rv.sources.is_empty() {
                self.push(
                    Problem::new(
                        ErrorKind::MissingSource,
                        format!("vendor `{}` cites no source", vendor.id),
                    )
                    .label(rv.id.span(), "no `sources`")
                    .help("add `sources = [\"https://…\"]`: every fact cites where it comes from"),
                );
            }
            for source in &rv.sources {
                let s = source.get_ref();
                if !s.starts_with("https://")
                    || s.len() <= "https://".len()
                    || s.chars().any(char::is_whitespace)
                {
                    self.push(
                        Problem::new(
                            ErrorKind::BadSource,
                            format!("source `{s}` is not an https URL"),
                        )
                        .label(source.span(), "expected https://…"),
                    );
                }
            }
            self.no_duplicates("source", &rv.sources);

            catalog.vendors[index] = vendor;
        }

        catalog.exact = exact.into_iter().map(|(k, s)| (k, s.fact)).collect();
        catalog.normalized = normalized.into_iter().map(|(k, s)| (k, s.fact)).collect();
        catalog
    }

    /// Adds one name to both indexes, reporting empty keys and clashes.
    fn index_name(
        &mut self,
        catalog: &Catalog,
        vendor: &Vendor,
        fact: NameFact,
        text: &Spanned<String>,
        exact: &mut HashMap<Box<str>, Seen>,
        normalized: &mut HashMap<Box<str>, Seen>,
    ) {
        let written = text.get_ref().trim();
        let key = normalize(written);
        let span = text.span();
        let what = fact.kind.word();
        if key.is_empty() {
            self.push(
                Problem::new(
                    ErrorKind::EmptyValue,
                    format!("{what} `{written}` has no letters or digits"),
                )
                .label(span, "nothing to match on"),
            );
            return;
        }
        let id_of = |i: usize| {
            if i == fact.vendor {
                vendor.id.clone()
            } else {
                catalog
                    .vendors
                    .get(i)
                    .map_or_else(String::new, |v| v.id.clone())
            }
        };
        match exact.get(written) {
            Some(seen) if seen.fact.vendor == fact.vendor => self.push(
                Problem::new(
                    ErrorKind::DuplicateName,
                    format!("`{written}` is listed twice on `{}`", vendor.id),
                )
                .label(span.clone(), "again")
                .label(seen.span.clone(), "first"),
            ),
            Some(_) => {} // reported below, as a normalised clash
            None => {
                exact.insert(
                    written.into(),
                    Seen {
                        fact,
                        span: span.clone(),
                    },
                );
            }
        }
        match normalized.get(key.as_str()) {
            Some(seen) if seen.fact.vendor != fact.vendor => self.push(
                Problem::new(
                    ErrorKind::AmbiguousName,
                    format!(
                        "`{written}` ({}) and a name of `{}` both normalise to `{key}`",
                        vendor.id,
                        id_of(seen.fact.vendor)
                    ),
                )
                .label(span, format!("{what} of `{}`", vendor.id))
                .label(
                    seen.span.clone(),
                    format!("{} of `{}`", seen.fact.kind.word(), id_of(seen.fact.vendor)),
                )
                .help("a name must identify one vendor; drop one, or make it more specific"),
            ),
            Some(_) => {}
            None => {
                normalized.insert(key.into(), Seen { fact, span });
            }
        }
    }

    fn no_duplicates(&mut self, what: &str, list: &[Spanned<String>]) {
        for (i, item) in list.iter().enumerate() {
            if let Some(first) = list[..i].iter().find(|f| f.get_ref() == item.get_ref()) {
                self.push(
                    Problem::new(
                        ErrorKind::DuplicateName,
                        format!("{what} `{}` is listed twice", item.get_ref()),
                    )
                    .label(item.span(), "again")
                    .label(first.span(), "first"),
                );
            }
        }
    }
}

fn strings(list: &[Spanned<String>]) -> Vec<String> {
    list.iter()
        .map(|s| s.get_ref().trim().to_string())
        .collect()
}

// ---- errors --------------------------------------------------------------

/// What is wrong with a catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not valid TOML, an unknown key, or a value of the wrong type.
    Toml,
    /// A vendor id is not a lowercase slug.
    BadId,
    /// Two vendors share an id.
    DuplicateId,
    /// A name, alias, brand or subsidiary normalises to the same key as a
    /// name of another vendor.
    AmbiguousName,
    /// A value is listed twice.
    DuplicateName,
    /// A name or banner has nothing to match on.
    EmptyValue,
    /// A list name is not a lowercase slug.
    BadList,
    /// `oem_for` names an id that is not in the catalog (or the vendor itself).
    UnknownVendor,
    /// A model pattern is not a valid glob.
    BadModelGlob,
    /// A MAC prefix is malformed.
    BadOui,
    /// A MAC prefix is listed twice.
    DuplicateOui,
    /// A vendor cites no source.
    MissingSource,
    /// A source is not an https URL.
    BadSource,
}

/// One problem, before it is attached to the source text.
struct Problem {
    kind: ErrorKind,
    message: String,
    labels: Vec<(Span, String)>,
    help: Option<String>,
}

impl Problem {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Problem {
            kind,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    fn label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push((span, text.into()));
        self
    }

    fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }
}

/// A catalog that could not be loaded: the first problem, with every other
/// problem found as a related diagnostic. Each carries the catalog text and
/// the spans involved.
#[derive(Debug, Error)]
#[error("{}", .inner.message)]
pub struct CatalogError {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    message: String,
    src: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<CatalogError>,
}

impl CatalogError {
    fn from_problems(name: &str, source: &Arc<str>, problems: Vec<Problem>) -> CatalogError {
        let mut all = problems.into_iter().map(|p| CatalogError {
            inner: Box::new(Inner {
                kind: p.kind,
                message: p.message,
                src: NamedSource::new(name, Arc::clone(source)),
                labels: p
                    .labels
                    .into_iter()
                    .enumerate()
                    .map(|(i, (span, text))| {
                        let span = (span.start, span.end.saturating_sub(span.start));
                        if i == 0 {
                            LabeledSpan::new_primary_with_span(Some(text), span)
                        } else {
                            LabeledSpan::new_with_span(Some(text), span)
                        }
                    })
                    .collect(),
                help: p.help,
                related: Vec::new(),
            }),
        });
        let mut first = all.next().unwrap_or_else(|| CatalogError {
            inner: Box::new(Inner {
                kind: ErrorKind::Toml,
                message: "invalid catalog".into(),
                src: NamedSource::new(name, Arc::clone(source)),
                labels: Vec::new(),
                help: None,
                related: Vec::new(),
            }),
        });
        first.inner.related = all.collect();
        first
    }

    /// What kind of problem the first one is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The byte span of the first problem's primary label.
    pub fn span(&self) -> Option<Span> {
        self.inner
            .labels
            .first()
            .map(|l| l.offset()..l.offset() + l.len())
    }

    /// Every span of this problem, primary first.
    pub fn spans(&self) -> Vec<Span> {
        self.inner
            .labels
            .iter()
            .map(|l| l.offset()..l.offset() + l.len())
            .collect()
    }

    /// Every problem: this one, then the related ones.
    pub fn problems(&self) -> impl Iterator<Item = &CatalogError> {
        std::iter::once(self).chain(self.inner.related.iter())
    }
}

impl Diagnostic for CatalogError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("assetlint::catalog"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.inner
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.inner.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.inner.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.inner.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.inner.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.inner.related.iter().map(|e| e as &dyn Diagnostic),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ("uk-gov", include_str!("../../policies/uk-gov/policy.toml")),
            ("us-fcc", include_str!("../../policies/us-fcc/policy.toml")),
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
}
