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

pub mod ansible;
pub mod csv;
pub mod cyclonedx_xml;
pub mod decode;
pub mod fields;
pub mod jsonl;
pub mod nmap;
pub mod structured;
pub mod xlsx;
mod xml;

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
    /// nmap XML scan output (`-oX`).
    Nmap,
    /// Shodan-style banner JSON lines.
    JsonLines,
    /// CycloneDX XML BOM (`<bom xmlns="http://cyclonedx.org/schema/bom/1.x">`).
    CycloneDx,
    /// Ansible INI inventory (a YAML inventory is [`Format::Yaml`]).
    Ansible,
}

/// One row of the detection table.
pub struct FormatInfo {
    /// The format.
    pub format: Format,
    /// Its name for `--stdin-format`.
    pub name: &'static str,
    /// File extensions (lowercase, no dot); an entry starting with `/` is
    /// a whole file name without a dot (`/hosts`), for formats whose files
    /// go by a conventional name.
    pub extensions: &'static [&'static str],
    /// What the file's first bytes must look like, given its extension,
    /// when the extension alone does not tell (an nmap `.xml` holds
    /// `<nmaprun`).
    pub sniff: Option<fn(&str, &[u8]) -> bool>,
}

/// Every format, in detection order.
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        format: Format::Nmap,
        name: "nmap",
        extensions: &["xml"],
        sniff: Some(|_, head| contains(head, b"<nmaprun")),
    },
    FormatInfo {
        format: Format::CycloneDx,
        name: "cyclonedx",
        extensions: &["xml"],
        sniff: Some(|_, head| {
            let lower = head.to_ascii_lowercase();
            // `<bom` and the namespace; or a prefixed root (`<cdx:bom`).
            (contains(head, b"<bom") && contains(&lower, b"cyclonedx"))
                || contains(&lower, b"cyclonedx.org/schema/bom")
        }),
    },
    FormatInfo {
        format: Format::JsonLines,
        name: "jsonl",
        extensions: &["jsonl", "ndjson", "json"],
        sniff: Some(|ext, head| ext != "json" || shodan_head(head)),
    },
    FormatInfo {
        format: Format::Csv,
        name: "csv",
        extensions: &["csv"],
        sniff: None,
    },
    FormatInfo {
        format: Format::Tsv,
        name: "tsv",
        extensions: &["tsv", "tab"],
        sniff: None,
    },
    FormatInfo {
        format: Format::Yaml,
        name: "yaml",
        extensions: &["yaml", "yml"],
        sniff: None,
    },
    FormatInfo {
        format: Format::Json,
        name: "json",
        extensions: &["json"],
        sniff: None,
    },
    FormatInfo {
        format: Format::Toml,
        name: "toml",
        extensions: &["toml"],
        sniff: None,
    },
    FormatInfo {
        format: Format::Ansible,
        name: "ansible",
        extensions: &["ini", "/hosts", "/inventory"],
        sniff: Some(|ext, head| ansible::ini::sniff(ext != "ini", head)),
    },
    FormatInfo {
        format: Format::Xlsx,
        name: "xlsx",
        extensions: &["xlsx", "xlsm", "xls", "ods"],
        sniff: None,
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
    pub fn detect(path: &str, head: &[u8]) -> Option<Format> {
        let ext = extension(path);
        FORMATS
            .iter()
            .filter(|f| f.extensions.contains(&ext.as_str()))
            .find(|f| f.sniff.is_none_or(|sniff| sniff(&ext, head)))
            .map(|f| f.format)
    }

    /// Guesses the format of input that has no name (standard input) from
    /// its first bytes: an XML scan or BOM, Shodan banner lines, or a JSON
    /// document. CSV, YAML and TOML do not announce themselves.
    pub fn sniff(head: &[u8]) -> Option<Format> {
        let probe = |ext: &str| {
            FORMATS
                .iter()
                .filter(|f| f.extensions.contains(&ext))
                .filter_map(|f| Some((f.format, f.sniff?)))
                .find(|(_, sniff)| sniff(ext, head))
                .map(|(format, _)| format)
        };
        match head.trim_ascii_start().first()? {
            b'<' => probe("xml"),
            b'{' | b'[' => probe("json").or(Some(Format::Json)),
            _ => None,
        }
    }

    /// Every format's name, in table order, joined by `sep`.
    pub fn names(sep: &str) -> String {
        FORMATS.iter().map(|f| f.name).collect::<Vec<_>>().join(sep)
    }

    /// Whether the reader emits records and problems strictly in file order
    /// as it goes (so a report can be written while reading).
    pub fn streams(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv | Format::JsonLines)
    }

    /// Whether the format holds what a scan observed on a network (rather
    /// than what a register declares), for reconciling the two.
    pub fn observed(self) -> bool {
        matches!(self, Format::Nmap | Format::JsonLines)
    }

    /// The reader for this format.
    pub fn reader(self) -> &'static dyn Reader {
        match self {
            Format::Csv => &csv::CsvReader { delimiter: b',' },
            Format::Tsv => &csv::CsvReader { delimiter: b'\t' },
            Format::Yaml => &structured::YamlReader,
            Format::Json => &structured::JsonReader,
            Format::Toml => &structured::TomlReader,
            Format::Xlsx => &xlsx::EVERY_SHEET,
            Format::Nmap => &nmap::NmapReader,
            Format::JsonLines => &jsonl::JsonLinesReader,
            Format::CycloneDx => &cyclonedx_xml::CycloneDxXmlReader,
            Format::Ansible => &ansible::AnsibleReader,
        }
    }
}

