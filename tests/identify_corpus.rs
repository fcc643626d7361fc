//! The identification corpus: every `tests/fixtures/identify/*.tsv` row is
//! an asset (its input columns are asset fields) and the vendor id it must
//! resolve to (`-` for none). Each row also goes through
//! [`Resolver::identify`] (same answer) and, when it has one input among
//! `vendor`, `brand`, `model` and `mac`, through [`Catalog::lookup`].
//!
//! Columns, named by the first non-comment line of each file: any of
//! `vendor`, `brand`, `model`, `mac`, `firmware`, `hostname`; `expect`;
//! optionally `mismatch` (`none`, a vendor id, or `-` for a declaration
//! that names no vendor) and `lookup` (what the query gives when it differs
//! from `expect`); and `comment`. Lines starting with `#` are comments.
//!
//! Every failing row is reported at once. Recall and precision are printed;
//! no row whose expected vendor is not banned (not on a list, not a
//! relabeller) may resolve to a banned vendor.

use std::path::Path;
use std::sync::Arc;

use assetlint::model::{Asset, AssetField, Value};
use assetlint::resolve::catalog::Catalog;
use assetlint::resolve::resolver::Resolver;
use assetlint::source::{Snippet, Spanned};

const INPUTS: &[&str] = &["vendor", "brand", "model", "mac", "firmware", "hostname"];
const LOOKUP_INPUTS: &[&str] = &["vendor", "brand", "model", "mac"];

struct Row {
    file: String,
    line: usize,
    inputs: Vec<(AssetField, String)>,
    expect: String,
    mismatch: Option<String>,
    lookup: Option<String>,
    comment: String,
}

fn read_rows(dir: &Path) -> Vec<Row> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    let mut rows = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("corpus file is UTF-8");
        let mut header: Option<Vec<String>> = None;
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            let Some(cols) = &header else {
                header = Some(cells.iter().map(|c| c.to_string()).collect());
                continue;
            };
            let get = |col: &str| {
                cols.iter()
                    .position(|c| c == col)
                    .and_then(|i| cells.get(i))
                    .copied()
                    .unwrap_or("")
            };
            let mut inputs = Vec::new();
            for col in INPUTS {
                let value = get(col);
                if cols.iter().any(|c| c == col) && !value.is_empty() {
                    let field = AssetField::from_name(col).expect("input column is a field");
                    inputs.push((field, value.to_string()));
                }
            }
            let opt = |col: &str| Some(get(col)).filter(|v| !v.is_empty()).map(str::to_string);
            rows.push(Row {
                file: name.clone(),
                line: i + 1,
                inputs,
                expect: get("expect").to_string(),
                mismatch: opt("mismatch"),
                lookup: opt("lookup"),
                comment: get("comment").to_string(),
            });
            assert!(
                !rows.last().is_some_and(|r| r.expect.is_empty()),
                "{name}:{}: no expect",
                i + 1
            );
        }
    }
    rows
}

/// An asset from the row's inputs, each with its own span; the MAC is a
/// one-item list, as the readers produce.
fn asset(row: &Row) -> Asset {
    let mut text = String::new();
    let mut spans = Vec::new();
    for (_, v) in &row.inputs {
        let start = text.len();
        text.push_str(v);
        spans.push(start..text.len());
        text.push('\t');
    }
    let snippet = Snippet::whole(Arc::from(row.file.as_str()), Arc::from(text.as_str()));
    let mut a = Asset::new(row.line, 0..text.len(), snippet);
    for ((field, v), span) in row.inputs.iter().zip(spans) {
        let value = if *field == AssetField::Mac {
            Value::List(vec![Spanned::new(v.clone(), span.clone())])
        } else {
            Value::Str(v.clone())
        };
        a.set(*field, Spanned::new(value, span));
    }
    a
}

