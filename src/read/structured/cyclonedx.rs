//! CycloneDX hardware BOMs: each component of type `device` is one asset.
//!
//! A JSON document whose top-level `bomFormat` is `CycloneDX` is recognised
//! whatever its file name and key order (a [`Shape`](super::Shape)). The
//! XML form ([`crate::read::cyclonedx_xml`]) is turned into the same tree
//! and read here too. Written against spec 1.4–1.6 (1.6 is ECMA-424);
//! other versions are read the same way, field by field.
//!
//! **Which components.** Every component with `type: device`, at any depth
//! of nested `components`, and `metadata.component` when it is a device.
//! Other components (libraries, applications, firmware on their own) are
//! not assets, but their nested components are still searched. A BOM with
//! no devices gives no records.
//!
//! **Fields.** Each device becomes one record with canonical keys, each
//! value with its span in the file:
//!
//! | key        | from                                                                        |
//! |------------|-----------------------------------------------------------------------------|
//! | `id`       | a property meaning id (`assetlint:id`, `asset tag`), else `bom-ref`, else the `serial` property, else `name` |
//! | `vendor`   | `manufacturer.name` (1.6), else `manufacture.name` (1.5's spelling), else `supplier.name`, else `publisher`, else `author`, else the vendor part of `cpe`; for `metadata.component`, `metadata.manufacture` and `metadata.supplier` stand for its own `manufacturer` and `supplier` (1.6's `metadata.manufacturer` made the BOM, not the device, and is not read) |
//! | `brand`    | `supplier.name`, when the vendor came from a manufacturer and the supplier differs (a relabelled or resold device: the name it was supplied under) |
//! | `model`    | `name` (hardware BOMs name the model)                                       |
//! | `firmware` | a nested component of type `firmware`: its `name version`; else `version` |
//! | `site`     | a `site` property, else the nearest enclosing device's, else the BOM's (a `site` in `metadata.properties`, else in `metadata.component`'s properties) |
//! | others     | `properties` (below)                                                        |
//!
//! `description`, `group`, `purl`, `cpe`, `bom-ref`, the device `version`
//! when a firmware component gave the firmware, and the suppliers,
//! publishers and authors not used for the vendor are kept as extras under
//! those names.
//!
//! **Properties.** Each `{name, value}` property whose name, or its last
//! part after a `:` namespace (`assetlint:site`, `cdx:device:macAddress`),
//! is a header synonym of a canonical field fills that field (`site`,
//! `mac`, `ip`, `hostname`, `serial`, `location`, `installed`, `kind`,
//! `status`, …); an explicit property wins over the component's own
//! fields (an `acme:model` property over `name`, which is then kept as
//! the extra `name`); `cdx:device:deviceType` is the
//! package type of a part (SMD, thru-hole) and never a kind. Every other
//! property is kept as an extra under its full name, which `[columns]` can
//! map. A device has a `kind` only when a property gives one: `device` is
//! not a kind.
//!
//! **Problems.** A `components` or `properties` that is not a list, and an
//! item of one that is not an object, are [`Code::MalformedRow`] problems
//! at their span; everything else is still read.

use crate::diag::Code;
use crate::model::headers::Columns;
use crate::model::{AssetField, RawValue, Record};
use crate::read::{Event, Hint, Problem};
use crate::source::{Snippet, Span, Spanned};

use super::Lines;

type Entries = [(Spanned<String>, Spanned<RawValue>)];
type Entry = (Spanned<String>, Spanned<RawValue>);

/// Whether a parsed tree is a CycloneDX BOM: a map whose `bomFormat` is
/// `CycloneDX`.
pub fn recognise(root: &RawValue) -> bool {
    let RawValue::Map(entries) = root else {
        return false;
    };
    entries.iter().any(|(k, v)| {
        k.value == "bomFormat"
            && matches!(&v.value, RawValue::Str(s) if s.trim().eq_ignore_ascii_case("cyclonedx"))
    })
}

