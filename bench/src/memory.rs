//! Resident memory of this process, from /proc (Linux).

fn field_kib(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with(name))?.split_whitespace().nth(1)?.parse().ok()
}

/// Current resident set size, MiB.
pub fn rss_mib() -> f64 {
    field_kib("VmRSS:").unwrap_or(0) as f64 / 1024.0
}

/// Peak resident set size since start or the last [`Peaks::mark`], MiB.
fn peak_mib() -> f64 {
    field_kib("VmHWM:").unwrap_or(0) as f64 / 1024.0
}

/// One phase of the run: its peak RSS and its RSS when it ended, MiB.
#[derive(Clone, Copy)]
pub struct Phase {
    pub name: &'static str,
    pub peak: f64,
    pub end: f64,
}

/// The peak of each phase, so the table can say which one sets the run's peak.
#[derive(Default)]
pub struct Peaks(Vec<Phase>);

impl Peaks {
    /// Records the phase that just ended and starts the next one's peak from the current RSS
    /// (`5` to `clear_refs` resets the high-water mark; where it cannot, peaks stay cumulative).
    pub fn mark(&mut self, name: &'static str) {
        self.0.push(Phase { name, peak: peak_mib(), end: rss_mib() });
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }

    /// The phase with the highest peak.
    pub fn highest(&self) -> Phase {
        self.0
            .iter()
            .copied()
            .fold(Phase { name: "none", peak: 0.0, end: 0.0 }, |a, b| if b.peak > a.peak { b } else { a })
    }

    pub fn each(&self) -> &[Phase] {
        &self.0
    }
}
