//! Name normalisation: the key two spellings of one company name share.
//!
//! [`normalize`] turns a vendor, brand or company name into a match key:
//!
//! 1. compatibility decomposition (NFKD: full-width and mathematical letters
//!    become plain ones; `™` and `℠` are dropped first, as they would become
//!    letters), dropping default-ignorable code points (zero-width
//!    spaces and joiners, soft hyphens, byte-order marks) and combining marks
//!    (so diacritics fold: `Hikvísion` → `hikvision`);
//! 2. each non-ASCII letter whose UTS #39 confusable prototype is ASCII is
//!    replaced by it (Cyrillic `Н`, Greek `Κ` → Latin); an upper-case letter
//!    whose prototype is `l` is taken as an `I` look-alike;
//! 3. lower case;
//! 4. `.` `'` `’` `/` are deleted (`Co.` → `co`, `A/S` → `as`); every other
//!    character that is not a letter or digit separates words;
//! 5. trailing noise words (legal forms such as `ltd`, `inc`, `gmbh`; words
//!    such as `technology`, `digital`, `group`, `systems`) are removed while
//!    more than one word is left;
//! 6. the words are joined without spaces (`Hik Vision` and `Hik-Vision`
//!    → `hikvision`), then trailing Chinese legal forms (`股份有限公司`,
//!    `有限公司`, …) are removed while something is left, and the result is
//!    recomposed (NFC).
//!
//! A leading city or province (`Hangzhou`, `Zhejiang`, `Shenzhen`) is **not**
//! removed: it is part of many legal names and removing it would merge
//! unrelated companies. Such names match through explicit catalog aliases.
//!
//! The function is total (it never panics), linear in the input and
//! idempotent: `normalize(&normalize(s)) == normalize(s)`. ASCII input, the
//! common case, skips the Unicode steps.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Trailing words that do not tell companies apart, sorted (a test checks).
pub const NOISE_WORDS: &[&str] = &[
    "ab",
    "ag",
    "as",
    "bv",
    "china",
    "co",
    "communications",
    "company",
    "corp",
    "corporation",
    "digital",
    "europe",
    "gmbh",
    "group",
    "holding",
    "holdings",
    "inc",
    "incorporated",
    "international",
    "intl",
    "kg",
    "kk",
    "limited",
    "llc",
    "lp",
    "ltd",
    "nv",
    "oy",
    "plc",
    "private",
    "pte",
    "pty",
    "pvt",
    "sa",
    "sarl",
    "sas",
    "sau",
    "security",
    "solutions",
    "spa",
    "srl",
    "systems",
    "tech",
    "technologies",
    "technology",
    "uk",
    "usa",
    "中国",
];

/// Chinese legal-form endings removed from the end of the key, longest first.
pub const CJK_SUFFIXES: &[&str] = &["股份有限公司", "有限责任公司", "有限公司", "集团", "公司"];

/// Default-ignorable code points (Unicode `Default_Ignorable_Code_Point`),
/// as sorted, disjoint inclusive ranges.
const DEFAULT_IGNORABLE: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

/// Whether `c` is a default-ignorable code point (invisible: zero-width
/// space, joiners, soft hyphen, BOM, variation selectors, bidi controls).
pub fn is_default_ignorable(c: char) -> bool {
    let c = u32::from(c);
    DEFAULT_IGNORABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The match key of a name (see the module docs).
///
/// ```
/// use assetlint::resolve::normalize::normalize;
/// assert_eq!(normalize("HIKVISION DIGITAL TECHNOLOGY CO.,LTD."), "hikvision");
/// assert_eq!(normalize("Hik-Vision"), "hikvision");
/// ```
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    normalize_into(name, &mut out);
    out
}

