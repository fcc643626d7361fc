//! The `when` expression language of policy rules.
//!
//! A condition is parsed ([`parse`](self::parse)), type-checked against the
//! schema ([`check`](self::check)) and compiled once into an [`Expr`], which
//! is then evaluated per asset through [`Facts`]. The grammar's source of
//! truth is `grammar/condition.ebnf`; `grammar/README.md` describes the
//! language for policy authors and `grammar/functions.md` the functions.
//!
//! ```text
//! condition  = ws, or_expr, ws, EOF ;
//! or_expr    = and_expr, { "or", and_expr } ;
//! and_expr   = not_expr, { "and", not_expr } ;
//! not_expr   = "not", not_expr | primary ;
//! primary    = "(", or_expr, ")" | comparison ;
//! comparison = value, [ compare_op, value | "in", value
//!                     | "not", "in", value | "matches", string ] ;
//! compare_op = "==" | "!=" | "<=" | ">=" | "<" | ">" ;
//! value      = list | literal | call | path ;
//! literal    = string | date | number | "true" | "false" ;
//! list       = "[", [ literal, { ",", literal }, [ "," ] ], "]" ;
//! call       = ident, "(", [ value, { ",", value }, [ "," ] ], ")" ;
//! path       = "today" | root, ".", ident, [ "[", string, "]" ] ;
//! root       = "asset" | "site" | "vendor" ;
//! ```
//!
//! Precedence, loosest first: `or`, `and`, `not`, then comparisons. Keywords
//! are lowercase. A value standing alone must be a bool (`asset.internet_facing`,
//! `exists(site.name)`).
//!
//! Semantics in short:
//!
//! - A comparison, `in`, `not in` or `matches` with a missing operand is
//!   false; so `not (asset.status == "x")` is true when the status is
//!   missing, and so is `asset.status != "x"` false. `exists(path)` tests
//!   presence.
//! - Quoted text compared with a level must name a level of the ladder and is
//!   compared by rank; quoted text compared with a date must be a date.
//! - `x in [..]` is membership; `"a" in asset.capabilities` tests a list
//!   field. Text `in` text is a type error (use `matches "*part*"`).
//! - `matches` is a case-insensitive glob on text (or any element of a list).
//! - `==` and `!=` on lists compare them as sets.
//!
//! ```
//! use assetlint::model::schema::{Facts, Ladder, Path, Val, AssetField};
//! use assetlint::policy::expr::compile;
//!
//! struct Camera;
//! impl Facts for Camera {
//!     fn get(&self, path: &Path) -> Option<Val<'_>> {
//!         match path {
//!             Path::Asset(AssetField::Kind) => Some(Val::Str("camera")),
//!             _ => None,
//!         }
//!     }
//! }
//!
//! let expr = compile(r#"asset.kind in ["camera", "nvr"] and not exists(asset.serial)"#, &Ladder::default()).unwrap();
//! assert!(expr.eval(&Camera));
//! assert_eq!(expr.to_string(), r#"asset.kind in ["camera", "nvr"] and not exists(asset.serial)"#);
//! ```

pub mod ast;
pub mod check;
pub mod error;
pub mod eval;
pub mod functions;
pub mod parse;

use std::fmt;

pub use self::error::{ErrorKind, ExprError};
pub use self::functions::{Function, FUNCTIONS};
use crate::model::schema::{Facts, Ladder, Path};

/// A compiled, type-checked expression.
#[derive(Clone, Debug)]
pub struct Expr {
    ast: ast::Node,
    cond: eval::Cond,
    paths: Vec<Path>,
}

/// Parses and type-checks an expression against the sensitivity ladder.
///
/// All error spans are byte ranges in `src`. A syntax error stops parsing
/// (other errors found before it are reported too); type errors are all
/// collected. Errors are sorted by position.
pub fn compile(src: &str, ladder: &Ladder) -> Result<Expr, Vec<ExprError>> {
    let ast = parse::parse(src)?;
    let checked = check::check(&ast, ladder)?;
    Ok(Expr {
        ast,
        cond: checked.cond,
        paths: checked.paths,
    })
}

/// Parses a path such as `asset.id`, `site.name`, `asset.extra["Cost centre"]`
/// or `today` (for message templates). Spaces around it are allowed; the
/// span of an error is a byte range in `src`.
pub fn parse_path(src: &str) -> Result<Path, ExprError> {
    let first = |mut errors: Vec<ExprError>| {
        if errors.is_empty() {
            ExprError::new(
                ErrorKind::Syntax,
                0..src.len(),
                "expected a path",
                "not a path",
            )
        } else {
            errors.swap_remove(0)
        }
    };
    let (raw, _) = parse::parse_path(src).map_err(first)?;
    check::resolve(&raw).map_err(first)
}

impl Expr {
    /// Evaluates the expression; missing values make comparisons false.
    pub fn eval(&self, facts: &dyn Facts) -> bool {
        self.cond.eval(facts)
    }

    /// Whether the expression reads any `site.*` path.
    pub fn reads_site(&self) -> bool {
        self.paths.iter().any(Path::reads_site)
    }

    /// Whether the expression reads any `vendor.*` path.
    pub fn reads_vendor(&self) -> bool {
        self.paths.iter().any(|p| matches!(p, Path::Vendor(_)))
    }

    /// Every path the expression reads, once each, in order of first
    /// appearance.
    pub fn paths(&self) -> Vec<&Path> {
        self.paths.iter().collect()
    }

    /// The syntax tree, with spans in the compiled text.
    pub fn ast(&self) -> &ast::Node {
        &self.ast
    }
}

/// The canonical form: re-parses to the same syntax tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.ast.fmt(f)
    }
}
