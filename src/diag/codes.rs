//! Built-in `assetlint/*` codes: problems with the input itself rather than
//! with what a policy forbids. Adding one is one row in the table below.

use crate::diag::Severity;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = ($id:literal, $severity:ident, $summary:literal, $help:literal),)+) => {
        /// A built-in code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $variant,)+
        }

        impl Code {
            /// Every code, sorted by id.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The full rule id, `assetlint/<kebab-case>`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => concat!("assetlint/", $id),)+ }
            }

            /// Default severity.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)+ }
            }

            /// One line: what it flags.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)+ }
            }

            /// What to do about it.
            pub fn help(self) -> &'static str {
                match self { $(Code::$variant => $help,)+ }
            }
        }
    };
}

codes! {
    /// A date that reads as two days, day first or month first.
    AmbiguousDate = ("ambiguous-date", Warning,
        "A date could be read day first or month first",
        "say how the registers write dates in assetlint.toml: [dates] order = \"day-first\" (03/04/2021 is 3 April) or \"month-first\" (March 4), or write YYYY-MM-DD"),
    /// A baseline entry whose finding is no longer found.
    BaselineFixed = ("baseline-fixed", Note,
        "A baselined finding is no longer found",
        "remove this entry from the baseline (or write it again with --write-baseline), so the baseline only shrinks"),
    /// Two columns of a register have the same header.
    DuplicateColumn = ("duplicate-column", Warning,
        "Two columns have the same header",
        "rename or remove one of the columns; only the first one's values fill the asset field"),
    /// Two assets share an id.
    DuplicateId = ("duplicate-id", Warning,
        "Two assets share an id",
        "give each asset its own id; waivers and baselines match on it"),
    /// Two sites share an id.
    DuplicateSite = ("duplicate-site", Warning,
        "Two sites share an id",
        "give each site its own id"),
    /// A file was not UTF-8 and was decoded as Windows-1252.
    EncodingFallback = ("encoding-fallback", Note,
        "The file is not UTF-8 and was read as Windows-1252",
        "save the file as UTF-8 to be sure every character reads as intended"),
    /// A field's value could not be read as its type and was ignored.
    InvalidValue = ("invalid-value", Warning,
        "A value could not be read as its field's type",
        "write dates as YYYY-MM-DD and booleans as true/false"),
    /// An input is over one of the size limits that keep a run bounded in
    /// memory and time (file size, line or cell length, nesting depth,
    /// aliases, workbook size); the part over it was not read.
    LimitExceeded = ("limit-exceeded", Error,
        "An input is over one of assetlint's size limits",
        "the part of the input over the limit was not read (see the message for which limit and what was skipped); split or shorten the input, or for the file size raise [files] max_file_size in assetlint.toml"),
    /// One row or item could not be read; the rest were.
    MalformedRow = ("malformed-row", Error,
        "A row could not be read",
        "fix this row; the other rows were still checked"),
    /// An asset has no id.
    MissingId = ("missing-id", Error,
        "An asset has no id",
        "give every asset an id (an asset tag or serial), so findings, waivers and baselines can name it"),
    /// An asset file gave no asset, and no parse error or site records
    /// say why.
    NoAssets = ("no-assets", Warning,
        "An asset file holds no assets",
        "check that this is the register meant: an empty file, a lone header row, an empty list, or rows all read as one header (line breaks that are a lone carriage return) give no assets; fix the file, remove it, or exclude it in [files] exclude"),
    /// A scan and a register disagree on a device's vendor.
    ObservedMismatch = ("observed-mismatch", Warning,
        "A scan observed a different vendor than the register declares",
        "check the device on site; correct the register's vendor, or the register's MAC, IP or host name if they belong to another device"),
    /// A file could not be parsed at all.
    ParseError = ("parse-error", Error,
        "The file could not be parsed",
        "fix the syntax at the marked place; nothing else in this file was checked"),
    /// A site's parent chain loops.
    SiteCycle = ("site-cycle", Error,
        "A site's parent chain loops back on itself",
        "break the loop: a site cannot be its own ancestor"),
    /// An asset file holds site records.
    SitesInAssetFile = ("sites-in-asset-file", Warning,
        "An asset file holds site records",
        "name this file in [sites] files in assetlint.toml so its sites are used"),
    /// A scan observed a banned vendor's device that no register declares.
    UndeclaredDevice = ("undeclared-device", Error,
        "A banned vendor's device was observed that no register declares",
        "find the device (its address and MAC are in the scan), then add it to the asset register with its site, or remove it"),
    /// A file matched the include globs but no reader understands it.
    UnknownFormat = ("unknown-format", Error,
        "No reader understands this file",
        "name its format in assetlint.toml ([[files.format]] glob = \"…\", format = \"csv\"), exclude it in [files] exclude, or give it an extension assetlint reads (.csv .tsv .yaml .yml .json .toml .xlsx .xlsm .xls .ods)"),
    /// A site's sensitivity is not a level of the ladder.
    UnknownLevel = ("unknown-level", Error,
        "A site's sensitivity is not a level of the ladder",
        "use one of the levels in [sites] levels"),
    /// A site names a parent that no register has.
    UnknownParent = ("unknown-parent", Warning,
        "A site's parent is not in any site register",
        "add the parent site to a register, or correct the parent id"),
    /// An asset's site is missing or not in any site register.
    UnknownSite = ("unknown-site", Warning,
        "An asset's site is not in any site register",
        "add the site to a site register (see [sites] files in assetlint.toml), or correct the asset's site; rules that read site facts were not evaluated for this asset"),
    /// A surveillance device whose vendor could not be identified.
    UnknownVendor = ("unknown-vendor", Note,
        "A surveillance device whose vendor could not be identified",
        "record the manufacturer, model or MAC address of this device so it can be checked; until then it is a blind spot in the register"),
    /// A file could not be read from disk.
    UnreadableFile = ("unreadable-file", Error,
        "The file could not be read",
        "check that the file exists, can be read, and is a regular file; symbolic links are followed only inside the repository"),
    /// The declared vendor disagrees with stronger evidence.
    VendorMismatch = ("vendor-mismatch", Warning,
        "The declared vendor disagrees with stronger evidence",
        "correct the register: the model, MAC address or brand says who really made this device"),
    /// A waiver's expiry date has passed; it no longer suppresses anything.
    WaiverExpired = ("waiver-expired", Warning,
        "A waiver has expired and no longer suppresses findings",
        "fix what it waived, or renew it with a new expiry date and a fresh approval"),
    /// A waiver expires within 30 days.
    WaiverExpiring = ("waiver-expiring", Note,
        "A waiver expires within 30 days",
        "plan the fix, or have the waiver renewed before it expires"),
    /// A waiver names a rule that cannot be waived.
    WaiverNotAllowed = ("waiver-not-allowed", Error,
        "A waiver names a rule that cannot be waived",
        "the rule is marked `waivable = false`: its findings must be fixed; narrow the waiver's `rule` glob so it does not name it"),
    /// A waiver that matched no finding in the run.
    WaiverUnused = ("waiver-unused", Warning,
        "A waiver matched no finding",
        "remove the waiver, or correct its `rule`, `asset` or `site` globs"),
}

impl Code {
    /// Looks a code up by its full id.
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sorted_unique_and_kebab_case() {
        let ids: Vec<_> = Code::ALL.iter().map(|c| c.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted, "Code::ALL must be sorted by id and unique");
        for id in ids {
            let name = id.strip_prefix("assetlint/").expect("namespaced");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        }
        for c in Code::ALL {
            assert!(!c.summary().is_empty() && !c.help().is_empty());
        }
    }
}
