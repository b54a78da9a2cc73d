//! The master key file (one base64 key a line, current first) and the choice between it and env vars.

use std::fs::{self, File};
use std::io::{ErrorKind, Read as _, Write as _};
use std::path::{Path, PathBuf};

use secrecy::ExposeSecret as _;
use zeroize::Zeroizing;

use super::keyring::Keyring;
use super::master_key::{KeyError, MasterKey};
use crate::private_files::{self, create_private_dir, new_private_file, sync_parent};

/// Where the keyring came from, for the start-up log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// `VCSLINK_MASTER_KEY` (and maybe `VCSLINK_MASTER_KEY_OLD`); the key file was not touched.
    Env,
    /// The key file; `created` when this start wrote a fresh key to it.
    File { created: bool },
}

/// The keyring from env values when `env_key` is set, else from `key_file` (created when absent).
/// `env_old` adds a previous key, so a rotation done through env vars keeps old blobs readable;
/// it is ignored (with a warning) without `env_key`, because the file then lists its own previous keys.
pub fn keyring_from_sources(
    env_key: Option<&str>,
    env_old: Option<&str>,
    key_file: &Path,
) -> Result<(Keyring, KeySource), KeyError> {
    let Some(env_key) = env_key else {
        if env_old.is_some() {
            tracing::warn!("VCSLINK_MASTER_KEY_OLD is ignored without VCSLINK_MASTER_KEY; using the key file");
        }
        let (keyring, created) = KeyFile::new(key_file).load_or_create()?;
        return Ok((keyring, KeySource::File { created }));
    };
    let current = MasterKey::from_base64(env_key).map_err(|_| KeyError::MalformedEnv { var: "VCSLINK_MASTER_KEY" })?;
    let previous = match env_old {
        Some(old) => {
            vec![MasterKey::from_base64(old).map_err(|_| KeyError::MalformedEnv { var: "VCSLINK_MASTER_KEY_OLD" })?]
        }
        None => Vec::new(),
    };
    Ok((Keyring::new(current, previous), KeySource::Env))
}

/// A key file at a path: text, one base64 key a line; the first line is the current key, the
/// others previous keys kept while a rotation is in progress. Blank lines and `#` comments are skipped.
#[derive(Debug, Clone)]
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    /// The key file at `path` (nothing is read yet).
    pub fn new(path: impl Into<PathBuf>) -> KeyFile {
        KeyFile { path: path.into() }
    }

    /// Where the file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the keyring; warns when group or others may read the file.
    pub fn load(&self) -> Result<Keyring, KeyError> {
        let mut file = File::open(&self.path).map_err(|e| self.io("read", e))?;
        warn_if_readable_by_others(&file, &self.path);
        // Sized up front so the buffer never reallocates and leaves unwiped copies of keys behind.
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let capacity = usize::try_from(size).unwrap_or(0).saturating_add(1);
        let mut text = Zeroizing::new(String::with_capacity(capacity));
        file.read_to_string(&mut text).map_err(|e| self.io("read", e))?;
        self.parse(&text)
    }

    /// Reads the keyring, or creates the file (mode 0600, parent directories 0700) with a fresh
    /// key when it does not exist. Returns whether it was created.
    pub fn load_or_create(&self) -> Result<(Keyring, bool), KeyError> {
        match self.load() {
            Ok(keyring) => return Ok((keyring, false)),
            Err(KeyError::Io { source, .. }) if source.kind() == ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir(parent).map_err(|e| self.io("create the directory of", e))?;
        }
        let key = MasterKey::generate();
        let mut file = match new_private_file(&self.path) {
            Ok(file) => file,
            // Another replica or process won the race: use its key, never overwrite it.
            Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok((self.load()?, false)),
            Err(e) => return Err(self.io("create", e)),
        };
        write_keys(&mut file, None, &[&key]).map_err(|e| self.io("write", e))?;
        sync_parent(&self.path).map_err(|e| self.io("sync the directory of", e))?;
        tracing::info!(path = %self.path.display(), key_id = %key.key_id_hex(), "created master key file");
        Ok((Keyring::new(key, Vec::new()), true))
    }

    /// Replaces the file with `keys` (current first) atomically: a 0600 temp file in the same
    /// directory, fsync, rename, fsync of the directory. A crash leaves the old or the new file.
    pub fn write_atomic(&self, keys: &[&MasterKey]) -> Result<(), KeyError> {
        private_files::replace_private(&self.path, |file| write_keys(file, None, keys))
            .map_err(|e| self.io("replace", e))
    }

    /// As [`KeyFile::write_atomic`], noting when the rotation to `keys[0]` happened, so that
    /// `rotate-key --finish` knows how long running servers have had to learn it.
    pub fn write_rotation(&self, keys: &[&MasterKey], at: chrono::DateTime<chrono::Utc>) -> Result<(), KeyError> {
        let header = format!("{ROTATED_AT} {}", at.to_rfc3339());
        private_files::replace_private(&self.path, |file| write_keys(file, Some(&header), keys))
            .map_err(|e| self.io("replace", e))
    }

    /// When the current key was rotated in (the note [`KeyFile::write_rotation`] leaves); `None`
    /// for a file without one.
    pub fn rotated_at(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>, KeyError> {
        let text = Zeroizing::new(fs::read_to_string(&self.path).map_err(|e| self.io("read", e))?);
        Ok(text
            .lines()
            .find_map(|line| line.trim().strip_prefix(ROTATED_AT))
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at.trim()).ok())
            .map(|at| at.with_timezone(&chrono::Utc)))
    }

    fn parse(&self, text: &str) -> Result<Keyring, KeyError> {
        let mut keys = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = MasterKey::from_base64(line)
                .map_err(|_| KeyError::MalformedLine { path: self.path.clone(), line: index + 1 })?;
            keys.push(key);
        }
        let mut keys = keys.into_iter();
        let current = keys.next().ok_or_else(|| KeyError::EmptyKeyFile { path: self.path.clone() })?;
        Ok(Keyring::new(current, keys.collect()))
    }

    fn io(&self, action: &'static str, source: std::io::Error) -> KeyError {
        KeyError::Io { action, path: self.path.clone(), source }
    }
}

