//! The `when` expression language of policy rules.
//!
//! A condition is parsed (`parse.rs`, nom) into an [`ast::Node`],
//! type-checked against the schema (`check.rs`) and compiled once into an
//! [`Expr`], which is then evaluated per asset through [`Facts`]
//! (`eval.rs`). Functions come from one table, [`FUNCTIONS`]. The grammar's source of
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
//!   false: when the status is missing, `asset.status != "x"` is false and
//!   `not (asset.status == "x")` is true. `exists(path)` tests presence.
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
mod check;
pub mod error;
pub mod eval;
pub mod functions;
mod parse;
#[cfg(test)]
mod props;

use std::fmt;

pub use self::error::{ErrorKind, ExprError};
pub use self::functions::{Function, FUNCTIONS};
pub use self::parse::MAX_DEPTH;
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
    let (ast, mut errors) = parse::parse_partial(src);
    let Some(ast) = ast else {
        return Err(errors);
    };
    let checked = match check::check(&ast, ladder) {
        Ok(checked) if errors.is_empty() => checked,
        Ok(_) => return Err(errors),
        Err(more) => {
            errors.extend(more);
            errors.sort_by_key(|e| (e.span.start, e.span.end));
            return Err(errors);
        }
    };
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

#[cfg(test)]
mod tests {
    use super::ast::Sexp;
    use super::*;
    use crate::model::schema::{AssetField, SiteField, VendorField};

    /// Conditions covering every construct, for the round trip.
    const CORPUS: &[&str] = &[
        r#""uk-surveillance-2022" in vendor.lists and asset.kind in ["camera", "nvr", "dvr"] and site.sensitivity >= "sensitive" and asset.status != "decommissioned""#,
        "(asset.kind == 'a' or asset.kind == 'b') and not (vendor.state_owned or asset.internet_facing)",
        "((true or false) or true) and ((true and false) and true)",
        "not not (not true)",
        "not asset.kind == 'x' or not (true and false)",
        "asset.installed >= 2022-11-24 and asset.installed < today and days_until(asset.installed) > -0.5",
        r#"asset.extra["Cost \"centre\"\n\t\\ é"] matches '*\u{1}*' and asset.extra['x'] not in ['a', "b",]"#,
        "len([]) == 0 and lower(upper(asset.kind)) == 'x' and exists(site.name)",
        "asset.capabilities == ['a', 'b'] and -3 < 4.25 and 007 == 7",
        "site.sensitivity in ['sensitive', 'secret'] and vendor.oem_for != []",
        "  # comment\n  asset.id == 'x' # trailing\n",
    ];

    #[test]
    fn print_parse_round_trip() {
        let ladder = Ladder::default();
        for src in CORPUS {
            let expr = compile(src, &ladder).unwrap_or_else(|e| panic!("{src}: {e:?}"));
            let printed = expr.to_string();
            let again = compile(&printed, &ladder).unwrap_or_else(|e| panic!("{printed}: {e:?}"));
            assert_eq!(
                Sexp(expr.ast()).to_string(),
                Sexp(again.ast()).to_string(),
                "{src} printed as {printed}"
            );
            assert_eq!(again.to_string(), printed, "printing is stable");
        }
    }

