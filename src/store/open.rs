//! Opening a database file safely: refuse what is not ours without writing a byte,
//! create new files private to the user, keep a copy before migrating an old schema.

use super::{Result, StoreError};
use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Marks a SQLite file as a debrief database ('DBRF'); set by the first migration.
pub const APPLICATION_ID: i32 = 0x4442_5246;

pub(super) const MIGRATIONS_SLICE: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_foundation.sql")),
    M::up(include_str!("migrations/0002_findings_evidence.sql")),
    M::up(include_str!("migrations/0003_backlog.sql")),
    M::up(include_str!("migrations/0004_evaluation.sql")),
    M::up(include_str!("migrations/0005_import.sql")),
    M::up(include_str!("migrations/0006_event_counts.sql")),
    M::up(include_str!("migrations/0007_fts_secure_delete.sql")),
    M::up(include_str!("migrations/0008_sessions.sql")),
    M::up(include_str!(
        "migrations/0009_incident_impact_classification.sql"
    )),
    M::up(include_str!("migrations/0010_bundle_bases.sql")),
    M::up(include_str!("migrations/0011_bulk_import.sql")),
    M::up(include_str!("migrations/0012_search_backlog.sql")),
    M::up(include_str!("migrations/0013_event_slots.sql")),
    M::up(include_str!("migrations/0014_compact_event_rows.sql")),
    M::up(include_str!("migrations/0015_event_incident_number.sql")),
    M::up(include_str!("migrations/0016_no_fingerprint_index.sql")),
    M::up(include_str!("migrations/0017_attribute_names.sql")),
    M::up(include_str!("migrations/0018_import_times.sql")),
    M::up(include_str!("migrations/0019_events_set_aside.sql")),
];

pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS_SLICE)
}

/// The schema version this build writes.
pub fn latest_version() -> i32 {
    MIGRATIONS_SLICE.len() as i32
}

/// Opens (creating if missing) the database at `path`, checked and migrated.
pub fn open_file(path: &Path) -> Result<Connection> {
    open_file_noting(path, &|_| {})
}

/// How often an upgrade says it is still running.
const UPGRADE_TICK: std::time::Duration = std::time::Duration::from_secs(3);

/// [`open_file`], telling `note` before an upgrade starts and every few seconds while it
/// runs (it copies the file and may rewrite every event: seconds for a large database,
/// which should not look hung).
pub fn open_file_noting(path: &Path, note: &(dyn Fn(&str) + Sync)) -> Result<Connection> {
    let refuse = |reason: String| StoreError::Refused {
        path: path.to_path_buf(),
        reason,
    };
    let created = if path.exists() {
        check_header(path).map_err(refuse)?;
        #[cfg(unix)]
        check_writable(path).map_err(refuse)?;
        false
    } else {
        create_private(path).map_err(|e| refuse(format!("cannot create the database: {e}")))?;
        true
    };
    let result = open_checked(path, created, &refuse, note);
    if result.is_err() && created {
        // Leave no empty file behind: the next start would (rightly) refuse it.
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = fs::remove_file(with_suffix(path, suffix));
        }
    }
    result
}

fn open_checked(
    path: &Path,
    created: bool,
    refuse: &dyn Fn(String) -> StoreError,
    note: &(dyn Fn(&str) + Sync),
) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)
        .map_err(|e| refuse(format!("cannot open: {e}")))?;
    // Before any upgrade: the views and triggers of schema 17 call it.
    super::attr_names::register(&conn)?;
    let version = if created {
        0
    } else {
        check_ours(&conn).map_err(refuse)?
    };
    // A created file is at version 0: nothing to keep or upgrade.
    let upgrade = version > 0 && version < latest_version();
    let mut finish = || -> Result<()> {
        if upgrade {
            keep_copy_before_migration(&conn, path, version)?;
        }
        if created {
            // Before the first table: freed pages can then be given back step by step.
            conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        }
        configure(&conn)?;
        migrate(&mut conn, version)?;
        if version < latest_version() {
            // An upgrade may make an index again (schema 14 the full-text index): the
            // pages of the old one go back to the file system instead of staying free
            // inside it. Each step of the statement frees one page.
            let mut vacuum = conn.prepare("PRAGMA incremental_vacuum")?;
            let mut steps = vacuum.query([])?;
            while steps.next()?.is_some() {}
        }
        Ok(())
    };
    if upgrade {
        note(&format!(
            "upgrading the database from schema {version} to {} (a copy from before is kept beside it); a large database takes a while",
            latest_version()
        ));
        ticking(note, UPGRADE_TICK, finish)?;
    } else {
        finish()?;
    }
    Ok(conn)
}

