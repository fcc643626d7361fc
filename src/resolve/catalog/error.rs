//! Catalog errors: a kind, a message, the spans involved, and every other
//! problem found as related diagnostics.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource};
use thiserror::Error;

use crate::source::Span;

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
pub(super) struct Problem {
    kind: ErrorKind,
    message: String,
    labels: Vec<(Span, String)>,
    help: Option<String>,
}

impl Problem {
    pub(super) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Problem {
            kind,
            message: message.into(),
            labels: Vec::new(),
            help: None,
        }
    }

    pub(super) fn label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push((span, text.into()));
        self
    }

    pub(super) fn help(mut self, text: impl Into<String>) -> Self {
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
    pub(super) fn from_problems(
        name: &str,
        source: &Arc<str>,
        problems: Vec<Problem>,
    ) -> CatalogError {
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
