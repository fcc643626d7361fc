//! `--redact`: every finding passes through a [`Redactor`] on its way to
//! the reporters, which replaces site names and ids, locations, IP
//! addresses, address ranges and host names with stable pseudonyms
//! (see [`pseudonym`]) and masks the source excerpts.
//!
//! What is replaced, wherever it is quoted (message, labels, evidence,
//! help, the waiver's reason, the site field):
//! - every value of the site registers that names a site (its id, its
//!   name, its parent) becomes `site-…`, the pseudonym of the site's id, so
//!   a site written by name or by id is one pseudonym; its address ranges
//!   become `net-…`;
//! - the asset's own `site`, `location`, `ip` and `hostname`
//!   ([`Finding::sensitive`]) become `site-…`, `loc-…`, `ip-…`, `host-…`;
//! - any IP address written in the text becomes `ip-…` (and a range
//!   `net-…`), whoever's it is.
//!
//! What is kept: file paths, lines and columns, rule ids, vendors, models,
//! severities, counts, fingerprints (computed before redaction) and asset
//! ids, which are what a fixer looks up in the register. An asset id is
//! kept even where it contains a site's name, except one that *is* the
//! asset's address or host name (as scans name devices), which is
//! replaced like the address.
//!
//! Excerpts: a label's source text is masked, character by character with
//! placeholders of the same UTF-8 length, so every byte offset, line and
//! column stays as it was and only the lines the labels are on are kept.
//! The text under a label that shows the vendor evidence (vendor, brand,
//! model, MAC), the asset id or the rule id is left readable.

pub mod pseudonym;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use aho_corasick::{AhoCorasick, MatchKind};
use ipnet::IpNet;

use crate::diag::{Finding, Label, Sensitive};
use crate::source::Span;

pub use pseudonym::{Pseudonyms, KEY_ENV};

/// Values shorter than this, or made only of digits, are replaced only
/// where they fill a whole field: in running text they would hit ordinary
/// words and numbers.
const MIN_TEXT_LEN: usize = 2;

/// Evidence fields whose text is not sensitive and stays readable in the
/// excerpt.
const READABLE_EVIDENCE: &[&str] = &["brand", "mac", "model", "vendor"];

/// Collects the site registers' values, then builds a [`Redactor`].
#[derive(Debug)]
pub struct Builder {
    pseudonyms: Pseudonyms,
    /// Each site: its id and the other values naming it.
    sites: Vec<(String, Vec<String>)>,
    /// Other register values (parents, ranges).
    values: Vec<(Sensitive, String)>,
}

impl Builder {
    /// A builder keyed with `secret` (see [`Pseudonyms::new`]).
    pub fn new(secret: Option<&str>) -> Self {
        Builder {
            pseudonyms: Pseudonyms::new(secret),
            sites: Vec::new(),
            values: Vec::new(),
        }
    }

    /// A site of a register: its id and the values that also name it (its
    /// name), which all get the id's pseudonym.
    pub fn site(&mut self, id: &str, names: impl IntoIterator<Item = String>) -> &mut Self {
        self.sites
            .push((id.to_string(), names.into_iter().collect()));
        self
    }

    /// Another register value to hide (a parent site, an address range).
    pub fn value(&mut self, kind: Sensitive, value: &str) -> &mut Self {
        self.values.push((kind, value.to_string()));
        self
    }

    /// The redactor.
    pub fn build(self) -> Redactor {
        let mut sites = HashMap::new();
        for (id, _) in &self.sites {
            let p = self.pseudonyms.of(Sensitive::Site, id);
            sites.entry(pseudonym::fold(id)).or_insert(p);
        }
        for (id, names) in &self.sites {
            let p = sites[&pseudonym::fold(id)].clone();
            for name in names {
                sites
                    .entry(pseudonym::fold(name))
                    .or_insert_with(|| p.clone());
            }
        }
        let mut redactor = Redactor {
            pseudonyms: self.pseudonyms,
            sites,
            register: None,
            replacements: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        let all = self
            .sites
            .iter()
            .flat_map(|(id, names)| {
                std::iter::once(id)
                    .chain(names)
                    .map(|v| (Sensitive::Site, v.as_str()))
            })
            .chain(self.values.iter().map(|(k, v)| (*k, v.as_str())));
        let mut patterns = Vec::new();
        for (kind, value) in all {
            let value = value.trim();
            if !in_text(value) || !seen.insert(value.to_ascii_lowercase()) {
                continue;
            }
            patterns.push(value.to_string());
            redactor.replacements.push(redactor.pseudonym(kind, value));
        }
        redactor.register = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        redactor
    }
}

/// Replaces sensitive values in findings (see the module doc).
#[derive(Debug)]
pub struct Redactor {
    pseudonyms: Pseudonyms,
    /// Folded site ids and names → the site id's pseudonym.
    sites: HashMap<String, String>,
    /// The site registers' values, found in any text.
    register: Option<AhoCorasick>,
    /// The pseudonym of each of `register`'s patterns.
    replacements: Vec<String>,
}

impl Redactor {
    /// The pseudonym of a value: a site's is its id's when the registers
    /// know it by that id or name.
    pub fn pseudonym(&self, kind: Sensitive, value: &str) -> String {
        if kind == Sensitive::Site {
            if let Some(p) = self.sites.get(&pseudonym::fold(value)) {
                return p.clone();
            }
        }
        self.pseudonyms.of(kind, value)
    }

