//! Hostile and broken input: the corpus under `tests/hostile/` (its
//! `README.md` table names every case, its exit code and what it
//! exercises), plus cases made here at run time because they need the file
//! system itself (link loops, dangling links, a named pipe, unreadable
//! files) or are too big to commit (very long lines, thousands of bad
//! rows).
//!
//! Every case runs the real binary, with a guard that kills it and fails
//! the test as a hang after [`HANG`]. For each: the exit code is the one
//! expected (never 101 or a signal), nothing panics, a finding names the
//! file, no control character reaches the human or `github` output raw,
//! the Markdown report holds no cell a spreadsheet would run as a formula,
//! and the JSON summary accounts for everything ([`nothing_lost`]):
//! assets read = passed + flagged + not checkable, and every file given
//! is in the summary's list of inputs.
//!
//! The human output of a few representative cases is pinned in
//! `snapshots/hostile__*.snap`.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::copy_dir;

/// A run still going after this long is a hang.
const HANG: Duration = Duration::from_secs(20);

/// What one run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `assetlint ARGS` in `dir`, killing it (and failing) if it hangs.
fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, &[])
}

/// [`run`] with environment variables set.
fn run_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_assetlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("ASSETLINT_THREADS")
        .env_remove("ASSETLINT_CHUNK_BYTES")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drained on threads, so a large report cannot block the child.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hang: `assetlint {}` in {}", args.join(" "), dir.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8(stdout.join().unwrap()).expect("output is UTF-8");
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap()).into_owned();
    let code = status.code().unwrap_or_else(|| {
        panic!(
            "`assetlint {}` was killed by a signal: {stderr}",
            args.join(" ")
        )
    });
    Run {
        code,
        stdout,
        stderr,
    }
}

/// A character that must never reach a terminal raw: C0 controls but tab
/// and line feed (a carriage return too: the human and github outputs
/// have no CRLF), DEL, C1 controls, bidi embeddings, overrides, isolates
/// and marks. Written out here rather than taken from the crate, so the
/// test does not trust what it tests.
fn raw_control(c: char) -> bool {
    (c < ' ' && c != '\n' && c != '\t')
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// The first raw control character in `text`, with some context.
fn first_raw_control(text: &str) -> Option<String> {
    let at = text.find(raw_control)?;
    let before: String = text[..at].chars().rev().take(40).collect();
    let after: String = text[at..].chars().take(40).collect();
    let before: String = before.chars().rev().collect();
    Some(format!("{:?}", before + &after))
}

/// Table cells of a Markdown report that a spreadsheet would read as a
/// formula.
fn formula_cells(markdown: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for line in markdown.lines().filter(|l| l.starts_with('|')) {
        let line = line.replace("\\|", "");
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        // The delimiter row: `|---|---:|`.
        if cells
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
        {
            continue;
        }
        bad.extend(
            cells
                .iter()
                .filter(|c| c.starts_with(['=', '+', '-', '@', '\t', '\r']))
                .map(|c| c.to_string()),
        );
    }
    bad
}

/// Every regular file under `path` (or `path` itself), `/`-separated,
/// relative to `base`.
fn files_under(path: &Path, base: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            if entry.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            out.extend(files_under(&entry, base));
        }
    } else {
        let rel = path.strip_prefix(base).unwrap();
        out.push(rel.to_string_lossy().replace('\\', "/"));
    }
    out
}

