//! What a reader produces: a record of keyed raw values, each with its span.
//!
//! Readers know nothing of the schema; [`crate::model::asset`] and
//! [`crate::model::site`] turn records into assets and sites.

use crate::source::{Snippet, Span, Spanned};

/// A raw value as the file wrote it.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    /// An empty cell or `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// Text (unescaped).
    Str(String),
    /// A list.
    List(Vec<Spanned<RawValue>>),
    /// A nested map, in file order.
    Map(Vec<(Spanned<String>, Spanned<RawValue>)>),
}

/// One row or one list item of an input file.
#[derive(Clone, Debug)]
pub struct Record {
    /// 1-based line where the record starts.
    pub line: usize,
    /// The whole record.
    pub span: Span,
    /// Keyed values, in file order; keys as written (header cells or map keys).
    pub entries: Vec<(Spanned<String>, Spanned<RawValue>)>,
    /// Text that covers the record, for rendering diagnostics.
    pub snippet: Snippet,
}
