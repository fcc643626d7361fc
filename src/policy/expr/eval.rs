//! The compiled form of a condition and its evaluation.
//!
//! The type checker builds a [`Cond`] once; evaluation reads values through
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
        glob: GlobMatcher,
    },
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