/// [`normalize`] into a caller's buffer (cleared first), so a hot loop can
/// reuse one allocation.
pub fn normalize_into(name: &str, out: &mut String) {
    out.clear();
    out.reserve(name.len());
    // Words separated by single spaces, built in place.
    if name.is_ascii() {
        for b in name.bytes() {
            push_ascii(b, out);
        }
    } else {
        // Trade and service marks would decompose to the letters TM / SM.
        let unmarked = name.chars().filter(|&c| !is_mark_sign(c));
        for c in unmarked.nfkd() {
            if !is_default_ignorable(c) && !is_combining_mark(c) {
                push_unicode(c, out);
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    // Trailing noise words, while more than one word is left.
    while let Some(space) = out.rfind(' ') {
        if is_noise(&out[space + 1..]) {
            out.truncate(space);
        } else {
            break;
        }
    }
    out.retain(|c| c != ' ');
    'strip: loop {
        for suffix in CJK_SUFFIXES {
            if out.len() > suffix.len() && out.ends_with(suffix) {
                out.truncate(out.len() - suffix.len());
                continue 'strip;
            }
        }
        break;
    }
    if !out.is_ascii() {
        let composed: String = out.chars().nfc().collect();
        *out = composed;
    }
}

/// Whether `c` is a trade or service mark sign (`™`, `℠`), which NFKD
/// would turn into letters; `®` and `©` are punctuation already.
fn is_mark_sign(c: char) -> bool {
    matches!(c, '\u{2122}' | '\u{2120}')
}

/// Whether `word` is a trailing noise word.
fn is_noise(word: &str) -> bool {
    NOISE_WORDS.binary_search(&word).is_ok()
}

/// Characters deleted without separating words.
fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '\'' | '/' | '`' | '\u{2019}' | '\u{02BC}')
}

/// Appends a word separator unless the text already ends with one.
fn push_separator(words: &mut String) {
    if !words.is_empty() && !words.ends_with(' ') {
        words.push(' ');
    }
}

fn push_ascii(b: u8, words: &mut String) {
    if b.is_ascii_alphanumeric() {
        words.push(char::from(b.to_ascii_lowercase()));
    } else if !is_joiner(char::from(b)) {
        push_separator(words);
    }
}

/// Folds one character of the NFKD stream (already without ignorables and
/// marks).
fn push_unicode(c: char, words: &mut String) {
    if c.is_ascii() {
        // `is_ascii` guarantees the cast is lossless.
        push_ascii(c as u8, words);
        return;
    }
    if let Some(proto) = ascii_prototype(c) {
        for b in proto.bytes() {
            push_ascii(b, words);
        }
        return;
    }
    for lower in c.to_lowercase() {
        if is_default_ignorable(lower) || is_combining_mark(lower) {
            continue;
        }
        if lower.is_ascii() {
            push_ascii(lower as u8, words);
        } else if let Some(proto) = ascii_prototype(lower) {
            for b in proto.bytes() {
                push_ascii(b, words);
            }
        } else if lower.is_alphanumeric() {
            words.push(lower);
        } else if !is_joiner(lower) {
            push_separator(words);
        }
    }
}

/// The ASCII confusable prototype of a non-ASCII letter or digit, if it has
/// one (UTS #39 skeleton of the single character).
fn ascii_prototype(c: char) -> Option<AsciiProto> {
    if !c.is_alphanumeric() {
        return None;
    }
    let mut buf = [0u8; 4];
    let mut proto = AsciiProto::default();
    for p in unicode_security::skeleton(c.encode_utf8(&mut buf)) {
        if !p.is_ascii() || !proto.push(p as u8) {
            return None;
        }
    }
    if proto.len == 0 {
        return None;
    }
    // Upper-case vertical strokes (Cyrillic І, Greek Ι, palochka) share the
    // prototype `l` with `I` and `1`; in a name they stand for `I`.
    if proto.as_bytes() == b"l" && c.is_uppercase() {
        proto.bytes[0] = b'i';
    }
    Some(proto)
}

/// A short ASCII string on the stack.
#[derive(Default)]
struct AsciiProto {
    bytes: [u8; 4],
    len: usize,
}

