//! The command line: one module per subcommand. This is the only place that
//! touches the terminal and the file system on the run's behalf.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

use crate::config::{Config, PolicySource};
use crate::diag::Invalid;
use crate::policy::load::{self, Policy};

pub mod check;
pub mod explain;
pub mod init;
pub mod parallel;
pub mod policy;
pub mod progress;
pub mod rules;
pub mod vendors;

/// Lint asset registers against compliance policies: finds banned-vendor
/// equipment where policy forbids it, and says why.
#[derive(Debug, Parser)]
#[command(name = "assetlint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of `check`'s options does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Lint asset files and directories (default: the config's include globs, else `.`).
    Check(check::Args),
    /// Policy authoring: run policy test cases, validate policy files.
    Policy(policy::Args),
    /// List the rules of the loaded policies: id, severity, effective date, deadline, summary.
    Rules(rules::Args),
    /// Which catalog vendor a name, model, MAC address or banner resolves to, and why.
    Vendors(vendors::Args),
    /// Explain a rule: what it checks, why, how to fix it, its dates and where it is defined.
    Explain(explain::Args),
    /// Write a commented starter assetlint.toml fitted to this directory.
    Init(init::Args),
}

/// When to colour output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Decides once: the flag, then `NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR`,
    /// then whether the stream is a terminal.
    pub fn resolve(self, is_terminal: bool) -> bool {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if var("NO_COLOR").is_some() {
                    false
                } else if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                    true
                } else if var("CLICOLOR").is_some_and(|v| v == "0")
                    || std::env::var("TERM").is_ok_and(|t| t == "dumb")
                {
                    false
                } else {
                    is_terminal
                }
            }
        }
    }
}

/// Why a run stopped before it could report findings (exit code 2).
#[derive(Debug)]
pub enum Fatal {
    /// Config, policy or argument problems.
    Invalid(Vec<Invalid>),
    /// Writing the report failed.
    Io(std::io::Error),
}

impl From<Vec<Invalid>> for Fatal {
    fn from(v: Vec<Invalid>) -> Self {
        Fatal::Invalid(v)
    }
}

impl From<Invalid> for Fatal {
    fn from(v: Invalid) -> Self {
        Fatal::Invalid(vec![v])
    }
}

impl From<std::io::Error> for Fatal {
    fn from(e: std::io::Error) -> Self {
        Fatal::Io(e)
    }
}

/// Parses the arguments, runs the command, and turns the outcome into an
/// exit code: 0 clean, 1 findings at or above `--fail-on`, 2 the run could
/// not be done.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (result, color) = match cli.command {
        Command::Check(args) => {
            let color = args.color;
            (check::run(args), color)
        }
        Command::Policy(args) => (policy::run(args), ColorChoice::Auto),
        Command::Rules(args) => (rules::run(args), ColorChoice::Auto),
        Command::Vendors(args) => (vendors::run(args), ColorChoice::Auto),
        Command::Explain(args) => (explain::run(args), ColorChoice::Auto),
        Command::Init(args) => (init::run(args), ColorChoice::Auto),
    };
    match result {
        Ok(code) => code,
        Err(fatal) => {
            report_fatal(fatal, color.resolve(std::io::stderr().is_terminal()));
            ExitCode::from(2)
        }
    }
}

/// The config a command runs with: the file `--config` names, else the
/// nearest `assetlint.toml` or `.assetlint.toml` above the first directory of
/// `search_from` that has one (up to the repository root), else the defaults
/// at `cwd`. A non-empty `--policy` list replaces the config's policies.
pub fn load_config(
    config: Option<&Path>,
    policies: &[String],
    cwd: &Path,
    root: &Path,
    search_from: &[&Path],
) -> Result<Config, Fatal> {
    let mut config = match config {
        Some(path) => Config::load(path, root)?,
        None => match search_from.iter().find_map(|dir| Config::find(dir)) {
            Some(path) => Config::load(&path, root)?,
            None => Config::default_at(cwd.to_path_buf()),
        },
    };
    if !policies.is_empty() {
        config.policies = policies
            .iter()
            .map(|p| PolicySource::parse(p, cwd))
            .collect();
    }
    Ok(config)
}

/// Loads the config's policies (the builtin packs when it names none) and
/// checks that every rule id the config mentions exists.
pub fn load_policies(config: &Config, root: &Path) -> Result<Vec<Policy>, Fatal> {
    let policies = load::load_all(&config.policies, &config.ladder, root)?;
    let unknown = config.check_rule_ids(
        policies
            .iter()
            .flat_map(|p| p.rules.iter().map(|r| r.id.as_str())),
    );
    if unknown.is_empty() {
        Ok(policies)
    } else {
        Err(Fatal::Invalid(unknown))
    }
}

/// Prints what stopped the run to stderr.
fn report_fatal(fatal: Fatal, color: bool) {
    let mut stderr = std::io::stderr().lock();
    match fatal {
        Fatal::Invalid(problems) => {
            let theme = if color {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            let handler = GraphicalReportHandler::new_themed(theme)
                .with_width(width())
                .with_links(false);
            let count = problems.len();
            for problem in &problems {
                let mut text = String::new();
                if handler
                    .render_report(&mut text, problem as &dyn Diagnostic)
                    .is_err()
                {
                    text = format!("error: {problem}\n");
                }
                let _ = writeln!(stderr, "{text}");
            }
            let _ = writeln!(
                stderr,
                "assetlint: the run could not be done: {}",
                crate::report::plural(count, "problem", "problems")
            );
        }
        Fatal::Io(e) => {
            let _ = writeln!(stderr, "error: {e}");
        }
    }
}

/// Today's date in the system's time zone, for `--date`'s default.
///
/// The same date `jiff::Zoned::now().date()` gives, found more cheaply
/// when `TZ` is unset: the zone rules are read from `/etc/localtime`
/// itself. jiff, asked for the system zone, first names it by the
/// symlink's target and looks that name up in its time-zone database,
/// which lists all of `/usr/share/zoneinfo` (about 50 directory reads and
/// a tenth of a small run's instructions). With `TZ` set, or when
/// `/etc/localtime` cannot be read as TZif, jiff decides as before.
pub fn today() -> jiff::civil::Date {
    let now = jiff::Timestamp::now();
    #[cfg(unix)]
    if std::env::var_os("TZ").is_none() {
        if let Some(tz) = std::fs::read("/etc/localtime")
            .ok()
            .and_then(|bytes| jiff::tz::TimeZone::tzif("Local", &bytes).ok())
        {
            return now.to_zoned(tz).date();
        }
    }
    now.to_zoned(jiff::tz::TimeZone::system()).date()
}

/// The width to wrap reports to: `COLUMNS`, else 100.
pub fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100)
}
