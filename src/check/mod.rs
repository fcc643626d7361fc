//! Evaluate: compiled rules over each resolved asset, producing findings.
//!
//! [`Engine`] holds everything that is fixed for a run (policies, catalog,
//! sites, the date); [`Engine::check`] looks at one asset and does no I/O.

pub mod baseline;
mod facts;
pub mod ids;
pub mod reconcile;
pub mod waivers;

use jiff::civil::Date;

use crate::diag::{fingerprint, Code, Finding, Label, Sensitive, Severity};
use crate::model::schema::{AssetField, Ladder};
use crate::model::Asset;
use crate::policy::load::{Policy, Rule};
use crate::resolve::catalog::Catalog;
use crate::resolve::identify::Mismatch;
use crate::resolve::resolver::Resolver;
use crate::resolve::sites::{Placement, SiteIndex};

pub use facts::AssetFacts;

/// What became of one asset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No rule fired and nothing stopped the check.
    Passed,
    /// At least one policy rule fired.
    Flagged,
    /// The asset could not be fully checked (no id, unknown site).
    NotCheckable,
}

/// Everything fixed for one run.
pub struct Engine<'a> {
    /// The loaded policies.
    pub policies: &'a [Policy],
    /// The vendor catalog.
    pub catalog: &'a Catalog,
    /// The site registers.
    pub sites: &'a SiteIndex,
    /// The sensitivity ladder.
    pub ladder: &'a Ladder,
    /// The day to evaluate as of.
    pub today: Date,
    /// Whether findings carry the asset's sensitive values for `--redact`
    /// ([`Finding::sensitive`]).
    pub redact: bool,
}

