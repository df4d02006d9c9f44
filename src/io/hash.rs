//! Fingerprints of evidence files: SHA-256, size and modification time.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

pub use crate::domain::evidence::Fingerprint;

/// Reads the file once, in blocks (evidence files can be large disk images).
pub fn fingerprint(path: &Path) -> std::io::Result<Fingerprint> {
    // Refuses a FIFO or a device without waiting on it (an evidence file replaced by a
    // FIFO would otherwise hang `evidence verify` and the workbench's `v`).
    let mut file = super::files::open_regular(path)?;
    let meta = file.metadata()?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Fingerprint {
        sha256,
        size: meta.len() as i64,
        modified: meta.modified().ok().map(DateTime::<Utc>::from),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "abc").unwrap();
        let f = fingerprint(&p).unwrap();
        assert_eq!(
            f.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(f.size, 3);
        assert!(fingerprint(&dir.path().join("missing")).is_err());
        assert!(fingerprint(dir.path()).is_err());
    }
}