    /// The finding as it may be shown outside.
    pub fn finding(&self, f: &Finding) -> Finding {
        let own: Vec<(&str, String)> = f
            .sensitive
            .iter()
            .map(|(kind, value)| (value.as_str(), self.pseudonym(*kind, value)))
            .collect();
        // The asset id is kept, unless it is an address or one of the
        // asset's values (a scan names a device by its address).
        let asset_id = f.asset_id.as_ref().map(|id| {
            match own.iter().find(|(v, _)| v.eq_ignore_ascii_case(id)) {
                Some((_, p)) => p.clone(),
                None if id.trim().parse::<IpAddr>().is_ok() => self.pseudonym(Sensitive::Ip, id),
                None => id.clone(),
            }
        });
        let kept_id = asset_id
            .as_deref()
            .filter(|id| f.asset_id.as_deref() == Some(id));
        let kept: Vec<&str> = kept_id.into_iter().chain([f.file()]).collect();
        let text = |s: &str| self.text(s, &own, &kept);

        let mut out = f.clone();
        out.sensitive = Vec::new();
        out.asset_id = asset_id.clone();
        out.message = text(&f.message);
        out.site_id = f
            .site_id
            .as_deref()
            .map(|s| self.pseudonym(Sensitive::Site, s));
        out.help = f.help.as_deref().map(text);
        out.rule_summary = f.rule_summary.as_deref().map(text);
        for e in &mut out.evidence {
            e.value = match e.field.as_str() {
                "hostname" => self.pseudonym(Sensitive::Host, &e.value),
                "ip" => self.pseudonym(Sensitive::Ip, &e.value),
                _ => text(&e.value),
            };
            e.fact = text(&e.fact);
        }
        if let Some(s) = &mut out.suppressed {
            s.reason = text(&s.reason);
        }

        // Excerpts: the labels in the primary label's text (the asset's)
        // share one masked copy of their lines, in which the evidence stays
        // readable; every other label has its own.
        let rule_tail = f.rule.rsplit('/').next().unwrap_or(&f.rule);
        let names: Vec<&str> = kept_id
            .into_iter()
            .chain([f.rule.as_str(), rule_tail])
            .collect();
        let named = |l: &Label| {
            let shown = l
                .snippet
                .slice(&l.span)
                .map(|t| t.trim_matches(['"', '\'']));
            shown.is_some_and(|t| names.contains(&t))
        };
        let shared: Vec<&Label> = std::iter::once(&f.primary)
            .chain(
                f.labels
                    .iter()
                    .filter(|l| l.snippet.same(&f.primary.snippet)),
            )
            .collect();
        let readable: Vec<Span> = f
            .evidence
            .iter()
            .filter(|e| READABLE_EVIDENCE.contains(&e.field.as_str()))
            .filter_map(|e| e.span.clone())
            .chain(shared.iter().filter(|l| named(l)).map(|l| l.span.clone()))
            .collect();
        let lines = shared.iter().map(|l| l.span.start).min().unwrap_or(0)
            ..shared.iter().map(|l| l.span.end).max().unwrap_or(0);
        let masked = f.primary.snippet.masked(&lines, &readable);
        let mask = |from: &Label| Label {
            snippet: if from.snippet.same(&f.primary.snippet) {
                masked.clone()
            } else if named(from) {
                from.snippet
                    .masked(&from.span, std::slice::from_ref(&from.span))
            } else {
                from.snippet.masked(&from.span, &[])
            },
            span: from.span.clone(),
            message: text(&from.message),
        };
        let mut all: Vec<Label> = std::iter::once(&f.primary)
            .chain(&f.labels)
            .chain(&f.related)
            .map(mask)
            .collect();
        out.related = all.split_off(1 + f.labels.len());
        out.labels = all.split_off(1);
        if let Some(primary) = all.pop() {
            out.primary = primary;
        }
        out
    }

