//! The vendor catalog. (Placeholder API.)

/// One vendor of the catalog.
#[derive(Clone, Debug, Default)]
pub struct Vendor {
    /// Lowercase slug: `hikvision`.
    pub id: String,
    /// Legal name.
    pub name: String,
    /// Lists the vendor is on.
    pub lists: Vec<String>,
    /// On a relabeller, the vendor ids it sells for.
    pub oem_for: Vec<String>,
    /// State ownership.
    pub state_owned: bool,
    /// Where the facts come from.
    pub sources: Vec<String>,
}

/// The loaded catalog.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    vendors: Vec<Vendor>,
}

impl Catalog {
    /// The catalog built into the binary.
    pub fn builtin() -> Catalog {
        Catalog::default()
    }

    /// The vendor at an index returned by identification.
    pub fn vendor(&self, index: usize) -> &Vendor {
        &self.vendors[index]
    }
}