#[test]
fn identify_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/identify");
    let rows = read_rows(&dir);
    let catalog = Catalog::builtin();
    let mut resolver = Resolver::new(&catalog);
    let id_of = |i: usize| catalog.vendor(i).id.clone();
    let banned = |id: &str| {
        catalog
            .by_id(id)
            .map(|i| catalog.vendor(i))
            .is_some_and(|v| !v.lists.is_empty() || !v.oem_for.is_empty())
    };

    let mut failures = Vec::new();
    let (mut positives, mut found, mut correct, mut identified) = (0, 0, 0, 0);
    let (mut negatives, mut false_banned) = (0, 0);
    let mut lookups = 0;
    for row in &rows {
        let a = asset(row);
        let got = catalog.identify(&a);
        let got_id = got
            .as_ref()
            .map_or_else(|| "-".to_string(), |i| id_of(i.vendor));
        let where_ = format!("{}:{}", row.file, row.line);
        let inputs: Vec<String> = row
            .inputs
            .iter()
            .map(|(f, v)| format!("{}={v:?}", f.name()))
            .collect();
        let describe = format!("{where_} [{}] ({})", inputs.join(" "), row.comment);

        if got_id != row.expect {
            let why = got
                .as_ref()
                .and_then(|i| i.decided())
                .map(|e| format!(" by {}", e.fact))
                .unwrap_or_default();
            failures.push(format!(
                "{describe}: expected {}, got {got_id}{why}",
                row.expect
            ));
        }
        if row.expect != "-" {
            positives += 1;
            if got_id == row.expect {
                found += 1;
            }
        }
        if got_id != "-" {
            identified += 1;
            if got_id == row.expect {
                correct += 1;
            }
        }
        if !banned(&row.expect) {
            negatives += 1;
            if banned(&got_id) {
                false_banned += 1;
            }
        }

        if let Some(want) = &row.mismatch {
            let m = got.as_ref().and_then(|i| i.mismatch.as_ref());
            let got_m = match m {
                None => "none".to_string(),
                Some(m) => m.declared_vendor.map_or_else(|| "-".to_string(), id_of),
            };
            if &got_m != want {
                failures.push(format!("{describe}: expected mismatch {want}, got {got_m}"));
            }
        }

        let memo = resolver.identify(&a);
        let same = match (&got, &memo) {
            (Some(x), Some(y)) => x.vendor == y.vendor && x.evidence == y.evidence,
            (None, None) => true,
            _ => false,
        };
        if !same {
            failures.push(format!(
                "{describe}: Resolver disagrees with Catalog::identify"
            ));
        }

        if let [(field, value)] = row.inputs.as_slice() {
            if LOOKUP_INPUTS.contains(&field.name()) && !value.contains([',', ';']) {
                lookups += 1;
                let want = row.lookup.as_deref().unwrap_or(&row.expect);
                let l = catalog.lookup(value);
                let l_id = l
                    .as_ref()
                    .map_or_else(|| "-".to_string(), |i| id_of(i.vendor));
                if l_id != want {
                    failures.push(format!("{describe}: lookup expected {want}, got {l_id}"));
                }
                if let Some(e) = l.as_ref().and_then(|i| i.decided()) {
                    let ok_field = ["name", "model", "mac", "banner"].contains(&e.field.as_str());
                    if !ok_field || e.value != *value {
                        failures.push(format!("{describe}: lookup evidence {e:?}"));
                    }
                }
            }
        }
    }

    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    eprintln!(
        "identify corpus: {} rows ({} lookups); recall {found}/{positives} = {:.1}%; \
         precision {correct}/{identified} = {:.1}%; negatives {negatives}, \
         resolved to a banned vendor {false_banned} (precision on negatives {:.1}%)",
        rows.len(),
        lookups,
        pct(found, positives),
        pct(correct, identified),
        pct(negatives - false_banned, negatives),
    );
    assert!(rows.len() >= 300, "the corpus has only {} rows", rows.len());
    assert_eq!(
        false_banned, 0,
        "a negative row resolved to a banned vendor"
    );
    assert!(
        failures.is_empty(),
        "{} of {} corpus rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
