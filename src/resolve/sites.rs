//! Site registers joined up: each site's inherited sensitivity, sectors and
//! tags, with the site each fact came from (for diagnostics), and the
//! sites' address ranges, which place devices that name no site (scan
//! results) on the site whose most specific range holds their address.

use crate::resolve::FastMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::diag::{Code, Finding, Label};
use crate::model::schema::{Ladder, SiteField, Val};
use crate::model::Site;

/// A site after inheritance.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    /// The highest level of the site and its ancestors: (rank, index of the
    /// site that set it).
    pub sensitivity: Option<(usize, usize)>,
    /// Sectors of the site and its ancestors, nearest first, without repeats.
    pub sectors: Vec<String>,
    /// Tags of the site and its ancestors, nearest first, without repeats.
    pub tags: Vec<String>,
}

/// Every site of every register, indexed.
#[derive(Debug, Default)]
pub struct SiteIndex {
    sites: Vec<Site>,
    resolved: Vec<Resolved>,
    by_id: FastMap<String, usize>,
    by_folded_id: FastMap<String, usize>,
    /// Site names, ignoring case: a NetBox device CSV export names the
    /// site, where its API gives the slug the sites are keyed by.
    by_folded_name: FastMap<String, usize>,
    /// Every site's ranges: (range, site, index into the site's `cidrs`),
    /// most specific first.
    networks: Vec<(IpNet, usize, usize)>,
}

/// Where [`SiteIndex::place`] put an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The site.
    pub site: usize,
    /// Which of the site's `cidrs` holds the address.
    pub cidr: usize,
}

impl SiteIndex {
    /// Indexes sites and resolves inheritance, reporting duplicate ids,
    /// unknown levels, unknown parents and parent cycles.
    pub fn build(sites: Vec<Site>, ladder: &Ladder) -> (SiteIndex, Vec<Finding>) {
        let mut findings = Vec::new();
        let mut by_id = FastMap::default();
        let mut by_folded_id = FastMap::default();
        for (i, site) in sites.iter().enumerate() {
            let id = site.id.value.clone();
            if let Some(&first) = by_id.get(&id) {
                let first: &Site = &sites[first];
                let mut f = finding(
                    Code::DuplicateSite,
                    format!("site `{id}` is defined twice"),
                    site,
                    site.id.span.clone(),
                    "second definition",
                );
                f.related.push(Label::new(
                    first.snippet.clone(),
                    first.id.span.clone(),
                    "first defined here; this one is used",
                ));
                findings.push(f);
                continue;
            }
            by_id.insert(id.clone(), i);
            by_folded_id.entry(id.to_lowercase()).or_insert(i);
        }

        let own_rank: Vec<Option<usize>> = sites
            .iter()
            .map(|site| {
                let level = site.sensitivity.as_ref()?;
                let rank = ladder.rank(&level.value);
                if rank.is_none() && !level.value.trim().is_empty() {
                    findings.push(
                        finding(
                            Code::UnknownLevel,
                            format!(
                                "site `{}` has sensitivity `{}`, which is not a level of the ladder",
                                site.id.value, level.value
                            ),
                            site,
                            level.span.clone(),
                            "unknown level",
                        )
                        .with_help(format!(
                            "the levels, lowest first: {} (set them in [sites] levels)",
                            ladder.levels().join(" < ")
                        )),
                    );
                }
                rank
            })
            .collect();

        let mut by_folded_name = FastMap::default();
        for (i, site) in sites.iter().enumerate() {
            if let Some(name) = &site.name {
                by_folded_name.entry(name.value.to_lowercase()).or_insert(i);
            }
        }
        let mut networks = Vec::new();
        for (i, site) in sites.iter().enumerate() {
            for (n, cidr) in site.cidrs.iter().enumerate() {
                match parse_network(&cidr.value) {
                    Some(net) => networks.push((net, i, n)),
                    None => findings.push(
                        finding(
                            Code::InvalidValue,
                            format!(
                                "site `{}` has address range `{}`, which is not an IP network",
                                site.id.value, cidr.value
                            ),
                            site,
                            cidr.span.clone(),
                            "not a CIDR range",
                        )
                        .with_help("write ranges as 10.20.0.0/16 or 2001:db8::/32; a bare address is one host"),
                    ),
                }
            }
        }
        // Most specific first; ties keep register order (the sort is stable).
        networks.sort_by_key(|(net, _, _)| std::cmp::Reverse(net.prefix_len()));

        let mut index = SiteIndex {
            resolved: Vec::with_capacity(sites.len()),
            sites: Vec::new(),
            by_id,
            by_folded_id,
            by_folded_name,
            networks,
        };
        let mut reported_cycles = std::collections::HashSet::new();
        for i in 0..sites.len() {
            let mut resolved = Resolved::default();
            let mut chain = vec![i];
            let mut current = i;
            loop {
                let s = &sites[current];
                if let Some(rank) = own_rank[current] {
                    if resolved.sensitivity.is_none_or(|(r, _)| rank > r) {
                        resolved.sensitivity = Some((rank, current));
                    }
                }
                if let Some(sector) = &s.sector {
                    push_unique(&mut resolved.sectors, &sector.value);
                }
                for tag in &s.tags {
                    push_unique(&mut resolved.tags, &tag.value);
                }
                let Some(parent) = &s.parent else { break };
                if parent.value.trim().is_empty() {
                    break;
                }
                let Some(&next) = index.by_id.get(&parent.value) else {
                    if current == i {
                        findings.push(finding(
                            Code::UnknownParent,
                            format!(
                                "site `{}` names parent `{}`, which no site register defines",
                                s.id.value, parent.value
                            ),
                            s,
                            parent.span.clone(),
                            "unknown parent",
                        ));
                    }
                    break;
                };
                if let Some(pos) = chain.iter().position(|&c| c == next) {
                    let members = &chain[pos..];
                    let key = members.iter().copied().min().unwrap_or(next);
                    if reported_cycles.insert(key) {
                        let ids: Vec<&str> = members
                            .iter()
                            .map(|&c| sites[c].id.value.as_str())
                            .collect();
                        findings.push(finding(
                            Code::SiteCycle,
                            format!(
                                "site `{}` is its own ancestor: {} → {}",
                                s.id.value,
                                ids.join(" → "),
                                sites[next].id.value
                            ),
                            s,
                            parent.span.clone(),
                            "this parent closes the loop",
                        ));
                    }
                    break;
                }
                chain.push(next);
                current = next;
            }
            index.resolved.push(resolved);
        }
        index.sites = sites;
        (index, findings)
    }