/// Runs `work`, telling `note` every `tick` that it is still running, until it returns.
pub(super) fn ticking<T>(
    note: &(dyn Fn(&str) + Sync),
    tick: std::time::Duration,
    work: impl FnOnce() -> T,
) -> T {
    let (done, ticks) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        s.spawn(move || {
            let started = std::time::Instant::now();
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = ticks.recv_timeout(tick) {
                note(&format!(
                    "still upgrading: {} s so far",
                    started.elapsed().as_secs()
                ));
            }
        });
        let out = work();
        // Dropped, the sender ends the ticks (on a panic too, while unwinding).
        drop(done);
        out
    })
}

/// Creates the file (and its folders) readable by its owner only, before SQLite does:
/// SQLite gives its -wal and -shm files the database file's mode.
fn create_private(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Folders made for the database are the owner's alone (0700), whatever the umask.
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir)?;
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// Refuses, by reading only, a file SQLite would misread: empty, not SQLite at all, or
/// shorter than its header says.
fn check_header(path: &Path) -> std::result::Result<(), String> {
    // Never blocks on a FIFO or a device given as the database: refused as not a file.
    let mut file = open_regular(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidInput => {
            format!("{e}; a database is a regular file: choose another path with --db")
        }
        _ => format!("cannot read: {e}"),
    })?;
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(e) => return Err(format!("cannot read: {e}")),
        }
    }
    if read == 0 {
        return Err("the file is empty (0 bytes), not a debrief database; \
                    delete it or choose another path with --db"
            .into());
    }
    if read < header.len() || &header[..16] != b"SQLite format 3\0" {
        return Err(
            "not a SQLite database (is this the right file? choose another with --db)".into(),
        );
    }
    let len = file
        .metadata()
        .map_err(|e| format!("cannot read: {e}"))?
        .len();
    check_length(path, &header, len)?;
    check_marks(path, &mut file, &header)
}

/// Decides from the bytes alone, before SQLite may write anything, that the file is
/// debrief's or a new empty database. Opening read-write would first recover a hot
/// rollback journal or replay a write-ahead log into the file (and delete the log): on
/// a file that is not ours, that destroys evidence. So: page 1 as SQLite would see it
/// (the latest committed copy in a valid -wal, else the file's own) must carry debrief's
/// application id, or be an empty database's; and a file that is not marked ours must
/// have no rollback journal to recover.
fn check_marks(
    path: &Path,
    file: &mut fs::File,
    header: &[u8; 100],
) -> std::result::Result<(), String> {
    let not_ours = || {
        "a SQLite database, but not a debrief database; debrief will not change it \
         (choose another file with --db)"
            .to_string()
    };
    let page_one = match wal_page_one(&with_suffix(path, "-wal")) {
        Some(page) => page,
        None => {
            let size = page_size(header) as usize;
            let mut page = vec![0u8; size];
            use std::io::{Seek, SeekFrom};
            file.seek(SeekFrom::Start(0))
                .map_err(|e| format!("cannot read: {e}"))?;
            let mut read = 0;
            while read < size {
                match file.read(&mut page[read..]) {
                    Ok(0) => break,
                    Ok(n) => read += n,
                    Err(e) => return Err(format!("cannot read: {e}")),
                }
            }
            page.truncate(read);
            page
        }
    };
    if page_one.len() < 108 {
        return Err(not_ours());
    }
    let app_id = i32::from_be_bytes([page_one[68], page_one[69], page_one[70], page_one[71]]);
    if app_id == APPLICATION_ID {
        return Ok(());
    }
    // Not marked ours: only an empty database (no tables: page 1 an empty leaf with no
    // cells, schema version 0) may become one, and only with no journal to recover.
    let user_version = i32::from_be_bytes([page_one[60], page_one[61], page_one[62], page_one[63]]);
    let empty =
        app_id == 0 && user_version == 0 && page_one[100] == 0x0d && page_one[103..105] == [0, 0];
    let journal = fs::symlink_metadata(with_suffix(path, "-journal")).is_ok_and(|m| m.len() > 0);
    if !empty || journal {
        return Err(not_ours());
    }
    Ok(())
}

