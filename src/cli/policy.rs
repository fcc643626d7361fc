//! `assetlint policy test` and `assetlint policy check`: for policy authors.
//!
//! Both load the policies named on the command line (files, directories or
//! `builtin:NAME`; by default the config's, else the builtin packs) with
//! every check a run makes, plus the `[[test]]` cases of each policy file
//! and of the `NAME_test.toml` file beside it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::civil::Date;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};
use serde::Serialize;

use crate::cli::{load_config, load_policies, width, Fatal};
use crate::config::Config;
use crate::policy::load::Policy;
use crate::policy::test::{self, Case, Outcome};
use crate::resolve::catalog::Catalog;

/// `policy` subcommands.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Run the `[[test]]` cases of policy files (and of NAME_test.toml files beside them).
    Test(TestArgs),
    /// Validate policy files and their test cases without linting any asset.
    Check(CheckArgs),
}

/// `policy test` options.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Policy files, directories or builtin:NAME (default: the config's policies, else the builtin packs).
    pub paths: Vec<String>,
    /// Config file (its sensitivity ladder applies).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Evaluate cases without a `date` as of this day (YYYY-MM-DD; default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<Date>,
}

/// `policy check` options.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Policy files, directories or builtin:NAME (default: the config's policies, else the builtin packs).
    pub paths: Vec<String>,
    /// Config file (its sensitivity ladder applies).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// How to print test results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A line per case, and a diagnostic per failing case.
    Human,
    /// `[{"policy", "name", "passed", "missing", "unexpected"}]`.
    Json,
}

/// Runs `policy test` or `policy check`.
pub fn run(args: Args) -> Result<ExitCode, Fatal> {
    match args.command {
        Command::Test(args) => run_test(args),
        Command::Check(args) => run_check(args),
    }
}

/// The policies and their cases, each case checked: any problem is fatal.
fn load(paths: &[String], config: Option<&Path>) -> Result<(Config, Vec<Policy>), Fatal> {
    let cwd = std::env::current_dir()?;
    let root = crate::discover::repo_root(&cwd);
    // A `NAME_test.toml` named on the command line stands for its policy.
    let paths: Vec<String> = paths
        .iter()
        .map(|p| match p.strip_suffix("_test.toml") {
            Some(stem) => format!("{stem}.toml"),
            None => p.clone(),
        })
        .collect();
    let config = load_config(config, &paths, &cwd, &root, &[&cwd])?;
    let mut policies = load_policies(&config, &root)?;
    let mut problems = Vec::new();
    for policy in &mut policies {
        let name = policy.source.name().to_string();
        if let Some(stem) = name.strip_suffix(".toml").filter(|_| !name.contains(':')) {
            let beside = root.join(format!("{stem}_test.toml"));
            if let Ok(text) = std::fs::read_to_string(&beside) {
                match test::load_file(format!("{stem}_test.toml").into(), &text) {
                    Ok(cases) => policy.tests.extend(cases),
                    Err(e) => problems.push(e),
                }
            }
        }
        for case in &policy.tests {
            problems.extend(test::validate(policy, case));
        }
    }
    if problems.is_empty() {
        Ok((config, policies))
    } else {
        Err(Fatal::Invalid(problems))
    }
}

fn run_check(args: CheckArgs) -> Result<ExitCode, Fatal> {
    let (_, policies) = load(&args.paths, args.config.as_deref())?;
    let rules: usize = policies.iter().map(|p| p.rules.len()).sum();
    let cases: usize = policies.iter().map(|p| p.tests.len()).sum();
    let mut out = io::stdout().lock();
    for policy in &policies {
        writeln!(
            out,
            "{}: {}, {}",
            policy.source.name(),
            crate::report::plural(policy.rules.len(), "rule", "rules"),
            crate::report::plural(policy.tests.len(), "test case", "test cases")
        )?;
    }
    writeln!(
        out,
        "checked {}: {}, {}; no problems",
        crate::report::plural(policies.len(), "policy", "policies"),
        crate::report::plural(rules, "rule", "rules"),
        crate::report::plural(cases, "test case", "test cases")
    )?;
    Ok(ExitCode::SUCCESS)
}

