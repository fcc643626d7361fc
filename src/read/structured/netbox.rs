//! NetBox API exports: the body of `GET /api/dcim/devices/` and
//! `GET /api/dcim/sites/`, as JSON or as YAML (e.g. written by pynetbox).
//!
//! Recognised by shape: a page (`{"count", "next", "previous", "results":
//! [...]}`) or a plain list whose objects are NetBox devices or sites:
//!
//! - a **device** has a numeric `id` and a `device_type` map holding
//!   `manufacturer`, or a `role` (NetBox 4) / `device_role` (NetBox 3) map
//!   next to a `site`;
//! - a **site** has a numeric `id`, `slug` and `name` and one of `region`,
//!   `facility`, `time_zone`, `physical_address`, `shipping_address`,
//!   `latitude`.
//!
//! (A hand-written list whose items have string ids and nested
//! `device_type` maps is not NetBox's and is read the generic way.)
//!
//! A page whose `results` is empty (with its `count`) is recognised too,
//! and holds nothing; a page saved without `count` still is when its
//! results are devices or sites. A generic `assets:`/`sites:` file never is
//! (it is a map without `results`).
//!
//! Each device is one [`Hint::Assets`] record with canonical keys, each
//! value spanned where it is written (nested objects are NetBox's
//! `{id, url, display, name, slug}`):
//!
//! | key | from |
//! | --- | --- |
//! | `id` | `asset_tag` when set, else `name`, else NetBox's numeric `id` |
//! | `hostname` | `name` |
//! | `vendor` | `device_type.manufacturer.name` (else `.slug`) |
//! | `model` | `device_type.model` |
//! | `kind` | `role.name` (NetBox 4), else `device_role.name` (NetBox 3) |
//! | `site` | `site.slug` (else `.name`): NetBox sites are read with the slug as their id, so the two join |
//! | `location` | `location.name` |
//! | `serial` | `serial` |
//! | `ip` | `primary_ip4.address`, else `primary_ip.address`, without the `/prefix` length (the span covers the address) |
//! | `status` | `status.value` (else `.label`, or a plain string) |
//!
//! and extras: `netbox_id`, `part_number` (`device_type.part_number`),
//! `site_name`, `rack`, `platform`, `tenant`, `tags` (the tags' names, a
//! list), `description`, and each custom field as `custom_fields.NAME`
//! (which the field mapping also offers under `NAME`, so a custom field
//! `mac_address` or `firmware` fills that field). Null and empty values are
//! left out.
//!
//! Each site is one [`Hint::Sites`] record: `id` ← `slug`, `name`, `tags` ←
//! the tags' names plus the `region` and `group` slugs; every other key is
//! kept as written (NetBox's numeric `id` as `netbox_id`), so `[sites.fields]`
//! can map `custom_fields.sensitivity`, `group.slug`, … to sensitivity and
//! sector.
//!
//! An item of the list that is neither is read as a plain record, keys as
//! written; an item that is not a map is a [`Code::MalformedRow`].

use crate::model::{RawValue, Record};
use crate::read::{Event, Hint};
use crate::source::{Snippet, Span, Spanned};

use super::{items_to_records, Lines};

type Entries = Vec<(Spanned<String>, Spanned<RawValue>)>;

/// Whether the tree is a NetBox devices or sites export.
pub(super) fn recognise(root: &RawValue) -> bool {
    if let Some((results, counted)) = page(root) {
        return (counted && results.is_empty()) || results.iter().any(|i| netbox_item(&i.value));
    }
    match root {
        RawValue::List(items) => items.iter().any(|i| netbox_item(&i.value)),
        _ => false,
    }
}

/// A page's `results`, when `root` is a map with a `results` list, and
/// whether it has NetBox's `count` too.
fn page(root: &RawValue) -> Option<(&[Spanned<RawValue>], bool)> {
    let RawValue::Map(entries) = root else {
        return None;
    };
    match &find(entries, "results")?.1.value {
        RawValue::List(items) => Some((items, get(entries, "count").is_some())),
        _ => None,
    }
}

