//! The progress line `check` shows on long runs:
//! `assetlint: 3/10 files, 1,234,567 assets, 456,789 assets/s`.
//!
//! It is drawn on standard error by a ticker thread, at most ten times a
//! second, and only once the run has lasted [`DELAY`]; it is cleared when the
//! run ends. It is shown only when standard error is a terminal, the report
//! is not written to that terminal (it would be interleaved with findings
//! as they stream), and the `CI` environment variable is unset, so CI logs,
//! pipes and reports never contain it (see [`wanted`]).
//!
//! The hot path only stores counters: [`Progress::asset`] is a relaxed load
//! and store on a counter it alone writes, with no lock and no clock read.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a run goes before the line appears.
pub const DELAY: Duration = Duration::from_secs(2);

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// Whether to show progress: standard error is a terminal, the report does
/// not go to the terminal, and `ci` (the value of `CI`) is unset.
pub fn wanted(
    stderr_terminal: bool,
    report_to_terminal: bool,
    ci: Option<&std::ffi::OsStr>,
) -> bool {
    stderr_terminal && !report_to_terminal && ci.is_none()
}

/// The counters the run updates and the ticker reads.
#[derive(Debug, Default)]
struct Counters {
    files_done: AtomicUsize,
    assets: AtomicU64,
    /// Set (under the lock) when the run ends; the ticker waits on it.
    stop: Mutex<bool>,
    wake: Condvar,
}

/// A handle on the progress line; inert when progress is not [`wanted`].
/// Dropping it stops the ticker and clears the line.
#[derive(Debug, Default)]
pub struct Progress {
    counters: Option<Arc<Counters>>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts the ticker for a run over `files` asset files, if `show`.
    pub fn start(show: bool, files: usize) -> Progress {
        if !show {
            return Progress::default();
        }
        let counters = Arc::new(Counters::default());
        let shared = Arc::clone(&counters);
        let ticker = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || tick(&shared, files, &mut io::stderr()))
            .ok();
        Progress {
            counters: ticker.is_some().then_some(counters),
            ticker,
        }
    }

    /// One more asset read. Only the thread running the check calls it, so
    /// a load and a store (no read-modify-write) are enough.
    #[inline]
    pub fn asset(&self) {
        if let Some(c) = &self.counters {
            c.assets.store(c.assets.load(Relaxed) + 1, Relaxed);
        }
    }

    /// One more asset file done.
    pub fn file_done(&self) {
        if let Some(c) = &self.counters {
            c.files_done.store(c.files_done.load(Relaxed) + 1, Relaxed);
        }
    }

    /// Stops the ticker and clears the line (also done on drop).
    pub fn finish(&mut self) {
        if let Some(c) = self.counters.take() {
            if let Ok(mut stop) = c.stop.lock() {
                *stop = true;
            }
            c.wake.notify_all();
        }
        if let Some(ticker) = self.ticker.take() {
            // A panicking ticker loses only the progress line.
            let _ = ticker.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The ticker: waits out [`DELAY`], then redraws every [`TICK`] until
/// stopped, then clears what it drew.
fn tick(c: &Counters, files: usize, out: &mut dyn Write) {
    let started = Instant::now();
    let mut drawn = false;
    let Ok(mut stop) = c.stop.lock() else {
        return;
    };
    loop {
        let wait = if drawn {
            TICK
        } else {
            DELAY.saturating_sub(started.elapsed()).max(TICK)
        };
        stop = match c.wake.wait_timeout_while(stop, wait, |stop| !*stop) {
            Ok((guard, _)) => guard,
            Err(_) => return,
        };
        if *stop {
            break;
        }
        if started.elapsed() >= DELAY {
            let line = line(
                c.files_done.load(Relaxed),
                files,
                c.assets.load(Relaxed),
                started.elapsed(),
            );
            drawn = draw(out, &line).is_ok() || drawn;
        }
    }
    if drawn {
        let _ = clear(out);
    }
}

/// Overwrites the terminal line with `line`.
fn draw(out: &mut dyn Write, line: &str) -> io::Result<()> {
    write!(out, "\r\x1b[2K{line}")?;
    out.flush()
}

/// Clears the terminal line.
fn clear(out: &mut dyn Write) -> io::Result<()> {
    write!(out, "\r\x1b[2K")?;
    out.flush()
}

/// The progress text: `assetlint: 3/10 files, 1,234,567 assets, 456,789
/// assets/s`.
fn line(files_done: usize, files: usize, assets: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        (assets as f64 / secs) as u64
    } else {
        0
    };
    format!(
        "assetlint: {files_done}/{files} files, {} assets, {} assets/s",
        grouped(assets),
        grouped(rate)
    )
}

/// `1234567` as `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn shown_only_on_a_terminal_outside_ci_and_away_from_the_report() {
        assert!(wanted(true, false, None));
        // Piped or redirected standard error (the CLI tests run this way).
        assert!(!wanted(false, false, None));
        // The report streams to the same terminal.
        assert!(!wanted(true, true, None));
        // CI, whatever its value.
        assert!(!wanted(true, false, Some(OsStr::new("true"))));
        assert!(!wanted(true, false, Some(OsStr::new(""))));
    }

    #[test]
    fn an_unwanted_progress_starts_no_ticker_and_ignores_counts() {
        let mut p = Progress::start(false, 3);
        p.asset();
        p.file_done();
        assert!(p.counters.is_none() && p.ticker.is_none());
        p.finish();
    }

    #[test]
    fn counts_reach_the_ticker() {
        let mut p = Progress::start(true, 2);
        for _ in 0..5 {
            p.asset();
        }
        p.file_done();
        let c = p.counters.clone().expect("a ticker thread starts");
        assert_eq!(c.assets.load(Relaxed), 5);
        assert_eq!(c.files_done.load(Relaxed), 1);
        // Stopped well before DELAY: nothing was drawn, so nothing is cleared.
        p.finish();
        assert!(p.ticker.is_none());
    }

    #[test]
    fn a_stopped_ticker_that_never_drew_writes_nothing() {
        let c = Counters::default();
        *c.stop.lock().unwrap() = true;
        let mut out = Vec::new();
        tick(&c, 1, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn the_line_counts_files_assets_and_rate() {
        assert_eq!(
            line(3, 10, 1_234_567, Duration::from_secs(2)),
            "assetlint: 3/10 files, 1,234,567 assets, 617,283 assets/s"
        );
        assert_eq!(
            line(0, 1, 0, Duration::ZERO),
            "assetlint: 0/1 files, 0 assets, 0 assets/s"
        );
    }

    #[test]
    fn drawing_overwrites_and_clearing_erases_the_line() {
        let mut out = Vec::new();
        draw(&mut out, "x").unwrap();
        clear(&mut out).unwrap();
        assert_eq!(out, b"\r\x1b[2Kx\r\x1b[2K");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(12_345_678), "12,345,678");
    }
}
