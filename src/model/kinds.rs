//! Kind normalisation.