/// Whether one list item is a NetBox device or site (how a streamed list
/// is recognised by its first item).
pub(super) fn recognise_item(item: &RawValue) -> bool {
    netbox_item(item)
}

fn netbox_item(item: &RawValue) -> bool {
    match item {
        RawValue::Map(entries) => is_device(entries) || is_site(entries),
        _ => false,
    }
}

/// NetBox objects carry their numeric primary key, `id`; a hand-written
/// list with nested `device_type` maps (read the generic way) does not.
fn numbered(entries: &Entries) -> bool {
    matches!(get(entries, "id"), Some(RawValue::Number(_)))
}

fn is_device(entries: &Entries) -> bool {
    if !numbered(entries) {
        return false;
    }
    let typed = matches!(get(entries, "device_type"), Some(RawValue::Map(t)) if find(t, "manufacturer").is_some());
    let role = ["role", "device_role"]
        .iter()
        .any(|k| matches!(get(entries, k), Some(RawValue::Map(_))));
    typed || (role && find(entries, "site").is_some())
}

fn is_site(entries: &Entries) -> bool {
    numbered(entries)
        && matches!(get(entries, "slug"), Some(RawValue::Str(_)))
        && find(entries, "name").is_some()
        && find(entries, "device_type").is_none()
        && [
            "region",
            "facility",
            "time_zone",
            "physical_address",
            "shipping_address",
            "latitude",
        ]
        .iter()
        .any(|k| find(entries, k).is_some())
}

/// Turns a recognised tree into records.
pub(super) fn emit(snippet: &Snippet, root: Spanned<RawValue>, emit: &mut dyn FnMut(Event)) {
    let lines = Lines::new(snippet.text());
    let items = match root.value {
        RawValue::List(items) => items,
        RawValue::Map(entries) => {
            let results = entries.into_iter().find(|(k, _)| k.value == "results");
            match results.map(|(_, v)| v.value) {
                Some(RawValue::List(items)) => items,
                _ => return,
            }
        }
        _ => return,
    };
    for item in items {
        let hint = match &item.value {
            RawValue::Map(e) if is_device(e) => Hint::Assets,
            RawValue::Map(e) if is_site(e) => Hint::Sites,
            _ => {
                // A plain record (or a problem), in file order with the rest.
                items_to_records(snippet, &lines, Hint::Unknown, vec![item], emit);
                continue;
            }
        };
        let RawValue::Map(entries) = item.value else {
            continue;
        };
        let mut span = item.span;
        for (k, v) in &entries {
            span.start = span.start.min(k.span.start);
            span.end = span.end.max(v.span.end);
        }
        let entries = if hint == Hint::Sites {
            site(entries)
        } else {
            device(snippet, &entries)
        };
        emit(Event::Record(
            hint,
            Record {
                line: lines.line(span.start),
                span,
                entries,
                snippet: snippet.clone(),
            },
        ));
    }
}

