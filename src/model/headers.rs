//! Column headers → canonical fields.
