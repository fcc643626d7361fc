//! Spreadsheet registers: `.xlsx`, `.xlsm`, `.xls` and `.ods` workbooks,
//! read with `calamine`.
//!
//! A workbook is a zip (or an OLE file), so there are no bytes of it to
//! underline. Instead every data row becomes one line of synthetic text that
//! names each cell before its value:
//!
//! ```text
//! Assets!A14: CAM-014 | B14: Hikvision | C14: DS-2CD2143G2 | D14: 2021-03-04
//! ```
//!
//! The line is the record's snippet (named as the file, so waivers and
//! baselines keyed by path keep working), the record's `line` is the
//! spreadsheet row number, and each value's span covers the value right
//! after its cell reference. A diagnostic therefore reads
//! `register.xlsx:14:…` and shows that line with the value underlined, its
//! cell reference (`C14`) just before it and the sheet at the line's start;
//! the column it prints counts characters in the line.
//! Snippets of successive rows sit at increasing offsets, as if the lines
//! were one text.
//!
//! Each sheet is read in workbook order (only those matching `[workbooks]
//! sheets` when the config names some; a workbook where none match is a
//! problem, never a silent pass); empty sheets are skipped. The header row
//! is the one [`fields::header_row`] picks from the text cells (among the
//! first rows, the one naming the most known asset fields, else the first
//! row with at least two non-empty text cells), so a title row or blank
//! rows above it are passed over, as in CSV registers; a sheet with no such
//! row is skipped. Every later row with a value becomes a record. Cells are
//! values, never evaluated: a string
//! such as `=HYPERLINK(…)` stays text. Numbers keep their display form
//! (`42`, not `42.0`), dates become ISO dates (`2026-11-27`, or
//! `2026-11-27T10:30:00` with a time), empty cells are null, and an error
//! cell (`#N/A`) is null with a `malformed-row` problem on it.

use std::fmt::Write as _;
use std::io::{BufRead, Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use calamine::{Data, Reader as _};

use super::{fields, Event, Hint, Problem, Reader};
use crate::diag::Code;
use crate::model::{RawValue, Record};
use crate::source::{Snippet, Spanned};

/// The largest workbook read, in bytes; larger is [`Code::LimitExceeded`].
/// It is held in memory whole while read; 64 MiB is a zipped register of
/// millions of rows.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The most a zipped workbook (`.xlsx`, `.xlsm`, `.ods`) may unpack to, in
/// bytes, counted as its entries are unpacked (not as the zip declares) in
/// a check before it is parsed: more is [`Code::LimitExceeded`] and the
/// workbook is not read. A zip bomb of a few kilobytes can unpack to
/// gigabytes of sheet XML, which the parser would turn into cells in
/// memory; 256 MiB of XML is a register of a few million cells.
pub const MAX_UNPACKED: u64 = 256 * 1024 * 1024;

/// The most entries a zipped workbook may hold: a workbook has a few per
/// sheet, so 10 000 is far beyond a real one, and bounds the work of
/// walking a hostile zip's directory.
pub const MAX_ENTRIES: usize = 10_000;

/// The most an entry of a zipped workbook may unpack to, as a multiple of
/// its packed size, once it unpacks to more than [`RATIO_FROM`] bytes.
/// Sheet XML packs 5 to 50 times smaller; deflate's own limit is about
/// 1000, which only a bomb's run of one repeated byte comes near.
pub const MAX_RATIO: u64 = 200;

/// Entries that unpack to at most this many bytes are not held to
/// [`MAX_RATIO`] (a tiny entry of repeated text may pack very small).
pub const RATIO_FROM: u64 = 1024 * 1024;

/// Reads spreadsheet workbooks.
#[derive(Default)]
pub struct XlsxReader {
    /// The sheets to read (`None`: every sheet).
    pub sheets: Option<globset::GlobSet>,
}

/// The reader of every sheet.
pub static EVERY_SHEET: XlsxReader = XlsxReader { sheets: None };

impl Reader for XlsxReader {
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        input.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_BYTES {
            emit(limit_problem(
                &name,
                format!(
                    "{name} is larger than {} MiB, the most a workbook may be",
                    MAX_BYTES / (1024 * 1024)
                ),
                "workbook too large; not read".into(),
            ));
            return Ok(());
        }
        if let Some(why) = zip_bomb(&bytes, MAX_UNPACKED, MAX_ENTRIES) {
            emit(limit_problem(
                &name,
                format!("{name} {why}"),
                "workbook not read: it could be a zip bomb".into(),
            ));
            return Ok(());
        }
        // The parser works on untrusted zip and XML; should it ever fail
        // by panicking, the file is reported as unreadable instead.
        let mut events = Vec::new();
        let result = catch_unwind(AssertUnwindSafe(|| {
            read_workbook(&name, bytes, self.sheets.as_ref(), &mut |e| events.push(e));
        }));
        match result {
            Ok(()) => events.into_iter().for_each(emit),
            Err(_) => emit(file_problem(
                &name,
                format!("{name} could not be read as a workbook"),
                "unreadable workbook".into(),
            )),
        }
        Ok(())
    }
}