impl Engine<'_> {
    /// Whether any loaded rule reads `site.*`.
    pub fn reads_site(&self) -> bool {
        self.rules().any(|r| r.reads_site)
    }

    fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.policies.iter().flat_map(|p| p.rules.iter())
    }

    /// Checks one asset, pushing its findings.
    pub fn check(
        &self,
        resolver: &mut Resolver<'_>,
        asset: &Asset,
        findings: &mut Vec<Finding>,
    ) -> Outcome {
        let start = findings.len();
        let outcome = self.check_asset(resolver, asset, findings);
        if self.redact && findings.len() > start {
            let values = sensitive(asset);
            for f in &mut findings[start..] {
                f.sensitive.clone_from(&values);
            }
        }
        outcome
    }

    fn check_asset(
        &self,
        resolver: &mut Resolver<'_>,
        asset: &Asset,
        findings: &mut Vec<Finding>,
    ) -> Outcome {
        // What identifies the asset in fingerprints: made only for a finding.
        let mut identity_text: Option<String> = None;
        let mut not_checkable = false;
        if asset.id().is_none() {
            not_checkable = true;
            let identity = identity_text.get_or_insert_with(|| identity(asset));
            let mut f = Finding::new(
                Code::MissingId.id(),
                Code::MissingId.severity(),
                format!("the asset at line {} has no id", asset.line),
                Label::new(
                    asset.snippet.clone(),
                    asset.span.clone(),
                    "no id in this record",
                ),
            );
            f.help = Some(Code::MissingId.help().to_string());
            f.fingerprint = fingerprint(&[f.rule.as_str(), f.file(), identity]);
            findings.push(f);
        }

        // The vendor first; the evidence only when a finding shows it.
        let chosen = resolver.identify_vendor(asset);
        let mut identification = None;
        if chosen.is_some_and(|c| c.mismatch) {
            let i = resolver.identify(asset);
            if let Some(i) = &i {
                if let Some(mismatch) = &i.mismatch {
                    let identity = identity_text.get_or_insert_with(|| identity(asset));
                    findings.push(self.mismatch(asset, mismatch, i.vendor, identity));
                }
            }
            identification = Some(i);
        }
        let vendor = chosen.map(|c| self.catalog.vendor(c.vendor));
        let (site, placement) = self.site_of(asset);
        let facts = AssetFacts {
            asset,
            site,
            placement,
            sites: self.sites,
            vendor,
            today: self.today,
        };

        if chosen.is_none() && is_surveillance(asset) {
            not_checkable = true;
            let identity = identity_text.get_or_insert_with(|| identity(asset));
            findings.push(unknown_vendor(asset, identity));
        }

        let site_known = site.is_some();
        if !site_known && self.reads_site() {
            not_checkable = true;
            let identity = identity_text.get_or_insert_with(|| identity(asset));
            findings.push(self.unknown_site(asset, identity));
        }

        let mut flagged = false;
        for policy in self.policies {
            for rule in &policy.rules {
                if rule.effective.is_some_and(|d| self.today < d) {
                    continue;
                }
                if rule.reads_site && !site_known {
                    continue;
                }
                if !rule.when.eval(&facts) {
                    continue;
                }
                flagged = true;
                let identification = identification.get_or_insert_with(|| resolver.identify(asset));
                let identity = identity_text.get_or_insert_with(|| identity(asset));
                findings.push(self.finding(rule, asset, &facts, identification.as_ref(), identity));
            }
        }
        if flagged {
            Outcome::Flagged
        } else if not_checkable {
            Outcome::NotCheckable
        } else {
            Outcome::Passed
        }
    }

    /// The site the asset names, else the one whose address range holds its
    /// IP address (scan results name no site), with that placement.
    pub fn site_of(&self, asset: &Asset) -> (Option<usize>, Option<Placement>) {
        match asset.text(AssetField::Site) {
            Some(cell) => (self.sites.find(cell.value), None),
            None => {
                let placement = asset
                    .text(AssetField::Ip)
                    .and_then(|ip| self.sites.place(ip.value));
                (placement.map(|p| p.site), placement)
            }
        }
    }

    /// The id of the asset's site (see [`Engine::site_of`]), else the site
    /// it names.
    pub fn site_id(&self, asset: &Asset) -> Option<String> {
        match self.site_of(asset).0 {
            Some(site) => Some(self.sites.site(site).id.value.clone()),
            None => asset.text(AssetField::Site).map(|c| c.value.to_string()),
        }
    }

    /// A declared vendor that stronger evidence contradicts.
    fn mismatch(
        &self,
        asset: &Asset,
        mismatch: &Mismatch,
        vendor: usize,
        identity: &str,
    ) -> Finding {
        let code = Code::VendorMismatch;
        let name = asset.id().unwrap_or("without an id");
        let decided = &mismatch.decided;
        let declared_as = match mismatch.declared_vendor {
            Some(v) => format!(
                "`{}` ({})",
                mismatch.declared.value,
                self.catalog.vendor(v).id
            ),
            None => format!("`{}`", mismatch.declared.value),
        };
        let what = match decided.field.as_str() {
            "mac" => "MAC address",
            "model" => "model number",
            "firmware" => "firmware banner",
            "hostname" => "host name",
            other => other,
        };
        let message = format!(
            "asset {name} is declared as made by {declared_as}, but its {what} belongs to {}",
            self.catalog.vendor(vendor).name
        );
        let primary_span = decided
            .span
            .clone()
            .or_else(|| mismatch.declared.span.clone())
            .unwrap_or_else(|| asset.span.clone());
        let mut f = Finding::new(
            code.id(),
            code.severity(),
            message,
            Label::new(asset.snippet.clone(), primary_span, decided.fact.clone()),
        );
        if let Some(span) = &mismatch.declared.span {
            f.labels.push(Label::new(
                asset.snippet.clone(),
                span.clone(),
                "declared vendor",
            ));
        }
        f.asset_id = asset.id().map(str::to_string);
        f.vendor_id = Some(self.catalog.vendor(vendor).id.clone());
        f.evidence = vec![decided.clone(), mismatch.declared.clone()];
        f.help = Some(code.help().to_string());
        f.fingerprint = fingerprint(&[code.id(), f.file(), identity]);
        f
    }

    fn unknown_site(&self, asset: &Asset, identity: &str) -> Finding {
        let code = Code::UnknownSite;
        let name = asset.id().unwrap_or("without an id");
        let (span, message, label) = match asset.text(AssetField::Site) {
            Some(cell) => (
                cell.span.clone(),
                format!(
                    "asset {name} is at site `{}`, which no site register defines",
                    cell.value
                ),
                "unknown site",
            ),
            None => match asset.text(AssetField::Ip) {
                Some(ip) if self.sites.has_networks() => (
                    ip.span.clone(),
                    format!(
                        "asset {name} has no site, and its address {} is in no site's address range",
                        ip.value
                    ),
                    "in no site's `cidrs`",
                ),
                _ => (
                    asset
                        .text(AssetField::Id)
                        .map_or(asset.span.clone(), |c| c.span.clone()),
                    format!("asset {name} has no site"),
                    "no site for this asset",
                ),
            },
        };
        let mut f = Finding::new(
            code.id(),
            code.severity(),
            message,
            Label::new(asset.snippet.clone(), span, label),
        );
        f.asset_id = asset.id().map(str::to_string);
        f.site_id = asset.text(AssetField::Site).map(|c| c.value.to_string());
        f.help = Some(code.help().to_string());
        f.fingerprint = fingerprint(&[code.id(), f.file(), identity]);
        f
    }

    fn finding(
        &self,
        rule: &Rule,
        asset: &Asset,
        facts: &AssetFacts<'_>,
        identification: Option<&crate::resolve::identify::Identification>,
        identity: &str,
    ) -> Finding {
        let (severity, when) = match rule.deadline {
            Some(deadline) if self.today < deadline => {
                let days = (deadline - self.today).get_days();
                (
                    rule.severity_before_deadline,
                    format!(
                        " (deadline {deadline}: {} left)",
                        crate::report::plural(days as usize, "day", "days")
                    ),
                )
            }
            Some(deadline) if deadline == self.today => {
                (rule.severity, format!(" (deadline {deadline} is today)"))
            }
            Some(deadline) => (rule.severity, format!(" (deadline {deadline} has passed)")),
            None => (rule.severity, String::new()),
        };
        let message = format!("{}{when}", rule.message.render(facts, self.ladder));

        let evidence = identification
            .map(|i| i.evidence.clone())
            .unwrap_or_default();
        let vendor = facts.vendor;
        let primary = match evidence.iter().find_map(|e| e.span.clone()) {
            Some(span) => {
                let fact = evidence.first().map_or("", |e| e.fact.as_str());
                Label::new(asset.snippet.clone(), span, format!("identified by {fact}"))
            }
            None => Label::new(
                asset.snippet.clone(),
                asset
                    .text(AssetField::Id)
                    .map_or(asset.span.clone(), |c| c.span.clone()),
                rule.summary.clone(),
            ),
        };
        let mut f = Finding::new(rule.id.clone(), severity, message, primary);
        for e in evidence.iter().skip(1) {
            if let Some(span) = &e.span {
                f.labels.push(Label::new(
                    asset.snippet.clone(),
                    span.clone(),
                    e.fact.clone(),
                ));
            }
        }
        if let Some(cell) = asset.text(AssetField::Site) {
            if rule.reads_site {
                f.labels.push(Label::new(
                    asset.snippet.clone(),
                    cell.span.clone(),
                    "at this site",
                ));
            }
        }
        if let (Some(placement), true) = (facts.placement, rule.reads_site) {
            let site = self.sites.site(placement.site);
            if let (Some(ip), Some(cidr)) =
                (asset.text(AssetField::Ip), site.cidrs.get(placement.cidr))
            {
                f.labels.push(Label::new(
                    asset.snippet.clone(),
                    ip.span.clone(),
                    format!("placed on site {} by this address", site.id.value),
                ));
                f.related.push(Label::new(
                    site.snippet.clone(),
                    cidr.span.clone(),
                    format!("site {}'s address range", site.id.value),
                ));
            }
        }
        if rule.reads_site {
            if let Some(label) = facts.site.and_then(|s| self.site_label(s)) {
                f.related.push(label);
            }
        }
        f.related.push(Label::new(
            rule.source.clone(),
            rule.id_span.clone(),
            format!("rule {}: {}", rule.id, rule.summary),
        ));
        f.asset_id = asset.id().map(str::to_string);
        f.vendor_id = vendor.map(|v| v.id.clone());
        f.evidence = evidence;
        f.site_id = facts
            .site
            .map(|s| self.sites.site(s).id.value.clone())
            .or_else(|| asset.text(AssetField::Site).map(|c| c.value.to_string()));
        f.help = rule.help.clone();
        f.url = rule.url.clone();
        f.rule_summary = Some(rule.summary.clone());
        f.deadline = rule.deadline;
        f.days_left = rule
            .deadline
            .map(|d| i64::from((d - self.today).get_days()));
        f.references = rule.references.clone();
        f.fingerprint = fingerprint(&[&rule.id, f.file(), identity]);
        f
    }

    /// A label on the site-register cell that makes the site as sensitive as
    /// it is (the site's own, or an ancestor's).
    fn site_label(&self, site: usize) -> Option<Label> {
        let own = self.sites.site(site);
        let (rank, origin) = self.sites.resolved(site).sensitivity?;
        let from = self.sites.site(origin);
        let cell = from.sensitivity.as_ref()?;
        let level = self.ladder.name(rank).unwrap_or("?");
        let message = if origin == site {
            format!("site {} is `{level}`", own.id.value)
        } else {
            format!(
                "site {} is `{level}`, inherited from {}",
                own.id.value, from.id.value
            )
        };
        Some(Label::new(from.snippet.clone(), cell.span.clone(), message))
    }
}

