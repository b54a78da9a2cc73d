//! Process memory policy.

/// Makes glibc serve every allocation of 1 MiB or more with its own mapping, returned to the OS
/// on free. Without it glibc raises its mmap threshold after the first large free, and each
/// argon2 check (19 MiB) then stays resident in the arena of whichever blocking thread ran it:
/// hundreds of MiB after a few token checks. Called once at start.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; it is safe to call at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
