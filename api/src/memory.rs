//! Process memory policy: how the allocator gives memory back.

/// Makes glibc's malloc serve every block of 1 MiB or more with its own mapping, returned to the
/// system when freed. Its default threshold adapts upwards after a large free, so each 19 MiB
/// argon2 buffer stayed resident per blocking thread (bench/RESULTS.md). Calling it again is
/// harmless.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; it is safe to call at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
