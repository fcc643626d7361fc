//! [`Resolver`]: identification for the hot path, with a memo.
//!
//! Registers repeat the same few manufacturer, brand and model texts on
//! thousands of rows. A `Resolver` keeps the scratch buffers of
//! [`Catalog::identify`] between assets and remembers, for each text that
//! needed normalising, which catalog name it matched (or that it matched
//! none), so a repeated `"HIKVISION DIGITAL TECHNOLOGY CO., LTD"` or
//! `"Generic"` costs one hash lookup. The memo is bounded: it is cleared
//! whenever it holds [`Resolver::MEMO_LIMIT`] texts, so memory stays flat
//! however long the register.
//!
//! ```
//! use assetlint::resolve::catalog::Catalog;
//! use assetlint::resolve::resolver::Resolver;
//! # use std::sync::Arc;
//! # use assetlint::model::{Asset, AssetField, Value};
//! # use assetlint::source::{Snippet, Spanned};
//! let catalog = Catalog::builtin();
//! let mut resolver = Resolver::new(&catalog);
//! # let snippet = Snippet::whole(Arc::from("r.csv"), Arc::from("hik vision"));
//! # let mut asset = Asset::new(1, 0..10, snippet);
//! # asset.set(AssetField::Vendor, Spanned::new(Value::Str("hik vision".into()), 0..10));
//! let id = resolver.identify(&asset).map(|i| catalog.vendor(i.vendor).id.as_str());
//! assert_eq!(id, Some("hikvision"));
//! ```

use crate::model::Asset;
use crate::resolve::catalog::Catalog;
use crate::resolve::identify::{Chosen, Identification, Scratch};

/// Identifies assets against one catalog, reusing buffers and remembering
/// name results between calls. Not shared between threads: make one per
/// worker.
pub struct Resolver<'a> {
    catalog: &'a Catalog,
    scratch: Scratch,
}

impl<'a> Resolver<'a> {
    /// How many distinct texts the memo holds before it is cleared.
    pub const MEMO_LIMIT: usize = 4096;

    /// A resolver over `catalog`, with an empty memo.
    pub fn new(catalog: &'a Catalog) -> Self {
        Resolver {
            catalog,
            scratch: Scratch::with_memo(Self::MEMO_LIMIT),
        }
    }

    /// The catalog it resolves against.
    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    /// Identifies an asset: the same result as [`Catalog::identify`].
    pub fn identify(&mut self, asset: &Asset) -> Option<Identification> {
        self.catalog.identify_with(asset, &mut self.scratch)
    }

    /// The vendor [`Resolver::identify`] would choose, and whether its
    /// identification has a mismatch, without building the evidence.
    pub fn identify_vendor(&mut self, asset: &Asset) -> Option<Chosen> {
        self.catalog.identify_vendor_with(asset, &mut self.scratch)
    }

    /// How many texts the memo holds now.
    pub fn memo_len(&self) -> usize {
        self.scratch.memo_len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{AssetField, Value};
    use crate::source::{Snippet, Spanned};

    fn vendor_asset(text: &str) -> Asset {
        let snippet = Snippet::whole(Arc::from("r.csv"), Arc::from(text));
        let mut a = Asset::new(1, 0..text.len(), snippet);
        a.set(
            AssetField::Vendor,
            Spanned::new(Value::Str(text.to_string()), 0..text.len()),
        );
        a
    }

    #[test]
    fn same_answers_as_the_catalog_and_a_bounded_memo() {
        let c = Catalog::builtin();
        let mut r = Resolver::new(&c);
        for text in [
            "hik vision",
            "Hikvision",
            "Generic",
            "ＤＡＨＵＡ",
            "Acme",
            "hik vision",
        ] {
            let a = vendor_asset(text);
            let want = c.identify(&a).map(|i| (i.vendor, i.evidence));
            let chosen = r.identify_vendor(&a);
            let got = r.identify(&a).map(|i| (i.vendor, i.evidence));
            assert_eq!(got, want, "{text}");
            assert_eq!(chosen.map(|c| c.vendor), want.map(|w| w.0), "{text}");
        }
        // Exact names never enter the memo; the others do, once each.
        assert_eq!(r.memo_len(), 4);
        for i in 0..(Resolver::MEMO_LIMIT + 10) {
            r.identify(&vendor_asset(&format!("vendor {i}")));
        }
        assert!(r.memo_len() <= Resolver::MEMO_LIMIT);
        assert!(r.memo_len() > 0);
    }
}
