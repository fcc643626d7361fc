//! The `when` expression language. (Placeholder API; the parser lands in its own commit.)

use std::fmt;
use std::ops::Range;

use crate::model::schema::{Facts, Ladder, Path};

/// A compiled, type-checked expression.
#[derive(Clone, Debug)]
pub struct Expr {
    _private: (),
}

/// What went wrong in an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not an expression.
    Syntax,
}

/// An error in an expression, with its span relative to the expression text.
#[derive(Clone, Debug)]
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

/// Parses and type-checks an expression against the sensitivity ladder.
pub fn compile(_src: &str, _ladder: &Ladder) -> Result<Expr, Vec<ExprError>> {
    Ok(Expr { _private: () })
}

/// Parses a path such as `asset.id` or `site.name` (for message templates).
pub fn parse_path(_src: &str) -> Result<Path, ExprError> {
    Ok(Path::Today)
}

impl Expr {
    /// Evaluates the expression; missing values make comparisons false.
    pub fn eval(&self, _facts: &dyn Facts) -> bool {
        false
    }

    /// Whether the expression reads any `site.*` path.
    pub fn reads_site(&self) -> bool {
        false
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("false")
    }
}
