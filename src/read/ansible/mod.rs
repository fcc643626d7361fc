//! Ansible inventories: hosts as assets.
//!
//! Two syntaxes build the same [`Inventory`]: YAML (`all:` with `hosts:`,
//! `vars:` and `children:`, recognised by its shape among the structured
//! files, see [`crate::read::structured::SHAPES`]) and INI (the [`ini`]
//! reader). Both follow Ansible's "How to build your inventory" guide and
//! the `yaml` / `ini` inventory plugins.
//!
//! Each distinct host is one record (a host listed in several groups is one
//! asset, its variables merged), in the order hosts first appear:
//!
//! - `id` and `hostname`: the inventory hostname, spanned where the host is
//!   first listed (for a range such as `cam[01:03].example.org`, the whole
//!   pattern);
//! - `ip`: `ansible_host`, when it is an IP address (a DNS name stays an
//!   extra named `ansible_host`);
//! - every variable under its own name, mapped to asset fields like a
//!   register's headers (synonyms plus `[columns]`, so `[columns] vendor =
//!   ["cctv_make"]` reads `cctv_make=Hikvision` as the vendor); each keeps
//!   the span where it was written, so an inherited group variable points
//!   into that group's `vars`;
//! - `groups`: the groups the host is in, directly or through `children`,
//!   sorted, without `all` (Ansible's `group_names`).
//!
//! Variables are merged with Ansible's precedence: a host's own variables
//! win over its groups' variables; among groups, a child group wins over
//! its parent, and `all` loses to every other group. Groups at the same
//! depth are ordered by `ansible_group_priority` (default 1), then by name,
//! the later winning, as Ansible does. A host listed twice keeps the later
//! value of a variable set twice. Since the id is the inventory hostname, a
//! variable that also means `id` (`asset_tag`) is kept as an extra.
//!
//! A host not in any group but `all` is in `ungrouped`; a group that is no
//! other group's child is a child of `all`. Host ranges (`[01:50]`,
//! `[a:f]`, `[1:9:2]`) are expanded, at most [`MAX_RANGE`] hosts each and
//! [`MAX_EXPANDED`] in a file; a `host:port` pattern sets `ansible_port`.
//! A `children` loop is reported and does not hang the reader.

use std::collections::{HashMap, HashSet};

use crate::diag::Code;
use crate::model::{RawValue, Record};
use crate::read::structured::Lines;
use crate::read::{Event, Hint, Problem};
use crate::source::{Snippet, Span, Spanned};

pub mod ini;

pub use self::ini::AnsibleReader;

/// Most hosts one range pattern may expand to.
pub const MAX_RANGE: u64 = 10_000;

/// Most hosts all the range patterns of one file may expand to.
pub const MAX_EXPANDED: u64 = 100_000;

/// A variable as written: its name and its value, each spanned.
pub(crate) type Var = (Spanned<String>, Spanned<RawValue>);

struct Group {
    name: String,
    /// Where the group is first named.
    name_span: Option<Span>,
    vars: Vec<Var>,
    parents: Vec<usize>,
    children: Vec<usize>,
}

struct Host {
    name: Spanned<String>,
    /// The host's first listing, with its variables.
    span: Span,
    vars: Vec<Var>,
    /// Groups the host is listed in directly.
    groups: Vec<usize>,
}

/// Groups and hosts as an inventory file declares them.
pub(crate) struct Inventory {
    groups: Vec<Group>,
    group_index: HashMap<String, usize>,
    hosts: Vec<Host>,
    host_index: HashMap<String, usize>,
    /// Hosts expanded from ranges so far.
    expanded: u64,
}

/// `all`'s index.
pub(crate) const ALL: usize = 0;
/// `ungrouped`'s index.
pub(crate) const UNGROUPED: usize = 1;

/// One host pattern, expanded: hostnames, and a port if one was given.
pub(crate) struct Pattern {
    pub names: Vec<String>,
    /// `ansible_port`, spanned (relative to the pattern's start).
    pub port: Option<(String, Span)>,
}

