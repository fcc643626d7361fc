//! `assetlint vendors QUERY...`: which catalog vendor a name, model, MAC
//! address or banner resolves to, and why.

use std::io::{self, Write};
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::Fatal;
use crate::diag::Evidence;
use crate::resolve::catalog::Catalog;

/// `vendors` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Names, model numbers, MAC addresses or banner strings to resolve.
    #[arg(required = true, value_name = "QUERY")]
    pub queries: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// How to print the answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One block per query.
    Human,
    /// `[{"query", "vendor_id", "name", "matched_by", "evidence", "lists", "oem_for", "state_owned"}]`.
    Json,
}

/// One query's answer.
#[derive(Debug, Serialize)]
pub struct Answer<'a> {
    query: &'a str,
    vendor_id: Option<&'a str>,
    name: Option<&'a str>,
    matched_by: Option<String>,
    evidence: Vec<Evidence>,
    lists: Vec<&'a str>,
    oem_for: Vec<&'a str>,
    state_owned: Option<bool>,
}

/// Resolves every query.
pub fn answers<'a>(catalog: &'a Catalog, queries: &'a [String]) -> Vec<Answer<'a>> {
    queries
        .iter()
        .map(|query| match catalog.lookup(query) {
            Some(identification) => {
                let vendor = catalog.vendor(identification.vendor);
                Answer {
                    query,
                    vendor_id: Some(&vendor.id),
                    name: Some(&vendor.name),
                    matched_by: identification.evidence.first().map(|e| e.field.clone()),
                    evidence: identification.evidence,
                    lists: vendor.lists.iter().map(String::as_str).collect(),
                    oem_for: vendor.oem_for.iter().map(String::as_str).collect(),
                    state_owned: Some(vendor.state_owned),
                }
            }
            None => Answer {
                query,
                vendor_id: None,
                name: None,
                matched_by: None,
                evidence: Vec::new(),
                lists: Vec::new(),
                oem_for: Vec::new(),
                state_owned: None,
            },
        })
        .collect()
}

/// Runs `vendors`: prints each answer; always exit 0.
pub fn run(args: Args) -> Result<ExitCode, Fatal> {
    let catalog = Catalog::builtin();
    let answers = answers(&catalog, &args.queries);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &answers).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        Format::Human => {
            for answer in &answers {
                human(answer, &mut out)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn human(answer: &Answer<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", answer.query)?;
    let (Some(id), Some(name)) = (answer.vendor_id, answer.name) else {
        writeln!(out, "  not identified: no name, brand, model, MAC prefix or banner in the catalog matches\n")?;
        return Ok(());
    };
    writeln!(out, "  → {id}: {name}")?;
    for e in &answer.evidence {
        writeln!(out, "    matched by {}: {} ({})", e.field, e.fact, how(e))?;
    }
    let list = |items: &[&str]| {
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join(", ")
        }
    };
    writeln!(out, "    lists: {}", list(&answer.lists))?;
    if !answer.oem_for.is_empty() {
        writeln!(out, "    relabels for: {}", list(&answer.oem_for))?;
    }
    if answer.state_owned == Some(true) {
        writeln!(out, "    state owned")?;
    }
    writeln!(out)
}

fn how(e: &Evidence) -> &'static str {
    match e.how {
        crate::diag::MatchKind::Exact => "exact",
        crate::diag::MatchKind::Normalized => "after normalising",
        crate::diag::MatchKind::Pattern => "pattern",
    }
}
