//! Resolve: each asset's vendor identity (from the catalog) and its site.

pub mod catalog;
pub mod identify;
pub mod mac;
pub mod normalize;
pub mod resolver;
pub mod sites;