/// Emits one record per device of a BOM tree (see the [module docs](self)).
pub fn emit(snippet: &Snippet, root: Spanned<RawValue>, emit: &mut dyn FnMut(Event)) {
    let RawValue::Map(entries) = &root.value else {
        return;
    };
    let mut out = Out {
        snippet,
        lines: Lines::new(snippet.text()),
        columns: Columns::default(),
        emit,
    };
    let mut meta = Meta::default();
    // (component, whether it is `metadata.component`, the site it inherits)
    let mut roots: Vec<(&Spanned<RawValue>, bool)> = Vec::new();
    let mut bom_site = None;
    if let Some((_, m)) = get(entries, "metadata") {
        if let RawValue::Map(m) = &m.value {
            meta.manufacture = get(m, "manufacture");
            meta.supplier = get(m, "supplier");
            bom_site = out.site_of(m);
            if let Some((_, c)) = get(m, "component") {
                match &c.value {
                    RawValue::Map(fields) => {
                        bom_site = bom_site.or_else(|| out.site_of(fields));
                        roots.push((c, true));
                    }
                    RawValue::Null => {}
                    _ => out.not_an_object(c.span.clone()),
                }
            }
        }
    }
    if let Some((key, list)) = get(entries, "components") {
        roots.extend(out.components(key, list).into_iter().map(|c| (c, false)));
    }
    roots.sort_by_key(|(c, _)| c.span.start);
    // Depth-first, in file order, without recursion.
    let mut stack: Vec<(&Spanned<RawValue>, bool, Option<Entry>)> = roots
        .into_iter()
        .rev()
        .map(|(c, m)| (c, m, bom_site.clone()))
        .collect();
    while let Some((c, is_meta, site)) = stack.pop() {
        let RawValue::Map(fields) = &c.value else {
            continue;
        };
        let mut site = site;
        if is_type(fields, "device") {
            let meta = if is_meta { Some(&meta) } else { None };
            let record = out.device(fields, c.span.clone(), meta, site.as_ref());
            if let Some(own) = record.entries.iter().find(|(k, _)| k.value == "site") {
                site = Some(own.clone());
            }
            (out.emit)(Event::Record(Hint::Assets, record));
        }
        if let Some((key, list)) = get(fields, "components") {
            let children = out.components(key, list);
            stack.extend(children.into_iter().rev().map(|c| (c, false, site.clone())));
        }
    }
}

/// `metadata`'s organisations, which stand for `metadata.component`'s.
#[derive(Default)]
struct Meta<'a> {
    manufacture: Option<&'a Entry>,
    supplier: Option<&'a Entry>,
}

struct Out<'a, 'e> {
    snippet: &'a Snippet,
    lines: Lines,
    columns: Columns,
    emit: &'e mut dyn FnMut(Event),
}

/// The first entry under `key`.
fn get<'a>(entries: &'a Entries, key: &str) -> Option<&'a Entry> {
    entries.iter().find(|(k, _)| k.value == key)
}

/// The value as non-blank text, if it is text or a number.
fn text(v: &Spanned<RawValue>) -> Option<&str> {
    match &v.value {
        RawValue::Str(s) | RawValue::Number(s) if !s.trim().is_empty() => Some(s.trim()),
        _ => None,
    }
}

/// Whether a component's `type` is `ty`.
fn is_type(fields: &Entries, ty: &str) -> bool {
    get(fields, "type")
        .and_then(|(_, v)| text(v))
        .is_some_and(|t| t.eq_ignore_ascii_case(ty))
}

/// An organisation's name: the `name` of an organizational entity, or the
/// text itself (`publisher`, `author`).
fn org_name(entry: &Entry) -> Option<&Entry> {
    match &entry.1.value {
        RawValue::Map(m) => get(m, "name").filter(|(_, v)| text(v).is_some()),
        _ => text(&entry.1).map(|_| entry),
    }
}

