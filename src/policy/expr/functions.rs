//! The table of functions a condition can call.
//!
//! Adding a function is one [`Function`] entry in [`FUNCTIONS`] (kept sorted
//! by name), one section in `grammar/functions.md`, and one snapshot case in
//! the tests below. The parser reads any `name(args)` as a call and the type
//! checker uses `params` and `ret`, so neither changes.

use std::borrow::Cow;
use std::fmt;

use super::error::a;
use super::eval::{List, Value};
use crate::model::schema::{Facts, Path, Type, Val};

/// What a parameter accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// A path written as such (`asset.serial`), of any type.
    Path,
    /// A value of any type.
    Any,
    /// A value of one of these types.
    OneOf(&'static [Type]),
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Param::Path => f.write_str("a path"),
            Param::Any => f.write_str("any value"),
            Param::OneOf(types) => {
                for (n, ty) in types.iter().enumerate() {
                    match n {
                        0 => {}
                        n if n + 1 == types.len() => f.write_str(" or ")?,
                        _ => f.write_str(", ")?,
                    }
                    f.write_str(a(*ty))?;
                }
                Ok(())
            }
        }
    }
}

/// What a function returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    /// Always this type.
    Fixed(Type),
    /// The type of the first argument.
    SameAsFirst,
}

/// How a function computes its result: the evaluated arguments (`None` for a
/// missing value; a function may take them) and the facts. `None` means the
/// result is missing.
pub type EvalFn = for<'a> fn(&mut [Option<Value<'a>>], &'a dyn Facts) -> Option<Value<'a>>;

/// A function callable from conditions.
#[derive(Debug)]
pub struct Function {
    /// The name used in calls.
    pub name: &'static str,
    /// One entry per parameter.
    pub params: &'static [Param],
    /// The result type.
    pub ret: Ret,
    /// The implementation.
    pub eval: EvalFn,
    /// One line for error messages and listings.
    pub doc: &'static str,
}

/// Text or a list of text.
const TEXTUAL: &[Type] = &[Type::Str, Type::StrList];

/// Every function, sorted by name.
pub static FUNCTIONS: &[Function] = &[
    Function {
        name: "days_until",
        params: &[Param::OneOf(&[Type::Date])],
        ret: Ret::Fixed(Type::Num),
        eval: days_until,
        doc: "days from `today` to the date (negative once it has passed)",
    },
    Function {
        name: "exists",
        params: &[Param::Path],
        ret: Ret::Fixed(Type::Bool),
        eval: exists,
        doc: "whether the path has a value",
    },
    Function {
        name: "len",
        params: &[Param::OneOf(TEXTUAL)],
        ret: Ret::Fixed(Type::Num),
        eval: len,
        doc: "the number of characters of a text, or of elements of a list",
    },
    Function {
        name: "lower",
        params: &[Param::OneOf(TEXTUAL)],
        ret: Ret::SameAsFirst,
        eval: lower,
        doc: "the text in lowercase (each element of a list)",
    },
    Function {
        name: "upper",
        params: &[Param::OneOf(TEXTUAL)],
        ret: Ret::SameAsFirst,
        eval: upper,
        doc: "the text in uppercase (each element of a list)",
    },
];

/// The function called `name`.
pub fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS
        .binary_search_by(|f| f.name.cmp(name))
        .ok()
        .map(|n| &FUNCTIONS[n])
}

fn first<'a>(args: &mut [Option<Value<'a>>]) -> Option<Value<'a>> {
    args.first_mut().and_then(Option::take)
}

fn exists<'a>(args: &mut [Option<Value<'a>>], _: &'a dyn Facts) -> Option<Value<'a>> {
    Some(Value::Bool(first(args).is_some()))
}

fn len<'a>(args: &mut [Option<Value<'a>>], _: &'a dyn Facts) -> Option<Value<'a>> {
    let n = match first(args)? {
        Value::Str(s) => s.chars().count(),
        Value::List(l) => l.len(),
        _ => return None,
    };
    Some(Value::Num(n as f64))
}

/// Applies a case mapping, borrowing when nothing changes.
fn map_case<'a>(
    value: Value<'a>,
    unchanged: fn(char) -> bool,
    map: fn(&str) -> String,
) -> Option<Value<'a>> {
    let one = |s: Cow<'a, str>| -> Cow<'a, str> {
        if s.chars().all(unchanged) {
            s
        } else {
            Cow::Owned(map(&s))
        }
    };
    match value {
        Value::Str(s) => Some(Value::Str(one(s))),
        Value::List(l) => {
            if l.iter().all(|s| s.chars().all(unchanged)) {
                Some(Value::List(l))
            } else {
                Some(Value::List(List::Owned(l.iter().map(map).collect())))
            }
        }
        _ => None,
    }
}

fn lower<'a>(args: &mut [Option<Value<'a>>], _: &'a dyn Facts) -> Option<Value<'a>> {
    map_case(first(args)?, |c| !c.is_uppercase(), str::to_lowercase)
}

fn upper<'a>(args: &mut [Option<Value<'a>>], _: &'a dyn Facts) -> Option<Value<'a>> {
    map_case(first(args)?, |c| !c.is_lowercase(), str::to_uppercase)
}