    /// Finds a site by id: exactly, else ignoring case, else by its name
    /// ignoring case.
    pub fn find(&self, id: &str) -> Option<usize> {
        let id = id.trim();
        if let Some(&site) = self.by_id.get(id) {
            return Some(site);
        }
        let folded = id.to_lowercase();
        self.by_folded_id
            .get(&folded)
            .or_else(|| self.by_folded_name.get(&folded))
            .copied()
    }

    /// The site whose most specific range holds `address` (an IP address,
    /// optionally with a `/prefix` or in brackets), if any.
    pub fn place(&self, address: &str) -> Option<Placement> {
        if self.networks.is_empty() {
            return None;
        }
        let address = address.trim().trim_start_matches('[');
        let address = address.split(['/', ']']).next().unwrap_or(address);
        let ip: IpAddr = address.parse().ok()?;
        self.networks
            .iter()
            .find(|(net, _, _)| net.contains(&ip))
            .map(|&(_, site, cidr)| Placement { site, cidr })
    }

    /// Whether any site has an address range.
    pub fn has_networks(&self) -> bool {
        !self.networks.is_empty()
    }

    /// A site as written.
    pub fn site(&self, index: usize) -> &Site {
        &self.sites[index]
    }

    /// A site after inheritance.
    pub fn resolved(&self, index: usize) -> &Resolved {
        &self.resolved[index]
    }

    /// How many sites there are.
    pub fn len(&self) -> usize {
        self.sites.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    /// A field of a site, as rules see it.
    pub fn get(&self, index: usize, field: SiteField) -> Option<Val<'_>> {
        let site = &self.sites[index];
        let resolved = &self.resolved[index];
        match field {
            SiteField::Id => Some(Val::Str(&site.id.value)),
            SiteField::Name => site.name.as_ref().map(|n| Val::Str(&n.value)),
            SiteField::Sensitivity => resolved.sensitivity.map(|(rank, _)| Val::Level(rank)),
            SiteField::Sector => site.sector.as_ref().map(|s| Val::Str(&s.value)),
            SiteField::Sectors => Some(Val::List(
                resolved.sectors.iter().map(String::as_str).collect(),
            )),
            SiteField::Tags => Some(Val::List(
                resolved.tags.iter().map(String::as_str).collect(),
            )),
            SiteField::Parent => site.parent.as_ref().map(|p| Val::Str(&p.value)),
        }
    }
}