/// The kinds of equipment the bans are about: a device of one of these kinds
/// whose vendor is unknown is a blind spot, reported and counted.
pub const SURVEILLANCE_KINDS: &[&str] = &[
    "access-control",
    "camera",
    "dvr",
    "encoder",
    "intercom",
    "nvr",
];

fn is_surveillance(asset: &Asset) -> bool {
    asset
        .text(AssetField::Kind)
        .is_some_and(|k| SURVEILLANCE_KINDS.binary_search(&k.value).is_ok())
}

fn unknown_vendor(asset: &Asset, identity: &str) -> Finding {
    let code = Code::UnknownVendor;
    let kind = asset.text(AssetField::Kind).map_or("device", |k| k.value);
    let name = asset.id().unwrap_or("without an id");
    let (span, label) = match asset.text(AssetField::Vendor) {
        Some(cell) => (cell.span.clone(), "not a vendor in the catalog"),
        None => (
            asset
                .text(AssetField::Kind)
                .map_or(asset.span.clone(), |c| c.span.clone()),
            "no vendor, brand, model or MAC address identifies this device",
        ),
    };
    let mut f = Finding::new(
        code.id(),
        code.severity(),
        format!("the vendor of {kind} {name} could not be identified"),
        Label::new(asset.snippet.clone(), span, label),
    );
    f.asset_id = asset.id().map(str::to_string);
    f.help = Some(code.help().to_string());
    f.fingerprint = fingerprint(&[code.id(), f.file(), identity]);
    f
}