/// A device's canonical entries (see the [module docs](self)).
fn device(snippet: &Snippet, e: &Entries) -> Entries {
    let mut out = Out::default();
    let name = find(e, "name").filter(|(_, v)| has_text(v));
    let id = find(e, "asset_tag")
        .filter(|(_, v)| has_text(v))
        .or(name)
        .or_else(|| find(e, "id").filter(|(_, v)| has_text(v)));
    out.push("id", id);
    out.push("hostname", name);
    let device_type = map(e, "device_type");
    let manufacturer = device_type.and_then(|t| map(t, "manufacturer"));
    out.push("vendor", manufacturer.and_then(named));
    out.push("model", device_type.and_then(|t| find(t, "model")));
    let role = map(e, "role").or_else(|| map(e, "device_role"));
    out.push("kind", role.and_then(named));
    let site = find(e, "site");
    out.push("site", site.and_then(|s| by_slug(s)));
    out.push("location", find(e, "location").and_then(|l| by_name(l)));
    out.push("serial", find(e, "serial"));
    let ip = ["primary_ip4", "primary_ip"].iter().find_map(|k| {
        map(e, k)
            .and_then(|m| find(m, "address"))
            .filter(|(_, v)| has_text(v))
    });
    if let Some((key, value)) = ip {
        let key = Spanned::new("ip".to_string(), key.span.clone());
        out.0.push((key, address(snippet, value)));
    }
    out.push("status", find(e, "status").and_then(choice));

    out.push("netbox_id", find(e, "id"));
    out.push(
        "part_number",
        device_type.and_then(|t| find(t, "part_number")),
    );
    if let Some(
        s @ (
            _,
            Spanned {
                value: RawValue::Map(_),
                ..
            },
        ),
    ) = site
    {
        out.push("site_name", by_name(s));
    }
    for k in ["rack", "platform", "tenant"] {
        out.push(k, find(e, k).and_then(|v| by_name(v)));
    }
    if let Some((key, tags)) = find(e, "tags") {
        if let Some(tags) = tag_names(tags) {
            out.0
                .push((Spanned::new("tags".into(), key.span.clone()), tags));
        }
    }
    out.push("description", find(e, "description"));
    if let Some(RawValue::Map(fields)) = get(e, "custom_fields") {
        for (k, v) in fields {
            if present(v) {
                let key = Spanned::new(format!("custom_fields.{}", k.value), k.span.clone());
                out.0.push((key, v.clone()));
            }
        }
    }
    out.0
}

/// A site's entries: `id` ← slug, `name`, `tags` with region and group,
/// custom fields named `cidrs` (or `subnets`, `prefixes`) and `parent` as
/// those site keys, and every other key as written.
fn site(e: Entries) -> Entries {
    let mut out = Out::default();
    out.push("id", find(&e, "slug"));
    out.push("name", find(&e, "name"));
    let mut tags = Vec::new();
    let mut tags_key = None;
    if let Some((key, v)) = find(&e, "tags") {
        tags_key = Some(key.span.clone());
        if let Some(Spanned {
            value: RawValue::List(names),
            ..
        }) = tag_names(v)
        {
            tags.extend(names);
        }
    }
    for k in ["region", "group"] {
        if let Some((key, slug)) = find(&e, k).and_then(|r| by_slug(r)) {
            tags_key.get_or_insert(key.span.clone());
            tags.push(slug.clone());
        }
    }
    if let Some(at) = tags_key.filter(|_| !tags.is_empty()) {
        let span = tags
            .iter()
            .map(|t| t.span.clone())
            .reduce(|a, b| a.start.min(b.start)..a.end.max(b.end))
            .unwrap_or(at.clone());
        out.0.push((
            Spanned::new("tags".into(), at),
            Spanned::new(RawValue::List(tags), span),
        ));
    }
    // A site's address ranges and parent have no NetBox field of their own:
    // custom fields of those names stand for them.
    if let Some(fields) = map(&e, "custom_fields") {
        for (k, v) in fields {
            let site_key = matches!(
                crate::model::headers::normalize(&k.value).as_str(),
                "cidrs" | "cidr" | "subnets" | "subnet" | "prefixes" | "parent" | "parentsite"
            );
            if site_key && present(v) {
                let key = match k.value.as_str() {
                    "prefixes" => "cidrs".to_string(),
                    other => other.to_string(),
                };
                out.0.push((Spanned::new(key, k.span.clone()), v.clone()));
            }
        }
    }
    for (key, value) in e {
        let key = match key.value.as_str() {
            "slug" | "name" | "tags" | "url" | "display" | "display_url" => continue,
            "id" => Spanned::new("netbox_id".to_string(), key.span),
            _ => key,
        };
        if present(&value) {
            out.0.push((key, value));
        }
    }
    out.0
}

/// Output entries under canonical keys; absent values are skipped.
#[derive(Default)]
struct Out(Entries);

impl Out {
    fn push(&mut self, key: &str, found: Option<&(Spanned<String>, Spanned<RawValue>)>) {
        if let Some((k, v)) = found.filter(|(_, v)| present(v)) {
            self.0
                .push((Spanned::new(key.to_string(), k.span.clone()), v.clone()));
        }
    }
}

