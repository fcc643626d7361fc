//! Errors in expressions: a domain [`ErrorKind`] plus a span, a message, a
//! label and an optional help text. Nothing from nom reaches this type.

use std::fmt;
use std::ops::Range;

use crate::model::schema::Type;

/// What went wrong in an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not an expression (a missing value, a stray token, an
    /// unclosed bracket or string, a bad escape or number).
    Syntax,
    /// A path names a root or field that does not exist.
    UnknownField,
    /// A text literal compared with a level does not name a ladder level.
    UnknownLevel,
    /// The operand types do not fit the operator or function.
    TypeMismatch,
    /// A call names no function of the table.
    UnknownFunction,
    /// A call has the wrong number of arguments.
    WrongArity,
    /// Parentheses, `not` or calls are nested too deeply.
    DepthLimit,
    /// A date literal that is not a calendar date (`2022-02-30`).
    InvalidDate,
    /// A `matches` pattern that is not a valid glob.
    InvalidGlob,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::Syntax,
        ErrorKind::UnknownField,
        ErrorKind::UnknownLevel,
        ErrorKind::TypeMismatch,
        ErrorKind::UnknownFunction,
        ErrorKind::WrongArity,
        ErrorKind::DepthLimit,
        ErrorKind::InvalidDate,
        ErrorKind::InvalidGlob,
    ];

    /// A short kebab-case code for the kind, stable across releases.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::UnknownField => "unknown-field",
            ErrorKind::UnknownLevel => "unknown-level",
            ErrorKind::TypeMismatch => "type-mismatch",
            ErrorKind::UnknownFunction => "unknown-function",
            ErrorKind::WrongArity => "wrong-arity",
            ErrorKind::DepthLimit => "depth-limit",
            ErrorKind::InvalidDate => "invalid-date",
            ErrorKind::InvalidGlob => "invalid-glob",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An error in an expression, with its span relative to the expression text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// What kind of error.
    pub kind: ErrorKind,
    /// Byte range in the expression text.
    pub span: Range<usize>,
    /// One line saying what is wrong.
    pub message: String,
    /// What is wrong at the span.
    pub label: String,
    /// What to do.
    pub help: Option<String>,
}

impl ExprError {
    /// A new error without help.
    pub fn new(
        kind: ErrorKind,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        ExprError {
            kind,
            span,
            message: message.into(),
            label: label.into(),
            help: None,
        }
    }

    /// Adds a help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a help text if there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The same error with its span moved by `base` bytes: for an expression
    /// that starts at byte `base` of a larger text.
    pub fn offset(mut self, base: usize) -> Self {
        self.span = self.span.start + base..self.span.end + base;
        self
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at {}..{}: {}",
            self.message, self.span.start, self.span.end, self.label
        )?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExprError {}

/// `text`, `a number`, …: a type with its article, for messages.
pub(crate) fn a(ty: Type) -> &'static str {
    match ty {
        Type::Str => "text",
        Type::Num => "a number",
        Type::Bool => "a bool",
        Type::Date => "a date",
        Type::Level => "a level",
        Type::StrList => "a list",
    }
}

/// Levenshtein distance between two short names, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidates close to `name` (by edit distance, ignoring case), closest
/// first.
pub(crate) fn close_names<'c>(name: &str, candidates: &[&'c str]) -> Vec<&'c str> {
    let lower = name.to_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    let mut close: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (distance(&lower, c), *c))
        .filter(|(d, c)| *d <= limit || (lower.len() >= 3 && c.starts_with(lower.as_str())))
        .collect();
    close.sort();
    close.into_iter().map(|(_, c)| c).take(3).collect()
}

/// A help text: "did you mean `x`?" for close names, else the full list.
pub(crate) fn did_you_mean(name: &str, candidates: &[&str], what: &str) -> String {
    let close = close_names(name, candidates);
    match close.as_slice() {
        [] => format!("{what} are: {}", backticked(candidates)),
        [one] => format!("did you mean `{one}`?"),
        many => format!("did you mean one of {}?", backticked(many)),
    }
}

/// `a`, `b`, `c`
pub(crate) fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("kind", "kind"), 0);
        assert_eq!(distance("knd", "kind"), 1);
        assert_eq!(distance("sensitivty", "sensitivity"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("éa", "ea"), 1);
    }

    #[test]
    fn suggestions() {
        let names = ["id", "kind", "vendor", "installed"];
        insta::assert_snapshot!(did_you_mean("knd", &names, "the fields"), @"did you mean `kind`?");
        insta::assert_snapshot!(did_you_mean("zzzzzz", &names, "the fields"), @"the fields are: `id`, `kind`, `vendor`, `installed`");
        insta::assert_snapshot!(did_you_mean("inst", &names, "the fields"), @"did you mean `installed`?");
    }

    #[test]
    fn codes_are_unique_and_kebab() {
        let kinds = ErrorKind::ALL;
        let mut codes: Vec<_> = kinds.iter().map(|k| k.code()).collect();
        assert!(codes
            .iter()
            .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-')));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), kinds.len());
    }

    #[test]
    fn offset_moves_span() {
        let e = ExprError::new(ErrorKind::Syntax, 1..3, "m", "l").offset(10);
        assert_eq!(e.span, 11..13);
    }
}
