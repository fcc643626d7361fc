//! [`Plan`]: the removal plan, what must go by when, shared by the
//! Markdown, JSON and HTML reports.
//!
//! Only findings of rules that have a deadline belong in the plan. Each
//! asset counts once per deadline, however many of those rules flag it.
//! Deadlines are listed in date order, so the overdue ones (the oldest)
//! come first; within a deadline, sites and vendors are listed by the
//! number of assets, most first, then by id.
//!
//! A deadline counts as overdue from its own day on (`days_left <= 0`), as
//! the check does when it says a deadline "has passed".
//!
//! Findings arrive in report order (by file, then position), and all of an
//! asset's findings lie within its record, so they arrive together: to count
//! each asset once per deadline, the plan remembers only the last asset it
//! counted for each deadline. (Two records with the same id are two assets
//! here; the duplicate id is a finding of its own.)
//!
//! Memory: the plan keeps counts per distinct deadline, site and vendor and
//! at most [`Plan::ID_LIMIT`] asset ids per deadline and site (the rest are
//! counted), whatever the size of the register.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use crate::diag::Finding;
use crate::report::plural;

/// The removal plan of a run.
#[derive(Debug, Default)]
pub struct Plan {
    deadlines: BTreeMap<Date, Pending>,
    as_of: Option<Date>,
}

#[derive(Debug)]
struct Pending {
    days_left: i64,
    assets: usize,
    /// The file and key of the asset counted last.
    last: (String, String),
    by_site: BTreeMap<Option<String>, Group>,
    by_vendor: BTreeMap<Option<String>, usize>,
}

/// A site's assets due by one deadline: how many, and the first
/// [`Plan::ID_LIMIT`] ids, one after another in `ids` (ending at `ends`),
/// which is a fraction of the memory of a string each.
#[derive(Debug, Default)]
struct Group {
    count: usize,
    ids: String,
    ends: Vec<usize>,
}

impl Group {
    fn ids(&self) -> Vec<String> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let id = self.ids[start..end].to_string();
                start = end;
                id
            })
            .collect()
    }
}

/// Everything due by one deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// The day.
    #[serde(serialize_with = "display")]
    pub deadline: Date,
    /// Days from the run's date to the deadline (negative: past it).
    pub days_left: i64,
    /// Whether the deadline has passed (its own day included).
    pub overdue: bool,
    /// Assets due by then, each counted once.
    pub assets: usize,
    /// Those assets by site, most first.
    pub by_site: Vec<SiteAssets>,
    /// Those assets by vendor, most first.
    pub by_vendor: Vec<VendorCount>,
}

/// The assets of one site due by one deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SiteAssets {
    /// The site id (`None`: the asset names no site).
    pub site: Option<String>,
    /// How many assets.
    pub count: usize,
    /// The first [`Plan::ID_LIMIT`] of their ids, in report order.
    pub assets: Vec<String>,
    /// How many ids were left out of `assets`.
    pub more: usize,
}

/// How many assets of one vendor are due by one deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VendorCount {
    /// The vendor's catalog id (`None`: not identified).
    pub vendor: Option<String>,
    /// How many assets.
    pub count: usize,
}

/// Removals due in one calendar month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    /// The first day of the month.
    pub month: Date,
    /// Assets due that month (an asset due by two deadlines of the month
    /// counts twice).
    pub assets: usize,
    /// Whether any deadline of the month has passed.
    pub overdue: bool,
}

impl SiteAssets {
    /// Up to `limit` of the site's asset ids, each written by `show`, then
    /// "and N more" when some were left out.
    pub fn shown_ids(&self, limit: usize, show: impl Fn(&str) -> String) -> Vec<String> {
        let shown = self.assets.len().min(limit);
        let mut ids: Vec<String> = self.assets[..shown].iter().map(|id| show(id)).collect();
        if self.count > shown {
            ids.push(format!("and {} more", self.count - shown));
        }
        ids
    }
}

impl Deadline {
    /// `overdue by 576 days`, `due today` or `65 days left`.
    pub fn status(&self) -> String {
        match self.days_left {
            n if n < 0 => format!(
                "overdue by {}",
                plural(n.unsigned_abs() as usize, "day", "days")
            ),
            0 => "due today".to_string(),
            n => format!("{} left", plural(n as usize, "day", "days")),
        }
    }
}

fn display<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

impl Plan {
    /// Asset ids kept per deadline and site; past this they are counted.
    pub const ID_LIMIT: usize = 50;

    /// Months shown one by one in [`Plan::months`]; a plan spanning more
    /// lists only the months with removals.
    pub const MONTH_SPAN: usize = 36;