impl Inventory {
    pub(crate) fn new() -> Self {
        let mut inv = Inventory {
            groups: Vec::new(),
            group_index: HashMap::new(),
            hosts: Vec::new(),
            host_index: HashMap::new(),
            expanded: 0,
        };
        inv.group("all", None);
        inv.group("ungrouped", None);
        inv.add_child(ALL, UNGROUPED);
        inv
    }

    /// The group named `name`, created if new.
    pub(crate) fn group(&mut self, name: &str, span: Option<Span>) -> usize {
        if let Some(&i) = self.group_index.get(name) {
            if self.groups[i].name_span.is_none() {
                self.groups[i].name_span = span;
            }
            return i;
        }
        let i = self.groups.len();
        self.groups.push(Group {
            name: name.to_string(),
            name_span: span,
            vars: Vec::new(),
            parents: Vec::new(),
            children: Vec::new(),
        });
        self.group_index.insert(name.to_string(), i);
        i
    }

    /// Makes `child` a child of `parent`.
    pub(crate) fn add_child(&mut self, parent: usize, child: usize) {
        if !self.groups[parent].children.contains(&child) {
            self.groups[parent].children.push(child);
            self.groups[child].parents.push(parent);
        }
    }

    /// Adds variables to a group (later ones win).
    pub(crate) fn group_vars(&mut self, group: usize, vars: impl IntoIterator<Item = Var>) {
        self.groups[group].vars.extend(vars);
    }

    /// Lists a host in a group, with its variables (later ones win).
    pub(crate) fn add_host(
        &mut self,
        group: usize,
        name: Spanned<String>,
        span: Span,
        vars: Vec<Var>,
    ) {
        let i = match self.host_index.get(&name.value) {
            Some(&i) => i,
            None => {
                let i = self.hosts.len();
                self.host_index.insert(name.value.clone(), i);
                self.hosts.push(Host {
                    name,
                    span,
                    vars: Vec::new(),
                    groups: Vec::new(),
                });
                i
            }
        };
        let host = &mut self.hosts[i];
        host.vars.extend(vars);
        if !host.groups.contains(&group) {
            host.groups.push(group);
        }
    }

    /// Expands a host pattern written at `span`, counting its hosts against
    /// [`MAX_EXPANDED`]; the error is the label for a problem at `span`.
    pub(crate) fn expand(&mut self, pattern: &str) -> Result<Pattern, String> {
        let p = expand_pattern(pattern, MAX_RANGE)?;
        if p.names.len() > 1 {
            self.expanded += p.names.len() as u64;
            if self.expanded > MAX_EXPANDED {
                return Err(format!(
                    "host ranges in this file expand to more than {MAX_EXPANDED} hosts; this one was not read"
                ));
            }
        }
        Ok(p)
    }

