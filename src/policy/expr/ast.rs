//! The syntax tree the parser builds, before type checking.
//!
//! Every node keeps its byte span in the expression text. `and` and `or`
//! chains are flat lists, so the tree is only as deep as the nesting of
//! parentheses, `not` and calls, which the parser bounds.
//!
//! [`Node`]'s `Display` is the canonical source form (it re-parses to the
//! same tree); [`Sexp`] is a compact, fully bracketed form for tests.

use std::fmt::{self, Write as _};
use std::ops::Range;

use jiff::civil::Date;

/// A byte range in the expression text.
pub type Span = Range<usize>;

/// A node of the syntax tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// Where it is, including any parentheses around it.
    pub span: Span,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Whether the operator orders its operands (`<`, `<=`, `>`, `>=`).
    pub fn is_ordering(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }
}

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A path as written: `root`, `root.field` or `root.field["key"]`. The type
/// checker resolves it against the schema.
#[derive(Clone, Debug, PartialEq)]
pub struct RawPath {
    /// `asset`, `site`, `vendor` or `today`.
    pub root: Ident,
    /// The field after the dot.
    pub field: Option<Ident>,
    /// The column name in `["…"]`, cooked, with the span of its literal.
    pub key: Option<(String, Span)>,
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    /// Text, unescaped.
    Str(String),
    /// A number.
    Num(f64),
    /// `true` or `false`.
    Bool(bool),
    /// A calendar date.
    Date(Date),
}

/// What a node is.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// `a or b or …` (two or more).
    Or(Vec<Node>),
    /// `a and b and …` (two or more).
    And(Vec<Node>),
    /// `not a`
    Not(Box<Node>),
    /// `lhs op rhs`
    Compare {
        /// The operator.
        op: CmpOp,
        /// Where the operator is.
        op_span: Span,
        /// Left operand.
        lhs: Box<Node>,
        /// Right operand.
        rhs: Box<Node>,
    },
    /// `item in list` or `item not in list`
    In {
        /// `not in`
        negated: bool,
        /// Where the operator is.
        op_span: Span,
        /// The value looked for.
        item: Box<Node>,
        /// The list looked in.
        list: Box<Node>,
    },
    /// `subject matches "glob"`
    Matches {
        /// Where the operator is.
        op_span: Span,
        /// The text matched.
        subject: Box<Node>,
        /// The pattern: always a [`Lit::Str`] node.
        pattern: Box<Node>,
    },
    /// A literal.
    Lit(Lit),
    /// `[lit, …]`: a list of literal nodes.
    List(Vec<Node>),
    /// A path.
    Path(RawPath),
    /// `name(args)`
    Call {
        /// The function name.
        name: Ident,
        /// The arguments.
        args: Vec<Node>,
    },
}

impl Node {
    /// Binding strength: 1 `or`, 2 `and`, 3 `not`, 4 everything else.
    fn prec(&self) -> u8 {
        match self.kind {
            NodeKind::Or(_) => 1,
            NodeKind::And(_) => 2,
            NodeKind::Not(_) => 3,
            _ => 4,
        }
    }

    /// Calls `visit` on every path, in source order.
    pub fn walk_paths<'a>(&'a self, visit: &mut impl FnMut(&'a RawPath)) {
        match &self.kind {
            NodeKind::Or(items) | NodeKind::And(items) | NodeKind::List(items) => {
                items.iter().for_each(|n| n.walk_paths(visit))
            }
            NodeKind::Call { args, .. } => args.iter().for_each(|n| n.walk_paths(visit)),
            NodeKind::Not(inner) => inner.walk_paths(visit),
            NodeKind::Compare { lhs, rhs, .. } => {
                lhs.walk_paths(visit);
                rhs.walk_paths(visit);
            }
            NodeKind::In { item, list, .. } => {
                item.walk_paths(visit);
                list.walk_paths(visit);
            }
            NodeKind::Matches { subject, .. } => subject.walk_paths(visit),
            NodeKind::Lit(_) => {}
            NodeKind::Path(p) => visit(p),
        }
    }

