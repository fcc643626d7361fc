//! Resolve: each asset's vendor identity (from the catalog) and its site.

pub mod catalog;

/// A hash map with a fast, fixed (unseeded) hasher, for the lookups made
/// for every asset: keys are catalog names, site ids and register texts,
/// not attacker-chosen in a way that matters to a linter run.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
pub mod identify;
pub mod mac;
pub mod normalize;
pub mod resolver;
pub mod sites;