    /// `s` with the asset's own values, the registers' values and every IP
    /// address replaced; a hit inside a `kept` name (the asset id, the file)
    /// is left alone.
    fn text(&self, s: &str, own: &[(&str, String)], kept: &[&str]) -> String {
        let mut hits: Vec<(usize, usize, String)> = Vec::new();
        for (value, p) in own {
            if !in_text(value) {
                continue;
            }
            for (at, _) in s.match_indices(value) {
                hits.push((at, at + value.len(), p.clone()));
            }
        }
        if let Some(register) = &self.register {
            for m in register.find_iter(s) {
                hits.push((m.start(), m.end(), self.replacements[m.pattern()].clone()));
            }
        }
        hits.extend(self.addresses(s));
        if hits.is_empty() {
            return s.to_string();
        }
        let protected: Vec<Span> = kept
            .iter()
            .filter(|k| !k.is_empty())
            .flat_map(|k| s.match_indices(k).map(|(at, _)| at..at + k.len()))
            .collect();
        hits.retain(|(start, end, _)| {
            bounded(s, *start, *end)
                && !protected.iter().any(|p| p.start <= *start && *end <= p.end)
        });
        // Leftmost first, the longest of those that start together.
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for (start, end, p) in hits {
            if start < at {
                continue;
            }
            out.push_str(&s[at..start]);
            out.push_str(&p);
            at = end;
        }
        out.push_str(&s[at..]);
        out
    }

    /// Every IP address and range written in `s`, with its pseudonym.
    fn addresses(&self, s: &str) -> Vec<(usize, usize, String)> {
        let bytes = s.as_bytes();
        let class = |b: u8| b.is_ascii_hexdigit() || b == b'.' || b == b':';
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !class(bytes[i]) || (i > 0 && (class(bytes[i - 1]) || bytes[i - 1] == b'/')) {
                i += 1;
                continue;
            }
            let mut end = i;
            while end < bytes.len() && class(bytes[end]) {
                end += 1;
            }
            let run = s[i..end].trim_end_matches(['.', ':']);
            let v4 = || {
                let digits = run.find(|c: char| !(c.is_ascii_digit() || c == '.'));
                let head = &run[..digits.unwrap_or(run.len())];
                let head = head.trim_end_matches('.');
                head.parse::<Ipv4Addr>().ok().map(|_| head)
            };
            let found = match run.parse::<IpAddr>() {
                Ok(IpAddr::V6(_)) if run.matches(':').count() >= 2 => Some(run),
                Ok(IpAddr::V4(_)) => Some(run),
                _ => v4(),
            };
            if let Some(ip) = found {
                let mut stop = i + ip.len();
                let mut kind = Sensitive::Ip;
                // A range: the address, `/` and a prefix length.
                if s[stop..].starts_with('/') {
                    let len = s[stop + 1..]
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(s.len() - stop - 1);
                    if len > 0 && s[i..stop + 1 + len].parse::<IpNet>().is_ok() {
                        stop += 1 + len;
                        kind = Sensitive::Network;
                    }
                }
                out.push((i, stop, self.pseudonym(kind, &s[i..stop])));
            }
            i = end.max(i + 1);
        }
        out
    }
}

/// Whether a value is looked for in running text (see [`MIN_TEXT_LEN`]).
fn in_text(value: &str) -> bool {
    value.chars().count() >= MIN_TEXT_LEN && !value.chars().all(|c| c.is_ascii_digit())
}

