//! Discover: which files to lint. Directories are walked with the `ignore`
//! crate (honouring `.gitignore`, skipping hidden files), then filtered by
//! the config's include and exclude globs.
//!
//! A file's format is the one the first matching `[[files.format]]` glob
//! names (matched, like include and exclude, against the path relative to
//! the config's directory), else the one [`Format::detect`] finds from its
//! extension and first bytes.
//!
//! Nothing is passed over in silence. A path given that does not exist, a
//! directory that cannot be listed, a symbolic link loop, a link that leads
//! out of the repository and of the directory walked (not followed: a pull
//! request must not make the linter read, and echo, files outside it) and
//! a named pipe, socket or
//! device where a register would be (never opened: reading one could block
//! for ever) each come back as a [`Target`] with a [`Target::problem`], to
//! be reported as unreadable. Symbolic links inside the repository are
//! followed; a file reached twice (through a link, or named twice) is
//! linted once, under its own name when the walk reaches it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::WalkBuilder;

use crate::config::Config;
use crate::read::Format;

/// A file to lint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Where to open it.
    pub path: PathBuf,
    /// How to show it: relative to the repository root, `/`-separated.
    pub display: Arc<str>,
    /// Its format; `None` when no reader understands it.
    pub format: Option<Format>,
    /// Why it is not read, when it cannot be: it does not exist, is not a
    /// regular file, or could not be reached while walking.
    pub problem: Option<String>,
}

/// Where the repository root is: the nearest ancestor of `start` holding
/// `.git`, else `start` itself.
pub fn repo_root(start: &Path) -> PathBuf {
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(start)
        .to_path_buf()
}

/// Shows `path` relative to `root` with `/` separators.
pub fn display_path(path: &Path, root: &Path) -> String {
    let abs = absolute(path);
    let Ok(rel) = abs.strip_prefix(root) else {
        return abs.to_string_lossy().replace('\\', "/");
    };
    let text = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

/// An absolute, lexically normalised path (no file system access beyond the
/// working directory; symlinks are kept).
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Finds the files to lint.
///
/// - `paths` empty: walk the config's base directory; a file is linted if it
///   matches `[files] include` (or, without include globs, has a known
///   extension) and no exclude glob.
/// - A directory in `paths` is walked the same way.
/// - A file in `paths` is linted even outside the include globs, and past the
///   exclude globs unless `force_exclude`.
///
/// Files in `skip` (the config, policies, site registers, waivers) are never
/// linted. A file that is linted but whose format is unknown comes back with
/// `format: None`, to be reported.
pub fn discover(
    config: &Config,
    root: &Path,
    paths: &[PathBuf],
    force_exclude: bool,
    skip: &HashSet<PathBuf>,
) -> Vec<Target> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |path: PathBuf, problem: Option<String>, out: &mut Vec<Target>| {
        let abs = absolute(&path);
        // A file reached twice (named twice, or through a link) is
        // linted once; so is a linked-to config, policy or register.
        // Each problem is its own (two links may loop to one directory).
        let real = match problem {
            None => std::fs::canonicalize(&path).unwrap_or_else(|_| abs.clone()),
            Some(_) => abs.clone(),
        };
        if skip.contains(&abs) || skip.contains(&real) || !seen.insert(real) {
            return;
        }
        let display: Arc<str> = display_path(&abs, root).into();
        // A file that is not read is not opened to detect its format.
        let format = match problem {
            None => detect(config, &path, &display),
            Some(_) => None,
        };
        out.push(Target {
            path,
            display,
            format,
            problem,
        });
    };
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let walk_roots: Vec<PathBuf> = if paths.is_empty() {
        vec![config.base.clone()]
    } else {
        paths.to_vec()
    };
    for start in walk_roots {
        // A path named on the command line: a file is linted, a
        // directory walked, anything else reported.
        match std::fs::metadata(&start) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) => {
                if force_exclude && config.exclude.is_match(relative(&start, &config.base)) {
                    continue;
                }
                let problem = (!meta.is_file()).then(|| not_a_file(&meta.file_type()));
                push(start, problem, &mut out);
                continue;
            }
            Err(e) => {
                push(start, Some(e.to_string()), &mut out);
                continue;
            }
        }
        let mut found: Vec<(PathBuf, Option<String>)> = Vec::new();
        let outside = Arc::new(Mutex::new(Vec::new()));
        let walk = WalkBuilder::new(&start)
            .require_git(false)
            .follow_links(true)
            .filter_entry({
                // Links may lead anywhere in the repository, or in the
                // directory walked when that is outside it.
                let real_start = std::fs::canonicalize(&start).unwrap_or_else(|_| start.clone());
                let (outside, real_root) = (outside.clone(), real_root.clone());
                move |e| {
                    let leaves = e.depth() > 0
                        && e.path_is_symlink()
                        && std::fs::canonicalize(e.path()).is_ok_and(|target| {
                            !target.starts_with(&real_root) && !target.starts_with(&real_start)
                        });
                    if leaves {
                        if let Ok(mut outside) = outside.lock() {
                            outside.push(e.path().to_path_buf());
                        }
                    }
                    !leaves
                }
            })
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walk {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let (path, why) = walk_error(&e, root);
                    found.push((path.unwrap_or_else(|| start.clone()), Some(why)));
                    continue;
                }
            };
            match entry.file_type() {
                Some(t) if t.is_file() => found.push((entry.into_path(), None)),
                Some(t) if !t.is_dir() => {
                    let why = not_a_file(&t);
                    found.push((entry.into_path(), Some(why)));
                }
                _ => {}
            }
        }
        if let Ok(outside) = outside.lock() {
            found.extend(outside.iter().map(|link| {
                let to = std::fs::read_link(link)
                    .map(|t| format!(" ({})", t.display()))
                    .unwrap_or_default();
                let why =
                    format!("a symbolic link out of the repository{to}, which is not followed");
                (link.clone(), Some(why))
            }));
        }
        // Files reached through a link come after the others, so a file
        // both walked and linked to is shown under its own name.
        found.sort_by_cached_key(|(path, _)| {
            let via_link = std::fs::canonicalize(path).is_ok_and(|real| real != absolute(path));
            (via_link, path.clone())
        });
        for (file, problem) in found {
            let rel = relative(&file, &config.base);
            if config.exclude.is_match(&rel) {
                continue;
            }
            let included = match (&config.include, &problem) {
                // A directory that could not be walked (a loop, one that
                // cannot be listed) may hold anything.
                (_, Some(_)) if file.is_dir() => true,
                (Some(include), _) => include.is_match(&rel),
                (None, None) => detect(config, &file, &rel).is_some(),
                // Not opened: judged by its name.
                (None, Some(_)) => by_name(&rel),
            };
            if included {
                push(file, problem, &mut out);
            }
        }
    }
    out
}

