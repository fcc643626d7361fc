//! Column headers → canonical fields. (Placeholder API.)

use crate::model::schema::AssetField;

/// Header overrides from `[columns]`: for each field, the headers that mean it.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    overrides: Vec<(String, AssetField)>,
}

impl Columns {
    /// Builds the overrides.
    pub fn new(overrides: Vec<(AssetField, Vec<String>)>) -> Self {
        Columns {
            overrides: overrides
                .into_iter()
                .flat_map(|(f, hs)| hs.into_iter().map(move |h| (h, f)))
                .collect(),
        }
    }
}