/// Whether `s[start..end]` is not part of a longer word: no letter, digit
/// or `_` touches it on either side.
fn bounded(s: &str, start: usize, end: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    !s[..start].chars().next_back().is_some_and(word) && !s[end..].chars().next().is_some_and(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Evidence, MatchKind, Severity};
    use crate::source::Snippet;

    fn redactor() -> Redactor {
        let mut b = Builder::new(None);
        b.site("NBD", ["Northbridge Depot".to_string()])
            .site("HQ", ["Head Office".to_string()])
            .value(Sensitive::Site, "HQ")
            .value(Sensitive::Network, "10.20.0.0/16");
        b.build()
    }

    fn text(r: &Redactor, s: &str) -> String {
        r.text(
            s,
            &[(
                "cam1.nbd.example",
                r.pseudonym(Sensitive::Host, "cam1.nbd.example"),
            )],
            &["HQ-CAM-1"],
        )
    }

    #[test]
    fn a_site_by_id_or_by_name_is_one_pseudonym() {
        let r = redactor();
        let nbd = r.pseudonym(Sensitive::Site, "NBD");
        assert_eq!(r.pseudonym(Sensitive::Site, "northbridge depot"), nbd);
        assert_eq!(
            text(&r, "site NBD is `secret`, inherited from Northbridge Depot"),
            format!("site {nbd} is `secret`, inherited from {nbd}")
        );
    }

    #[test]
    fn addresses_ranges_and_hosts_are_replaced_but_not_inside_words_or_the_asset_id() {
        let r = redactor();
        let ip = r.pseudonym(Sensitive::Ip, "10.20.1.7");
        let net = r.pseudonym(Sensitive::Network, "10.20.0.0/16");
        let host = r.pseudonym(Sensitive::Host, "cam1.nbd.example");
        assert_eq!(
            text(
                &r,
                "asset HQ-CAM-1 at 10.20.1.7:554 (cam1.nbd.example) in 10.20.0.0/16."
            ),
            format!("asset HQ-CAM-1 at {ip}:554 ({host}) in {net}.")
        );
        assert_eq!(
            text(&r, "HQs and NBDX stay; 2026-11-01 too"),
            "HQs and NBDX stay; 2026-11-01 too"
        );
        let v6 = r.pseudonym(Sensitive::Ip, "fe80::1");
        assert_eq!(
            text(&r, "at fe80::1, not at a:b"),
            format!("at {v6}, not at a:b")
        );
    }

    #[test]
    fn a_finding_keeps_its_places_and_ids_and_masks_its_excerpt() {
        let r = redactor();
        let row = "HQ-CAM-1,Hikvision,Head Office,10.20.1.7\n";
        let snippet = Snippet::part("cams.csv".into(), row.into(), 10, 2);
        let vendor = 19..28;
        let mut f = Finding::new(
            "uk-gov/no-hikvision",
            Severity::Error,
            "HQ-CAM-1 at Head Office (10.20.1.7) is made by Hikvision",
            Label::new(
                snippet.clone(),
                vendor.clone(),
                "identified by vendor Hikvision",
            ),
        );
        f.labels.push(Label::new(snippet, 29..40, "at this site"));
        f.asset_id = Some("HQ-CAM-1".into());
        f.site_id = Some("HQ".into());
        f.evidence.push(Evidence {
            field: "vendor".into(),
            value: "Hikvision".into(),
            fact: "vendor \"Hikvision\"".into(),
            how: MatchKind::Exact,
            span: Some(vendor.clone()),
        });
        f.sensitive = vec![
            (Sensitive::Site, "Head Office".into()),
            (Sensitive::Ip, "10.20.1.7".into()),
        ];
        let out = r.finding(&f);
        let hq = r.pseudonym(Sensitive::Site, "HQ");
        let ip = r.pseudonym(Sensitive::Ip, "10.20.1.7");
        assert_eq!(
            out.message,
            format!("HQ-CAM-1 at {hq} ({ip}) is made by Hikvision")
        );
        assert_eq!(out.site_id.as_deref(), Some(hq.as_str()));
        assert_eq!(out.asset_id.as_deref(), Some("HQ-CAM-1"));
        assert_eq!(out.fingerprint, f.fingerprint);
        assert_eq!(out.primary.range(), f.primary.range());
        assert_eq!(out.labels[0].range(), f.labels[0].range());
        assert_eq!(
            out.primary.snippet.text(),
            "*********Hikvision**********************\n"
        );
        assert!(out.sensitive.is_empty());
    }

    #[test]
    fn an_asset_id_that_is_its_address_is_replaced() {
        let r = redactor();
        let snippet = Snippet::whole("scan.xml".into(), "<host>10.9.8.7</host>".into());
        let mut f = Finding::new(
            "r",
            Severity::Note,
            "device 10.9.8.7 seen",
            Label::new(snippet, 6..14, ""),
        );
        f.asset_id = Some("10.9.8.7".into());
        f.sensitive = vec![(Sensitive::Ip, "10.9.8.7".into())];
        let ip = r.pseudonym(Sensitive::Ip, "10.9.8.7");
        let out = r.finding(&f);
        assert_eq!(out.asset_id.as_deref(), Some(ip.as_str()));
        assert_eq!(out.message, format!("device {ip} seen"));
        // Also when the finding does not carry the asset's values.
        f.sensitive.clear();
        let out = r.finding(&f);
        assert_eq!(out.asset_id.as_deref(), Some(ip.as_str()));
        assert_eq!(out.message, format!("device {ip} seen"));
    }
}