/// Checks the JSON report of a run over `given` files: the summary adds
/// up, and lists every file given as an asset input exactly once.
/// Returns what is wrong, if anything.
fn nothing_lost(json: &str, given: &[String]) -> Vec<String> {
    let mut wrong = Vec::new();
    let doc: serde_json::Value = match serde_json::from_str(json) {
        Ok(doc) => doc,
        Err(e) => return vec![format!("the JSON report does not parse: {e}")],
    };
    let s = &doc["summary"];
    let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("summary.{k}: {s}"));
    let (assets, passed, flagged, not_checkable) =
        (n("assets"), n("passed"), n("flagged"), n("not_checkable"));
    if assets != passed + flagged + not_checkable {
        wrong.push(format!(
            "assets {assets} != passed {passed} + flagged {flagged} + not checkable {not_checkable}"
        ));
    }
    let inputs = s["inputs"].as_array().expect("summary.inputs");
    if n("files") != inputs.len() as u64 {
        wrong.push(format!(
            "summary.files is {} but {} inputs are listed",
            n("files"),
            inputs.len()
        ));
    }
    let listed: Vec<&str> = inputs
        .iter()
        .filter(|i| i["role"] == "assets")
        .map(|i| i["file"].as_str().unwrap())
        .collect();
    let records: u64 = inputs
        .iter()
        .filter(|i| i["role"] == "assets")
        .map(|i| i["records"].as_u64().unwrap())
        .sum();
    if records != assets {
        wrong.push(format!(
            "the inputs' records add up to {records}, not {assets}"
        ));
    }
    let listed_set: BTreeSet<&str> = listed.iter().copied().collect();
    if listed_set.len() != listed.len() {
        wrong.push(format!("a file is listed twice: {listed:?}"));
    }
    let given_set: BTreeSet<&str> = given.iter().map(String::as_str).collect();
    if listed_set != given_set {
        wrong.push(format!(
            "files given but not listed: {:?}; listed but not given: {:?}",
            given_set.difference(&listed_set).collect::<Vec<_>>(),
            listed_set.difference(&given_set).collect::<Vec<_>>()
        ));
    }
    for f in doc["findings"].as_array().expect("findings") {
        if f["line"].as_u64().is_none_or(|l| l == 0) {
            wrong.push(format!("a finding without a line: {f}"));
        }
    }
    wrong
}

/// One row of the corpus table.
struct Case {
    name: String,
    exit: i32,
}

/// The cases listed in `tests/hostile/README.md`.
fn cases() -> Vec<Case> {
    let readme = fs::read_to_string(corpus().join("README.md")).unwrap();
    readme
        .lines()
        .filter_map(|line| {
            let mut cells = line.strip_prefix("| `")?.split(" | ");
            let name = cells.next()?.strip_suffix('`')?.to_string();
            let exit = cells.next()?.parse().ok()?;
            Some(Case { name, exit })
        })
        .collect()
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// A temporary repository root (an empty `.git`) holding `case`.
fn repo_with(case: &str) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    let from = corpus().join(case);
    if from.is_dir() {
        copy_dir(&from, &repo.join(case));
    } else {
        fs::copy(&from, repo.join(case)).unwrap();
    }
    (temp, repo)
}

