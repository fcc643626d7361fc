//! The nom parser: text to [`Node`]. Each parser function's doc comment is
//! its production in `grammar/condition.ebnf`; precedence comes from how the
//! functions call each other (`or_expr` → `and_expr` → `not_expr` →
//! `primary` → `comparison` → `value`).
//!
//! A parser returns `Err::Error` when nothing at the input fits it (so the
//! caller may try something else) and `Err::Failure` with a domain
//! [`ExprError`] once it has committed to a token. Callers turn an `Error`
//! after a committing token (an operator, `(`, `not`) into a `Failure` that
//! names what was expected there, so nom's own error kinds never reach users.
//! Errors that do not stop parsing (an invalid date, a number too large) are
//! collected on the side so one run reports them all.

use std::cell::RefCell;

use jiff::civil::Date;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, multispace1, not_line_ending, satisfy};
use nom::combinator::{not, opt, peek, recognize};
use nom::error::ParseError;
use nom::multi::many0_count;
use nom::sequence::{pair, preceded, terminated};
use nom::{IResult, Parser as _};

use super::ast::{CmpOp, Ident, Lit, Node, NodeKind, RawPath, Span};
use super::error::{ErrorKind, ExprError};

/// Deepest nesting of parentheses, `not` and calls.
pub const MAX_DEPTH: usize = 64;

/// The words that cannot start a path or a call.
pub const KEYWORDS: &[&str] = &["and", "false", "in", "matches", "not", "or", "true"];

/// nom's error type for this parser: a position, plus the domain error once
/// a parser has committed.
#[derive(Debug)]
pub(crate) struct PErr<'a> {
    input: &'a str,
    error: Option<Box<ExprError>>,
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _kind: nom::error::ErrorKind) -> Self {
        PErr { input, error: None }
    }

    fn append(_input: &'a str, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

type PResult<'a, T> = IResult<&'a str, T, PErr<'a>>;

fn fail<'a, T>(error: ExprError) -> PResult<'a, T> {
    Err(nom::Err::Failure(PErr {
        input: "",
        error: Some(Box::new(error)),
    }))
}

fn no_match<T>(input: &str) -> PResult<'_, T> {
    Err(nom::Err::Error(PErr { input, error: None }))
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `ws = { white space | "#", { any character but newline } } ;`
fn ws(i: &str) -> &str {
    let skip: PResult<'_, &str> = recognize(many0_count(alt((
        multispace1,
        preceded(char('#'), not_line_ending),
    ))))
    .parse(i);
    match skip {
        Ok((rest, _)) => rest,
        Err(_) => i,
    }
}

/// A keyword: the word, not followed by an identifier character.
fn keyword<'a>(word: &'static str) -> impl FnMut(&'a str) -> PResult<'a, &'a str> {
    move |i| terminated(tag(word), not(peek(satisfy(is_ident_char)))).parse(i)
}

/// `ident = ( letter | "_" ), { letter | digit | "_" } ;`
fn ident(i: &str) -> PResult<'_, &str> {
    recognize(pair(satisfy(is_ident_start), take_while(is_ident_char))).parse(i)
}

/// `compare_op = "==" | "!=" | "<=" | ">=" | "<" | ">" ;`
fn compare_op(i: &str) -> PResult<'_, CmpOp> {
    let (rest, op) = alt((
        tag("=="),
        tag("!="),
        tag("<="),
        tag(">="),
        tag("<"),
        tag(">"),
    ))
    .parse(i)?;
    let op = match op {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<=" => CmpOp::Le,
        ">=" => CmpOp::Ge,
        "<" => CmpOp::Lt,
        _ => CmpOp::Gt,
    };
    Ok((rest, op))
}

/// The token at the start of `i`, for "found …" messages.
fn next_token(i: &str) -> &str {
    if let Ok((_, word)) = take_while1::<_, _, PErr<'_>>(is_ident_char)(i) {
        return word;
    }
    for op in ["==", "!=", "<=", ">=", "&&", "||"] {
        if i.starts_with(op) {
            return &i[..op.len()];
        }
    }
    match i.chars().next() {
        Some(c) => &i[..c.len_utf8()],
        None => "",
    }
}

fn describe(token: &str) -> String {
    match token {
        "" => "end of input".to_owned(),
        "\"" | "'" => "a string".to_owned(),
        t => format!("`{t}`"),
    }
}

/// Help for tokens other languages use.
fn token_help(token: &str) -> Option<String> {
    let help = match token {
        "&&" => "write `and` instead of `&&`",
        "||" => "write `or` instead of `||`",
        "!" => "write `not` instead of `!`",
        "=" => "use `==` to compare",
        "==" | "!=" | "<" | "<=" | ">" | ">=" => {
            "comparisons do not chain: join two comparisons with `and`"
        }
        "AND" | "And" => "keywords are lowercase: `and`",
        "OR" | "Or" => "keywords are lowercase: `or`",
        "NOT" | "Not" => "keywords are lowercase: `not`",
        "IN" | "In" => "keywords are lowercase: `in`",
        _ => return None,
    };
    Some(help.to_owned())
}

/// The parser state: the whole text (to turn positions into offsets) and
/// the errors that did not stop parsing.
pub(crate) struct Parser<'s> {
    src: &'s str,
    soft: RefCell<Vec<ExprError>>,
}

/// Parses a whole condition (tests use this; [`parse_partial`] keeps the
/// tree when only soft errors occurred).
#[cfg(test)]
pub(crate) fn parse(src: &str) -> Result<Node, Vec<ExprError>> {
    match parse_partial(src) {
        (Some(node), errors) if errors.is_empty() => Ok(node),
        (_, errors) => Err(errors),
    }
}

