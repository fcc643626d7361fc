//! Ansible INI inventories, as the `ini` inventory plugin reads them.
//!
//! ```ini
//! mail.example.com                  # before any section: group `ungrouped`
//! [cameras]                         # a group and its hosts
//! cam[01:03].example.org vendor=Axis model="P3245 LV"
//! [cameras:vars]                    # the group's variables
//! kind=camera
//! [london:children]                 # child groups
//! cameras
//! ```
//!
//! - Lines are trimmed; blank lines and lines starting with `#` or `;` are
//!   skipped.
//! - `[name]` (or `[name:hosts]`) starts a group's hosts, `[name:vars]` its
//!   variables, `[name:children]` its child groups; a `#` comment may follow
//!   the header.
//! - A host line is a host pattern (see [`super::expand_pattern`]: ranges,
//!   `:port`) and `key=value` variables, split like a shell would
//!   (`model="P3245 LV"`, `'…'`, `\ ` escapes; a `#` outside quotes starts a
//!   comment).
//! - A `:vars` line is `key=value`, split at the first `=`; a value in
//!   quotes is the text inside them, any other value is the whole rest of
//!   the line, as Ansible reads it (so a trailing `# …` is part of it).
//! - A `:children` line is one group name.
//!
//! Every value is text, spanned inside its quotes when quoted. A line that
//! does not read (a host variable without `=`, an unknown section type, an
//! unclosed quote, a bad range) is one [`Code::MalformedRow`] at it, and the
//! rest of the file is read; so is a `[name:vars]` for a group the file
//! never defines. Hosts become records as the [module docs](super) say.

use std::collections::HashSet;
use std::io::BufRead;
use std::sync::Arc;

use super::{Inventory, Var, UNGROUPED};
use crate::diag::Code;
use crate::model::RawValue;
use crate::read::structured::read_text;
use crate::read::{Event, Problem, Reader};
use crate::source::{Snippet, Span, Spanned};

/// Ansible INI inventories.
pub struct AnsibleReader;

impl Reader for AnsibleReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        let Some((text, snippet)) = read_text(&name, input, emit)? else {
            return Ok(());
        };
        let inventory = parse(&text, &snippet, emit);
        inventory.emit(&snippet, emit);
        Ok(())
    }
}

/// What the lines under a section header are.
#[derive(Clone, Copy)]
enum State {
    Hosts(usize),
    Vars(usize),
    Children(usize),
    /// Under a header that did not read.
    Skip,
}

/// Reads the inventory, emitting a problem per bad line.
fn parse(text: &str, snippet: &Snippet, emit: &mut dyn FnMut(Event)) -> Inventory {
    let mut inv = Inventory::new();
    let mut state = State::Hosts(UNGROUPED);
    let mut declared: HashSet<String> = HashSet::new();
    let mut vars_headers: Vec<(String, Span)> = Vec::new();
    let mut problem = |span: Span, message: String, label: String, dropped: bool| {
        emit(Event::Problem(Problem {
            code: Code::MalformedRow,
            dropped,
            message,
            snippet: snippet.clone(),
            span,
            label,
        }));
    };
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let at = offset;
        offset += raw.len();
        let line = raw.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        let start = at + (raw.len() - raw.trim_start().len());
        let span = start..start + line.len();
        if line.starts_with('[') {
            match header(line) {
                Some(Ok((name, kind))) => {
                    let name_span = start + 1..start + 1 + name.len();
                    let kind = kind.unwrap_or("hosts");
                    state = match kind {
                        "hosts" | "children" => {
                            declared.insert(name.to_string());
                            let g = inv.group(name, Some(name_span));
                            if kind == "hosts" {
                                State::Hosts(g)
                            } else {
                                State::Children(g)
                            }
                        }
                        "vars" => {
                            vars_headers.push((name.to_string(), name_span));
                            State::Vars(inv.group(name, None))
                        }
                        other => {
                            let k = start + 2 + name.len();
                            problem(
                                k..k + other.len(),
                                format!("section [{name}:{other}] has an unknown type"),
                                "expected `vars` or `children` here; the lines under it were not read".into(),
                                false,
                            );
                            State::Skip
                        }
                    };
                    continue;
                }
                Some(Err(())) => {
                    problem(
                        span,
                        "this section header does not read".into(),
                        "expected [group], [group:vars] or [group:children], without spaces; the lines under it were not read".into(),
                        false,
                    );
                    state = State::Skip;
                    continue;
                }
                None => {}
            }
        }
        match state {
            State::Skip => {}
            State::Children(g) => {
                let name = line.split('#').next().unwrap_or("").trim_end();
                if name.is_empty() || name.contains([':', ']', ' ', '\t']) {
                    problem(
                        span,
                        "a `:children` line is not a group name".into(),
                        "expected one group name here".into(),
                        false,
                    );
                    continue;
                }
                declared.insert(name.to_string());
                let child = inv.group(name, Some(start..start + name.len()));
                inv.add_child(g, child);
            }
            State::Vars(g) => match var_line(line, start) {
                Ok(var) => inv.group_vars(g, [var]),
                Err((span, label)) => problem(
                    span,
                    "a group variable line is not `key=value`".into(),
                    label,
                    false,
                ),
            },
            State::Hosts(g) => host_line(&mut inv, g, line, start, &mut problem),
        }
    }
    for (name, span) in vars_headers {
        // `all` and `ungrouped` exist without a section.
        if !declared.contains(&name) && !matches!(name.as_str(), "all" | "ungrouped") {
            problem(
                span,
                format!("[{name}:vars] is for a group this file never defines"),
                format!("no [{name}] section, and no [..:children] lists `{name}`"),
                false,
            );
        }
    }
    inv
}

