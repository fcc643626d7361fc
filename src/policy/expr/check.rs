//! The type checker: resolves paths against the schema, looks functions up,
//! checks operand types and converts literals to the type of the other side
//! (level names to ranks, date strings to dates), producing a [`Cond`].
//!
//! It visits the whole tree and collects every error rather than stopping at
//! the first.

use globset::GlobBuilder;

use super::ast::{CmpOp, Lit, Node, NodeKind, RawPath, Span};
use super::error::{a, backticked, close_names, did_you_mean, ErrorKind, ExprError};
use super::eval::{Cond, Const, InSet, Operand, Pattern};
use super::functions::{lookup, Param, Ret, FUNCTIONS};
use super::parse::parse_date;
use crate::model::schema::{AssetField, Ladder, Path, SiteField, Type, VendorField};

/// The result of checking: the condition and every path it reads, in order
/// of first appearance.
pub(crate) struct Checked {
    pub cond: Cond,
    pub paths: Vec<Path>,
}

/// Type-checks a parsed condition.
pub(crate) fn check(node: &Node, ladder: &Ladder) -> Result<Checked, Vec<ExprError>> {
    let mut checker = Checker::new(ladder);
    let cond = checker.cond(node);
    match cond {
        Some(cond) if checker.errors.is_empty() => Ok(Checked {
            cond,
            paths: checker.paths,
        }),
        _ => Err(checker.into_errors()),
    }
}

/// Resolves a path on its own (for message templates).
pub(crate) fn resolve(path: &RawPath) -> Result<Path, Vec<ExprError>> {
    let ladder = Ladder::default();
    let mut checker = Checker::new(&ladder);
    match checker.path(path) {
        Some(p) if checker.errors.is_empty() => Ok(p),
        _ => Err(checker.into_errors()),
    }
}

/// Whether quoted text was meant as a date (`2022-02-30`, not `soon`).
fn looks_like_date(text: &str) -> bool {
    text.len() == 10 && text.as_bytes().get(4) == Some(&b'-')
}

/// An operand whose type may still depend on the other side.
enum Side<'n> {
    /// A checked value.
    Val(Operand, Type),
    /// A quoted literal: text, a level name or a date, by context.
    Text(&'n str),
    /// A list literal.
    List(&'n [Node]),
}

impl Side<'_> {
    fn ty(&self) -> Type {
        match self {
            Side::Val(_, ty) => *ty,
            Side::Text(_) => Type::Str,
            Side::List(_) => Type::StrList,
        }
    }
}

struct Checker<'l> {
    ladder: &'l Ladder,
    errors: Vec<ExprError>,
    paths: Vec<Path>,
}

impl<'l> Checker<'l> {
    fn new(ladder: &'l Ladder) -> Self {
        Checker {
            ladder,
            errors: Vec::new(),
            paths: Vec::new(),
        }
    }

    fn into_errors(mut self) -> Vec<ExprError> {
        self.errors.sort_by_key(|e| (e.span.start, e.span.end));
        self.errors
    }

    fn push(&mut self, error: ExprError) {
        self.errors.push(error);
    }

    fn mismatch(&mut self, span: Span, message: String, label: String, help: Option<String>) {
        self.push(
            ExprError::new(ErrorKind::TypeMismatch, span, message, label).with_help_opt(help),
        );
    }

