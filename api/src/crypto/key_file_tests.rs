//! Tests of the key file: creation with mode 0600, reload, rotation files, env precedence.

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
    assert_eq!(keyring.current(), &new);
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
    assert_eq!(KeyFile::new(&path).load().unwrap().current(), &key);

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
    assert_eq!(KeyFile::new(&path).load().unwrap().current(), &key);
}

#[test]
fn env_keys_win_and_leave_the_key_file_untouched() {
    let dir = TempDir::new();
    let path = dir.join("master.key");
    let (current, old) = (MasterKey::generate(), MasterKey::generate());
    let (keyring, source) =
        keyring_from_sources(Some(current.to_base64().expose_secret()), Some(old.to_base64().expose_secret()), &path)
            .unwrap();
    assert_eq!(source, KeySource::Env);
    assert_eq!(keyring.current(), &current);
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
