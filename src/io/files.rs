//! Files debrief writes for the analyst (reports, exports): private and whole.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` readable by the owner only (0600 under any umask), replacing
/// it atomically: a crash leaves the old file or the new one, never half of it.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = PrivateFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

// Opening a file that must be regular lives with the store's safe opening, which needs
// it first; io reads evidence through the same function.
pub use crate::store::open_regular;

/// Creates a new file readable by its owner only (0600 under any umask); refuses one that
/// exists.
pub fn create_private(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Where `-o PATH` output goes: a regular file is written in full under a temporary
/// name (created 0600 beside it) and renamed over it by [`PrivateFile::commit`]; a FIFO,
/// a device or `-` (standard output) is written straight into, never replaced by a
/// regular file. Dropped without commit, or when the commit fails, the temporary file
/// removes itself. For outputs too large to hold in memory (exports).
pub struct PrivateFile {
    path: std::path::PathBuf,
    /// The temporary name while a regular file is being written.
    tmp: Option<std::path::PathBuf>,
    out: Option<std::io::BufWriter<Box<dyn Write>>>,
}

impl PrivateFile {
    pub fn create(path: &Path) -> std::io::Result<PrivateFile> {
        let direct = |out: Box<dyn Write>| PrivateFile {
            path: path.to_path_buf(),
            tmp: None,
            out: Some(std::io::BufWriter::new(out)),
        };
        if path.as_os_str() == "-" {
            return Ok(direct(Box::new(std::io::stdout())));
        }
        match fs::metadata(path) {
            Ok(m) if m.is_dir() => return Err(is_a_folder(path)),
            // A FIFO or a device: written into as it is (opening a FIFO waits for its reader).
            Ok(m) if !m.is_file() => {
                let file = fs::OpenOptions::new().write(true).open(path)?;
                return Ok(direct(Box::new(file)));
            }
            _ => {}
        }
        let Some(name) = path.file_name() else {
            // `.`, `..` or a path ending in `/`: a folder, not a file name.
            return Err(is_a_folder(path));
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = create_private(&tmp)?;
        Ok(PrivateFile {
            path: path.to_path_buf(),
            tmp: Some(tmp),
            out: Some(std::io::BufWriter::new(Box::new(file))),
        })
    }

    /// Flushes; for a regular file, syncs and gives the file its name. On failure the
    /// temporary file is removed.
    pub fn commit(mut self) -> std::io::Result<()> {
        let Some(w) = self.out.take() else {
            return Ok(());
        };
        let result = match &self.tmp {
            None => w
                .into_inner()
                .map_err(|e| e.into_error())
                .and_then(|mut o| o.flush()),
            Some(tmp) => w
                .into_inner()
                .map_err(|e| e.into_error())
                .and_then(|mut o| o.flush())
                .and_then(|()| sync(tmp))
                .and_then(|()| fs::rename(tmp, &self.path)),
        };
        match result {
            Ok(()) => {
                self.tmp = None;
                Ok(())
            }
            // Drop removes the temporary file.
            Err(e) => Err(e),
        }
    }
}

fn is_a_folder(path: &Path) -> std::io::Error {
    std::io::Error::other(format!(
        "{} is a folder; give the name of a file to write (in it, or elsewhere)",
        path.display()
    ))
}

/// The written bytes on disk before the rename makes them the file.
fn sync(path: &Path) -> std::io::Result<()> {
    fs::OpenOptions::new().write(true).open(path)?.sync_all()
}

impl Write for PrivateFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.out.as_mut() {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("the file is closed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.out.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for PrivateFile {
    fn drop(&mut self) {
        drop(self.out.take());
        if let Some(tmp) = self.tmp.take() {
            let _ = fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_written_file_is_private_and_replaces_the_old_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.md");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn only_a_regular_file_is_opened_and_a_fifo_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        // No writer ever opens the FIFO: a blocking open would hang this test.
        let e = open_regular(&fifo).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        let e = open_regular(Path::new("/dev/null")).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(
            open_regular(dir.path())
                .unwrap_err()
                .to_string()
                .contains("a folder")
        );
        let file = dir.path().join("f");
        fs::write(&file, "x").unwrap();
        assert!(open_regular(&file).is_ok());
    }

    #[test]
    fn a_folder_is_refused_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        for target in [sub.clone(), sub.join("."), dir.path().join("sub/")] {
            let e = write_private(&target, b"data").unwrap_err();
            assert!(e.to_string().contains("is a folder"), "{e}");
        }
        assert_eq!(
            fs::read_dir(&sub).unwrap().count(),
            0,
            "nothing left in the folder"
        );
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "only the folder"
        );
    }

    #[test]
    fn a_failed_rename_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // The target is a folder that appears after the file was started: the rename
        // fails (a file cannot replace a non-empty folder).
        let target = dir.path().join("out.csv");
        let mut f = PrivateFile::create(&target).unwrap();
        f.write_all(b"whole output").unwrap();
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), b"x").unwrap();
        assert!(f.commit().is_err());
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left, vec!["out.csv".to_string()], "no temporary file left");
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_private(&dir.path().join("no/such/r.md"), b"x").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::NotFound);
    }
}
