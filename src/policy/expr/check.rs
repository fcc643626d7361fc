//! The type checker: resolves paths against the schema, looks functions up,
//! checks operand types and converts literals to the type of the other side
//! (level names to ranks, date strings to dates), producing a [`Cond`].
//!
//! It visits the whole tree and collects every error rather than stopping at
//! the first.

use globset::GlobBuilder;

use super::ast::{CmpOp, Lit, Node, NodeKind, RawPath, Span};
use super::error::{backticked, close_names, did_you_mean, ErrorKind, ExprError};
use super::eval::{Cond, Const, InSet, Operand};
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

/// `text`, `a number`, …: a type with its article, for messages.
fn a(ty: Type) -> &'static str {
    match ty {
        Type::Str => "text",
        Type::Num => "a number",
        Type::Bool => "a bool",
        Type::Date => "a date",
        Type::Level => "a level",
        Type::StrList => "a list",
    }
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
                    let shaped = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-');
                    let kind = if shaped {
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
                    Ok(glob) => Some(glob.compile_matcher()),
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
                if let Ok(d) = parse_date(s) {
                    return Some((Operand::Const(Const::Date(d)), Type::Date));
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
