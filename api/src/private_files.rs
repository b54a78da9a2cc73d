//! Files and directories only their owner may open: the data directory (0700), the key file and
//! the admin-token file (0600). A file is replaced through a fresh temp file and a rename, so a
//! symlink planted at its path is replaced, never followed.

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rand::RngCore as _;
use rand::rngs::OsRng;

/// Creates `dir` (and missing parents) as 0700; an existing `dir` that group or others may enter
/// is narrowed to 0700, with a warning, since it holds the database and the key file.
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    create_private_dir(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(dir)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
            tracing::warn!(path = %dir.display(), was = format!("{mode:o}"), "narrowed the data directory to 0700");
        }
    }
    Ok(())
}

/// Creates missing directories as 0700 (existing ones are left as they are).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Opens a new file readable and writable by its owner only; fails when anything, a symlink
/// included, already exists at `path` (`O_CREAT | O_EXCL` never follows a link).
pub fn new_private_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)
}

/// Replaces `path` with a 0600 file holding what `write` puts in it: a fresh temp file in the
/// same directory, fsync, rename, fsync of the directory. A crash leaves the old or the new file,
/// and whatever was at `path` (a symlink too) is replaced, never written through.
pub fn replace_private(path: &Path, write: impl FnOnce(&mut File) -> std::io::Result<()>) -> std::io::Result<()> {
    let temp = temp_beside(path);
    let result = (|| {
        let mut file = new_private_file(&temp)?;
        write(&mut file)?;
        file.sync_all()?;
        fs::rename(&temp, path)?;
        sync_parent(path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Replaces `path` with `content` and a newline, as [`replace_private`] does.
pub fn replace_private_text(path: &Path, content: &str) -> std::io::Result<()> {
    replace_private(path, |file| writeln!(file, "{content}"))
}

fn temp_beside(path: &Path) -> PathBuf {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    parent_of(path).join(format!(".{file_name}.tmp-{:016x}", OsRng.next_u64()))
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Makes a create or rename durable: on unix, a directory entry survives a crash only once the
/// directory itself is synced.
pub fn sync_parent(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(parent_of(path))?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn a_symlink_at_the_path_is_replaced_not_followed() {
        let dir = tempfile::tempdir().expect("tmp");
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep me").expect("victim");
        let path = dir.path().join("admin-token");
        std::os::unix::fs::symlink(&victim, &path).expect("symlink");

        replace_private_text(&path, "secret").expect("replace");

        assert_eq!(fs::read_to_string(&victim).expect("victim"), "keep me");
        assert!(!fs::symlink_metadata(&path).expect("meta").file_type().is_symlink());
        assert_eq!(fs::read_to_string(&path).expect("token"), "secret\n");
        assert_eq!(fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
        let leftovers = fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(leftovers, 2, "no temp file is left behind");
    }

    #[test]
    fn the_data_directory_is_created_or_narrowed_to_0700() {
        let dir = tempfile::tempdir().expect("tmp");
        let fresh = dir.path().join("a/b");
        ensure_private_dir(&fresh).expect("create");
        assert_eq!(fs::metadata(&fresh).expect("meta").permissions().mode() & 0o777, 0o700);

        let open = dir.path().join("open");
        fs::create_dir(&open).expect("mkdir");
        fs::set_permissions(&open, fs::Permissions::from_mode(0o755)).expect("chmod");
        ensure_private_dir(&open).expect("narrow");
        assert_eq!(fs::metadata(&open).expect("meta").permissions().mode() & 0o777, 0o700);
    }
}
