//! Records → assets and sites.
//!
//! Keys map to canonical fields through [`Columns::field_for`] (header
//! synonyms plus `[columns]` overrides); every other key is kept in
//! [`Asset::extra`] as text. Values keep their spans:
//!
//! - text fields are trimmed; numbers and booleans are kept as written;
//!   `kind` is normalised ([`kinds::normalize`]);
//! - a **placeholder** stands for an empty value in every field, extra
//!   column and site key, whatever the input format: see [`PLACEHOLDERS`]
//!   (`N/A`, `-`, `(empty)`, `null`, …). The one exception is `vendor`,
//!   kept as written: a declared `N/A` is a declaration the vendor check
//!   reads (a device declared `N/A` whose MAC says Hikvision is an
//!   `assetlint/vendor-mismatch`, as for `Generic` or `Unknown`);
//! - a nested map with a `name` (or else `slug`) key stands for that text
//!   (`site: {name: HQ}`, as NetBox exports write it);
//! - `mac` and `capabilities` are lists: a list value, or a cell split on
//!   `,` `;` `|` and whitespace, each item with its own span;
//! - `installed` is a date: `YYYY-MM-DD`, `YYYY/MM/DD`, an ISO date-time
//!   (its date part), `DD.MM.YYYY` (day first, as German and other
//!   European registers write it), or `NN/NN/YYYY` / `NN-NN-YYYY`, whose
//!   order `[dates] order` gives (`day-first`: `03/04/2021` is 3 April;
//!   `month-first`: 4 March; a date impossible in that order is invalid).
//!   Without `[dates] order`, such a date is read only when it can mean one
//!   day (`13/04/2021`, `04/13/2021`, `01/01/2021`); one that could be two
//!   (`03/04/2021`) is an [`Code::AmbiguousDate`] problem and the field
//!   stays unset: it is never guessed;
//! - `internet_facing` is a bool: `true/false`, `yes/no`, `y/n`, `1/0`;
//! - a value that does not read as its field's type is an
//!   [`Code::InvalidValue`] problem at the value, and the field stays unset.
//!
//! When a field is given twice (two columns meaning `vendor`), the first
//! wins and the second is kept in `extra` under its own key. An empty `id`
//! stays unset; the caller reports the missing id.

use jiff::civil::Date;

use crate::diag::Code;
use crate::model::headers::{is_netbox_devices, normalize, Columns};
use crate::model::kinds;
use crate::model::schema::{AssetField, Ladder, Type};
use crate::model::{Asset, RawValue, Record, Site, Value};
use crate::read::Problem;
use crate::source::{Snippet, Span, Spanned};

/// Maps a record's keys to canonical asset fields and parses their values
/// (dates of unknown order: see the module docs).
pub fn asset(record: Record, columns: &Columns) -> (Asset, Vec<Problem>) {
    Mapper::new(columns).asset(record)
}

/// Values that stand for "nothing here" in registers, compared after
/// trimming and ignoring ASCII case: what spreadsheets, databases and
/// people write in an empty cell. Deliberately short: `NA` is also a code
/// (North America, a site), `none` a real answer (`capabilities: none`),
/// `unknown` and `TBC` statements; those are read as written.
pub const PLACEHOLDERS: &[&str] = &[
    "-", "--", "\u{2013}", "\u{2014}", "n/a", "#n/a", "null", "(null)", "(empty)", "(blank)",
    "(none)",
];

/// `s` without leading and trailing white space, as [`str::trim`]; quick
/// when `s` starts and ends with a printable ASCII character (any other
/// white space begins with a byte at or below a space, or a non-ASCII one).
pub(crate) fn trim(s: &str) -> &str {
    let printable = |b: u8| b > b' ' && b < 0x80;
    match s.as_bytes() {
        [first, .., last] if printable(*first) && printable(*last) => s,
        [only] if printable(*only) => s,
        _ => s.trim(),
    }
}

/// Whether `s` holds one of `seps`, comparing bytes when they are ASCII.
fn has_sep(s: &str, seps: &[char]) -> bool {
    if seps.iter().all(char::is_ascii) {
        s.bytes()
            .any(|b| seps.iter().any(|&c| c as u32 == u32::from(b)))
    } else {
        s.contains(seps)
    }
}

/// Whether a value is a [placeholder](PLACEHOLDERS) for an empty one.
pub fn is_placeholder(text: &str) -> bool {
    let t = trim(text);
    // No placeholder is longer than 7 bytes: most values are, and need no
    // comparison.
    t.len() <= 7 && PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(t))
}

/// How many rows at the top of a register [`header_row`] compares by the
/// names they hold.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// Which row of a register is its header, given each row's cells as text
/// (empty for an empty cell, or one that is not text, such as a number in
/// a workbook). Title rows and blank rows above the header are passed over:
///
/// 1. among the first [`HEADER_SEARCH_ROWS`] rows, the one with the most
///    cells that are known header names ([`Columns::field_for`] without
///    `[columns]`), if it has at least two (the first such, on a tie);
/// 2. else the first row with at least two non-empty cells;
/// 3. else `None`.
pub fn header_row<R, C, S>(rows: R) -> Option<usize>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let columns = Columns::default();
    let mut named: Option<(usize, usize)> = None;
    let mut wide = None;
    for (i, row) in rows.into_iter().enumerate() {
        if i >= HEADER_SEARCH_ROWS && wide.is_some() {
            break;
        }
        let (mut cells, mut known) = (0, 0);
        for cell in row {
            let cell = cell.as_ref().trim();
            if cell.is_empty() {
                continue;
            }
            cells += 1;
            if i < HEADER_SEARCH_ROWS && columns.field_for(cell).is_some() {
                known += 1;
            }
        }
        if cells >= 2 && wide.is_none() {
            wide = Some(i);
        }
        if known >= 2 && named.is_none_or(|(k, _)| known > k) {
            named = Some((known, i));
        }
    }
    named.map(|(_, i)| i).or(wide)
}

/// The order of day and month in dates written `NN/NN/YYYY` (`[dates]
/// order`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    /// `DD/MM/YYYY`, as in the UK and most of the world.
    DayFirst,
    /// `MM/DD/YYYY`, as in the US.
    MonthFirst,
}

