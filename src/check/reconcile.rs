//! Reconcile: what scans observed against what registers declare.
//!
//! When a run lints observed data (nmap scans, internet-scan banners),
//! with or without declared registers, each observed device is matched to a
//! declared asset by MAC address, then by IP address, then by host name
//! (case-insensitive, without a trailing dot), first match wins:
//!
//! - an observed device of a vendor on any catalog list that no register
//!   declares is [`Code::UndeclaredDevice`], at the evidence in the scan;
//! - a matched pair whose identified vendors differ (or whose register
//!   names no vendor the catalog knows) is [`Code::ObservedMismatch`], at
//!   the register's vendor cell, with the scan's evidence as a related
//!   label.
//!
//! A scanned device that a register declares with the same vendor is the
//! register's asset: its policy findings are dropped (the register's stand
//! for them) and, if it was flagged, it counts as passed. Otherwise its
//! findings are reported with the reconciliation's.
//!
//! Only what matching needs is kept per declared asset: its keys, its
//! vendor and a label. The findings are known once every file is read.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diag::{fingerprint, Code, Finding, Label};
use crate::model::schema::AssetField;
use crate::model::{Asset, Value};
use crate::resolve::catalog::Catalog;
use crate::resolve::identify::Identification;
use crate::resolve::mac::parse_mac;

/// A key an observed device and a declared asset can share, in the order
/// they are tried.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Mac(u64),
    Ip(String),
    Host(String),
}

impl Key {
    fn what(&self) -> &'static str {
        match self {
            Key::Mac(_) => "MAC address",
            Key::Ip(_) => "IP address",
            Key::Host(_) => "host name",
        }
    }
}

/// What is kept of a declared asset.
struct Declared {
    id: Option<String>,
    identity: String,
    file: Arc<str>,
    vendor: Option<usize>,
    /// The vendor cell (else the id cell, else the record).
    label: Label,
    /// Whether the register names a vendor at all.
    names_vendor: bool,
    /// Its site's id.
    site: Option<String>,
}

/// What is kept of an observed device.
struct Observed {
    id: Option<String>,
    identity: String,
    keys: Vec<Key>,
    vendor: Option<usize>,
    /// The deciding evidence (else the id cell, else the record).
    label: Label,
    /// Its own findings, held until it is matched.
    findings: Vec<Finding>,
    /// Whether a policy rule flagged it.
    flagged: bool,
    /// The site it was placed on.
    site: Option<String>,
}

/// What reconciling found.
pub struct Reconciled {
    /// Reconciliation findings and the findings of scanned devices that no
    /// register covers.
    pub findings: Vec<Finding>,
    /// How many flagged scanned devices a register covers (they now count
    /// as passed).
    pub covered_flagged: usize,
}

/// Collects both sides during a run; [`Reconciler::findings`] matches them.
#[derive(Default)]
pub struct Reconciler {
    declared: Vec<Declared>,
    index: HashMap<Key, usize>,
    observed: Vec<Observed>,
}

impl Reconciler {
    /// Remembers a register's asset at its site.
    pub fn declared(
        &mut self,
        asset: &Asset,
        identification: Option<&Identification>,
        site: Option<String>,
    ) {
        let at = self.declared.len();
        for key in keys(asset) {
            self.index.entry(key).or_insert(at);
        }
        let vendor_cell = asset
            .text(AssetField::Vendor)
            .or_else(|| asset.text(AssetField::Brand));
        let (span, label) = match &vendor_cell {
            Some(cell) => (cell.span.clone(), "declared vendor"),
            None => (id_span(asset), "no vendor declared"),
        };
        self.declared.push(Declared {
            id: asset.id().map(str::to_string),
            identity: super::identity(asset),
            file: asset.snippet.name().clone(),
            vendor: identification.map(|i| i.vendor),
            label: Label::new(asset.snippet.clone(), span, label),
            names_vendor: vendor_cell.is_some(),
            site,
        });
    }

    /// Remembers an observed device, with its findings and outcome.
    pub fn observed(
        &mut self,
        asset: &Asset,
        identification: Option<&Identification>,
        findings: Vec<Finding>,
        outcome: super::Outcome,
        site: Option<String>,
    ) {
        let decided = identification.and_then(|i| i.decided());
        let span = decided
            .and_then(|e| e.span.clone())
            .unwrap_or_else(|| id_span(asset));
        let fact = decided.map(|e| e.fact.clone());
        self.observed.push(Observed {
            id: asset.id().map(str::to_string),
            identity: super::identity(asset),
            keys: keys(asset),
            vendor: identification.map(|i| i.vendor),
            label: Label::new(
                asset.snippet.clone(),
                span,
                fact.as_ref()
                    .map_or("observed here".to_string(), |f| format!("observed: {f}")),
            ),
            findings,
            flagged: outcome == super::Outcome::Flagged,
            site,
        });
    }

