//! The packs built into the binary. Each is also a directory under
//! `policies/`; a test checks the two lists agree.

/// `(name, policy file text)`, sorted by name.
pub const BUILTIN_PACKS: &[(&str, &str)] = &[
    (
        "eu-parliament",
        include_str!("../../policies/eu-parliament/policy.toml"),
    ),
    (
        "scotland",
        include_str!("../../policies/scotland/policy.toml"),
    ),
    ("uk-gov", include_str!("../../policies/uk-gov/policy.toml")),
    ("us-fcc", include_str!("../../policies/us-fcc/policy.toml")),
    ("wales", include_str!("../../policies/wales/policy.toml")),
];

/// A builtin pack's text by name.
pub fn pack(name: &str) -> Option<&'static str> {
    BUILTIN_PACKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_match_the_policies_directory() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().join("policy.toml").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let names: Vec<&str> = BUILTIN_PACKS.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "BUILTIN_PACKS must be sorted");
        assert_eq!(names, on_disk);
    }
}