impl DateOrder {
    /// Its name in `[dates] order`.
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::DayFirst => "day-first",
            DateOrder::MonthFirst => "month-first",
        }
    }

    /// Looks an order up by its name in `[dates] order`.
    pub fn from_name(name: &str) -> Option<DateOrder> {
        [DateOrder::DayFirst, DateOrder::MonthFirst]
            .into_iter()
            .find(|o| o.name() == name)
    }

    fn pattern(self) -> &'static str {
        match self {
            DateOrder::DayFirst => "DD/MM/YYYY",
            DateOrder::MonthFirst => "MM/DD/YYYY",
        }
    }
}

/// Maps the records of one file, remembering which field each key maps to:
/// a register's rows all repeat the header's keys in the same order.
pub struct Mapper<'a> {
    columns: &'a Columns,
    dates: Option<DateOrder>,
    /// (key, field) by position in the record.
    cache: Vec<(String, Option<AssetField>)>,
    /// Whether the file is NetBox's device export, once its first record
    /// is seen.
    netbox: Option<bool>,
    /// The kinds of the kind texts seen so far.
    kinds: KindMemo,
}

/// The prefix of NetBox custom fields' keys.
const CUSTOM: &str = "custom_fields.";

impl<'a> Mapper<'a> {
    /// A mapper for one file.
    pub fn new(columns: &'a Columns) -> Self {
        Mapper {
            columns,
            dates: None,
            cache: Vec::new(),
            netbox: None,
            kinds: KindMemo::default(),
        }
    }

    /// Reads `NN/NN/YYYY` dates in this order (`[dates] order`); without
    /// one, ambiguous dates are reported.
    pub fn with_dates(mut self, order: Option<DateOrder>) -> Self {
        self.dates = order;
        self
    }

    /// Whether the file is NetBox's device export, once a record is mapped.
    pub fn netbox(&self) -> Option<bool> {
        self.netbox
    }

    /// Takes the file's NetBox-ness as already known (from its first
    /// record), for a mapper of a later part of the file.
    pub fn with_netbox(mut self, netbox: Option<bool>) -> Self {
        self.netbox = netbox;
        self
    }

    fn field_for(&mut self, position: usize, key: &str) -> Option<AssetField> {
        match self.cache.get(position) {
            Some((cached, field)) if cached == key => *field,
            _ => {
                let lookup = |k: &str| match self.netbox {
                    Some(true) => self.columns.field_for_netbox(k),
                    _ => self.columns.field_for(k),
                };
                let field = lookup(key).or_else(|| key.strip_prefix(CUSTOM).and_then(lookup));
                if position < self.cache.len() {
                    self.cache[position] = (key.to_string(), field);
                } else if position == self.cache.len() {
                    self.cache.push((key.to_string(), field));
                }
                field
            }
        }
    }

    /// Maps a record's keys to canonical asset fields and parses their values.
    pub fn asset(&mut self, mut record: Record) -> (Asset, Vec<Problem>) {
        let netbox = *self.netbox.get_or_insert_with(|| {
            is_netbox_devices(record.entries.iter().map(|(k, _)| k.value.as_str()))
        });
        if netbox {
            // NetBox 2.11 to 3.1 exported an empty cell as the table's
            // placeholder, an em dash (netbox-community/netbox#8391).
            for (_, v) in &mut record.entries {
                if matches!(&v.value, RawValue::Str(s) if matches!(s.trim(), "—" | "&mdash;")) {
                    v.value = RawValue::Null;
                }
            }
        }
        let dates = self.dates;
        let mut kinds = std::mem::take(&mut self.kinds);
        let (mut asset, problems) =
            map_asset(record, dates, &mut kinds, |i, key| self.field_for(i, key));
        self.kinds = kinds;
        if netbox {
            netbox_export(&mut asset);
        }
        (asset, problems)
    }
}

/// What a NetBox device export means beyond its headers: the id falls back
/// to the name, then to NetBox's `ID`; the IP address loses its `/prefix`.
fn netbox_export(asset: &mut Asset) {
    if asset.get(AssetField::Id).is_none() {
        let id = asset.get(AssetField::Hostname).cloned().or_else(|| {
            let (_, numeric) = asset.extra.iter().find(|(k, _)| normalize(k) == "id")?;
            Some(numeric.clone().map(Value::Str))
        });
        if let Some(id) = id {
            asset.set(AssetField::Id, id);
        }
    }
    if let Some(ip) = asset.get(AssetField::Ip) {
        if let Value::Str(text) = &ip.value {
            if let Some((addr, _)) = text.split_once('/') {
                let addr = addr.trim().to_string();
                let at = asset
                    .snippet
                    .slice(&ip.span)
                    .and_then(|raw| raw.find(addr.as_str()));
                let span = match at {
                    Some(at) => ip.span.start + at..ip.span.start + at + addr.len(),
                    None => ip.span.clone(),
                };
                asset.set(AssetField::Ip, Spanned::new(Value::Str(addr), span));
            }
        }
    }
}

/// Why a value was not read.
struct Bad {
    code: Code,
    /// The message, when not the usual "could not be read as".
    message: Option<String>,
    label: String,
}

impl From<String> for Bad {
    fn from(label: String) -> Self {
        Bad {
            code: Code::InvalidValue,
            message: None,
            label,
        }
    }
}

fn map_asset(
    record: Record,
    dates: Option<DateOrder>,
    kinds: &mut KindMemo,
    mut field_for: impl FnMut(usize, &str) -> Option<AssetField>,
) -> (Asset, Vec<Problem>) {
    let mut asset = Asset::new(record.line, record.span, record.snippet);
    let mut problems = Vec::new();
    for (position, (key, value)) in record.entries.into_iter().enumerate() {
        let field = field_for(position, &key.value).filter(|f| asset.get(*f).is_none());
        let Some(field) = field else {
            if let Some(text) = into_text_form(value) {
                asset.extra.push((key.value, text));
            }
            continue;
        };
        // A NetBox custom field fills its field and stays in `extra` too.
        let custom = if key.value.starts_with(CUSTOM) {
            text_form(&value)
        } else {
            None
        };
        let span = value.span.clone();
        match convert(field, value, &asset.snippet, dates, kinds) {
            Ok(Some(v)) => {
                if let Some(text) = custom {
                    asset.extra.push((key.value.clone(), text));
                }
                asset.set(field, v)
            }
            Ok(None) => {}
            Err(bad) => problems.push(Problem {
                code: bad.code,
                dropped: false,
                message: bad.message.unwrap_or_else(|| {
                    format!("`{}` could not be read as {}", key.value, field.ty())
                }),
                snippet: asset.snippet.clone(),
                span,
                label: bad.label,
            }),
        }
    }
    (asset, problems)
}