    /// Turns the inventory into one record per host.
    pub(crate) fn emit(mut self, snippet: &Snippet, emit: &mut dyn FnMut(Event)) {
        // Ansible's reconciliation: orphan groups under `all`, lone hosts in
        // `ungrouped`.
        for g in 1..self.groups.len() {
            if self.groups[g].parents.is_empty() {
                self.add_child(ALL, g);
            }
        }
        for h in &mut self.hosts {
            if h.groups.iter().all(|&g| g == ALL) {
                h.groups.push(UNGROUPED);
            }
        }
        let depth = self.depths(snippet, emit);
        let priority: Vec<i64> = self.groups.iter().map(|g| priority(&g.vars)).collect();
        let lines = Lines::new(snippet.text());
        let group_vars: Vec<Vec<&Var>> =
            self.groups.iter().map(|g| last_of_each(&g.vars)).collect();
        for host in &self.hosts {
            let groups = self.ancestors(&host.groups);
            let mut order: Vec<usize> = groups.clone();
            order.sort_by(|&a, &b| {
                (depth[a], priority[a], &self.groups[a].name).cmp(&(
                    depth[b],
                    priority[b],
                    &self.groups[b].name,
                ))
            });
            // Highest precedence first: the mapper keeps the first value of
            // a field.
            let mut merged: Vec<Var> = Vec::new();
            let mut seen: HashSet<&str> = HashSet::new();
            let own = last_of_each(&host.vars);
            let levels = std::iter::once(&own).chain(order.iter().rev().map(|&g| &group_vars[g]));
            for level in levels {
                for &(k, v) in level {
                    if seen.insert(&k.value) {
                        merged.push((k.clone(), v.clone()));
                    }
                }
            }
            let name = &host.name;
            let text = |s: &str| RawValue::Str(s.to_string());
            let mut entries: Vec<Var> = vec![
                (
                    Spanned::new("id".into(), name.span.clone()),
                    Spanned::new(text(&name.value), name.span.clone()),
                ),
                (
                    Spanned::new("hostname".into(), name.span.clone()),
                    Spanned::new(text(&name.value), name.span.clone()),
                ),
            ];
            for (k, v) in merged {
                let address = matches!(&v.value, RawValue::Str(s)
                    if s.trim().parse::<std::net::IpAddr>().is_ok());
                if k.value == "ansible_host" && address {
                    entries.push((Spanned::new("ip".into(), k.span), v));
                } else {
                    entries.push((k, v));
                }
            }
            let mut names: Vec<Spanned<RawValue>> = groups
                .iter()
                .filter(|&&g| g != ALL)
                .map(|&g| {
                    let grp = &self.groups[g];
                    let span = grp.name_span.clone().unwrap_or(name.span.clone());
                    Spanned::new(text(&grp.name), span)
                })
                .collect();
            names.sort_by(|a, b| match (&a.value, &b.value) {
                (RawValue::Str(a), RawValue::Str(b)) => a.cmp(b),
                _ => std::cmp::Ordering::Equal,
            });
            entries.push((
                Spanned::new("groups".into(), name.span.clone()),
                Spanned::new(RawValue::List(names), name.span.clone()),
            ));
            emit(Event::Record(
                Hint::Assets,
                Record {
                    line: lines.line(host.span.start),
                    span: host.span.clone(),
                    entries,
                    snippet: snippet.clone(),
                },
            ));
        }
    }

    /// Each group's depth below `all` (the longest `children` path), by
    /// Kahn's algorithm; groups in a `children` loop are reported.
    fn depths(&self, snippet: &Snippet, emit: &mut dyn FnMut(Event)) -> Vec<usize> {
        let n = self.groups.len();
        let mut depth = vec![0usize; n];
        let mut waiting: Vec<usize> = self.groups.iter().map(|g| g.parents.len()).collect();
        let mut queue: Vec<usize> = (0..n).filter(|&g| waiting[g] == 0).collect();
        let mut done = vec![false; n];
        while let Some(g) = queue.pop() {
            done[g] = true;
            for &c in &self.groups[g].children {
                depth[c] = depth[c].max(depth[g] + 1);
                waiting[c] -= 1;
                if waiting[c] == 0 {
                    queue.push(c);
                }
            }
        }
        let looped: Vec<usize> = (0..n).filter(|&g| !done[g]).collect();
        if let Some(&first) = looped.first() {
            let g = &self.groups[first];
            let names: Vec<&str> = looped
                .iter()
                .map(|&g| self.groups[g].name.as_str())
                .collect();
            emit(Event::Problem(Problem {
                code: Code::MalformedRow,
                dropped: false,
                message: format!("groups {} are their own ancestors", names.join(", ")),
                snippet: snippet.clone(),
                span: g.name_span.clone().unwrap_or(0..0),
                label: format!("`{}` is a child of its own child", g.name),
            }));
        }
        depth
    }

    /// The groups `direct` and all their ancestors, `all` included, each once.
    fn ancestors(&self, direct: &[usize]) -> Vec<usize> {
        let mut seen = vec![false; self.groups.len()];
        let mut out = Vec::new();
        let mut stack: Vec<usize> = direct.iter().copied().chain([ALL]).collect();
        while let Some(g) = stack.pop() {
            if std::mem::replace(&mut seen[g], true) {
                continue;
            }
            out.push(g);
            stack.extend(self.groups[g].parents.iter().copied());
        }
        out
    }
}

/// Each variable's last setting, in file order (a variable set twice
/// keeps its later value).
fn last_of_each(vars: &[Var]) -> Vec<&Var> {
    let mut seen = HashSet::new();
    let mut out: Vec<&Var> = vars
        .iter()
        .rev()
        .filter(|(k, _)| seen.insert(k.value.as_str()))
        .collect();
    out.reverse();
    out
}