    fn fmt_min(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.prec() < min {
            f.write_char('(')?;
            fmt::Display::fmt(self, f)?;
            f.write_char(')')
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

/// Writes `s` as a double-quoted literal that the parser reads back as `s`.
pub fn write_quoted(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            c if c.is_control() => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}

impl fmt::Display for Lit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lit::Str(s) => write_quoted(f, s),
            Lit::Num(n) => write!(f, "{n}"),
            Lit::Bool(b) => write!(f, "{b}"),
            Lit::Date(d) => write!(f, "{d}"),
        }
    }
}

impl fmt::Display for RawPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.root.name)?;
        if let Some(field) = &self.field {
            write!(f, ".{}", field.name)?;
        }
        if let Some((key, _)) = &self.key {
            f.write_char('[')?;
            write_quoted(f, key)?;
            f.write_char(']')?;
        }
        Ok(())
    }
}

fn join(f: &mut fmt::Formatter<'_>, items: &[Node], sep: &str, min: u8) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        item.fmt_min(f, min)?;
    }
    Ok(())
}

/// The canonical source form: single spaces, double-quoted strings, and
/// parentheses only where precedence needs them.
impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            NodeKind::Or(items) => join(f, items, " or ", 2),
            NodeKind::And(items) => join(f, items, " and ", 3),
            NodeKind::Not(inner) => {
                f.write_str("not ")?;
                inner.fmt_min(f, 3)
            }
            NodeKind::Compare { op, lhs, rhs, .. } => {
                write!(f, "{lhs} {} {rhs}", op.as_str())
            }
            NodeKind::In {
                negated,
                item,
                list,
                ..
            } => {
                let op = if *negated { "not in" } else { "in" };
                write!(f, "{item} {op} {list}")
            }
            NodeKind::Matches {
                subject, pattern, ..
            } => write!(f, "{subject} matches {pattern}"),
            NodeKind::Lit(lit) => lit.fmt(f),
            NodeKind::List(items) => {
                f.write_char('[')?;
                join(f, items, ", ", 0)?;
                f.write_char(']')
            }
            NodeKind::Path(p) => p.fmt(f),
            NodeKind::Call { name, args } => {
                write!(f, "{}(", name.name)?;
                join(f, args, ", ", 0)?;
                f.write_char(')')
            }
        }
    }
}

/// A fully bracketed, span-free rendering of a [`Node`] for tests:
/// `(and (== asset.kind "camera") (not (exists site.name)))`.
pub struct Sexp<'a>(pub &'a Node);

impl fmt::Display for Sexp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all = |f: &mut fmt::Formatter<'_>, head: &str, items: &[Node]| {
            write!(f, "({head}")?;
            for item in items {
                write!(f, " {}", Sexp(item))?;
            }
            f.write_char(')')
        };
        match &self.0.kind {
            NodeKind::Or(items) => all(f, "or", items),
            NodeKind::And(items) => all(f, "and", items),
            NodeKind::Not(inner) => write!(f, "(not {})", Sexp(inner)),
            NodeKind::Compare { op, lhs, rhs, .. } => {
                write!(f, "({} {} {})", op.as_str(), Sexp(lhs), Sexp(rhs))
            }
            NodeKind::In {
                negated,
                item,
                list,
                ..
            } => {
                let op = if *negated { "not-in" } else { "in" };
                write!(f, "({op} {} {})", Sexp(item), Sexp(list))
            }
            NodeKind::Matches {
                subject, pattern, ..
            } => write!(f, "(matches {} {})", Sexp(subject), Sexp(pattern)),
            NodeKind::Lit(_) | NodeKind::Path(_) => write!(f, "{}", self.0),
            NodeKind::List(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(' ')?;
                    }
                    write!(f, "{}", Sexp(item))?;
                }
                f.write_char(']')
            }
            NodeKind::Call { name, args } => all(f, &format!("{}()", name.name), args),
        }
    }
}
