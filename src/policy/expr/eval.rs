//! The compiled form of a condition and its evaluation.
//!
//! The type checker builds a `Cond` once; evaluation reads values through
//! [`Facts`] and compares them with constants that were converted at compile
//! time (levels ranked, dates parsed, globs compiled). On the common path
//! (a path compared with a literal) nothing is allocated beyond what
//! [`Facts::get`] itself does.

use std::borrow::Cow;
use std::cmp::Ordering;

use globset::GlobMatcher;
use jiff::civil::Date;

use super::ast::CmpOp;
use super::functions::Function;
use crate::model::schema::{Facts, Path, Val};

/// A value during evaluation: a [`Val`] read from the facts, a constant of
/// the expression, or a function's result.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// Text.
    Str(Cow<'a, str>),
    /// A number.
    Num(f64),
    /// A bool.
    Bool(bool),
    /// A date.
    Date(Date),
    /// A level, by rank.
    Level(usize),
    /// A list of text values.
    List(List<'a>),
}

/// A list of text values, borrowed or owned.
#[derive(Clone, Debug, PartialEq)]
pub enum List<'a> {
    /// Borrowed from the facts or the expression.
    Borrowed(Vec<&'a str>),
    /// Built by a function.
    Owned(Vec<String>),
}

impl List<'_> {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            List::Borrowed(v) => v.len(),
            List::Owned(v) => v.len(),
        }
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(move |n| match self {
            List::Borrowed(v) => v[n],
            List::Owned(v) => v[n].as_str(),
        })
    }

    /// Whether `item` is an element.
    pub fn contains(&self, item: &str) -> bool {
        self.iter().any(|e| e == item)
    }

    /// Same elements, ignoring order and repeats.
    fn set_eq(&self, other: &List<'_>) -> bool {
        self.iter().all(|e| other.contains(e)) && other.iter().all(|e| self.contains(e))
    }
}

impl<'a> From<Val<'a>> for Value<'a> {
    fn from(v: Val<'a>) -> Self {
        match v {
            Val::Str(s) => Value::Str(Cow::Borrowed(s)),
            Val::Num(n) => Value::Num(n),
            Val::Bool(b) => Value::Bool(b),
            Val::Date(d) => Value::Date(d),
            Val::Level(r) => Value::Level(r),
            Val::List(l) => Value::List(List::Borrowed(l)),
        }
    }
}

/// A constant, converted to its operand's type at compile time.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Const {
    Str(String),
    Num(f64),
    Bool(bool),
    Date(Date),
    Level(usize),
    StrList(Vec<String>),
}

impl Const {
    fn value(&self) -> Value<'_> {
        match self {
            Const::Str(s) => Value::Str(Cow::Borrowed(s)),
            Const::Num(n) => Value::Num(*n),
            Const::Bool(b) => Value::Bool(*b),
            Const::Date(d) => Value::Date(*d),
            Const::Level(r) => Value::Level(*r),
            Const::StrList(l) => {
                Value::List(List::Borrowed(l.iter().map(String::as_str).collect()))
            }
        }
    }
}

/// Something that has a value: a constant, a path or a call.
#[derive(Clone, Debug)]
pub(crate) enum Operand {
    Const(Const),
    Path(Path),
    Call {
        func: &'static Function,
        args: Vec<Operand>,
    },
}

/// What `in` looks in.
#[derive(Clone, Debug)]
pub(crate) enum InSet {
    /// A literal list, each element converted to the item's type.
    Consts(Vec<Const>),
    /// A list-valued operand.
    List(Operand),
}

/// A compiled condition.
#[derive(Clone, Debug)]
pub(crate) enum Cond {
    /// A bool-valued operand; missing is false.
    Truthy(Operand),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Compare {
        op: CmpOp,
        lhs: Operand,
        rhs: Operand,
    },
    In {
        negated: bool,
        item: Operand,
        set: InSet,
    },
    Matches {
        subject: Operand,
        glob: Pattern,
    },
}

/// A compiled `matches` glob (case-insensitive), with a quicker test for
/// the common shapes `*text*`, `text*`, `*text` and `text` when both the
/// text and the subject are printable ASCII (where ASCII case folding is
/// exactly the glob's).
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    glob: GlobMatcher,
    /// The literal part, lowercased, and where it must sit.
    literal: Option<(Box<[u8]>, Anchor)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    Whole,
    Start,
    End,
    Anywhere,
}

