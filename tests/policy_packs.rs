//! Every builtin pack's `[[test]]` cases pass, and every rule of every pack
//! is named by a case that expects it to fire and by one that expects it not
//! to.

use assetlint::model::schema::Ladder;
use assetlint::policy::builtin::BUILTIN_PACKS;
use assetlint::policy::{lint, load, test};
use assetlint::resolve::catalog::Catalog;

#[test]
fn builtin_pack_cases_pass() {
    let catalog = Catalog::builtin();
    let ladder = Ladder::default();
    let today = jiff::civil::date(2026, 11, 27);
    let mut failures = Vec::new();
    for (name, text) in BUILTIN_PACKS {
        let policy = load::load(format!("builtin:{name}").into(), text, &ladder)
            .unwrap_or_else(|e| panic!("builtin:{name} does not load: {e:?}"));
        assert!(!policy.tests.is_empty(), "builtin:{name} has no test cases");
        let problems = lint::lint(&policy, &catalog, &ladder);
        assert!(problems.is_empty(), "builtin:{name}: {problems:?}");
        for case in &policy.tests {
            let problems = test::validate(&policy, case);
            assert!(problems.is_empty(), "builtin:{name}: {problems:?}");
        }
        for rule in &policy.rules {
            let local = rule.id.rsplit('/').next().unwrap_or_default();
            assert!(
                policy.tests.iter().any(|c| c
                    .expect
                    .iter()
                    .any(|e| e.get_ref() == local || *e.get_ref() == rule.id)),
                "no case of builtin:{name} expects {} to fire",
                rule.id
            );
            assert!(
                policy.tests.iter().any(|c| c
                    .expect_not
                    .iter()
                    .any(|e| e.get_ref() == local || *e.get_ref() == rule.id)),
                "no case of builtin:{name} expects {} not to fire",
                rule.id
            );
        }
        for case in &policy.tests {
            let outcome = test::run(&policy, case, &catalog, &ladder, today);
            if !outcome.passed() {
                failures.push(format!("builtin:{name}: {outcome:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