fn find<'a>(e: &'a Entries, key: &str) -> Option<&'a (Spanned<String>, Spanned<RawValue>)> {
    e.iter().find(|(k, _)| k.value == key)
}

/// A key's value, unless null.
fn get<'a>(e: &'a Entries, key: &str) -> Option<&'a RawValue> {
    find(e, key)
        .map(|(_, v)| &v.value)
        .filter(|v| **v != RawValue::Null)
}

fn map<'a>(e: &'a Entries, key: &str) -> Option<&'a Entries> {
    match get(e, key)? {
        RawValue::Map(m) => Some(m),
        _ => None,
    }
}

fn present(v: &Spanned<RawValue>) -> bool {
    match &v.value {
        RawValue::Null => false,
        RawValue::Str(s) => !s.trim().is_empty(),
        RawValue::List(l) => !l.is_empty(),
        RawValue::Map(m) => !m.is_empty(),
        _ => true,
    }
}

fn has_text(v: &Spanned<RawValue>) -> bool {
    matches!(&v.value, RawValue::Str(s) if !s.trim().is_empty())
        || matches!(v.value, RawValue::Number(_))
}

/// A nested object's `name`, else its `slug`.
fn named(m: &Entries) -> Option<&(Spanned<String>, Spanned<RawValue>)> {
    ["name", "slug"]
        .iter()
        .find_map(|k| find(m, k).filter(|(_, v)| has_text(v)))
}

/// A value that is a nested object by its `name` (else `slug`), or a
/// plain string as it is.
fn by_name(
    entry: &(Spanned<String>, Spanned<RawValue>),
) -> Option<&(Spanned<String>, Spanned<RawValue>)> {
    match &entry.1.value {
        RawValue::Map(m) => named(m),
        RawValue::Str(_) => Some(entry),
        _ => None,
    }
}

/// Like [`by_name`], with the `slug` first.
fn by_slug(
    entry: &(Spanned<String>, Spanned<RawValue>),
) -> Option<&(Spanned<String>, Spanned<RawValue>)> {
    match &entry.1.value {
        RawValue::Map(m) => find(m, "slug")
            .filter(|(_, v)| has_text(v))
            .or_else(|| named(m)),
        RawValue::Str(_) => Some(entry),
        _ => None,
    }
}

/// A choice field: `{"value": "active", "label": "Active"}` by its value
/// (its label when the value is not text, as NetBox 2 wrote numbers), or a
/// plain string.
fn choice(
    entry: &(Spanned<String>, Spanned<RawValue>),
) -> Option<&(Spanned<String>, Spanned<RawValue>)> {
    match &entry.1.value {
        RawValue::Map(m) => ["value", "label"].iter().find_map(|k| {
            find(m, k).filter(|(_, v)| matches!(&v.value, RawValue::Str(s) if !s.trim().is_empty()))
        }),
        RawValue::Str(_) => Some(entry),
        _ => None,
    }
}

/// Tags as a list of their names: NetBox writes tag objects (`name`,
/// `slug`, `color`); old versions and hand-written YAML plain strings.
fn tag_names(tags: &Spanned<RawValue>) -> Option<Spanned<RawValue>> {
    let RawValue::List(items) = &tags.value else {
        return None;
    };
    let names: Vec<Spanned<RawValue>> = items
        .iter()
        .filter_map(|t| match &t.value {
            RawValue::Str(s) if !s.trim().is_empty() => Some(t.clone()),
            RawValue::Map(m) => named(m).map(|(_, v)| v.clone()),
            _ => None,
        })
        .collect();
    (!names.is_empty()).then(|| Spanned::new(RawValue::List(names), tags.span.clone()))
}

