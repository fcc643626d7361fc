//! CSV/TSV registers. (Placeholder: the reader lands in its own commit.)

use std::io::BufRead;
use std::sync::Arc;

use crate::read::{Event, Reader};

/// Reads delimiter-separated registers.
pub struct CsvReader {
    /// `,` or tab.
    pub delimiter: u8,
}

impl Reader for CsvReader {
    fn read(
        &self,
        _name: Arc<str>,
        _input: &mut dyn BufRead,
        _emit: &mut dyn FnMut(Event),
    ) -> std::io::Result<()> {
        Ok(())
    }
}
