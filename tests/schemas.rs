//! The JSON Schemas in `schemas/` (for taplo / Even Better TOML and other
//! editors) against the files they describe: every example and test config,
//! policy and waiver file that assetlint itself accepts must validate, and
//! misspelt keys must not.
//!
//! TOML is turned into JSON the way taplo does it for validation: dates and
//! times become strings.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn toml_file(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap();
    let table: toml::Table =
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    to_json(&toml::Value::Table(table))
}

fn validator(name: &str) -> jsonschema::Validator {
    let path = root().join("schemas").join(name);
    let schema: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Files under `tests/cli/*/` named `name`, or under a `dir` there.
fn cli_files(name: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for case in fs::read_dir(root().join("tests/cli")).unwrap() {
        let case = case.unwrap().path();
        for candidate in [case.join(name), case.join("policies").join(name)] {
            if candidate.is_file() {
                out.push(candidate);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn configs_assetlint_accepts_validate() {
    let schema = validator("assetlint.schema.json");
    let mut files = vec![root().join("examples/council/assetlint.toml")];
    files.extend(cli_files("assetlint.toml"));
    let mut checked = 0;
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let accepted =
            assetlint::config::Config::parse("x".into(), &text, file.clone(), PathBuf::from("."))
                .is_ok();
        let errs = errors(&schema, &toml_file(&file));
        if accepted {
            assert!(errs.is_empty(), "{}: {errs:#?}", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} configs checked");
}

#[test]
fn config_schema_rejects_misspelt_keys_and_values() {
    let schema = validator("assetlint.schema.json");
    let bad = [
        "[files]\ninclde = [\"a\"]\n",
        "[site]\nfiles = [\"s.csv\"]\n",
        "[columns]\nvendr = [\"Make\"]\n",
        "[severity]\n\"uk-gov/x\" = \"fatal\"\n",
        "[policies]\nuse = [\"builtin:englnd\"]\n",
        "[workbooks]\nsheet = [\"A\"]\n",
        "[[files.format]]\nglb = \"*.txt\"\nformat = \"csv\"\n",
        "[[files.format]]\nglob = \"*.txt\"\nformat = \"excel\"\n",
        "[dates]\norder = \"us\"\n",
    ];
    for text in bad {
        let value = to_json(&toml::Value::Table(toml::from_str(text).unwrap()));
        assert!(!schema.is_valid(&value), "accepted:\n{text}");
    }
    let good = "[[files.format]]\nglob = \"exports/*.txt\"\nformat = \"TSV\"\n[dates]\norder = \"month-first\"\n[policies]\nuse = [\"builtin:uk-gov\", \"policies/local.toml\"]\n[severity]\n\"assetlint/unknown-vendor\" = \"off\"\n";
    let value = to_json(&toml::Value::Table(toml::from_str(good).unwrap()));
    assert!(errors(&schema, &value).is_empty());
}

#[test]
fn config_schema_lists_the_builtin_packs_and_asset_fields() {
    let text = fs::read_to_string(root().join("schemas/assetlint.schema.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let packs: Vec<String> = assetlint::policy::builtin::BUILTIN_PACKS
        .iter()
        .map(|(n, _)| format!("builtin:{n}"))
        .collect();
    assert_eq!(
        schema["$defs"]["policies"]["properties"]["use"]["items"]["anyOf"][0]["enum"],
        json!(packs)
    );
    let fields: Vec<&str> = assetlint::model::schema::AssetField::ALL
        .iter()
        .map(|f| f.name())
        .collect();
    assert_eq!(
        schema["$defs"]["columns"]["propertyNames"]["enum"],
        json!(fields)
    );
    let formats: Vec<&str> = assetlint::read::FORMATS.iter().map(|f| f.name).collect();
    assert_eq!(
        schema["$defs"]["format"]["properties"]["format"]["anyOf"][0]["enum"],
        json!(formats)
    );
}

#[test]
fn policies_validate() {
    let schema = validator("policy.schema.json");
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("policies"))
        .unwrap()
        .map(|e| e.unwrap().path().join("policy.toml"))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    for name in ["policy.toml", "local.toml", "estates.toml"] {
        files.extend(cli_files(name));
    }
    let ladder = assetlint::model::schema::Ladder::default();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        if toml::from_str::<toml::Table>(&text).is_err() {
            continue; // a deliberate syntax error
        }
        let accepted = assetlint::policy::load::load("x".into(), &text, &ladder).is_ok();
        let errs = errors(&schema, &toml_file(&file));
        if accepted {
            assert!(errs.is_empty(), "{}: {errs:#?}", file.display());
        }
    }
    let bad = json!({
        "policy": { "id": "p" },
        "rule": [{ "id": "r", "sumary": "s", "when": "true" }]
    });
    assert!(!schema.is_valid(&bad));
    let bad = json!({
        "policy": { "id": "p" },
        "rule": [{ "id": "r", "summary": "s", "when": "true", "severity": "critical" }]
    });
    assert!(!schema.is_valid(&bad));
    let bad = json!({ "policy": { "id": "p" }, "test": [{ "name": "n", "expects": ["r"] }] });
    assert!(!schema.is_valid(&bad));
}

#[test]
fn policy_test_files_validate() {
    let schema = validator("policy-test.schema.json");
    let files = cli_files("local_test.toml");
    assert!(!files.is_empty());
    for file in files {
        // Even the malformed case's problems (a misspelt rule id, a bad date
        // in an asset) are beyond what a schema says.
        let errs = errors(&schema, &toml_file(&file));
        assert!(errs.is_empty(), "{}: {errs:#?}", file.display());
    }
    let bad = json!({ "test": [{ "name": "n", "asset": [] }] });
    assert!(!schema.is_valid(&bad));
    let bad = json!({ "policy": { "id": "p" }, "test": [] });
    assert!(!schema.is_valid(&bad));
    // The test table is the policy schema's, copied.
    let read = |name: &str| -> Value {
        serde_json::from_str(&fs::read_to_string(root().join("schemas").join(name)).unwrap())
            .unwrap()
    };
    assert_eq!(
        read("policy-test.schema.json")["$defs"]["test"],
        read("policy.schema.json")["$defs"]["test"]
    );
}

#[test]
fn waivers_validate() {
    let schema = validator("waivers.schema.json");
    let files = cli_files("waivers.toml");
    assert!(files.len() >= 5);
    for file in files {
        let errs = errors(&schema, &toml_file(&file));
        if file.to_string_lossy().contains("waivers-invalid") {
            assert!(!errs.is_empty(), "the invalid waivers validated");
        } else {
            assert!(errs.is_empty(), "{}: {errs:#?}", file.display());
        }
    }
    let bad = json!({ "waiver": [{ "rule": "a/*", "asset": "C1", "reason": "r",
                                   "expires": "2026-01-01", "approved": "me" }] });
    assert!(!schema.is_valid(&bad));
}