/// The asset's values that `--redact` hides: its site, location, IP
/// address and host name.
pub fn sensitive(asset: &Asset) -> Vec<(Sensitive, String)> {
    [
        (AssetField::Site, Sensitive::Site),
        (AssetField::Location, Sensitive::Location),
        (AssetField::Ip, Sensitive::Ip),
        (AssetField::Hostname, Sensitive::Host),
    ]
    .into_iter()
    .filter_map(|(field, kind)| {
        let value = asset.text(field)?.value.trim();
        (!value.is_empty()).then(|| (kind, value.to_string()))
    })
    .collect()
}

/// What identifies an asset across edits: its id, else serial, else MAC,
/// else its line.
pub fn identity(asset: &Asset) -> String {
    if let Some(id) = asset.id() {
        return format!("id:{id}");
    }
    if let Some(serial) = asset.text(AssetField::Serial) {
        return format!("serial:{}", serial.value);
    }
    if let Some(crate::model::Value::List(macs)) = asset.get(AssetField::Mac).map(|m| &m.value) {
        if let Some(mac) = macs.first() {
            return format!("mac:{}", mac.value.to_ascii_lowercase());
        }
    }
    format!("line:{}", asset.line)
}

/// Whether a finding's severity reaches the `--fail-on` threshold.
pub fn fails(severity: Severity, threshold: Option<Severity>) -> bool {
    threshold.is_some_and(|t| severity >= t)
}