impl AsciiProto {
    fn push(&mut self, b: u8) -> bool {
        match self.bytes.get_mut(self.len) {
            Some(slot) => {
                *slot = b;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.as_bytes().iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &str)] = &[
            ("HIKVISION DIGITAL TECHNOLOGY CO.,LTD.", "hikvision"),
            (
                "Hangzhou Hikvision Digital Technology Co., Ltd.",
                "hangzhouhikvision",
            ),
            ("Hikvision", "hikvision"),
            ("Hik-Vision", "hikvision"),
            ("Hik Vision", "hikvision"),
            ("  hik   vision  ", "hikvision"),
            // Cyrillic Н.
            ("\u{041D}ikvision", "hikvision"),
            // Cyrillic І (Ukrainian capital I) and Greek capital Iota.
            ("H\u{0406}KV\u{0399}SION", "hikvision"),
            // Cyrillic а in Dahua.
            ("Dahu\u{0430}", "dahua"),
            ("ＨＩＫＶＩＳＩＯＮ", "hikvision"),
            ("Hik\u{200B}vision", "hikvision"),
            ("Hik\u{00AD}vision", "hikvision"),
            ("\u{FEFF}Hikvision", "hikvision"),
            ("Hikv\u{00ED}sion", "hikvision"),
            ("𝐇𝐢𝐤𝐯𝐢𝐬𝐢𝐨𝐧", "hikvision"),
            ("Zhejiang Dahua Technology Co., Ltd.", "zhejiangdahua"),
            (
                "ZHEJIANG DAHUA TECHNOLOGYCO.,LTD",
                "zhejiangdahuatechnologyco",
            ),
            ("Hytera Communications Co .,ltd", "hytera"),
            ("Axis Communications AB", "axis"),
            ("Milestone Systems A/S", "milestone"),
            ("Teltronic S.A.U.", "teltronic"),
            ("Hikvision (China)", "hikvision"),
            ("Hikvision USA Inc.", "hikvision"),
            ("Technology Co Ltd", "technology"),
            ("Ltd", "ltd"),
            ("杭州海康威视数字技术股份有限公司", "杭州海康威视数字技术"),
            ("海康威视", "海康威视"),
            ("有限公司", "有限"),
            ("i-PRO", "ipro"),
            ("ColorVu\u{2122}", "colorvu"),
            ("Hikvision\u{00AE}", "hikvision"),
            ("\u{0397}\u{0399}\u{039A}VISION", "hikvision"),
            ("", ""),
            ("...", ""),
            ("-- / --", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), *want, "normalize({input:?})");
        }
    }

    #[test]
    fn near_misses_stay_apart() {
        assert_ne!(normalize("Hikari"), normalize("Hikvision"));
        assert_ne!(normalize("Dahlia Systems"), normalize("Dahua"));
        assert_ne!(normalize("Teltronics, Inc."), normalize("Teltronic S.A.U."));
    }

    #[test]
    fn noise_words_sorted_and_unique() {
        for w in NOISE_WORDS.windows(2) {
            assert!(w[0] < w[1], "{:?} before {:?}", w[0], w[1]);
        }
        for w in NOISE_WORDS {
            assert_eq!(normalize(w), *w, "a noise word is its own key");
        }
    }

    #[test]
    fn ignorable_table_sorted_and_disjoint() {
        for r in DEFAULT_IGNORABLE {
            assert!(r.0 <= r.1);
        }
        for w in DEFAULT_IGNORABLE.windows(2) {
            assert!(w[0].1 < w[1].0);
        }
        assert!(is_default_ignorable('\u{200B}'));
        assert!(is_default_ignorable('\u{E0001}'));
        assert!(!is_default_ignorable('a'));
        assert!(!is_default_ignorable('\u{200A}'));
    }

    fn check_idempotent(s: &str) {
        let once = normalize(s);
        let twice = normalize(&once);
        assert_eq!(once, twice, "not idempotent on {s:?}");
    }

    #[test]
    fn idempotent_on_every_bmp_char_and_more() {
        let planes = (0u32..0x1_0000)
            .chain(0x1_D400..0x1_D800) // mathematical alphanumerics
            .chain(0x1_F100..0x1_F200) // enclosed alphanumerics
            .chain(0xE_0000..0xE_0080); // tags
        for cp in planes {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            check_idempotent(&c.to_string());
            check_idempotent(&format!("a{c}b"));
            check_idempotent(&format!("x {c} ltd"));
            check_idempotent(&format!("{c}{c} co"));
        }
    }

    #[test]
    fn idempotent_on_mixed_strings() {
        // A small deterministic generator over tricky characters.
        let pool: Vec<char> = "aZ0 .-/'’\u{200B}\u{00AD}\u{0301}\u{041D}\u{0406}\u{0399}\u{03B9}ＨıİßẞǅﬁⅣ①㈱㍿한화海康公司有限股份集团中国\u{FFA0}\u{3164}\u{1160}"
            .chars()
            .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = (state >> 60) as usize;
            let mut s = String::new();
            let mut x = state;
            for _ in 0..len {
                s.push(pool[(x % pool.len() as u64) as usize]);
                x /= pool.len() as u64;
                if x == 0 {
                    x = state.rotate_left(17);
                }
            }
            for suffix in ["", " ltd", " 有限公司", " co."] {
                check_idempotent(&format!("{s}{suffix}"));
            }
        }
    }

    #[test]
    fn buffer_reuse() {
        let mut buf = String::from("stale");
        normalize_into("EZVIZ", &mut buf);
        assert_eq!(buf, "ezviz");
    }
}
