//! Register text made safe for a terminal or a CI log: control characters
//! are shown, never sent.
//!
//! A register cell may hold ANSI escape sequences (`\x1b[31m`, the
//! hyperlink sequence `\x1b]8;;…\x07`, cursor movement), a carriage return
//! that would overwrite what was printed before it, or Unicode bidi
//! overrides (U+202E) that reorder what is shown. Written raw to a terminal
//! or a GitHub Actions log, they recolour, hide or fake output. The human
//! and `github` reports pass every piece of register text through one of
//! the two functions here:
//!
//! - [`visible`], for messages, labels and names: a C0 control or DEL
//!   becomes its Unicode control picture (`\x1b` → `␛`, a lone `\r` →
//!   `␍`); a C1 control or a bidi control becomes `<U+202E>`. Line breaks
//!   and tabs stay.
//! - [`same_length`], for source text that is shown with underlined spans:
//!   each such character is replaced by one of the same UTF-8 length (`?`
//!   for a one-byte control, `¿` for a two-byte one, `�` for a three-byte
//!   one), so every byte offset and every character column stays valid.
//!   `\n`, `\t` and the `\r` of a `\r\n` stay.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 controls other than
/// tab and line feed, DEL, C1 controls, and the bidi controls (embeddings,
/// overrides, isolates and marks).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{061c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character shown (see the module doc); borrowed
/// when there is none, which is the common case.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.contains(|c| is_unsafe(c) || c == '\r') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            '\0'..='\x1f' if is_unsafe(c) || c == '\r' => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?'));
            }
            '\x7f' => out.push('\u{2421}'),
            c if is_unsafe(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` with every unsafe character replaced by a safe one of the same
/// UTF-8 length (see the module doc), or `None` when there is none to
/// replace. Offsets into `text` stay offsets into the result.
pub fn same_length(text: &str) -> Option<String> {
    let needs = |c: char| is_unsafe(c) || c == '\r';
    // The first character to replace (the `\r` of a `\r\n` stays).
    let first = text
        .match_indices(needs)
        .map(|(i, _)| i)
        .find(|&i| !text[i..].starts_with("\r\n"))?;
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => out.push(c),
            c if needs(c) => out.push(match c.len_utf8() {
                1 => '?',
                2 => '¿',
                _ => '\u{fffd}',
            }),
            c => out.push(c),
        }
    }
    debug_assert_eq!(out.len(), text.len());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_control_pictures_and_bidi_becomes_code_points() {
        assert_eq!(visible("A1\x1b[31mRED"), "A1␛[31mRED");
        assert_eq!(
            visible("\x1b]8;;http://evil\x07x\x1b]8;;\x07"),
            "␛]8;;http://evil␇x␛]8;;␇"
        );
        assert_eq!(visible("innocent\rEVIL"), "innocent␍EVIL");
        assert_eq!(visible("a\x08\x7f\u{9b}31m"), "a␈␡<U+009B>31m");
        assert_eq!(visible("A6\u{202e}gpj.exe"), "A6<U+202E>gpj.exe");
        assert_eq!(visible("two\r\nlines\tand tab"), "two\r\nlines\tand tab");
        assert!(matches!(visible("海康威视 DS-2CD"), Cow::Borrowed(_)));
    }

    #[test]
    fn same_length_keeps_every_offset() {
        let text = "A1\x1b[31m,x\u{9b}y\u{202e}z\r\nB\rC\t\u{0}\n";
        let shown = same_length(text).unwrap();
        assert_eq!(shown, "A1?[31m,x¿y\u{fffd}z\r\nB?C\t?\n");
        assert_eq!(shown.len(), text.len());
        for (i, _) in text.char_indices() {
            assert!(shown.is_char_boundary(i), "offset {i}");
        }
        assert_eq!(same_length("plain, é, 海康\r\n"), None);
    }
}
