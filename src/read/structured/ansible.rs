//! Ansible YAML inventories (the `yaml` inventory plugin's shape):
//!
//! ```yaml
//! all:
//!   vars: {owner: estates}
//!   hosts:
//!     mail.example.com:
//!   children:
//!     cameras:
//!       hosts:
//!         cam[01:03].example.org: {vendor: Axis}
//!       vars: {kind: camera}
//!       children: {…}
//! ```
//!
//! Recognised when the top-level map has a group (`all` or any name) whose
//! value is a map with `hosts`, `vars` or `children`, and every top-level
//! value is such a map or null (a group with nothing in it); `assets:` or
//! `sites:` that is not such a group, or a top-level list, means a generic
//! asset file, never an inventory. Top-level groups other than `all`
//! are children of `all`, as Ansible reads them.
//!
//! `hosts` maps hostnames (or patterns: ranges, `:port`) to their variables
//! or null; `vars` maps names to values (any YAML, spanned as parsed);
//! `children` maps group names to groups of the same shape, or null. A
//! group named in several places is one group; a host listed in several
//! groups is one asset. A value of the wrong kind (a `hosts` list, a host
//! written without its colon so it reads as text) is a
//! [`Code::MalformedRow`] at it; another key in a group is an
//! [`Code::InvalidValue`] warning, skipped, as Ansible warns. Records are
//! built as [`crate::read::ansible`] says.

use crate::diag::Code;
use crate::model::RawValue;
use crate::read::ansible::{Inventory, Var, ALL};
use crate::read::{Event, Problem};
use crate::source::{Snippet, Spanned};

const KEYS: [&str; 3] = ["hosts", "vars", "children"];

/// Whether the tree is an Ansible inventory (see the module docs).
pub(super) fn recognise(root: &RawValue) -> bool {
    let RawValue::Map(entries) = root else {
        return false;
    };
    let group_like = |v: &RawValue| match v {
        RawValue::Map(m) => m.iter().any(|(k, _)| KEYS.contains(&k.value.as_str())),
        _ => false,
    };
    // `assets:` / `sites:` are a generic file's keys unless they hold a
    // group (a list under them fails the test below anyway).
    entries.iter().all(|(k, v)| match &v.value {
        RawValue::Null => !matches!(k.value.as_str(), "assets" | "sites"),
        v @ RawValue::Map(_) => group_like(v) || !matches!(k.value.as_str(), "assets" | "sites"),
        _ => false,
    }) && entries
        .iter()
        .any(|(k, v)| group_like(&v.value) || (k.value == "all" && v.value == RawValue::Null))
}

/// Turns an inventory tree into one record per host.
pub(super) fn emit(snippet: &Snippet, root: Spanned<RawValue>, emit: &mut dyn FnMut(Event)) {
    let RawValue::Map(entries) = root.value else {
        return;
    };
    let mut inv = Inventory::new();
    let mut reader = Groups {
        snippet,
        emit,
        inv: &mut inv,
    };
    for (name, value) in entries {
        let g = reader.inv.group(&name.value, Some(name.span.clone()));
        if g != ALL {
            reader.inv.add_child(ALL, g);
        }
        reader.group(&name, g, value);
    }
    inv.emit(snippet, emit);
}

struct Groups<'a, 'e> {
    snippet: &'a Snippet,
    emit: &'a mut (dyn FnMut(Event) + 'e),
    inv: &'a mut Inventory,
}

impl Groups<'_, '_> {
    fn problem(&mut self, code: Code, span: crate::source::Span, message: String, label: &str) {
        (self.emit)(Event::Problem(Problem {
            code,
            dropped: false,
            message,
            snippet: self.snippet.clone(),
            span,
            label: label.into(),
        }));
    }