fn page_size(header: &[u8]) -> u32 {
    match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u32::from(n),
    }
}

/// The latest committed copy of page 1 in a write-ahead log, read the way SQLite reads
/// it: frames count only while their salts match the log's header and their cumulative
/// checksums hold, and only up to the last commit frame. `None` when the log is missing,
/// empty or holds no committed page 1.
fn wal_page_one(wal: &Path) -> Option<Vec<u8>> {
    let bytes = {
        let mut file = open_regular(wal).ok()?;
        let mut bytes = Vec::new();
        // A log holds at most a few thousand pages between checkpoints.
        file.read_to_end(&mut bytes).ok()?;
        bytes
    };
    if bytes.len() < 32 {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let magic = be(&bytes[0..4]);
    if magic & !1 != 0x377f_0682 {
        return None;
    }
    let big_endian = magic & 1 == 1;
    let page_size = be(&bytes[8..12]) as usize;
    if !(512..=65_536).contains(&page_size) || !page_size.is_power_of_two() {
        return None;
    }
    let salts = &bytes[16..24];
    let mut sum = wal_checksum(&bytes[0..24], (0, 0), big_endian);
    if sum != (be(&bytes[24..28]), be(&bytes[28..32])) {
        return None;
    }
    let mut latest = None;
    let mut pending = None;
    let frame = 24 + page_size;
    let mut at = 32;
    while at + frame <= bytes.len() {
        let head = &bytes[at..at + 24];
        let page = &bytes[at + 24..at + frame];
        if &head[8..16] != salts {
            break;
        }
        sum = wal_checksum(&head[0..8], sum, big_endian);
        sum = wal_checksum(page, sum, big_endian);
        if sum != (be(&head[16..20]), be(&head[20..24])) {
            break;
        }
        if be(&head[0..4]) == 1 {
            pending = Some(page.to_vec());
        }
        if be(&head[4..8]) != 0 && pending.is_some() {
            // A commit frame: what came before it is committed.
            latest = pending.take();
        }
        at += frame;
    }
    latest
}

/// SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `sum`.
fn wal_checksum(data: &[u8], sum: (u32, u32), big_endian: bool) -> (u32, u32) {
    let (mut s1, mut s2) = sum;
    for pair in data.chunks_exact(8) {
        let word = |b: &[u8]| {
            let b = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        s1 = s1.wrapping_add(word(&pair[0..4])).wrapping_add(s2);
        s2 = s2.wrapping_add(word(&pair[4..8])).wrapping_add(s1);
    }
    (s1, s2)
}

/// A file shorter than its pages would read as damaged only when a missing page is
/// reached, perhaps long after opening; say so at once, unless the pages may still be in
/// a write-ahead log (or a rollback journal) beside it.
fn check_length(path: &Path, header: &[u8; 100], len: u64) -> std::result::Result<(), String> {
    match promised_size(header) {
        Some(promised) if len < promised && !has_journal(path) => Err(format!(
            "the file is truncated ({len} bytes of the {promised} its header promises): \
             it was cut short while being copied or written; restore it from a backup \
             (`debrief backup` makes one)"
        )),
        _ => Ok(()),
    }
}

/// Page size times page count, when SQLite itself would trust the count: only when
/// "version-valid-for" (bytes 92..96) equals the change counter (bytes 24..28), as
/// writers older than SQLite 3.7.0 left the count stale.
fn promised_size(header: &[u8; 100]) -> Option<u64> {
    if header[92..96] != header[24..28] {
        return None;
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u32::from_be_bytes([header[28], header[29], header[30], header[31]]);
    Some(page_size * u64::from(pages))
}

/// A non-empty -wal (or -journal) file may hold pages the main file does not have yet.
fn has_journal(path: &Path) -> bool {
    ["-wal", "-journal"]
        .iter()
        .any(|suffix| fs::metadata(with_suffix(path, suffix)).is_ok_and(|m| m.len() > 0))
}

/// Refuses, before SQLite opens it, a file or folder its owner may not write: a read-only
/// database would fail at the first change, and SQLite creates FILE-wal and FILE-shm
/// beside it. The mode bits are read rather than access(2), which says yes to root.
#[cfg(unix)]
fn check_writable(path: &Path) -> std::result::Result<(), String> {
    if !owner_may_write(path)? {
        return Err(format!(
            "the file is read-only; debrief records every change as it is made, so it needs \
             to write: make it writable (chmod u+w {}) or work on a copy",
            path.display()
        ));
    }
    let folder = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !owner_may_write(folder)? {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        return Err(format!(
            "the folder {} is read-only; SQLite keeps its write-ahead log ({name}-wal) beside \
             the database: make the folder writable or move the database",
            folder.display()
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn owner_may_write(path: &Path) -> std::result::Result<bool, String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(meta.permissions().mode() & 0o200 != 0)
}

/// A warning when the database's folder may be written by others (group or other write
/// bits): they could delete or replace the file, or plant its -wal beside it.
pub fn folder_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let folder = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mode = fs::metadata(folder).ok()?.permissions().mode();
        if mode & 0o022 != 0 {
            return Some(format!(
                "warning: others may write to the folder {} (mode {:o}) and so replace or \
                 delete the database in it; make it private (chmod go-w {}) or move the database",
                folder.display(),
                mode & 0o7777,
                folder.display()
            ));
        }
    }
    let _ = path;
    None
}

/// Reads the file's marks through SQLite (which also sees a not yet checkpointed WAL)
/// and returns its schema version, or says why it is not a database we may open.
fn check_ours(conn: &Connection) -> std::result::Result<i32, String> {
    let read = |sql: &str| -> std::result::Result<i32, String> {
        conn.query_row(sql, [], |r| r.get(0))
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => {
                    "the file is corrupt or not a SQLite database".to_string()
                }
                // Damage in the schema itself: nothing can be read, `debrief check` included.
                Some(rusqlite::ErrorCode::DatabaseCorrupt) => format!(
                    "the database file is damaged ({e}); nothing was changed: \
                     restore it from a backup"
                ),
                _ => format!("cannot read the database: {e}"),
            })
    };
    let app_id = read("PRAGMA application_id")?;
    let version = read("PRAGMA user_version")?;
    let objects = read("SELECT count(*) FROM sqlite_master")?;
    if app_id != APPLICATION_ID && !(app_id == 0 && version == 0 && objects == 0) {
        return Err("a SQLite database, but not a debrief database; \
                    debrief will not change it (choose another file with --db)"
            .into());
    }
    if version > latest_version() {
        return Err(format!(
            "written by a newer debrief (schema {version}; this one knows up to {}); \
             upgrade debrief to open it",
            latest_version()
        ));
    }
    Ok(version)
}

/// Brings the schema to the latest version with foreign keys off, as SQLite's way of
/// making a table again asks (schema 15 does: dropping the old events table must not
/// delete what refers to it), then checks every reference before turning them back
/// on. `from` is the version the file is at (0 for a new one).
fn migrate(conn: &mut Connection, from: i32) -> Result<()> {
    if from == latest_version() {
        return Ok(());
    }
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    migrations().to_latest(conn)?;
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    if broken > 0 {
        return Err(StoreError::invalid(
            "schema",
            format!(
                "after the upgrade {broken} rows refer to rows that do not exist; restore the copy kept beside the database"
            ),
        ));
    }
    Ok(())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if mode != "wal" && mode != "memory" {
        return Err(StoreError::invalid(
            "schema",
            format!("the database could not switch to WAL mode (it is in {mode} mode)"),
        ));
    }
    // In WAL mode, NORMAL may lose the last commits on a power cut; postmortem records are evidence.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Once checkpointed, the -wal file is cut back to 64 MB: a million-event import would
    // otherwise leave half a gigabyte of it on disk until the last window closes.
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    Ok(())
}

/// Before migrating an older schema, a consistent copy is kept beside the file.
fn keep_copy_before_migration(conn: &Connection, path: &Path, version: i32) -> Result<()> {
    let copy = with_suffix(path, &format!(".schema-{version}.bak"));
    if !copy.exists() {
        // VACUUM INTO accepts an empty file: create it private first.
        create_private(&copy)?;
        conn.execute("VACUUM INTO ?1", [copy.to_string_lossy()])?;
        restrict(&copy)?;
    }
    Ok(())
}

pub(crate) fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))?;
    }
    let _ = path;
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// A fresh in-memory database with the full schema (tests and previews).
pub fn open_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    super::attr_names::register(&conn)?;
    migrate(&mut conn, 0)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

