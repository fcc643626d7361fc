//! Asset → vendor identification. (Placeholder API.)

use crate::diag::Evidence;
use crate::model::Asset;
use crate::resolve::catalog::Catalog;

/// Which vendor an asset is, and why.
#[derive(Clone, Debug)]
pub struct Identification {
    /// Index into the catalog.
    pub vendor: usize,
    /// The facts that matched, strongest first.
    pub evidence: Vec<Evidence>,
}

impl Catalog {
    /// Identifies an asset's vendor from all its fields.
    pub fn identify(&self, _asset: &Asset) -> Option<Identification> {
        None
    }
}