/// A group's `ansible_group_priority` (default 1; the last one set wins).
fn priority(vars: &[Var]) -> i64 {
    vars.iter()
        .rev()
        .find(|(k, _)| k.value == "ansible_group_priority")
        .and_then(|(_, v)| match &v.value {
            RawValue::Number(s) | RawValue::Str(s) => s.trim().parse().ok(),
            _ => None,
        })
        .unwrap_or(1)
}

/// Expands a host pattern: ranges (`[01:03]`, `[a:c]`, `[1:9:2]`, possibly
/// several) and a trailing `:port`. At most `max` names; more is an error.
pub(crate) fn expand_pattern(pattern: &str, max: u64) -> Result<Pattern, String> {
    // A port: the one colon outside brackets, followed by digits only (an
    // IPv6 address has several and takes no port here).
    let mut depth = 0i32;
    let mut colons = Vec::new();
    for (i, c) in pattern.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            ':' if depth == 0 => colons.push(i),
            _ => {}
        }
    }
    let (host, port) = match colons[..] {
        [at] => {
            let digits = &pattern[at + 1..];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{digits:?} is not a port number"));
            }
            (
                &pattern[..at],
                Some((digits.to_string(), at + 1..pattern.len())),
            )
        }
        _ => (pattern, None),
    };
    if host.is_empty() {
        return Err("no hostname before the port".into());
    }
    // Split into literal text and ranges.
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut rest = host;
    let mut total: u64 = 1;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let inner = &rest[open + 1..close];
        if !inner.contains(':') {
            // Not a range (Ansible leaves it as written).
            parts.push(vec![rest[..close + 1].to_string()]);
            rest = &rest[close + 1..];
            continue;
        }
        parts.push(vec![rest[..open].to_string()]);
        let seq = range(inner, max)?;
        total = total.saturating_mul(seq.len() as u64);
        if total > max {
            return Err(format!("this pattern expands to more than {max} hosts"));
        }
        parts.push(seq);
        rest = &rest[close + 1..];
    }
    parts.push(vec![rest.to_string()]);
    let mut names = vec![String::new()];
    for part in parts {
        if part.len() == 1 {
            names.iter_mut().for_each(|n| n.push_str(&part[0]));
            continue;
        }
        names = names
            .iter()
            .flat_map(|n| part.iter().map(move |p| format!("{n}{p}")))
            .collect();
    }
    Ok(Pattern { names, port })
}

