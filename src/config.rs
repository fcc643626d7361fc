//! `assetlint.toml`: read in two phases. [`RawConfig`] mirrors the file
//! (every key optional, unknown keys rejected, values spanned); [`Config`]
//! is what the rest of the run uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diag::invalid::toml_error;
use crate::diag::{Code, Invalid, Severity};
use crate::model::headers::Columns;
use crate::model::schema::{AssetField, Ladder};
use crate::read::fields::DateOrder;
use crate::read::fields::{check_source, SiteFields};
use crate::read::{Format, FORMATS};
use crate::source::Snippet;

/// The config file names looked for, in order, in each directory.
pub const FILE_NAMES: &[&str] = &["assetlint.toml", ".assetlint.toml"];

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    files: Option<RawFiles>,
    policies: Option<RawPolicies>,
    sites: Option<RawSites>,
    columns: Option<BTreeMap<Spanned<String>, Vec<String>>>,
    waivers: Option<RawWaivers>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    workbooks: Option<RawWorkbooks>,
    dates: Option<RawDates>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkbooks {
    sheets: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDates {
    order: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFormat {
    glob: Spanned<String>,
    format: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    format: Option<Vec<RawFormat>>,
    max_file_size: Option<Spanned<RawSize>>,
}

/// A size as written: a number of bytes, or text such as `"256 MiB"`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawSize {
    Bytes(i64),
    Text(String),
}

/// The default [`Config::max_file_size`]: 1 GiB. Every reader bounds its
/// own memory (CSV and JSON lines hold a row at a time, large YAML and JSON
/// files are streamed, files read whole stop at their own limits), so this
/// bounds the time a run spends on one file: reading 1 GiB of register
/// takes seconds, far more than any real register needs.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024 * 1024;

/// Parses a size: a whole number of bytes, optionally followed by a unit
/// (`B`, `KB`/`KiB`, `MB`/`MiB`, `GB`/`GiB`, any case; all binary,
/// 1 KB = 1024 bytes), spaces allowed between.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: u64 = text[..digits].parse().ok()?;
    let unit = text[digits..].trim().to_ascii_lowercase();
    let scale: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(scale)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicies {
    #[serde(rename = "use")]
    use_: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSites {
    files: Option<Vec<Spanned<String>>>,
    levels: Option<Vec<Spanned<String>>>,
    fields: Option<RawSiteFields>,
}

/// `[sites.fields]`: see [`SiteFields`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSiteFields {
    sensitivity: Option<Vec<Spanned<String>>>,
    sector: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaivers {
    files: Option<Vec<Spanned<String>>>,
}

/// Where a policy comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicySource {
    /// A pack built into the binary: `builtin:NAME`.
    Builtin(String),
    /// A policy file, or a directory of them.
    Path(PathBuf),
}

impl PolicySource {
    /// Parses `builtin:NAME` or a path relative to `base`.
    pub fn parse(text: &str, base: &Path) -> Self {
        match text.strip_prefix("builtin:") {
            Some(name) => PolicySource::Builtin(name.to_string()),
            None => PolicySource::Path(base.join(text)),
        }
    }
}

/// The validated config.
#[derive(Clone, Debug)]
pub struct Config {
    /// The config file, if one was found.
    pub file: Option<PathBuf>,
    /// The directory globs and relative paths are resolved against.
    pub base: PathBuf,
    /// Files to lint when walking (`None`: every file of a known format).
    pub include: Option<GlobSet>,
    /// Files never to lint.
    pub exclude: GlobSet,
    /// `[[files.format]]`: files whose format is named rather than
    /// detected; the first glob that matches wins.
    pub formats: Vec<(GlobMatcher, Format)>,
    /// `[dates] order`: how `NN/NN/YYYY` dates are read (`None`: only
    /// unambiguous ones are).
    pub dates: Option<DateOrder>,
    /// Policies to apply (empty: the builtin packs).
    pub policies: Vec<PolicySource>,
    /// Site registers.
    pub site_files: Vec<PathBuf>,
    /// The sensitivity ladder.
    pub ladder: Ladder,
    /// `[sites.fields]`: where sites' sensitivity and sector come from.
    pub site_fields: SiteFields,
    /// Header overrides.
    pub columns: Columns,
    /// Waiver files.
    pub waiver_files: Vec<PathBuf>,
    /// `[severity]`: rule id → new severity (`None`: off). Rule ids are
    /// checked once the policies are loaded ([`Config::check_rule_ids`]).
    pub severities: Vec<(Spanned<String>, Option<Severity>)>,
    /// `[workbooks] sheets`: the sheets of a workbook to read, as globs
    /// matched case-insensitively (`None`: every sheet).
    pub sheets: Option<GlobSet>,
    /// `[files] max_file_size`: input files larger than this many bytes are
    /// reported and not read (default [`DEFAULT_MAX_FILE_SIZE`]).
    pub max_file_size: u64,
    /// The config file's text, for diagnostics found after loading.
    pub snippet: Option<Snippet>,
}

impl Config {
    /// The config used when there is no file: everything default.
    pub fn default_at(base: PathBuf) -> Self {
        Config {
            file: None,
            base,
            include: None,
            exclude: GlobSet::empty(),
            formats: Vec::new(),
            dates: None,
            policies: Vec::new(),
            site_files: Vec::new(),
            ladder: Ladder::default(),
            site_fields: SiteFields::default(),
            columns: Columns::default(),
            waiver_files: Vec::new(),
            severities: Vec::new(),
            sheets: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            snippet: None,
        }
    }

    /// Reads and validates a config file; every problem is collected. It is
    /// shown relative to `root`.
    pub fn load(path: &Path, root: &Path) -> Result<Config, Vec<Invalid>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![Invalid::plain(
                "config::unreadable",
                format!("cannot read config file {}: {e}", path.display()),
            )]
        })?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name: Arc<str> = crate::discover::display_path(path, root).into();
        Config::parse(name, &text, path.to_path_buf(), base)
    }

    /// Validates config text; `name` is how the file is shown.
    pub fn parse(
        name: Arc<str>,
        text: &str,
        file: PathBuf,
        base: PathBuf,
    ) -> Result<Config, Vec<Invalid>> {
        let snippet = Snippet::whole(name, text.into());
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| vec![toml_error("config::invalid", &snippet, &e)])?;
        let mut problems = Vec::new();
        let mut config = Config::default_at(base.clone());
        config.file = Some(file);

        let files = raw.files.unwrap_or_default();
        if let Some(size) = files.max_file_size {
            let bytes = match size.get_ref() {
                RawSize::Bytes(n) => u64::try_from(*n).ok().filter(|&n| n > 0),
                RawSize::Text(t) => parse_size(t).filter(|&n| n > 0),
            };
            match bytes {
                Some(n) => config.max_file_size = n,
                None => problems.push(
                    Invalid::at(
                        "config::invalid-size",
                        "`max_file_size` is not a size",
                        &snippet,
                        size.span(),
                        "expected a number of bytes, or text such as \"256 MiB\"",
                    )
                    .with_help("write a whole number of bytes (1073741824) or a number and a unit: B, KiB, MiB or GiB (KB, MB and GB mean the same)"),
                ),
            }
        }
        if let Some(include) = files.include {
            config.include = Some(globs(&include, &snippet, &mut problems));
        }
        config.exclude = globs(&files.exclude.unwrap_or_default(), &snippet, &mut problems);
        for entry in files.format.unwrap_or_default() {
            let glob = Glob::new(entry.glob.get_ref()).map_err(|e| {
                Invalid::at(
                    "config::invalid-glob",
                    format!("invalid glob `{}`", entry.glob.get_ref()),
                    &snippet,
                    entry.glob.span(),
                    e.kind().to_string(),
                )
            });
            let format = Format::from_name(entry.format.get_ref()).ok_or_else(|| {
                Invalid::at(
                    "config::unknown-format",
                    format!("`{}` is not an input format", entry.format.get_ref()),
                    &snippet,
                    entry.format.span(),
                    "unknown format",
                )
                .with_help(format!(
                    "formats: {}",
                    FORMATS
                        .iter()
                        .map(|f| f.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            });
            match (glob, format) {
                (Ok(glob), Ok(format)) => config.formats.push((glob.compile_matcher(), format)),
                (glob, format) => problems.extend(glob.err().into_iter().chain(format.err())),
            }
        }

        if let Some(order) = raw.dates.and_then(|d| d.order) {
            match DateOrder::from_name(order.get_ref()) {
                Some(o) => config.dates = Some(o),
                None => problems.push(
                    Invalid::at(
                        "config::invalid-date-order",
                        format!("`{}` is not a date order", order.get_ref()),
                        &snippet,
                        order.span(),
                        "expected `day-first` or `month-first`",
                    )
                    .with_help("day-first: 03/04/2021 is 3 April (UK and most of the world); month-first: March 4 (US)"),
                ),
            }
        }

        config.policies = raw
            .policies
            .and_then(|p| p.use_)
            .unwrap_or_default()
            .iter()
            .map(|p| PolicySource::parse(p.get_ref(), &base))
            .collect();

        let sites = raw.sites.unwrap_or_default();
        config.site_files = paths(sites.files.unwrap_or_default(), &base);
        if let Some(levels) = sites.levels {
            let mut seen: Vec<&str> = Vec::new();
            for level in &levels {
                let l = level.get_ref().trim();
                if l.is_empty() {
                    problems.push(Invalid::at(
                        "config::empty-level",
                        "a sensitivity level cannot be empty",
                        &snippet,
                        level.span(),
                        "empty level",
                    ));
                } else if seen.iter().any(|s| s.eq_ignore_ascii_case(l)) {
                    problems.push(Invalid::at(
                        "config::duplicate-level",
                        format!("the level `{l}` appears twice in the ladder"),
                        &snippet,
                        level.span(),
                        "second time",
                    ));
                }
                seen.push(l);
            }
            if levels.is_empty() {
                problems.push(Invalid::plain(
                    "config::empty-ladder",
                    "[sites] levels must name at least one level",
                ));
            }
            config.ladder = Ladder::new(seen.iter().map(|s| s.to_string()));
        }
        let fields = sites.fields.unwrap_or_default();
        for (list, slot) in [
            (fields.sensitivity, &mut config.site_fields.sensitivity),
            (fields.sector, &mut config.site_fields.sector),
        ] {
            let Some(list) = list else { continue };
            for source in &list {
                if let Err(why) = check_source(source.get_ref()) {
                    problems.push(
                        Invalid::at(
                            "config::unknown-site-source",
                            format!("`{}` is not a site field source", source.get_ref()),
                            &snippet,
                            source.span(),
                            why,
                        )
                        .with_help(
                            "a source is a column or key (`tags`, `Classification`), or custom_fields.NAME, region.slug, group.slug, tenant.slug (or .name), status.value",
                        ),
                    );
                }
            }
            *slot = list.into_iter().map(Spanned::into_inner).collect();
        }

        let mut overrides = Vec::new();
        for (field, headers) in raw.columns.unwrap_or_default() {
            match AssetField::from_name(field.get_ref()) {
                Some(f) => overrides.push((f, headers)),
                None => problems.push(
                    Invalid::at(
                        "config::unknown-column-field",
                        format!("`{}` is not an asset field", field.get_ref()),
                        &snippet,
                        field.span(),
                        "unknown field",
                    )
                    .with_help(format!(
                        "[columns] keys are asset fields: {}",
                        AssetField::ALL
                            .iter()
                            .map(|f| f.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ),
            }
        }
        config.columns = Columns::new(overrides);

        for (rule, level) in raw.severity.unwrap_or_default() {
            let value = match level.get_ref().as_str() {
                "off" => None,
                other => match Severity::from_name(other) {
                    Some(s) => Some(s),
                    None => {
                        problems.push(Invalid::at(
                            "config::invalid-severity",
                            format!("`{other}` is not a severity"),
                            &snippet,
                            level.span(),
                            "expected `error`, `warning`, `note` or `off`",
                        ));
                        continue;
                    }
                },
            };
            config.severities.push((rule, value));
        }

        config.waiver_files = paths(raw.waivers.and_then(|w| w.files).unwrap_or_default(), &base);

        if let Some(sheets) = raw.workbooks.and_then(|w| w.sheets) {
            config.sheets = Some(sheet_globs(&sheets, &snippet, &mut problems));
        }

        config.snippet = Some(snippet);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Checks that every rule `[severity]` names exists: a built-in code or
    /// a rule of the loaded policies.
    pub fn check_rule_ids<'a>(&self, rules: impl Iterator<Item = &'a str> + Clone) -> Vec<Invalid> {
        let Some(snippet) = &self.snippet else {
            return Vec::new();
        };
        self.severities
            .iter()
            .filter(|(id, _)| {
                Code::from_id(id.get_ref()).is_none() && !rules.clone().any(|r| r == id.get_ref())
            })
            .map(|(id, _)| {
                Invalid::at(
                    "config::unknown-rule",
                    format!("no loaded rule has the id `{}`", id.get_ref()),
                    snippet,
                    id.span(),
                    "unknown rule",
                )
                .with_help("name a rule as POLICY/RULE (see the rules of the loaded policies) or a built-in code such as assetlint/unknown-vendor")
            })
            .collect()
    }

    /// The format `[[files.format]]` names for a file, given its path
    /// relative to [`Config::base`] (`/`-separated).
    pub fn format_for(&self, relative: &str) -> Option<Format> {
        self.formats
            .iter()
            .find(|(glob, _)| glob.is_match(relative))
            .map(|(_, f)| *f)
    }

    /// Finds the config file: `assetlint.toml` or `.assetlint.toml` in `start`
    /// or a parent, stopping at the repository root (a directory with `.git`).
    pub fn find(start: &Path) -> Option<PathBuf> {
        for dir in start.ancestors() {
            for name in FILE_NAMES {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        None
    }
}

fn paths(list: Vec<Spanned<String>>, base: &Path) -> Vec<PathBuf> {
    list.into_iter()
        .map(|p| base.join(p.into_inner()))
        .collect()
}

fn globs(list: &[Spanned<String>], snippet: &Snippet, problems: &mut Vec<Invalid>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in list {
        match Glob::new(pattern.get_ref()) {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(e) => problems.push(Invalid::at(
                "config::invalid-glob",
                format!("invalid glob `{}`", pattern.get_ref()),
                snippet,
                pattern.span(),
                e.kind().to_string(),
            )),
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Sheet-name globs: case-insensitive, and `/` is an ordinary character.
fn sheet_globs(
    list: &[Spanned<String>],
    snippet: &Snippet,
    problems: &mut Vec<Invalid>,
) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in list {
        let glob = globset::GlobBuilder::new(pattern.get_ref())
            .case_insensitive(true)
            .literal_separator(false)
            .build();
        match glob {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(e) => problems.push(Invalid::at(
                "config::invalid-glob",
                format!("invalid sheet pattern `{}`", pattern.get_ref()),
                snippet,
                pattern.span(),
                e.kind().to_string(),
            )),
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Invalid>> {
        Config::parse(
            "assetlint.toml".into(),
            text,
            PathBuf::from("assetlint.toml"),
            PathBuf::from("."),
        )
    }

    #[test]
    fn max_file_size_takes_bytes_or_a_size_with_a_unit() {
        assert_eq!(parse("").unwrap().max_file_size, DEFAULT_MAX_FILE_SIZE);
        let size =
            |v: &str| parse(&format!("[files]\nmax_file_size = {v}\n")).map(|c| c.max_file_size);
        assert_eq!(size("1000").unwrap(), 1000);
        assert_eq!(size("\"256 MiB\"").unwrap(), 256 << 20);
        assert_eq!(size("\"2GB\"").unwrap(), 2 << 30);
        assert_eq!(size("\"64 kib\"").unwrap(), 64 << 10);
        for bad in ["0", "-5", "\"lots\"", "\"1.5 GiB\"", "\"12 TiB\"", "\"\""] {
            let problems = size(bad).expect_err(bad);
            assert_eq!(problems.len(), 1, "{bad}");
            assert_eq!(problems[0].code, "config::invalid-size", "{bad}");
        }
        assert_eq!(parse_size("18446744073709551615 GiB"), None);
    }

    #[test]
    fn deep_nesting_in_the_config_is_an_error_not_a_crash() {
        let dotted = format!("a{} = 1\n", ".a".repeat(100_000));
        assert!(parse(&dotted).is_err());
        let inline = format!("a = {}1{}\n", "{a=".repeat(100_000), "}".repeat(100_000));
        assert!(parse(&inline).is_err());
        let arrays = format!("a = {}\n", "[".repeat(100_000));
        assert!(parse(&arrays).is_err());
    }

    #[test]
    fn unknown_key_is_an_error_at_its_span() {
        let text = "[files]\ninclde = [\"a\"]\n";
        let err = parse(text).unwrap_err();
        assert_eq!(err.len(), 1);
        let (_, span) = err[0].at.clone().unwrap();
        assert_eq!(&text[span], "inclde");
        assert!(
            err[0].message.contains("unknown field"),
            "{}",
            err[0].message
        );
    }

    #[test]
    fn ladder_and_columns() {
        let config = parse(
            "[sites]\nlevels = [\"low\", \"high\"]\n[columns]\nvendor = [\"Make of unit\"]\n",
        )
        .unwrap();
        assert_eq!(config.ladder.rank("HIGH"), Some(1));
    }

    #[test]
    fn site_fields() {
        let config = parse("[sites]\nlevels = [\"low\", \"high\"]\n").unwrap();
        assert_eq!(config.site_fields, SiteFields::default());
        let text = "[sites.fields]\nsensitivity = [\"custom_fields.level\", \"tags\"]\nsector = [\"group.slug\"]\n";
        let config = parse(text).unwrap();
        assert_eq!(
            config.site_fields.sensitivity,
            ["custom_fields.level", "tags"]
        );
        assert_eq!(config.site_fields.sector, ["group.slug"]);
        let text = "[sites.fields]\nsector = [\"group.colour\", \"region.name\", \"site.x\"]\nsensitvity = []\n";
        let err = parse(text).unwrap_err();
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(err[0].message.contains("unknown field"));
        let text =
            "[sites.fields]\nsector = [\"group.colour\", \"region.name\", \"site.x\", \"\"]\n";
        let err = parse(text).unwrap_err();
        let spans: Vec<&str> = err.iter().map(|e| &text[e.at.clone().unwrap().1]).collect();
        assert_eq!(spans, ["\"group.colour\"", "\"site.x\"", "\"\""]);
    }

    #[test]
    fn format_overrides_and_date_order() {
        let text = "[dates]\norder = \"month-first\"\n[[files.format]]\nglob = \"exports/*.txt\"\nformat = \"csv\"\n[[files.format]]\nglob = \"exports/**\"\nformat = \"TSV\"\n";
        let config = parse(text).unwrap();
        assert_eq!(config.dates, Some(DateOrder::MonthFirst));
        assert_eq!(config.format_for("exports/a.txt"), Some(Format::Csv));
        assert_eq!(config.format_for("exports/b.dat"), Some(Format::Tsv));
        assert_eq!(config.format_for("a.txt"), None);
    }

    #[test]
    fn unknown_format_and_date_order_are_errors_at_their_values() {
        let text = "[dates]\norder = \"us\"\n[[files.format]]\nglob = \"*.txt\"\nformat = \"excel\"\n[[files.format]]\nglob = \"a/[\"\nformat = \"csv\"\n";
        let err = parse(text).unwrap_err();
        let shown: Vec<(&str, &str)> = err
            .iter()
            .map(|e| (e.code, &text[e.at.clone().unwrap().1]))
            .collect();
        assert_eq!(
            shown,
            [
                ("config::unknown-format", "\"excel\""),
                ("config::invalid-glob", "\"a/[\""),
                ("config::invalid-date-order", "\"us\""),
            ]
        );
    }

    #[test]
    fn unknown_column_field_and_bad_glob_are_both_reported() {
        let text = "[files]\ninclude = [\"a/[\"]\n[columns]\nvendr = [\"Make\"]\n";
        let err = parse(text).unwrap_err();
        assert_eq!(err.len(), 2);
    }
}
