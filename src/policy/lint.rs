//! What a policy can only be checked against once the catalog and the
//! ladder are known, so that a rule cannot silently never fire:
//!
//! - a ban list named in `"…" in vendor.lists` that no catalog vendor is on
//!   (`policy::unknown-list`);
//! - a vendor id compared with `vendor.id` (`==`, `!=`, `in [...]`) that
//!   the catalog does not have (`policy::unknown-vendor`);
//! - conditions on `site.sensitivity` that no level satisfies, alone
//!   (`site.sensitivity > "secret"` on a ladder topped by `secret`) or
//!   together under one `and` (`>= "secret" and < "official"`)
//!   (`policy::never-fires`).
//!
//! Each is an error at the literal or comparison in the policy file.

use crate::diag::Invalid;
use crate::model::schema::Ladder;
use crate::policy::expr::ast::{CmpOp, Lit, Node, NodeKind, RawPath, Span};
use crate::policy::load::{Policy, Rule};
use crate::resolve::catalog::Catalog;

/// Every problem of `policy` against `catalog` and `ladder`.
pub fn lint(policy: &Policy, catalog: &Catalog, ladder: &Ladder) -> Vec<Invalid> {
    let lists = catalog.lists();
    let mut problems = Vec::new();
    for rule in &policy.rules {
        let at = |code: &'static str, message: String, span: &Span, label: &str| {
            Invalid::at(
                code,
                format!("in rule `{}`: {message}", rule.id),
                &rule.source,
                rule.when_place(span),
                label.to_string(),
            )
        };
        let mut names = Vec::new();
        catalog_names(rule.when.ast(), &mut names);
        for (name, span, is_list) in names {
            if is_list && !lists.contains(name) {
                problems.push(
                    at(
                        "policy::unknown-list",
                        format!("no catalog vendor is on the list `{name}`"),
                        &span,
                        "unknown list",
                    )
                    .with_help(format!(
                        "the catalog's lists: {}",
                        lists.iter().copied().collect::<Vec<_>>().join(", ")
                    )),
                );
            } else if !is_list && catalog.by_id(name).is_none() {
                problems.push(
                    at(
                        "policy::unknown-vendor",
                        format!("the catalog has no vendor `{name}`"),
                        &span,
                        "unknown vendor id",
                    )
                    .with_help("`assetlint vendors NAME` shows the id a name resolves to"),
                );
            }
        }
        never_fires(rule, ladder, &mut problems);
    }
    problems
}

/// `(name, span, is_list)` for every ban-list name and vendor id the
/// condition compares against the catalog.
fn catalog_names<'a>(node: &'a Node, out: &mut Vec<(&'a str, Span, bool)>) {
    match &node.kind {
        NodeKind::Or(items) | NodeKind::And(items) | NodeKind::List(items) => {
            items.iter().for_each(|n| catalog_names(n, out))
        }
        NodeKind::Not(inner) => catalog_names(inner, out),
        NodeKind::Call { args, .. } => args.iter().for_each(|n| catalog_names(n, out)),
        NodeKind::In { item, list, .. } => {
            if is_path(list, "vendor", "lists") {
                out.extend(text(item).map(|(s, span)| (s, span, true)));
            }
            if is_path(item, "vendor", "id") {
                if let NodeKind::List(items) = &list.kind {
                    out.extend(
                        items
                            .iter()
                            .filter_map(text)
                            .map(|(s, span)| (s, span, false)),
                    );
                }
            }
        }
        NodeKind::Compare { op, lhs, rhs, .. } if !op.is_ordering() => {
            for (path, other) in [(lhs, rhs), (rhs, lhs)] {
                if is_path(path, "vendor", "id") {
                    out.extend(text(other).map(|(s, span)| (s, span, false)));
                }
            }
        }
        NodeKind::Compare { .. } | NodeKind::Matches { .. } => {}
        NodeKind::Lit(_) | NodeKind::Path(_) => {}
    }
}