    /// Matches every observed device against the registers.
    pub fn finish(self, catalog: &Catalog) -> Reconciled {
        let mut findings = Vec::new();
        let mut covered_flagged = 0;
        for seen in self.observed {
            let matched = seen
                .keys
                .iter()
                .find_map(|k| self.index.get(k).map(|&d| (k, &self.declared[d])));
            let covered =
                matches!(matched, Some((_, d)) if d.vendor.is_some() && d.vendor == seen.vendor);
            if covered {
                covered_flagged += usize::from(seen.flagged);
            } else {
                findings.extend(seen.findings);
            }
            match matched {
                None => {
                    let Some(vendor) = seen.vendor.map(|v| catalog.vendor(v)) else {
                        continue;
                    };
                    if vendor.lists.is_empty() {
                        continue;
                    }
                    let code = Code::UndeclaredDevice;
                    let name = seen.id.as_deref().unwrap_or("without an address");
                    let mut f = Finding::new(
                        code.id(),
                        code.severity(),
                        format!(
                            "{} device {name} was observed, but no register declares it",
                            vendor.name
                        ),
                        seen.label.clone(),
                    );
                    f.asset_id = seen.id.clone();
                    f.site_id = seen.site.clone();
                    f.vendor_id = Some(vendor.id.clone());
                    f.help = Some(if self.declared.is_empty() {
                        format!(
                            "{}; no register was linted with this scan: lint them together",
                            code.help()
                        )
                    } else {
                        code.help().to_string()
                    });
                    f.fingerprint = fingerprint(&[code.id(), f.file(), &seen.identity]);
                    findings.push(f);
                }
                Some((key, declared)) => {
                    let Some(observed) = seen.vendor else {
                        continue;
                    };
                    if declared.vendor == Some(observed) {
                        continue;
                    }
                    let observed = catalog.vendor(observed);
                    let code = Code::ObservedMismatch;
                    let name = declared.id.as_deref().unwrap_or("without an id");
                    let said = match (declared.vendor, declared.names_vendor) {
                        (Some(v), _) => format!("declared as made by {}", catalog.vendor(v).name),
                        (None, true) => "declared with a vendor the catalog does not know".into(),
                        (None, false) => "declared with no vendor".into(),
                    };
                    let mut f = Finding::new(
                        code.id(),
                        code.severity(),
                        format!(
                            "asset {name} is {said}, but a scan observed {} at its {}",
                            observed.name,
                            key.what()
                        ),
                        declared.label.clone(),
                    );
                    f.related.push(seen.label.clone());
                    f.asset_id = declared.id.clone();
                    f.site_id = declared.site.clone();
                    f.vendor_id = Some(observed.id.clone());
                    f.help = Some(code.help().to_string());
                    f.fingerprint = fingerprint(&[code.id(), &declared.file, &declared.identity]);
                    findings.push(f);
                }
            }
        }
        Reconciled {
            findings,
            covered_flagged,
        }
    }
}

/// The id cell, else the whole record.
fn id_span(asset: &Asset) -> crate::source::Span {
    asset
        .text(AssetField::Id)
        .map_or(asset.span.clone(), |c| c.span.clone())
}

/// An asset's match keys: MAC addresses, then IP, then host name.
fn keys(asset: &Asset) -> Vec<Key> {
    let mut keys = Vec::new();
    if let Some(Value::List(macs)) = asset.get(AssetField::Mac).map(|m| &m.value) {
        keys.extend(
            macs.iter()
                .filter_map(|m| parse_mac(&m.value))
                .map(Key::Mac),
        );
    }
    if let Some(ip) = asset.text(AssetField::Ip) {
        let ip = ip.value.trim().trim_start_matches('[');
        let ip = ip.split(['/', ']']).next().unwrap_or(ip);
        if !ip.is_empty() {
            keys.push(Key::Ip(ip.to_ascii_lowercase()));
        }
    }
    if let Some(host) = asset.text(AssetField::Hostname) {
        let host = host.value.trim().trim_end_matches('.');
        if !host.is_empty() {
            keys.push(Key::Host(host.to_lowercase()));
        }
    }
    keys
}