/// An IP address without its `/prefix` length, its span over the address
/// when the file writes it as is.
fn address(snippet: &Snippet, value: &Spanned<RawValue>) -> Spanned<RawValue> {
    let RawValue::Str(text) = &value.value else {
        return value.clone();
    };
    let Some((addr, _)) = text.split_once('/') else {
        return value.clone();
    };
    let addr = addr.trim();
    let span: Span = match snippet.slice(&value.span).and_then(|raw| raw.find(addr)) {
        Some(at) => value.span.start + at..value.span.start + at + addr.len(),
        None => value.span.clone(),
    };
    Spanned::new(RawValue::Str(addr.to_string()), span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::read::structured::{JsonReader, YamlReader};
    use crate::read::{Problem, Reader};
    use std::sync::Arc;

    fn read(reader: &dyn Reader, name: &str, text: &str) -> (Vec<(Hint, Record)>, Vec<Problem>) {
        let mut records = Vec::new();
        let mut problems = Vec::new();
        reader
            .read(Arc::from(name), &mut text.as_bytes(), &mut |e| match e {
                Event::Record(h, r) => records.push((h, r)),
                Event::Problem(p) => problems.push(p),
            })
            .unwrap();
        (records, problems)
    }

    /// Each entry as `key = text at its span`.
    fn shown(text: &str, r: &Record) -> Vec<String> {
        r.entries
            .iter()
            .map(|(k, v)| format!("{} = {}", k.value, &text[v.span.clone()]))
            .collect()
    }

    const DEVICES: &str = r#"{
    "count": 2,
    "next": null,
    "previous": null,
    "results": [
        {
            "id": 7,
            "url": "https://netbox.example/api/dcim/devices/7/",
            "display": "cam-01",
            "name": "cam-01",
            "device_type": {
                "id": 3,
                "manufacturer": {"id": 2, "name": "Hikvision", "slug": "hikvision"},
                "model": "DS-2CD2143G2-I",
                "slug": "ds-2cd2143g2-i"
            },
            "role": {"id": 1, "name": "CCTV Camera", "slug": "cctv-camera"},
            "tenant": null,
            "platform": null,
            "serial": "",
            "asset_tag": "CAM-0001",
            "site": {"id": 1, "name": "Whitehall", "slug": "whitehall"},
            "location": null,
            "rack": null,
            "status": {"value": "active", "label": "Active"},
            "primary_ip4": {"id": 9, "address": "10.20.0.11/24"},
            "tags": [{"id": 1, "name": "cctv", "slug": "cctv"}],
            "custom_fields": {"firmware": "V5.7.3", "install_date": null}
        },
        {
            "id": 8,
            "name": null,
            "device_role": {"id": 2, "name": "NVR", "slug": "nvr"},
            "device_type": {"id": 4, "manufacturer": {"id": 5, "slug": "dahua"}, "model": "NVR4216"},
            "site": {"id": 1, "name": "Whitehall", "slug": "whitehall"},
            "primary_ip": {"address": "10.20.0.2/24"}
        }
    ]
}"#;

    #[test]
    fn devices_page() {
        let (records, problems) = read(&JsonReader, "d.json", DEVICES);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(records.len(), 2);
        assert!(records.iter().all(|(h, _)| *h == Hint::Assets));
        assert_eq!(
            shown(DEVICES, &records[0].1),
            [
                "id = CAM-0001",
                "hostname = cam-01",
                "vendor = Hikvision",
                "model = DS-2CD2143G2-I",
                "kind = CCTV Camera",
                "site = whitehall",
                "ip = 10.20.0.11",
                "status = active",
                "netbox_id = 7",
                "site_name = Whitehall",
                "tags = [{\"id\": 1, \"name\": \"cctv\", \"slug\": \"cctv\"}]",
                "custom_fields.firmware = V5.7.3",
            ]
        );
        assert_eq!(
            shown(DEVICES, &records[1].1),
            [
                "id = 8",
                "vendor = dahua",
                "model = NVR4216",
                "kind = NVR",
                "site = whitehall",
                "ip = 10.20.0.2",
                "netbox_id = 8",
                "site_name = Whitehall",
            ]
        );
        // The address value has no prefix length.
        let ip = &records[0].1.entries[6].1.value;
        assert_eq!(*ip, RawValue::Str("10.20.0.11".into()));
    }

    const SITES_YAML: &str = "\
- id: 1
  name: Whitehall
  slug: whitehall
  status: {value: active, label: Active}
  region: {id: 1, name: London, slug: london}
  group: {id: 2, name: Central government, slug: central-government}
  facility: WH1
  tags:
    - {id: 3, name: secret, slug: secret}
  custom_fields:
    sensitivity: secret
    prefixes: 10.20.0.0/16 10.21.0.0/16
";

    #[test]
    fn sites_in_yaml() {
        let (records, problems) = read(&YamlReader, "s.yaml", SITES_YAML);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].0, Hint::Sites);
        let entries = shown(SITES_YAML, &records[0].1);
        assert_eq!(entries[..2], ["id = whitehall", "name = Whitehall"]);
        match &records[0].1.entries[2].1.value {
            RawValue::List(tags) => {
                let tags: Vec<&str> = tags.iter().map(|t| &SITES_YAML[t.span.clone()]).collect();
                assert_eq!(tags, ["secret", "london", "central-government"]);
            }
            v => panic!("{v:?}"),
        }
        assert!(entries.contains(&"netbox_id = 1".to_string()));
        assert!(entries.contains(&"cidrs = 10.20.0.0/16 10.21.0.0/16".to_string()));
        assert!(entries.iter().any(|e| e.starts_with("custom_fields = ")));
    }

    #[test]
    fn shapes_that_are_not_netbox() {
        // A generic assets file, even with NetBox-like keys.
        let generic = "assets:\n  - id: A1\n    manufacturer: Hikvision\n    device_type: camera\n    role: cctv\n    site: HQ\n";
        let (records, _) = read(&YamlReader, "a.yaml", generic);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].0, Hint::Assets);
        assert_eq!(records[0].1.entries[0].0.value, "id");
        assert_eq!(records[0].1.entries[2].0.value, "device_type");
        // Nor a list with string ids, even with nested NetBox-like maps.
        let nested =
            "- {id: CAM-2, device_type: {manufacturer: {name: Dahua}}, mac: 3C:EF:8C:00:00:01}\n";
        let (records, _) = read(&YamlReader, "n.yaml", nested);
        assert_eq!(records[0].0, Hint::Unknown);
        assert_eq!(records[0].1.entries.len(), 3);
        // A top-level list whose role is plain text is not NetBox either.
        let list = "- id: A1\n  role: camera\n  site: HQ\n  device_type: camera\n";
        let (records, _) = read(&YamlReader, "l.yaml", list);
        assert_eq!(records[0].0, Hint::Unknown);
        // A page of something else.
        let other = "count: 1\nresults:\n  - {id: 1, address: 10.0.0.1/24}\n";
        let (records, problems) = read(&YamlReader, "o.yaml", other);
        assert!(records.is_empty());
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn empty_page_and_odd_items() {
        let empty = r#"{"count": 0, "next": null, "previous": null, "results": []}"#;
        let (records, problems) = read(&JsonReader, "e.json", empty);
        assert!(records.is_empty() && problems.is_empty());
        // Without `count`, an empty `results` is not NetBox's (nor anything).
        let (_, problems) = read(&JsonReader, "r.json", r#"{"results": []}"#);
        assert_eq!(problems.len(), 1);
        let uncounted = r#"{"results": [{"id": 1, "name": "x", "device_type": {"manufacturer": {"name": "Axis"}}}]}"#;
        let (records, _) = read(&JsonReader, "u.json", uncounted);
        assert_eq!(records[0].1.entries[0].0.value, "id");
        let mixed =
            "- {id: 1, name: cam, device_type: {manufacturer: {name: Axis}}}\n- {asset: x}\n- 3\n";
        let (records, problems) = read(&YamlReader, "m.yaml", mixed);
        let hints: Vec<Hint> = records.iter().map(|(h, _)| *h).collect();
        assert_eq!(hints, [Hint::Assets, Hint::Unknown]);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, Code::MalformedRow);
    }
}