/// One range's items: `beg:end` or `beg:end:step`, numbers (zero-padded
/// when `beg` is) or single letters, as Ansible's `expand_hostname_range`.
fn range(inner: &str, max: u64) -> Result<Vec<String>, String> {
    let bounds: Vec<&str> = inner.split(':').collect();
    let (beg, end, step) = match bounds[..] {
        [b, e] => (b, e, "1"),
        [b, e, s] => (b, e, s),
        _ => return Err("a host range is [begin:end] or [begin:end:step]".into()),
    };
    let beg = if beg.is_empty() { "0" } else { beg };
    if end.is_empty() {
        return Err("a host range needs an end value".into());
    }
    let step: u64 = match step.parse() {
        Ok(s) if s > 0 => s,
        _ => return Err(format!("{step:?} is not a range step (a number above 0)")),
    };
    const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let letter = |s: &str| (s.len() == 1).then(|| LETTERS.find(s)).flatten();
    if let (Some(b), Some(e)) = (letter(beg), letter(end)) {
        if b > e {
            return Err("a host range must have begin <= end".into());
        }
        return Ok(LETTERS[b..=e]
            .chars()
            .step_by(step as usize)
            .map(String::from)
            .collect());
    }
    let width = if beg.len() > 1 && beg.starts_with('0') {
        if beg.len() != end.len() {
            return Err("a zero-padded host range needs begin and end of equal length".into());
        }
        beg.len()
    } else {
        0
    };
    let (Ok(b), Ok(e)) = (beg.parse::<u64>(), end.parse::<u64>()) else {
        return Err(format!("[{inner}] is not a range of numbers or letters"));
    };
    if b > e {
        return Err("a host range must have begin <= end".into());
    }
    let count = (e - b) / step + 1;
    if count > max {
        return Err(format!(
            "this range expands to {count} hosts, more than {max}"
        ));
    }
    Ok((0..count)
        .map(|i| format!("{:0width$}", b + i * step))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn names(p: &str) -> Vec<String> {
        expand_pattern(p, MAX_RANGE).unwrap().names
    }

    #[test]
    fn ranges() {
        assert_eq!(
            names("cam[01:03].example.org"),
            [
                "cam01.example.org",
                "cam02.example.org",
                "cam03.example.org"
            ]
        );
        assert_eq!(names("db-[a:c]"), ["db-a", "db-b", "db-c"]);
        assert_eq!(names("n[1:9:4]"), ["n1", "n5", "n9"]);
        assert_eq!(names("r[:2]"), ["r0", "r1", "r2"]);
        assert_eq!(names("[1:2]-[a:b]"), ["1-a", "1-b", "2-a", "2-b"]);
        assert_eq!(names("plain.example.org"), ["plain.example.org"]);
        assert_eq!(names("x[y]z"), ["x[y]z"]);
        for bad in [
            "c[01:1]",
            "c[3:1]",
            "c[1:]",
            "c[1:2:0]",
            "c[1:2:3:4]",
            "c[a:9]",
        ] {
            assert!(expand_pattern(bad, MAX_RANGE).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_are_bounded() {
        assert_eq!(names("h[0:9999]").len(), 10_000);
        let e = expand_pattern("h[0:10000]", MAX_RANGE).err().unwrap();
        assert!(e.contains("10001 hosts"), "{e}");
        // Each range is small, their product is not.
        assert!(expand_pattern("h[0:999][0:999]", MAX_RANGE).is_err());
        // A huge end is refused before anything is built.
        assert!(expand_pattern("h[0:99999999999999]", MAX_RANGE).is_err());
    }

    #[test]
    fn ports() {
        let p = expand_pattern("badwolf.example.com:5309", MAX_RANGE).unwrap();
        assert_eq!(p.names, ["badwolf.example.com"]);
        assert_eq!(p.port, Some(("5309".into(), 20..24)));
        let p = expand_pattern("fe80::1", MAX_RANGE).unwrap();
        assert_eq!((p.names[0].as_str(), p.port), ("fe80::1", None));
        assert!(expand_pattern("h:ssh", MAX_RANGE).is_err());
    }

    fn var(k: &str, v: &str) -> Var {
        (
            Spanned::new(k.into(), 0..0),
            Spanned::new(RawValue::Str(v.into()), 0..0),
        )
    }

    /// The emitted record's entries as (key, text) pairs.
    fn records(inv: Inventory) -> Vec<Vec<(String, String)>> {
        let snippet = Snippet::whole("t".into(), Arc::from(""));
        let mut out = Vec::new();
        inv.emit(&snippet, &mut |e| {
            if let Event::Record(_, r) = e {
                out.push(
                    r.entries
                        .into_iter()
                        .map(|(k, v)| {
                            let v = match v.value {
                                RawValue::Str(s) => s,
                                RawValue::List(l) => l
                                    .into_iter()
                                    .map(|i| format!("{:?}", i.value))
                                    .collect::<Vec<_>>()
                                    .join(","),
                                other => format!("{other:?}"),
                            };
                            (k.value, v)
                        })
                        .collect(),
                );
            }
        });
        out
    }

    fn get<'a>(r: &'a [(String, String)], k: &str) -> Option<&'a str> {
        r.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn precedence() {
        let mut inv = Inventory::new();
        let uk = inv.group("uk", None);
        let london = inv.group("london", None);
        let cameras = inv.group("cameras", None);
        inv.add_child(uk, london);
        inv.group_vars(
            ALL,
            [
                var("vendor", "all"),
                var("site", "all"),
                var("owner", "all"),
            ],
        );
        inv.group_vars(uk, [var("vendor", "uk"), var("site", "uk")]);
        inv.group_vars(london, [var("vendor", "london")]);
        inv.group_vars(cameras, [var("kind", "camera")]);
        let name = |n: &str| Spanned::new(n.to_string(), 0..0);
        inv.add_host(london, name("cam1"), 0..0, vec![]);
        inv.add_host(
            cameras,
            name("cam1"),
            0..0,
            vec![var("model", "a"), var("model", "b")],
        );
        inv.add_host(uk, name("cam2"), 0..0, vec![var("vendor", "host")]);
        inv.add_host(ALL, name("lone"), 0..0, vec![]);
        let r = records(inv);
        assert_eq!(r.len(), 3, "cam1 is one asset though listed twice");
        assert_eq!(get(&r[0], "vendor"), Some("london"), "child over parent");
        assert_eq!(get(&r[0], "site"), Some("uk"), "parent over all");
        assert_eq!(get(&r[0], "owner"), Some("all"));
        assert_eq!(get(&r[0], "kind"), Some("camera"), "vars of both groups");
        assert_eq!(get(&r[0], "model"), Some("b"), "the later value wins");
        assert_eq!(
            get(&r[0], "groups"),
            Some(r#"Str("cameras"),Str("london"),Str("uk")"#)
        );
        assert_eq!(get(&r[1], "vendor"), Some("host"), "host over groups");
        assert_eq!(get(&r[2], "groups"), Some(r#"Str("ungrouped")"#));
        // The highest-precedence value comes first, for the mapper.
        assert_eq!(r[0].iter().filter(|(k, _)| k == "vendor").count(), 1);
    }

    #[test]
    fn same_depth_by_priority_then_name() {
        let mut inv = Inventory::new();
        let a = inv.group("a", None);
        let b = inv.group("b", None);
        inv.group_vars(a, [var("vendor", "a")]);
        inv.group_vars(b, [var("vendor", "b")]);
        let name = |n: &str| Spanned::new(n.to_string(), 0..0);
        inv.add_host(a, name("h"), 0..0, vec![]);
        inv.add_host(b, name("h"), 0..0, vec![]);
        assert_eq!(get(&records(inv)[0], "vendor"), Some("b"));

        let mut inv = Inventory::new();
        let a = inv.group("a", None);
        let b = inv.group("b", None);
        inv.group_vars(a, [var("vendor", "a"), var("ansible_group_priority", "10")]);
        inv.group_vars(b, [var("vendor", "b")]);
        inv.add_host(a, name("h"), 0..0, vec![]);
        inv.add_host(b, name("h"), 0..0, vec![]);
        assert_eq!(get(&records(inv)[0], "vendor"), Some("a"));
    }

    #[test]
    fn ansible_host_is_the_ip_only_when_an_address() {
        let mut inv = Inventory::new();
        let name = |n: &str| Spanned::new(n.to_string(), 0..0);
        inv.add_host(ALL, name("a"), 0..0, vec![var("ansible_host", "10.0.0.5")]);
        inv.add_host(
            ALL,
            name("b"),
            0..0,
            vec![var("ansible_host", "b.example.org")],
        );
        let r = records(inv);
        assert_eq!(get(&r[0], "ip"), Some("10.0.0.5"));
        assert_eq!(get(&r[1], "ip"), None);
        assert_eq!(get(&r[1], "ansible_host"), Some("b.example.org"));
        assert_eq!(get(&r[1], "id"), Some("b"));
    }

    #[test]
    fn children_loops_are_reported() {
        let mut inv = Inventory::new();
        let a = inv.group("a", Some(0..1));
        let b = inv.group("b", None);
        inv.add_child(a, b);
        inv.add_child(b, a);
        inv.add_host(b, Spanned::new("h".into(), 0..0), 0..0, vec![]);
        let snippet = Snippet::whole("t".into(), Arc::from("a"));
        let mut problems = 0;
        let mut hosts = 0;
        inv.emit(&snippet, &mut |e| match e {
            Event::Problem(p) => {
                assert!(p.message.contains("own ancestors"), "{}", p.message);
                problems += 1;
            }
            Event::Record(..) => hosts += 1,
        });
        assert_eq!((problems, hosts), (1, 1));
    }
}