/// The canonical kinds of the kind texts a file repeats, so that each
/// distinct text is normalised once ([`kinds::normalize`]). Bounded: cleared
/// when it holds [`KindMemo::LIMIT`] texts.
#[derive(Default)]
struct KindMemo {
    map: std::collections::HashMap<Box<str>, Box<str>>,
}

impl KindMemo {
    const LIMIT: usize = 256;

    fn normalize(&mut self, text: &str) -> String {
        if let Some(kind) = self.map.get(text) {
            return kind.to_string();
        }
        let kind = kinds::normalize(text);
        if self.map.len() >= Self::LIMIT {
            self.map.clear();
        }
        self.map.insert(text.into(), kind.as_str().into());
        kind
    }
}

/// Reads one canonical field's value: `Ok(None)` when it is empty.
fn convert(
    field: AssetField,
    value: Spanned<RawValue>,
    snippet: &Snippet,
    dates: Option<DateOrder>,
    kinds: &mut KindMemo,
) -> Result<Option<Spanned<Value>>, Bad> {
    match field.ty() {
        Type::StrList => {
            let split: &[char] = &[',', ';', '|', ' ', '\t', '\n', '\r'];
            let span = value.span.clone();
            let items = into_list(value, snippet, split)?;
            Ok((!items.is_empty()).then(|| Spanned::new(Value::List(items), span)))
        }
        Type::Bool => {
            if let RawValue::Bool(b) = value.value {
                return Ok(Some(Spanned::new(Value::Bool(b), value.span)));
            }
            let Some(text) = text_ref(&value)? else {
                return Ok(None);
            };
            match parse_bool(&text) {
                Some(b) => Ok(Some(Spanned::new(Value::Bool(b), value.span))),
                None => Err(format!(
                    "{:?} is not a yes/no value (true/false, yes/no, y/n, 1/0)",
                    text
                )
                .into()),
            }
        }
        Type::Date => {
            let Some(text) = text_ref(&value)? else {
                return Ok(None);
            };
            match parse_date(&text, dates) {
                Ok(d) => Ok(Some(Spanned::new(Value::Date(d), value.span))),
                Err(DateError::Ambiguous { day_first, month_first }) => Err(Bad {
                    code: Code::AmbiguousDate,
                    message: Some(format!(
                        "{:?} could be {} (day first) or {} (month first)",
                        text,
                        long_date(day_first),
                        long_date(month_first)
                    )),
                    label: "ambiguous date, left unset".into(),
                }),
                Err(DateError::Invalid(Some(order))) => Err(format!(
                    "{:?} is not a date when read {} ({}, as [dates] order says)",
                    text,
                    order.name().replace('-', " "),
                    order.pattern()
                )
                .into()),
                Err(DateError::Invalid(None)) => Err(format!(
                    "{:?} is not a date (YYYY-MM-DD, YYYY/MM/DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY)",
                    text
                )
                .into()),
            }
        }
        _ => {
            if field == AssetField::Kind {
                let Some(text) = text_ref(&value)? else {
                    return Ok(None);
                };
                return Ok(Some(Spanned::new(
                    Value::Str(kinds.normalize(&text)),
                    value.span,
                )));
            }
            let Some(text) = into_text(value, field != AssetField::Vendor)? else {
                return Ok(None);
            };
            Ok(Some(text.map(Value::Str)))
        }
    }
}

/// [`text`], taking the value: a string already trimmed is moved, not
/// copied. With `placeholders`, a placeholder is `None`.
fn into_text(
    value: Spanned<RawValue>,
    placeholders: bool,
) -> Result<Option<Spanned<String>>, String> {
    match value.value {
        RawValue::Str(mut s) => {
            let t = trim(&s);
            if t.is_empty() || (placeholders && is_placeholder(t)) {
                return Ok(None);
            }
            if t.len() != s.len() {
                s = t.to_string();
            }
            Ok(Some(Spanned::new(s, value.span)))
        }
        RawValue::Number(n) => {
            if placeholders && is_placeholder(&n) {
                return Ok(None);
            }
            Ok(Some(Spanned::new(n, value.span)))
        }
        RawValue::Null => Ok(None),
        _ if placeholders => text(&value),
        _ => text_as_written(&value),
    }
}

/// [`text`] without copying the text: `None` when empty, null or a
/// placeholder.
fn text_ref(value: &Spanned<RawValue>) -> Result<Option<std::borrow::Cow<'_, str>>, String> {
    use std::borrow::Cow;
    match &value.value {
        RawValue::Str(s) => {
            let t = trim(s);
            Ok((!t.is_empty() && !is_placeholder(t)).then_some(Cow::Borrowed(t)))
        }
        RawValue::Number(n) => Ok((!is_placeholder(n)).then_some(Cow::Borrowed(n.as_str()))),
        RawValue::Null => Ok(None),
        _ => Ok(text(value)?.map(|t| Cow::Owned(t.value))),
    }
}

/// [`text_form`], taking the value (a trimmed string is moved, not copied).
fn into_text_form(value: Spanned<RawValue>) -> Option<Spanned<String>> {
    match value.value {
        RawValue::Null => None,
        // A number is kept as written, a placeholder too (see `text_form`).
        RawValue::Number(n) => Some(Spanned::new(n, value.span)),
        RawValue::Str(_) => into_text(value, true).ok().flatten(),
        _ => text_form(&value),
    }
}

/// A scalar value as trimmed text (`None` when empty, null or a
/// [placeholder](PLACEHOLDERS)); a map stands for its `name` or `slug`; a
/// list is an error.
fn text(value: &Spanned<RawValue>) -> Result<Option<Spanned<String>>, String> {
    Ok(text_as_written(value)?.filter(|t| !is_placeholder(&t.value)))
}