/// Opens an existing file for reading only when it is a regular file. The open does not
/// block (O_NONBLOCK: a FIFO would otherwise wait for a writer forever, and the workbench
/// with it); the type is then read from the open file itself (fstat), so a file swapped
/// for a FIFO or a device between a check and the open is refused too.
pub fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "it is a folder"
        } else {
            "it is not a regular file (a FIFO, socket or device)"
        };
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, what));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header promising `pages` pages of `size` bytes (SQLite's encoding: 1 is 65536),
    /// its page count trusted unless `stale`.
    fn header(size: u16, pages: u32, stale: bool) -> [u8; 100] {
        let mut h = [0u8; 100];
        h[16..18].copy_from_slice(&size.to_be_bytes());
        h[24..28].copy_from_slice(&7u32.to_be_bytes());
        h[28..32].copy_from_slice(&pages.to_be_bytes());
        h[92..96].copy_from_slice(&(if stale { 6u32 } else { 7 }).to_be_bytes());
        h
    }

    #[test]
    fn the_promised_size_is_trusted_as_sqlite_trusts_it() {
        assert_eq!(promised_size(&header(4096, 10, false)), Some(40_960));
        assert_eq!(promised_size(&header(1, 2, false)), Some(131_072));
        assert_eq!(promised_size(&header(4096, 10, true)), None);
    }

    #[test]
    fn a_short_file_is_refused_unless_a_log_beside_it_may_hold_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let h = header(4096, 10, false);
        assert!(check_length(&path, &h, 40_960).is_ok());
        assert!(
            check_length(&path, &h, 50_000).is_ok(),
            "longer is not damage"
        );
        let e = check_length(&path, &h, 20_480).unwrap_err();
        assert!(e.contains("truncated (20480 bytes of the 40960"), "{e}");
        fs::write(with_suffix(&path, "-wal"), b"").unwrap();
        assert!(
            check_length(&path, &h, 20_480).is_err(),
            "an empty log holds nothing"
        );
        fs::write(with_suffix(&path, "-wal"), b"frames").unwrap();
        assert!(check_length(&path, &h, 20_480).is_ok());
        assert!(check_length(&path, &header(4096, 10, true), 20_480).is_ok());
    }
}