/// A [`Code::LimitExceeded`] problem about the whole file.
fn limit_problem(name: &Arc<str>, message: String, label: String) -> Event {
    let mut event = file_problem(name, message, label);
    if let Event::Problem(p) = &mut event {
        p.code = Code::LimitExceeded;
    }
    event
}

/// Why a zipped workbook is not to be parsed: it holds more than
/// `max_entries` entries, or unpacks to more than `max_unpacked` bytes, or
/// an entry unpacks to more than [`MAX_RATIO`] times its packed size. The
/// entries are unpacked into nothing and counted, so a zip whose directory
/// understates the sizes is caught as well; unpacking stops at the limit,
/// so the check costs at most `max_unpacked` bytes of inflating and no
/// memory. `None` for a workbook that is not a zip, or a zip the parser is
/// left to report on.
fn zip_bomb(bytes: &[u8], max_unpacked: u64, max_entries: usize) -> Option<String> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if zip.len() > max_entries {
        return Some(format!(
            "holds {} zip entries, more than the limit of {max_entries} for a workbook",
            zip.len()
        ));
    }
    let mib = |n: u64| n / (1024 * 1024);
    if let Some(declared) = zip
        .decompressed_size()
        .filter(|&d| d > u128::from(max_unpacked))
    {
        return Some(format!(
            "says it unpacks to {} MiB, more than the limit of {} MiB for a workbook",
            declared / (1024 * 1024),
            mib(max_unpacked)
        ));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else {
            continue;
        };
        let packed = entry.compressed_size();
        let ratio_cap = RATIO_FROM.max(packed.saturating_mul(MAX_RATIO));
        let cap = (max_unpacked - total).min(ratio_cap);
        let name = entry.name().to_string();
        let mut counted = entry.take(cap.saturating_add(1));
        let n = std::io::copy(&mut counted, &mut std::io::sink()).ok()?;
        total += n.min(cap);
        if n > cap && cap == ratio_cap {
            return Some(format!(
                "has an entry, {name:?}, that unpacks to more than {MAX_RATIO} times its packed size of {packed} bytes"
            ));
        }
        if n > cap {
            return Some(format!(
                "unpacks to more than {} MiB, the limit for a workbook",
                mib(max_unpacked)
            ));
        }
    }
    None
}

/// A problem about the whole file, with nothing to underline.
fn file_problem(name: &Arc<str>, message: String, label: String) -> Event {
    Event::Problem(Problem {
        code: Code::ParseError,
        message,
        snippet: Snippet::whole(name.clone(), Arc::from("")),
        span: 0..0,
        label,
        dropped: false,
    })
}

