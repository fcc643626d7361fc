//! `assetlint check`: discover → read → resolve → evaluate → report.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use jiff::civil::Date;

use crate::check::baseline::{Baseline, Recorder};
use crate::check::ids::Ids;
use crate::check::reconcile::Reconciler;
use crate::check::waivers::Waivers;
use crate::check::{fails, Engine, Outcome};
use crate::cli::parallel;
use crate::cli::progress::{self, Progress};
use crate::cli::{load_config, load_policies, width, ColorChoice, Fatal};
use crate::config::{Config, PolicySource};
use crate::diag::{Code, Finding, Invalid, Label, Sensitive, Severity};
use crate::discover::{self, absolute, display_path, Target};
use crate::model::Site;
use crate::read::csv::{CsvReader, CHUNK_BYTES};
use crate::read::xlsx::XlsxReader;
use crate::read::{fields, Event, Format, Hint, Problem, Reader};
use crate::report::{self, Stream, Style, Summary, Verdict};
use crate::resolve::catalog::Catalog;
use crate::resolve::resolver::Resolver;
use crate::resolve::sites::SiteIndex;
use crate::source::Snippet;

/// `check` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and directories to lint; `-` reads standard input.
    pub paths: Vec<PathBuf>,
    /// Config file (default: assetlint.toml or .assetlint.toml here or in a parent, up to the repository root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Policy file, directory or builtin:NAME; repeatable; replaces the config's list.
    #[arg(long, value_name = "FILE|DIR|builtin:NAME")]
    pub policy: Vec<String>,
    /// Site register; repeatable; replaces the config's list.
    #[arg(long, value_name = "FILE")]
    pub sites: Vec<PathBuf>,
    /// Waiver file; repeatable; replaces the config's list.
    #[arg(long, value_name = "FILE")]
    pub waivers: Vec<PathBuf>,
    /// Also report the findings waivers suppressed, marked with the waiver (human and json).
    #[arg(long)]
    pub show_suppressed: bool,
    /// Report only findings that are not in this baseline; note its entries that are fixed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the run's findings (after waivers) to FILE as a baseline.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = report::Format::Human)]
    pub format: report::Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a SARIF report of the same run to FILE.
    #[arg(long, value_name = "FILE")]
    pub sarif_file: Option<PathBuf>,
    /// Also write a Markdown report of the same run to FILE.
    #[arg(long, value_name = "FILE")]
    pub summary_file: Option<PathBuf>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Evaluate as of this day (YYYY-MM-DD; default today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<Date>,
    /// Apply the config's excludes to files named on the command line too.
    #[arg(long)]
    pub force_exclude: bool,
    /// When to colour output (NO_COLOR, CLICOLOR and CLICOLOR_FORCE are honoured with auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print findings only, no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Show at most N findings in full in the human format, then how many more there are (0: all).
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub max_diagnostics: usize,
    /// Replace site names and ids, locations, IP addresses and host names with stable pseudonyms in every report, and mask source excerpts (key them with ASSETLINT_REDACT_KEY).
    #[arg(long)]
    pub redact: bool,
    /// Format of standard input (a name `[[files.format]]` accepts; default: from --stdin-name, else from the first bytes).
    #[arg(long, value_name = "FORMAT")]
    pub stdin_format: Option<String>,
    /// Name to show for standard input (its extension picks the format).
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Worker threads for large CSV/TSV registers (default: ASSETLINT_THREADS, else one per core; 1: one thread). The report is the same for any number.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

/// The `--fail-on` threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Errors.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Note,
    /// Never exit 1.
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

/// Runs `check`.
pub fn run(args: Args) -> Result<ExitCode, Fatal> {
    let started = Instant::now();
    let cwd = std::env::current_dir()?;
    let root = discover::repo_root(&cwd);

    // The nearest config above the first path given (so `assetlint check
    // examples/council` finds the example's own config), else above the
    // working directory.
    let first_dir = first_path_dir(&cwd, &args.paths);
    let search: Vec<&std::path::Path> = first_dir
        .iter()
        .map(|d| d.as_path())
        .chain([cwd.as_path()])
        .collect();
    let mut config = load_config(args.config.as_deref(), &args.policy, &cwd, &root, &search)?;
    if !args.sites.is_empty() {
        config.site_files = args.sites.iter().map(|p| cwd.join(p)).collect();
    }
    // The config's waiver files stay out of linting even when --waivers
    // replaces them.
    let waiver_files: Vec<PathBuf> = if args.waivers.is_empty() {
        config.waiver_files.clone()
    } else {
        args.waivers.iter().map(|p| cwd.join(p)).collect()
    };
    let today = args.date.unwrap_or_else(crate::cli::today);

    let policies = load_policies(&config, &root)?;
    let catalog = Catalog::builtin_shared();
    let exceptions = RefCell::new(Exceptions {
        waivers: Waivers::load(
            &waiver_files,
            &root,
            policies
                .iter()
                .flat_map(|p| p.rules.iter().map(|r| (r.id.as_str(), r.waivable))),
            today,
        )?,
        baseline: match &args.baseline {
            Some(path) => Some(Baseline::load(&cwd.join(path), &root)?),
            None => None,
        },
        recorder: args.write_baseline.as_ref().map(|_| Recorder::default()),
    });

    // Decide where the report goes before reading anything, so findings
    // can be written as they are found.
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let style = Style {
        color: args.color.resolve(to_terminal),
        width: width(),
        quiet: args.quiet,
        max_diagnostics: args.max_diagnostics,
    };
    let inputs = inputs(&args, &config, &root)?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => create(path, "args::output")?,
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let mut stream = Stream::new(args.format.reporter(style), out);
    for (path, format, code) in [
        (&args.sarif_file, report::Format::Sarif, "args::sarif-file"),
        (
            &args.summary_file,
            report::Format::Markdown,
            "args::summary-file",
        ),
    ] {
        if let Some(path) = path {
            stream = stream.with_sink(format.reporter(style), create(path, code)?);
        }
    }
    let mut stream = stream
        .with_severities(
            config
                .severities
                .iter()
                .map(|(id, s)| (id.get_ref().clone(), *s))
                .collect(),
        )
        .with_gate(
            Box::new(|f| exceptions.borrow_mut().judge(f)),
            args.show_suppressed,
        );
    {
        // Their findings are known only at the end.
        let ex = exceptions.borrow();
        ex.waivers
            .files()
            .chain(ex.baseline.as_ref().map(Baseline::name))
            .for_each(|name| stream.hold_from(name));
    }
    let mut read: Vec<Arc<str>> = config
        .site_files
        .iter()
        .map(|p| display_path(p, &root).into())
        .collect();
    read.extend(inputs.iter().map(|i| Arc::from(i.name())));

    stream.summary_mut().date = Some(today);
    let mut site_findings = Vec::new();
    let mut sites = read_sites(&config, &root, &mut site_findings, stream.summary_mut())?;
    let mixed = mixed_sites(&inputs, &config, &mut sites, &mut site_findings);
    let (sites, more) = SiteIndex::build(sites, &config.ladder);
    site_findings.extend(more);
    if args.redact {
        let key = std::env::var(report::redact::KEY_ENV).ok();
        stream.redact(redactor(&sites, key.as_deref()));
    }
    stream.defer(site_findings);

    let engine = Engine {
        policies: &policies,
        catalog,
        sites: &sites,
        ladder: &config.ladder,
        today,
        redact: args.redact,
    };
    let mut ids = Ids::default();
    let mut resolver = Resolver::new(catalog);
    let threads = parallel::threads(args.threads);
    // Scans are reconciled with the registers at the end, so every finding
    // waits for it to keep the report in one order.
    let observed = |i: &Input| i.format().is_some_and(Format::observed);
    let mut reconciler = inputs.iter().any(observed).then(Reconciler::default);
    if reconciler.is_some() {
        if let Some(first) = inputs.first() {
            stream.hold_from(first.name());
        }
    }
    let mut progress = Progress::start(
        progress::wanted(
            std::io::stderr().is_terminal(),
            to_terminal,
            std::env::var_os("CI").as_deref(),
        ),
        inputs.len(),
    );
    for input in inputs {
        let summary = stream.summary_mut();
        summary.files += 1;
        let before = summary.assets;
        summary.inputs.push(report::Input {
            file: input.name().to_string(),
            role: report::Role::Assets,
            format: input.format().map(Format::name),
            records: 0,
            problem: None,
        });
        match input {
            Input::Stdin { name, format } => {
                let mut stdin = std::io::stdin().lock();
                lint(
                    &engine,
                    &mut resolver,
                    &config,
                    name,
                    format,
                    &mut stdin,
                    &mut stream,
                    &mut ids,
                    reconciler.as_mut(),
                    &progress,
                    false,
                    threads,
                );
            }
            Input::File(target) => lint_file(
                &engine,
                &mut resolver,
                &config,
                &target,
                &mut stream,
                &mut ids,
                reconciler.as_mut(),
                &progress,
                mixed.contains(&target.display),
                threads,
            ),
        }
        progress.file_done();
        let summary = stream.summary_mut();
        let assets = summary.assets - before;
        if let Some(last) = summary.inputs.last_mut() {
            last.records = assets;
        }
    }
    progress.finish();
    // Ids used twice past the ones kept in memory are known only now.
    let duplicates = ids.finish().map_err(|e| {
        Invalid::plain(
            "io::temp-file",
            format!("cannot keep the asset ids in a temporary file: {e}"),
        )
    })?;
    stream.defer(duplicates);
    if let Some(reconciler) = reconciler {
        let reconciled = reconciler.finish(catalog);
        let summary = stream.summary_mut();
        for _ in 0..reconciled.covered_flagged {
            summary.flagged -= 1;
            summary.passed += 1;
        }
        stream.defer(reconciled.findings);
    }

    let (stale, fixed) = {
        let ex = exceptions.borrow();
        let read: HashSet<&str> = read.iter().map(|r| r.as_ref()).collect();
        let fixed = ex.baseline.as_ref().map(|b| b.fixed(&read, &root));
        (ex.waivers.findings(), fixed.unwrap_or_default())
    };
    stream.defer(stale);
    stream.defer(fixed);
    let (_, worst) = stream.finish(started.elapsed())?;
    if let (Some(path), Some(recorder)) = (&args.write_baseline, exceptions.into_inner().recorder) {
        std::fs::write(path, recorder.render()).map_err(|e| {
            Invalid::plain(
                "args::write-baseline",
                format!("cannot write {}: {e}", path.display()),
            )
        })?;
    }
    Ok(
        if worst.is_some_and(|w| fails(w, args.fail_on.threshold())) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// The `--redact` step, knowing every site register value that names a
/// site or an address range.
fn redactor(sites: &SiteIndex, key: Option<&str>) -> report::redact::Redactor {
    let mut builder = report::redact::Builder::new(key);
    for i in 0..sites.len() {
        let site = sites.site(i);
        builder.site(&site.id.value, site.name.iter().map(|n| n.value.clone()));
        if let Some(parent) = &site.parent {
            builder.value(Sensitive::Site, &parent.value);
        }
        for cidr in &site.cidrs {
            builder.value(Sensitive::Network, &cidr.value);
        }
    }
    builder.build()
}

/// The run's waivers and baseline: the gate every finding passes.
struct Exceptions {
    waivers: Waivers,
    baseline: Option<Baseline>,
    /// Collects the findings for `--write-baseline`.
    recorder: Option<Recorder>,
}

impl Exceptions {
    /// A waiver first (a suppressed finding is not baselined), then the
    /// baseline; what is left is recorded for a new baseline and reported.
    fn judge(&mut self, finding: &mut Finding) -> Verdict {
        if let Some(suppression) = self.waivers.suppress(finding) {
            finding.suppressed = Some(suppression);
            return Verdict::Suppressed;
        }
        if let Some(recorder) = &mut self.recorder {
            recorder.record(finding);
        }
        if self.baseline.as_mut().is_some_and(|b| b.contains(finding)) {
            Verdict::Baselined
        } else {
            Verdict::Report
        }
    }
}

/// Creates a report file.
fn create(path: &std::path::Path, code: &'static str) -> Result<Box<dyn Write>, Fatal> {
    let file = File::create(path)
        .map_err(|e| Invalid::plain(code, format!("cannot write {}: {e}", path.display())))?;
    Ok(Box::new(BufWriter::new(file)))
}

/// One input of a run.
enum Input {
    /// Standard input, shown as `name`.
    Stdin { name: Arc<str>, format: Format },
    /// A discovered file.
    File(Target),
}

impl Input {
    fn name(&self) -> &str {
        match self {
            Input::Stdin { name, .. } => name,
            Input::File(t) => &t.display,
        }
    }

    fn format(&self) -> Option<Format> {
        match self {
            Input::Stdin { format, .. } => Some(*format),
            Input::File(t) => t.format,
        }
    }
}

/// Every input, in the order findings are reported: by name.
fn inputs(args: &Args, config: &Config, root: &std::path::Path) -> Result<Vec<Input>, Fatal> {
    let mut skip: HashSet<PathBuf> = HashSet::new();
    skip.extend(config.file.iter().map(|p| absolute(p)));
    skip.extend(config.site_files.iter().map(|p| absolute(p)));
    skip.extend(config.waiver_files.iter().map(|p| absolute(p)));
    skip.extend(
        args.waivers
            .iter()
            .chain([&args.baseline, &args.write_baseline].into_iter().flatten())
            .map(|p| absolute(p)),
    );
    skip.extend(config.policies.iter().filter_map(|p| match p {
        PolicySource::Path(p) => Some(absolute(p)),
        PolicySource::Builtin(_) => None,
    }));

    let (stdin, paths): (Vec<_>, Vec<_>) = args
        .paths
        .iter()
        .cloned()
        .partition(|p| p.as_os_str() == "-");
    let mut inputs = Vec::new();
    if !stdin.is_empty() {
        let name: Arc<str> = args.stdin_name.as_deref().unwrap_or("<stdin>").into();
        let format = match &args.stdin_format {
            Some(f) => Some(Format::from_name(f).ok_or_else(|| {
                Invalid::plain(
                    "args::unknown-format",
                    format!("`{f}` is not an input format"),
                )
                .with_help(format!("formats: {}", Format::names(", ")))
            })?),
            None => Format::detect(&name, &[]).or_else(|| {
                use std::io::BufRead;
                // Peek: the bytes stay in standard input's buffer for the reader.
                let mut stdin = std::io::stdin().lock();
                Format::sniff(stdin.fill_buf().ok()?)
            }),
        };
        let Some(format) = format else {
            return Err(Invalid::plain(
                "args::stdin-format",
                "cannot tell the format of standard input",
            )
            .with_help(format!(
                "pass --stdin-format {}, or a --stdin-name with an extension",
                Format::names("|")
            ))
            .into());
        };
        inputs.push(Input::Stdin { name, format });
    }
    if stdin.is_empty() || !paths.is_empty() {
        inputs.extend(
            discover::discover(config, root, &paths, args.force_exclude, &skip)
                .into_iter()
                .map(Input::File),
        );
    }
    inputs.sort_by(|a, b| a.name().cmp(b.name()));
    Ok(inputs)
}

/// The directory of the first path given, where config discovery starts.
fn first_path_dir(cwd: &std::path::Path, paths: &[PathBuf]) -> Option<PathBuf> {
    paths.iter().find(|p| p.as_os_str() != "-").map(|p| {
        let p = cwd.join(p);
        if p.is_dir() {
            p
        } else {
            p.parent()
                .map_or_else(|| cwd.to_path_buf(), |d| d.to_path_buf())
        }
    })
}

/// Reads every site register. A register that cannot be opened stops the
/// run; problems inside one are findings.
fn read_sites(
    config: &Config,
    root: &std::path::Path,
    findings: &mut Vec<Finding>,
    summary: &mut Summary,
) -> Result<Vec<Site>, Fatal> {
    let mut sites = Vec::new();
    let mut fatal = Vec::new();
    for path in &config.site_files {
        let name: Arc<str> = display_path(path, root).into();
        let Some(format) = discover::detect(config, path, &name) else {
            fatal.push(
                Invalid::plain(
                    "sites::unknown-format",
                    format!("cannot tell the format of site register {name}"),
                )
                .with_help("site registers are .csv, .tsv, .yaml, .yml, .json, .toml, .xlsx, .xlsm, .xls or .ods files, or name the file's format in assetlint.toml with [[files.format]]"),
            );
            continue;
        };
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => {
                fatal.push(Invalid::plain(
                    "sites::unreadable",
                    format!("cannot read site register {name}: {e}"),
                ));
                continue;
            }
        };
        summary.files += 1;
        summary.inputs.push(crate::report::Input {
            file: name.to_string(),
            role: crate::report::Role::Sites,
            format: Some(format.name()),
            records: 0,
            problem: None,
        });
        if let Some(size) = too_large(&file, config) {
            let snippet = Snippet::whole(name.clone(), "".into());
            findings.push(over_max_size(snippet, &name, size, config));
            if let Some(last) = summary.inputs.last_mut() {
                last.problem = Some(too_large_problem(size, config));
            }
            continue;
        }
        let mut input = BufReader::new(file);
        let before = sites.len();
        let result = format
            .reader()
            .read(name.clone(), &mut input, &mut |event| match event {
                Event::Record(Hint::Assets, _) => {}
                Event::Record(_, record) => {
                    match fields::site_with(record, &config.site_fields, &config.ladder) {
                        Ok((site, problems)) => {
                            findings.extend(problems.into_iter().map(problem_finding));
                            sites.push(site);
                        }
                        Err(problem) => findings.push(problem_finding(problem)),
                    }
                }
                Event::Problem(problem) => findings.push(problem_finding(problem)),
            });
        let read = sites.len() - before;
        if let Some(last) = summary.inputs.last_mut() {
            last.records = read;
        }
        if let Err(e) = result {
            fatal.push(Invalid::plain(
                "sites::unreadable",
                format!("cannot read site register {name}: {e}"),
            ));
        }
    }
    if fatal.is_empty() {
        Ok(sites)
    } else {
        Err(Fatal::Invalid(fatal))
    }
}

/// The YAML and JSON inputs that hold both sites and assets (gen.py's
/// `{sites: [...], devices: [...]}` document) are site registers too:
/// their sites join the register before any asset is checked (read by a
/// quick pass that skips the asset lists), and their names are returned.
/// Problems are left to the full reading of the file.
fn mixed_sites(
    inputs: &[Input],
    config: &Config,
    sites: &mut Vec<Site>,
    findings: &mut Vec<Finding>,
) -> HashSet<Arc<str>> {
    let mut mixed = HashSet::new();
    for input in inputs {
        let Input::File(Target {
            path,
            display,
            format: Some(format @ (Format::Json | Format::Yaml)),
            ..
        }) = input
        else {
            continue;
        };
        let Ok(file) = File::open(path) else {
            continue;
        };
        if too_large(&file, config).is_some() {
            continue;
        }
        // Each record becomes a site as it is read (a site is much smaller
        // than its record), kept until the file proves to hold assets too.
        let (mut found, mut assets) = (Vec::new(), false);
        let read = crate::read::structured::read_sites_first(
            *format,
            display.clone(),
            &mut BufReader::new(file),
            &mut |event| match event {
                Event::Record(Hint::Sites, record) => found.push(fields::site_with(
                    record,
                    &config.site_fields,
                    &config.ladder,
                )),
                Event::Record(Hint::Assets, _) => assets = true,
                _ => {}
            },
        );
        if read.is_err() || !assets || found.is_empty() {
            continue;
        }
        for site in found {
            match site {
                Ok((site, problems)) => {
                    findings.extend(problems.into_iter().map(problem_finding));
                    sites.push(site);
                }
                Err(problem) => findings.push(problem_finding(problem)),
            }
        }
        mixed.insert(display.clone());
    }
    mixed
}

#[allow(clippy::too_many_arguments)]
fn lint_file(
    engine: &Engine<'_>,
    resolver: &mut Resolver<'_>,
    config: &Config,
    target: &Target,
    stream: &mut Stream<'_>,
    ids: &mut Ids,
    reconciler: Option<&mut Reconciler>,
    progress: &Progress,
    mixed: bool,
    threads: usize,
) {
    let empty = || Snippet::whole(target.display.clone(), "".into());
    if let Some(problem) = &target.problem {
        stream.push(unreadable(empty(), &target.display, problem));
        stream.flush_before(&target.display, usize::MAX);
        set_problem(stream, problem.clone());
        return;
    }
    let Some(format) = target.format else {
        let code = Code::UnknownFormat;
        let mut f = Finding::new(
            code.id(),
            code.severity(),
            format!("no reader understands {}", target.display),
            Label::new(empty(), 0..0, "unknown format"),
        );
        f.help = Some(code.help().to_string());
        stream.push(f);
        stream.flush_before(&target.display, usize::MAX);
        set_problem(stream, "no reader understands it".into());
        return;
    };
    match File::open(&target.path) {
        Ok(file) => {
            if let Some(size) = too_large(&file, config) {
                stream.push(over_max_size(empty(), &target.display, size, config));
                stream.flush_before(&target.display, usize::MAX);
                set_problem(stream, too_large_problem(size, config));
                return;
            }
            let mut input = BufReader::new(file);
            lint(
                engine,
                resolver,
                config,
                target.display.clone(),
                format,
                &mut input,
                stream,
                ids,
                reconciler,
                progress,
                mixed,
                threads,
            );
        }
        Err(e) => {
            stream.push(unreadable(empty(), &target.display, &e));
            stream.flush_before(&target.display, usize::MAX);
            set_problem(stream, e.to_string());
        }
    }
}

/// The size of an open file when it is over `[files] max_file_size`.
fn too_large(file: &File, config: &Config) -> Option<u64> {
    let size = file.metadata().ok()?.len();
    (size > config.max_file_size).then_some(size)
}

/// Why a file over `[files] max_file_size` was not read, for the summary.
fn too_large_problem(size: u64, config: &Config) -> String {
    format!(
        "{size} bytes, over [files] max_file_size ({} bytes)",
        config.max_file_size
    )
}

/// The finding for a file over `[files] max_file_size`, which is not read.
fn over_max_size(snippet: Snippet, name: &str, size: u64, config: &Config) -> Finding {
    let code = Code::LimitExceeded;
    let mut f = Finding::new(
        code.id(),
        code.severity(),
        format!(
            "{name} is {size} bytes, over the limit of {} bytes ([files] max_file_size)",
            config.max_file_size
        ),
        Label::new(snippet, 0..0, "file too large; not read"),
    );
    f.help = Some(code.help().to_string());
    f
}

/// The warning that an asset file gave no asset.
fn no_assets(name: &Arc<str>) -> Finding {
    let code = Code::NoAssets;
    let mut f = Finding::new(
        code.id(),
        code.severity(),
        format!("{name} holds no assets"),
        Label::new(Snippet::whole(name.clone(), "".into()), 0..0, "no assets"),
    );
    f.help = Some(code.help().to_string());
    f
}

/// Records why the file being linted (the summary's last input) was not
/// read.
fn set_problem(stream: &mut Stream<'_>, problem: String) {
    if let Some(input) = stream.summary_mut().inputs.last_mut() {
        input.problem = Some(problem);
    }
}

fn unreadable(snippet: Snippet, name: &str, e: &dyn std::fmt::Display) -> Finding {
    let code = Code::UnreadableFile;
    let mut f = Finding::new(
        code.id(),
        code.severity(),
        format!("cannot read {name}: {e}"),
        Label::new(snippet, 0..0, "unreadable"),
    );
    f.help = Some(code.help().to_string());
    f
}

/// Reads one asset file and checks every asset in it. A `mixed` file's
/// sites have been read into the site register already (see
/// [`mixed_sites`]).
#[allow(clippy::too_many_arguments)]
fn lint(
    engine: &Engine<'_>,
    resolver: &mut Resolver<'_>,
    config: &Config,
    name: Arc<str>,
    format: Format,
    input: &mut dyn std::io::BufRead,
    stream: &mut Stream<'_>,
    ids: &mut Ids,
    mut reconciler: Option<&mut Reconciler>,
    progress: &Progress,
    mixed: bool,
    threads: usize,
) {
    let mut warned_sites = mixed;
    // Read by worker threads in chunks: CSV and TSV registers, unless
    // scans are to be reconciled with them.
    let chunked =
        threads > 1 && matches!(format, Format::Csv | Format::Tsv) && reconciler.is_none();
    let netbox = std::cell::Cell::new(None);
    let mut findings = Vec::new();
    let mut mapper = fields::Mapper::new(&config.columns).with_dates(config.dates);
    let chosen_sheets;
    let reader: &dyn Reader = match (format, &config.sheets) {
        (Format::Xlsx, Some(sheets)) => {
            chosen_sheets = XlsxReader {
                sheets: Some(sheets.clone()),
            };
            &chosen_sheets
        }
        _ => format.reader(),
    };
    let assets_before = stream.summary_mut().assets;
    let mut parse_failed = false;
    let mut handle = |step: Step| {
        match step {
            Step::Chunk(checked) => checked.replay(
                &name,
                &mut Replayer {
                    name: &name,
                    stream: &mut *stream,
                    ids: &mut *ids,
                    progress,
                    warned_sites: &mut warned_sites,
                },
            ),
            Step::Event(Event::Record(Hint::Sites, record)) => {
                if !warned_sites {
                    warned_sites = true;
                    stream.push(sites_warning(&record));
                }
            }
            Step::Event(Event::Record(_, record)) => {
                // A streamed YAML or JSON file's records (snippets that are
                // parts of the file) arrive in file order too.
                let streamed =
                    matches!(format, Format::Json | Format::Yaml) && record.snippet.offset() > 0;
                if format.streams() || streamed {
                    // Records arrive in file order: what sorts before this one is final.
                    stream.flush_before(&name, record.span.start);
                }
                let (asset, problems) = mapper.asset(record);
                netbox.set(mapper.netbox());
                problems
                    .into_iter()
                    .for_each(|p| stream.push(problem_finding(p)));
                stream.summary_mut().assets += 1;
                progress.asset();
                if let Some(duplicate) = ids.check(&asset) {
                    stream.push(duplicate);
                }
                let outcome = engine.check(resolver, &asset, &mut findings);
                match reconciler.as_deref_mut() {
                    // A scanned device's findings wait: if a register declares
                    // it with the same vendor, the register's findings stand
                    // for them.
                    Some(reconciler) if format.observed() => {
                        let identification = resolver.identify(&asset);
                        let found = std::mem::take(&mut findings);
                        let site = engine.site_id(&asset);
                        reconciler.observed(&asset, identification.as_ref(), found, outcome, site);
                    }
                    Some(reconciler) => {
                        findings.drain(..).for_each(|f| stream.push(f));
                        let identification = resolver.identify(&asset);
                        let site = engine.site_id(&asset);
                        reconciler.declared(&asset, identification.as_ref(), site);
                    }
                    None => findings.drain(..).for_each(|f| stream.push(f)),
                }
                let summary = stream.summary_mut();
                match outcome {
                    Outcome::Passed => summary.passed += 1,
                    Outcome::Flagged => summary.flagged += 1,
                    Outcome::NotCheckable => summary.not_checkable += 1,
                }
            }
            Step::Event(Event::Problem(problem)) => {
                if problem.drops_record() {
                    let summary = stream.summary_mut();
                    summary.assets += 1;
                    summary.not_checkable += 1;
                    progress.asset();
                }
                // A limit that stops the reading (not one that drops a row)
                // leaves the file unread as a parse error does.
                let stopped = problem.code == Code::LimitExceeded && !problem.drops_record();
                if problem.code == Code::ParseError || stopped {
                    parse_failed = true;
                    set_problem(stream, problem.message.clone());
                }
                stream.push(problem_finding(problem));
            }
        }
    };
    let result = if chunked {
        let csv = CsvReader {
            delimiter: if format == Format::Tsv { b'\t' } else { b',' },
        };
        // Tests cut small files into many chunks.
        let target = std::env::var(CHUNK_ENV)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(CHUNK_BYTES);
        csv.split(name.clone(), input, &mut |e| handle(Step::Event(e)), target)
            .and_then(|mut split| {
                let netbox = netbox.get();
                parallel::run(
                    &mut split,
                    threads,
                    || Resolver::new(engine.catalog),
                    |resolver, chunk| {
                        parallel::check_chunk(chunk, engine, resolver, config, netbox)
                    },
                    &mut |checked| handle(Step::Chunk(checked)),
                )?;
                split.rest(&mut |e| handle(Step::Event(e)))
            })
    } else {
        reader.read(name.clone(), input, &mut |e| handle(Step::Event(e)))
    };
    match result {
        Err(e) => {
            let problem = e.to_string();
            stream.push(unreadable(
                Snippet::whole(name.clone(), "".into()),
                &name,
                &problem,
            ));
            set_problem(stream, problem);
        }
        // No asset in it, and no parse error or site records to say why:
        // said, not passed in silence (an empty file, a lone header row,
        // rows the reader took for a header).
        Ok(())
            if stream.summary_mut().assets == assets_before && !parse_failed && !warned_sites =>
        {
            stream.push(no_assets(&name));
        }
        Ok(()) => {}
    }
    stream.flush_before(&name, usize::MAX);
}

/// The environment variable that sets the chunk size in bytes (for tests:
/// small files in many chunks).
const CHUNK_ENV: &str = "ASSETLINT_CHUNK_BYTES";

/// One step of reading a file: an event read here, or a chunk read and
/// checked by a worker thread.
enum Step {
    Event(Event),
    Chunk(parallel::Checked),
}

/// Replays a chunk checked by a worker as [`lint`] handles each event.
struct Replayer<'r, 's> {
    name: &'r Arc<str>,
    stream: &'r mut Stream<'s>,
    ids: &'r mut Ids,
    progress: &'r Progress,
    warned_sites: &'r mut bool,
}

impl parallel::Replay for Replayer<'_, '_> {
    fn record(&mut self, start: usize) {
        // Chunks are CSV or TSV, which stream.
        self.stream.flush_before(self.name, start);
        self.stream.summary_mut().assets += 1;
        self.progress.asset();
    }

    fn finding(&mut self, finding: Finding) {
        self.stream.push(finding);
    }

    fn sites_warning(&mut self, finding: Finding) {
        if !*self.warned_sites {
            *self.warned_sites = true;
            self.stream.push(finding);
        }
    }

    fn id(
        &mut self,
        id: &str,
        span: std::ops::Range<usize>,
        at: crate::source::Position,
        row: &dyn Fn() -> Snippet,
    ) {
        let second_use = || Label::new(row(), span.clone(), "second use");
        if let Some(duplicate) = self.ids.check_id(id, self.name, span.start, at, second_use) {
            self.stream.push(duplicate);
        }
    }

    fn outcome(&mut self, outcome: Outcome) {
        let summary = self.stream.summary_mut();
        match outcome {
            Outcome::Passed => summary.passed += 1,
            Outcome::Flagged => summary.flagged += 1,
            Outcome::NotCheckable => summary.not_checkable += 1,
        }
    }

    fn dropped(&mut self) {
        let summary = self.stream.summary_mut();
        summary.assets += 1;
        summary.not_checkable += 1;
        self.progress.asset();
    }
}

/// The warning that an asset file holds site records.
pub(super) fn sites_warning(record: &crate::model::Record) -> Finding {
    let code = Code::SitesInAssetFile;
    let mut f = Finding::new(
        code.id(),
        code.severity(),
        format!(
            "{} holds site records, but it is linted as an asset file",
            record.snippet.name()
        ),
        Label::new(record.snippet.clone(), record.span.clone(), "site records"),
    );
    f.help = Some(code.help().to_string());
    f
}

/// A reader's problem as a finding.
pub(super) fn problem_finding(problem: Problem) -> Finding {
    let mut f = Finding::new(
        problem.code.id(),
        problem.code.severity(),
        problem.message,
        Label::new(problem.snippet, problem.span, problem.label),
    );
    f.help = Some(problem.code.help().to_string());
    f
}
