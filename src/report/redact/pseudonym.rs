//! Stable pseudonyms: `kind-` plus 12 hex digits of a keyed SipHash-2-4 of
//! the normalised value.
//!
//! The same value gets the same pseudonym in every run and every format, so
//! two redacted reports can be compared. Without a key (the
//! `ASSETLINT_REDACT_KEY` environment variable) the key is a constant
//! anyone can read here: whoever has a list of candidate names, or simply
//! enumerates the IPv4 space, can compute the pseudonyms and so reverse
//! them. A secret key makes that impossible without the key, and keeps
//! pseudonyms stable across runs that share it.

use std::net::IpAddr;

use ipnet::IpNet;
use siphasher::sip::SipHasher24;

use crate::diag::Sensitive;

/// The environment variable holding the secret pseudonyms are keyed with.
pub const KEY_ENV: &str = "ASSETLINT_REDACT_KEY";

/// The key used without `ASSETLINT_REDACT_KEY`: public, so pseudonyms made
/// with it are stable but can be reversed from a list of candidates.
const DEFAULT_KEY: (u64, u64) = (0x6173_7365_746c_696e, 0x7420_7265_6461_6374);

/// Makes pseudonyms under one key.
#[derive(Clone, Debug)]
pub struct Pseudonyms {
    key: (u64, u64),
}

impl Pseudonyms {
    /// Pseudonyms under `secret` (any text: it is hashed into a 128-bit
    /// key), or under the public default key.
    pub fn new(secret: Option<&str>) -> Self {
        let key = match secret.filter(|s| !s.is_empty()) {
            None => DEFAULT_KEY,
            Some(secret) => (
                siphash24(DEFAULT_KEY, format!("key-1\0{secret}").as_bytes()),
                siphash24(DEFAULT_KEY, format!("key-2\0{secret}").as_bytes()),
            ),
        };
        Pseudonyms { key }
    }

    /// The pseudonym of a value of a kind: `site-3f2a9c01b7e4`.
    pub fn of(&self, kind: Sensitive, value: &str) -> String {
        let prefix = kind.prefix();
        let text = format!("{prefix}\0{}", normalize(kind, value));
        let hash = siphash24(self.key, text.as_bytes());
        format!("{prefix}-{:012x}", hash >> 16)
    }
}

/// What makes two spellings of a value the same value: case and spacing for
/// names, the canonical form of addresses and ranges, a trailing dot on a
/// host name.
pub fn normalize(kind: Sensitive, value: &str) -> String {
    let folded = fold(value);
    match kind {
        Sensitive::Site | Sensitive::Location => folded,
        Sensitive::Ip => folded.parse::<IpAddr>().map_or(folded, |ip| ip.to_string()),
        Sensitive::Network => folded
            .parse::<IpNet>()
            .map_or(folded, |net| net.trunc().to_string()),
        Sensitive::Host => folded.trim_end_matches('.').to_string(),
    }
}

/// Trimmed, lowercase, runs of white space as one space.
pub fn fold(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// SipHash-2-4 (Aumasson and Bernstein), 64-bit output.
fn siphash24(key: (u64, u64), data: &[u8]) -> u64 {
    SipHasher24::new_with_keys(key.0, key.1).hash(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siphash_matches_the_reference_vectors() {
        // From the SipHash paper's appendix: key 00..0f, messages 00..(n-1).
        let key = (0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908);
        let message: Vec<u8> = (0..15).collect();
        assert_eq!(siphash24(key, &message), 0xa129_ca61_49be_45e5);
        assert_eq!(siphash24(key, &[]), 0x726f_db47_dd0e_0e31);
    }

    #[test]
    fn spellings_of_one_value_share_a_pseudonym_and_kinds_do_not() {
        let p = Pseudonyms::new(None);
        let site = p.of(Sensitive::Site, "Northbridge  Depot");
        assert_eq!(site, p.of(Sensitive::Site, " northbridge depot"));
        assert!(site.starts_with("site-") && site.len() == "site-".len() + 12);
        assert_ne!(site, p.of(Sensitive::Location, "Northbridge Depot"));
        assert_eq!(
            p.of(Sensitive::Ip, "fe80::0:1"),
            p.of(Sensitive::Ip, "FE80::1")
        );
        assert_eq!(
            p.of(Sensitive::Network, "10.1.2.3/24"),
            p.of(Sensitive::Network, "10.1.2.0/24")
        );
        assert_eq!(
            p.of(Sensitive::Host, "Cam1.Example."),
            p.of(Sensitive::Host, "cam1.example")
        );
    }

    #[test]
    fn a_secret_key_changes_every_pseudonym_and_is_stable() {
        let (public, a, b) = (
            Pseudonyms::new(None),
            Pseudonyms::new(Some("s3cret")),
            Pseudonyms::new(Some("other")),
        );
        let of = |p: &Pseudonyms| p.of(Sensitive::Ip, "10.0.0.1");
        assert_ne!(of(&public), of(&a));
        assert_ne!(of(&a), of(&b));
        assert_eq!(of(&a), of(&Pseudonyms::new(Some("s3cret"))));
        assert_eq!(of(&public), of(&Pseudonyms::new(Some(""))));
    }
}
