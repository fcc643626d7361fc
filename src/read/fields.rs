//! Records → assets and sites. (Placeholder API.)

use crate::model::headers::Columns;
use crate::model::{Asset, Record, Site};
use crate::read::Problem;

/// Maps a record's keys to canonical asset fields and parses their values.
pub fn asset(record: Record, _columns: &Columns) -> (Asset, Vec<Problem>) {
    (
        Asset::new(record.line, record.span, record.snippet),
        Vec::new(),
    )
}

/// Maps a record to a site; a record without an id is a problem.
pub fn site(record: Record, _columns: &Columns) -> Result<(Site, Vec<Problem>), Problem> {
    let _ = record;
    unimplemented!()
}
