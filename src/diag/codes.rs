//! Built-in `assetlint/*` codes: problems with the input itself rather than
//! with what a policy forbids.

use crate::diag::Severity;

/// A built-in code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// A file could not be parsed at all.
    ParseError,
    /// One row or item could not be read; the rest were.
    MalformedRow,
    /// A file was not UTF-8 and was decoded as Windows-1252.
    EncodingFallback,
    /// A field's value could not be read as its type and was ignored.
    InvalidValue,
    /// An asset has no id.
    MissingId,
    /// Two assets share an id.
    DuplicateId,
    /// An asset's site is missing or not in any site register.
    UnknownSite,
    /// A file matched the include globs but no reader understands it.
    UnknownFormat,
    /// A file could not be read from disk.
    UnreadableFile,
    /// A site's sensitivity is not a level of the ladder.
    UnknownLevel,
    /// A site's parent chain loops.
    SiteCycle,
    /// A site names a parent that no register has.
    UnknownParent,
    /// Two sites share an id.
    DuplicateSite,
    /// An asset file holds site records.
    SitesInAssetFile,
    /// Two columns of a register have the same header.
    DuplicateColumn,
}

impl Code {
    /// Every code, sorted by id.
    pub const ALL: &'static [Code] = &[
        Code::DuplicateColumn,
        Code::DuplicateId,
        Code::DuplicateSite,
        Code::EncodingFallback,
        Code::InvalidValue,
        Code::MalformedRow,
        Code::MissingId,
        Code::ParseError,
        Code::SiteCycle,
        Code::SitesInAssetFile,
        Code::UnknownFormat,
        Code::UnknownLevel,
        Code::UnknownParent,
        Code::UnknownSite,
        Code::UnreadableFile,
    ];

    /// The full rule id, `assetlint/<kebab-case>`.
    pub fn id(self) -> &'static str {
        match self {
            Code::ParseError => "assetlint/parse-error",
            Code::MalformedRow => "assetlint/malformed-row",
            Code::EncodingFallback => "assetlint/encoding-fallback",
            Code::InvalidValue => "assetlint/invalid-value",
            Code::MissingId => "assetlint/missing-id",
            Code::DuplicateId => "assetlint/duplicate-id",
            Code::UnknownSite => "assetlint/unknown-site",
            Code::UnknownFormat => "assetlint/unknown-format",
            Code::UnreadableFile => "assetlint/unreadable-file",
            Code::UnknownLevel => "assetlint/unknown-level",
            Code::SiteCycle => "assetlint/site-cycle",
            Code::UnknownParent => "assetlint/unknown-parent",
            Code::DuplicateSite => "assetlint/duplicate-site",
            Code::SitesInAssetFile => "assetlint/sites-in-asset-file",
            Code::DuplicateColumn => "assetlint/duplicate-column",
        }
    }

    /// Default severity.
    pub fn severity(self) -> Severity {
        match self {
            Code::ParseError
            | Code::MalformedRow
            | Code::MissingId
            | Code::UnknownFormat
            | Code::UnreadableFile
            | Code::UnknownLevel
            | Code::SiteCycle => Severity::Error,
            Code::InvalidValue
            | Code::DuplicateId
            | Code::UnknownSite
            | Code::UnknownParent
            | Code::DuplicateSite
            | Code::SitesInAssetFile
            | Code::DuplicateColumn => Severity::Warning,
            Code::EncodingFallback => Severity::Note,
        }
    }

    /// One line: what it flags.
    pub fn summary(self) -> &'static str {
        match self {
            Code::ParseError => "The file could not be parsed",
            Code::MalformedRow => "A row could not be read",
            Code::EncodingFallback => "The file is not UTF-8 and was read as Windows-1252",
            Code::InvalidValue => "A value could not be read as its field's type",
            Code::MissingId => "An asset has no id",
            Code::DuplicateId => "Two assets share an id",
            Code::UnknownSite => "An asset's site is not in any site register",
            Code::UnknownFormat => "No reader understands this file",
            Code::UnreadableFile => "The file could not be read",
            Code::UnknownLevel => "A site's sensitivity is not a level of the ladder",
            Code::SiteCycle => "A site's parent chain loops back on itself",
            Code::UnknownParent => "A site's parent is not in any site register",
            Code::DuplicateSite => "Two sites share an id",
            Code::SitesInAssetFile => "An asset file holds site records",
            Code::DuplicateColumn => "Two columns have the same header",
        }
    }

    /// What to do about it.
    pub fn help(self) -> &'static str {
        match self {
            Code::ParseError => "fix the syntax at the marked place; nothing else in this file was checked",
            Code::MalformedRow => "fix this row; the other rows were still checked",
            Code::EncodingFallback => "save the file as UTF-8 to be sure every character reads as intended",
            Code::InvalidValue => "write dates as YYYY-MM-DD and booleans as true/false",
            Code::MissingId => "give every asset an id (an asset tag or serial), so findings, waivers and baselines can name it",
            Code::DuplicateId => "give each asset its own id; waivers and baselines match on it",
            Code::UnknownSite => "add the site to a site register (see [sites] files in assetlint.toml), or correct the asset's site; rules that read site facts were not evaluated for this asset",
            Code::UnknownFormat => "exclude it in [files] exclude, or give it an extension assetlint reads (.csv .tsv .yaml .yml .json .toml)",
            Code::UnreadableFile => "check the file's permissions",
            Code::UnknownLevel => "use one of the levels in [sites] levels",
            Code::SiteCycle => "break the loop: a site cannot be its own ancestor",
            Code::UnknownParent => "add the parent site to a register, or correct the parent id",
            Code::DuplicateSite => "give each site its own id",
            Code::SitesInAssetFile => "name this file in [sites] files in assetlint.toml so its sites are used",
            Code::DuplicateColumn => "rename or remove one of the columns; only the first one's values fill the asset field",
        }
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
