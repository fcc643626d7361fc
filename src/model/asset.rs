//! An asset: canonical fields, each with its span, plus every other column.

use jiff::civil::Date;

use crate::model::schema::{AssetField, Val};
use crate::source::{Snippet, Span, Spanned};

/// A canonical field's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text.
    Str(String),
    /// A bool.
    Bool(bool),
    /// A date.
    Date(Date),
    /// A list of text values, each with its span.
    List(Vec<Spanned<String>>),
}

impl Value {
    /// The value as the evaluator sees it.
    pub fn as_val(&self) -> Val<'_> {
        match self {
            Value::Str(s) => Val::Str(s),
            Value::Bool(b) => Val::Bool(*b),
            Value::Date(d) => Val::Date(*d),
            Value::List(items) => Val::List(items.iter().map(|i| i.value.as_str()).collect()),
        }
    }

    /// The value as text, for messages.
    pub fn display(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => d.to_string(),
            Value::List(items) => items
                .iter()
                .map(|i| i.value.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// One asset of a register.
#[derive(Clone, Debug)]
pub struct Asset {
    /// 1-based line of the record.
    pub line: usize,
    /// The whole record.
    pub span: Span,
    /// Text covering the record.
    pub snippet: Snippet,
    /// Canonical fields, indexed by [`AssetField::index`].
    pub fields: Vec<Option<Spanned<Value>>>,
    /// Every other column or key, as text, in file order.
    pub extra: Vec<(String, Spanned<String>)>,
}

impl Asset {
    /// An asset with no fields yet.
    pub fn new(line: usize, span: Span, snippet: Snippet) -> Self {
        Asset {
            line,
            span,
            snippet,
            fields: vec![None; AssetField::ALL.len()],
            extra: Vec::new(),
        }
    }

    /// A canonical field.
    pub fn get(&self, field: AssetField) -> Option<&Spanned<Value>> {
        self.fields[field.index()].as_ref()
    }

    /// Sets a canonical field.
    pub fn set(&mut self, field: AssetField, value: Spanned<Value>) {
        self.fields[field.index()] = Some(value);
    }

    /// A text field, with its span.
    pub fn text(&self, field: AssetField) -> Option<Spanned<&str>> {
        match self.get(field) {
            Some(Spanned {
                value: Value::Str(s),
                span,
            }) => Some(Spanned::new(s.as_str(), span.clone())),
            _ => None,
        }
    }

    /// The asset id, if it has one.
    pub fn id(&self) -> Option<&str> {
        self.text(AssetField::Id).map(|s| s.value)
    }

    /// An extra column by name (exact, then case-insensitive).
    pub fn extra(&self, key: &str) -> Option<&Spanned<String>> {
        self.extra
            .iter()
            .find(|(k, _)| k == key)
            .or_else(|| self.extra.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
            .map(|(_, v)| v)
    }
}