/// What [`FORMATS`] matches a file name by: its extension, lowercase, or
/// for a name without a dot, `/` and the name (`inventory.ini` → `ini`,
/// `hosts` → `/hosts`).
fn extension(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => format!("/{}", name.to_ascii_lowercase()),
    }
}

/// Whether `needle` occurs in `head`.
fn contains(head: &[u8], needle: &[u8]) -> bool {
    head.windows(needle.len()).any(|w| w == needle)
}

/// Whether a `.json` file's first line is an object with Shodan's
/// `ip_str` or `_shodan` key (a banner), as far as the head shows.
fn shodan_head(head: &[u8]) -> bool {
    let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = first.trim_ascii_start();
    first.starts_with(b"{") && (contains(first, b"\"ip_str\"") || contains(first, b"\"_shodan\""))
}

/// How many first bytes [`Format::detect`] looks at: enough for the keys
/// of a Shodan banner, which may follow a few kilobytes of `data`.
pub const HEAD_LEN: u64 = 16 * 1024;

/// The first [`HEAD_LEN`] bytes of a file, for [`Format::detect`]; empty
/// when it cannot be read (reading it later reports why), or when its
/// extension alone tells its format (so a walk opens only the files it
/// must).
pub fn head(path: &std::path::Path) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    let ext = extension(&path.to_string_lossy());
    let sniffed = FORMATS
        .iter()
        .any(|f| f.sniff.is_some() && f.extensions.contains(&ext.as_str()));
    if !sniffed {
        return head;
    }
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(HEAD_LEN).read_to_end(&mut head);
    }
    head
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nameless_input_is_sniffed_only_when_it_announces_itself() {
        let sniff = |head: &str| Format::sniff(head.as_bytes());
        assert_eq!(
            sniff("  <?xml version=\"1.0\"?>\n<nmaprun scanner=\"nmap\">"),
            Some(Format::Nmap)
        );
        assert_eq!(
            sniff("{\"ip_str\": \"192.0.2.1\", \"port\": 80}\n"),
            Some(Format::JsonLines)
        );
        assert_eq!(sniff("{\"bomFormat\": \"CycloneDX\"}"), Some(Format::Json));
        assert_eq!(sniff("[{\"id\": \"A1\"}]"), Some(Format::Json));
        let bom = "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">";
        assert_eq!(sniff(bom), Some(Format::CycloneDx));
        assert_eq!(sniff("<svg/>"), None);
        assert_eq!(sniff("Asset ID,Vendor\nA1,Axis\n"), None);
        assert_eq!(sniff("assets:\n  - id: A1\n"), None);
        assert_eq!(sniff(""), None);
    }
}