/// One case's result, as `--format json` prints it.
#[derive(Serialize)]
struct Row<'a> {
    policy: &'a str,
    name: &'a str,
    passed: bool,
    missing: &'a [String],
    unexpected: &'a [String],
}

fn run_test(args: TestArgs) -> Result<ExitCode, Fatal> {
    let (config, policies) = load(&args.paths, args.config.as_deref())?;
    let today = args.date.unwrap_or_else(|| jiff::Zoned::now().date());
    let catalog = Catalog::builtin();
    let results: Vec<(&Policy, &Case, Outcome)> = policies
        .iter()
        .flat_map(|p| p.tests.iter().map(move |c| (p, c)))
        .map(|(p, c)| (p, c, test::run(p, c, &catalog, &config.ladder, today)))
        .collect();
    let failed = results.iter().filter(|(_, _, o)| !o.passed()).count();
    let mut out = io::BufWriter::new(io::stdout().lock());
    match args.format {
        Format::Json => {
            let rows: Vec<Row<'_>> = results
                .iter()
                .map(|(p, _, o)| Row {
                    policy: &p.id,
                    name: &o.name,
                    passed: o.passed(),
                    missing: &o.missing,
                    unexpected: &o.unexpected,
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rows).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        Format::Human => human(&results, policies.len(), failed, &mut out)?,
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A line per case, then a diagnostic per failing case, then the count.
fn human(
    results: &[(&Policy, &Case, Outcome)],
    policies: usize,
    failed: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    let id_width = results.iter().map(|(p, ..)| p.id.len()).max().unwrap_or(0);
    for (policy, _, outcome) in results {
        let verdict = if outcome.passed() { "pass" } else { "FAIL" };
        writeln!(
            out,
            "{verdict}  {:id_width$}  {}",
            policy.id,
            outcome.name,
            id_width = id_width
        )?;
    }
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
        .with_width(width())
        .with_links(false);
    for (policy, case, outcome) in results.iter().filter(|(_, _, o)| !o.passed()) {
        writeln!(out)?;
        let report = failure(policy, case, outcome);
        let mut text = String::new();
        if handler.render_report(&mut text, report.as_ref()).is_err() {
            text = format!("{report}\n");
        }
        write!(out, "{text}")?;
    }
    writeln!(
        out,
        "\nran {} of {}: {} passed, {} failed",
        crate::report::plural(results.len(), "test case", "test cases"),
        crate::report::plural(policies, "policy", "policies"),
        results.len() - failed,
        failed
    )
}

/// A failing case as a diagnostic: its name, each expectation that did
/// not hold underlined, and what did fire.
fn failure(policy: &Policy, case: &Case, outcome: &Outcome) -> miette::Report {
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some("this case failed".into()),
        case.name.span(),
    )];
    let full = |id: &str| {
        if id.contains('/') {
            id.to_string()
        } else {
            format!("{}/{id}", policy.id)
        }
    };
    for id in &case.expect {
        if outcome.missing.contains(&full(id.get_ref())) {
            labels.push(LabeledSpan::new_with_span(
                Some("expected to fire; it did not".into()),
                id.span(),
            ));
        }
    }
    for id in &case.expect_not {
        if outcome.unexpected.contains(&full(id.get_ref())) {
            labels.push(LabeledSpan::new_with_span(
                Some("expected not to fire; it did".into()),
                id.span(),
            ));
        }
    }
    let mut help = String::new();
    for id in &outcome.missing {
        help.push_str(&format!("- {id} (expected, did not fire)\n"));
    }
    for id in &outcome.unexpected {
        help.push_str(&format!("+ {id} (fired, expected not to)\n"));
    }
    if outcome.fired.is_empty() {
        help.push_str("fired: nothing");
    } else {
        help.push_str(&format!("fired: {}", outcome.fired.join(", ")));
    }
    let diagnostic = MietteDiagnostic::new(format!(
        "test case \"{}\" of policy {} failed",
        outcome.name, policy.id
    ))
    .with_code("policy::test-failed")
    .with_labels(labels)
    .with_help(help);
    let report = miette::Report::new(diagnostic);
    match &case.file {
        Some(file) => report.with_source_code(file.clone()),
        None => report,
    }
}