fn printable_ascii(s: &[u8]) -> bool {
    s.iter().all(|&b| (b' '..0x7f).contains(&b))
}

impl Pattern {
    /// `glob` compiled from `text`.
    pub(crate) fn new(text: &str, glob: GlobMatcher) -> Self {
        let (start, rest) = match text.strip_prefix('*') {
            Some(rest) => (false, rest),
            None => (true, text),
        };
        let (end, lit) = match rest.strip_suffix('*') {
            Some(lit) => (false, lit),
            None => (true, rest),
        };
        let plain = !lit.is_empty()
            && printable_ascii(lit.as_bytes())
            && !lit.contains(['*', '?', '[', ']', '{', '}', '\\']);
        let anchor = match (start, end) {
            (true, true) => Anchor::Whole,
            (true, false) => Anchor::Start,
            (false, true) => Anchor::End,
            (false, false) => Anchor::Anywhere,
        };
        let literal = plain.then(|| (lit.to_ascii_lowercase().into_bytes().into(), anchor));
        Pattern { glob, literal }
    }

    /// Whether `subject` matches.
    pub(crate) fn is_match(&self, subject: &str) -> bool {
        let s = subject.as_bytes();
        let Some((lit, anchor)) = self.literal.as_ref().filter(|_| printable_ascii(s)) else {
            return self.glob.is_match(subject);
        };
        let n = lit.len();
        match anchor {
            Anchor::Whole => s.eq_ignore_ascii_case(lit),
            Anchor::Start => s.len() >= n && s[..n].eq_ignore_ascii_case(lit),
            Anchor::End => s.len() >= n && s[s.len() - n..].eq_ignore_ascii_case(lit),
            Anchor::Anywhere => {
                // `lit` is lowercase: look for its first byte, then compare.
                let first = lit[0];
                s.len() >= n
                    && (0..=s.len() - n).any(|i| {
                        s[i].to_ascii_lowercase() == first
                            && s[i + 1..i + n].eq_ignore_ascii_case(&lit[1..])
                    })
            }
        }
    }
}

impl Operand {
    /// The value, or `None` when it is missing.
    pub(crate) fn eval<'a>(&'a self, facts: &'a dyn Facts) -> Option<Value<'a>> {
        match self {
            Operand::Const(c) => Some(c.value()),
            Operand::Path(p) => facts.get(p).map(Value::from),
            Operand::Call { func, args } => match args.as_slice() {
                [a] => (func.eval)(&mut [a.eval(facts)], facts),
                [a, b] => (func.eval)(&mut [a.eval(facts), b.eval(facts)], facts),
                many => {
                    let mut values: Vec<_> = many.iter().map(|a| a.eval(facts)).collect();
                    (func.eval)(&mut values, facts)
                }
            },
        }
    }
}