    /// Adds a finding (those of rules without a deadline are ignored).
    pub fn add(&mut self, f: &Finding) {
        let (Some(deadline), Some(days_left)) = (f.deadline, f.days_left) else {
            return;
        };
        if self.as_of.is_none() {
            self.as_of = deadline.checked_sub(jiff::Span::new().days(days_left)).ok();
        }
        let asset = match &f.asset_id {
            Some(id) => id.clone(),
            None => format!("{}:{}", f.file(), f.primary.range().0.line),
        };
        let pending = self.deadlines.entry(deadline).or_insert_with(|| Pending {
            days_left,
            assets: 0,
            last: (String::new(), String::new()),
            by_site: BTreeMap::new(),
            by_vendor: BTreeMap::new(),
        });
        if pending.assets > 0 && pending.last.0 == f.file() && pending.last.1 == asset {
            return;
        }
        pending.last = (f.file().to_string(), asset.clone());
        pending.assets += 1;
        let group = pending.by_site.entry(f.site_id.clone()).or_default();
        group.count += 1;
        if group.ends.len() < Self::ID_LIMIT {
            group.ids.push_str(&asset);
            group.ends.push(group.ids.len());
        }
        *pending.by_vendor.entry(f.vendor_id.clone()).or_default() += 1;
    }

    /// Whether no finding had a deadline.
    pub fn is_empty(&self) -> bool {
        self.deadlines.is_empty()
    }

    /// The day the run was evaluated as of, worked out from the deadlines
    /// and days left (`None` when the plan is empty).
    pub fn as_of(&self) -> Option<Date> {
        self.as_of
    }

    /// Assets due by deadlines that have passed (once per deadline).
    pub fn overdue(&self) -> usize {
        self.deadlines
            .values()
            .filter(|p| p.days_left <= 0)
            .map(|p| p.assets)
            .sum()
    }

    /// Assets due by deadlines still ahead (once per deadline).
    pub fn upcoming(&self) -> usize {
        self.deadlines
            .values()
            .filter(|p| p.days_left > 0)
            .map(|p| p.assets)
            .sum()
    }