/// The vendor part of a CPE (`cpe:2.3:h:VENDOR:…` or `cpe:/h:VENDOR:…`)
/// with its span, when the raw text in the file is the value itself (no
/// escapes), else the whole value's span.
fn cpe_vendor(text_of_file: &str, v: &Spanned<RawValue>) -> Option<Spanned<RawValue>> {
    let cpe = text(v)?;
    let (rest, skip) = if let Some(r) = cpe.strip_prefix("cpe:2.3:") {
        (r, "cpe:2.3:".len())
    } else if let Some(r) = cpe.strip_prefix("cpe:/") {
        (r, "cpe:/".len())
    } else {
        return None;
    };
    if rest.contains('\\') {
        return None;
    }
    let mut parts = rest.splitn(3, ':');
    let part = parts.next()?;
    let vendor = parts.next()?;
    if vendor.is_empty() || vendor == "*" || vendor == "-" {
        return None;
    }
    let at = skip + part.len() + 1;
    let raw_matches = text_of_file.get(v.span.clone()) == Some(cpe);
    let span = if raw_matches {
        v.span.start + at..v.span.start + at + vendor.len()
    } else {
        v.span.clone()
    };
    Some(Spanned::new(RawValue::Str(vendor.to_string()), span))
}

/// The record under construction: canonical fields first come, first set.
struct Builder {
    entries: Vec<Entry>,
    set: Vec<AssetField>,
}

impl Builder {
    fn has(&self, f: AssetField) -> bool {
        self.set.contains(&f)
    }

    /// Sets `f` unless it is set; returns whether it was set now.
    fn field(&mut self, f: AssetField, key: Span, value: Spanned<RawValue>) -> bool {
        if self.has(f) {
            return false;
        }
        self.set.push(f);
        self.entries
            .push((Spanned::new(f.name().to_string(), key), value));
        true
    }

    fn extra(&mut self, key: &str, key_span: Span, value: Spanned<RawValue>) {
        self.entries
            .push((Spanned::new(key.to_string(), key_span), value));
    }

    fn value_of(&self, f: AssetField) -> Option<&Entry> {
        self.entries.iter().find(|(k, _)| k.value == f.name())
    }
}

impl Out<'_, '_> {
    fn problem(&mut self, span: Span, message: &str, label: &str, dropped: bool) {
        (self.emit)(Event::Problem(Problem {
            code: Code::MalformedRow,
            dropped,
            message: message.into(),
            snippet: self.snippet.clone(),
            span,
            label: label.into(),
        }));
    }

    fn not_an_object(&mut self, span: Span) {
        self.problem(
            span,
            "a component is not an object",
            "expected a component (`{\"type\": …, \"name\": …}`) here",
            true,
        );
    }