/// [`text`], placeholders included.
fn text_as_written(value: &Spanned<RawValue>) -> Result<Option<Spanned<String>>, String> {
    match &value.value {
        RawValue::Null => Ok(None),
        RawValue::Bool(b) => Ok(Some(Spanned::new(b.to_string(), value.span.clone()))),
        RawValue::Number(n) => Ok(Some(Spanned::new(n.clone(), value.span.clone()))),
        RawValue::Str(s) => {
            let t = trim(s);
            Ok((!t.is_empty()).then(|| Spanned::new(t.to_string(), value.span.clone())))
        }
        RawValue::Map(entries) => {
            let named = ["name", "slug"]
                .iter()
                .find_map(|k| entries.iter().find(|(key, _)| key.value == *k));
            match named {
                Some((_, v)) if !matches!(v.value, RawValue::Map(_) | RawValue::List(_)) => {
                    text_as_written(v)
                }
                _ => Err("a map here needs a `name` or `slug` key".into()),
            }
        }
        RawValue::List(_) => Err("a list is not allowed here".into()),
    }
}

/// Any value as text, for `extra`: lists joined with `, `, maps by their
/// `name`/`slug` or else as `key: value` pairs.
fn text_form(value: &Spanned<RawValue>) -> Option<Spanned<String>> {
    fn render(v: &RawValue) -> String {
        match v {
            RawValue::Null => String::new(),
            RawValue::Bool(b) => b.to_string(),
            RawValue::Number(n) | RawValue::Str(n) => n.clone(),
            RawValue::List(items) => items
                .iter()
                .map(|i| render(&i.value))
                .collect::<Vec<_>>()
                .join(", "),
            RawValue::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.value, render(&v.value)))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
        }
    }
    if let Ok(Some(t)) = text(value) {
        return Some(t);
    }
    match &value.value {
        RawValue::Null => None,
        RawValue::Str(s) if s.trim().is_empty() || is_placeholder(s) => None,
        v => Some(Spanned::new(render(v), value.span.clone())),
    }
}

/// A list value: a list's items, or a text split on `seps`, each item with
/// its own span (exact when the text is written as is in the file; else
/// each item points at the whole value).
fn list(
    value: &Spanned<RawValue>,
    snippet: &Snippet,
    seps: &[char],
) -> Result<Vec<Spanned<String>>, String> {
    if let RawValue::List(items) = &value.value {
        let mut out = Vec::new();
        for item in items {
            out.extend(list(item, snippet, seps)?);
        }
        return Ok(out);
    }
    let Some(text) = text_ref(value)? else {
        return Ok(Vec::new());
    };
    // Where the text sits in the file, if it is written there unescaped.
    let base = snippet.slice(&value.span).and_then(|raw| {
        let at = if raw.len() == text.len() {
            (raw == text).then_some(0)
        } else {
            raw.find(&*text)
        };
        at.map(|at| value.span.start + at)
    });
    let mut out = Vec::new();
    let mut at = 0;
    for part in text.split(seps) {
        let mut start = at;
        at += part.len() + 1;
        start += part.len() - part.trim_start().len();
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let span: Span = match base {
            Some(b) => b + start..b + start + part.len(),
            None => value.span.clone(),
        };
        out.push(Spanned::new(part.to_string(), span));
    }
    Ok(out)
}

/// [`list`], taking the value: a text that is one whole item is moved, not
/// copied.
fn into_list(
    value: Spanned<RawValue>,
    snippet: &Snippet,
    seps: &[char],
) -> Result<Vec<Spanned<String>>, String> {
    let whole = match &value.value {
        RawValue::Str(s) => {
            !s.is_empty()
                && !has_sep(s, seps)
                && trim(s).len() == s.len()
                && !is_placeholder(s)
                && snippet.slice(&value.span) == Some(s.as_str())
        }
        _ => false,
    };
    match value.value {
        RawValue::Str(s) if whole => Ok(vec![Spanned::new(s, value.span)]),
        other => list(&Spanned::new(other, value.span), snippet, seps),
    }
}

/// `true/false`, `yes/no`, `y/n`, `1/0`, any case.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    let is = |words: &[&str]| words.iter().any(|w| w.eq_ignore_ascii_case(t));
    if is(&["true", "yes", "y", "1"]) {
        Some(true)
    } else if is(&["false", "no", "n", "0"]) {
        Some(false)
    } else {
        None
    }
}

/// Why [`parse_date`] read no date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not a date; with the order it was read in, if that mattered.
    Invalid(Option<DateOrder>),
    /// `NN/NN/YYYY` with no order given, and both orders give a date.
    Ambiguous {
        /// The date read day first.
        day_first: Date,
        /// The date read month first.
        month_first: Date,
    },
}

/// A date as registers write it: `YYYY-MM-DD`, `YYYY/MM/DD`, an ISO
/// date-time's date part, `DD.MM.YYYY`, or `NN/NN/YYYY` and `NN-NN-YYYY`
/// in `order` (without one: only when it can mean one day).
pub fn parse_date(text: &str, order: Option<DateOrder>) -> Result<Date, DateError> {
    let t = trim(text);
    let invalid = Err(DateError::Invalid(None));
    // The common `YYYY-MM-DD`, read directly (as the general path below
    // would read it).
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *t.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if digits.iter().all(u8::is_ascii_digit) {
            let n = |bytes: &[u8]| {
                bytes
                    .iter()
                    .fold(0i16, |n, &b| n * 10 + i16::from(b - b'0'))
            };
            return Date::new(
                n(&digits[..4]),
                n(&digits[4..6]) as i8,
                n(&digits[6..]) as i8,
            )
            .map_err(|_| DateError::Invalid(None));
        }
    }
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let short = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let ymd = |y: &str, m: &str, d: &str| -> Option<Date> {
        if !digits(y, 4) || !short(m) || !short(d) {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
    };
    // An ISO date-time: keep its date part.
    let t = match t.get(..10) {
        Some(head) if t.len() > 10 && matches!(t.as_bytes().get(10), Some(b'T' | b't' | b' ')) => {
            head
        }
        _ => t,
    };
    for sep in ['-', '/', '.'] {
        let mut parts = t.split(sep);
        let (Some(a), Some(b), Some(c), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if digits(a, 4) && sep != '.' {
            return ymd(a, b, c).ok_or(DateError::Invalid(None));
        }
        if !digits(c, 4) {
            continue;
        }
        if sep == '.' {
            return ymd(c, b, a).ok_or(DateError::Invalid(None));
        }
        return match order {
            Some(DateOrder::DayFirst) => ymd(c, b, a),
            Some(DateOrder::MonthFirst) => ymd(c, a, b),
            None => match (ymd(c, b, a), ymd(c, a, b)) {
                (Some(day_first), Some(month_first)) if day_first != month_first => {
                    return Err(DateError::Ambiguous {
                        day_first,
                        month_first,
                    })
                }
                (Some(d), _) | (None, Some(d)) => Some(d),
                (None, None) => None,
            },
        }
        .ok_or(DateError::Invalid(order));
    }
    invalid
}

/// A date as `3 April 2021`, to say which day a reading means.
fn long_date(d: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS[(d.month() as usize).clamp(1, 12) - 1];
    format!("{} {month} {}", d.day(), d.year())
}

/// `[sites.fields]`: where a site's sensitivity and sector come from, each a
/// list of sources tried in order before the site's own `sensitivity` /
/// `sector` columns. A source is a key (matched like a header: `tags`,
/// `Security Level`) or a path into nested maps: `custom_fields.NAME`,
/// `region.slug`/`.name`, `group.slug`/`.name`, `tenant.slug`/`.name`,
/// `status.value`/`.label` (NetBox sites). The first source with a value
/// gives it; from a list (`tags`), the sensitivity is the first item that
/// is a level of the ladder and the sector the first item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteFields {
    /// Sources of `sensitivity`.
    pub sensitivity: Vec<String>,
    /// Sources of `sector`.
    pub sector: Vec<String>,
}

