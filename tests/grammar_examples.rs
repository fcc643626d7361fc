//! The grammar documents are checked against the implementation: every
//! example in `grammar/README.md`, `grammar/functions.md` and the example
//! section of `grammar/condition.ebnf` compiles (or fails with the code it
//! is tagged with), every function is documented, and every error code has
//! its section in the error catalogue.

use assetlint::model::schema::Ladder;
use assetlint::policy::expr::{compile, ErrorKind, FUNCTIONS};

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// The fenced blocks of a Markdown text: (info string, body).
fn fenced_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Checks every `condition` and `condition-error <code>` block; returns
/// how many there were.
fn check_blocks(file: &str) -> usize {
    let ladder = Ladder::default();
    let mut count = 0;
    for (info, body) in fenced_blocks(&read(file)) {
        if info == "condition" {
            if let Err(errors) = compile(&body, &ladder) {
                panic!("{file}: example does not compile:\n{body}\n{errors:#?}");
            }
            count += 1;
        } else if let Some(code) = info.strip_prefix("condition-error ") {
            match compile(&body, &ladder) {
                Ok(_) => panic!("{file}: example should fail with {code}:\n{body}"),
                Err(errors) => assert!(
                    errors.iter().any(|e| e.kind.code() == code.trim()),
                    "{file}: example should fail with {code}:\n{body}\n{errors:#?}"
                ),
            }
            count += 1;
        }
    }
    count
}

#[test]
fn readme_examples_compile() {
    assert!(check_blocks("grammar/README.md") >= 10);
}

#[test]
fn function_examples_compile() {
    assert!(check_blocks("grammar/functions.md") >= FUNCTIONS.len());
}

#[test]
fn ebnf_examples_compile() {
    let text = read("grammar/condition.ebnf");
    let start = text
        .find("\nexamples:\n")
        .expect("condition.ebnf has an examples section");
    let section = &text[start + "\nexamples:\n".len()..];
    let end = section.find("*)").expect("the examples comment is closed");
    let ladder = Ladder::default();
    let mut count = 0;
    for line in section[..end].lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Err(errors) = compile(line, &ladder) {
            panic!("condition.ebnf example does not compile: {line}\n{errors:#?}");
        }
        count += 1;
    }
    assert!(count >= 5);
}

#[test]
fn every_function_is_documented() {
    let doc = read("grammar/functions.md");
    let sections: Vec<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(str::trim)
        .collect();
    let names: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
    assert_eq!(
        sections, names,
        "one `## name` section per function, in table order"
    );
}

#[test]
fn every_error_code_is_in_the_catalogue() {
    let readme = read("grammar/README.md");
    for kind in ErrorKind::ALL {
        let heading = format!("### `{}`", kind.code());
        assert!(
            readme.contains(&heading),
            "grammar/README.md lacks {heading}"
        );
    }
}

#[test]
fn guide_examples_load_and_their_cases_pass() {
    use assetlint::policy::{lint, load, test};
    use assetlint::resolve::catalog::Catalog;
    let catalog = Catalog::builtin();
    let ladder = Ladder::default();
    let today = jiff::civil::date(2026, 11, 27);
    let mut examples = 0;
    for (info, body) in fenced_blocks(&read("grammar/guide.md")) {
        if info != "toml policy" {
            continue;
        }
        examples += 1;
        let policy = load::load("grammar/guide.md".into(), &body, &ladder)
            .unwrap_or_else(|e| panic!("guide example does not load:\n{body}\n{e:#?}"));
        assert!(lint::lint(&policy, &catalog, &ladder).is_empty(), "{body}");
        let mut expectations = 0;
        for case in &policy.tests {
            assert!(test::validate(&policy, case).is_empty(), "{body}");
            let outcome = test::run(&policy, case, &catalog, &ladder, today);
            assert!(outcome.passed(), "{}: {outcome:?}", policy.id);
            expectations += case.expect.len() + case.expect_not.len();
        }
        // Each example shows its rule firing and not firing.
        assert!(
            policy.tests.iter().any(|c| !c.expect.is_empty()),
            "{}",
            policy.id
        );
        assert!(
            policy.tests.iter().any(|c| !c.expect_not.is_empty()),
            "{}",
            policy.id
        );
        assert!(expectations >= 2);
    }
    assert!(examples >= 5);
}
