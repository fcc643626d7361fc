//! Kind normalisation: what a register calls a device → the kind rules use.
//!
//! Matching ignores case and everything that is not a letter or a digit
//! (`IP-Camera`, `ip camera` and `IPCamera` are one kind). The canonical
//! kinds are `camera`, `nvr`, `dvr`, `access-control`, `intercom`,
//! `doorbell`, `encoder`, `decoder`, `switch`, `router`, `firewall`,
//! `access-point`, `server`, `storage`, `sensor`, `radio`, `display`.
//!
//! Decisions: a thermal camera and a video doorbell are `camera`s (they
//! capture video, and the supplier bans cover them); a plain `doorbell` is
//! `doorbell`; hybrid and analogue recorders (XVR, HVR) are `dvr`. A kind
//! that is not in [`KINDS`] is kept as written, trimmed and lowercased.

/// The kind table, keyed by [`key`], sorted by key (a test checks).
pub const KINDS: &[(&str, &str)] = &[
    ("accesscontrol", "access-control"),
    ("accesscontroller", "access-control"),
    ("accesscontrolpanel", "access-control"),
    ("accesspoint", "access-point"),
    ("acs", "access-control"),
    ("anprcamera", "camera"),
    ("ap", "access-point"),
    ("boxcamera", "camera"),
    ("bullet", "camera"),
    ("bulletcamera", "camera"),
    ("camera", "camera"),
    ("cardreader", "access-control"),
    ("cctv", "camera"),
    ("cctvcamera", "camera"),
    ("decoder", "decoder"),
    ("digitalvideorecorder", "dvr"),
    ("display", "display"),
    ("dome", "camera"),
    ("domecamera", "camera"),
    ("doorbell", "doorbell"),
    ("doorcontroller", "access-control"),
    ("doorphone", "intercom"),
    ("doorstation", "intercom"),
    ("dvr", "dvr"),
    ("encoder", "encoder"),
    ("firewall", "firewall"),
    ("fisheye", "camera"),
    ("fisheyecamera", "camera"),
    ("hvr", "dvr"),
    ("intercom", "intercom"),
    ("ipc", "camera"),
    ("ipcam", "camera"),
    ("ipcamera", "camera"),
    ("lprcamera", "camera"),
    ("monitor", "display"),
    ("nas", "storage"),
    ("networkcamera", "camera"),
    ("networkswitch", "switch"),
    ("networkvideorecorder", "nvr"),
    ("nvr", "nvr"),
    ("panoramiccamera", "camera"),
    ("poeswitch", "switch"),
    ("ptz", "camera"),
    ("ptzcamera", "camera"),
    ("radio", "radio"),
    ("router", "router"),
    ("san", "storage"),
    ("securitycamera", "camera"),
    ("sensor", "sensor"),
    ("server", "server"),
    ("storage", "storage"),
    ("surveillancecamera", "camera"),
    ("switch", "switch"),
    ("thermalcamera", "camera"),
    ("turret", "camera"),
    ("turretcamera", "camera"),
    ("twowayradio", "radio"),
    ("videocamera", "camera"),
    ("videodecoder", "decoder"),
    ("videodoorbell", "camera"),
    ("videoencoder", "encoder"),
    ("videointercom", "intercom"),
    ("videowall", "display"),
    ("vmsserver", "server"),
    ("wap", "access-point"),
    ("webcam", "camera"),
    ("wirelessaccesspoint", "access-point"),
    ("xvr", "dvr"),
];

/// A kind's matching key: lowercase letters and digits only.
pub fn key(kind: &str) -> String {
    kind.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The canonical kind for `text`, or `text` trimmed and lowercased when the
/// table does not know it.
pub fn normalize(text: &str) -> String {
    let k = key(text);
    match KINDS.binary_search_by(|(e, _)| (*e).cmp(k.as_str())) {
        Ok(i) => KINDS[i].1.to_string(),
        Err(_) => text.trim().to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_keyed() {
        for w in KINDS.windows(2) {
            assert!(
                w[0].0 < w[1].0,
                "{:?} must sort before {:?}",
                w[0].0,
                w[1].0
            );
        }
        for (k, v) in KINDS {
            assert_eq!(key(k), *k);
            // Every canonical kind maps to itself.
            assert_eq!(normalize(v), *v, "{v}");
        }
    }

    #[test]
    fn what_registers_write() {
        let cases = [
            ("IP camera", "camera"),
            ("IPC", "camera"),
            ("Dome Camera", "camera"),
            ("PTZ-Camera", "camera"),
            ("CCTV camera", "camera"),
            ("Thermal camera", "camera"),
            ("Video doorbell", "camera"),
            ("Network Video Recorder", "nvr"),
            ("NVR", "nvr"),
            ("digital video recorder", "dvr"),
            ("Access Control", "access-control"),
            ("PoE switch", "switch"),
            (" Badge Printer ", "badge printer"),
            ("", ""),
        ];
        for (text, want) in cases {
            assert_eq!(normalize(text), want, "{text}");
        }
    }
}