fn read_workbook(
    name: &Arc<str>,
    bytes: Vec<u8>,
    sheets: Option<&globset::GlobSet>,
    emit: &mut dyn FnMut(Event),
) {
    let mut book = match calamine::open_workbook_auto_from_rs(Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            emit(file_problem(
                name,
                format!("{name} is not a readable workbook: {e}"),
                "unreadable workbook".into(),
            ));
            return;
        }
    };
    let names = book.sheet_names();
    let chosen: Vec<String> = match sheets {
        Some(globs) => names
            .iter()
            .filter(|s| globs.is_match(s.as_str()))
            .cloned()
            .collect(),
        None => names.clone(),
    };
    if chosen.is_empty() && !names.is_empty() {
        emit(file_problem(
            name,
            format!(
                "no sheet of {name} matches [workbooks] sheets; its sheets are {}",
                names.join(", ")
            ),
            "no sheet read".into(),
        ));
        return;
    }
    // Offset of the next synthetic line, so every row's spans are distinct.
    let mut offset = 0;
    for sheet in chosen {
        let range = match book.worksheet_range(&sheet) {
            Ok(r) => r,
            Err(e) => {
                emit(file_problem(
                    name,
                    format!("sheet {sheet} of {name} cannot be read: {e}"),
                    "unreadable sheet".into(),
                ));
                continue;
            }
        };
        let Some((first_row, first_col)) = range.start() else {
            continue;
        };
        let texts = range.rows().map(|row| {
            row.iter().map(|c| match c {
                Data::String(s) => s.as_str(),
                _ => "",
            })
        });
        let Some(header_at) = fields::header_row(texts) else {
            continue;
        };
        let mut header: Option<Vec<Option<String>>> = None;
        for (i, row) in range.rows().enumerate() {
            let row_number = first_row as usize + i + 1;
            let Some(keys) = &header else {
                if i == header_at {
                    header = Some(
                        row.iter()
                            .map(|c| Some(display(c)?.trim().to_string()).filter(|s| !s.is_empty()))
                            .collect(),
                    );
                }
                continue;
            };
            if row.iter().all(|c| display(c).is_none_or(|s| s.is_empty())) {
                continue;
            }
            let line = RowLine {
                name,
                sheet: &sheet,
                row: row_number,
                first_col: first_col as usize,
                offset,
            };
            let record = line.record(keys, row, emit);
            offset = record.span.end + 1;
            emit(Event::Record(Hint::Unknown, record));
        }
    }
}

/// One data row being turned into a synthetic line and a record.
struct RowLine<'a> {
    name: &'a Arc<str>,
    sheet: &'a str,
    row: usize,
    first_col: usize,
    offset: usize,
}

impl RowLine<'_> {
    fn record(&self, keys: &[Option<String>], row: &[Data], emit: &mut dyn FnMut(Event)) -> Record {
        let mut text = String::new();
        // (key, key span, value, value span, error text), spans local.
        let mut cells = Vec::new();
        for (col, key) in keys.iter().enumerate() {
            let Some(key) = key else { continue };
            let cell = row.get(col).unwrap_or(&Data::Empty);
            if text.is_empty() {
                let _ = write!(text, "{}!", self.sheet);
            } else {
                text.push_str(" | ");
            }
            let ref_start = text.len();
            let _ = write!(text, "{}{}", column_name(self.first_col + col), self.row);
            let ref_span = ref_start..text.len();
            text.push_str(": ");
            let value_start = text.len();
            let (value, error) = match cell {
                Data::Error(e) => {
                    let shown = e.to_string();
                    text.push_str(&shown);
                    (RawValue::Null, Some(shown))
                }
                other => match display(other) {
                    None => (RawValue::Null, None),
                    Some(s) => {
                        text.push_str(&s);
                        let value = match other {
                            Data::Int(_) | Data::Float(_) => RawValue::Number(s),
                            Data::DateTime(d) if d.is_duration() => RawValue::Number(s),
                            Data::Bool(b) => RawValue::Bool(*b),
                            _ => RawValue::Str(s),
                        };
                        (value, None)
                    }
                },
            };
            cells.push((key.clone(), ref_span, value, value_start..text.len(), error));
        }
        let at = |span: std::ops::Range<usize>| span.start + self.offset..span.end + self.offset;
        let snippet = Snippet::part(
            self.name.clone(),
            Arc::from(text.as_str()),
            self.offset,
            self.row,
        );
        let mut entries = Vec::with_capacity(cells.len());
        for (key, key_span, value, value_span, error) in cells {
            if let Some(shown) = error {
                emit(Event::Problem(Problem {
                    code: Code::MalformedRow,
                    message: format!(
                        "cell {}{} holds the spreadsheet error {shown}",
                        self.sheet_prefix(),
                        &text[key_span.clone()]
                    ),
                    snippet: snippet.clone(),
                    span: at(value_span.clone()),
                    label: format!("{shown} is read as an empty {key}"),
                    dropped: false,
                }));
            }
            entries.push((
                Spanned::new(key, at(key_span)),
                Spanned::new(value, at(value_span)),
            ));
        }
        Record {
            line: self.row,
            span: at(0..text.len()),
            entries,
            snippet,
        }
    }

    fn sheet_prefix(&self) -> String {
        format!("{}!", self.sheet)
    }
}

