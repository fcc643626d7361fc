//! The fields a rule can read, their types, and the [`Facts`] interface the
//! evaluator reads them through.

use std::fmt;

use jiff::civil::Date;

/// The type of a field or expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// Text.
    Str,
    /// A number.
    Num,
    /// `true` or `false`.
    Bool,
    /// A calendar date.
    Date,
    /// A level of the sensitivity ladder: compares by rank.
    Level,
    /// A list of text values.
    StrList,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Str => "text",
            Type::Num => "number",
            Type::Bool => "bool",
            Type::Date => "date",
            Type::Level => "level",
            Type::StrList => "list",
        })
    }
}

macro_rules! field_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = ($text:literal, $ty:ident)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every field, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name rules use (`asset.<name>`).
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The field's type.
            pub fn ty(self) -> Type {
                match self { $($name::$variant => Type::$ty),+ }
            }

            /// Looks a field up by its rule name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($text => Some($name::$variant),)+ _ => None }
            }

            /// Position in [`Self::ALL`].
            pub fn index(self) -> usize {
                self as usize
            }
        }
    };
}

field_enum! {
    /// A canonical asset field.
    AssetField {
        /// Asset id (required).
        Id = ("id", Str),
        /// Normalised kind: camera, nvr, dvr, …
        Kind = ("kind", Str),
        /// Declared manufacturer.
        Vendor = ("vendor", Str),
        /// Brand on the device.
        Brand = ("brand", Str),
        /// Model number.
        Model = ("model", Str),
        /// Serial number.
        Serial = ("serial", Str),
        /// MAC addresses.
        Mac = ("mac", StrList),
        /// IP address.
        Ip = ("ip", Str),
        /// Host name.
        Hostname = ("hostname", Str),
        /// Firmware version or banner.
        Firmware = ("firmware", Str),
        /// Site id.
        Site = ("site", Str),
        /// Free-text location.
        Location = ("location", Str),
        /// Installation date.
        Installed = ("installed", Date),
        /// Status: active, planned, decommissioned, …
        Status = ("status", Str),
        /// Reachable from the internet.
        InternetFacing = ("internet_facing", Bool),
        /// Capabilities such as face-recognition.
        Capabilities = ("capabilities", StrList),
        /// Owner.
        Owner = ("owner", Str),
    }
}

field_enum! {
    /// A field of the site an asset sits in, after inheritance.
    SiteField {
        /// Site id.
        Id = ("id", Str),
        /// Site name.
        Name = ("name", Str),
        /// Highest sensitivity of the site and its ancestors.
        Sensitivity = ("sensitivity", Level),
        /// The site's own sector.
        Sector = ("sector", Str),
        /// Sectors of the site and its ancestors.
        Sectors = ("sectors", StrList),
        /// Tags of the site and its ancestors.
        Tags = ("tags", StrList),
        /// Parent site id.
        Parent = ("parent", Str),
    }
}

field_enum! {
    /// A field of the vendor an asset was identified as.
    VendorField {
        /// Catalog id (`hikvision`).
        Id = ("id", Str),
        /// Legal name.
        Name = ("name", Str),
        /// Lists the vendor is on (`us-fcc-covered`, …).
        Lists = ("lists", StrList),
        /// State ownership.
        StateOwned = ("state_owned", Bool),
        /// On a relabeller: the vendors it sells for.
        OemFor = ("oem_for", StrList),
    }
}

/// A value a rule can read.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Path {
    /// `asset.<field>`
    Asset(AssetField),
    /// `asset.extra["Column name"]`
    Extra(String),
    /// `site.<field>`
    Site(SiteField),
    /// `vendor.<field>`
    Vendor(VendorField),
    /// `today`
    Today,
}

impl Path {
    /// The type of the value at this path.
    pub fn ty(&self) -> Type {
        match self {
            Path::Asset(f) => f.ty(),
            Path::Extra(_) => Type::Str,
            Path::Site(f) => f.ty(),
            Path::Vendor(f) => f.ty(),
            Path::Today => Type::Date,
        }
    }

    /// Whether reading this path needs the asset's site.
    pub fn reads_site(&self) -> bool {
        matches!(self, Path::Site(_))
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Asset(a) => write!(f, "asset.{}", a.name()),
            Path::Extra(key) => write!(f, "asset.extra[{key:?}]"),
            Path::Site(s) => write!(f, "site.{}", s.name()),
            Path::Vendor(v) => write!(f, "vendor.{}", v.name()),
            Path::Today => f.write_str("today"),
        }
    }
}

/// A value read through [`Facts`].
#[derive(Clone, Debug, PartialEq)]
pub enum Val<'a> {
    /// Text.
    Str(&'a str),
    /// A number.
    Num(f64),
    /// A bool.
    Bool(bool),
    /// A date.
    Date(Date),
    /// A level, by its rank on the ladder (0 = lowest).
    Level(usize),
    /// A list of text values.
    List(Vec<&'a str>),
}

/// What the evaluator reads: the facts about one asset, its site and vendor.
///
/// `None` means the value is missing; comparisons with a missing value are
/// false.
pub trait Facts {
    /// The value at `path`, if present.
    fn get(&self, path: &Path) -> Option<Val<'_>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in AssetField::ALL {
            assert_eq!(AssetField::from_name(f.name()), Some(*f));
            assert_eq!(AssetField::ALL[f.index()], *f);
        }
        for f in SiteField::ALL {
            assert_eq!(SiteField::from_name(f.name()), Some(*f));
        }
        for f in VendorField::ALL {
            assert_eq!(VendorField::from_name(f.name()), Some(*f));
        }
    }
}

/// The ordered sensitivity ladder, lowest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ladder {
    levels: Vec<String>,
}

impl Default for Ladder {
    fn default() -> Self {
        Ladder::new(["public", "official", "sensitive", "secret"])
    }
}

impl Ladder {
    /// A ladder from its levels, lowest first.
    pub fn new<S: Into<String>>(levels: impl IntoIterator<Item = S>) -> Self {
        Ladder {
            levels: levels.into_iter().map(Into::into).collect(),
        }
    }

    /// The rank of a level (0 = lowest), compared case-insensitively.
    pub fn rank(&self, level: &str) -> Option<usize> {
        let level = level.trim();
        self.levels
            .iter()
            .position(|l| l.eq_ignore_ascii_case(level))
    }

    /// The level at a rank.
    pub fn name(&self, rank: usize) -> Option<&str> {
        self.levels.get(rank).map(String::as_str)
    }

    /// The levels, lowest first.
    pub fn levels(&self) -> &[String] {
        &self.levels
    }
}
