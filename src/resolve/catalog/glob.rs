//! A small matcher for the simple globs model patterns use: literal
//! characters, `*`, `?` and `[...]` classes (ranges, `!`/`^` negation).
//!
//! It agrees with `globset` built with `case_insensitive(true)` and
//! `literal_separator(false)` on ASCII text (a test checks the builtin
//! patterns against both), and is several times faster for the short model
//! numbers of a register. Globs outside this subset (braces, escapes) and
//! non-ASCII input go to the `GlobSet` instead.

/// One token of a simple glob.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// One byte, upper case.
    Byte(u8),
    /// Any one byte.
    Any,
    /// Any run of bytes.
    Star,
    /// One byte in (or, negated, not in) the inclusive ranges.
    Class {
        negated: bool,
        ranges: Vec<(u8, u8)>,
    },
}

/// A compiled simple glob, matched against upper-case ASCII.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleGlob {
    tokens: Vec<Token>,
}

impl SimpleGlob {
    /// Compiles `glob` if it is in the simple subset and ASCII.
    pub fn new(glob: &str) -> Option<SimpleGlob> {
        if !glob.is_ascii() {
            return None;
        }
        let bytes = glob.as_bytes();
        let mut tokens = Vec::new();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            i += 1;
            let token = match b {
                b'*' => {
                    if tokens.last() == Some(&Token::Star) {
                        continue;
                    }
                    Token::Star
                }
                b'?' => Token::Any,
                b'[' => {
                    let (token, next) = class(bytes, i)?;
                    i = next;
                    token
                }
                b'{' | b'}' | b'\\' | b']' => return None,
                _ => Token::Byte(b.to_ascii_uppercase()),
            };
            tokens.push(token);
        }
        Some(SimpleGlob { tokens })
    }

    /// Whether the glob matches all of `text` (upper-case ASCII).
    pub fn matches(&self, text: &[u8]) -> bool {
        let (mut t, mut p) = (0usize, 0usize);
        // The last `*` seen and where in the text it was tried.
        let mut star: Option<(usize, usize)> = None;
        loop {
            match (self.tokens.get(p), text.get(t)) {
                (Some(Token::Star), _) => {
                    star = Some((p, t));
                    p += 1;
                    continue;
                }
                (Some(tok), Some(&c)) if one(tok, c) => {
                    p += 1;
                    t += 1;
                    continue;
                }
                (None, None) => return true,
                _ => {}
            }
            match star {
                Some((sp, st)) if st < text.len() => {
                    star = Some((sp, st + 1));
                    p = sp + 1;
                    t = st + 1;
                }
                _ => return false,
            }
        }
    }
}

/// Whether one non-star token matches one byte.
fn one(token: &Token, c: u8) -> bool {
    match token {
        Token::Byte(b) => *b == c.to_ascii_uppercase(),
        Token::Any => true,
        Token::Star => false,
        Token::Class { negated, ranges } => {
            let up = c.to_ascii_uppercase();
            let low = c.to_ascii_lowercase();
            let inside = ranges
                .iter()
                .any(|&(lo, hi)| (lo..=hi).contains(&up) || (lo..=hi).contains(&low));
            inside != *negated
        }
    }
}

/// A class starting after `[` at `i`: its token and the index after `]`.
fn class(bytes: &[u8], mut i: usize) -> Option<(Token, usize)> {
    let negated = matches!(bytes.get(i), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let b = *bytes.get(i)?;
        if b == b']' && !first {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        first = false;
        if bytes.get(i + 1) == Some(&b'-') && bytes.get(i + 2).is_some_and(|&e| e != b']') {
            let e = *bytes.get(i + 2)?;
            if e < b {
                return None;
            }
            ranges.push((b, e));
            i += 3;
        } else {
            ranges.push((b, b));
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_subset() {
        let m = |g: &str, t: &str| SimpleGlob::new(g).is_some_and(|g| g.matches(t.as_bytes()));
        assert!(m("DS-2C[DE]*", "DS-2CD2043G2-I"));
        assert!(m("ds-2c[de]*", "DS-2CE16D0T"));
        assert!(!m("DS-2C[DE]*", "DS-2CF"));
        assert!(m("IPC-H[DF]*[0-9][0-9][0-9][0-9]*", "IPC-HDBW3449R1-ZAS"));
        assert!(!m("IPC-H[DF]*[0-9][0-9][0-9][0-9]*", "IPC-HDW244"));
        assert!(m("IPC-*-imou", "IPC-F42FP-IMOU"));
        assert!(m("A?C", "ABC"));
        assert!(!m("A?C", "AC"));
        assert!(m("A[!0-9]", "AB"));
        assert!(!m("A[!0-9]", "A1"));
        assert!(m("A**B", "AXYB"));
        assert!(m("*", ""));
        assert!(!m("A", ""));
        for bad in ["{A,B}", "A\\*", "A[", "A[]", "A]", "[Z-A]", "Ä*"] {
            assert!(SimpleGlob::new(bad).is_none(), "{bad}");
        }
    }
}