/// A section header: `Some(Ok((name, kind)))`, `Some(Err)` for a line
/// that looks like one but does not read, `None` for a host line that
/// starts with `[`. The pattern is Ansible's
/// `^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:\#.*)?$`.
fn header(line: &str) -> Option<Result<(&str, Option<&str>), ()>> {
    let parsed = (|| {
        let body = line.strip_prefix('[')?;
        let end = body.find([':', ']', ' ', '\t']).unwrap_or(body.len());
        let name = &body[..end];
        if name.is_empty() {
            return None;
        }
        let mut rest = &body[end..];
        let mut kind = None;
        if let Some(r) = rest.strip_prefix(':') {
            let k = r
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(r.len());
            if k == 0 {
                return None;
            }
            kind = Some(&r[..k]);
            rest = &r[k..];
        }
        let rest = rest.strip_prefix(']')?.trim_start();
        (rest.is_empty() || rest.starts_with('#')).then_some((name, kind))
    })();
    match parsed {
        Some(p) => Some(Ok(p)),
        None if line
            .split('#')
            .next()
            .unwrap_or("")
            .trim_end()
            .ends_with(']') =>
        {
            Some(Err(()))
        }
        None => None,
    }
}

/// One host line: a pattern and `key=value` variables.
fn host_line(
    inv: &mut Inventory,
    group: usize,
    line: &str,
    start: usize,
    problem: &mut dyn FnMut(Span, String, String, bool),
) {
    let tokens = match tokens(line, start) {
        Ok(t) => t,
        Err(at) => {
            problem(
                at..start + line.len(),
                "a quote is not closed".into(),
                "this quote runs to the end of the line; the line was not read".into(),
                true,
            );
            return;
        }
    };
    let Some((first, rest)) = tokens.split_first() else {
        return;
    };
    let pattern: String = first.chars.iter().map(|(c, _)| c).collect();
    let mut vars: Vec<Var> = Vec::new();
    for t in rest {
        match t.split(line, start) {
            Some(var) => vars.push(var),
            None => problem(
                t.span.clone(),
                "a host variable is not `key=value`".into(),
                "expected `key=value` here; the host's other variables were read".into(),
                false,
            ),
        }
    }
    let p = match inv.expand(&pattern) {
        Ok(p) => p,
        Err(label) => {
            problem(
                first.span.clone(),
                format!("the host pattern {pattern:?} does not read"),
                label,
                true,
            );
            return;
        }
    };
    let host_end = p
        .port
        .as_ref()
        .map_or(first.span.end, |(_, s)| first.span.start + s.start - 1);
    if let Some((port, s)) = p.port {
        let s = first.span.start + s.start..first.span.start + s.end;
        vars.insert(
            0,
            (
                Spanned::new("ansible_port".into(), s.clone()),
                Spanned::new(RawValue::Str(port), s),
            ),
        );
    }
    let name_span = first.span.start..host_end;
    let record_span = first.span.start..tokens.last().map_or(first.span.end, |t| t.span.end);
    for name in p.names {
        inv.add_host(
            group,
            Spanned::new(name, name_span.clone()),
            record_span.clone(),
            vars.clone(),
        );
    }
}