/// Parses a whole condition; when only errors that do not stop parsing
/// occurred (an invalid date, a number too large), returns the tree too, so
/// the type checker can report its own errors alongside them.
pub(crate) fn parse_partial(src: &str) -> (Option<Node>, Vec<ExprError>) {
    let p = Parser::new(src);
    match p.condition(src) {
        Ok((_, node)) => (Some(node), p.soft.into_inner()),
        result => (None, p.finish(result).err().unwrap_or_default()),
    }
}

/// Parses a whole text that must be a single path (for message templates).
pub(crate) fn parse_path(src: &str) -> Result<(RawPath, Span), Vec<ExprError>> {
    let p = Parser::new(src);
    let result = p.path_only(src);
    p.finish(result)
}

impl<'s> Parser<'s> {
    fn new(src: &'s str) -> Self {
        Parser {
            src,
            soft: RefCell::new(Vec::new()),
        }
    }

    fn finish<T>(self, result: PResult<'s, T>) -> Result<T, Vec<ExprError>> {
        let mut errors = self.soft.into_inner();
        match result {
            Ok((_, value)) if errors.is_empty() => return Ok(value),
            Ok(_) => {}
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let at = self.src.len() - e.input.len();
                let error = match e.error {
                    Some(error) => *error,
                    None => {
                        let token = next_token(e.input);
                        ExprError::new(
                            ErrorKind::Syntax,
                            at..at + token.len(),
                            format!("unexpected {}", describe(token)),
                            "not expected here",
                        )
                    }
                };
                errors.push(error);
            }
            Err(nom::Err::Incomplete(_)) => errors.push(ExprError::new(
                ErrorKind::Syntax,
                self.src.len()..self.src.len(),
                "unexpected end of input",
                "the expression ends here",
            )),
        }
        errors.sort_by_key(|e| (e.span.start, e.span.end));
        Err(errors)
    }

    /// Byte offset of a remaining input in the whole text.
    fn off(&self, i: &str) -> usize {
        self.src.len() - i.len()
    }

    /// The span of the token at the start of `i`.
    fn token_span(&self, i: &str) -> Span {
        let at = self.off(i);
        at..at + next_token(i).len()
    }

    /// A failure at the token that starts `i`: "`what`, found `token`".
    fn expected<T>(&self, i: &'s str, what: &str, label: &str) -> PResult<'s, T> {
        let token = next_token(i);
        fail(
            ExprError::new(
                ErrorKind::Syntax,
                self.token_span(i),
                format!("{what}, found {}", describe(token)),
                label,
            )
            .with_help_opt(token_help(token)),
        )
    }

    /// Turns "nothing here" into a failure: `cut`, with a domain message.
    fn cut<T>(&self, result: PResult<'s, T>, i: &'s str, what: &str) -> PResult<'s, T> {
        match result {
            Err(nom::Err::Error(_)) => self.expected(i, what, "expected here"),
            other => other,
        }
    }

    fn depth_check(&self, depth: usize, span: Span) -> Result<(), nom::Err<PErr<'s>>> {
        if depth >= MAX_DEPTH {
            let error = ExprError::new(
                ErrorKind::DepthLimit,
                span,
                format!("expression nested more than {MAX_DEPTH} levels deep"),
                "too deep here",
            )
            .with_help("split the condition or remove redundant parentheses and `not`s");
            return Err(nom::Err::Failure(PErr {
                input: "",
                error: Some(Box::new(error)),
            }));
        }
        Ok(())
    }

    /// `condition = ws, or_expr, ws, EOF ;`
    fn condition(&self, i: &'s str) -> PResult<'s, Node> {
        let i = ws(i);
        if i.is_empty() {
            return fail(
                ExprError::new(
                    ErrorKind::Syntax,
                    self.off(i)..self.off(i),
                    "expected a condition, found end of input",
                    "the condition is empty",
                )
                .with_help("write a condition such as `asset.kind == \"camera\"`"),
            );
        }
        let (rest, node) = self.cut(self.or_expr(i, 0), i, "expected a condition")?;
        let rest = ws(rest);
        if rest.is_empty() {
            return Ok((rest, node));
        }
        if rest.starts_with(')') {
            let at = self.off(rest);
            return fail(ExprError::new(
                ErrorKind::Syntax,
                at..at + 1,
                "unexpected `)`",
                "no `(` to close",
            ));
        }
        self.expected(
            rest,
            "expected `and`, `or` or end of expression",
            "expected `and`, `or` or the end here",
        )
    }

    /// A text that is only a path, with spaces around it.
    fn path_only(&self, i: &'s str) -> PResult<'s, (RawPath, Span)> {
        let i = ws(i);
        let start = self.off(i);
        let (rest, node) = match ident(i) {
            Ok((rest, word)) if !KEYWORDS.contains(&word) => self.path(rest, word, start)?,
            _ => {
                return self.expected(
                    i,
                    "expected a path such as `asset.id`",
                    "expected a path here",
                )
            }
        };
        let rest = ws(rest);
        if !rest.is_empty() {
            return self.expected(
                rest,
                "expected the end of the path",
                "expected the end here",
            );
        }
        match node.kind {
            NodeKind::Path(p) => Ok((rest, (p, node.span))),
            _ => self.expected(
                i,
                "expected a path such as `asset.id`",
                "expected a path here",
            ),
        }
    }

    /// `or_expr = and_expr, { "or", and_expr } ;`
    fn or_expr(&self, i: &'s str, depth: usize) -> PResult<'s, Node> {
        self.chain(i, depth, "or", Self::and_expr, NodeKind::Or)
    }

    /// `and_expr = not_expr, { "and", not_expr } ;`
    fn and_expr(&self, i: &'s str, depth: usize) -> PResult<'s, Node> {
        self.chain(i, depth, "and", Self::not_expr, NodeKind::And)
    }

    /// A left-to-right chain of `next` joined by the keyword `word`, as one
    /// flat node.
    fn chain(
        &self,
        i: &'s str,
        depth: usize,
        word: &'static str,
        next: fn(&Self, &'s str, usize) -> PResult<'s, Node>,
        make: fn(Vec<Node>) -> NodeKind,
    ) -> PResult<'s, Node> {
        let (mut i, first) = next(self, i, depth)?;
        let mut items = vec![first];
        while let Ok((after, _)) = keyword(word)(ws(i)) {
            let after = ws(after);
            let what = format!("expected a condition after `{word}`");
            let (rest, item) = self.cut(next(self, after, depth), after, &what)?;
            items.push(item);
            i = rest;
        }
        if items.len() == 1 {
            return Ok((i, items.remove(0)));
        }
        let span = items[0].span.start..items[items.len() - 1].span.end;
        Ok((
            i,
            Node {
                kind: make(items),
                span,
            },
        ))
    }

    /// `not_expr = "not", not_expr | primary ;`
    fn not_expr(&self, i: &'s str, depth: usize) -> PResult<'s, Node> {
        let Ok((after, word)) = keyword("not")(i) else {
            return self.primary(i, depth);
        };
        let start = self.off(i);
        self.depth_check(depth, start..start + word.len())?;
        let after = ws(after);
        let (rest, inner) = self.cut(
            self.not_expr(after, depth + 1),
            after,
            "expected a condition after `not`",
        )?;
        let span = start..inner.span.end;
        Ok((
            rest,
            Node {
                kind: NodeKind::Not(Box::new(inner)),
                span,
            },
        ))
    }

    /// `primary = "(", or_expr, ")" | comparison ;`
    fn primary(&self, i: &'s str, depth: usize) -> PResult<'s, Node> {
        let Some(after) = i.strip_prefix('(') else {
            return self.comparison(i, depth);
        };
        let open = self.off(i);
        self.depth_check(depth, open..open + 1)?;
        let after = ws(after);
        let (rest, mut inner) = self.cut(
            self.or_expr(after, depth + 1),
            after,
            "expected a condition after `(`",
        )?;
        let rest = ws(rest);
        if let Some(rest) = rest.strip_prefix(')') {
            inner.span = open..self.off(rest);
            return Ok((rest, inner));
        }
        if rest.is_empty() {
            return fail(
                ExprError::new(
                    ErrorKind::Syntax,
                    open..open + 1,
                    "unclosed `(`",
                    "this `(` is never closed",
                )
                .with_help("add `)` where the group ends"),
            );
        }
        self.expected(
            rest,
            "expected `)`, `and` or `or`",
            "expected `)` to close the group",
        )
    }

    /// ```text
    /// comparison = value, [ compare_op, value
    ///                     | "in", value
    ///                     | "not", "in", value
    ///                     | "matches", string ] ;
    /// ```
    fn comparison(&self, i: &'s str, depth: usize) -> PResult<'s, Node> {
        let (rest, lhs) = self.value(i, depth)?;
        let at = ws(rest);
        let op_start = self.off(at);
        if let Ok((after, op)) = compare_op(at) {
            let op_span = op_start..self.off(after);
            let after = ws(after);
            let what = format!("expected a value after `{}`", op.as_str());
            let (rest, rhs) = self.cut(self.value(after, depth), after, &what)?;
            return Ok((rest, binary(lhs, rhs, op_span, CmpKind::Compare(op))));
        }
        if let Ok((after, _)) = keyword("in")(at) {
            let op_span = op_start..self.off(after);
            let after = ws(after);
            let (rest, rhs) = self.cut(
                self.value(after, depth),
                after,
                "expected a value after `in`",
            )?;
            return Ok((rest, binary(lhs, rhs, op_span, CmpKind::In(false))));
        }
        if let Ok((after_not, _)) = keyword("not")(at) {
            let after_not = ws(after_not);
            let Ok((after, _)) = keyword("in")(after_not) else {
                return self.expected(after_not, "expected `in` after `not`", "expected `in`");
            };
            let op_span = op_start..self.off(after);
            let after = ws(after);
            let (rest, rhs) = self.cut(
                self.value(after, depth),
                after,
                "expected a value after `not in`",
            )?;
            return Ok((rest, binary(lhs, rhs, op_span, CmpKind::In(true))));
        }
        if let Ok((after, _)) = keyword("matches")(at) {
            let op_span = op_start..self.off(after);
            let after = ws(after);
            let (rest, pattern) = self.cut(
                self.string(after),
                after,
                "expected a quoted glob pattern after `matches`",
            )?;
            return Ok((rest, binary(lhs, pattern, op_span, CmpKind::Matches)));
        }
        Ok((rest, lhs))
    }

    /// `value = list | literal | call | path ;`
    fn value(&self, i: &'s str, depth: usize) -> PResult<'s, Node> {
        if i.starts_with('[') {
            return self.list(i);
        }
        match self.literal(i) {
            Err(nom::Err::Error(_)) => {}
            found => return found,
        }
        let start = self.off(i);
        let (rest, word) = ident(i)?;
        if KEYWORDS.contains(&word) {
            return no_match(i);
        }
        let after = ws(rest);
        if after.starts_with('(') {
            return self.call(after, word, start, depth);
        }
        self.path(rest, word, start)
    }

    /// `literal = string | date | number | "true" | "false" ;`
    fn literal(&self, i: &'s str) -> PResult<'s, Node> {
        match i.chars().next() {
            Some('"' | '\'') => self.string(i),
            Some(c) if c.is_ascii_digit() || c == '-' => self.date_or_number(i),
            _ => {
                let start = self.off(i);
                let (rest, word) = alt((keyword("true"), keyword("false"))).parse(i)?;
                let node = Node {
                    kind: NodeKind::Lit(Lit::Bool(word == "true")),
                    span: start..self.off(rest),
                };
                Ok((rest, node))
            }
        }
    }

    /// ```text
    /// call = ident, "(", [ value, { ",", value }, [ "," ] ], ")" ;
    /// ```
    ///
    /// `i` starts at the `(`.
    fn call(&self, i: &'s str, name: &str, start: usize, depth: usize) -> PResult<'s, Node> {
        let open = self.off(i);
        self.depth_check(depth, open..open + 1)?;
        let name = Ident {
            name: name.to_owned(),
            span: start..start + name.len(),
        };
        let mut rest = ws(&i[1..]);
        let mut args = Vec::new();
        loop {
            if let Some(after) = rest.strip_prefix(')') {
                let span = start..self.off(after);
                return Ok((
                    after,
                    Node {
                        kind: NodeKind::Call { name, args },
                        span,
                    },
                ));
            }
            if rest.is_empty() {
                return fail(
                    ExprError::new(
                        ErrorKind::Syntax,
                        open..open + 1,
                        format!("unclosed `(` of `{}(`", name.name),
                        "this `(` is never closed",
                    )
                    .with_help("add `)` after the arguments"),
                );
            }
            if !args.is_empty() {
                let Some(after) = rest.strip_prefix(',') else {
                    let what = format!("expected `,` or `)` in the call of `{}`", name.name);
                    return self.expected(rest, &what, "expected `,` or `)`");
                };
                rest = ws(after);
                if rest.starts_with(')') {
                    continue;
                }
            }
            let (after, arg) =
                self.cut(self.value(rest, depth + 1), rest, "expected an argument")?;
            args.push(arg);
            rest = ws(after);
        }
    }

    /// ```text
    /// path = "today" | root, ".", ident, [ "[", string, "]" ] ;
    /// root = "asset" | "site" | "vendor" ;
    /// ```
    ///
    /// The parser accepts any identifier as a root and any field, so that
    /// the type checker can report every unknown name with suggestions.
    /// `i` starts after the root, which starts at `start`.
    fn path(&self, i: &'s str, root: &str, start: usize) -> PResult<'s, Node> {
        let root = Ident {
            name: root.to_owned(),
            span: start..start + root.len(),
        };
        let mut rest = i;
        let mut field = None;
        let mut key = None;
        if let Some(after) = rest.strip_prefix('.') {
            let at = self.off(after);
            let what = format!("expected a field name after `{}.`", root.name);
            let (after, name) = self.cut(ident(after), after, &what)?;
            field = Some(Ident {
                name: name.to_owned(),
                span: at..at + name.len(),
            });
            rest = after;
            if let Some(after) = ws(rest).strip_prefix('[') {
                let open = self.off(after) - 1;
                let after = ws(after);
                let (after, lit) = self.cut(
                    self.string(after),
                    after,
                    "expected a quoted column name after `[`",
                )?;
                let after = ws(after);
                let Some(after) = after.strip_prefix(']') else {
                    if after.is_empty() {
                        return fail(ExprError::new(
                            ErrorKind::Syntax,
                            open..open + 1,
                            "unclosed `[`",
                            "this `[` is never closed",
                        ));
                    }
                    return self.expected(after, "expected `]`", "expected `]` here");
                };
                if let NodeKind::Lit(Lit::Str(s)) = lit.kind {
                    key = Some((s, lit.span));
                }
                rest = after;
            }
        }
        let span = start..self.off(rest);
        Ok((
            rest,
            Node {
                kind: NodeKind::Path(RawPath { root, field, key }),
                span,
            },
        ))
    }

    /// `list = "[", [ literal, { ",", literal }, [ "," ] ], "]" ;`
    fn list(&self, i: &'s str) -> PResult<'s, Node> {
        let open = self.off(i);
        let mut rest = ws(&i[1..]);
        let mut items = Vec::new();
        loop {
            if let Some(after) = rest.strip_prefix(']') {
                let span = open..self.off(after);
                return Ok((
                    after,
                    Node {
                        kind: NodeKind::List(items),
                        span,
                    },
                ));
            }
            if rest.is_empty() {
                return fail(
                    ExprError::new(
                        ErrorKind::Syntax,
                        open..open + 1,
                        "unclosed `[`",
                        "this `[` is never closed",
                    )
                    .with_help("add `]` after the last element"),
                );
            }
            if !items.is_empty() {
                let Some(after) = rest.strip_prefix(',') else {
                    return self.expected(
                        rest,
                        "expected `,` or `]` in the list",
                        "expected `,` or `]`",
                    );
                };
                rest = ws(after);
                if rest.starts_with(']') {
                    continue;
                }
            }
            if rest.starts_with('[') {
                let at = self.off(rest);
                return fail(ExprError::new(
                    ErrorKind::Syntax,
                    at..at + 1,
                    "lists cannot be nested",
                    "a list inside a list",
                ));
            }
            let (after, item) = match self.literal(rest) {
                Err(nom::Err::Error(_)) => {
                    let token = next_token(rest);
                    let mut error = ExprError::new(
                        ErrorKind::Syntax,
                        self.token_span(rest),
                        format!("expected a literal in the list, found {}", describe(token)),
                        "not a literal",
                    )
                    .with_help(
                        "a list holds literals only: quoted text, numbers, dates, true, false",
                    );
                    if rest.is_empty() || token == "]" {
                        error.help = None;
                    }
                    return fail(error);
                }
                other => other?,
            };
            items.push(item);
            rest = ws(after);
        }
    }

    /// ```text
    /// string = '"', { char - '"' - "\" | escape }, '"'
    ///        | "'", { char - "'" - "\" | escape }, "'" ;
    /// escape = "\", ( '"' | "'" | "\" | "n" | "t" | "r" | "0"
    ///               | "u{", hex, [ hex ], [ hex ], [ hex ], [ hex ], [ hex ], "}" ) ;
    /// ```
    fn string(&self, i: &'s str) -> PResult<'s, Node> {
        let start = self.off(i);
        let Some(quote) = i.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
            return no_match(i);
        };
        let mut out = String::new();
        let mut chars = i.char_indices().skip(1);
        while let Some((pos, c)) = chars.next() {
            if c == quote {
                let rest = &i[pos + 1..];
                let node = Node {
                    kind: NodeKind::Lit(Lit::Str(out)),
                    span: start..self.off(rest),
                };
                return Ok((rest, node));
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let esc_start = start + pos;
            let Some((epos, e)) = chars.next() else {
                break;
            };
            let cooked = match e {
                '"' => '"',
                '\'' => '\'',
                '\\' => '\\',
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                'u' => {
                    let body = &i[epos + 1..];
                    let hex_len = body
                        .strip_prefix('{')
                        .and_then(|b| b.find('}'))
                        .filter(|n| (1..=6).contains(n));
                    let hex = |n: &usize| body.as_bytes()[1..=*n].iter().all(u8::is_ascii_hexdigit);
                    let decoded = hex_len.filter(hex).and_then(|n| {
                        u32::from_str_radix(&body[1..=n], 16)
                            .ok()
                            .and_then(char::from_u32)
                            .map(|c| (c, n))
                    });
                    let Some((c, n)) = decoded else {
                        let len = hex_len.map_or(2, |n| n + 4);
                        let end = (esc_start + len).min(start + i.len());
                        return fail(
                            ExprError::new(
                                ErrorKind::Syntax,
                                esc_start..end,
                                "invalid unicode escape",
                                "not a unicode scalar value in hex",
                            )
                            .with_help("write `\\u{` followed by 1 to 6 hex digits and `}`"),
                        );
                    };
                    // skip `{`, the hex digits and `}`
                    for _ in 0..n + 2 {
                        chars.next();
                    }
                    c
                }
                other => {
                    let end = start + epos + other.len_utf8();
                    return fail(
                        ExprError::new(
                            ErrorKind::Syntax,
                            esc_start..end,
                            format!("unknown escape `\\{other}`"),
                            "not an escape",
                        )
                        .with_help(
                            "the escapes are \\\" \\' \\\\ \\n \\t \\r \\0 and \\u{…}; write \\\\ for a backslash",
                        ),
                    );
                }
            };
            out.push(cooked);
        }
        fail(
            ExprError::new(
                ErrorKind::Syntax,
                start..self.src.len(),
                "unterminated string",
                "this string is never closed",
            )
            .with_help(format!("add the closing {quote}")),
        )
    }

    /// ```text
    /// date   = digit, digit, digit, digit, "-", digit, digit, "-", digit, digit ;
    /// number = [ "-" ], digit, { digit }, [ ".", digit, { digit } ] ;
    /// ```
    fn date_or_number(&self, i: &'s str) -> PResult<'s, Node> {
        let start = self.off(i);
        let date_shape: PResult<'s, &'s str> =
            recognize((digits(4), char('-'), digits(2), char('-'), digits(2))).parse(i);
        if let Ok((rest, text)) = date_shape {
            self.no_word_after(rest, start)?;
            let span = start..self.off(rest);
            let date = self.date(text, span.clone());
            return Ok((
                rest,
                Node {
                    kind: NodeKind::Lit(Lit::Date(date)),
                    span,
                },
            ));
        }
        let (rest, text) =
            recognize((opt(char('-')), digit1, opt(pair(char('.'), digit1)))).parse(i)?;
        self.no_word_after(rest, start)?;
        let span = start..self.off(rest);
        let n = match text.parse::<f64>() {
            Ok(n) if n.is_finite() => n,
            _ => {
                self.soft.borrow_mut().push(ExprError::new(
                    ErrorKind::Syntax,
                    span.clone(),
                    format!("number `{}` is too large", shorten(text)),
                    "too large",
                ));
                0.0
            }
        };
        Ok((
            rest,
            Node {
                kind: NodeKind::Lit(Lit::Num(n)),
                span,
            },
        ))
    }

    /// A number or date must not run into a word or another `.` (`5abc`, `1.2.3`).
    fn no_word_after(&self, rest: &'s str, start: usize) -> Result<(), nom::Err<PErr<'s>>> {
        let runs_on = |c: char| is_ident_char(c) || c == '.' || c == '-';
        match rest.chars().next() {
            Some(c) if runs_on(c) => {
                let end = self.off(rest) + rest.find(|c| !runs_on(c)).unwrap_or(rest.len());
                Err(nom::Err::Failure(PErr {
                    input: "",
                    error: Some(Box::new(
                        ExprError::new(
                            ErrorKind::Syntax,
                            start..end,
                            format!("invalid number or date `{}`", &self.src[start..end]),
                            "not a number or a date",
                        )
                        .with_help(
                            "numbers look like 5, -2 or 0.75; dates like 2022-11-24; quote text",
                        ),
                    )),
                }))
            }
            _ => Ok(()),
        }
    }

    /// Validates a `YYYY-MM-DD` token; an invalid date is reported and
    /// replaced by a placeholder so parsing goes on.
    fn date(&self, text: &str, span: Span) -> Date {
        match parse_date(text) {
            Ok(d) => d,
            Err(why) => {
                self.soft.borrow_mut().push(
                    ExprError::new(
                        ErrorKind::InvalidDate,
                        span,
                        format!("invalid date `{text}`"),
                        why,
                    )
                    .with_help("write a calendar date as YYYY-MM-DD"),
                );
                Date::constant(1970, 1, 1)
            }
        }
    }
}

/// `text`, cut to 20 characters for a message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(20) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Exactly `n` ASCII digits.
fn digits<'a>(n: usize) -> impl FnMut(&'a str) -> PResult<'a, &'a str> {
    move |i: &'a str| {
        if i.len() >= n && i.as_bytes()[..n].iter().all(u8::is_ascii_digit) {
            Ok((&i[n..], &i[..n]))
        } else {
            no_match(i)
        }
    }
}

/// Parses `YYYY-MM-DD` into a date, or says why it is not one.
pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(n, b)| n == 4 || n == 7 || b.is_ascii_digit());
    if !shaped {
        return Err("not a date in the form YYYY-MM-DD".to_owned());
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<i16>().unwrap_or(-1);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month:02}"));
    }
    let first = Date::new(year, month as i8, 1).map_err(|e| e.to_string())?;
    let days = first.days_in_month();
    if day < 1 || day > i16::from(days) {
        return Err(format!("{year:04}-{month:02} has {days} days"));
    }
    Date::new(year, month as i8, day as i8).map_err(|e| e.to_string())
}

enum CmpKind {
    Compare(CmpOp),
    In(bool),
    Matches,
}

fn binary(lhs: Node, rhs: Node, op_span: Span, kind: CmpKind) -> Node {
    let span = lhs.span.start..rhs.span.end;
    let (lhs, rhs) = (Box::new(lhs), Box::new(rhs));
    let kind = match kind {
        CmpKind::Compare(op) => NodeKind::Compare {
            op,
            op_span,
            lhs,
            rhs,
        },
        CmpKind::In(negated) => NodeKind::In {
            negated,
            op_span,
            item: lhs,
            list: rhs,
        },
        CmpKind::Matches => NodeKind::Matches {
            op_span,
            subject: lhs,
            pattern: rhs,
        },
    };
    Node { kind, span }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::expr::ast::Sexp;

    /// The tree of `src`, or its errors as `kind span: message`.
    fn p(src: &str) -> String {
        match parse(src) {
            Ok(node) => Sexp(&node).to_string(),
            Err(errors) => errors
                .iter()
                .map(|e| {
                    let mut line = format!("{} {:?} {}: {}", e.kind, e.span, e.message, e.label);
                    if let Some(help) = &e.help {
                        line.push_str(&format!(" (help: {help})"));
                    }
                    line
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    #[test]
    fn precedence() {
        insta::assert_snapshot!(p("a.b or c.d and e.f"), @"(or a.b (and c.d e.f))");
        insta::assert_snapshot!(p("(a.b or c.d) and e.f"), @"(and (or a.b c.d) e.f)");
        insta::assert_snapshot!(p("not a.b == 1 and c.d"), @"(and (not (== a.b 1)) c.d)");
        insta::assert_snapshot!(p("not not a.b"), @"(not (not a.b))");
        insta::assert_snapshot!(p("a.b and c.d and e.f or g.h or i.j"), @"(or (and a.b c.d e.f) g.h i.j)");
        insta::assert_snapshot!(p("not (a.b or c.d)"), @"(not (or a.b c.d))");
    }

    #[test]
    fn operators() {
        insta::assert_snapshot!(p("asset.kind == \"camera\""), @r#"(== asset.kind "camera")"#);
        insta::assert_snapshot!(p("a.b!=1"), @"(!= a.b 1)");
        insta::assert_snapshot!(p("a.b<1"), @"(< a.b 1)");
        insta::assert_snapshot!(p("a.b<=1"), @"(<= a.b 1)");
        insta::assert_snapshot!(p("a.b>-1.5"), @"(> a.b -1.5)");
        insta::assert_snapshot!(p("a.b>=2022-11-24"), @"(>= a.b 2022-11-24)");
        insta::assert_snapshot!(p("a.b in [1, 'x', true, 2022-01-01,]"), @r#"(in a.b [1 "x" true 2022-01-01])"#);
        insta::assert_snapshot!(p("a.b not  in []"), @"(not-in a.b [])");
        insta::assert_snapshot!(p("a.b matches 'DS-2CD*'"), @r#"(matches a.b "DS-2CD*")"#);
        insta::assert_snapshot!(p("exists(a.b)"), @"(exists() a.b)");
        insta::assert_snapshot!(p("f(a.b, 'x',)"), @r#"(f() a.b "x")"#);
        insta::assert_snapshot!(p("f ()"), @"(f())");
        insta::assert_snapshot!(p("today"), @"today");
        insta::assert_snapshot!(p("asset.extra[\"Cost centre\"] == 'x'"), @r#"(== asset.extra["Cost centre"] "x")"#);
        insta::assert_snapshot!(p("asset.extra [ 'k' ]"), @r#"asset.extra["k"]"#);
        insta::assert_snapshot!(p("true"), @"true");
        insta::assert_snapshot!(p("orange.x or notable.y"), @"(or orange.x notable.y)");
    }

    #[test]
    fn literals() {
        insta::assert_snapshot!(p(r#""a\"b\\c\n\t\u{e9}\'" == 'it\'s "x"'"#), @r#"(== "a\"b\\c\n\té'" "it's \"x\"")"#);
        insta::assert_snapshot!(p("x.y == \"\""), @r#"(== x.y "")"#);
        insta::assert_snapshot!(p("x.y == 0.25"), @"(== x.y 0.25)");
        insta::assert_snapshot!(p("x.y == -0"), @"(== x.y -0)");
        insta::assert_snapshot!(p("x.y == 007"), @"(== x.y 7)");
        insta::assert_snapshot!(p("x.y == 'ünï'"), @r#"(== x.y "ünï")"#);
    }

    #[test]
    fn comments_and_whitespace() {
        insta::assert_snapshot!(p("  # banned vendors\n  a.b == 1 # trailing\n  and c.d\n"), @"(and (== a.b 1) c.d)");
    }

    #[test]
    fn spans() {
        let node = parse("  not (a.b == 'x')  ").unwrap();
        assert_eq!(node.span, 2..18);
        let NodeKind::Not(inner) = node.kind else {
            panic!("not a `not`");
        };
        assert_eq!(inner.span, 6..18);
        let NodeKind::Compare {
            op_span, lhs, rhs, ..
        } = inner.kind
        else {
            panic!("not a comparison");
        };
        assert_eq!((op_span, lhs.span, rhs.span), (11..13, 7..10, 14..17));
    }

    #[test]
    fn syntax_errors() {
        insta::assert_snapshot!(p(""), @"syntax 0..0 expected a condition, found end of input: the condition is empty (help: write a condition such as `asset.kind == \"camera\"`)");
        insta::assert_snapshot!(p("   # only a comment"), @"syntax 19..19 expected a condition, found end of input: the condition is empty (help: write a condition such as `asset.kind == \"camera\"`)");
        insta::assert_snapshot!(p("a.b =="), @"syntax 6..6 expected a value after `==`, found end of input: expected here");
        insta::assert_snapshot!(p("a.b == and"), @"syntax 7..10 expected a value after `==`, found `and`: expected here");
        insta::assert_snapshot!(p("(a.b == 1"), @"syntax 0..1 unclosed `(`: this `(` is never closed (help: add `)` where the group ends)");
        insta::assert_snapshot!(p("(a.b == 1 c.d"), @"syntax 10..11 expected `)`, `and` or `or`, found `c`: expected `)` to close the group");
        insta::assert_snapshot!(p("a.b == 1)"), @"syntax 8..9 unexpected `)`: no `(` to close");
        insta::assert_snapshot!(p("a.b == 'abc"), @"syntax 7..11 unterminated string: this string is never closed (help: add the closing ')");
        insta::assert_snapshot!(p("a.b == 1 c.d"), @"syntax 9..10 expected `and`, `or` or end of expression, found `c`: expected `and`, `or` or the end here");
        insta::assert_snapshot!(p("a.b && c.d"), @"syntax 4..6 expected `and`, `or` or end of expression, found `&&`: expected `and`, `or` or the end here (help: write `and` instead of `&&`)");
        insta::assert_snapshot!(p("a.b = 1"), @"syntax 4..5 expected `and`, `or` or end of expression, found `=`: expected `and`, `or` or the end here (help: use `==` to compare)");
        insta::assert_snapshot!(p("a.b == 1 == 2"), @"syntax 9..11 expected `and`, `or` or end of expression, found `==`: expected `and`, `or` or the end here (help: comparisons do not chain: join two comparisons with `and`)");
        insta::assert_snapshot!(p("a.b AND c.d"), @"syntax 4..7 expected `and`, `or` or end of expression, found `AND`: expected `and`, `or` or the end here (help: keywords are lowercase: `and`)");
        insta::assert_snapshot!(p("!a.b"), @"syntax 0..1 expected a condition, found `!`: expected here (help: write `not` instead of `!`)");
        insta::assert_snapshot!(p("a.b and"), @"syntax 7..7 expected a condition after `and`, found end of input: expected here");
        insta::assert_snapshot!(p("a.b or )"), @"syntax 7..8 expected a condition after `or`, found `)`: expected here");
        insta::assert_snapshot!(p("not"), @"syntax 3..3 expected a condition after `not`, found end of input: expected here");
        insta::assert_snapshot!(p("()"), @"syntax 1..2 expected a condition after `(`, found `)`: expected here");
        insta::assert_snapshot!(p("a.b not c.d"), @"syntax 8..9 expected `in` after `not`, found `c`: expected `in`");
        insta::assert_snapshot!(p("a.b in"), @"syntax 6..6 expected a value after `in`, found end of input: expected here");
        insta::assert_snapshot!(p("a.b not in"), @"syntax 10..10 expected a value after `not in`, found end of input: expected here");
        insta::assert_snapshot!(p("a.b matches c.d"), @"syntax 12..13 expected a quoted glob pattern after `matches`, found `c`: expected here");
        insta::assert_snapshot!(p("asset."), @"syntax 6..6 expected a field name after `asset.`, found end of input: expected here");
        insta::assert_snapshot!(p("asset.extra["), @"syntax 12..12 expected a quoted column name after `[`, found end of input: expected here");
        insta::assert_snapshot!(p("asset.extra['k'"), @"syntax 11..12 unclosed `[`: this `[` is never closed");
        insta::assert_snapshot!(p("asset.extra['k' x"), @"syntax 16..17 expected `]`, found `x`: expected `]` here");
        insta::assert_snapshot!(p("f(a.b"), @"syntax 1..2 unclosed `(` of `f(`: this `(` is never closed (help: add `)` after the arguments)");
        insta::assert_snapshot!(p("f(a.b c.d)"), @"syntax 6..7 expected `,` or `)` in the call of `f`, found `c`: expected `,` or `)`");
        insta::assert_snapshot!(p("f(,)"), @"syntax 2..3 expected an argument, found `,`: expected here");
        insta::assert_snapshot!(p("a.b in [1"), @"syntax 7..8 unclosed `[`: this `[` is never closed (help: add `]` after the last element)");
        insta::assert_snapshot!(p("a.b in [1 2]"), @"syntax 10..11 expected `,` or `]` in the list, found `2`: expected `,` or `]`");
        insta::assert_snapshot!(p("a.b in [[1]]"), @"syntax 8..9 lists cannot be nested: a list inside a list");
        insta::assert_snapshot!(p("a.b in [c.d]"), @"syntax 8..9 expected a literal in the list, found `c`: not a literal (help: a list holds literals only: quoted text, numbers, dates, true, false)");
        insta::assert_snapshot!(p("a.b in [,]"), @"syntax 8..9 expected a literal in the list, found `,`: not a literal (help: a list holds literals only: quoted text, numbers, dates, true, false)");
        insta::assert_snapshot!(p(r"a.b == '\q'"), @r#"syntax 8..10 unknown escape `\q`: not an escape (help: the escapes are \" \' \\ \n \t \r \0 and \u{…}; write \\ for a backslash)"#);
        insta::assert_snapshot!(p(r"a.b == '\u{110000}'"), @r"syntax 8..18 invalid unicode escape: not a unicode scalar value in hex (help: write `\u{` followed by 1 to 6 hex digits and `}`)");
        assert_eq!(
            parse(r"a.b == '\u{+41}'").unwrap_err()[0].message,
            "invalid unicode escape"
        );
        insta::assert_snapshot!(p(r"a.b == '\u{zz}'"), @r"syntax 8..14 invalid unicode escape: not a unicode scalar value in hex (help: write `\u{` followed by 1 to 6 hex digits and `}`)");
        insta::assert_snapshot!(p(r"a.b == '\u12'"), @r"syntax 8..10 invalid unicode escape: not a unicode scalar value in hex (help: write `\u{` followed by 1 to 6 hex digits and `}`)");
        insta::assert_snapshot!(p(r"a.b == '\"), @r"syntax 7..9 unterminated string: this string is never closed (help: add the closing ')");
        insta::assert_snapshot!(p("a.b == 5abc"), @"syntax 7..11 invalid number or date `5abc`: not a number or a date (help: numbers look like 5, -2 or 0.75; dates like 2022-11-24; quote text)");
        insta::assert_snapshot!(p("a.b == 1.2.3"), @"syntax 7..12 invalid number or date `1.2.3`: not a number or a date (help: numbers look like 5, -2 or 0.75; dates like 2022-11-24; quote text)");
        insta::assert_snapshot!(p("a.b == 2022-1-01"), @"syntax 7..16 invalid number or date `2022-1-01`: not a number or a date (help: numbers look like 5, -2 or 0.75; dates like 2022-11-24; quote text)");
        insta::assert_snapshot!(p("a.b == -"), @"syntax 7..8 expected a value after `==`, found `-`: expected here");
        insta::assert_snapshot!(p("a.b == 1é"), @"syntax 8..10 expected `and`, `or` or end of expression, found `é`: expected `and`, `or` or the end here");
    }

    #[test]
    fn soft_errors_are_all_reported() {
        insta::assert_snapshot!(p("a.b == 2022-02-30 or a.b == 2022-13-01 or c.d == 1e"), @r"
        invalid-date 7..17 invalid date `2022-02-30`: 2022-02 has 28 days (help: write a calendar date as YYYY-MM-DD)
        invalid-date 28..38 invalid date `2022-13-01`: there is no month 13 (help: write a calendar date as YYYY-MM-DD)
        syntax 49..51 invalid number or date `1e`: not a number or a date (help: numbers look like 5, -2 or 0.75; dates like 2022-11-24; quote text)
        ");
        let huge = format!("a.b == {}", "9".repeat(400));
        insta::assert_snapshot!(p(&huge), @"syntax 7..407 number `99999999999999999999…` is too large: too large");
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!("{}a.b{}", "(".repeat(100_000), ")".repeat(100_000));
        insta::assert_snapshot!(p(&deep), @"depth-limit 64..65 expression nested more than 64 levels deep: too deep here (help: split the condition or remove redundant parentheses and `not`s)");
        let nots = format!("{}a.b", "not ".repeat(100_000));
        insta::assert_snapshot!(p(&nots), @"depth-limit 256..259 expression nested more than 64 levels deep: too deep here (help: split the condition or remove redundant parentheses and `not`s)");
        let calls = format!("{}a.b{}", "f(".repeat(100_000), ")".repeat(100_000));
        insta::assert_snapshot!(p(&calls), @"depth-limit 129..130 expression nested more than 64 levels deep: too deep here (help: split the condition or remove redundant parentheses and `not`s)");
        let ok = format!("{}a.b{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let long = vec!["a.b == 1"; 100_000].join(" and ");
        assert!(parse(&long).is_ok());
    }

    #[test]
    fn never_panics_on_prefixes() {
        let text = r#"not (asset.extra["Coût"] in ['é', 2022-11-24, -1.5,] or lower(site.tags) matches "*x*") and vendor.id != 'ß\u{e9}\n'"#;
        for (n, _) in text.char_indices() {
            let _ = parse(&text[..n]);
            let _ = parse(&text[n..]);
        }
        for junk in [
            "\"", "'", "\\", "[", "]", "(", ")", ",", ".", "-", "€", "\u{0}", "1-", "2022-",
            "2022-11-", "a.", "a.b[", "a.b['",
        ] {
            let _ = parse(junk);
            let _ = parse_path(junk);
        }
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-02-29"), Ok(Date::constant(2024, 2, 29)));
        insta::assert_snapshot!(parse_date("2023-02-29").unwrap_err(), @"2023-02 has 28 days");
        insta::assert_snapshot!(parse_date("2023-00-01").unwrap_err(), @"there is no month 00");
        insta::assert_snapshot!(parse_date("2023-01-00").unwrap_err(), @"2023-01 has 31 days");
        insta::assert_snapshot!(parse_date("yesterday").unwrap_err(), @"not a date in the form YYYY-MM-DD");
        insta::assert_snapshot!(parse_date("2023-01-0é").unwrap_err(), @"not a date in the form YYYY-MM-DD");
    }

    #[test]
    fn paths_alone() {
        let (raw, span) = parse_path("  asset.extra['Cost centre'] ").unwrap();
        assert_eq!(
            (raw.to_string(), span),
            ("asset.extra[\"Cost centre\"]".to_owned(), 2..28)
        );
        let errors = parse_path("asset.id x").unwrap_err();
        insta::assert_snapshot!(errors[0].message, @"expected the end of the path, found `x`");
        assert_eq!(errors[0].span, 9..10);
        let errors = parse_path("'x'").unwrap_err();
        insta::assert_snapshot!(errors[0].message, @"expected a path such as `asset.id`, found a string");
        let errors = parse_path("and").unwrap_err();
        assert_eq!(errors[0].span, 0..3);
    }
}
