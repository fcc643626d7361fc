//! Discover: which files to lint. Directories are walked with the `ignore`
//! crate (honouring `.gitignore`, skipping hidden files), then filtered by
//! the config's include and exclude globs.
//!
//! A file's format is the one the first matching `[[files.format]]` glob
//! names (matched, like include and exclude, against the path relative to
//! the config's directory), else the one [`Format::detect`] finds from its
//! extension and first bytes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    let mut push = |path: PathBuf, out: &mut Vec<Target>| {
        let abs = absolute(&path);
        if skip.contains(&abs) || !seen.insert(abs.clone()) {
            return;
        }
        let display: Arc<str> = display_path(&abs, root).into();
        let format = detect(config, &path, &display);
        out.push(Target {
            path,
            display,
            format,
        });
    };
    let walk_roots: Vec<PathBuf> = if paths.is_empty() {
        vec![config.base.clone()]
    } else {
        paths.to_vec()
    };
    for start in walk_roots {
        if start.is_file() {
            if force_exclude && config.exclude.is_match(relative(&start, &config.base)) {
                continue;
            }
            push(start, &mut out);
            continue;
        }
        let mut files: Vec<PathBuf> = WalkBuilder::new(&start)
            .require_git(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .collect();
        files.sort();
        for file in files {
            let rel = relative(&file, &config.base);
            if config.exclude.is_match(&rel) {
                continue;
            }
            let included = match &config.include {
                Some(include) => include.is_match(&rel),
                None => detect(config, &file, &rel).is_some(),
            };
            if included {
                push(file, &mut out);
            }
        }
    }
    out
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