/// The comment line naming when the current key was rotated in.
const ROTATED_AT: &str = "# rotated-at";

/// Writes an optional comment line, then one key a line, and flushes to disk; the text is wiped
/// from memory afterwards.
fn write_keys(file: &mut File, header: Option<&str>, keys: &[&MasterKey]) -> std::io::Result<()> {
    // 44 base64 characters and a newline per key; sized so the buffer never reallocates.
    let header = header.map(|h| format!("{h}\n")).unwrap_or_default();
    let mut text = Zeroizing::new(String::with_capacity(header.len() + keys.len() * 45));
    text.push_str(&header);
    for key in keys {
        text.push_str(key.to_base64().expose_secret());
        text.push('\n');
    }
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// A key file others can read is a leak waiting to happen, but refusing to start would turn a
/// permissions slip into an outage: warn instead.
fn warn_if_readable_by_others(file: &File, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = file.metadata() {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                tracing::warn!(path = %path.display(), mode = format!("{mode:o}"), "master key file is accessible to group or others; chmod 600 it");
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (file, path);
    }
}

#[cfg(test)]
mod tests {
    //! Tests of the key file: creation with mode 0600, reload, rotation files, env precedence.

    use std::fs;

    use super::*;
    use crate::crypto::Aad;

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            TempDir(std::env::temp_dir().join(format!("vcslink-key-test-{}", uuid::Uuid::new_v4())))
        }

        fn join(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[cfg(unix)]
    fn mode_of(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_missing_key_file_is_created_private_and_reloads_to_the_same_key() {
        let dir = TempDir::new();
        let path = dir.join("data/nested/master.key");
        let (first, created) = KeyFile::new(&path).load_or_create().unwrap();
        assert!(created);
        #[cfg(unix)]
        {
            assert_eq!(mode_of(&path), 0o600);
            assert_eq!(mode_of(path.parent().unwrap()), 0o700);
        }
        let (again, created) = KeyFile::new(&path).load_or_create().unwrap();
        assert!(!created);
        assert_eq!(again.current(), first.current());
        let blob = first.seal(&Aad::new("t", "c", "1"), b"v");
        assert_eq!(again.open(&Aad::new("t", "c", "1"), &blob).unwrap().expose_secret(), b"v");
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1);
    }

    #[test]
    fn a_keyring_from_the_file_learns_a_rotation_without_a_restart() {
        use crate::crypto::Reloaded;
        let dir = TempDir::new();
        let path = dir.join("master.key");
        let file = KeyFile::new(&path);
        let (loaded, _) = file.load_or_create().unwrap();
        let running = loaded.clone().reloading_from(KeyFile::new(&path));
        let aad = Aad::new("t", "c", "1");
        let before = running.seal(&aad, b"before");

        // Another process rotates: new key first, the previous one kept.
        let new = MasterKey::generate();
        let rotated = running.rotated(new.clone());
        file.write_rotation(&rotated.keys().iter().collect::<Vec<_>>(), chrono::Utc::now()).unwrap();
        assert!(file.rotated_at().unwrap().is_some());
        let after = rotated.seal(&aad, b"after");

        // A blob under a key the running keyring lacks makes it re-read the file at once.
        assert_eq!(running.open(&aad, &after).unwrap().expose_secret(), b"after");
        assert_eq!(running.current(), new, "it now seals with the newest key");
        assert_eq!(running.open(&aad, &before).unwrap().expose_secret(), b"before");
        assert_eq!(running.reload().unwrap(), Reloaded::Unchanged);

        // `--finish` drops the previous key; the next reload forgets it.
        file.write_atomic(&[&new]).unwrap();
        assert!(file.rotated_at().unwrap().is_none());
        assert!(matches!(running.reload().unwrap(), Reloaded::Changed { .. }));
        assert!(running.previous().is_empty());
        assert!(running.open(&aad, &before).is_err());
    }

    #[test]
    fn write_atomic_keeps_previous_keys_in_order_with_mode_0600() {
        let dir = TempDir::new();
        fs::create_dir_all(&dir.0).unwrap();
        let path = dir.join("master.key");
        let (old, new) = (MasterKey::generate(), MasterKey::generate());
        let file = KeyFile::new(&path);
        file.write_atomic(&[&old]).unwrap();
        file.write_atomic(&[&new, &old]).unwrap();
        #[cfg(unix)]
        assert_eq!(mode_of(&path), 0o600);
        let keyring = file.load().unwrap();
        assert_eq!(keyring.current(), new);
        assert_eq!(keyring.previous(), std::slice::from_ref(&old));
        // No temp file is left behind.
        assert_eq!(fs::read_dir(&dir.0).unwrap().count(), 1);
    }

    #[test]
    fn blank_lines_and_comments_are_skipped_but_a_bad_line_is_named() {
        let dir = TempDir::new();
        fs::create_dir_all(&dir.0).unwrap();
        let path = dir.join("master.key");
        let key = MasterKey::generate();
        fs::write(&path, format!("# current\n\n{}\n", key.to_base64().expose_secret())).unwrap();
        assert_eq!(KeyFile::new(&path).load().unwrap().current(), key);

        fs::write(&path, format!("{}\nnot-a-key\n", key.to_base64().expose_secret())).unwrap();
        let err = KeyFile::new(&path).load().unwrap_err();
        assert!(matches!(err, KeyError::MalformedLine { line: 2, .. }), "{err:?}");
        assert!(err.to_string().contains("line 2"));
        assert!(!err.to_string().contains("not-a-key"));

        fs::write(&path, "\n# nothing\n").unwrap();
        assert!(matches!(KeyFile::new(&path).load().unwrap_err(), KeyError::EmptyKeyFile { .. }));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_readable_by_others_still_loads() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = TempDir::new();
        fs::create_dir_all(&dir.0).unwrap();
        let path = dir.join("master.key");
        let key = MasterKey::generate();
        fs::write(&path, key.to_base64().expose_secret()).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(KeyFile::new(&path).load().unwrap().current(), key);
    }

    #[test]
    fn env_keys_win_and_leave_the_key_file_untouched() {
        let dir = TempDir::new();
        let path = dir.join("master.key");
        let (current, old) = (MasterKey::generate(), MasterKey::generate());
        let (keyring, source) = keyring_from_sources(
            Some(current.to_base64().expose_secret()),
            Some(old.to_base64().expose_secret()),
            &path,
        )
        .unwrap();
        assert_eq!(source, KeySource::Env);
        assert_eq!(keyring.current(), current);
        assert_eq!(keyring.previous(), std::slice::from_ref(&old));
        assert!(!path.exists());
    }

    #[test]
    fn without_env_keys_the_key_file_is_created_then_reused() {
        let dir = TempDir::new();
        let path = dir.join("master.key");
        let (first, source) = keyring_from_sources(None, None, &path).unwrap();
        assert_eq!(source, KeySource::File { created: true });
        let (second, source) = keyring_from_sources(None, None, &path).unwrap();
        assert_eq!(source, KeySource::File { created: false });
        assert_eq!(first.current(), second.current());
    }

    #[test]
    fn a_malformed_env_key_names_its_variable() {
        let dir = TempDir::new();
        let path = dir.join("master.key");
        let err = keyring_from_sources(Some("short"), None, &path).unwrap_err();
        assert_eq!(err.to_string(), "VCSLINK_MASTER_KEY is not valid: expected base64 of 32 bytes");
        let good = MasterKey::generate();
        let err = keyring_from_sources(Some(good.to_base64().expose_secret()), Some("short"), &path).unwrap_err();
        assert!(err.to_string().starts_with("VCSLINK_MASTER_KEY_OLD"));
        assert!(!path.exists());
    }
}