/// A range as written in a site register: `10.1.0.0/16`, or a bare address
/// (one host). Host bits set below the prefix are allowed (`10.1.2.3/16`
/// is read as `10.1.0.0/16`), as network tools accept them.
fn parse_network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    if let Ok(net) = text.parse::<IpNet>() {
        return Some(net.trunc());
    }
    text.parse::<IpAddr>().ok().map(IpNet::from)
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if !value.is_empty() && !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

fn finding(
    code: Code,
    message: String,
    site: &Site,
    span: crate::source::Span,
    label: &str,
) -> Finding {
    let mut f = Finding::new(
        code.id(),
        code.severity(),
        message,
        Label::new(site.snippet.clone(), span, label),
    );
    f.site_id = Some(site.id.value.clone());
    f.help = Some(code.help().to_string());
    f
}

impl Finding {
    /// Replaces the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Snippet, Spanned};

    fn site(id: &str, level: Option<&str>, sector: Option<&str>, parent: Option<&str>) -> Site {
        let s = |v: &str| Spanned::new(v.to_string(), 0..v.len());
        Site {
            line: 1,
            span: 0..0,
            snippet: Snippet::whole("sites.csv".into(), "".into()),
            id: s(id),
            name: None,
            sensitivity: level.map(s),
            sector: sector.map(s),
            tags: vec![],
            parent: parent.map(s),
            cidrs: vec![],
        }
    }

    #[test]
    fn inherits_the_highest_level_and_all_sectors() {
        let (index, findings) = SiteIndex::build(
            vec![
                site("HQ", Some("secret"), Some("defence"), None),
                site("B1", Some("official"), Some("health"), Some("HQ")),
                site("R1", None, None, Some("B1")),
            ],
            &Ladder::default(),
        );
        assert!(findings.is_empty());
        let r1 = index.find("r1").unwrap();
        // A site's name finds it too, when no id is that.
        let mut named = site("wh", None, None, None);
        named.name = Some(Spanned::new("Whitehall".into(), 0..0));
        let (by_name, _) =
            SiteIndex::build(vec![named, site("X", None, None, None)], &Ladder::default());
        assert_eq!(by_name.find("WHITEHALL"), Some(0));
        assert_eq!(by_name.find("x"), Some(1));
        assert_eq!(index.resolved(r1).sensitivity, Some((3, 0)));
        assert_eq!(index.resolved(r1).sectors, ["health", "defence"]);
        assert_eq!(index.get(r1, SiteField::Sector), None);
    }

    #[test]
    fn reports_cycles_unknown_parents_and_levels() {
        let (_, findings) = SiteIndex::build(
            vec![
                site("A", None, None, Some("B")),
                site("B", None, None, Some("A")),
                site("C", Some("top-secret"), None, Some("Z")),
                site("C", None, None, None),
            ],
            &Ladder::default(),
        );
        let rules: Vec<_> = findings.iter().map(|f| f.rule.as_str()).collect();
        assert!(rules.contains(&"assetlint/site-cycle"), "{rules:?}");
        assert!(rules.contains(&"assetlint/unknown-parent"));
        assert!(rules.contains(&"assetlint/unknown-level"));
        assert!(rules.contains(&"assetlint/duplicate-site"));
    }

    #[test]
    fn places_addresses_in_the_most_specific_range() {
        let s = |v: &str| Spanned::new(v.to_string(), 0..v.len());
        let mut campus = site("CAMPUS", Some("official"), None, None);
        campus.cidrs = vec![s("10.0.0.0/8"), s("2001:db8::/32")];
        let mut lab = site("LAB", Some("secret"), None, None);
        lab.cidrs = vec![s("10.20.1.7/16"), s("192.0.2.9"), s("not-a-range")];
        let (index, findings) = SiteIndex::build(vec![campus, lab], &Ladder::default());
        let placed = |a: &str| index.place(a).map(|p| (p.site, p.cidr));
        assert_eq!(placed("10.20.3.4"), Some((1, 0)));
        assert_eq!(placed("10.21.3.4"), Some((0, 0)));
        assert_eq!(placed(" 10.20.3.4/24"), Some((1, 0)));
        assert_eq!(placed("192.0.2.9"), Some((1, 1)));
        assert_eq!(placed("192.0.2.10"), None);
        assert_eq!(placed("[2001:db8::1]"), Some((0, 1)));
        assert_eq!(placed("cam-01.example"), None);
        let rules: Vec<_> = findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, ["assetlint/invalid-value"]);
    }
}
