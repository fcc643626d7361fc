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

/// NetBox's device CSV export (the UI's "Export → Current view / All
/// data", headers `Name, Status, Tenant, Site, Location, Rack, Role,
/// Manufacturer, Type, …, Asset tag, IP Address, ID`) and its bulk-import
/// CSV (`name, role`/`device_role`, `manufacturer`, `device_type`, …): in
/// these `Type` is the device type (the model), `Role` the kind, `Name` the
/// hostname, `ID` NetBox's own number, not the asset id, and `Position`
/// the device's unit in its rack, not its location. These win
/// over [`SYNONYMS`] in a file [`is_netbox_devices`] recognises
/// (`[columns]` still wins over both).
pub const NETBOX_DEVICES: &[(&str, Option<AssetField>)] = &[
    ("devicerole", Some(AssetField::Kind)),
    ("devicetype", Some(AssetField::Model)),
    ("id", None),
    ("name", Some(AssetField::Hostname)),
    ("position", None),
    ("role", Some(AssetField::Kind)),
    ("type", Some(AssetField::Model)),
];

/// Whether a header is NetBox's device export: `Manufacturer`, plus
/// `Role`/`Device Role`, plus `Type`/`Device Type`.
pub fn is_netbox_devices<'a>(headers: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut maker, mut role, mut ty) = (false, false, false);
    for h in headers {
        match normalize(h).as_str() {
            "manufacturer" => maker = true,
            "role" | "devicerole" => role = true,
            "type" | "devicetype" => ty = true,
            _ => {}
        }
    }
    maker && role && ty
}

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
        self.lookup(header, false)
    }

    /// Like [`Columns::field_for`], in a NetBox device export
    /// ([`NETBOX_DEVICES`] before [`SYNONYMS`]).
    pub fn field_for_netbox(&self, header: &str) -> Option<AssetField> {
        self.lookup(header, true)
    }

    fn lookup(&self, header: &str, netbox: bool) -> Option<AssetField> {
        let key = normalize(header);
        if let Some((_, f)) = self.overrides.iter().find(|(h, _)| *h == key) {
            return Some(*f);
        }
        if let Some((_, f)) = NETBOX_DEVICES.iter().find(|(h, _)| netbox && *h == key) {
            return *f;
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
    fn netbox_export_headers() {
        let export = [
            "Name",
            "Status",
            "Tenant",
            "Site",
            "Location",
            "Rack",
            "Role",
            "Manufacturer",
            "Type",
            "IP Address",
            "ID",
        ];
        assert!(is_netbox_devices(export));
        assert!(is_netbox_devices([
            "name",
            "device_role",
            "manufacturer",
            "device_type"
        ]));
        // A register with a device type but no role is not NetBox's.
        assert!(!is_netbox_devices([
            "Asset Tag",
            "Manufacturer",
            "Device Type"
        ]));
        assert!(!is_netbox_devices(["Role", "Type", "Vendor"]));
        let c = Columns::default();
        assert_eq!(c.field_for_netbox("Type"), Some(AssetField::Model));
        assert_eq!(c.field_for_netbox("Device Role"), Some(AssetField::Kind));
        assert_eq!(c.field_for_netbox("Name"), Some(AssetField::Hostname));
        assert_eq!(c.field_for_netbox("ID"), None);
        assert_eq!(c.field_for_netbox("Position"), None);
        assert_eq!(c.field_for_netbox("Asset tag"), Some(AssetField::Id));
        assert_eq!(
            c.field_for_netbox("Serial number"),
            Some(AssetField::Serial)
        );
        assert_eq!(c.field_for("Type"), Some(AssetField::Kind));
        let c = Columns::new(vec![(AssetField::Kind, vec!["Type".into()])]);
        assert_eq!(c.field_for_netbox("Type"), Some(AssetField::Kind));
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
