//! YAML, JSON and TOML asset and site files. (Placeholder.)

use std::io::BufRead;
use std::sync::Arc;

use crate::read::{Event, Reader};

/// YAML files.
pub struct YamlReader;
/// JSON files.
pub struct JsonReader;
/// TOML files.
pub struct TomlReader;

macro_rules! placeholder {
    ($($t:ty),*) => {$(
        impl Reader for $t {
            fn read(&self, _name: Arc<str>, _input: &mut dyn BufRead, _emit: &mut dyn FnMut(Event)) -> std::io::Result<()> {
                Ok(())
            }
        }
    )*};
}
placeholder!(YamlReader, JsonReader, TomlReader);