/// Orders two values of the same type; `None` for different types or NaN.
fn order(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    match (a, b) {
        (Value::Str(a), Value::Str(b)) => Some(a.as_ref().cmp(b.as_ref())),
        (Value::Num(a), Value::Num(b)) => a.partial_cmp(b),
        (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
        (Value::Level(a), Value::Level(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// Equality; lists are equal when they hold the same elements, ignoring
/// order and repeats. `None` for different types.
fn equal(a: &Value<'_>, b: &Value<'_>) -> Option<bool> {
    match (a, b) {
        (Value::List(a), Value::List(b)) => Some(a.set_eq(b)),
        _ => order(a, b).map(|o| o == Ordering::Equal),
    }
}

fn compare(op: CmpOp, a: &Value<'_>, b: &Value<'_>) -> bool {
    match op {
        CmpOp::Eq => equal(a, b) == Some(true),
        CmpOp::Ne => equal(a, b) == Some(false),
        CmpOp::Lt => order(a, b) == Some(Ordering::Less),
        CmpOp::Le => matches!(order(a, b), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => order(a, b) == Some(Ordering::Greater),
        CmpOp::Ge => matches!(order(a, b), Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// Whether `c` equals `v`, without building a [`Value`] for scalars.
fn const_eq(c: &Const, v: &Value<'_>) -> bool {
    match (c, v) {
        (Const::Str(a), Value::Str(b)) => a == b,
        (Const::Num(a), Value::Num(b)) => a == b,
        (Const::Bool(a), Value::Bool(b)) => a == b,
        (Const::Date(a), Value::Date(b)) => a == b,
        (Const::Level(a), Value::Level(b)) => a == b,
        _ => false,
    }
}

impl Cond {
    /// Evaluates the condition. A comparison, `in` or `matches` with a
    /// missing operand is false.
    pub(crate) fn eval(&self, facts: &dyn Facts) -> bool {
        match self {
            Cond::Truthy(op) => matches!(op.eval(facts), Some(Value::Bool(true))),
            Cond::Not(inner) => !inner.eval(facts),
            Cond::And(items) => items.iter().all(|c| c.eval(facts)),
            Cond::Or(items) => items.iter().any(|c| c.eval(facts)),
            Cond::Compare { op, lhs, rhs } => {
                let Some(a) = lhs.eval(facts) else {
                    return false;
                };
                match rhs {
                    Operand::Const(c) if !matches!(c, Const::StrList(_)) => {
                        compare(*op, &a, &c.value())
                    }
                    _ => match rhs.eval(facts) {
                        Some(b) => compare(*op, &a, &b),
                        None => false,
                    },
                }
            }
            Cond::In { negated, item, set } => {
                let Some(item) = item.eval(facts) else {
                    return false;
                };
                let found = match set {
                    InSet::Consts(consts) => consts.iter().any(|c| const_eq(c, &item)),
                    InSet::List(list) => match (list.eval(facts), &item) {
                        (Some(Value::List(list)), Value::Str(s)) => list.contains(s),
                        _ => return false,
                    },
                };
                found != *negated
            }
            Cond::Matches { subject, glob } => match subject.eval(facts) {
                Some(Value::Str(s)) => glob.is_match(s.as_ref()),
                Some(Value::List(list)) => list.iter().any(|s| glob.is_match(s)),
                _ => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use jiff::civil::date;

    use crate::model::schema::{AssetField, Facts, Ladder, Path, SiteField, Val, VendorField};
    use crate::policy::expr::compile;

    #[test]
    fn quick_patterns_agree_with_their_globs() {
        let patterns = [
            "*hikvision*",
            "hik*",
            "*vision",
            "Dahua",
            "*a*",
            "DS-2CD*",
            "*a/b*",
            "x?z*",
            "*[*]*",
            "{a,b}*",
            "**",
            "*",
            "*hik vision*",
        ];
        let subjects = [
            "Hikvision",
            "HIKVISION DIGITAL",
            "hik",
            "hi",
            "Hanwha Vision",
            "dahua",
            "DAHUA ",
            "",
            "a/b",
            "xyz",
            "ds-2cd2143",
            "Hik\u{212A}vision",
            "hi\nkvision",
            "*",
            "Hik Vision",
            "ｈｉｋ",
            "\u{17F}",
        ];
        for p in patterns {
            let glob = globset::GlobBuilder::new(p)
                .case_insensitive(true)
                .build()
                .expect("valid glob")
                .compile_matcher();
            let pattern = super::Pattern::new(p, glob.clone());
            for s in subjects {
                assert_eq!(pattern.is_match(s), glob.is_match(s), "{p:?} on {s:?}");
            }
        }
    }

    /// An owned fact.
    #[derive(Clone)]
    enum F {
        S(&'static str),
        N(f64),
        B(bool),
        D(jiff::civil::Date),
        L(usize),
        List(Vec<&'static str>),
    }

    #[derive(Default)]
    struct TestFacts(HashMap<Path, F>);

    impl TestFacts {
        fn with(mut self, path: Path, f: F) -> Self {
            self.0.insert(path, f);
            self
        }
    }

    impl Facts for TestFacts {
        fn get(&self, path: &Path) -> Option<Val<'_>> {
            Some(match self.0.get(path)? {
                F::S(s) => Val::Str(s),
                F::N(n) => Val::Num(*n),
                F::B(b) => Val::Bool(*b),
                F::D(d) => Val::Date(*d),
                F::L(r) => Val::Level(*r),
                F::List(l) => Val::List(l.clone()),
            })
        }
    }

    /// A Hikvision camera at a sensitive site, installed 2023-03-01.
    fn camera() -> TestFacts {
        TestFacts::default()
            .with(Path::Asset(AssetField::Id), F::S("CAM-001"))
            .with(Path::Asset(AssetField::Kind), F::S("camera"))
            .with(Path::Asset(AssetField::Model), F::S("DS-2CD2143G0-I"))
            .with(
                Path::Asset(AssetField::Mac),
                F::List(vec!["C0:56:E3:00:11:22"]),
            )
            .with(Path::Asset(AssetField::Installed), F::D(date(2023, 3, 1)))
            .with(Path::Asset(AssetField::InternetFacing), F::B(false))
            .with(
                Path::Asset(AssetField::Capabilities),
                F::List(vec!["ptz", "face-recognition"]),
            )
            .with(Path::Extra("Cost".into()), F::S("120"))
            .with(Path::Site(SiteField::Sensitivity), F::L(2))
            .with(Path::Site(SiteField::Tags), F::List(vec![]))
            .with(Path::Vendor(VendorField::Id), F::S("hikvision"))
            .with(
                Path::Vendor(VendorField::Lists),
                F::List(vec!["us-fcc-covered", "uk-surveillance-2022"]),
            )
            .with(Path::Vendor(VendorField::StateOwned), F::B(true))
            .with(Path::Today, F::D(date(2025, 6, 1)))
    }

    /// Each condition with its value for [`camera`], one per line.
    fn e(conditions: &[&str]) -> String {
        let facts = camera();
        conditions
            .iter()
            .map(|c| match compile(c, &Ladder::default()) {
                Ok(expr) => format!("{} {c}", if expr.eval(&facts) { "T" } else { "F" }),
                Err(errors) => format!("! {c}: {}", errors[0].message),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn equality_and_order() {
        insta::assert_snapshot!(e(&[
            "asset.kind == 'camera'",
            "asset.kind == 'Camera'",
            "asset.kind != 'nvr'",
            "asset.kind != 'camera'",
            "asset.id < 'CAM-002'",
            "asset.id >= 'CAM-001'",
            "asset.id > 'CAM-001'",
            "asset.id <= 'CAM'",
            "len(asset.id) == 7",
            "len(asset.id) > 6.5",
            "-1 < 0",
            "asset.internet_facing == false",
            "asset.internet_facing != vendor.state_owned",
        ]), @r#"
        T asset.kind == 'camera'
        F asset.kind == 'Camera'
        T asset.kind != 'nvr'
        F asset.kind != 'camera'
        T asset.id < 'CAM-002'
        T asset.id >= 'CAM-001'
        F asset.id > 'CAM-001'
        F asset.id <= 'CAM'
        T len(asset.id) == 7
        T len(asset.id) > 6.5
        T -1 < 0
        T asset.internet_facing == false
        T asset.internet_facing != vendor.state_owned
        "#);
    }

    #[test]
    fn booleans() {
        insta::assert_snapshot!(e(&[
            "vendor.state_owned",
            "asset.internet_facing",
            "not asset.internet_facing",
            "true and false",
            "true or false",
            "false or false or true",
            "true and true and false",
            "not (true and false)",
        ]), @r#"
        T vendor.state_owned
        F asset.internet_facing
        T not asset.internet_facing
        F true and false
        T true or false
        T false or false or true
        F true and true and false
        T not (true and false)
        "#);
    }

    #[test]
    fn missing_values() {
        insta::assert_snapshot!(e(&[
            "asset.serial == 'x'",
            "asset.serial != 'x'",
            "not (asset.serial == 'x')",
            "asset.serial < 'x'",
            "asset.serial in ['x']",
            "asset.serial not in ['x']",
            "'x' in site.sectors",
            "'x' not in site.sectors",
            "asset.serial matches '*'",
            "site.name == site.name",
            "site.sector != 'x'",
            "asset.extra['Nope'] == 'x'",
            "exists(asset.serial)",
            "not exists(asset.serial)",
            "exists(asset.id)",
            "site.sensitivity > 'public' and exists(site.name)",
            "lower(asset.serial) == lower(asset.serial)",
        ]), @r#"
        F asset.serial == 'x'
        F asset.serial != 'x'
        T not (asset.serial == 'x')
        F asset.serial < 'x'
        F asset.serial in ['x']
        F asset.serial not in ['x']
        F 'x' in site.sectors
        F 'x' not in site.sectors
        F asset.serial matches '*'
        F site.name == site.name
        F site.sector != 'x'
        F asset.extra['Nope'] == 'x'
        F exists(asset.serial)
        T not exists(asset.serial)
        T exists(asset.id)
        F site.sensitivity > 'public' and exists(site.name)
        F lower(asset.serial) == lower(asset.serial)
        "#);
    }

    #[test]
    fn levels() {
        insta::assert_snapshot!(e(&[
            "site.sensitivity >= 'sensitive'",
            "site.sensitivity > 'sensitive'",
            "site.sensitivity < 'secret'",
            "site.sensitivity == 'Sensitive'",
            "'official' < site.sensitivity",
            "site.sensitivity in ['sensitive', 'secret']",
            "site.sensitivity not in ['public', 'official']",
            "site.sensitivity in ['public']",
        ]), @r#"
        T site.sensitivity >= 'sensitive'
        F site.sensitivity > 'sensitive'
        T site.sensitivity < 'secret'
        T site.sensitivity == 'Sensitive'
        T 'official' < site.sensitivity
        T site.sensitivity in ['sensitive', 'secret']
        T site.sensitivity not in ['public', 'official']
        F site.sensitivity in ['public']
        "#);
    }

    #[test]
    fn dates() {
        insta::assert_snapshot!(e(&[
            "asset.installed >= 2022-11-24",
            "asset.installed < 2022-11-24",
            "asset.installed == '2023-03-01'",
            "asset.installed < today",
            "today > 2025-05-31",
            "asset.installed in [2023-03-01, 2024-01-01]",
            "days_until(asset.installed) < -365",
            "days_until(2025-12-31) == 213",
        ]), @r#"
        T asset.installed >= 2022-11-24
        F asset.installed < 2022-11-24
        T asset.installed == '2023-03-01'
        T asset.installed < today
        T today > 2025-05-31
        T asset.installed in [2023-03-01, 2024-01-01]
        T days_until(asset.installed) < -365
        T days_until(2025-12-31) == 213
        "#);
    }

    #[test]
    fn lists() {
        insta::assert_snapshot!(e(&[
            "'uk-surveillance-2022' in vendor.lists",
            "'UK-SURVEILLANCE-2022' in vendor.lists",
            "'eu' not in vendor.lists",
            "asset.kind in ['camera', 'nvr']",
            "asset.kind not in ['camera', 'nvr']",
            "asset.kind in []",
            "asset.kind not in []",
            "asset.capabilities == ['face-recognition', 'ptz', 'ptz']",
            "asset.capabilities == ['ptz']",
            "asset.capabilities != ['ptz']",
            "site.tags == []",
            "len(site.tags) == 0",
            "len(['a', 'b']) == 2",
            "asset.extra['Cost'] in ['120', '130']",
            "'face-recognition' in asset.capabilities and asset.kind == 'camera'",
        ]), @r#"
        T 'uk-surveillance-2022' in vendor.lists
        F 'UK-SURVEILLANCE-2022' in vendor.lists
        T 'eu' not in vendor.lists
        T asset.kind in ['camera', 'nvr']
        F asset.kind not in ['camera', 'nvr']
        F asset.kind in []
        T asset.kind not in []
        T asset.capabilities == ['face-recognition', 'ptz', 'ptz']
        F asset.capabilities == ['ptz']
        T asset.capabilities != ['ptz']
        T site.tags == []
        T len(site.tags) == 0
        T len(['a', 'b']) == 2
        T asset.extra['Cost'] in ['120', '130']
        T 'face-recognition' in asset.capabilities and asset.kind == 'camera'
        "#);
    }

    #[test]
    fn globs() {
        insta::assert_snapshot!(e(&[
            "asset.model matches 'DS-2CD*'",
            "asset.model matches 'ds-2cd*'",
            "asset.model matches 'DS-7*'",
            "asset.model matches 'DS-2CD2?43*'",
            "asset.mac matches 'c0:56:e3:*'",
            "asset.mac matches '44:19:B6:*'",
            "vendor.id matches '{hikvision,dahua}'",
            "asset.capabilities matches 'face-*'",
            "'a/b' matches '*'",
        ]), @r#"
        T asset.model matches 'DS-2CD*'
        T asset.model matches 'ds-2cd*'
        F asset.model matches 'DS-7*'
        T asset.model matches 'DS-2CD2?43*'
        T asset.mac matches 'c0:56:e3:*'
        F asset.mac matches '44:19:B6:*'
        T vendor.id matches '{hikvision,dahua}'
        T asset.capabilities matches 'face-*'
        T 'a/b' matches '*'
        "#);
    }

    #[test]
    fn functions() {
        insta::assert_snapshot!(e(&[
            "lower(asset.model) == 'ds-2cd2143g0-i'",
            "upper(vendor.id) == 'HIKVISION'",
            "'UK-SURVEILLANCE-2022' in upper(vendor.lists)",
            "lower(upper(asset.kind)) == asset.kind",
            "len(lower(asset.capabilities)) == 2",
        ]), @r#"
        T lower(asset.model) == 'ds-2cd2143g0-i'
        T upper(vendor.id) == 'HIKVISION'
        T 'UK-SURVEILLANCE-2022' in upper(vendor.lists)
        T lower(upper(asset.kind)) == asset.kind
        T len(lower(asset.capabilities)) == 2
        "#);
    }

    /// Counts allocations on the current thread.
    mod counting {
        use std::alloc::{GlobalAlloc, Layout, System};
        use std::cell::Cell;

        pub struct Counting;

        thread_local! {
            pub static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
        }

        // SAFETY: defers to the system allocator; only counts.
        unsafe impl GlobalAlloc for Counting {
            unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
                // SAFETY: same contract as the caller's.
                unsafe { System.alloc(layout) }
            }

            unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
                // SAFETY: same contract as the caller's.
                unsafe { System.dealloc(ptr, layout) }
            }
        }

        #[global_allocator]
        static GLOBAL: Counting = Counting;
    }

    /// Scalar facts only: reading them does not allocate.
    struct Scalars;

    impl Facts for Scalars {
        fn get(&self, path: &Path) -> Option<Val<'_>> {
            match path {
                Path::Asset(AssetField::Kind) => Some(Val::Str("camera")),
                Path::Asset(AssetField::Model) => Some(Val::Str("DS-2CD2143G0-I")),
                Path::Asset(AssetField::Installed) => Some(Val::Date(date(2023, 3, 1))),
                Path::Asset(AssetField::InternetFacing) => Some(Val::Bool(true)),
                Path::Site(SiteField::Sensitivity) => Some(Val::Level(3)),
                Path::Today => Some(Val::Date(date(2025, 6, 1))),
                _ => None,
            }
        }
    }

    #[test]
    fn evaluation_does_not_allocate() {
        let expr = compile(
            "asset.kind in ['camera', 'nvr'] and site.sensitivity >= 'sensitive' \
             and site.sensitivity in ['secret'] and asset.installed >= 2022-11-24 \
             and asset.installed < today and asset.model matches 'ds-2cd*' \
             and lower(asset.kind) == 'camera' and len(asset.kind) == 6 \
             and not exists(asset.serial) and asset.internet_facing \
             and days_until(asset.installed) < 0 and asset.kind != 'x' or false",
            &Ladder::default(),
        )
        .unwrap();
        assert!(expr.eval(&Scalars));
        let before = counting::ALLOCATIONS.with(|n| n.get());
        for _ in 0..100 {
            assert!(expr.eval(&Scalars));
        }
        let after = counting::ALLOCATIONS.with(|n| n.get());
        assert_eq!(after - before, 0, "evaluation allocated");
    }

    /// A fact of an unexpected variant (a reader bug) makes comparisons
    /// false rather than panicking.
    #[test]
    fn wrong_fact_types_are_false() {
        let facts = TestFacts::default()
            .with(Path::Asset(AssetField::Kind), F::N(3.0))
            .with(Path::Site(SiteField::Sensitivity), F::S("secret"))
            .with(Path::Vendor(VendorField::Lists), F::S("x"))
            .with(Path::Asset(AssetField::InternetFacing), F::S("yes"))
            .with(Path::Asset(AssetField::Installed), F::N(f64::NAN));
        let ladder = Ladder::default();
        for src in [
            "asset.kind == 'camera'",
            "asset.kind != 'camera'",
            "site.sensitivity >= 'public'",
            "'x' in vendor.lists",
            "'x' not in vendor.lists",
            "asset.internet_facing",
            "asset.kind matches '*'",
            "asset.installed < today",
            "lower(asset.kind) == 'x'",
            "len(asset.kind) == 1",
            "days_until(asset.installed) == 1",
        ] {
            let expr = compile(src, &ladder).unwrap();
            assert!(!expr.eval(&facts), "{src}");
        }
    }
}
