//! Resolve: each asset's vendor identity (from the catalog) and its site.

pub mod catalog;
pub mod identify;
pub mod normalize;
pub mod sites;
