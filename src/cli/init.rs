//! `assetlint init`: writes a commented starter `assetlint.toml` fitted to
//! the working directory.
//!
//! It walks the directory as `check` does (honouring `.gitignore`, skipping
//! hidden files, `target` and `node_modules`), and sorts the files it can
//! read into:
//!
//! - site registers: a YAML, JSON or TOML file whose records sit under a
//!   `sites:` key, or a register-format file whose name contains `site`;
//! - asset registers and scans: every other file a reader understands that
//!   holds records (a YAML, JSON or TOML file that is not a list of assets
//!   or a map with `assets:`/`sites:`, such as `package.json`, is left out).
//!
//! The registers become `[files] include` globs, one per top directory and
//! extension (`registers/**/*.csv`) when every such file there is a
//! register, else the files by name; the site registers `[sites] files`.
//! The builtin packs are listed in `[policies] use`, each with its title,
//! and `[columns]`, `[severity]`, `[waivers]`, `[workbooks]`, `[dates]` and
//! `[[files.format]]` are shown as commented examples. The text is checked to load as a config before it is
//! written. An existing config is kept unless `--force` is given.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use crate::cli::Fatal;
use crate::config::{Config, FILE_NAMES};
use crate::diag::Invalid;
use crate::model::schema::Ladder;
use crate::read::{Event, Format, Hint};

/// `init` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Overwrite an existing assetlint.toml.
    #[arg(long)]
    pub force: bool,
}

/// Largest structured file opened to see whether it holds assets or sites;
/// larger ones are taken as registers by their extension.
const MAX_PEEK: u64 = 16 * 1024 * 1024;

/// Directories never walked.
const SKIP_DIRS: &[&str] = &[".git", "target", "node_modules"];

/// What a file found is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Asset register (or scan).
    Register,
    /// Site register.
    Sites,
    /// A readable format, but not a register (no records).
    Other,
}

