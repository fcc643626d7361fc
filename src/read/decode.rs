//! Bytes → UTF-8.