/// Why a file of type `t` is not read.
fn not_a_file(t: &std::fs::FileType) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe, not a regular file; it is not opened".into();
        }
        if t.is_socket() {
            return "a socket, not a regular file; it is not opened".into();
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device, not a regular file; it is not opened".into();
        }
    }
    let _ = t;
    "not a regular file; it is not opened".into()
}

/// The path a walk error is about (if it names one) and what went wrong.
fn walk_error(e: &ignore::Error, root: &Path) -> (Option<PathBuf>, String) {
    match e {
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err, root)
        }
        ignore::Error::WithPath { path, err } => {
            let why = match std::fs::read_link(path) {
                Ok(to) if !path.exists() => {
                    format!("a symbolic link to {}, which does not exist", to.display())
                }
                _ => walk_error(err, root).1,
            };
            (Some(path.clone()), why)
        }
        ignore::Error::Loop { ancestor, child } => (
            Some(child.clone()),
            format!(
                "a symbolic link loop: it leads back to {}",
                display_path(ancestor, root)
            ),
        ),
        // The OS's own words, without the walker's repeating the path.
        ignore::Error::Io(io) => (
            None,
            io.raw_os_error().map_or_else(
                || io.to_string(),
                |code| std::io::Error::from_raw_os_error(code).to_string(),
            ),
        ),
        other => (None, other.to_string()),
    }
}

/// Whether a file's name alone says it is one a reader reads (its
/// extension), for files that are not opened.
fn by_name(name: &str) -> bool {
    let ext = name
        .rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    ext.is_some_and(|ext| {
        crate::read::FORMATS
            .iter()
            .any(|f| f.extensions.contains(&ext.as_str()))
    })
}

/// The format of the file at `path`, shown as `name`: named by
/// `[[files.format]]`, else detected.
pub fn detect(config: &Config, path: &Path, name: &str) -> Option<Format> {
    config
        .format_for(&relative(path, &config.base))
        .or_else(|| Format::detect(name, &crate::read::head(path)))
}

/// `path` relative to `base`, `/`-separated, for glob matching.
fn relative(path: &Path, base: &Path) -> String {
    display_path(path, &absolute(base))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_relative_with_slashes() {
        let root = PathBuf::from("/repo");
        assert_eq!(display_path(Path::new("/repo/a/b.csv"), &root), "a/b.csv");
        assert_eq!(display_path(Path::new("/repo/a/../c.csv"), &root), "c.csv");
        assert_eq!(
            display_path(Path::new("/elsewhere/x.csv"), &root),
            "/elsewhere/x.csv"
        );
    }
}