fn days_until<'a>(args: &mut [Option<Value<'a>>], facts: &'a dyn Facts) -> Option<Value<'a>> {
    let Value::Date(date) = first(args)? else {
        return None;
    };
    let Val::Date(today) = facts.get(&Path::Today)? else {
        return None;
    };
    let span = today.until(date).ok()?;
    Some(Value::Num(f64::from(span.get_days())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::Ladder;
    use crate::policy::expr::compile;

    /// Every function with a snapshot case below; a test checks the list
    /// matches the table.
    const CASES: &[&str] = &["days_until", "exists", "len", "lower", "upper"];

    struct Today;

    impl Facts for Today {
        fn get(&self, path: &Path) -> Option<Val<'_>> {
            match path {
                Path::Today => Some(Val::Date(jiff::civil::date(2025, 1, 1))),
                Path::Asset(crate::model::AssetField::Kind) => Some(Val::Str("Camera")),
                Path::Asset(crate::model::AssetField::Capabilities) => {
                    Some(Val::List(vec!["Face-Recognition", "ptz"]))
                }
                _ => None,
            }
        }
    }

    /// Evaluates each condition against [`Today`]; one line per condition.
    fn case(conditions: &[&str]) -> String {
        let ladder = Ladder::default();
        conditions
            .iter()
            .map(|c| match compile(c, &ladder) {
                Ok(e) => format!("{c} => {}", e.eval(&Today)),
                Err(errors) => format!("{c} => error: {}", errors[0].message),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn table_is_sorted_unique_and_tested() {
        assert!(FUNCTIONS.windows(2).all(|w| w[0].name < w[1].name));
        let names: Vec<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        assert_eq!(names, CASES);
        for f in FUNCTIONS {
            assert!(std::ptr::eq(lookup(f.name).unwrap(), f));
            assert!(!f.doc.is_empty());
        }
        assert!(lookup("nope").is_none());
    }

    #[test]
    fn days_until_cases() {
        insta::assert_snapshot!(case(&[
        "days_until(2025-01-31) == 30",
        "days_until(2024-12-31) == -1",
        "days_until(today) == 0",
        "days_until(asset.installed) == 0",
        "days_until(\"2025-01-02\") == 1",
        ]), @r#"
        days_until(2025-01-31) == 30 => true
        days_until(2024-12-31) == -1 => true
        days_until(today) == 0 => true
        days_until(asset.installed) == 0 => false
        days_until("2025-01-02") == 1 => true
        "#);
    }

    #[test]
    fn exists_cases() {
        insta::assert_snapshot!(case(&[
        "exists(asset.kind)",
        "exists(asset.serial)",
        "not exists(site.name)",
        "exists(\"x\")",
        ]), @r#"
        exists(asset.kind) => true
        exists(asset.serial) => false
        not exists(site.name) => true
        exists("x") => error: `exists` takes a path as argument 1, found text
        "#);
    }

    #[test]
    fn len_cases() {
        insta::assert_snapshot!(case(&[
        "len(asset.kind) == 6",
        "len(asset.capabilities) == 2",
        "len([\"a\", \"b\", \"c\"]) == 3",
        "len(asset.serial) == 0",
        "len(asset.installed) == 0",
        ]), @r#"
        len(asset.kind) == 6 => true
        len(asset.capabilities) == 2 => true
        len(["a", "b", "c"]) == 3 => true
        len(asset.serial) == 0 => false
        len(asset.installed) == 0 => error: `len` takes text or a list as argument 1, found a date
        "#);
    }

    #[test]
    fn lower_cases() {
        insta::assert_snapshot!(case(&[
        "lower(asset.kind) == \"camera\"",
        "\"face-recognition\" in lower(asset.capabilities)",
        "lower(\"ÉCOLE\") == \"école\"",
        "lower(asset.serial) == \"\"",
        "lower(5) == \"5\"",
        ]), @r#"
        lower(asset.kind) == "camera" => true
        "face-recognition" in lower(asset.capabilities) => true
        lower("ÉCOLE") == "école" => true
        lower(asset.serial) == "" => false
        lower(5) == "5" => error: `lower` takes text or a list as argument 1, found a number
        "#);
    }

    #[test]
    fn upper_cases() {
        insta::assert_snapshot!(case(&[
        "upper(asset.kind) == \"CAMERA\"",
        "upper(asset.capabilities) == [\"PTZ\", \"FACE-RECOGNITION\"]",
        "upper(asset.kind, asset.id) == \"\"",
        ]), @r#"
        upper(asset.kind) == "CAMERA" => true
        upper(asset.capabilities) == ["PTZ", "FACE-RECOGNITION"] => true
        upper(asset.kind, asset.id) == "" => error: `upper` takes 1 argument, found 2
        "#);
    }

    #[test]
    fn param_display() {
        assert_eq!(Param::OneOf(TEXTUAL).to_string(), "text or a list");
        assert_eq!(
            Param::OneOf(&[Type::Str, Type::Num, Type::Date]).to_string(),
            "text, a number or a date"
        );
        assert_eq!(Param::Path.to_string(), "a path");
        assert_eq!(Param::Any.to_string(), "any value");
    }
}
