//! Column headers → canonical asset fields.
//!
//! Headers match case-insensitively, ignoring spaces, underscores, hyphens
//! and dots (`Asset_ID`, `asset-id` and `Asset ID` are one header), against
//! [`SYNONYMS`], the names users actually write. `[columns]` overrides in
//! `assetlint.toml` are matched the same way and win over the table.

use crate::model::schema::AssetField;

/// The header → field table, keyed by [`normalize`]d header and sorted by
/// key (a test checks), so no header can mean two fields.
pub const SYNONYMS: &[(&str, AssetField)] = &[
    // Ansible fact names, as playbook-written registers head their columns
    // (`ansible_host` is not here: it may be a name; the inventory readers
    // map it to `ip` only when it is an address).
    ("ansibledefaultipv4address", AssetField::Ip),
    ("assetid", AssetField::Id),
    ("assetno", AssetField::Id),
    ("assetnumber", AssetField::Id),
    ("assettag", AssetField::Id),
    ("assettype", AssetField::Kind),
    ("brand", AssetField::Brand),
    ("brandname", AssetField::Brand),
    ("building", AssetField::Site),
    ("buildingcode", AssetField::Site),
    ("capabilities", AssetField::Capabilities),
    ("category", AssetField::Kind),
    ("commissioned", AssetField::Installed),
    ("custodian", AssetField::Owner),
    ("dateinstalled", AssetField::Installed),
    ("devicetype", AssetField::Kind),
    ("dnsname", AssetField::Hostname),
    ("equipment", AssetField::Kind),
    ("exposed", AssetField::InternetFacing),
    ("features", AssetField::Capabilities),
    ("firmware", AssetField::Firmware),
    ("firmwareversion", AssetField::Firmware),
    ("fw", AssetField::Firmware),
    ("fwversion", AssetField::Firmware),
    ("hardwareaddress", AssetField::Mac),
    ("host", AssetField::Hostname),
    ("hostname", AssetField::Hostname),
    ("id", AssetField::Id),
    ("installationdate", AssetField::Installed),
    ("installdate", AssetField::Installed),
    ("installed", AssetField::Installed),
    ("internetfacing", AssetField::InternetFacing),
    ("inventoryhostname", AssetField::Hostname),
    ("ip", AssetField::Ip),
    ("ipaddress", AssetField::Ip),
    ("ipv4", AssetField::Ip),
    ("ipv4address", AssetField::Ip),
    ("kind", AssetField::Kind),
    ("lifecycle", AssetField::Status),
    ("location", AssetField::Location),
    ("mac", AssetField::Mac),
    ("macaddress", AssetField::Mac),
    ("macaddresses", AssetField::Mac),
    ("make", AssetField::Vendor),
    ("maker", AssetField::Vendor),
    ("manufacturer", AssetField::Vendor),
    ("mfr", AssetField::Vendor),
    ("model", AssetField::Model),
    ("modelno", AssetField::Model),
    ("modelnumber", AssetField::Model),
    ("oem", AssetField::Vendor),
    ("owner", AssetField::Owner),
    ("partnumber", AssetField::Model),
    ("position", AssetField::Location),
    ("public", AssetField::InternetFacing),
    ("responsible", AssetField::Owner),
    ("room", AssetField::Location),
    ("s/n", AssetField::Serial),
    ("serial", AssetField::Serial),
    ("serialno", AssetField::Serial),
    ("serialnumber", AssetField::Serial),
    ("site", AssetField::Site),
    ("sitecode", AssetField::Site),
    ("siteid", AssetField::Site),
    ("sn", AssetField::Serial),
    ("state", AssetField::Status),
    ("status", AssetField::Status),
    ("tag", AssetField::Id),
    ("type", AssetField::Kind),
    ("vendor", AssetField::Vendor),
];

/// A header's matching key: lowercase, without spaces, underscores, hyphens
/// or dots.
pub fn normalize(header: &str) -> String {
    header
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Header overrides from `[columns]`: for each field, the headers that mean it.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    /// (normalised header, field)
    overrides: Vec<(String, AssetField)>,
}

impl Columns {
    /// Builds the overrides.
    pub fn new(overrides: Vec<(AssetField, Vec<String>)>) -> Self {
        Columns {
            overrides: overrides
                .into_iter()
                .flat_map(|(f, hs)| hs.into_iter().map(move |h| (normalize(&h), f)))
                .collect(),
        }
    }

    /// The canonical field a header (or a structured file's key) means:
    /// the `[columns]` overrides first, then [`SYNONYMS`].
    pub fn field_for(&self, header: &str) -> Option<AssetField> {
        let key = normalize(header);
        if let Some((_, f)) = self.overrides.iter().find(|(h, _)| *h == key) {
            return Some(*f);
        }
        SYNONYMS
            .binary_search_by(|(k, _)| (*k).cmp(key.as_str()))
            .ok()
            .map(|i| SYNONYMS[i].1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_normalised() {
        for w in SYNONYMS.windows(2) {
            assert!(
                w[0].0 < w[1].0,
                "{:?} must sort before {:?}",
                w[0].0,
                w[1].0
            );
        }
        for (k, _) in SYNONYMS {
            assert_eq!(normalize(k), *k);
        }
    }

    #[test]
    fn every_field_has_its_own_name() {
        let c = Columns::default();
        for f in AssetField::ALL {
            assert_eq!(c.field_for(f.name()), Some(*f), "{}", f.name());
        }
    }

    #[test]
    fn what_users_write() {
        let c = Columns::default();
        let cases = [
            ("Asset ID", AssetField::Id),
            ("asset_tag", AssetField::Id),
            ("Asset No.", AssetField::Id),
            ("Manufacturer", AssetField::Vendor),
            ("MAKE", AssetField::Vendor),
            ("OEM", AssetField::Vendor),
            ("Brand Name", AssetField::Brand),
            ("Part Number", AssetField::Model),
            ("S/N", AssetField::Serial),
            ("MAC Address", AssetField::Mac),
            ("IPv4", AssetField::Ip),
            ("Host Name", AssetField::Hostname),
            ("DNS-Name", AssetField::Hostname),
            ("FW", AssetField::Firmware),
            ("Building Code", AssetField::Site),
            ("Site ID", AssetField::Site),
            ("Room", AssetField::Location),
            ("Install Date", AssetField::Installed),
            ("Date Installed", AssetField::Installed),
            ("Lifecycle", AssetField::Status),
            ("Internet-Facing", AssetField::InternetFacing),
            ("Features", AssetField::Capabilities),
            ("Custodian", AssetField::Owner),
            ("Device Type", AssetField::Kind),
            ("Equipment", AssetField::Kind),
            ("inventory_hostname", AssetField::Hostname),
            ("ansible_default_ipv4.address", AssetField::Ip),
        ];
        for (h, f) in cases {
            assert_eq!(c.field_for(h), Some(f), "{h}");
        }
        assert_eq!(c.field_for("Notes"), None);
        assert_eq!(c.field_for(""), None);
    }

    #[test]
    fn overrides_win() {
        let c = Columns::new(vec![
            (AssetField::Vendor, vec!["Make of unit".into()]),
            (AssetField::Location, vec!["Site".into()]),
        ]);
        assert_eq!(c.field_for("make_of_unit"), Some(AssetField::Vendor));
        assert_eq!(c.field_for("SITE"), Some(AssetField::Location));
        assert_eq!(c.field_for("Make"), Some(AssetField::Vendor));
    }
}