impl Default for SiteFields {
    /// NetBox custom fields named `sensitivity` and `sector`.
    fn default() -> Self {
        SiteFields {
            sensitivity: vec!["custom_fields.sensitivity".into()],
            sector: vec!["custom_fields.sector".into()],
        }
    }
}

/// The nested maps a dotted source may name, with the keys it may read.
const SOURCE_PATHS: &[(&str, &[&str])] = &[
    ("region", &["slug", "name"]),
    ("group", &["slug", "name"]),
    ("tenant", &["slug", "name"]),
    ("status", &["value", "label"]),
];

/// Checks a `[sites.fields]` source (see [`SiteFields`]): `Err` says why it
/// is not one.
pub fn check_source(source: &str) -> Result<(), String> {
    let Some((head, rest)) = source.split_once('.') else {
        return if source.trim().is_empty() {
            Err("a source cannot be empty".into())
        } else {
            Ok(())
        };
    };
    if head == "custom_fields" {
        return if rest.trim().is_empty() {
            Err("`custom_fields.` needs a custom field's name".into())
        } else {
            Ok(())
        };
    }
    match SOURCE_PATHS.iter().find(|(h, _)| *h == head) {
        Some((_, keys)) if keys.contains(&rest) => Ok(()),
        Some((_, keys)) => Err(format!(
            "`{head}` has {}",
            keys.iter()
                .map(|k| format!("`{head}.{k}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        )),
        None => Err(format!(
            "a path starts with custom_fields, {}",
            SOURCE_PATHS
                .iter()
                .map(|(h, _)| *h)
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The value a source names in a record's entries.
fn source<'a>(
    entries: &'a [(Spanned<String>, Spanned<RawValue>)],
    source: &str,
) -> Option<&'a Spanned<RawValue>> {
    let whole = normalize(source);
    if let Some((_, v)) = entries.iter().find(|(k, _)| same_key(&k.value, &whole)) {
        return Some(v);
    }
    let mut path = source.split('.');
    let head = normalize(path.next()?);
    let mut value = &entries.iter().find(|(k, _)| same_key(&k.value, &head))?.1;
    for step in path {
        let RawValue::Map(inner) = &value.value else {
            return None;
        };
        let step = normalize(step);
        value = &inner.iter().find(|(k, _)| same_key(&k.value, &step))?.1;
    }
    Some(value)
}

/// Whether `key` [normalises](normalize) to `normalized`, without making
/// its normal form.
fn same_key(key: &str, normalized: &str) -> bool {
    let mut rest = normalized.chars();
    let folded = key
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.') && !c.is_whitespace())
        .flat_map(char::to_lowercase);
    for c in folded {
        if rest.next() != Some(c) {
            return false;
        }
    }
    rest.next().is_none()
}

/// The first value the sources give; from a list, the first item that
/// `accept`s.
fn from_sources(
    entries: &[(Spanned<String>, Spanned<RawValue>)],
    sources: &[String],
    accept: impl Fn(&str) -> bool,
) -> Option<Spanned<String>> {
    for name in sources {
        let Some(value) = source(entries, name) else {
            continue;
        };
        let found = match &value.value {
            RawValue::List(items) => items
                .iter()
                .filter_map(|i| text(i).ok().flatten())
                .find(|t| accept(&t.value)),
            _ => text(value).ok().flatten(),
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Maps a record to a site; a record without an id is a problem.
///
/// Keys (matched like headers): `id`/`site`/`site id`/`site code`/`code`,
/// `name`/`site name`, `sensitivity`/`sensitivity level`/`classification`/
/// `security level`,
/// `sector`, `tags`/`tag` (a list, or text split on `,` `;` `|`),
/// `parent`/`parent site`/`parent id`, `cidrs`/`cidr`/`subnets`/`subnet`.
/// Other keys are ignored. Sensitivity and sector are read from the
/// default [`SiteFields`] first; see [`site_with`].
pub fn site(record: Record, _columns: &Columns) -> Result<(Site, Vec<Problem>), Problem> {
    site_with(record, &SiteFields::default(), &Ladder::default())
}

/// Like [`site`], with the `[sites.fields]` sources for sensitivity and
/// sector (tried before the site's own columns) and the ladder a list
/// source's levels are picked by.
pub fn site_with(
    record: Record,
    fields: &SiteFields,
    ladder: &Ladder,
) -> Result<(Site, Vec<Problem>), Problem> {
    let snippet = record.snippet.clone();
    let mut problems = Vec::new();
    let mut site = Site {
        line: record.line,
        span: record.span.clone(),
        snippet: record.snippet,
        id: Spanned::new(String::new(), record.span.clone()),
        name: None,
        sensitivity: None,
        sector: None,
        tags: Vec::new(),
        parent: None,
        cidrs: Vec::new(),
    };
    let mut id = None;
    let invalid = |key: &Spanned<String>, value: &Spanned<RawValue>, label: String| Problem {
        code: Code::InvalidValue,
        dropped: false,
        message: format!("`{}` could not be read", key.value),
        snippet: snippet.clone(),
        span: value.span.clone(),
        label,
    };
    for (key, value) in &record.entries {
        let slot = match normalize(&key.value).as_str() {
            "id" | "site" | "siteid" | "sitecode" | "code" => &mut id,
            "name" | "sitename" => &mut site.name,
            "sensitivity" | "sensitivitylevel" | "classification" | "securitylevel" => {
                &mut site.sensitivity
            }
            "sector" => &mut site.sector,
            "parent" | "parentsite" | "parentid" => &mut site.parent,
            k @ ("tags" | "tag" | "cidrs" | "cidr" | "subnets" | "subnet") => {
                let tags = k.starts_with("tag");
                let seps: &[char] = if tags {
                    &[',', ';', '|']
                } else {
                    &[',', ';', '|', ' ', '\t', '\n']
                };
                match list(value, &snippet, seps) {
                    Ok(items) => {
                        let items = items.into_iter().map(|i| {
                            let t = i.value.trim().to_string();
                            Spanned::new(t, i.span)
                        });
                        let items = items.filter(|i| !i.value.is_empty());
                        if tags {
                            site.tags.extend(items);
                        } else {
                            site.cidrs.extend(items);
                        }
                    }
                    Err(label) => problems.push(invalid(key, value, label)),
                }
                continue;
            }
            _ => continue,
        };
        if slot.is_some() {
            continue;
        }
        match text(value) {
            Ok(t) => *slot = t,
            Err(label) => problems.push(invalid(key, value, label)),
        }
    }
    if let Some(level) = from_sources(&record.entries, &fields.sensitivity, |t| {
        ladder.rank(t).is_some()
    }) {
        site.sensitivity = Some(level);
    }
    if let Some(sector) = from_sources(&record.entries, &fields.sector, |_| true) {
        site.sector = Some(sector);
    }
    match id {
        Some(id) => {
            site.id = id;
            Ok((site, problems))
        }
        None => Err(Problem {
            code: Code::MissingId,
            dropped: false,
            message: "a site has no id".into(),
            snippet,
            span: site.span,
            label: "no `id` (or `site`, `site code`) in this site".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A record over `text`, one entry per `key=value` (values found in it).
    fn record(text: &str, pairs: &[(&str, RawValue)]) -> Record {
        let snippet = Snippet::whole("t".into(), Arc::from(text));
        let mut from = 0;
        let entries = pairs
            .iter()
            .map(|(k, v)| {
                let shown = match v {
                    RawValue::Str(s) | RawValue::Number(s) => s.clone(),
                    _ => String::new(),
                };
                let at = text[from..].find(&shown).map_or(0, |i| i + from);
                from = at + shown.len();
                (
                    Spanned::new(k.to_string(), 0..0),
                    Spanned::new(v.clone(), at..at + shown.len()),
                )
            })
            .collect();
        Record {
            line: 1,
            span: 0..text.len(),
            entries,
            snippet,
        }
    }

    fn s(v: &str) -> RawValue {
        RawValue::Str(v.into())
    }

    #[test]
    fn asset_fields_and_extra() {
        let text = "A1,IP Camera,Hikvision,aa:bb; cc:dd,2021-03-04,yes,Note";
        let r = record(
            text,
            &[
                ("Asset Tag", s("A1")),
                ("Device Type", s("IP Camera")),
                ("Manufacturer", s("Hikvision")),
                ("MAC", s("aa:bb; cc:dd")),
                ("Install Date", s("2021-03-04")),
                ("Public", s("yes")),
                ("Comments", s("Note")),
            ],
        );
        let (a, p) = asset(r, &Columns::default());
        assert!(p.is_empty());
        assert_eq!(a.id(), Some("A1"));
        assert_eq!(a.text(AssetField::Kind).unwrap().value, "camera");
        let kind = a.get(AssetField::Kind).unwrap();
        assert_eq!(&text[kind.span.clone()], "IP Camera");
        match &a.get(AssetField::Mac).unwrap().value {
            Value::List(items) => {
                let got: Vec<_> = items
                    .iter()
                    .map(|i| (&*i.value, &text[i.span.clone()]))
                    .collect();
                assert_eq!(got, [("aa:bb", "aa:bb"), ("cc:dd", "cc:dd")]);
            }
            v => panic!("{v:?}"),
        }
        assert_eq!(
            a.get(AssetField::Installed).unwrap().value,
            Value::Date(Date::new(2021, 3, 4).unwrap())
        );
        assert_eq!(
            a.get(AssetField::InternetFacing).unwrap().value,
            Value::Bool(true)
        );
        assert_eq!(a.extra("comments").unwrap().value, "Note");
    }

    #[test]
    fn invalid_values_are_problems_and_unset() {
        let text = "soon,maybe";
        let r = record(
            text,
            &[("installed", s("soon")), ("internet facing", s("maybe"))],
        );
        let (a, p) = asset(r, &Columns::default());
        assert!(a.get(AssetField::Installed).is_none());
        assert!(a.get(AssetField::InternetFacing).is_none());
        let spans: Vec<_> = p.iter().map(|p| (p.code, &text[p.span.clone()])).collect();
        assert_eq!(
            spans,
            [(Code::InvalidValue, "soon"), (Code::InvalidValue, "maybe")]
        );
    }

    #[test]
    fn empty_id_stays_unset_and_maps_give_their_name() {
        let name = RawValue::Map(vec![(
            Spanned::new("name".into(), 0..0),
            Spanned::new(s("HQ"), 0..2),
        )]);
        let r = record("HQ", &[("id", RawValue::Null), ("site", name)]);
        let (a, p) = asset(r, &Columns::default());
        assert!(p.is_empty());
        assert_eq!(a.id(), None);
        assert_eq!(a.text(AssetField::Site).unwrap().value, "HQ");
    }

    #[test]
    fn netbox_export_headers() {
        let text = "cam-01,Active,Whitehall,CCTV Camera,Hikvision,DS-2CD2143G2-I,10.20.0.11/24,7";
        let row = |tag: RawValue| {
            record(
                text,
                &[
                    ("Name", s("cam-01")),
                    ("Status", s("Active")),
                    ("Site", s("Whitehall")),
                    ("Role", s("CCTV Camera")),
                    ("Manufacturer", s("Hikvision")),
                    ("Type", s("DS-2CD2143G2-I")),
                    ("IP Address", s("10.20.0.11/24")),
                    ("ID", RawValue::Number("7".into())),
                    ("Asset tag", tag),
                ],
            )
        };
        let columns = Columns::default();
        let mut mapper = Mapper::new(&columns);
        let (a, p) = mapper.asset(row(RawValue::Null));
        assert!(p.is_empty());
        let at = |f| {
            let v = a.get(f).unwrap();
            (v.value.display(), &text[v.span.clone()])
        };
        assert_eq!(at(AssetField::Id), ("cam-01".into(), "cam-01"));
        assert_eq!(at(AssetField::Hostname), ("cam-01".into(), "cam-01"));
        assert_eq!(at(AssetField::Kind), ("camera".into(), "CCTV Camera"));
        assert_eq!(
            at(AssetField::Model),
            ("DS-2CD2143G2-I".into(), "DS-2CD2143G2-I")
        );
        assert_eq!(at(AssetField::Ip), ("10.20.0.11".into(), "10.20.0.11"));
        assert_eq!(a.extra("ID").unwrap().value, "7");
        // With an asset tag, that is the id (the span of "7" stands in here).
        let (a, _) = mapper.asset(row(s("7")));
        assert_eq!(a.id(), Some("7"));
        // Old NetBox wrote an empty asset tag as an em dash.
        let (a, _) = mapper.asset(row(s("—")));
        assert_eq!(a.id(), Some("cam-01"));
        assert_eq!(a.text(AssetField::Hostname).unwrap().value, "cam-01");

        // Without `Role`, a register's `Type` is the kind, as before.
        let r = record(
            "cam-01,IP Camera,Hikvision",
            &[
                ("Name", s("cam-01")),
                ("Type", s("IP Camera")),
                ("Manufacturer", s("Hikvision")),
            ],
        );
        let (a, _) = asset(r, &columns);
        assert_eq!(a.text(AssetField::Kind).unwrap().value, "camera");
        assert_eq!(a.id(), None);
    }

    #[test]
    fn custom_fields_fill_their_field_and_stay_extra() {
        let text = "V5.7.3,4";
        let r = record(
            text,
            &[
                ("custom_fields.firmware", s("V5.7.3")),
                ("custom_fields.rack_unit", s("4")),
            ],
        );
        let (a, p) = asset(r, &Columns::default());
        assert!(p.is_empty());
        let fw = a.get(AssetField::Firmware).unwrap();
        assert_eq!(&text[fw.span.clone()], "V5.7.3");
        assert_eq!(a.extra("custom_fields.firmware").unwrap().value, "V5.7.3");
        assert_eq!(a.extra("custom_fields.rack_unit").unwrap().value, "4");
    }

    #[test]
    fn dates() {
        let d = |y, m, d| Ok(Date::new(y, m, d).unwrap());
        let bad = Err(DateError::Invalid(None));
        assert_eq!(parse_date("2021-03-04", None), d(2021, 3, 4));
        assert_eq!(parse_date("2021/3/4", None), d(2021, 3, 4));
        assert_eq!(parse_date("4.3.2021", None), d(2021, 3, 4));
        assert_eq!(parse_date("2021-03-04T10:00:00Z", None), d(2021, 3, 4));
        assert_eq!(parse_date("2021-03-04 10:00", None), d(2021, 3, 4));
        assert_eq!(parse_date("2021-02-30", None), bad);
        assert_eq!(parse_date("03/04/21", None), bad);
        assert_eq!(parse_date("2021.03.04", None), bad);
        assert_eq!(parse_date("soon", None), bad);
        assert_eq!(parse_date("é", None), bad);
        assert_eq!(parse_date("2021-03-0é", None), bad);
        assert_eq!(parse_date("+1/2/2021", None), bad);
    }

    #[test]
    fn day_and_month_order() {
        let d = |y, m, d| Ok(Date::new(y, m, d).unwrap());
        // Without an order: read when only one reading is a date, or both
        // are the same day; reported when they differ.
        assert_eq!(parse_date("13/04/2021", None), d(2021, 4, 13));
        assert_eq!(parse_date("04/13/2021", None), d(2021, 4, 13));
        assert_eq!(parse_date("01/01/2021", None), d(2021, 1, 1));
        assert_eq!(parse_date("31-12-2021", None), d(2021, 12, 31));
        assert_eq!(
            parse_date("03/04/2021", None),
            Err(DateError::Ambiguous {
                day_first: Date::new(2021, 4, 3).unwrap(),
                month_first: Date::new(2021, 3, 4).unwrap(),
            })
        );
        assert_eq!(
            parse_date("31/02/2021", None),
            Err(DateError::Invalid(None))
        );
        // With one: read in that order; impossible in it is invalid.
        let day = Some(DateOrder::DayFirst);
        let month = Some(DateOrder::MonthFirst);
        assert_eq!(parse_date("03/04/2021", day), d(2021, 4, 3));
        assert_eq!(parse_date("03/04/2021", month), d(2021, 3, 4));
        assert_eq!(parse_date("13/04/2021", day), d(2021, 4, 13));
        assert_eq!(
            parse_date("13/04/2021", month),
            Err(DateError::Invalid(month))
        );
        assert_eq!(parse_date("04/13/2021", day), Err(DateError::Invalid(day)));
        // Year first and dotted dates do not depend on it.
        assert_eq!(parse_date("2021-03-04", month), d(2021, 3, 4));
        assert_eq!(parse_date("03.04.2021", month), d(2021, 4, 3));
    }

    #[test]
    fn ambiguous_and_impossible_dates_are_reported_at_the_value() {
        let text = "A1,03/04/2021";
        let r = || record(text, &[("id", s("A1")), ("Install Date", s("03/04/2021"))]);
        let (a, p) = asset(r(), &Columns::default());
        assert!(a.get(AssetField::Installed).is_none());
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, Code::AmbiguousDate);
        assert_eq!(&text[p[0].span.clone()], "03/04/2021");
        assert_eq!(
            p[0].message,
            r#""03/04/2021" could be 3 April 2021 (day first) or 4 March 2021 (month first)"#
        );
        let columns = Columns::default();
        let (a, p) = Mapper::new(&columns)
            .with_dates(Some(DateOrder::MonthFirst))
            .asset(r());
        assert!(p.is_empty());
        assert_eq!(
            a.get(AssetField::Installed).unwrap().value,
            Value::Date(Date::new(2021, 3, 4).unwrap())
        );
    }

    #[test]
    fn placeholders_are_missing_except_in_vendor() {
        let text = "N/A,-,(empty),—,null,n/a,Notes: NA";
        let r = record(
            text,
            &[
                ("vendor", s("N/A")),
                ("site", s("-")),
                ("installed", s("(empty)")),
                ("internet facing", s("—")),
                ("mac", s("null")),
                ("Comments", s("n/a")),
                ("Notes", s("NA")),
            ],
        );
        let (a, p) = asset(r, &Columns::default());
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(a.text(AssetField::Vendor).unwrap().value, "N/A");
        for f in [
            AssetField::Site,
            AssetField::Installed,
            AssetField::InternetFacing,
            AssetField::Mac,
        ] {
            assert!(a.get(f).is_none(), "{f:?}");
        }
        assert!(a.extra("comments").is_none());
        assert_eq!(a.extra("notes").unwrap().value, "NA");
        for t in ["NA", "none", "unknown", "TBC", "0", "", "N/A N/A"] {
            assert!(!is_placeholder(t), "{t}");
        }
        for t in [" N/A ", "#N/A", "(Blank)", "NULL", "--", "\u{2013}"] {
            assert!(is_placeholder(t), "{t}");
        }
    }

    #[test]
    fn header_rows() {
        let pick = |rows: &[&[&str]]| header_row(rows.iter().map(|r| r.iter().copied()));
        // A title row and a blank row above the header.
        let title: &[&[&str]] = &[
            &["Asset register – Northfield Council", "", ""],
            &["", "", ""],
            &["Asset Tag", "Make", "Site Code"],
            &["NBC-1", "Axis", "HQ"],
        ];
        assert_eq!(pick(title), Some(2));
        // A two-cell title row loses to the row naming fields.
        let wide_title: &[&[&str]] = &[
            &["Northfield Council", "Exported 2024-05-01"],
            &["Asset Tag", "Make", "Site Code"],
            &["NBC-1", "Axis", "HQ"],
        ];
        assert_eq!(pick(wide_title), Some(1));
        // Headers the table does not know: the first row with two cells.
        let custom: &[&[&str]] = &[&["Register"], &["Ref", "Make of unit"], &["1", "Axis"]];
        assert_eq!(pick(custom), Some(1));
        // One column only: no header row found (the caller decides).
        assert_eq!(pick(&[&["id"], &["1"]]), None);
        assert_eq!(pick(&[]), None);
    }

    #[test]
    fn bools() {
        for t in ["true", "Yes", "Y", "1"] {
            assert_eq!(parse_bool(t), Some(true));
        }
        for t in ["FALSE", "no", "n", "0"] {
            assert_eq!(parse_bool(t), Some(false));
        }
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn sites() {
        let text = "HQ,Head Office,secret,central-government,a; b,10.0.0.0/8 10.1.0.0/16";
        let r = record(
            text,
            &[
                ("Site Code", s("HQ")),
                ("Site Name", s("Head Office")),
                ("Classification", s("secret")),
                ("sector", s("central-government")),
                ("tags", s("a; b")),
                ("subnets", s("10.0.0.0/8 10.1.0.0/16")),
            ],
        );
        let (site, p) = site(r, &Columns::default()).unwrap();
        assert!(p.is_empty());
        assert_eq!(site.id.value, "HQ");
        assert_eq!(site.name.unwrap().value, "Head Office");
        assert_eq!(site.sensitivity.unwrap().value, "secret");
        let tags: Vec<_> = site
            .tags
            .iter()
            .map(|t| (&*t.value, &text[t.span.clone()]))
            .collect();
        assert_eq!(tags, [("a", "a"), ("b", "b")]);
        assert_eq!(site.cidrs.len(), 2);
        let r = record("x", &[("name", s("x"))]);
        assert_eq!(
            super::site(r, &Columns::default()).unwrap_err().code,
            Code::MissingId
        );
    }

    #[test]
    fn site_sources() {
        let m = |pairs: Vec<(&str, RawValue, Span)>| {
            RawValue::Map(
                pairs
                    .into_iter()
                    .map(|(k, v, at)| (Spanned::new(k.to_string(), 0..0), Spanned::new(v, at)))
                    .collect(),
            )
        };
        let text = "wh Whitehall defence london secret official";
        let custom = m(vec![("sensitivity", RawValue::Null, 0..0)]);
        let group = m(vec![
            ("name", s("Defence"), 0..0),
            ("slug", s("defence"), 13..20),
        ]);
        let tags = RawValue::List(vec![
            Spanned::new(s("london"), 21..27),
            Spanned::new(s("secret"), 28..34),
            Spanned::new(s("official"), 35..43),
        ]);
        let at = |v: RawValue| Spanned::new(v, 0..0);
        let r = Record {
            line: 1,
            span: 0..text.len(),
            entries: vec![
                (Spanned::new("id".into(), 0..0), Spanned::new(s("wh"), 0..2)),
                (Spanned::new("custom_fields".into(), 0..0), at(custom)),
                (Spanned::new("group".into(), 0..0), at(group)),
                (Spanned::new("tags".into(), 0..0), at(tags)),
                (
                    Spanned::new("sector".into(), 0..0),
                    Spanned::new(s("x"), 0..0),
                ),
            ],
            snippet: Snippet::whole("t".into(), Arc::from(text)),
        };
        // Defaults: a null custom field gives nothing; the `sector` column does.
        let (site, p) = site_with(r.clone(), &SiteFields::default(), &Ladder::default()).unwrap();
        assert!(p.is_empty());
        assert_eq!(site.sensitivity, None);
        assert_eq!(site.sector.unwrap().value, "x");
        let fields = SiteFields {
            sensitivity: vec!["custom_fields.sensitivity".into(), "tags".into()],
            sector: vec!["custom_fields.sector".into(), "group.slug".into()],
        };
        let (site, _) = site_with(r, &fields, &Ladder::default()).unwrap();
        // The first tag that is a level; the group's slug, over the column.
        let level = site.sensitivity.unwrap();
        assert_eq!((&*level.value, &text[level.span]), ("secret", "secret"));
        let sector = site.sector.unwrap();
        assert_eq!((&*sector.value, &text[sector.span]), ("defence", "defence"));
        assert!(check_source("group.slug").is_ok());
        assert!(check_source("Security Level").is_ok());
        assert!(check_source("custom_fields.").is_err());
        assert!(check_source("group.color").is_err());
        assert!(check_source("site.slug").is_err());
    }
}