/// A shell-split word: its characters with their byte offsets, and its
/// span as written (quotes included).
struct Token {
    chars: Vec<(char, usize)>,
    span: Span,
}

impl Token {
    /// `key=value`, split at the first `=`, in `line` (which starts at
    /// byte `base`): the value spanned inside its quotes when it is one
    /// quoted string as written.
    fn split(&self, line: &str, base: usize) -> Option<Var> {
        let eq = self.chars.iter().position(|&(c, _)| c == '=')?;
        if eq == 0 {
            return None;
        }
        let key: String = self.chars[..eq].iter().map(|(c, _)| c).collect();
        let value: String = self.chars[eq + 1..].iter().map(|(c, _)| c).collect();
        let eq_at = self.chars[eq].1;
        let key_span = self.span.start..eq_at;
        let mut value_span = eq_at + 1..self.span.end;
        let raw = line
            .get(value_span.start - base..value_span.end - base)
            .unwrap_or("");
        if let Some(q @ ('"' | '\'')) = raw.chars().next() {
            let inner = &raw[1..];
            if inner.find(q) == Some(inner.len() - 1) {
                value_span = value_span.start + 1..value_span.end - 1;
            }
        }
        Some((
            Spanned::new(key, key_span),
            Spanned::new(RawValue::Str(value), value_span),
        ))
    }
}

/// Splits a line like Python's `shlex.split(line, comments=True)`; the
/// error is where an unclosed quote opens.
fn tokens(line: &str, base: usize) -> Result<Vec<Token>, usize> {
    let mut out: Vec<Token> = Vec::new();
    let mut cur: Option<Token> = None;
    let mut quote: Option<(char, usize)> = None;
    let mut it = line.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let at = base + i;
        if let Some((q, _)) = quote {
            let tok = cur.get_or_insert_with(|| Token {
                chars: Vec::new(),
                span: at..at,
            });
            if c == q {
                quote = None;
            } else if q == '"' && c == '\\' && matches!(it.peek(), Some((_, '"' | '\\'))) {
                let (j, d) = it.next().unwrap_or((i, c));
                tok.chars.push((d, base + j));
            } else {
                tok.chars.push((c, at));
            }
            tok.span.end = at + c.len_utf8();
            continue;
        }
        if c.is_whitespace() {
            out.extend(cur.take());
            continue;
        }
        if c == '#' {
            break;
        }
        let tok = cur.get_or_insert_with(|| Token {
            chars: Vec::new(),
            span: at..at,
        });
        match c {
            '"' | '\'' => quote = Some((c, at)),
            '\\' => {
                if let Some((j, d)) = it.next() {
                    tok.chars.push((d, base + j));
                    tok.span.end = base + j + d.len_utf8();
                    continue;
                }
            }
            _ => tok.chars.push((c, at)),
        }
        tok.span.end = at + c.len_utf8();
    }
    if let Some((_, at)) = quote {
        return Err(at);
    }
    out.extend(cur);
    Ok(out)
}

/// A `:vars` line: `key=value`, split at the first `=`.
fn var_line(line: &str, start: usize) -> Result<Var, (Span, String)> {
    let Some(eq) = line.find('=') else {
        return Err((
            start..start + line.len(),
            "expected `key=value` here".into(),
        ));
    };
    let key = line[..eq].trim_end();
    if key.is_empty() {
        return Err((start..start + eq + 1, "no variable name before `=`".into()));
    }
    let after = &line[eq + 1..];
    let lead = after.len() - after.trim_start().len();
    let v = after.trim();
    let vstart = start + eq + 1 + lead;
    let (value, span) = match v.chars().next() {
        Some(q @ ('"' | '\'')) => match v[1..].find(q) {
            Some(close) => (&v[1..1 + close], vstart + 1..vstart + 1 + close),
            None => (v, vstart..vstart + v.len()),
        },
        _ => (v, vstart..vstart + v.len()),
    };
    Ok((
        Spanned::new(key.to_string(), start..start + key.len()),
        Spanned::new(RawValue::Str(value.to_string()), span),
    ))
}

