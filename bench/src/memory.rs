//! Resident memory of this process, from /proc (Linux).

fn field_kib(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with(name))?.split_whitespace().nth(1)?.parse().ok()
}

/// Current resident set size, MiB.
pub fn rss_mib() -> f64 {
    field_kib("VmRSS:").unwrap_or(0) as f64 / 1024.0
}

/// Peak resident set size so far, MiB.
pub fn peak_mib() -> f64 {
    field_kib("VmHWM:").unwrap_or(0) as f64 / 1024.0
}
