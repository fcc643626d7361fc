//! A site of a site register, as written (inheritance is resolved later).

use crate::source::{Snippet, Span, Spanned};

/// One site record.
#[derive(Clone, Debug)]
pub struct Site {
    /// 1-based line of the record.
    pub line: usize,
    /// The whole record.
    pub span: Span,
    /// Text covering the record.
    pub snippet: Snippet,
    /// Site id.
    pub id: Spanned<String>,
    /// Display name.
    pub name: Option<Spanned<String>>,
    /// Sensitivity level as written (checked against the ladder when sites
    /// are resolved).
    pub sensitivity: Option<Spanned<String>>,
    /// Sector.
    pub sector: Option<Spanned<String>>,
    /// Tags.
    pub tags: Vec<Spanned<String>>,
    /// Parent site id.
    pub parent: Option<Spanned<String>>,
    /// Address ranges, for placing scan-observed devices.
    pub cidrs: Vec<Spanned<String>>,
}