    /// Checks every item, so errors in all of them are reported.
    fn all<T>(
        &mut self,
        items: &[Node],
        mut f: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Option<Vec<T>> {
        let checked: Vec<Option<T>> = items.iter().map(|n| f(self, n)).collect();
        checked.into_iter().collect()
    }

    fn cond(&mut self, node: &Node) -> Option<Cond> {
        match &node.kind {
            NodeKind::Or(items) => self.all(items, Self::cond).map(Cond::Or),
            NodeKind::And(items) => self.all(items, Self::cond).map(Cond::And),
            NodeKind::Not(inner) => self.cond(inner).map(|c| Cond::Not(Box::new(c))),
            NodeKind::Compare { op, lhs, rhs, .. } => self.compare(*op, lhs, rhs, node),
            NodeKind::In {
                negated,
                item,
                list,
                ..
            } => self.in_list(*negated, item, list, node),
            NodeKind::Matches {
                subject, pattern, ..
            } => self.matches(subject, pattern),
            NodeKind::Lit(_) | NodeKind::List(_) | NodeKind::Path(_) | NodeKind::Call { .. } => {
                self.truthy(node)
            }
        }
    }

    /// A value standing alone as a condition must be a bool.
    fn truthy(&mut self, node: &Node) -> Option<Cond> {
        let (operand, ty) = self.value(node)?;
        if ty == Type::Bool {
            return Some(Cond::Truthy(operand));
        }
        let help = match (&node.kind, ty) {
            (NodeKind::Lit(_) | NodeKind::List(_), _) => None,
            (_, Type::Str) => Some(format!(
                "compare it, as in `{node} == \"…\"`, or test that it is there with `exists({node})`"
            )),
            (_, Type::StrList) => Some(format!(
                "test an element with `\"…\" in {node}`, or presence with `exists({node})`"
            )),
            _ => Some(format!("compare it with a value, as in `{node} == …`")),
        };
        self.mismatch(
            node.span.clone(),
            format!("expected a condition, found {}", a(ty)),
            format!("`{node}` is {}, not true or false", a(ty)),
            help,
        );
        None
    }

    /// An operand, keeping quoted text and list literals open until the
    /// other side says what they are.
    fn side<'n>(&mut self, node: &'n Node) -> Option<Side<'n>> {
        match &node.kind {
            NodeKind::Lit(Lit::Str(s)) => Some(Side::Text(s)),
            NodeKind::List(items) => Some(Side::List(items)),
            _ => self.value(node).map(|(op, ty)| Side::Val(op, ty)),
        }
    }

    /// A value with its type.
    fn value(&mut self, node: &Node) -> Option<(Operand, Type)> {
        let (c, ty) = match &node.kind {
            NodeKind::Lit(Lit::Str(s)) => (Const::Str(s.clone()), Type::Str),
            NodeKind::Lit(Lit::Num(n)) => (Const::Num(*n), Type::Num),
            NodeKind::Lit(Lit::Bool(b)) => (Const::Bool(*b), Type::Bool),
            NodeKind::Lit(Lit::Date(d)) => (Const::Date(*d), Type::Date),
            NodeKind::List(items) => (Const::StrList(self.text_list(items)?), Type::StrList),
            NodeKind::Path(raw) => {
                let path = self.path(raw)?;
                let ty = path.ty();
                return Some((Operand::Path(path), ty));
            }
            NodeKind::Call { name, args } => {
                return self.call(&name.name, name.span.clone(), args, node)
            }
            _ => {
                // The parser puts conditions only where conditions go.
                self.push(ExprError::new(
                    ErrorKind::Syntax,
                    node.span.clone(),
                    "expected a value, found a condition",
                    "a condition, not a value",
                ));
                return None;
            }
        };
        Some((Operand::Const(c), ty))
    }

    /// A list literal used as a list of text.
    fn text_list(&mut self, items: &[Node]) -> Option<Vec<String>> {
        self.all(items, |this, item| match &item.kind {
            NodeKind::Lit(Lit::Str(s)) => Some(s.clone()),
            _ => {
                let ty = this.value(item).map(|(_, ty)| ty);
                this.mismatch(
                    item.span.clone(),
                    "a list used as a value must hold text only".to_owned(),
                    format!("this element is {}", ty.map_or("not text", a)),
                    Some("quote the element".to_owned()),
                );
                None
            }
        })
    }

    /// Converts quoted text to `ty`, the type of the other operand.
    fn coerce(&mut self, text: &str, span: Span, ty: Type, other: &Node) -> Option<Const> {
        match ty {
            Type::Str => Some(Const::Str(text.to_owned())),
            Type::Level => match self.ladder.rank(text) {
                Some(rank) => Some(Const::Level(rank)),
                None => {
                    let levels: Vec<&str> =
                        self.ladder.levels().iter().map(String::as_str).collect();
                    let mut help = format!("the levels, lowest first, are {}", backticked(&levels));
                    if let [close, ..] = close_names(text, &levels).as_slice() {
                        help = format!("did you mean `{close}`? {help}");
                    }
                    self.push(
                        ExprError::new(
                            ErrorKind::UnknownLevel,
                            span,
                            format!("unknown level `{text}`"),
                            format!("not a level of the ladder `{other}` is compared on"),
                        )
                        .with_help(help),
                    );
                    None
                }
            },
            Type::Date => match parse_date(text) {
                Ok(d) => Some(Const::Date(d)),
                Err(why) => {
                    let kind = if looks_like_date(text) {
                        ErrorKind::InvalidDate
                    } else {
                        ErrorKind::TypeMismatch
                    };
                    self.push(
                        ExprError::new(
                            kind,
                            span,
                            format!("`{other}` is a date, `\"{text}\"` is not"),
                            why,
                        )
                        .with_help("write a date as 2022-11-24"),
                    );
                    None
                }
            },
            _ => {
                self.mismatch(
                    span,
                    format!("cannot compare {} with text", a(ty)),
                    format!("`{other}` is {}, this is text", a(ty)),
                    match ty {
                        Type::Num => Some("write the number without quotes".to_owned()),
                        Type::Bool => Some("write `true` or `false` without quotes".to_owned()),
                        Type::StrList => Some(format!(
                            "test one element with `in`, as in `{} in {other}`",
                            super::ast::Lit::Str(text.to_owned())
                        )),
                        _ => None,
                    },
                );
                None
            }
        }
    }

    fn compare(&mut self, op: CmpOp, lhs: &Node, rhs: &Node, node: &Node) -> Option<Cond> {
        let (l, r) = (self.side(lhs), self.side(rhs));
        let (l, r) = (l?, r?);
        let (lhs_op, rhs_op, ty) = match (l, r) {
            (Side::Val(a, ta), Side::Val(b, tb)) => {
                if ta != tb {
                    self.compare_mismatch(op, lhs, ta, rhs, tb, node);
                    return None;
                }
                (a, b, ta)
            }
            (Side::Val(a, ty), Side::Text(s)) => {
                let c = self.coerce(s, rhs.span.clone(), ty, lhs)?;
                (a, Operand::Const(c), ty)
            }
            (Side::Text(s), Side::Val(b, ty)) => {
                let c = self.coerce(s, lhs.span.clone(), ty, rhs)?;
                (Operand::Const(c), b, ty)
            }
            (Side::Text(a), Side::Text(b)) => (
                Operand::Const(Const::Str(a.to_owned())),
                Operand::Const(Const::Str(b.to_owned())),
                Type::Str,
            ),
            (l, r) if l.ty() == Type::StrList && r.ty() == Type::StrList => {
                let a = self.list_operand(l);
                let b = self.list_operand(r);
                (a?, b?, Type::StrList)
            }
            (l, r) => {
                self.compare_mismatch(op, lhs, l.ty(), rhs, r.ty(), node);
                return None;
            }
        };
        if op.is_ordering() && matches!(ty, Type::Bool | Type::StrList) {
            self.mismatch(
                node.span.clone(),
                format!("`{}` does not order {} values", op.as_str(), ty),
                format!("{} compared with `{}`", a(ty), op.as_str()),
                Some("`<`, `<=`, `>` and `>=` compare numbers, dates, levels and text; use `==` or `!=`".to_owned()),
            );
            return None;
        }
        Some(Cond::Compare {
            op,
            lhs: lhs_op,
            rhs: rhs_op,
        })
    }

    fn list_operand(&mut self, side: Side<'_>) -> Option<Operand> {
        match side {
            Side::Val(op, _) => Some(op),
            Side::List(items) => self
                .text_list(items)
                .map(|l| Operand::Const(Const::StrList(l))),
            Side::Text(s) => Some(Operand::Const(Const::Str(s.to_owned()))),
        }
    }

    fn compare_mismatch(
        &mut self,
        op: CmpOp,
        lhs: &Node,
        lt: Type,
        rhs: &Node,
        rt: Type,
        node: &Node,
    ) {
        let help = match (lt, rt) {
            (Type::Date, Type::Num) | (Type::Num, Type::Date) => {
                Some("write a date as 2022-11-24, or count days with `days_until(…)`".to_owned())
            }
            (Type::Str, Type::Num) | (Type::Num, Type::Str) => {
                Some("quote the number to compare text, as in `\"3\"`".to_owned())
            }
            (Type::StrList, _) | (_, Type::StrList) => {
                Some("test one element with `in`, as in `\"x\" in asset.capabilities`".to_owned())
            }
            _ => None,
        };
        self.mismatch(
            node.span.clone(),
            format!(
                "cannot compare {} with {} using `{}`",
                a(lt),
                a(rt),
                op.as_str()
            ),
            format!("`{lhs}` is {}, `{rhs}` is {}", a(lt), a(rt)),
            help,
        );
    }

    fn in_list(&mut self, negated: bool, item: &Node, list: &Node, node: &Node) -> Option<Cond> {
        let item_side = self.side(item);
        if let NodeKind::List(elements) = &list.kind {
            let (item_op, ty) = match item_side? {
                Side::Val(op, ty) => (op, ty),
                Side::Text(s) => (Operand::Const(Const::Str(s.to_owned())), Type::Str),
                Side::List(_) => (Operand::Const(Const::Bool(false)), Type::StrList),
            };
            if ty == Type::StrList {
                self.list_on_left(item);
                return None;
            }
            let consts = self.all(elements, |this, el| this.element(el, ty, item))?;
            return Some(Cond::In {
                negated,
                item: item_op,
                set: InSet::Consts(consts),
            });
        }
        let list_side = self.side(list);
        let (item_side, list_side) = (item_side?, list_side?);
        let list_op = match list_side {
            Side::Val(op, Type::StrList) => op,
            other => {
                let ty = other.ty();
                let help = (ty == Type::Str)
                    .then(|| "to look for a part of a text, use `matches \"*part*\"`".to_owned());
                self.mismatch(
                    list.span.clone(),
                    format!("`in` needs a list on the right, found {}", a(ty)),
                    format!("`{list}` is {}, not a list", a(ty)),
                    help,
                );
                return None;
            }
        };
        let item_op = match item_side {
            Side::Val(op, Type::Str) => op,
            Side::Text(s) => Operand::Const(Const::Str(s.to_owned())),
            Side::Val(_, Type::StrList) | Side::List(_) => {
                self.list_on_left(item);
                return None;
            }
            Side::Val(_, ty) => {
                self.mismatch(
                    node.span.clone(),
                    format!("cannot look for {} in a list of text", a(ty)),
                    format!("`{item}` is {}, `{list}` is a list of text", a(ty)),
                    None,
                );
                return None;
            }
        };
        Some(Cond::In {
            negated,
            item: item_op,
            set: InSet::List(list_op),
        })
    }

    fn list_on_left(&mut self, item: &Node) {
        self.mismatch(
            item.span.clone(),
            "`in` looks for one value in a list, found a list on the left".to_owned(),
            format!("`{item}` is a list"),
            Some("test each value: `\"a\" in … or \"b\" in …`".to_owned()),
        );
    }

    /// An element of a list literal on the right of `in`, converted to the
    /// type of the item looked for.
    fn element(&mut self, el: &Node, ty: Type, item: &Node) -> Option<Const> {
        let found = match &el.kind {
            NodeKind::Lit(Lit::Str(s)) => return self.coerce(s, el.span.clone(), ty, item),
            NodeKind::Lit(Lit::Num(n)) if ty == Type::Num => return Some(Const::Num(*n)),
            NodeKind::Lit(Lit::Bool(b)) if ty == Type::Bool => return Some(Const::Bool(*b)),
            NodeKind::Lit(Lit::Date(d)) if ty == Type::Date => return Some(Const::Date(*d)),
            NodeKind::Lit(Lit::Num(_)) => Type::Num,
            NodeKind::Lit(Lit::Bool(_)) => Type::Bool,
            NodeKind::Lit(Lit::Date(_)) => Type::Date,
            _ => Type::StrList,
        };
        self.mismatch(
            el.span.clone(),
            format!("list element is {}, but `{item}` is {}", a(found), a(ty)),
            format!("{} among {} values", a(found), ty),
            None,
        );
        None
    }

    fn matches(&mut self, subject: &Node, pattern: &Node) -> Option<Cond> {
        let subject_op = match self.side(subject) {
            Some(Side::Val(op, Type::Str | Type::StrList)) => Some(op),
            Some(Side::Text(s)) => Some(Operand::Const(Const::Str(s.to_owned()))),
            Some(other) => {
                let ty = other.ty();
                self.mismatch(
                    subject.span.clone(),
                    format!(
                        "`matches` applies to text or lists of text, found {}",
                        a(ty)
                    ),
                    format!("`{subject}` is {}", a(ty)),
                    None,
                );
                None
            }
            None => None,
        };
        let glob = match &pattern.kind {
            NodeKind::Lit(Lit::Str(p)) => {
                match GlobBuilder::new(p).case_insensitive(true).build() {
                    Ok(glob) => Some(Pattern::new(p, glob.compile_matcher())),
                    Err(e) => {
                        self.push(
                        ExprError::new(
                            ErrorKind::InvalidGlob,
                            pattern.span.clone(),
                            format!("invalid glob pattern {pattern}"),
                            e.kind().to_string(),
                        )
                        .with_help("globs use `*`, `?`, `[abc]` and `{a,b}`; escape a special character with `[*]`"),
                    );
                        None
                    }
                }
            }
            _ => None,
        };
        Some(Cond::Matches {
            subject: subject_op?,
            glob: glob?,
        })
    }

    fn call(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[Node],
        node: &Node,
    ) -> Option<(Operand, Type)> {
        let Some(func) = lookup(name) else {
            let names: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
            self.push(
                ExprError::new(
                    ErrorKind::UnknownFunction,
                    name_span,
                    format!("unknown function `{name}`"),
                    "no function of this name",
                )
                .with_help(did_you_mean(name, &names, "the functions")),
            );
            // Still check the arguments, for their own errors.
            for arg in args {
                if !matches!(arg.kind, NodeKind::Lit(_) | NodeKind::List(_)) {
                    self.value(arg);
                }
            }
            return None;
        };
        if args.len() != func.params.len() {
            let n = func.params.len();
            let signature = func
                .params
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            self.push(
                ExprError::new(
                    ErrorKind::WrongArity,
                    node.span.clone(),
                    format!(
                        "`{name}` takes {n} argument{}, found {}",
                        if n == 1 { "" } else { "s" },
                        args.len()
                    ),
                    format!(
                        "called with {} argument{}",
                        args.len(),
                        if args.len() == 1 { "" } else { "s" }
                    ),
                )
                .with_help(format!("{name}({signature}): {}", func.doc)),
            );
            return None;
        }
        let checked = args
            .iter()
            .zip(func.params)
            .enumerate()
            .map(|(n, (arg, param))| self.argument(name, n + 1, arg, *param))
            .collect::<Vec<_>>();
        let checked: Vec<(Operand, Type)> = checked.into_iter().collect::<Option<_>>()?;
        let ty = match func.ret {
            Ret::Fixed(ty) => ty,
            Ret::SameAsFirst => checked.first().map_or(Type::Bool, |(_, ty)| *ty),
        };
        let args = checked.into_iter().map(|(op, _)| op).collect();
        Some((Operand::Call { func, args }, ty))
    }

    fn argument(
        &mut self,
        name: &str,
        n: usize,
        arg: &Node,
        param: Param,
    ) -> Option<(Operand, Type)> {
        match (param, &arg.kind) {
            (Param::Path, NodeKind::Path(_)) | (Param::Any, _) => return self.value(arg),
            (Param::OneOf(types), NodeKind::Lit(Lit::Str(s)))
                if !types.contains(&Type::Str) && types.contains(&Type::Date) =>
            {
                // A quoted date where a date is expected.
                match parse_date(s) {
                    Ok(d) => return Some((Operand::Const(Const::Date(d)), Type::Date)),
                    Err(why) if looks_like_date(s) => {
                        self.push(
                            ExprError::new(
                                ErrorKind::InvalidDate,
                                arg.span.clone(),
                                format!("invalid date `{s}`"),
                                why,
                            )
                            .with_help("write a calendar date as YYYY-MM-DD"),
                        );
                        return None;
                    }
                    Err(_) => {}
                }
            }
            _ => {}
        }
        let found =
            if let (Param::Path, NodeKind::Lit(_) | NodeKind::List(_) | NodeKind::Call { .. }) =
                (param, &arg.kind)
            {
                self.value(arg).map(|(_, ty)| ty)
            } else {
                let (op, ty) = self.value(arg)?;
                if let Param::OneOf(types) = param {
                    if types.contains(&ty) {
                        return Some((op, ty));
                    }
                }
                Some(ty)
            };
        let found = found?;
        self.mismatch(
            arg.span.clone(),
            format!("`{name}` takes {param} as argument {n}, found {}", a(found)),
            format!("this is {}", a(found)),
            (param == Param::Path).then(|| format!("write a path, as in `{name}(asset.serial)`")),
        );
        None
    }

    /// Resolves a written path against the schema.
    fn path(&mut self, raw: &RawPath) -> Option<Path> {
        let path = self.resolve_path(raw)?;
        if !self.paths.contains(&path) {
            self.paths.push(path.clone());
        }
        Some(path)
    }

    fn resolve_path(&mut self, raw: &RawPath) -> Option<Path> {
        let root = raw.root.name.as_str();
        let fields: Vec<&str> = match root {
            "asset" => AssetField::ALL
                .iter()
                .map(|f| f.name())
                .chain(["extra"])
                .collect(),
            "site" => SiteField::ALL.iter().map(|f| f.name()).collect(),
            "vendor" => VendorField::ALL.iter().map(|f| f.name()).collect(),
            "today" => {
                if raw.field.is_some() || raw.key.is_some() {
                    self.push(ExprError::new(
                        ErrorKind::UnknownField,
                        raw.root.span.start
                            ..raw.field.as_ref().map_or(raw.root.span.end, |f| f.span.end),
                        "`today` has no fields",
                        "`today` is a date",
                    ));
                    return None;
                }
                return Some(Path::Today);
            }
            _ => {
                let roots = ["asset", "site", "vendor", "today"];
                let mut help = did_you_mean(root, &roots, "the roots");
                if raw.field.is_none() {
                    help.push_str("; quote text, as in \"");
                    help.push_str(root);
                    help.push('"');
                }
                let what = if raw.field.is_some() { "root" } else { "name" };
                self.push(
                    ExprError::new(
                        ErrorKind::UnknownField,
                        raw.root.span.clone(),
                        format!("unknown {what} `{root}`"),
                        "paths start with `asset.`, `site.`, `vendor.` or are `today`",
                    )
                    .with_help(help),
                );
                return None;
            }
        };
        let Some(field) = &raw.field else {
            self.push(
                ExprError::new(
                    ErrorKind::UnknownField,
                    raw.root.span.clone(),
                    format!("`{root}` needs a field"),
                    format!("expected `{root}.<field>`"),
                )
                .with_help(format!(
                    "the fields of `{root}` are {}",
                    backticked(&fields)
                )),
            );
            return None;
        };
        let name = field.name.as_str();
        let path = match root {
            "asset" if name == "extra" => {
                let Some((key, _)) = &raw.key else {
                    self.push(
                        ExprError::new(
                            ErrorKind::UnknownField,
                            field.span.clone(),
                            "`asset.extra` needs a column name",
                            "expected `asset.extra[\"Column name\"]`",
                        )
                        .with_help("write the register's column header in quotes, as in asset.extra[\"Cost centre\"]"),
                    );
                    return None;
                };
                return Some(Path::Extra(key.clone()));
            }
            "asset" => AssetField::from_name(name).map(Path::Asset),
            "site" => SiteField::from_name(name).map(Path::Site),
            _ => VendorField::from_name(name).map(Path::Vendor),
        };
        let Some(path) = path else {
            self.push(
                ExprError::new(
                    ErrorKind::UnknownField,
                    field.span.clone(),
                    format!("unknown field `{root}.{name}`"),
                    format!("`{root}` has no field `{name}`"),
                )
                .with_help(did_you_mean(
                    name,
                    &fields,
                    &format!("the fields of `{root}`"),
                )),
            );
            return None;
        };
        if let Some((_, span)) = &raw.key {
            self.push(ExprError::new(
                ErrorKind::UnknownField,
                span.clone(),
                format!("`{root}.{name}` takes no column name"),
                "only `asset.extra` takes `[\"…\"]`",
            ));
            return None;
        }
        Some(path)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::schema::Ladder;
    use crate::policy::expr::compile;

    /// `ok` or the errors of compiling `src`, one per line, each with the
    /// text its span covers.
    fn c(src: &str) -> String {
        match compile(src, &Ladder::default()) {
            Ok(_) => "ok".to_owned(),
            Err(errors) => errors
                .iter()
                .map(|e| {
                    let mut line = format!(
                        "{} {:?} `{}`: {} | {}",
                        e.kind,
                        e.span,
                        &src[e.span.clone()],
                        e.message,
                        e.label
                    );
                    if let Some(help) = &e.help {
                        line.push_str(&format!(" | {help}"));
                    }
                    line
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    #[test]
    fn well_typed() {
        for src in [
            r#""uk-surveillance-2022" in vendor.lists and asset.kind in ["camera", "nvr", "dvr"] and site.sensitivity >= "sensitive" and asset.status != "decommissioned""#,
            r#"asset.installed >= 2022-11-24 and asset.installed < "2023-01-01""#,
            r#"site.sensitivity in ["sensitive", "SECRET"]"#,
            r#""official" < site.sensitivity"#,
            "site.sensitivity == site.sensitivity",
            "asset.installed < today",
            "asset.internet_facing",
            "asset.internet_facing == true and not vendor.state_owned",
            r#"asset.capabilities == ["ptz", "face-recognition"]"#,
            r#"["a"] != site.tags"#,
            r#"asset.model matches "DS-2CD*" or asset.mac matches "c0:56:e3:*""#,
            r#"asset.extra["Cost centre"] == "x" and asset.extra['Cost centre'] matches "CC-*""#,
            r#""x" == "x" and 1 < 2 and true"#,
            r#"len(asset.id) > 3 and days_until(asset.installed) < -365"#,
            r#"asset.installed in [2022-01-01, "2022-02-01"] and len(asset.mac) in [1, 2]"#,
            r#"asset.internet_facing in [true] and lower(asset.kind) not in ["camera"]"#,
            r#""ptz" in upper(site.tags) and lower("X") matches "x""#,
            "exists(asset.extra[\"Owner\"]) and exists(today)",
        ] {
            assert_eq!(c(src), "ok", "{src}");
        }
    }

    #[test]
    fn paths() {
        insta::assert_snapshot!(c("assets.kind == 'x'"), @"unknown-field 0..6 `assets`: unknown root `assets` | paths start with `asset.`, `site.`, `vendor.` or are `today` | did you mean `asset`?");
        insta::assert_snapshot!(c("camera"), @r#"unknown-field 0..6 `camera`: unknown name `camera` | paths start with `asset.`, `site.`, `vendor.` or are `today` | the roots are: `asset`, `site`, `vendor`, `today`; quote text, as in "camera""#);
        insta::assert_snapshot!(c("asset == 'x'"), @"unknown-field 0..5 `asset`: `asset` needs a field | expected `asset.<field>` | the fields of `asset` are `id`, `kind`, `vendor`, `brand`, `model`, `serial`, `mac`, `ip`, `hostname`, `firmware`, `site`, `location`, `installed`, `status`, `internet_facing`, `capabilities`, `owner`, `extra`");
        insta::assert_snapshot!(c("asset.knd == 'x'"), @"unknown-field 6..9 `knd`: unknown field `asset.knd` | `asset` has no field `knd` | did you mean `kind`?");
        insta::assert_snapshot!(c("site.sensitivty >= 'secret'"), @"unknown-field 5..15 `sensitivty`: unknown field `site.sensitivty` | `site` has no field `sensitivty` | did you mean `sensitivity`?");
        insta::assert_snapshot!(c("'x' in vendor.list"), @"unknown-field 14..18 `list`: unknown field `vendor.list` | `vendor` has no field `list` | did you mean `lists`?");
        insta::assert_snapshot!(c("asset.zzzzzzzz == 'x'"), @"unknown-field 6..14 `zzzzzzzz`: unknown field `asset.zzzzzzzz` | `asset` has no field `zzzzzzzz` | the fields of `asset` are: `id`, `kind`, `vendor`, `brand`, `model`, `serial`, `mac`, `ip`, `hostname`, `firmware`, `site`, `location`, `installed`, `status`, `internet_facing`, `capabilities`, `owner`, `extra`");
        insta::assert_snapshot!(c("asset.extra == 'x'"), @r#"unknown-field 6..11 `extra`: `asset.extra` needs a column name | expected `asset.extra["Column name"]` | write the register's column header in quotes, as in asset.extra["Cost centre"]"#);
        insta::assert_snapshot!(c("asset.kind['x'] == 'x'"), @r#"unknown-field 11..14 `'x'`: `asset.kind` takes no column name | only `asset.extra` takes `["…"]`"#);
        insta::assert_snapshot!(c("today.date == 2022-01-01"), @"unknown-field 0..10 `today.date`: `today` has no fields | `today` is a date");
    }

    #[test]
    fn conditions_must_be_bools() {
        insta::assert_snapshot!(c("asset.kind"), @r#"type-mismatch 0..10 `asset.kind`: expected a condition, found text | `asset.kind` is text, not true or false | compare it, as in `asset.kind == "…"`, or test that it is there with `exists(asset.kind)`"#);
        insta::assert_snapshot!(c("site.tags and true"), @r#"type-mismatch 0..9 `site.tags`: expected a condition, found a list | `site.tags` is a list, not true or false | test an element with `"…" in site.tags`, or presence with `exists(site.tags)`"#);
        insta::assert_snapshot!(c("len(asset.id)"), @"type-mismatch 0..13 `len(asset.id)`: expected a condition, found a number | `len(asset.id)` is a number, not true or false | compare it with a value, as in `len(asset.id) == …`");
        insta::assert_snapshot!(c("'x'"), @r#"type-mismatch 0..3 `'x'`: expected a condition, found text | `"x"` is text, not true or false"#);
        insta::assert_snapshot!(c("['x'] or 5"), @r#"
        type-mismatch 0..5 `['x']`: expected a condition, found a list | `["x"]` is a list, not true or false
        type-mismatch 9..10 `5`: expected a condition, found a number | `5` is a number, not true or false
        "#);
    }

    #[test]
    fn comparisons() {
        insta::assert_snapshot!(c("asset.installed > 5"), @"type-mismatch 0..19 `asset.installed > 5`: cannot compare a date with a number using `>` | `asset.installed` is a date, `5` is a number | write a date as 2022-11-24, or count days with `days_until(…)`");
        insta::assert_snapshot!(c("asset.kind == 3"), @r#"type-mismatch 0..15 `asset.kind == 3`: cannot compare text with a number using `==` | `asset.kind` is text, `3` is a number | quote the number to compare text, as in `"3"`"#);
        insta::assert_snapshot!(c("site.sensitivity == asset.kind"), @"type-mismatch 0..30 `site.sensitivity == asset.kind`: cannot compare a level with text using `==` | `site.sensitivity` is a level, `asset.kind` is text");
        insta::assert_snapshot!(c("asset.kind == ['a']"), @r#"type-mismatch 0..19 `asset.kind == ['a']`: cannot compare text with a list using `==` | `asset.kind` is text, `["a"]` is a list | test one element with `in`, as in `"x" in asset.capabilities`"#);
        insta::assert_snapshot!(c("asset.capabilities == 'x'"), @r#"type-mismatch 22..25 `'x'`: cannot compare a list with text | `asset.capabilities` is a list, this is text | test one element with `in`, as in `"x" in asset.capabilities`"#);
        insta::assert_snapshot!(c("asset.capabilities == ['x', 1]"), @"type-mismatch 28..29 `1`: a list used as a value must hold text only | this element is a number | quote the element");
        insta::assert_snapshot!(c("asset.internet_facing < true"), @"type-mismatch 0..28 `asset.internet_facing < true`: `<` does not order bool values | a bool compared with `<` | `<`, `<=`, `>` and `>=` compare numbers, dates, levels and text; use `==` or `!=`");
        insta::assert_snapshot!(c("site.tags < ['a']"), @"type-mismatch 0..17 `site.tags < ['a']`: `<` does not order list values | a list compared with `<` | `<`, `<=`, `>` and `>=` compare numbers, dates, levels and text; use `==` or `!=`");
        insta::assert_snapshot!(c("asset.internet_facing == 'true'"), @"type-mismatch 25..31 `'true'`: cannot compare a bool with text | `asset.internet_facing` is a bool, this is text | write `true` or `false` without quotes");
        insta::assert_snapshot!(c("len(asset.id) == '3'"), @"type-mismatch 17..20 `'3'`: cannot compare a number with text | `len(asset.id)` is a number, this is text | write the number without quotes");
    }

    #[test]
    fn levels_and_dates() {
        insta::assert_snapshot!(c("site.sensitivity >= 'top-secret'"), @"unknown-level 20..32 `'top-secret'`: unknown level `top-secret` | not a level of the ladder `site.sensitivity` is compared on | the levels, lowest first, are `public`, `official`, `sensitive`, `secret`");
        insta::assert_snapshot!(c("'secrett' == site.sensitivity"), @"unknown-level 0..9 `'secrett'`: unknown level `secrett` | not a level of the ladder `site.sensitivity` is compared on | did you mean `secret`? the levels, lowest first, are `public`, `official`, `sensitive`, `secret`");
        insta::assert_snapshot!(c("site.sensitivity in ['sensitive', 'secrett', 'x']"), @r#"
        unknown-level 34..43 `'secrett'`: unknown level `secrett` | not a level of the ladder `site.sensitivity` is compared on | did you mean `secret`? the levels, lowest first, are `public`, `official`, `sensitive`, `secret`
        unknown-level 45..48 `'x'`: unknown level `x` | not a level of the ladder `site.sensitivity` is compared on | the levels, lowest first, are `public`, `official`, `sensitive`, `secret`
        "#);
        insta::assert_snapshot!(c("asset.installed > '2022-02-30'"), @r#"invalid-date 18..30 `'2022-02-30'`: `asset.installed` is a date, `"2022-02-30"` is not | 2022-02 has 28 days | write a date as 2022-11-24"#);
        insta::assert_snapshot!(c("asset.installed > 'yesterday'"), @r#"type-mismatch 18..29 `'yesterday'`: `asset.installed` is a date, `"yesterday"` is not | not a date in the form YYYY-MM-DD | write a date as 2022-11-24"#);
        insta::assert_snapshot!(c("asset.installed in [2022-01-01, '2022-13-01']"), @r#"invalid-date 32..44 `'2022-13-01'`: `asset.installed` is a date, `"2022-13-01"` is not | there is no month 13 | write a date as 2022-11-24"#);
        let ladder = Ladder::new(["low", "high"]);
        assert!(compile("site.sensitivity == 'HIGH'", &ladder).is_ok());
        assert!(compile("site.sensitivity == 'secret'", &ladder).is_err());
    }

    #[test]
    fn membership() {
        insta::assert_snapshot!(c("'x' in asset.kind"), @r#"type-mismatch 7..17 `asset.kind`: `in` needs a list on the right, found text | `asset.kind` is text, not a list | to look for a part of a text, use `matches "*part*"`"#);
        insta::assert_snapshot!(c("asset.capabilities in ['a']"), @r#"type-mismatch 0..18 `asset.capabilities`: `in` looks for one value in a list, found a list on the left | `asset.capabilities` is a list | test each value: `"a" in … or "b" in …`"#);
        insta::assert_snapshot!(c("['a'] in asset.capabilities"), @r#"type-mismatch 0..5 `['a']`: `in` looks for one value in a list, found a list on the left | `["a"]` is a list | test each value: `"a" in … or "b" in …`"#);
        insta::assert_snapshot!(c("asset.kind in [1, true, 2022-01-01]"), @r#"
        type-mismatch 15..16 `1`: list element is a number, but `asset.kind` is text | a number among text values
        type-mismatch 18..22 `true`: list element is a bool, but `asset.kind` is text | a bool among text values
        type-mismatch 24..34 `2022-01-01`: list element is a date, but `asset.kind` is text | a date among text values
        "#);
        insta::assert_snapshot!(c("asset.installed in asset.capabilities"), @"type-mismatch 0..37 `asset.installed in asset.capabilities`: cannot look for a date in a list of text | `asset.installed` is a date, `asset.capabilities` is a list of text");
        insta::assert_snapshot!(c("'x' not in len(asset.id)"), @"type-mismatch 11..24 `len(asset.id)`: `in` needs a list on the right, found a number | `len(asset.id)` is a number, not a list");
    }

    #[test]
    fn globs() {
        insta::assert_snapshot!(c("asset.installed matches '2022*'"), @"type-mismatch 0..15 `asset.installed`: `matches` applies to text or lists of text, found a date | `asset.installed` is a date");
        insta::assert_snapshot!(c("asset.model matches 'DS-[2CD'"), @r#"invalid-glob 20..29 `'DS-[2CD'`: invalid glob pattern "DS-[2CD" | unclosed character class; missing ']' | globs use `*`, `?`, `[abc]` and `{a,b}`; escape a special character with `[*]`"#);
    }

    #[test]
    fn calls() {
        insta::assert_snapshot!(c("lowr(asset.kind) == 'x'"), @"unknown-function 0..4 `lowr`: unknown function `lowr` | no function of this name | did you mean `lower`?");
        insta::assert_snapshot!(c("frobnicate(asset.knd)"), @r#"
        unknown-function 0..10 `frobnicate`: unknown function `frobnicate` | no function of this name | the functions are: `days_until`, `exists`, `len`, `lower`, `upper`
        unknown-field 17..20 `knd`: unknown field `asset.knd` | `asset` has no field `knd` | did you mean `kind`?
        "#);
        insta::assert_snapshot!(c("lower() == 'x'"), @"wrong-arity 0..7 `lower()`: `lower` takes 1 argument, found 0 | called with 0 arguments | lower(text or a list): the text in lowercase (each element of a list)");
        insta::assert_snapshot!(c("exists(asset.id, asset.kind)"), @"wrong-arity 0..28 `exists(asset.id, asset.kind)`: `exists` takes 1 argument, found 2 | called with 2 arguments | exists(a path): whether the path has a value");
        insta::assert_snapshot!(c("exists('x')"), @"type-mismatch 7..10 `'x'`: `exists` takes a path as argument 1, found text | this is text | write a path, as in `exists(asset.serial)`");
        insta::assert_snapshot!(c("exists(lower(asset.kind))"), @"type-mismatch 7..24 `lower(asset.kind)`: `exists` takes a path as argument 1, found text | this is text | write a path, as in `exists(asset.serial)`");
        insta::assert_snapshot!(c("exists(asset.knd)"), @"unknown-field 13..16 `knd`: unknown field `asset.knd` | `asset` has no field `knd` | did you mean `kind`?");
        insta::assert_snapshot!(c("lower(asset.installed) == 'x'"), @"type-mismatch 6..21 `asset.installed`: `lower` takes text or a list as argument 1, found a date | this is a date");
        insta::assert_snapshot!(c("days_until('soon') > 0"), @"type-mismatch 11..17 `'soon'`: `days_until` takes a date as argument 1, found text | this is text");
        insta::assert_snapshot!(c("days_until('2022-02-30') > 0"), @"invalid-date 11..23 `'2022-02-30'`: invalid date `2022-02-30` | 2022-02 has 28 days | write a calendar date as YYYY-MM-DD");
    }

    #[test]
    fn every_error_is_collected() {
        insta::assert_snapshot!(c("asset.knd == 1 and site.sensitivity >= 'x' or asset.installed > 5 and lowr(asset.id)"), @r#"
        unknown-field 6..9 `knd`: unknown field `asset.knd` | `asset` has no field `knd` | did you mean `kind`?
        unknown-level 39..42 `'x'`: unknown level `x` | not a level of the ladder `site.sensitivity` is compared on | the levels, lowest first, are `public`, `official`, `sensitive`, `secret`
        type-mismatch 46..65 `asset.installed > 5`: cannot compare a date with a number using `>` | `asset.installed` is a date, `5` is a number | write a date as 2022-11-24, or count days with `days_until(…)`
        unknown-function 70..74 `lowr`: unknown function `lowr` | no function of this name | did you mean `lower`?
        "#);
    }
}
