//! Process memory policy: the allocator and how it gives memory back.

/// The global allocator of the `vcslink` binary (and the benchmark, which measures it): the
/// webhook path allocates per delivery (HTTP, JSON, rows), and glibc's malloc cost about a fifth of
/// its throughput (bench/RESULTS.md).
pub type Allocator = mimalloc::MiMalloc;

/// mimalloc options (`mi_option_e` in mimalloc.h, the same numbers in its v2 and v3).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Runs [`tune_allocator`] before `main`, before the first allocation reserves mimalloc's first
/// arena (its commit policy is fixed when an arena is reserved).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_BEFORE_MAIN: extern "C" fn() = {
    extern "C" fn tune() {
        tune_allocator();
    }
    tune
};

/// Makes the allocators return freed memory at once: mimalloc commits arenas lazily and purges
/// without delay (its defaults kept idle RSS at 50 MiB instead of 22 and peak RSS 60% higher), and
/// glibc (still used by SQLite's C code) serves every block of 1 MiB or more with its own mapping.
/// Runs before `main` on Linux; calling it again is harmless.
pub fn tune_allocator() {
    // SAFETY: mi_option_set only stores an option value; it is safe to call at any time.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; it is safe to call at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