/// Whether a file's first bytes look like an INI inventory: host lines
/// (`name` or `name key=value …`), `[g:vars]` / `[g:children]` headers
/// outweigh what looks like any other INI file (`key = value` under a
/// section) or an `/etc/hosts` table (`address name`). A head with
/// nothing either way is taken as an inventory when the file has a
/// conventional inventory name (`named`: `hosts`, `inventory`), or when
/// the head is all comments (inventories often open with a long comment
/// block, as Ansible's default `/etc/ansible/hosts` does).
pub fn sniff(named: bool, head: &[u8]) -> bool {
    let full = head.len() as u64 >= crate::read::HEAD_LEN;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let mut lines: Vec<&str> = text.lines().collect();
    if full && !text.ends_with('\n') {
        lines.pop();
    }
    let (mut good, mut bad) = (0, 0);
    let mut hosts = true;
    let mut only_comments = true;
    for line in lines {
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        only_comments = false;
        if let Some(Ok((_, kind))) = header(line) {
            hosts = kind.is_none_or(|k| k == "hosts");
            if matches!(kind, Some("vars" | "children")) {
                good += 1;
            }
            continue;
        }
        if !hosts {
            continue;
        }
        let mut words = line.split('#').next().unwrap_or("").split_whitespace();
        let first = words.next().unwrap_or("");
        let rest: Vec<&str> = words.collect();
        let hostlike = !first.is_empty()
            && first
                .chars()
                .all(|c| c.is_alphanumeric() || "-._:[]".contains(c));
        if hostlike && rest.iter().all(|w| w.find('=').is_some_and(|i| i > 0)) {
            good += 1;
        } else {
            bad += 1;
        }
    }
    if named || (full && only_comments) {
        good >= bad
    } else {
        good > bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<crate::model::Record>, Vec<Problem>) {
        let mut records = Vec::new();
        let mut problems = Vec::new();
        AnsibleReader
            .read("t.ini".into(), &mut text.as_bytes(), &mut |e| match e {
                Event::Record(_, r) => records.push(r),
                Event::Problem(p) => problems.push(p),
            })
            .unwrap();
        (records, problems)
    }

    fn value<'a>(text: &'a str, r: &crate::model::Record, key: &str) -> Option<&'a str> {
        r.entries
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| &text[v.span.clone()])
    }

    #[test]
    fn hosts_groups_vars_and_spans() {
        let text = "\
mail.example.com
[cameras]
cam[01:02].example.org model=\"P3245 LV\" # comment
nvr1 ansible_host=10.0.0.9
[cameras:vars]
vendor = \"Axis\"
kind=camera
[london:children]
cameras
[nvrs]
nvr1 kind=nvr
";
        let (r, p) = read(text);
        assert!(p.is_empty(), "{p:?}");
        let ids: Vec<&str> = r
            .iter()
            .map(|r| match &r.entries[0].1.value {
                RawValue::Str(s) => s.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(
            ids,
            [
                "mail.example.com",
                "cam01.example.org",
                "cam02.example.org",
                "nvr1"
            ]
        );
        assert_eq!(value(text, &r[1], "id"), Some("cam[01:02].example.org"));
        assert_eq!(value(text, &r[1], "model"), Some("P3245 LV"));
        assert_eq!(value(text, &r[1], "vendor"), Some("Axis"));
        assert_eq!(value(text, &r[3], "ip"), Some("10.0.0.9"));
        // nvr1's own `kind=nvr` wins over the cameras group's.
        assert_eq!(value(text, &r[3], "kind"), Some("nvr"));
        let kinds = r[3]
            .entries
            .iter()
            .filter(|(k, _)| k.value == "kind")
            .count();
        assert_eq!(kinds, 1);
        assert_eq!(value(text, &r[0], "groups"), Some("mail.example.com"));
    }

    #[test]
    fn bad_lines_are_problems_and_the_rest_is_read() {
        let text = "\
[cameras]
cam1 vendor
cam2 model=\"unclosed
cam[9:1]
cam3
[cameras:bogus]
x
[bad header]
y
[ghost:vars]
a=b
[cameras:vars]
novalue
";
        let (r, p) = read(text);
        let at: Vec<&str> = p.iter().map(|p| &text[p.span.clone()]).collect();
        assert_eq!(
            at,
            [
                "vendor",
                "\"unclosed",
                "cam[9:1]",
                "bogus",
                "[bad header]",
                "novalue",
                "ghost"
            ]
        );
        assert!(p.iter().all(|p| p.code == Code::MalformedRow));
        let n: Vec<usize> = r.iter().map(|r| r.line).collect();
        assert_eq!(n, [2, 5], "cam1 (without the bad variable) and cam3");
    }

    #[test]
    fn port_and_escapes() {
        let text = "[g]\nbadwolf.example.com:5309 note='a b' path=a\\ b q=\"x\"y\n";
        let (r, p) = read(text);
        assert!(p.is_empty());
        assert_eq!(value(text, &r[0], "id"), Some("badwolf.example.com"));
        assert_eq!(value(text, &r[0], "ansible_port"), Some("5309"));
        assert_eq!(value(text, &r[0], "note"), Some("a b"));
        let path = r[0]
            .entries
            .iter()
            .find(|(k, _)| k.value == "path")
            .unwrap();
        assert_eq!(path.1.value, RawValue::Str("a b".into()));
        assert_eq!(
            value(text, &r[0], "q"),
            Some("\"x\"y"),
            "not one quoted string"
        );
    }

    #[test]
    fn recognition() {
        let inventory = b"# CCTV\n[cameras]\ncam01 vendor=Axis\n[cameras:vars]\nkind=camera\n";
        assert!(sniff(false, inventory));
        assert!(sniff(false, b"mail.example.com\n[web]\nfoo.example.com\n"));
        // Other INI files.
        assert!(!sniff(false, b"[tox]\nenvlist = py3\nskipsdist = true\n"));
        assert!(!sniff(
            false,
            b"[Unit]\nDescription=x\nAfter=network.target\n"
        ));
        assert!(!sniff(false, b"[PHP]\n; lots of comments\n"));
        // An /etc/hosts table, even under the name `hosts`.
        assert!(!sniff(
            true,
            b"127.0.0.1 localhost\n::1 localhost ip6-localhost\n"
        ));
        // A conventional name with only comments in its head.
        assert!(sniff(
            true,
            b"# This is the default ansible 'hosts' file.\n"
        ));
        assert!(!sniff(false, b"# only comments\n"));
        let line = b"# a long comment block\n";
        let mut long = line.repeat(crate::read::HEAD_LEN as usize / line.len() + 1);
        assert!(!sniff(false, &long[..100]));
        long.truncate(crate::read::HEAD_LEN as usize);
        assert!(sniff(false, &long), "a head of comments only");
        // One bad line among good ones.
        assert!(sniff(false, b"[g]\na x=1\nb y\nc z=2\n"));
    }
}

#[cfg(test)]
mod detection {
    use crate::read::Format;

    #[test]
    fn by_name_extension_and_content() {
        let inv = b"[cameras]\ncam01 vendor=Axis\n";
        for path in ["inventory.ini", "deploy/hosts", "site.d/inventory", "HOSTS"] {
            assert_eq!(Format::detect(path, inv), Some(Format::Ansible), "{path}");
        }
        assert_eq!(Format::detect("tox.ini", b"[tox]\nenvlist = py3\n"), None);
        assert_eq!(Format::detect("etc/hosts", b"127.0.0.1 localhost\n"), None);
        // Other names without a dot are not inventories, whatever they hold.
        assert_eq!(Format::detect("README", inv), None);
        assert_eq!(Format::detect("csv", b"a,b\n"), None);
        assert_eq!(Format::detect("a.b/register.csv", b""), Some(Format::Csv));
        assert_eq!(Format::from_name("ansible"), Some(Format::Ansible));
    }

    #[test]
    fn a_walk_opens_only_inventory_names() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["README", "hosts"] {
            std::fs::write(dir.path().join(name), "[g]\nh\n").unwrap();
        }
        assert!(crate::read::head(&dir.path().join("README")).is_empty());
        assert_eq!(crate::read::head(&dir.path().join("hosts")), b"[g]\nh\n");
    }
}
