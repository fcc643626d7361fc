//! Policies: TOML files of rules whose conditions are written in the
//! expression language of [`expr`].

pub mod builtin;
pub mod docs;
pub mod expr;
pub mod lint;
pub mod load;
pub mod test;