    #[test]
    fn canonical_form() {
        let ladder = Ladder::default();
        let show = |src: &str| {
            compile(src, &ladder)
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        insta::assert_snapshot!(show("((true or false) or true) and ((true and false) and true)"), @"((true or false) or true) and ((true and false) and true)");
        insta::assert_snapshot!(show("not(asset.kind=='x')and(true)"), @r#"not asset.kind == "x" and true"#);
        insta::assert_snapshot!(show("asset.extra [ 'a\"b' ] in [ 'x' , '2' , ]"), @r#"asset.extra["a\"b"] in ["x", "2"]"#);
        insta::assert_snapshot!(show("not (not true or false)"), @"not (not true or false)");
    }

    #[test]
    fn paths_and_reads() {
        let ladder = Ladder::default();
        let expr = compile(
            "asset.kind == 'camera' and (site.sensitivity >= 'secret' or asset.kind == 'nvr') and asset.extra['A'] == 'x' and today > 2020-01-01",
            &ladder,
        )
        .unwrap();
        assert_eq!(
            expr.paths(),
            vec![
                &Path::Asset(AssetField::Kind),
                &Path::Site(SiteField::Sensitivity),
                &Path::Extra("A".into()),
                &Path::Today,
            ]
        );
        assert!(expr.reads_site());
        assert!(!expr.reads_vendor());
        let expr = compile("exists(vendor.name)", &ladder).unwrap();
        assert!(expr.reads_vendor());
        assert!(!expr.reads_site());
        assert_eq!(expr.paths(), vec![&Path::Vendor(VendorField::Name)]);
        assert!(compile("true", &ladder).unwrap().paths().is_empty());
    }

    #[test]
    fn parse_path_cases() {
        assert_eq!(parse_path("asset.id"), Ok(Path::Asset(AssetField::Id)));
        assert_eq!(parse_path(" site.name "), Ok(Path::Site(SiteField::Name)));
        assert_eq!(
            parse_path("vendor.lists"),
            Ok(Path::Vendor(VendorField::Lists))
        );
        assert_eq!(parse_path("today"), Ok(Path::Today));
        assert_eq!(
            parse_path(r#"asset.extra["Cost centre"]"#),
            Ok(Path::Extra("Cost centre".into()))
        );
        for path in [
            Path::Extra("a\"b\\c\u{301}\r\n\t\0é".into()),
            Path::Asset(AssetField::InternetFacing),
            Path::Today,
        ] {
            assert_eq!(
                parse_path(&path.to_string()),
                Ok(path),
                "Path's Display re-parses"
            );
        }
        let error = parse_path("asset.knd").unwrap_err();
        assert_eq!((error.kind, error.span), (ErrorKind::UnknownField, 6..9));
        let error = parse_path("asset.id ==").unwrap_err();
        assert_eq!((error.kind, error.span), (ErrorKind::Syntax, 9..11));
        let error = parse_path("").unwrap_err();
        assert_eq!((error.kind, error.span), (ErrorKind::Syntax, 0..0));
        let error = parse_path("lower(asset.id)").unwrap_err();
        assert_eq!(error.kind, ErrorKind::Syntax);
    }

    #[test]
    fn errors_are_sorted_and_relative() {
        let errors = compile(
            "\n  asset.installed > 5 and asset.knd == 'x'",
            &Ladder::default(),
        )
        .unwrap_err();
        let spans: Vec<_> = errors.iter().map(|e| (e.kind, e.span.clone())).collect();
        assert_eq!(
            spans,
            vec![
                (ErrorKind::TypeMismatch, 3..22),
                (ErrorKind::UnknownField, 33..36)
            ]
        );
        assert_eq!(
            errors[1].clone().offset(100).span,
            133..136,
            "offset moves spans into the enclosing text"
        );
    }

    #[test]
    fn parse_and_type_errors_are_reported_together() {
        let errors = compile(
            "asset.installed < 2022-02-30 and asset.kind == 3",
            &Ladder::default(),
        )
        .unwrap_err();
        let kinds: Vec<_> = errors.iter().map(|e| (e.kind, e.span.clone())).collect();
        assert_eq!(
            kinds,
            vec![
                (ErrorKind::InvalidDate, 18..28),
                (ErrorKind::TypeMismatch, 33..48)
            ]
        );
    }

    /// Pseudo-random conditions from a token soup: compiling never panics,
    /// and whatever compiles prints to text that compiles to the same tree.
    #[test]
    fn token_soup_never_panics_and_round_trips() {
        const TOKENS: &[&str] = &[
            "asset.kind",
            "asset.installed",
            "site.sensitivity",
            "vendor.lists",
            "asset.capabilities",
            "asset.extra[\"K é\"]",
            "today",
            "asset.internet_facing",
            "exists(",
            "lower(",
            "len(",
            "days_until(",
            ")",
            "(",
            "[",
            "]",
            ",",
            "and",
            "or",
            "not",
            "in",
            "not in",
            "matches",
            "==",
            "!=",
            "<",
            ">=",
            "\"camera\"",
            "'secret'",
            "\"2022-01-01\"",
            "2022-11-24",
            "2022-02-30",
            "5",
            "-1.5",
            "true",
            "false",
            "\"*\"",
            "\"[\"",
            "\\",
            "\"",
            "#c\n",
            "é",
            "&&",
            "=",
            "assets.kind",
            "zz(",
        ];
        let ladder = Ladder::default();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut compiled = 0;
        for _ in 0..20_000 {
            let len = 1 + next(9);
            let src: Vec<&str> = (0..len).map(|_| TOKENS[next(TOKENS.len())]).collect();
            let src = src.join(" ");
            let Ok(expr) = compile(&src, &ladder) else {
                continue;
            };
            compiled += 1;
            let printed = expr.to_string();
            let again = compile(&printed, &ladder)
                .unwrap_or_else(|e| panic!("{src} printed as {printed}: {e:?}"));
            assert_eq!(Sexp(expr.ast()).to_string(), Sexp(again.ast()).to_string());
        }
        assert!(compiled > 100, "only {compiled} compiled");
    }

    #[test]
    fn expr_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + std::fmt::Debug>() {}
        check::<Expr>();
        check::<ExprError>();
    }
}