    /// Reads one group's map (recursion is bounded by the parser's depth
    /// limit).
    fn group(&mut self, name: &Spanned<String>, g: usize, value: Spanned<RawValue>) {
        let entries = match value.value {
            RawValue::Null => return,
            RawValue::Map(entries) => entries,
            _ => {
                return self.problem(
                    Code::MalformedRow,
                    value.span,
                    format!("group `{}` is not a map", name.value),
                    "expected `hosts:`, `vars:` or `children:` under the group",
                )
            }
        };
        for (key, value) in entries {
            let span = value.span.clone();
            match (key.value.as_str(), value.value) {
                (_, RawValue::Null) if KEYS.contains(&key.value.as_str()) => {}
                ("hosts", RawValue::Map(hosts)) => {
                    for (host, vars) in hosts {
                        self.host(g, host, vars);
                    }
                }
                ("vars", RawValue::Map(vars)) => self.inv.group_vars(g, vars),
                ("children", RawValue::Map(children)) => {
                    for (child, value) in children {
                        let c = self.inv.group(&child.value, Some(child.span.clone()));
                        self.inv.add_child(g, c);
                        self.group(&child, c, value);
                    }
                }
                ("hosts" | "vars" | "children", other) => {
                    let what = match other {
                        RawValue::List(_) => "a list",
                        _ => "text",
                    };
                    let label = match key.value.as_str() {
                        "hosts" => "expected hostnames, each followed by `:`, one per line",
                        "vars" => "expected `name: value` lines",
                        _ => "expected group names, each followed by `:`, one per line",
                    };
                    self.problem(
                        Code::MalformedRow,
                        span,
                        format!(
                            "`{}` of group `{}` is {what}, not a map",
                            key.value, name.value
                        ),
                        label,
                    );
                }
                _ => self.problem(
                    Code::InvalidValue,
                    key.span,
                    format!(
                        "group `{}` has a key `{}` that inventories do not have",
                        name.value, key.value
                    ),
                    "only `hosts`, `vars` and `children` are read; this was skipped",
                ),
            }
        }
    }

