//! Read: one reader per input format turns a file into [`Record`]s whose
//! every value keeps its byte span. Readers never panic: bad input becomes a
//! [`Problem`] pointing at the bytes, and the rest of the file is still read.
//!
//! To add a format: a new module implementing [`Reader`], one [`Format`]
//! variant, and one row in [`FORMATS`].

use std::io::BufRead;
use std::sync::Arc;

use crate::diag::Code;
use crate::model::Record;
use crate::source::{Snippet, Span};

pub mod csv;
pub mod decode;
pub mod fields;
pub mod structured;
pub mod xlsx;

/// An input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated register.
    Csv,
    /// Tab-separated register.
    Tsv,
    /// YAML asset or site file.
    Yaml,
    /// JSON asset or site file.
    Json,
    /// TOML asset or site file.
    Toml,
    /// Spreadsheet workbook register (`.xlsx`, `.xlsm`, `.xls`, `.ods`).
    Xlsx,
}

/// One row of the detection table.
pub struct FormatInfo {
    /// The format.
    pub format: Format,
    /// Its name for `--stdin-format`.
    pub name: &'static str,
    /// File extensions (lowercase, no dot).
    pub extensions: &'static [&'static str],
}

/// Every format, in detection order.
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        format: Format::Csv,
        name: "csv",
        extensions: &["csv"],
    },
    FormatInfo {
        format: Format::Tsv,
        name: "tsv",
        extensions: &["tsv", "tab"],
    },
    FormatInfo {
        format: Format::Yaml,
        name: "yaml",
        extensions: &["yaml", "yml"],
    },
    FormatInfo {
        format: Format::Json,
        name: "json",
        extensions: &["json"],
    },
    FormatInfo {
        format: Format::Toml,
        name: "toml",
        extensions: &["toml"],
    },
    FormatInfo {
        format: Format::Xlsx,
        name: "xlsx",
        extensions: &["xlsx", "xlsm", "xls", "ods"],
    },
];

impl Format {
    /// Looks a format up by its `--stdin-format` name.
    pub fn from_name(name: &str) -> Option<Format> {
        FORMATS
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.format)
    }

    /// The format's name.
    pub fn name(self) -> &'static str {
        FORMATS
            .iter()
            .find(|f| f.format == self)
            .map_or("?", |f| f.name)
    }

    /// Detects a file's format from its path and first bytes.
    pub fn detect(path: &str, _head: &[u8]) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        FORMATS
            .iter()
            .find(|f| f.extensions.contains(&ext.as_str()))
            .map(|f| f.format)
    }

    /// Whether the reader emits records and problems strictly in file order
    /// as it goes (so a report can be written while reading).
    pub fn streams(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv)
    }

    /// The reader for this format.
    pub fn reader(self) -> &'static dyn Reader {
        match self {
            Format::Csv => &csv::CsvReader { delimiter: b',' },
            Format::Tsv => &csv::CsvReader { delimiter: b'\t' },
            Format::Yaml => &structured::YamlReader,
            Format::Json => &structured::JsonReader,
            Format::Toml => &structured::TomlReader,
            Format::Xlsx => &xlsx::XlsxReader,
        }
    }
}

/// What kind of records a file says it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hint {
    /// The file does not say (a register, or a top-level list).
    Unknown,
    /// Under an `assets:` key.
    Assets,
    /// Under a `sites:` key.
    Sites,
}

/// Something wrong with the input, at a place in it.
#[derive(Clone, Debug)]
pub struct Problem {
    /// Which built-in code.
    pub code: Code,
    /// One line saying what is wrong.
    pub message: String,
    /// Text covering the span.
    pub snippet: Snippet,
    /// Where.
    pub span: Span,
    /// What is wrong at that spot (the label under the span).
    pub label: String,
    /// Set when the reader dropped the record this problem is about (a row
    /// too long to read, a list item that is not a map): the record still
    /// counts as read, but not as checkable.
    pub dropped: bool,
}

impl Problem {
    /// Whether the reader dropped the record this problem is about (so the
    /// record still counts as an asset read, but one not checkable).
    pub fn drops_record(&self) -> bool {
        self.dropped
    }
}

/// What a reader emits, in file order.
#[derive(Debug)]
pub enum Event {
    /// A record.
    Record(Hint, Record),
    /// A problem; a record it spoiled is not emitted, or is emitted without
    /// the bad value.
    Problem(Problem),
}

/// Turns one file into records.
pub trait Reader: Sync {
    /// Reads `input`, the file displayed as `name`, emitting records and
    /// problems in file order. I/O errors are returned; everything wrong
    /// with the content is a [`Problem`].
    fn read(
        &self,
        name: Arc<str>,
        input: &mut dyn BufRead,
        emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()>;
}
