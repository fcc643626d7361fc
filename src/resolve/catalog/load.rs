//! Loading: validation of the raw TOML types (`raw`) into a [`Catalog`],
//! collecting every problem; and [`trusted`], which builds the same
//! catalog from vendors known to be valid (the builtin catalog, compiled
//! at build time) without checking them again.

use std::collections::HashMap;
use std::sync::Arc;

use toml::Spanned;

use super::error::{CatalogError, ErrorKind, Problem};
use super::raw::RawCatalog;
use super::{Catalog, NameFact, NameKind, Oui, Vendor};
use crate::resolve::normalize::normalize;
use crate::source::Span;

/// Parses and validates a catalog file (see [`Catalog::parse`]).
pub(super) fn parse(name: &str, text: &str) -> Result<Catalog, CatalogError> {
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
        index(catalog)
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

/// Builds the catalog of vendors that are known to be valid (the
/// builtin catalog's, compiled by build.rs from the file that the
/// `builtin_parses` test validates): the same id map, name maps and
/// indexes that validation builds, first entry winning where it keeps the
/// first, without checking anything.
pub(super) fn trusted(vendors: Vec<Vendor>) -> Catalog {
    let mut catalog = Catalog {
        vendors,
        ..Catalog::default()
    };
    let mut exact: crate::resolve::FastMap<Box<str>, NameFact> = Default::default();
    let mut normalized: crate::resolve::FastMap<Box<str>, NameFact> = Default::default();
    for (index, v) in catalog.vendors.iter().enumerate() {
        catalog.by_id.entry(v.id.clone()).or_insert(index);
        for &kind in NameKind::ALL {
            for (item, text) in v.names(kind).iter().enumerate() {
                let written = text.trim();
                let key = normalize(written);
                if key.is_empty() {
                    continue;
                }
                let fact = NameFact {
                    vendor: index,
                    kind,
                    item,
                };
                exact.entry(written.into()).or_insert(fact);
                normalized.entry(key.into()).or_insert(fact);
            }
        }
    }
    catalog.exact = exact;
    catalog.normalized = normalized;
    index(catalog)
}

/// Adds the match indexes and the evidence-text slots to a catalog whose
/// vendors and name maps are complete.
fn index(mut catalog: Catalog) -> Catalog {
    let (ouis, models, banners) = super::index::build(&catalog.vendors);
    catalog.oui_index = ouis;
    catalog.model_index = models;
    catalog.banner_index = banners;
    catalog.fact_texts = crate::resolve::identify::FactTexts::build(&catalog);
    catalog
}

fn strings(list: &[Spanned<String>]) -> Vec<String> {
    list.iter()
        .map(|s| s.get_ref().trim().to_string())
        .collect()
}
