//! [`AssetFacts`]: one asset, its site and vendor, as rules read them.

use jiff::civil::Date;

use crate::model::schema::{Facts, Path, Val, VendorField};
use crate::model::Asset;
use crate::resolve::catalog::Vendor;
use crate::resolve::sites::{Placement, SiteIndex};

/// The facts about one asset.
pub struct AssetFacts<'a> {
    /// The asset.
    pub asset: &'a Asset,
    /// Its site, if known.
    pub site: Option<usize>,
    /// Set when the site was found from the asset's address, not named.
    pub placement: Option<Placement>,
    /// The site registers.
    pub sites: &'a SiteIndex,
    /// Its vendor, if identified.
    pub vendor: Option<&'a Vendor>,
    /// The day being evaluated.
    pub today: Date,
}

impl Facts for AssetFacts<'_> {
    fn get(&self, path: &Path) -> Option<Val<'_>> {
        match path {
            Path::Asset(field) => self.asset.get(*field).map(|v| v.value.as_val()),
            Path::Extra(key) => self.asset.extra(key).map(|v| Val::Str(&v.value)),
            Path::Site(field) => self.sites.get(self.site?, *field),
            Path::Vendor(field) => {
                let v = self.vendor?;
                Some(match field {
                    VendorField::Id => Val::Str(&v.id),
                    VendorField::Name => Val::Str(&v.name),
                    VendorField::Lists => Val::List(v.lists.iter().map(String::as_str).collect()),
                    VendorField::StateOwned => Val::Bool(v.state_owned),
                    VendorField::OemFor => {
                        Val::List(v.oem_for.iter().map(String::as_str).collect())
                    }
                })
            }
            Path::Today => Some(Val::Date(self.today)),
        }
    }
}
