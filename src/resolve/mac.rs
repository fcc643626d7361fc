//! MAC addresses as registers write them.
//!
//! [`parse_mac`] reads a 48-bit MAC address in every notation seen in
//! registers and scanner output, in either case, with surrounding spaces:
//!
//! | notation            | example                |
//! |---------------------|------------------------|
//! | colon pairs         | `c0:56:e3:12:34:56`    |
//! | hyphen pairs        | `C0-56-E3-12-34-56`    |
//! | space pairs         | `C0 56 E3 12 34 56`    |
//! | unpadded colons     | `c0:56:e3:1:2:3`       |
//! | Cisco dotted        | `c056.e312.3456`       |
//! | bare hex            | `C056E3123456`         |
//!
//! Anything else (wrong digit count, mixed separators, stray characters) is
//! not a MAC: `None`, never a panic. Whether a parsed MAC can be attributed
//! to a maker is [`is_universal`]: a locally administered or multicast
//! address names no IEEE registrant.

/// Parses a MAC address (see the module docs) into its 48-bit value.
///
/// ```
/// use assetlint::resolve::mac::parse_mac;
/// assert_eq!(parse_mac("c0:56:e3:12:34:56"), Some(0xC056_E312_3456));
/// assert_eq!(parse_mac("c056.e312.3456"), Some(0xC056_E312_3456));
/// assert_eq!(parse_mac("c0:56:e3"), None);
/// ```
pub fn parse_mac(text: &str) -> Option<u64> {
    let bytes = text.trim().as_bytes();
    if bytes.len() > 32 {
        return None;
    }
    // The first non-hex byte is the separator; it fixes the grouping.
    let (sep, count, min, max) = match bytes.iter().find(|b| !b.is_ascii_hexdigit()) {
        None => (None, 1, 12, 12),
        Some(b'.') => (Some(b'.'), 3, 4, 4),
        Some(&b @ (b':' | b'-' | b' ')) => (Some(b), 6, 1, 2),
        Some(_) => return None,
    };
    let width = 48 / count;
    let (mut value, mut group, mut digits, mut groups) = (0u64, 0u64, 0usize, 0usize);
    for &b in bytes {
        if Some(b) == sep {
            if digits < min {
                return None;
            }
            value = (value << width) | group;
            (group, digits, groups) = (0, 0, groups + 1);
            continue;
        }
        digits += 1;
        if digits > max {
            return None;
        }
        group = (group << 4) | u64::from(hex_value(b)?);
    }
    if digits < min || groups + 1 != count {
        return None;
    }
    Some((value << width) | group)
}

/// The value of one ASCII hex digit.
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Whether a MAC is a universally administered unicast address, the only
/// kind an IEEE prefix can attribute: the first octet's local bit (`0x02`)
/// and group bit (`0x01`) are both clear.
pub fn is_universal(mac: u64) -> bool {
    (mac >> 40) & 0x03 == 0
}

/// Formats a MAC as upper-case colon pairs, for messages.
pub fn format_mac(mac: u64) -> String {
    let b = mac.to_be_bytes();
    format!(
        "{:02X}:{:02X}:{:02X}:{:02X}:{:02X}:{:02X}",
        b[2], b[3], b[4], b[5], b[6], b[7]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAC: u64 = 0xC056_E312_3456;

    #[test]
    fn every_notation() {
        for text in [
            "c0:56:e3:12:34:56",
            "C0:56:E3:12:34:56",
            "C0-56-E3-12-34-56",
            "c0-56-e3-12-34-56",
            "C0 56 E3 12 34 56",
            "c056.e312.3456",
            "C056.E312.3456",
            "c056e3123456",
            "C056E3123456",
            "  C0:56:E3:12:34:56\t",
            "c0:56:E3:12:34:56",
        ] {
            assert_eq!(parse_mac(text), Some(MAC), "{text:?}");
        }
        assert_eq!(parse_mac("c0:56:e3:1:2:3"), Some(0xC056_E301_0203));
        assert_eq!(parse_mac("0:0:0:0:0:0"), Some(0));
    }

    #[test]
    fn malformed_is_none() {
        for text in [
            "",
            " ",
            "c0:56:e3",
            "c0:56:e3:12:34",
            "c0:56:e3:12:34:56:78",
            "c0:56:e3:12:34:5g",
            "c0-56:e3:12:34:56",
            "c0:56:e3::34:56",
            "c0:56:e3:123:4:56",
            "c056.e312.345",
            "c056.e312.3456.0000",
            "c0.56.e3.12.34.56",
            "c056e312345",
            "c056e31234567",
            "zz56e3123456",
            "c0:56:e3:12:34:56 extra",
            "+c056e3123456",
            "c0５6e3123456",
            "ｃ0:56:e3:12:34:56",
            "c0:56:e3:12:34:56:",
            ":c0:56:e3:12:34:56",
            "0xc056e3123456",
            "-1",
            "not a mac",
        ] {
            assert_eq!(parse_mac(text), None, "{text:?}");
        }
        let long = "0".repeat(10_000);
        assert_eq!(parse_mac(&long), None);
    }

    #[test]
    fn local_and_group_bits() {
        assert!(is_universal(MAC));
        assert!(!is_universal(0x0256_E312_3456)); // locally administered
        assert!(!is_universal(0x0156_E312_3456)); // multicast
        assert!(!is_universal(0xC256_E312_3456));
        assert!(!is_universal(0xFFFF_FFFF_FFFF));
    }

    #[test]
    fn formats() {
        assert_eq!(format_mac(MAC), "C0:56:E3:12:34:56");
    }
}