/// What the walk found: `(path relative to the directory, role)`, sorted.
pub fn survey(dir: &Path) -> Vec<(String, Role)> {
    let mut found = Vec::new();
    let walk = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && SKIP_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        })
        .build();
    for entry in walk.filter_map(Result::ok) {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if FILE_NAMES.contains(&rel.as_str()) {
            continue;
        }
        let Some(format) = Format::detect(&rel, &crate::read::head(path)) else {
            continue;
        };
        found.push((rel.clone(), classify(path, &rel, format)));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn classify(path: &Path, rel: &str, format: Format) -> Role {
    let named_site = rel
        .rsplit('/')
        .next()
        .is_some_and(|n| n.to_lowercase().contains("site"));
    if !matches!(format, Format::Yaml | Format::Json | Format::Toml) {
        return if named_site && !format.observed() {
            Role::Sites
        } else {
            Role::Register
        };
    }
    if std::fs::metadata(path).map_or(true, |m| m.len() > MAX_PEEK) {
        return if named_site {
            Role::Sites
        } else {
            Role::Register
        };
    }
    let Ok(file) = std::fs::File::open(path) else {
        return Role::Other;
    };
    let (mut sites, mut assets) = (0usize, 0usize);
    let mut input = io::BufReader::new(file);
    let _ = format
        .reader()
        .read(Arc::from(rel), &mut input, &mut |event| {
            if let Event::Record(hint, _) = event {
                match hint {
                    Hint::Sites => sites += 1,
                    Hint::Assets | Hint::Unknown => assets += 1,
                }
            }
        });
    if sites > 0 || (named_site && assets > 0) {
        Role::Sites
    } else if assets > 0 {
        Role::Register
    } else {
        Role::Other
    }
}

/// The sensitivities the site registers use that the default ladder does
/// not know (as first written, in file order, each once).
pub fn unknown_levels(dir: &Path, found: &[(String, Role)]) -> Vec<String> {
    let ladder = Ladder::default();
    let mut unknown: Vec<String> = Vec::new();
    for (rel, _) in found.iter().filter(|(_, r)| *r == Role::Sites) {
        let path = dir.join(rel);
        let Some(format) = Format::detect(rel, &crate::read::head(&path)) else {
            continue;
        };
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        let mut input = io::BufReader::new(file);
        let columns = Default::default();
        let _ = format
            .reader()
            .read(Arc::from(rel.as_str()), &mut input, &mut |event| {
                let Event::Record(_, record) = event else {
                    return;
                };
                let Ok((site, _)) = crate::read::fields::site(record, &columns) else {
                    return;
                };
                if let Some(level) = site.sensitivity {
                    let level = level.value.trim();
                    if !level.is_empty()
                        && ladder.rank(level).is_none()
                        && !unknown.iter().any(|u| u.eq_ignore_ascii_case(level))
                    {
                        unknown.push(level.to_string());
                    }
                }
            });
    }
    unknown
}

/// The `[files] include` globs for the registers found: per top directory
/// and extension, `DIR/**/*.EXT` when every file of that extension under
/// it is a register or site register, else the register files by name.
/// Files at the top level are named.
pub fn include_globs(found: &[(String, Role)]) -> Vec<String> {
    // (top directory, extension) → (registers, all clean)
    let mut groups: BTreeMap<(String, String), (Vec<&str>, bool)> = BTreeMap::new();
    let mut named = Vec::new();
    for (rel, role) in found {
        let Some((top, _)) = rel.split_once('/') else {
            if *role == Role::Register {
                named.push(rel.clone());
            }
            continue;
        };
        let ext = rel.rsplit_once('.').map_or("", |(_, e)| e).to_string();
        let group = groups
            .entry((top.to_string(), ext))
            .or_insert((Vec::new(), true));
        match role {
            Role::Register => group.0.push(rel),
            Role::Sites => {}
            Role::Other => group.1 = false,
        }
    }
    let mut globs = Vec::new();
    for ((top, ext), (registers, clean)) in groups {
        if registers.is_empty() {
            continue;
        }
        if clean && !ext.is_empty() && is_plain(&top) && is_plain(&ext) {
            globs.push(format!("{top}/**/*.{ext}"));
        } else {
            globs.extend(registers.iter().map(|r| glob_escape(r)));
        }
    }
    globs.extend(named.iter().map(|r| glob_escape(r)));
    globs
}

fn is_plain(s: &str) -> bool {
    !s.contains(['*', '?', '[', ']', '{', '}', '\\'])
}

/// A path as a glob that matches only itself.
fn glob_escape(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '{' | '}') {
            out.push('[');
            out.push(c);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", items.join(", "))
}

/// The starter config's text for what [`survey`] found.
/// `unknown_levels`: sensitivities the site registers use beyond the default
/// ladder, to be placed in it by hand.
pub fn starter(found: &[(String, Role)], unknown_levels: &[String]) -> String {
    let include = include_globs(found);
    let sites: Vec<String> = found
        .iter()
        .filter(|(_, r)| *r == Role::Sites)
        .map(|(p, _)| p.clone())
        .collect();
    let mut t = String::new();
    t.push_str(
        "# assetlint configuration, written by `assetlint init`.\n\
         # Every key is optional; an unknown key is an error that points at it.\n\
         # `assetlint check` lints what this file selects; `assetlint rules` lists the rules.\n\n",
    );
    t.push_str("[files]\n");
    t.push_str("# Asset registers and scans to lint: globs relative to this file.\n");
    if include.is_empty() {
        t.push_str("# No register was found here; name yours, e.g.\n");
        t.push_str("# include = [\"registers/**/*.csv\"]\n");
    } else {
        t.push_str(&format!("include = {}\n", list(&include)));
    }
    t.push_str("# Files the include globs match but that are not to be linted.\n");
    t.push_str("# exclude = [\"registers/archive/**\"]\n\n");

    t.push_str("[sites]\n");
    t.push_str("# Site registers: each site's id, name, sensitivity, sector, tags, parent.\n");
    if sites.is_empty() {
        t.push_str("# No site register was found here: without one, rules that read site\n");
        t.push_str("# facts (sensitivity, sectors, tags) cannot fire. Name yours, e.g.\n");
        t.push_str("# files = [\"sites.csv\"]\n");
    } else {
        t.push_str(&format!("files = {}\n", list(&sites)));
    }
    t.push_str(
        "# The sensitivity ladder, lowest first: every site's sensitivity must be one of these.\n",
    );
    if !unknown_levels.is_empty() {
        t.push_str(&format!(
            "# The site registers also use {}: add them in their place in this list.\n",
            list(unknown_levels)
        ));
    }
    let ladder = Ladder::default();
    t.push_str(&format!("levels = {}\n\n", list(ladder.levels())));

    t.push_str("[policies]\n");
    t.push_str("# The builtin packs (with no [policies] table, all of them apply). Remove\n");
    t.push_str("# the ones that do not concern you; add your own policy files or directories.\n");
    t.push_str("use = [\n");
    let packs: Vec<(String, String)> = crate::policy::docs::builtin_policies()
        .into_iter()
        .map(|p| {
            (
                format!("{},", quoted(&format!("builtin:{}", p.id))),
                p.title,
            )
        })
        .collect();
    let pad = packs.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, title) in packs {
        t.push_str(&format!("  {name:<pad$} # {title}\n"));
    }
    t.push_str("  # \"policies/local.toml\",\n]\n\n");

    t.push_str(
        "# Extra header names for register columns, by asset field.\n\
         # [columns]\n\
         # vendor = [\"Make of unit\"]\n\
         # site = [\"Building code\"]\n\n\
         # Change a rule's severity (error, warning, note), or turn it \"off\".\n\
         # [severity]\n\
         # \"assetlint/unknown-vendor\" = \"warning\"\n\n\
         # Accepted findings, each with a reason, an approver and an expiry date.\n\
         # [waivers]\n\
         # files = [\"waivers.toml\"]\n\n\
         # Read only these sheets of workbook registers (globs, any case).\n\
         # [workbooks]\n\
         # sheets = [\"CCTV*\", \"Register\"]\n\n\
         # How dates written NN/NN/YYYY are read: \"day-first\" (UK) or \"month-first\" (US).\n\
         # [dates]\n\
         # order = \"day-first\"\n\n\
         # Read the files a glob matches as a format, whatever their extension.\n\
         # [[files.format]]\n\
         # glob = \"exports/*.txt\"\n\
         # format = \"csv\"\n",
    );
    t
}