    /// The object items of a `components` value, reporting the rest.
    fn components<'t>(
        &mut self,
        key: &Spanned<String>,
        list: &'t Spanned<RawValue>,
    ) -> Vec<&'t Spanned<RawValue>> {
        match &list.value {
            RawValue::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match &item.value {
                        RawValue::Map(_) => out.push(item),
                        _ => self.not_an_object(item.span.clone()),
                    }
                }
                out
            }
            RawValue::Null => Vec::new(),
            _ => {
                self.problem(
                    list.span.clone(),
                    &format!("`{}` is not a list of components", key.value),
                    "expected a list here; its devices were not read",
                    false,
                );
                Vec::new()
            }
        }
    }

    /// The `site` property among the `properties` of `fields`, as a
    /// `site` entry.
    fn site_of(&self, fields: &Entries) -> Option<Entry> {
        let (_, props) = get(fields, "properties")?;
        let RawValue::List(items) = &props.value else {
            return None;
        };
        items.iter().find_map(|item| {
            let RawValue::Map(p) = &item.value else {
                return None;
            };
            let (_, name) = get(p, "name")?;
            let local = text(name)?.rsplit(':').next()?.trim();
            let (_, value) = get(p, "value").filter(|(_, v)| text(v).is_some())?;
            (self.columns.field_for(local) == Some(AssetField::Site)).then(|| {
                (
                    Spanned::new("site".to_string(), name.span.clone()),
                    value.clone(),
                )
            })
        })
    }

    /// The record for one device component; `site` is the one it inherits.
    fn device(
        &mut self,
        c: &Entries,
        span: Span,
        meta: Option<&Meta<'_>>,
        site: Option<&Entry>,
    ) -> Record {
        let mut b = Builder {
            entries: Vec::new(),
            set: Vec::new(),
        };
        let own = |key: &str| get(c, key);

        // Properties first: an explicit property wins over what the
        // component's own fields say.
        if let Some((key, props)) = own("properties") {
            self.properties(&mut b, key, props);
        }

        // The vendor, and the organisations that are not it.
        let mut orgs: Vec<(&str, &Entry, bool)> = Vec::new(); // (key, entry, is a manufacturer)
        for key in ["manufacturer", "manufacture"] {
            if let Some(e) = own(key) {
                orgs.push((key, e, true));
            }
        }
        if let Some(e) = meta.and_then(|m| m.manufacture) {
            orgs.push(("manufacture", e, true));
        }
        if let Some(e) = own("supplier") {
            orgs.push(("supplier", e, false));
        }
        if let Some(e) = meta.and_then(|m| m.supplier) {
            orgs.push(("supplier", e, false));
        }
        for key in ["publisher", "author"] {
            if let Some(e) = own(key) {
                orgs.push((key, e, false));
            }
        }
        let mut vendor: Option<(&str, bool)> = None;
        let mut rest: Vec<(&str, &Entry)> = Vec::new();
        for (key, e, maker) in orgs {
            let Some(name) = org_name(e) else {
                continue;
            };
            if vendor.is_none() && b.field(AssetField::Vendor, name.0.span.clone(), name.1.clone())
            {
                vendor = text(&name.1).map(|t| (t, maker));
            } else {
                rest.push((key, name));
            }
        }
        for (key, name) in rest {
            let differs = vendor.is_none_or(|(v, _)| text(&name.1) != Some(v));
            let by_maker = vendor.is_some_and(|(_, maker)| maker);
            if key == "supplier" && by_maker && differs && !b.has(AssetField::Brand) {
                b.field(AssetField::Brand, name.0.span.clone(), name.1.clone());
            } else if differs {
                b.extra(key, name.0.span.clone(), name.1.clone());
            }
        }
        let cpe = own("cpe");
        if !b.has(AssetField::Vendor) {
            if let Some((k, v)) = cpe {
                if let Some(v) = cpe_vendor(self.snippet.text(), v) {
                    b.field(AssetField::Vendor, k.span.clone(), v);
                }
            }
        }

        // Model and firmware.
        let name = own("name").filter(|(_, v)| text(v).is_some());
        if let Some((k, v)) = name {
            if !b.field(AssetField::Model, k.span.clone(), v.clone()) {
                b.extra("name", k.span.clone(), v.clone());
            }
        }
        let version = own("version").filter(|(_, v)| text(v).is_some());
        let firmware = own("components").and_then(|(_, list)| match &list.value {
            RawValue::List(items) => items.iter().find_map(|i| match &i.value {
                RawValue::Map(f) if is_type(f, "firmware") => firmware_of(f),
                _ => None,
            }),
            _ => None,
        });
        let version_used = match firmware {
            Some((k, v)) => {
                b.field(AssetField::Firmware, k, v);
                false
            }
            None => version
                .is_some_and(|(k, v)| b.field(AssetField::Firmware, k.span.clone(), v.clone())),
        };
        if let (Some((k, v)), false) = (version, version_used) {
            b.extra("version", k.span.clone(), v.clone());
        }
        if let (Some((k, v)), false) = (site, b.has(AssetField::Site)) {
            b.field(AssetField::Site, k.span.clone(), v.clone());
        }

        // Extras.
        for key in ["description", "group", "purl", "cpe"] {
            if let Some((k, v)) = own(key).filter(|(_, v)| text(v).is_some()) {
                b.extra(key, k.span.clone(), v.clone());
            }
        }

        // The id.
        let bom_ref = own("bom-ref").filter(|(_, v)| text(v).is_some());
        if !b.has(AssetField::Id) {
            let id = bom_ref
                .map(|(k, v)| (k.span.clone(), v.clone()))
                .or_else(|| {
                    b.value_of(AssetField::Serial)
                        .map(|(k, v)| (k.span.clone(), v.clone()))
                })
                .or_else(|| name.map(|(k, v)| (k.span.clone(), v.clone())));
            if let Some((k, v)) = id {
                b.entries.insert(0, (Spanned::new("id".to_string(), k), v));
                b.set.push(AssetField::Id);
            }
        } else if let Some((k, v)) = bom_ref {
            b.extra("bom-ref", k.span.clone(), v.clone());
        }

        Record {
            line: self.lines.line(span.start),
            span,
            entries: b.entries,
            snippet: self.snippet.clone(),
        }
    }

    /// Maps `properties` onto fields (see the [module docs](self)).
    fn properties(&mut self, b: &mut Builder, key: &Spanned<String>, props: &Spanned<RawValue>) {
        let items = match &props.value {
            RawValue::List(items) => items,
            RawValue::Null => return,
            _ => {
                self.problem(
                    props.span.clone(),
                    &format!("`{}` is not a list of properties", key.value),
                    "expected a list of `{\"name\": …, \"value\": …}` here",
                    false,
                );
                return;
            }
        };
        for item in items {
            let RawValue::Map(p) = &item.value else {
                self.problem(
                    item.span.clone(),
                    "a property is not an object",
                    "expected `{\"name\": …, \"value\": …}` here",
                    false,
                );
                continue;
            };
            let Some((_, name)) = get(p, "name") else {
                continue;
            };
            let Some(name_text) = text(name) else {
                continue;
            };
            let Some((_, value)) = get(p, "value") else {
                continue;
            };
            let local = name_text.rsplit(':').next().unwrap_or(name_text).trim();
            let field = if local.eq_ignore_ascii_case("deviceType") {
                None
            } else {
                self.columns.field_for(local)
            };
            let done = field.is_some_and(|f| b.field(f, name.span.clone(), value.clone()));
            if !done {
                b.extra(name_text, name.span.clone(), value.clone());
            }
        }
    }
}