fn snapshot(name: &str, run: &Run) {
    let text = format!(
        "exit code: {}\n--- stdout\n{}--- stderr\n{}",
        run.code, run.stdout, run.stderr
    );
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => true,
        filters => vec![(r"in \d+\.\d+s", "in [elapsed]")],
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// Cases whose human output is pinned: one per kind of damage.
const PINNED: &[&str] = &[
    "csv-ansi-escapes.csv",
    "csv-empty.csv",
    "csv-mixed-1252.csv",
    "csv-ragged.csv",
    "csv-unterminated-quote.csv",
    "dir-duplicate-ids",
    "json-truncated.json",
    "toml-duplicate-key.toml",
    "xlsx-binary-junk.xlsx",
    "yaml-unterminated-quote.yaml",
];

#[test]
fn the_table_lists_every_case() {
    let listed: BTreeSet<String> = cases().into_iter().map(|c| c.name).collect();
    let present: BTreeSet<String> = fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .collect();
    assert_eq!(listed, present);
    for pinned in PINNED {
        assert!(listed.contains(*pinned), "{pinned}");
    }
}

#[test]
fn every_case_gives_a_located_diagnostic_and_its_exit_code() {
    let mut failures = Vec::new();
    for case in cases() {
        let (_temp, repo) = repo_with(&case.name);
        let name = case.name.as_str();
        let mut fail = |what: String| failures.push(format!("{name}: {what}"));

        let human = run(&repo, &["check", name]);
        if human.code != case.exit {
            fail(format!(
                "exit code {} (expected {})\n{}{}",
                human.code, case.exit, human.stdout, human.stderr
            ));
        }
        if human.stderr.contains("panicked") {
            fail(format!("panicked: {}", human.stderr));
        }
        // A finding, naming the case's file (in a `[file:line:column]`
        // header, or in the message of a finding about a whole file).
        let summary = human.stdout.lines().last().unwrap_or("");
        if summary.contains(": 0 errors, 0 warnings, 0 notes") {
            fail(format!("no finding: {summary}"));
        }
        if !human.stdout.contains(&format!("[{name}")) && !human.stdout.contains(name) {
            fail(format!("no diagnostic names the file:\n{}", human.stdout));
        }
        if let Some(raw) = first_raw_control(&human.stdout) {
            fail(format!(
                "a raw control character in the human output: {raw}"
            ));
        }

        let github = run(&repo, &["check", name, "--format", "github"]);
        if let Some(raw) = first_raw_control(&github.stdout) {
            fail(format!(
                "a raw control character in the github output: {raw}"
            ));
        }

        let markdown = run(&repo, &["check", name, "--format", "markdown"]);
        let formulas = formula_cells(&markdown.stdout);
        if !formulas.is_empty() {
            fail(format!(
                "formula cells in the Markdown report: {formulas:?}"
            ));
        }

        let json = run(&repo, &["check", name, "--format", "json"]);
        if json.code != case.exit {
            fail(format!("JSON run: exit code {}", json.code));
        }
        let given = files_under(&repo.join(name), &repo);
        for wrong in nothing_lost(&json.stdout, &given) {
            fail(wrong);
        }
        // A CSV or TSV register read on one thread, and on four in chunks
        // of 64 bytes (cut inside hostile rows), gives the same report.
        if name.ends_with(".csv") || name.ends_with(".tsv") {
            let one = run(&repo, &["check", name, "--format", "json", "-j", "1"]);
            let chunked = run_with(
                &repo,
                &["check", name, "--format", "json", "-j", "4"],
                &[("ASSETLINT_CHUNK_BYTES", "64")],
            );
            for (what, other) in [("-j 1", &one), ("-j 4 in 64-byte chunks", &chunked)] {
                if other.stdout != json.stdout || other.code != json.code {
                    fail(format!(
                        "{what} differs:\n{}\n---\n{}",
                        json.stdout, other.stdout
                    ));
                }
            }
        }

        if PINNED.contains(&name) {
            snapshot(name, &human);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn escape_sequences_are_shown_in_every_terminal_format_and_kept_in_json() {
    let (_temp, repo) = repo_with("csv-ansi-escapes.csv");
    let github = run(
        &repo,
        &["check", "csv-ansi-escapes.csv", "--format", "github"],
    );
    assert_eq!(github.code, 1);
    snapshot("csv-ansi-escapes.csv-github", &github);
    // The human output shows `␛[31m` where the cell has ESC [31m, in the
    // message and in the source excerpt (same length there: `?`).
    let human = run(&repo, &["check", "csv-ansi-escapes.csv"]);
    assert!(
        human.stdout.contains("camera A1␛[31mRED␛[0m at S1"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains(" 2 │ A1?[31mRED?[0m,Hikvision"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("A6<U+202E>gpj.exe"),
        "{}",
        human.stdout
    );

    // JSON escapes control characters and keeps the value exact.
    let json = run(
        &repo,
        &["check", "csv-ansi-escapes.csv", "--format", "json"],
    );
    assert!(!json.stdout.contains(|c: char| c < ' ' && c != '\n'));
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["asset_id"].as_str())
        .collect();
    assert!(ids.contains(&"A1\u{1b}[31mRED\u{1b}[0m"), "{ids:?}");
    assert!(json.stdout.contains(r#""A1\u001b[31mRED\u001b[0m""#));
    // So does SARIF.
    let sarif = run(
        &repo,
        &["check", "csv-ansi-escapes.csv", "--format", "sarif"],
    );
    assert!(!sarif.stdout.contains(|c: char| c < ' ' && c != '\n'));
    serde_json::from_str::<serde_json::Value>(&sarif.stdout).unwrap();
}

#[test]
fn formulas_in_cells_never_start_a_markdown_cell() {
    let (_temp, repo) = repo_with("csv-formula-injection.csv");
    let markdown = run(
        &repo,
        &["check", "csv-formula-injection.csv", "--format", "markdown"],
    );
    assert_eq!(markdown.code, 1);
    assert_eq!(formula_cells(&markdown.stdout), Vec::<String>::new());
    // The asset ids are there, neutralised with a leading `'`.
    for id in [
        "'=HYPERLINK(\"http://evil\",\"x\")",
        "'+cmd\\|' /C calc'\\!A0",
        "'-2+3",
        "'@SUM(1)",
        "'=1+1",
        "'=1+2",
    ] {
        assert!(
            markdown.stdout.contains(&format!("| {id} |")),
            "{id}\n{}",
            markdown.stdout
        );
    }
    snapshot("csv-formula-injection.csv-markdown", &markdown);
}

#[test]
fn the_human_report_shows_at_most_max_diagnostics_and_counts_the_rest() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    // 400 rows without an id: a finding or more each.
    let mut csv = String::from("id,vendor,kind\n");
    for _ in 0..400 {
        csv.push_str(",Hikvision,camera\n");
    }
    fs::write(repo.join("bad.csv"), csv).unwrap();

    let shown = |run: &Run| {
        run.stdout
            .lines()
            .filter(|l| {
                l.starts_with("assetlint/") || l.starts_with("us-fcc/") || l.starts_with("uk-gov/")
            })
            .count()
    };
    let total = |run: &Run| -> usize {
        let summary = run.stdout.lines().last().unwrap();
        let counts = summary.split(": ").nth(1).unwrap();
        counts
            .split(", ")
            .map(|part| part.split(' ').next().unwrap().parse::<usize>().unwrap())
            .sum()
    };

    let default = run(&repo, &["check", "bad.csv"]);
    assert_eq!(default.code, 1);
    assert!(
        default.stdout.contains("checked 1 file, 400 assets"),
        "{}",
        default.stdout
    );
    let all = total(&default);
    assert!(all > 400, "{all}");
    assert_eq!(shown(&default), 200);
    assert!(default.stdout.contains(&format!(
        "… and {} more findings not shown (--max-diagnostics 200; 0 shows all). The summary counts every finding.",
        all - 200
    )));

    let five = run(&repo, &["check", "bad.csv", "--max-diagnostics", "5"]);
    assert_eq!(shown(&five), 5);
    assert_eq!(total(&five), all);

    let unlimited = run(&repo, &["check", "bad.csv", "--max-diagnostics", "0", "-q"]);
    assert_eq!(shown(&unlimited), all);
    assert!(!unlimited.stdout.contains("not shown"));
}

#[test]
fn very_long_lines_are_read_without_a_hang() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    let long = "x".repeat(1 << 20);
    fs::write(
        repo.join("long-cell.csv"),
        format!("id,vendor,model\nA1,Hikvision,{long}\nA2,Axis,M30\n"),
    )
    .unwrap();
    fs::write(
        repo.join("long-line.json"),
        format!("[{{\"id\": \"A1\", \"vendor\": \"Hikvision\", \"notes\": \"{long}\"}}]"),
    )
    .unwrap();
    fs::write(repo.join("no-newline.csv"), format!("id,{long}")).unwrap();
    for file in ["long-cell.csv", "long-line.json", "no-newline.csv"] {
        let json = run(&repo, &["check", file, "--format", "json"]);
        assert!(matches!(json.code, 0 | 1), "{file}: {}", json.stderr);
        assert!(!json.stderr.contains("panicked"), "{file}: {}", json.stderr);
        let wrong = nothing_lost(&json.stdout, &[file.to_string()]);
        assert!(wrong.is_empty(), "{file}: {wrong:?}");
    }
}

/// Inputs big enough that time quadratic in their size would be a hang
/// (each once took minutes): a header of 50,000 columns, repeated, and
/// 10,000 Shodan lines for one address (a scan's findings wait for the
/// end, in a queue that was sorted again at every line).
#[test]
fn large_inputs_finish() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    let names: Vec<String> = (0..50_000).map(|i| format!("c{i}")).collect();
    fs::write(
        repo.join("wide.csv"),
        format!(
            "{},id,vendor\n{}A1,Hikvision\n",
            names.join(","),
            ",".repeat(50_000)
        ),
    )
    .unwrap();
    fs::write(
        repo.join("same-header.csv"),
        format!(
            "{},id\n{}A1\n",
            vec!["a"; 5_000].join(","),
            ",".repeat(5_000)
        ),
    )
    .unwrap();
    let line = "{\"ip_str\": \"10.0.0.1\", \"port\": 80, \"data\": \"Server: Hikvision-Webs\"}\n";
    fs::write(repo.join("scan.jsonl"), line.repeat(10_000)).unwrap();
    for file in ["wide.csv", "same-header.csv", "scan.jsonl"] {
        let json = run(&repo, &["check", file, "--format", "json"]);
        assert!(matches!(json.code, 0 | 1), "{file}: {}", json.stderr);
        let wrong = nothing_lost(&json.stdout, &[file.to_string()]);
        assert!(wrong.is_empty(), "{file}: {wrong:?}");
    }
}

#[cfg(unix)]
#[test]
fn file_names_with_escape_sequences_are_shown_not_sent() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    let name = "evil\u{1b}[31m\u{202e}.csv";
    fs::write(repo.join(name), "id,vendor\nA1,Hikvision\n").unwrap();
    for format in ["human", "github", "markdown"] {
        let out = run(&repo, &["check", ".", "--format", format]);
        assert_eq!(out.code, 1);
        assert_eq!(first_raw_control(&out.stdout), None, "{format}");
        assert!(out.stdout.contains("evil␛"), "{format}: {}", out.stdout);
    }
}

/// Makes a named pipe with `mkfifo`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn walked_directories_report_loops_dangling_links_pipes_and_missing_paths() {
    use std::os::unix::fs::symlink;

    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repo");
    let d = repo.join("registers");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::create_dir_all(d.join("more")).unwrap();
    fs::write(d.join("cameras.csv"), "id,vendor\nA1,Axis\n").unwrap();
    fs::write(d.join("more/nvrs.csv"), "id,vendor\nA2,Axis\n").unwrap();
    fs::write(temp.path().join("outside.csv"), "id,vendor\nSECRET,Axis\n").unwrap();
    symlink(".", d.join("loop")).unwrap();
    symlink("..", d.join("more/up")).unwrap();
    symlink("nowhere.csv", d.join("dangling.csv")).unwrap();
    symlink("cameras.csv", d.join("alias.csv")).unwrap();
    symlink("../../outside.csv", d.join("outside.csv")).unwrap();
    mkfifo(&d.join("pipe.csv"));

    let human = run(
        &repo,
        &["check", "registers", "missing.csv", "registers/pipe.csv"],
    );
    assert_eq!(human.code, 1, "{}", human.stdout);
    assert!(!human.stdout.contains("SECRET"), "{}", human.stdout);
    snapshot("walked-directory", &human);

    let json = run(
        &repo,
        &["check", "registers", "missing.csv", "--format", "json"],
    );
    // `alias.csv` links to `cameras.csv`: that file is read once, under
    // its own name.
    let given: Vec<String> = [
        "missing.csv",
        "registers/cameras.csv",
        "registers/dangling.csv",
        "registers/loop",
        "registers/more/nvrs.csv",
        "registers/more/up",
        "registers/outside.csv",
        "registers/pipe.csv",
    ]
    .map(String::from)
    .to_vec();
    let wrong = nothing_lost(&json.stdout, &given);
    assert!(wrong.is_empty(), "{wrong:?}\n{}", json.stdout);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let problems: Vec<(String, String)> = doc["summary"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| Some((i["file"].as_str()?.into(), i["problem"].as_str()?.into())))
        .collect();
    assert_eq!(problems.len(), 6, "{problems:?}");
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_reported_unless_the_user_can_read_anything() {
    use std::os::unix::fs::PermissionsExt;

    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path().join("repo");
    let d = repo.join("registers");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::create_dir_all(d.join("locked")).unwrap();
    fs::write(d.join("secret.csv"), "id,vendor\nA1,Axis\n").unwrap();
    fs::write(d.join("locked/inner.csv"), "id,vendor\nA2,Axis\n").unwrap();
    let none = fs::Permissions::from_mode(0o000);
    fs::set_permissions(d.join("secret.csv"), none.clone()).unwrap();
    fs::set_permissions(d.join("locked"), none).unwrap();
    // Run as root, permissions do not stop reading: then both are read.
    let privileged = fs::read(d.join("secret.csv")).is_ok();

    let json = run(&repo, &["check", "registers", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let inputs = doc["summary"]["inputs"].as_array().unwrap().clone();
    let given: Vec<String> = if privileged {
        vec![
            "registers/locked/inner.csv".into(),
            "registers/secret.csv".into(),
        ]
    } else {
        vec!["registers/locked".into(), "registers/secret.csv".into()]
    };
    let wrong = nothing_lost(&json.stdout, &given);
    // Restore permissions so the temporary directory can be removed.
    fs::set_permissions(d.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert!(wrong.is_empty(), "{wrong:?}\n{}", json.stdout);
    if privileged {
        assert_eq!(json.code, 0, "{}", json.stdout);
    } else {
        assert_eq!(json.code, 1);
        assert!(
            inputs.iter().all(|i| i["problem"].is_string()),
            "{inputs:?}"
        );
    }
}

/// The repository's own inputs, each directory linted with every file in
/// it named on the command line (so none is passed over as a policy or
/// site register), under an empty config.
#[test]
fn nothing_is_lost_in_the_fixtures_the_cli_cases_and_the_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let temp = tempfile::tempdir().unwrap();
    let config = temp.path().join("empty.toml");
    fs::write(&config, "").unwrap();
    let mut dirs = Vec::new();
    for parent in ["tests/fixtures/read", "tests/cli", "examples"] {
        let mut found: Vec<PathBuf> = fs::read_dir(root.join(parent))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        dirs.extend(found);
    }
    assert!(dirs.len() > 50, "{}", dirs.len());
    let mut failures = Vec::new();
    for dir in dirs {
        // A CLI case's own files say how to run it; they are not inputs.
        let given: Vec<String> = files_under(&dir, root)
            .into_iter()
            .filter(|f| {
                let name = f.rsplit('/').next().unwrap();
                !(f.starts_with("tests/cli/")
                    && f.matches('/').count() == 3
                    && ["args", "stdin", "show", "env", "example"].contains(&name))
            })
            .collect();
        if given.is_empty() {
            continue;
        }
        let config = config.to_string_lossy();
        let mut args = vec!["check", "--config", config.as_ref(), "--format", "json"];
        args.extend(given.iter().map(String::as_str));
        let json = run(root, &args);
        let name = dir.strip_prefix(root).unwrap().display().to_string();
        if !matches!(json.code, 0 | 1) || json.stderr.contains("panicked") {
            failures.push(format!("{name}: exit code {}: {}", json.code, json.stderr));
            continue;
        }
        for wrong in nothing_lost(&json.stdout, &given) {
            failures.push(format!("{name}: {wrong}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
