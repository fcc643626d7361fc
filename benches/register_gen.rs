//! The seeded register generator shared by the `gen-register` example and
//! the micro-benchmarks (`benches/*.rs` include it with `mod register_gen;`).
//!
//! The same `assets` and `seed` always give byte-identical text: a site
//! register (one site per thousand devices, at least 100, with parent sites
//! and a sensitivity ladder) and a device register with the messy headers
//! real registers have.

#![allow(dead_code)]

use std::io::Write;

/// The seed `gen-register` uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 20221124;

/// A small, fast, seeded generator (xorshift64*); quality is ample here.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// (declared manufacturer, brand, model, MAC prefix, weight). The banned
/// groups' MAC prefixes are their IEEE assignments; the others get locally
/// administered prefixes (`02:…`), which identify nobody.
const MAKERS: &[(&str, &str, &str, &str, u64)] = &[
    ("Axis Communications", "AXIS", "P3245-LV", "02:00:01", 20),
    ("Hanwha Vision", "Wisenet", "XND-6080R", "02:00:02", 15),
    (
        "Bosch Security Systems",
        "Bosch",
        "NDE-3502-AL",
        "02:00:03",
        12,
    ),
    ("Hikvision", "", "DS-2CD2143G2-I", "C0:56:E3", 8),
    (
        "HIKVISION DIGITAL TECHNOLOGY CO.,LTD.",
        "",
        "DS-7608NI-K2",
        "44:19:B6",
        3,
    ),
    ("", "EZVIZ", "CS-C6N", "0C:A6:4C", 2),
    ("Dahua", "", "IPC-HDW2431T-AS-S2", "3C:EF:8C", 6),
    (
        "Zhejiang Dahua Technology Co., Ltd.",
        "Imou",
        "IPC-A22EP",
        "E0:50:8B",
        2,
    ),
    ("Vivotek", "VIVOTEK", "FD9189-H", "02:00:04", 8),
    ("Honeywell", "", "HC30W45R3", "02:00:05", 8),
    ("Sony", "", "SNC-VB770", "02:00:06", 6),
    ("i-PRO", "", "WV-S2136", "02:00:07", 6),
    ("Mobotix", "", "M16B", "02:00:08", 4),
];

const KINDS: &[&str] = &[
    "IP Camera",
    "Dome camera",
    "bullet camera",
    "PTZ",
    "NVR",
    "DVR",
    "IPC",
];
const STATUSES: &[&str] = &[
    "Active",
    "active",
    "In service",
    "Planned",
    "Decommissioned",
];
const LEVELS: &[&str] = &["public", "official", "official", "sensitive", "secret"];
const SECTORS: &[&str] = &[
    "central-government",
    "local-government",
    "health",
    "education",
    "policing",
    "defence",
    "national-security",
];

/// Writes the site register to `sites` and the device register to
/// `devices` (both CSV).
pub fn generate(
    assets: u64,
    seed: u64,
    sites: &mut dyn Write,
    devices: &mut dyn Write,
) -> std::io::Result<()> {
    let mut rng = Rng(seed.max(1));
    for _ in 0..16 {
        rng.next();
    }
    let site_count = (assets / 1000).max(100);

    writeln!(sites, "Site Code,Site Name,Sensitivity,Sector,Parent")?;
    for i in 0..site_count {
        // Every tenth site is a campus; the others may sit inside one.
        let parent = if i % 10 != 0 && rng.below(3) == 0 {
            format!("S{:05}", i - i % 10)
        } else {
            String::new()
        };
        writeln!(
            sites,
            "S{i:05},Building {i},{},{},{parent}",
            rng.pick(LEVELS),
            rng.pick(SECTORS)
        )?;
    }

    let total: u64 = MAKERS.iter().map(|m| m.4).sum();
    writeln!(
        devices,
        "Asset Tag,Manufacturer,Brand,Model No.,Device Type,Site Code,MAC Address,Install Date,Status,Location"
    )?;
    for i in 0..assets {
        let mut roll = rng.below(total);
        let maker = MAKERS
            .iter()
            .find(|m| {
                if roll < m.4 {
                    true
                } else {
                    roll -= m.4;
                    false
                }
            })
            .unwrap_or(&MAKERS[0]);
        let mac = rng.next();
        let year = 2015 + rng.below(11);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        let make = if maker.0.contains(',') {
            format!("\"{}\"", maker.0)
        } else {
            maker.0.to_string()
        };
        writeln!(
            devices,
            "CAM-{i:08},{make},{},{},{},S{:05},{}:{:02X}:{:02X}:{:02X},{year}-{month:02}-{day:02},{},\"Floor {}, bay {}\"",
            maker.1,
            maker.2,
            rng.pick(KINDS),
            rng.below(site_count),
            maker.3,
            (mac >> 16) & 0xff,
            (mac >> 8) & 0xff,
            mac & 0xff,
            rng.pick(STATUSES),
            rng.below(12),
            rng.below(40),
        )?;
    }
    Ok(())
}

/// The two registers as in-memory CSV text: `(sites, devices)`.
pub fn generate_in_memory(assets: u64, seed: u64) -> (Vec<u8>, Vec<u8>) {
    let (mut sites, mut devices) = (Vec::new(), Vec::new());
    generate(assets, seed, &mut sites, &mut devices).expect("writing to a Vec cannot fail");
    (sites, devices)
}

/// `1000000`, `1m`, `100k`.
pub fn parse_count(s: &str) -> u64 {
    let s = s.trim().to_ascii_lowercase();
    let (digits, scale) = match s.strip_suffix('m') {
        Some(d) => (d, 1_000_000),
        None => match s.strip_suffix('k') {
            Some(d) => (d, 1_000),
            None => (s.as_str(), 1),
        },
    };
    digits.parse::<u64>().unwrap_or(100_000) * scale
}
