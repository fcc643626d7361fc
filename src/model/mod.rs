//! The records assetlint reasons about: assets and sites, with the schema
//! that rules see. Nothing here knows about files, policies or output.

pub mod asset;
pub mod headers;
pub mod kinds;
pub mod record;
pub mod schema;
pub mod site;

pub use asset::{Asset, Value};
pub use record::{RawValue, Record};
pub use schema::{AssetField, Facts, Path, SiteField, Type, Val, VendorField};
pub use site::Site;