/// Runs `init`: writes the starter config in the working directory; exit 0,
/// or 2 when a config is already there and `--force` is not given.
pub fn run(args: Args) -> Result<ExitCode, Fatal> {
    let cwd = std::env::current_dir()?;
    let existing: Option<PathBuf> = FILE_NAMES.iter().map(|n| cwd.join(n)).find(|p| p.is_file());
    if let (Some(path), false) = (&existing, args.force) {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        return Err(Invalid::plain(
            "init::config-exists",
            format!("{name} already exists here; it was left as it is"),
        )
        .with_help("pass --force to overwrite it, or edit it by hand")
        .into());
    }
    let target = existing.unwrap_or_else(|| cwd.join(FILE_NAMES[0]));
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let found = survey(&cwd);
    let unknown = unknown_levels(&cwd, &found);
    let text = starter(&found, &unknown);
    // What is written must load.
    Config::parse(name.clone().into(), &text, target.clone(), cwd.clone())?;
    std::fs::write(&target, &text)?;

    let mut out = io::stdout().lock();
    let registers = found.iter().filter(|(_, r)| *r == Role::Register).count();
    let sites: Vec<&str> = found
        .iter()
        .filter(|(_, r)| *r == Role::Sites)
        .map(|(p, _)| p.as_str())
        .collect();
    writeln!(out, "wrote {name}")?;
    let include = include_globs(&found);
    if include.is_empty() {
        writeln!(
            out,
            "  no asset register found: set [files] include to your registers"
        )?;
    } else {
        writeln!(
            out,
            "  [files] include: {} ({})",
            include.join(", "),
            crate::report::plural(registers, "register file", "register files")
        )?;
    }
    if sites.is_empty() {
        writeln!(
            out,
            "  no site register found: set [sites] files, or rules that read site facts cannot fire"
        )?;
    } else {
        writeln!(out, "  [sites] files: {}", sites.join(", "))?;
    }
    if !unknown.is_empty() {
        writeln!(
            out,
            "  the site registers use sensitivities the default ladder lacks: {}; add them to [sites] levels, in order, before running check",
            unknown.join(", ")
        )?;
    }
    writeln!(out, "  [policies] use: every builtin pack")?;
    writeln!(
        out,
        "next: run `assetlint check` (and `assetlint rules` to see the rules)"
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_per_directory_and_extension_unless_other_files_share_them() {
        let found = vec![
            ("config/app.json".to_string(), Role::Other),
            ("config/cameras.json".to_string(), Role::Register),
            ("inventory.yaml".to_string(), Role::Register),
            ("registers/a.csv".to_string(), Role::Register),
            ("registers/old/b.csv".to_string(), Role::Register),
            ("registers/sites.csv".to_string(), Role::Sites),
        ];
        assert_eq!(
            include_globs(&found),
            [
                "config/cameras.json",
                "registers/**/*.csv",
                "inventory.yaml"
            ]
        );
        let text = starter(&found, &[]);
        let config = Config::parse(
            "assetlint.toml".into(),
            &text,
            "assetlint.toml".into(),
            ".".into(),
        )
        .unwrap();
        assert_eq!(config.site_files, [PathBuf::from("./registers/sites.csv")]);
        assert!(config.include.unwrap().is_match("registers/old/b.csv"));
        assert_eq!(
            config.policies.len(),
            crate::policy::builtin::BUILTIN_PACKS.len()
        );
    }

    #[test]
    fn nothing_found_still_loads() {
        let text = starter(&[], &["restricted".to_string()]);
        let config = Config::parse("a".into(), &text, "a".into(), ".".into()).unwrap();
        assert!(config.include.is_none() && config.site_files.is_empty());
        assert!(text.contains("# The site registers also use [\"restricted\"]"));
        assert_eq!(glob_escape("a[1]*.csv"), "a[[]1[]][*].csv");
    }
}