    /// The plan, deadline by deadline: overdue first, then the next due.
    pub fn deadlines(&self) -> Vec<Deadline> {
        self.deadlines
            .iter()
            .map(|(deadline, p)| {
                let mut by_site: Vec<SiteAssets> = p
                    .by_site
                    .iter()
                    .map(|(site, g)| SiteAssets {
                        site: site.clone(),
                        count: g.count,
                        assets: g.ids(),
                        more: g.count - g.ends.len(),
                    })
                    .collect();
                by_site.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.site.cmp(&b.site)));
                let mut by_vendor: Vec<VendorCount> = p
                    .by_vendor
                    .iter()
                    .map(|(vendor, count)| VendorCount {
                        vendor: vendor.clone(),
                        count: *count,
                    })
                    .collect();
                by_vendor
                    .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.vendor.cmp(&b.vendor)));
                Deadline {
                    deadline: *deadline,
                    days_left: p.days_left,
                    overdue: p.days_left <= 0,
                    assets: p.assets,
                    by_site,
                    by_vendor,
                }
            })
            .collect()
    }

    /// Removals due per month, oldest first: every month from the first
    /// deadline's to the last's (empty ones included) when that is at most
    /// [`Plan::MONTH_SPAN`] months, else only the months with removals.
    /// `include` (the run's date, say) widens the range to its month.
    pub fn months(&self, include: Option<Date>) -> Vec<Month> {
        let mut months: BTreeMap<Date, Month> = BTreeMap::new();
        if let Some(day) = include.filter(|_| !self.is_empty()) {
            let first = day.first_of_month();
            months.insert(
                first,
                Month {
                    month: first,
                    assets: 0,
                    overdue: false,
                },
            );
        }
        for (deadline, p) in &self.deadlines {
            let first = deadline.first_of_month();
            let month = months.entry(first).or_insert(Month {
                month: first,
                assets: 0,
                overdue: false,
            });
            month.assets += p.assets;
            month.overdue |= p.days_left <= 0;
        }
        let (Some(first), Some(last)) = (
            months.keys().next().copied(),
            months.keys().next_back().copied(),
        ) else {
            return Vec::new();
        };
        let span = (i32::from(last.year()) - i32::from(first.year())) * 12
            + i32::from(last.month())
            - i32::from(first.month())
            + 1;
        if span as usize > Self::MONTH_SPAN {
            return months.into_values().filter(|m| m.assets > 0).collect();
        }
        let mut all = Vec::with_capacity(span as usize);
        let mut day = first;
        while day <= last {
            all.push(months.get(&day).copied().unwrap_or(Month {
                month: day,
                assets: 0,
                overdue: false,
            }));
            match day.checked_add(jiff::Span::new().months(1)) {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Label, Severity};
    use crate::source::Snippet;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 27);

    fn due(asset: Option<&str>, site: &str, vendor: &str, deadline: Date, line: usize) -> Finding {
        let snippet = Snippet::whole("a.csv".into(), "xxxxxxxxx\n".repeat(5000).into());
        let at = line * 10;
        let mut f = Finding::new(
            "p/r",
            Severity::Error,
            "m",
            Label::new(snippet, at..at + 1, ""),
        );
        f.asset_id = asset.map(str::to_string);
        f.site_id = Some(site.to_string());
        f.vendor_id = Some(vendor.to_string());
        f.deadline = Some(deadline);
        f.days_left = Some(i64::from((deadline - TODAY).get_days()));
        f
    }

    #[test]
    fn groups_by_deadline_site_and_vendor_counting_each_asset_once() {
        let mut plan = Plan::default();
        let d = date(2027, 3, 31);
        plan.add(&due(Some("A"), "S1", "hikvision", d, 1));
        plan.add(&due(Some("A"), "S1", "hikvision", d, 1)); // a second rule
        plan.add(&due(Some("B"), "S2", "dahua", d, 2));
        plan.add(&due(Some("C"), "S2", "hikvision", d, 3));
        plan.add(&due(None, "S2", "hikvision", d, 4));
        let mut no_deadline = due(Some("D"), "S1", "zte", d, 5);
        no_deadline.deadline = None;
        no_deadline.days_left = None;
        plan.add(&no_deadline);

        let deadlines = plan.deadlines();
        assert_eq!(deadlines.len(), 1);
        let d = &deadlines[0];
        assert_eq!((d.assets, d.days_left, d.overdue), (4, 124, false));
        assert_eq!(d.by_site[0].site.as_deref(), Some("S2"));
        assert_eq!(d.by_site[0].assets, ["B", "C", "a.csv:5"]);
        assert_eq!(d.by_site[1].assets, ["A"]);
        let vendors: Vec<_> = d
            .by_vendor
            .iter()
            .map(|v| (v.vendor.as_deref().unwrap(), v.count))
            .collect();
        assert_eq!(vendors, [("hikvision", 3), ("dahua", 1)]);
        assert_eq!(plan.as_of(), Some(TODAY));
        assert_eq!((plan.overdue(), plan.upcoming()), (0, 4));
    }

    #[test]
    fn overdue_deadlines_come_first_and_the_deadline_day_is_overdue() {
        let mut plan = Plan::default();
        plan.add(&due(Some("A"), "S", "v", date(2027, 1, 31), 1));
        plan.add(&due(Some("A"), "S", "v", TODAY, 1));
        plan.add(&due(Some("B"), "S", "v", date(2025, 4, 30), 2));
        let order: Vec<_> = plan
            .deadlines()
            .iter()
            .map(|d| (d.deadline.to_string(), d.days_left, d.overdue))
            .collect();
        assert_eq!(
            order,
            [
                ("2025-04-30".to_string(), -576, true),
                ("2026-11-27".to_string(), 0, true),
                ("2027-01-31".to_string(), 65, false),
            ]
        );
        assert_eq!((plan.overdue(), plan.upcoming()), (2, 1));
    }

    #[test]
    fn ids_stop_at_the_limit_and_the_rest_are_counted() {
        let mut plan = Plan::default();
        let n = Plan::ID_LIMIT + 7;
        for i in 0..n {
            plan.add(&due(Some(&format!("A{i}")), "S", "v", TODAY, i));
        }
        let d = &plan.deadlines()[0];
        assert_eq!(d.assets, n);
        assert_eq!(d.by_site[0].count, n);
        assert_eq!(d.by_site[0].assets.len(), Plan::ID_LIMIT);
        assert_eq!(d.by_site[0].more, 7);
    }

    #[test]
    fn months_fill_the_gaps_between_deadlines() {
        let mut plan = Plan::default();
        plan.add(&due(Some("A"), "S", "v", date(2026, 10, 31), 1));
        plan.add(&due(Some("B"), "S", "v", date(2026, 10, 1), 2));
        plan.add(&due(Some("C"), "S", "v", date(2027, 1, 15), 3));
        let months: Vec<_> = plan
            .months(None)
            .iter()
            .map(|m| (m.month.to_string(), m.assets, m.overdue))
            .collect();
        assert_eq!(
            months,
            [
                ("2026-10-01".to_string(), 2, true),
                ("2026-11-01".to_string(), 0, false),
                ("2026-12-01".to_string(), 0, false),
                ("2027-01-01".to_string(), 1, false),
            ]
        );
        assert_eq!(plan.months(Some(date(2027, 3, 2))).len(), 6);
        plan.add(&due(Some("D"), "S", "v", date(2031, 1, 15), 4));
        assert_eq!(
            plan.months(Some(TODAY)).len(),
            3,
            "a long span lists only busy months"
        );
    }
}