/// A firmware component's `name version`, spanned at its name (or its
/// version when it has no name).
fn firmware_of(f: &Entries) -> Option<(Span, Spanned<RawValue>)> {
    let name = get(f, "name").filter(|(_, v)| text(v).is_some());
    let version = get(f, "version").filter(|(_, v)| text(v).is_some());
    let joined: Vec<&str> = [name, version]
        .into_iter()
        .flatten()
        .filter_map(|(_, v)| text(v))
        .collect();
    let (k, v) = name.or(version)?;
    Some((
        k.span.clone(),
        Spanned::new(RawValue::Str(joined.join(" ")), v.span.clone()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::structured::JsonReader;
    use crate::read::Reader;

    fn read(text: &str) -> Vec<Event> {
        let mut out = Vec::new();
        let mut input = text.as_bytes();
        JsonReader
            .read("bom.json".into(), &mut input, &mut |e| out.push(e))
            .expect("in-memory read");
        out
    }

    /// Each record's entries as `key=value@text-at-span`.
    fn records(text: &str) -> Vec<Vec<String>> {
        read(text)
            .into_iter()
            .filter_map(|e| match e {
                Event::Record(Hint::Assets, r) => Some(
                    r.entries
                        .iter()
                        .map(|(k, v)| {
                            let value = match &v.value {
                                RawValue::Str(s) | RawValue::Number(s) => s.clone(),
                                other => format!("{other:?}"),
                            };
                            format!("{}={}@{}", k.value, value, &text[v.span.clone()])
                        })
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    fn problems(text: &str) -> Vec<(String, String)> {
        read(text)
            .into_iter()
            .filter_map(|e| match e {
                Event::Problem(p) => Some((p.message, text[p.span].to_string())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn recognised_by_bom_format_only() {
        let map = |k: &str, v: &str| {
            RawValue::Map(vec![(
                Spanned::new(k.to_string(), 0..0),
                Spanned::new(RawValue::Str(v.to_string()), 0..0),
            )])
        };
        assert!(recognise(&map("bomFormat", "CycloneDX")));
        assert!(!recognise(&map("bomFormat", "SPDX")));
        assert!(!recognise(&map("format", "CycloneDX")));
        assert!(!recognise(&RawValue::List(vec![])));
        // A generic asset list that mentions CycloneDX is still an asset list.
        let text = r#"[{"id": "A1", "vendor": "Axis", "bomFormat": "CycloneDX"}]"#;
        let events = read(text);
        assert!(matches!(&events[..], [Event::Record(Hint::Unknown, _)]));
        let text = r#"{"assets": [{"id": "A1", "vendor": "Axis"}], "note": "bomFormat"}"#;
        assert!(
            matches!(&read(text)[..], [Event::Record(Hint::Assets, r)] if r.entries[0].0.value == "id")
        );
    }

    #[test]
    fn devices_at_any_depth_with_exact_spans() {
        let text = r#"{
  "components": [
    {"type": "library", "name": "openssl", "version": "3.0.13", "components": [
      {"type": "device", "name": "DS-2CD2143G2-I", "bom-ref": "cam-1",
       "manufacturer": {"name": "Hikvision"}, "supplier": {"name": "Hikvision"}}
    ]},
    {"name": "NVR5216-16P-4KS2E", "type": "device",
     "supplier": {"name": "Dahua Technology"}, "publisher": "ACME",
     "properties": [{"name": "cdx:device:serialNumber", "value": "7F0123"},
                    {"name": "cdx:device:deviceType", "value": "rack"},
                    {"name": "assetlint:site", "value": "HQ"},
                    {"name": "cdx:device:quantity", "value": "1"}]}
  ],
  "bomFormat": "CycloneDX",
  "specVersion": "1.5"
}"#;
        let r = records(text);
        assert_eq!(
            r,
            [
                vec![
                    "id=cam-1@cam-1",
                    "vendor=Hikvision@Hikvision",
                    "model=DS-2CD2143G2-I@DS-2CD2143G2-I",
                ],
                vec![
                    "id=7F0123@7F0123",
                    "serial=7F0123@7F0123",
                    "cdx:device:deviceType=rack@rack",
                    "site=HQ@HQ",
                    "cdx:device:quantity=1@1",
                    "vendor=Dahua Technology@Dahua Technology",
                    "publisher=ACME@ACME",
                    "model=NVR5216-16P-4KS2E@NVR5216-16P-4KS2E",
                ],
            ]
        );
    }

    #[test]
    fn manufacturer_supplier_firmware_and_cpe() {
        let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6",
  "metadata": {"manufacture": {"name": "Zhejiang Dahua Technology Co., Ltd."},
               "manufacturer": {"name": "BOM Tools Ltd"},
               "supplier": {"name": "Amcrest Technologies"},
               "component": {"type": "device", "name": "IP4M-1041B", "version": "rev B",
                 "components": [{"type": "firmware", "name": "Amcrest IPC firmware", "version": "2.800.0000000.12.R"}]}},
  "components": [
    {"type": "device", "name": "X1", "cpe": "cpe:2.3:h:hikvision:ds-2cd2143g0-i:-:*:*:*:*:*:*:*"},
    {"type": "device", "name": "X2", "manufacture": {"name": "Axis"}, "author": "Someone"}
  ]}"#;
        let r = records(text);
        assert_eq!(
            r[0],
            [
                "id=IP4M-1041B@IP4M-1041B",
                "vendor=Zhejiang Dahua Technology Co., Ltd.@Zhejiang Dahua Technology Co., Ltd.",
                "brand=Amcrest Technologies@Amcrest Technologies",
                "model=IP4M-1041B@IP4M-1041B",
                "firmware=Amcrest IPC firmware 2.800.0000000.12.R@Amcrest IPC firmware",
                "version=rev B@rev B",
            ]
        );
        assert_eq!(
            r[1],
            [
                "id=X1@X1",
                "vendor=hikvision@hikvision",
                "model=X1@X1",
                "cpe=cpe:2.3:h:hikvision:ds-2cd2143g0-i:-:*:*:*:*:*:*:*@cpe:2.3:h:hikvision:ds-2cd2143g0-i:-:*:*:*:*:*:*:*",
            ]
        );
        assert_eq!(
            r[2],
            [
                "id=X2@X2",
                "vendor=Axis@Axis",
                "author=Someone@Someone",
                "model=X2@X2"
            ]
        );
    }

    #[test]
    fn properties_win_and_sites_are_inherited() {
        let text = r#"{"bomFormat": "CycloneDX",
  "metadata": {"properties": [{"name": "assetlint:site", "value": "DEPOT"}],
               "component": {"type": "platform", "name": "Depot CCTV",
                 "properties": [{"name": "assetlint:site", "value": "IGNORED"}]}},
  "components": [
    {"type": "device", "name": "Lobby camera", "version": "1.0",
     "manufacturer": {"name": "Axis"},
     "properties": [{"name": "acme:model", "value": "P3265-LVE"},
                    {"name": "cdx:device:manufacturer", "value": "Hikvision"}]},
    {"type": "device", "name": "Kit", "properties": [{"name": "site", "value": "HQ"}],
     "components": [{"type": "device", "name": "Module"}]}
  ]}"#;
        let r = records(text);
        assert_eq!(
            r[0],
            [
                "id=Lobby camera@Lobby camera",
                "model=P3265-LVE@P3265-LVE",
                "vendor=Hikvision@Hikvision",
                "manufacturer=Axis@Axis",
                "name=Lobby camera@Lobby camera",
                "firmware=1.0@1.0",
                "site=DEPOT@DEPOT",
            ]
        );
        assert!(r[1].contains(&"site=HQ@HQ".to_string()));
        assert_eq!(
            r[2],
            ["id=Module@Module", "model=Module@Module", "site=HQ@HQ"]
        );
    }

    #[test]
    fn no_devices_no_records_no_problems() {
        let text = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "components": [{"type": "library", "name": "zlib", "version": "1.3"},
                 {"type": "firmware", "name": "IPC_G5", "version": "5.7.3"}]}"#;
        assert!(read(text).is_empty());
        assert!(read(r#"{"bomFormat": "CycloneDX"}"#).is_empty());
    }

    #[test]
    fn malformed_pieces_are_problems_at_their_span() {
        let text = r#"{"bomFormat": "CycloneDX",
  "components": [
    "not a component",
    {"type": "device", "name": "P3245-LV", "supplier": {"name": "Axis"},
     "properties": {"site": "HQ"},
     "components": 7},
    {"type": "device", "name": "M3106", "properties": [42, {"name": "site", "value": "HQ"}]}
  ]}"#;
        assert_eq!(
            problems(text),
            [
                (
                    "a component is not an object".to_string(),
                    "not a component".to_string()
                ),
                (
                    "`properties` is not a list of properties".into(),
                    r#"{"site": "HQ"}"#.into()
                ),
                (
                    "`components` is not a list of components".into(),
                    "7".into()
                ),
                ("a property is not an object".into(), "42".into()),
            ]
        );
        let r = records(text);
        assert_eq!(r.len(), 2);
        assert!(r[1].contains(&"site=HQ@HQ".to_string()));
    }
}
