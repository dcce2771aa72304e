//! Temporary directories for a test's files (a tone, a profile, a package, a peer's config and logs):
//! [`fresh`] makes one, [`TempDir`] also removes it when dropped.

use std::path::PathBuf;

/// A new, empty directory under the system temp dir, named `<prefix>-<pid>-<n>` (unique in this run).
pub fn fresh(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh directory under the system temp dir.
    pub fn new(prefix: &str) -> TempDir {
        TempDir(fresh(prefix))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Nanoseconds since the epoch: with the process id, a name no other directory of this run has.
fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}