/// A cell's display form; `None` for an empty cell or an error.
fn display(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty | Data::Error(_) => None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(number(*f)),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(d) => {
            if d.is_duration() {
                return Some(number(d.as_f64()));
            }
            match d.as_datetime() {
                Some(dt) if d.as_f64().fract() == 0.0 => Some(dt.date().to_string()),
                Some(dt) => Some(format!("{}T{}", dt.date(), dt.time())),
                None => Some(number(d.as_f64())),
            }
        }
    }
}

/// A number as a spreadsheet shows it: whole numbers without `.0`.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// The spreadsheet name of a 0-based column: `A`, …, `Z`, `AA`, ….
fn column_name(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook, XlsxError};

    /// A small register: a title row and a blank row before the header, a
    /// number id, a date, an empty row, a formula-looking string, an empty
    /// cell, a second sheet and an empty third.
    fn sample() -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let date = CellFormat::new().set_num_format("yyyy-mm-dd");
        let assets = book.add_worksheet().set_name("Assets")?;
        assets.write_string(0, 0, "Council CCTV register")?;
        for (col, h) in [
            "Asset Tag",
            "Manufacturer",
            "Type",
            "Site",
            "Installed",
            "Link",
        ]
        .iter()
        .enumerate()
        {
            assets.write_string(2, col as u16, *h)?;
        }
        assets.write_number(3, 0, 1001.0)?;
        assets.write_string(3, 1, "Hikvision")?;
        assets.write_string(3, 2, "camera")?;
        assets.write_string(3, 3, "S1")?;
        assets.write_datetime_with_format(3, 4, ExcelDateTime::from_ymd(2021, 3, 4)?, &date)?;
        assets.write_string(3, 5, "=HYPERLINK(\"http://x\",\"x\")")?;
        // Row 5 is left empty.
        assets.write_string(5, 0, "CAM-2")?;
        assets.write_string(5, 1, "Axis")?;
        assets.write_string(5, 2, "camera")?;
        assets.write_string(5, 3, "S2")?;
        let more = book.add_worksheet().set_name("Depot")?;
        for (col, h) in ["Asset Tag", "Manufacturer", "Type", "Site"]
            .iter()
            .enumerate()
        {
            more.write_string(0, col as u16, *h)?;
        }
        for (col, v) in ["D-1", "Dahua", "nvr", "S2"].iter().enumerate() {
            more.write_string(1, col as u16, *v)?;
        }
        book.add_worksheet().set_name("Empty")?;
        book.save_to_buffer()
    }

    fn read(bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        let mut input = bytes;
        EVERY_SHEET
            .read("register.xlsx".into(), &mut input, &mut |e| events.push(e))
            .expect("in-memory input");
        events
    }

    fn shown(r: &Record) -> Vec<String> {
        r.entries
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={:?}@{}",
                    k.value,
                    v.value,
                    r.snippet.slice(&k.span).unwrap_or("?")
                )
            })
            .collect()
    }

    #[test]
    fn reads_every_sheet_below_its_header() {
        let bytes = sample().expect("workbook");
        let events = read(&bytes);
        let records: Vec<&Record> = events
            .iter()
            .filter_map(|e| match e {
                Event::Record(Hint::Unknown, r) => Some(r),
                _ => None,
            })
            .collect();
        assert_eq!(records.len(), 3);
        let first = records[0];
        assert_eq!(first.line, 4);
        assert_eq!(
            first.snippet.text(),
            "Assets!A4: 1001 | B4: Hikvision | C4: camera | D4: S1 | E4: 2021-03-04 \
             | F4: =HYPERLINK(\"http://x\",\"x\")"
        );
        assert_eq!(
            shown(first),
            [
                "Asset Tag=Number(\"1001\")@A4",
                "Manufacturer=Str(\"Hikvision\")@B4",
                "Type=Str(\"camera\")@C4",
                "Site=Str(\"S1\")@D4",
                "Installed=Str(\"2021-03-04\")@E4",
                "Link=Str(\"=HYPERLINK(\\\"http://x\\\",\\\"x\\\")\")@F4",
            ]
        );
        for (_, v) in &first.entries {
            assert!(first.snippet.slice(&v.span).is_some());
        }
        assert_eq!(
            first.snippet.slice(&first.entries[1].1.span),
            Some("Hikvision")
        );
        let second = records[1];
        assert_eq!(second.line, 6);
        assert!(second.span.start > first.span.end);
        assert_eq!(second.entries[4].1.value, RawValue::Null);
        assert_eq!(records[2].line, 2);
        assert!(records[2].snippet.text().starts_with("Depot!A2: D-1 |"));
        assert_eq!(events.len(), 3, "no problems");
    }

    #[test]
    fn reads_only_the_configured_sheets() {
        let bytes = sample().expect("workbook");
        let only = |pattern: &str| {
            let glob = globset::GlobBuilder::new(pattern)
                .case_insensitive(true)
                .build()
                .expect("glob");
            let reader = XlsxReader {
                sheets: Some(
                    globset::GlobSetBuilder::new()
                        .add(glob)
                        .build()
                        .expect("set"),
                ),
            };
            let mut events = Vec::new();
            let mut input = bytes.as_slice();
            reader
                .read("register.xlsx".into(), &mut input, &mut |e| events.push(e))
                .expect("in-memory input");
            events
        };
        let depot = only("dep*");
        assert_eq!(depot.len(), 1);
        assert!(
            matches!(&depot[0], Event::Record(_, r) if r.snippet.text().starts_with("Depot!A2:"))
        );
        let none = only("Register");
        assert!(
            matches!(&none[..], [Event::Problem(p)] if p.code == Code::ParseError
                && p.message.ends_with("its sheets are Assets, Depot, Empty")),
            "{none:?}"
        );
    }

    #[test]
    fn a_truncated_workbook_is_one_parse_error() {
        let bytes = sample().expect("workbook");
        for cut in [0, 10, bytes.len() / 2, bytes.len() - 1] {
            let events = read(&bytes[..cut]);
            assert_eq!(events.len(), 1, "cut at {cut}");
            assert!(
                matches!(&events[0], Event::Problem(p) if p.code == Code::ParseError),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn an_oversized_workbook_is_over_the_limit() {
        let big = vec![0u8; MAX_BYTES as usize + 1];
        let events = read(&big);
        assert!(
            matches!(&events[..], [Event::Problem(p)] if p.code == Code::LimitExceeded
                && p.message.contains("larger than 64 MiB")),
            "{events:?}"
        );
    }

    /// A zip of `entries` deflated entries of `size` zero bytes each.
    fn zeros_zip(entries: usize, size: usize) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let chunk = vec![0u8; 64 * 1024];
        for i in 0..entries {
            zip.start_file(format!("xl/worksheets/sheet{i}.xml"), options)
                .expect("in-memory zip");
            let mut left = size;
            while left > 0 {
                let n = left.min(chunk.len());
                zip.write_all(&chunk[..n]).expect("in-memory zip");
                left -= n;
            }
        }
        zip.finish().expect("in-memory zip").into_inner()
    }

    #[test]
    fn zip_bombs_are_refused_before_parsing() {
        // Far more than MAX_RATIO times smaller packed: refused whatever
        // the totals.
        let bomb = zeros_zip(1, 4 * RATIO_FROM as usize);
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        let why = zip_bomb(&bomb, MAX_UNPACKED, MAX_ENTRIES).expect("refused");
        assert!(why.contains("more than 200 times its packed size"), "{why}");
        let events = read(&bomb);
        assert!(
            matches!(&events[..], [Event::Problem(p)] if p.code == Code::LimitExceeded
                && p.message.contains("sheet0.xml")),
            "{events:?}"
        );
        // Over the total, counted while unpacking even when the directory
        // understates it: the declared sizes are patched down to 1 byte.
        let mut lying = zeros_zip(3, 1024 * 1024);
        let max = 2 * 1024 * 1024;
        assert_eq!(zip_bomb(&lying, max * 2, MAX_ENTRIES), None);
        let why = zip_bomb(&lying, max, MAX_ENTRIES).expect("refused");
        assert!(why.contains("says it unpacks to 3 MiB"), "{why}");
        for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
            let at: Vec<usize> = (0..lying.len() - 4)
                .filter(|&i| &lying[i..i + 4] == sig)
                .collect();
            let field = if sig[2] == 3 { 22 } else { 24 };
            for i in at {
                lying[i + field..i + field + 4].copy_from_slice(&1u32.to_le_bytes());
            }
        }
        let why = zip_bomb(&lying, max, MAX_ENTRIES).expect("refused");
        assert!(why.contains("unpacks to more than 2 MiB"), "{why}");
        // Too many entries.
        let many = zeros_zip(5, 1);
        assert!(zip_bomb(&many, MAX_UNPACKED, 4).is_some_and(|w| w.contains("5 zip entries")));
        // A real workbook passes.
        let book = sample().expect("sample workbook");
        assert_eq!(zip_bomb(&book, MAX_UNPACKED, MAX_ENTRIES), None);
    }

    #[test]
    fn an_error_cell_is_null_with_a_problem_on_it() {
        let name: Arc<str> = "register.xlsx".into();
        let line = RowLine {
            name: &name,
            sheet: "Assets",
            row: 7,
            first_col: 1,
            offset: 50,
        };
        let keys = [
            Some("Asset Tag".to_string()),
            None,
            Some("Site".to_string()),
        ];
        let row = [
            Data::String("CAM-7".into()),
            Data::String("ignored".into()),
            Data::Error(calamine::CellErrorType::NA),
        ];
        let mut events = Vec::new();
        let record = line.record(&keys, &row, &mut |e| events.push(e));
        assert_eq!(record.snippet.text(), "Assets!B7: CAM-7 | D7: #N/A");
        assert_eq!(record.line, 7);
        assert_eq!(record.entries.len(), 2);
        assert_eq!(record.entries[1].1.value, RawValue::Null);
        let [Event::Problem(p)] = &events[..] else {
            panic!("one problem expected, got {events:?}");
        };
        assert_eq!(p.code, Code::MalformedRow);
        assert_eq!(p.snippet.slice(&p.span), Some("#N/A"));
        assert!(p.message.contains("Assets!D7"), "{}", p.message);
        assert!(!p.drops_record());
    }

    /// Writes the checked-in sample workbooks (`cargo test -- --ignored
    /// write_fixtures`).
    #[test]
    #[ignore]
    fn write_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let bytes = sample().expect("workbook");
        for path in [
            "tests/fixtures/read/xlsx-register/input.xlsx",
            "tests/cli/xlsx-register/register.xlsx",
        ] {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, &bytes).expect("write");
        }
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn numbers_display_as_written() {
        assert_eq!(number(42.0), "42");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(1e20), "100000000000000000000");
    }
}