    fn host(&mut self, g: usize, host: Spanned<String>, vars: Spanned<RawValue>) {
        let mut record_span = host.span.start..host.span.end.max(vars.span.end);
        let mut list: Vec<Var> = match vars.value {
            RawValue::Map(v) => v,
            RawValue::Null => {
                record_span = host.span.clone();
                Vec::new()
            }
            _ => {
                self.problem(
                    Code::MalformedRow,
                    vars.span,
                    format!("the variables of host `{}` are not a map", host.value),
                    "expected `name: value` lines; the host was read without them",
                );
                record_span = host.span.clone();
                Vec::new()
            }
        };
        let p = match self.inv.expand(&host.value) {
            Ok(p) => p,
            Err(label) => {
                (self.emit)(Event::Problem(Problem {
                    code: Code::MalformedRow,
                    dropped: true,
                    message: format!("the host pattern {:?} does not read", host.value),
                    snippet: self.snippet.clone(),
                    span: host.span,
                    label,
                }));
                return;
            }
        };
        let mut name_span = host.span.clone();
        if let Some((port, s)) = p.port {
            // The key's text is the pattern as written unless it was
            // escaped; only then do the offsets line up.
            let written = self.snippet.slice(&host.span) == Some(host.value.as_str());
            let s = if written {
                name_span.end = host.span.start + s.start - 1;
                host.span.start + s.start..host.span.start + s.end
            } else {
                host.span.clone()
            };
            list.insert(
                0,
                (
                    Spanned::new("ansible_port".into(), s.clone()),
                    Spanned::new(RawValue::Str(port), s),
                ),
            );
        }
        for name in p.names {
            self.inv.add_host(
                g,
                Spanned::new(name, name_span.clone()),
                record_span.clone(),
                list.clone(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Record;
    use crate::read::structured::YamlReader;
    use crate::read::Reader;

    fn read(text: &str) -> (Vec<Record>, Vec<Problem>) {
        let mut records = Vec::new();
        let mut problems = Vec::new();
        YamlReader
            .read("t.yaml".into(), &mut text.as_bytes(), &mut |e| match e {
                Event::Record(_, r) => records.push(r),
                Event::Problem(p) => problems.push(p),
            })
            .unwrap();
        (records, problems)
    }

    fn value<'a>(text: &'a str, r: &Record, key: &str) -> Option<&'a str> {
        r.entries
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| &text[v.span.clone()])
    }

    #[test]
    fn recognition() {
        let yes = [
            "all:\n  hosts:\n    a:\n",
            "all:\n",
            "cameras:\n  hosts:\n    a:\nnvrs:\n",
            "all:\n  children:\n    x:\n",
            "sites:\n  children:\n    london:\n",
        ];
        for text in yes {
            let (r, p) = read(text);
            assert!(p.is_empty(), "{text}: {p:?}");
            assert!(r.iter().all(|r| r.entries[0].0.value == "id"), "{text}");
        }
        let (r, p) = read("all:\n  hosts:\n    a:\n");
        assert!(p.is_empty());
        assert_eq!(r.len(), 1);
        // Generic asset files are never inventories.
        let no = [
            "assets:\n  - id: a\n    vendor: x\n",
            "- id: a\n  hosts: b\n",
            "assets:\nall:\n  hosts:\n    a:\n",
            "sites:\n  - id: hq\nall:\n  hosts:\n",
            "assets:\n  a: 1\nall:\n  hosts:\n    a:\n",
            "hq:\n  name: x\n",
            "all: text\n",
        ];
        for text in no {
            let (r, p) = read(text);
            let as_inventory = r
                .iter()
                .any(|r| r.entries.iter().any(|(k, _)| k.value == "groups"));
            assert!(!as_inventory, "{text}: {r:?} {p:?}");
        }
    }

    #[test]
    fn inherited_vars_point_into_the_group() {
        let text = "\
all:
  vars:
    owner: estates
  children:
    london:
      vars:
        site: LDN
        vendor: Axis
      children:
        cameras_ldn:
          hosts:
            cam[01:02].example.org:
            nvr1.example.org:
              ansible_host: 10.1.0.9
              vendor: Hikvision
    nvrs:
      hosts:
        nvr1.example.org: {kind: nvr}
";
        let (r, p) = read(text);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(r.len(), 3);
        assert_eq!(value(text, &r[0], "id"), Some("cam[01:02].example.org"));
        let site = r[0]
            .entries
            .iter()
            .find(|(k, _)| k.value == "site")
            .unwrap();
        assert_eq!(&text[site.1.span.clone()], "LDN");
        assert_eq!(r[0].line, 12);
        assert_eq!(value(text, &r[1], "owner"), Some("estates"));
        // nvr1: its own vendor, the ip from ansible_host, vars of both groups.
        assert_eq!(value(text, &r[2], "vendor"), Some("Hikvision"));
        assert_eq!(value(text, &r[2], "ip"), Some("10.1.0.9"));
        assert_eq!(value(text, &r[2], "kind"), Some("nvr"));
        let groups = r[2]
            .entries
            .iter()
            .find(|(k, _)| k.value == "groups")
            .unwrap();
        let RawValue::List(g) = &groups.1.value else {
            panic!()
        };
        let names: Vec<&str> = g.iter().map(|s| &text[s.span.clone()]).collect();
        assert_eq!(names, ["cameras_ldn", "london", "nvrs"]);
    }

    #[test]
    fn wrong_shapes_are_problems() {
        let text = "\
all:
  children:
    cameras:
      hosts:
        - cam1
      vars: [a]
      host: cam2
    nvrs:
      hosts:
        nvr1: just text
        nvr[3:1]:
";
        let (r, p) = read(text);
        let at: Vec<(Code, &str)> = p.iter().map(|p| (p.code, &text[p.span.clone()])).collect();
        assert_eq!(
            at,
            [
                (Code::MalformedRow, "- cam1"),
                (Code::MalformedRow, "[a]"),
                (Code::InvalidValue, "host"),
                (Code::MalformedRow, "just text"),
                (Code::MalformedRow, "nvr[3:1]"),
            ]
        );
        assert_eq!(r.len(), 1, "nvr1, without its variables");
    }
}
