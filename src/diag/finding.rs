//! [`Finding`]: everything a reporter needs to say about one problem.

use std::fmt;

use serde::Serialize;

use crate::diag::Code;
use crate::source::{Position, Snippet, Span};

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Note,
    /// Should be fixed.
    Warning,
    /// Must be fixed.
    Error,
}

impl Severity {
    /// Parses `error`, `warning` or `note`.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a catalog fact matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The text equals the fact.
    Exact,
    /// Equal after normalising case, punctuation, spacing, legal suffixes.
    Normalized,
    /// A pattern (glob, prefix) matched.
    Pattern,
}

/// Why an asset was identified as a vendor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// The asset field that matched (`vendor`, `brand`, `model`, `mac`, …).
    pub field: String,
    /// The text in that field.
    pub value: String,
    /// The catalog fact that matched, e.g. `brand "EZVIZ"`.
    pub fact: String,
    /// How it matched.
    #[serde(rename = "match")]
    pub how: MatchKind,
    /// Where the value is, in the finding's file.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// A place in a file, with what to say there.
#[derive(Clone, Debug)]
pub struct Label {
    /// Text covering the span.
    pub snippet: Snippet,
    /// Byte span in the file.
    pub span: Span,
    /// What is wrong (or relevant) at that spot.
    pub message: String,
}

impl Label {
    /// A label.
    pub fn new(snippet: Snippet, span: Span, message: impl Into<String>) -> Self {
        Label {
            snippet,
            span,
            message: message.into(),
        }
    }

    /// The file, as displayed.
    pub fn file(&self) -> &str {
        self.snippet.name()
    }

    /// Start and end positions.
    pub fn range(&self) -> (Position, Position) {
        self.snippet.range(&self.span)
    }
}

/// One problem found in the input.
#[derive(Clone, Debug)]
pub struct Finding {
    /// `pack/rule` or `assetlint/<code>`.
    pub rule: String,
    /// Severity after dates and overrides.
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// The cell or value at fault.
    pub primary: Label,
    /// More labels in the primary file (other evidence, the site cell).
    pub labels: Vec<Label>,
    /// Context in other places: the site row, the policy rule.
    pub related: Vec<Label>,
    /// The asset's id.
    pub asset_id: Option<String>,
    /// The identified vendor's catalog id.
    pub vendor_id: Option<String>,
    /// Why the vendor was identified.
    pub evidence: Vec<Evidence>,
    /// The asset's site id.
    pub site_id: Option<String>,
    /// What to do.
    pub help: Option<String>,
    /// Where to read more.
    pub url: Option<String>,
    /// The rule's one-line description (built-in codes: see
    /// [`Finding::rule_summary`]).
    pub rule_summary: Option<String>,
    /// The rule's references (laws, statements, guidance).
    pub references: Vec<String>,
    /// The rule's deadline, if it has one.
    pub deadline: Option<jiff::civil::Date>,
    /// Days from the evaluation date to the deadline (negative: overdue).
    pub days_left: Option<i64>,
    /// Stable identity: rule + asset identity + file (see
    /// [`Finding::new`] for findings without an asset).
    pub fingerprint: String,
    /// The waiver that suppressed it (such findings are reported only on
    /// request, with `--show-suppressed`).
    pub suppressed: Option<Suppression>,
    /// The asset's values that `--redact` hides wherever they are quoted
    /// (filled only when redacting; see `report::redact`).
    pub sensitive: Vec<(Sensitive, String)>,
}

/// What kind of sensitive value a finding may quote: each is replaced by a
/// pseudonym with its own prefix under `--redact`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sensitive {
    /// A site id or name (`site-…`).
    Site,
    /// A free-text location (`loc-…`).
    Location,
    /// An IP address (`ip-…`).
    Ip,
    /// A host name (`host-…`).
    Host,
    /// An address range (`net-…`).
    Network,
}

impl Sensitive {
    /// The pseudonym prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            Sensitive::Site => "site",
            Sensitive::Location => "loc",
            Sensitive::Ip => "ip",
            Sensitive::Host => "host",
            Sensitive::Network => "net",
        }
    }
}

/// The waiver that suppressed a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// Where the waiver is: `file:line`.
    pub waiver: String,
    /// Why the finding is accepted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// The last day the waiver holds (YYYY-MM-DD).
    pub expires: String,
}

impl Finding {
    /// A finding with only the essentials; the rest can be filled in.
    ///
    /// Its fingerprint is rule + file + message + the text under the primary
    /// label, which survives line moves; findings about an asset replace it
    /// with rule + file + the asset's identity.
    pub fn new(
        rule: impl Into<String>,
        severity: Severity,
        message: impl Into<String>,
        primary: Label,
    ) -> Self {
        let rule = rule.into();
        let message = message.into();
        let text = primary.snippet.slice(&primary.span).unwrap_or("");
        let fingerprint = fingerprint(&[&rule, primary.file(), &message, text]);
        Finding {
            rule,
            severity,
            message,
            primary,
            labels: Vec::new(),
            related: Vec::new(),
            asset_id: None,
            vendor_id: None,
            evidence: Vec::new(),
            site_id: None,
            help: None,
            url: None,
            rule_summary: None,
            references: Vec::new(),
            deadline: None,
            days_left: None,
            fingerprint,
            suppressed: None,
            sensitive: Vec::new(),
        }
    }

    /// The file the finding is in.
    pub fn file(&self) -> &str {
        self.primary.file()
    }

    /// What the rule flags, in one line: the policy rule's summary, or the
    /// built-in code's.
    pub fn rule_summary(&self) -> Option<&str> {
        self.rule_summary
            .as_deref()
            .or_else(|| Code::from_id(&self.rule).map(Code::summary))
    }

    /// What to do: the finding's help, or the built-in code's.
    pub fn rule_help(&self) -> Option<&str> {
        self.help
            .as_deref()
            .or_else(|| Code::from_id(&self.rule).map(Code::help))
    }

    /// The order findings are reported in: file, line, column, rule.
    pub fn sort_key(&self) -> (&str, usize, &str, &str) {
        (
            self.file(),
            self.primary.span.start,
            &self.rule,
            &self.message,
        )
    }
}

/// A stable 64-bit FNV-1a hash of the parts, as 16 hex digits.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_fingerprint_survives_a_line_move_but_not_an_edit() {
        let f = |text: &str, row: &str| {
            let start = text.find(row).unwrap_or(0);
            let snippet = Snippet::whole("a.csv".into(), text.into());
            Finding::new(
                "assetlint/malformed-row",
                Severity::Error,
                "this row has 2 cells",
                Label::new(snippet, start..start + row.len(), ""),
            )
            .fingerprint
        };
        let before = f("h,i,j\nA,B\n", "A,B");
        assert_eq!(before, f("h,i,j\n\nx,y,z\nA,B\n", "A,B"));
        assert_ne!(before, f("h,i,j\nA,C\n", "A,C"));
    }
}
