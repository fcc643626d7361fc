//! Property tests of the expression language: any syntax tree, printed in
//! its canonical form ([`Node`]'s `Display`), parses back to the same tree;
//! and printing whatever text parses is a fixed point after one round.

use jiff::civil::Date;
use proptest::prelude::*;

use super::ast::{CmpOp, Ident, Lit, Node, NodeKind, RawPath, Sexp};
use super::parse::{parse, KEYWORDS};

fn node(kind: NodeKind) -> Node {
    Node { kind, span: 0..0 }
}

fn ident(name: String) -> Ident {
    Ident { name, span: 0..0 }
}

/// Identifiers the grammar reads as names (not keywords, roots or `today`).
fn name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,8}".prop_filter("not a keyword or root", |s| {
        !KEYWORDS.contains(&s.as_str())
            && !["asset", "site", "vendor", "today"].contains(&s.as_str())
    })
}

fn literal() -> impl Strategy<Value = Lit> {
    prop_oneof![
        any::<String>().prop_map(Lit::Str),
        // Numbers as the grammar writes them: an optional minus, digits, an
        // optional fraction (printed back the way `f64` displays).
        (any::<bool>(), 0u32..1_000_000, prop::option::of(0u32..1000)).prop_map(
            |(neg, int, frac)| {
                let text = match frac {
                    Some(f) => format!("{}{int}.{f}", if neg { "-" } else { "" }),
                    None => format!("{}{int}", if neg { "-" } else { "" }),
                };
                Lit::Num(text.parse().unwrap_or_default())
            }
        ),
        any::<bool>().prop_map(Lit::Bool),
        (1000i16..=9999, 1i8..=12, 1i8..=28)
            .prop_map(|(y, m, d)| Lit::Date(Date::new(y, m, d).unwrap_or_default())),
    ]
}

fn path() -> impl Strategy<Value = RawPath> {
    let root = prop_oneof![Just("asset"), Just("site"), Just("vendor")];
    prop_oneof![
        Just(RawPath {
            root: ident("today".into()),
            field: None,
            key: None,
        }),
        (root, name()).prop_map(|(root, field)| RawPath {
            root: ident(root.into()),
            field: Some(ident(field)),
            key: None,
        }),
        any::<String>().prop_map(|key| RawPath {
            root: ident("asset".into()),
            field: Some(ident("extra".into())),
            key: Some((key, 0..0)),
        }),
    ]
}

/// A `value`: a literal, a list of literals, a path or a call.
fn value() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        literal().prop_map(|l| node(NodeKind::Lit(l))),
        prop::collection::vec(literal(), 0..4).prop_map(|items| node(NodeKind::List(
            items.into_iter().map(|l| node(NodeKind::Lit(l))).collect()
        ))),
        path().prop_map(|p| node(NodeKind::Path(p))),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        (name(), prop::collection::vec(inner, 0..3)).prop_map(|(name, args)| {
            node(NodeKind::Call {
                name: ident(name),
                args,
            })
        })
    })
}

fn cmp_op() -> impl Strategy<Value = CmpOp> {
    prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge),
    ]
}

/// A `comparison`: a value alone or with an operator.
fn comparison() -> impl Strategy<Value = Node> {
    prop_oneof![
        value(),
        (cmp_op(), value(), value()).prop_map(|(op, lhs, rhs)| node(NodeKind::Compare {
            op,
            op_span: 0..0,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        })),
        (any::<bool>(), value(), value()).prop_map(|(negated, item, list)| node(NodeKind::In {
            negated,
            op_span: 0..0,
            item: Box::new(item),
            list: Box::new(list),
        })),
        (value(), any::<String>()).prop_map(|(subject, pattern)| node(NodeKind::Matches {
            op_span: 0..0,
            subject: Box::new(subject),
            pattern: Box::new(node(NodeKind::Lit(Lit::Str(pattern)))),
        })),
    ]
}

/// A whole condition: comparisons under `not`, `and` and `or`.
fn condition() -> impl Strategy<Value = Node> {
    comparison().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|n| node(NodeKind::Not(Box::new(n)))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| node(NodeKind::And(v))),
            prop::collection::vec(inner, 2..4).prop_map(|v| node(NodeKind::Or(v))),
        ]
    })
}

/// Text made of the language's tokens with arbitrary white space and
/// comments between them: mostly not a valid condition, sometimes one.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("and"),
        Just("or"),
        Just("not"),
        Just("in"),
        Just("matches"),
        Just("("),
        Just(")"),
        Just("["),
        Just("]"),
        Just(","),
        Just("=="),
        Just("<="),
        Just(">"),
        Just("asset.kind"),
        Just("site.sensitivity"),
        Just("asset.extra['a b']"),
        Just("today"),
        Just("exists("),
        Just("\"x\\\"y\""),
        Just("'camera'"),
        Just("2024-02-29"),
        Just("-1.5"),
        Just("true"),
    ];
    let space = prop_oneof![
        Just(" "),
        Just("  "),
        Just("\n"),
        Just("\t"),
        Just(" # c\n")
    ];
    prop::collection::vec((token, space), 1..12)
        .prop_map(|parts| parts.into_iter().flat_map(|(t, s)| [t, s]).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// print ∘ parse is the identity on syntax trees.
    #[test]
    fn printed_trees_parse_back(tree in condition()) {
        let printed = tree.to_string();
        let parsed = parse(&printed)
            .map_err(|e| TestCaseError::fail(format!("{printed}: {e:?}")))?;
        prop_assert_eq!(Sexp(&parsed).to_string(), Sexp(&tree).to_string(), "printed as {}", printed);
        prop_assert_eq!(parsed.to_string(), printed);
    }

    /// Whatever text parses prints to a canonical form that parses to the
    /// same tree and prints the same again.
    #[test]
    fn canonical_form_is_a_fixed_point(src in token_soup()) {
        if let Ok(tree) = parse(&src) {
            let printed = tree.to_string();
            let again = parse(&printed)
                .map_err(|e| TestCaseError::fail(format!("{src:?} printed as {printed}: {e:?}")))?;
            prop_assert_eq!(Sexp(&again).to_string(), Sexp(&tree).to_string());
            prop_assert_eq!(again.to_string(), printed);
        }
    }
}