/// Reports `site.sensitivity` bounds that no level meets: each comparison
/// alone, then the comparisons joined by one `and`.
fn never_fires(rule: &Rule, ladder: &Ladder, problems: &mut Vec<Invalid>) {
    let top = ladder.levels().len().saturating_sub(1);
    let mut groups: Vec<Vec<&Node>> = Vec::new();
    collect_groups(rule.when.ast(), &mut groups);
    for group in groups {
        let (mut lo, mut hi) = (0usize, top);
        let mut span: Option<Span> = None;
        for node in group {
            let Some((op, rank)) = bound(node, ladder) else {
                continue;
            };
            let (l, h) = match op {
                CmpOp::Eq => (rank, rank),
                CmpOp::Ge => (rank, top),
                CmpOp::Gt => (rank + 1, top),
                CmpOp::Le => (0, rank),
                CmpOp::Lt => {
                    if rank == 0 {
                        (1, 0)
                    } else {
                        (0, rank - 1)
                    }
                }
                CmpOp::Ne => continue,
            };
            lo = lo.max(l);
            hi = hi.min(h);
            span = Some(match span {
                None => node.span.clone(),
                Some(s) => s.start.min(node.span.start)..s.end.max(node.span.end),
            });
            if lo > hi {
                problems.push(
                    Invalid::at(
                        "policy::never-fires",
                        format!(
                            "in rule `{}`: no sensitivity level meets these conditions, so the rule can never fire",
                            rule.id
                        ),
                        &rule.source,
                        rule.when_place(span.as_ref().unwrap_or(&node.span)),
                        "no level is in this range",
                    )
                    .with_help(format!(
                        "the ladder, lowest first: {} (set it in [sites] levels)",
                        ladder.levels().join(" < ")
                    )),
                );
                break;
            }
        }
    }
}

/// The operand lists whose `site.sensitivity` bounds must hold together:
/// each `and` chain (and each comparison outside one, on its own).
fn collect_groups<'a>(node: &'a Node, out: &mut Vec<Vec<&'a Node>>) {
    match &node.kind {
        NodeKind::And(items) => {
            out.push(items.iter().collect());
            items
                .iter()
                .filter(|n| !matches!(n.kind, NodeKind::Compare { .. }))
                .for_each(|n| collect_groups(n, out));
        }
        NodeKind::Or(items) => items.iter().for_each(|n| collect_groups(n, out)),
        NodeKind::Compare { .. } => out.push(vec![node]),
        // Under `not`, a bound is negated: not analysed.
        _ => {}
    }
}

/// A comparison of `site.sensitivity` with a level, as `sensitivity OP
/// rank` (the operator turned round when the level is on the left).
fn bound(node: &Node, ladder: &Ladder) -> Option<(CmpOp, usize)> {
    let NodeKind::Compare { op, lhs, rhs, .. } = &node.kind else {
        return None;
    };
    let (op, level) = if is_path(lhs, "site", "sensitivity") {
        (*op, rhs)
    } else if is_path(rhs, "site", "sensitivity") {
        let flipped = match op {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => *other,
        };
        (flipped, lhs)
    } else {
        return None;
    };
    let (name, _) = text(level)?;
    Some((op, ladder.rank(name)?))
}

fn is_path(node: &Node, root: &str, field: &str) -> bool {
    matches!(&node.kind, NodeKind::Path(RawPath { root: r, field: Some(f), key: None })
        if r.name == root && f.name == field)
}

fn text(node: &Node) -> Option<(&str, Span)> {
    match &node.kind {
        NodeKind::Lit(Lit::Str(s)) => Some((s.as_str(), node.span.clone())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load::load;

    fn problems(when: &str) -> Vec<String> {
        let text = format!(
            "[policy]\nid = \"p\"\n[[rule]]\nid = \"r\"\nsummary = \"s\"\nwhen = '{when}'\n"
        );
        let ladder = Ladder::default();
        let policy = load("p.toml".into(), &text, &ladder).expect("loads");
        lint(&policy, &Catalog::builtin(), &ladder)
            .into_iter()
            .map(|p| {
                let (snippet, span) = p.at.expect("located");
                format!("{} `{}`", p.code, &snippet.text()[span])
            })
            .collect()
    }

    #[test]
    fn unknown_lists_and_vendor_ids() {
        assert_eq!(
            problems(r#""fcc-coverd" in vendor.lists and vendor.id in ["hikvision", "dahau"]"#),
            [
                r#"policy::unknown-list `"fcc-coverd"`"#,
                r#"policy::unknown-vendor `"dahau"`"#
            ]
        );
        assert_eq!(
            problems(r#""hikvison" == vendor.id or vendor.id != "axis""#),
            [r#"policy::unknown-vendor `"hikvison"`"#]
        );
        assert!(problems(r#"vendor.id == "hikvision""#).is_empty());
    }

    #[test]
    fn sensitivity_bounds_no_level_meets() {
        assert_eq!(
            problems(r#"site.sensitivity > "secret""#),
            ["policy::never-fires `site.sensitivity > \"secret\"`"]
        );
        assert_eq!(
            problems(r#"asset.kind == "camera" and site.sensitivity >= "secret" and "official" > site.sensitivity"#),
            ["policy::never-fires `site.sensitivity >= \"secret\" and \"official\" > site.sensitivity`"]
        );
        assert!(
            problems(r#"site.sensitivity >= "secret" or site.sensitivity < "official""#).is_empty()
        );
        assert!(problems(r#"not (site.sensitivity > "public")"#).is_empty());
    }
}
