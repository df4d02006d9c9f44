//! `bundle import FILE`: the file's bundle merged into this database, three-way against
//! the bundle last exchanged with that file (store/merge_import.rs), and `bundle export`
//! remembering what it wrote.

use super::bundle_merge::Choices;
use crate::store::Store;
use crate::text::inert;
use anyhow::{Context, Result, anyhow};
use std::io::Write;
use std::path::Path;

/// The name a file is remembered by: its canonical path (the same file however it is
/// reached), or the path as given when it cannot be resolved.
fn file_key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// The largest bundle file remembered as the base of its next import. The export streams
/// (its memory does not grow with the incident); remembering reads the file back whole,
/// so a larger one is not remembered and its next import merges record by record.
const REMEMBERED_BUNDLE_LIMIT: u64 = 64 * 1024 * 1024;

/// After `bundle export -o FILE`: FILE's bundle, read back, is the base of its next import.
pub(super) fn remember_export(
    store: &mut Store,
    incident_id: &str,
    path: &Path,
    out: &mut dyn Write,
) -> Result<()> {
    // A pipe or a device written into holds no bundle to come back to.
    let Some(meta) = std::fs::metadata(path).ok().filter(|m| m.is_file()) else {
        return Ok(());
    };
    if meta.len() > REMEMBERED_BUNDLE_LIMIT {
        writeln!(
            out,
            "note: {} is over {} MB, so it is not remembered: its next import merges record by record, not field by field",
            path.display(),
            REMEMBERED_BUNDLE_LIMIT / (1024 * 1024)
        )?;
        return Ok(());
    }
    let bundle = super::bundle_merge::read_bundle(path)?;
    store
        .remember_export(incident_id, &file_key(path), &bundle)
        .context("the bundle was written, but could not be remembered for the next import")
}

pub(super) fn import(
    store: &mut Store,
    file: &Path,
    choices: &Choices,
    dry_run: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let name = file.display().to_string();
    // Who the history says made the merged changes: the file's side.
    let by = format!(
        "bundle {}",
        file.file_name()
            .map_or(name.clone(), |n| n.to_string_lossy().into_owned())
    );
    let size = std::fs::metadata(file)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let remembered = size.is_none_or(|s| s <= REMEMBERED_BUNDLE_LIMIT);
    let not_remembered = |out: &mut dyn Write| -> Result<()> {
        if !remembered && !dry_run {
            writeln!(
                out,
                "note: {name} is over {} MB, so it is not remembered: its next import merges record by record, not field by field",
                REMEMBERED_BUNDLE_LIMIT / (1024 * 1024)
            )?;
        }
        Ok(())
    };
    let would = if dry_run { "would have " } else { "" };
    let dry = if dry_run {
        " (dry run: nothing was written)"
    } else {
        ""
    };
    let mut streamed = None;
    if size.is_some_and(|s| s > 0) {
        // A first pass holding one row at a time refuses a bad bundle before anything is
        // written or held whole.
        let open =
            crate::store::open_regular(file).with_context(|| format!("cannot read {name}"))?;
        crate::store::precheck_bundle(open).with_context(|| name.clone())?;
        // An incident not here yet is created as the file is read, one here with no
        // remembered base merged record by record as it is read (memory independent of
        // the file's size); the three-way merge holds the bundle whole, below.
        let open =
            crate::store::open_regular(file).with_context(|| format!("cannot read {name}"))?;
        // Hashed as it is read: the SHA-256 recorded with a large bundle's import.
        let (open, hash) = crate::io::import::Tracked::new(open, None);
        let again = || std::fs::read_to_string(file);
        let base: crate::store::BaseText<'_> = remembered.then_some(&again);
        let digest = || hash.hex();
        streamed = store
            .import_new_bundle(open, &file_key(file), &name, &digest, &by, dry_run, base)
            .with_context(|| name.clone())?;
    }
    let o = match streamed {
        Some(o) => o,
        None => {
            let bundle = super::bundle_merge::read_bundle(file)?;
            if bundle.get("format").is_none() {
                return Err(anyhow!("{name}: not a bundle (the file is empty)"));
            }
            store
                .import_bundle_remembered(
                    &bundle,
                    &file_key(file),
                    &by,
                    &|c| choices.choose(c),
                    dry_run,
                    remembered,
                )
                .with_context(|| name.clone())?
        }
    };
    if o.created {
        writeln!(
            out,
            "{would}created {}: {} records added{dry}",
            o.incident_key, o.added
        )?;
        return not_remembered(out);
    }
    match o.base_at {
        Some(at) => writeln!(
            out,
            "{would}merged {} field by field against {name} as last exchanged ({} UTC): {} fields changed in {} records, {} records added, {} removed{}{dry}",
            o.incident_key,
            at.format("%Y-%m-%d %H:%M:%S"),
            o.fields,
            o.changed,
            o.added,
            o.removed,
            if o.settled > 0 {
                format!(", {} conflicts settled as chosen", o.settled)
            } else {
                String::new()
            }
        )?,
        None => {
            writeln!(
                out,
                "no bundle of {} was imported from or exported to {name} before: merged record by record (the newer change of a record wins){}",
                o.incident_key,
                match remembered {
                    true => "; the next import of this file merges field by field",
                    false => "",
                }
            )?;
            for c in &o.notes {
                writeln!(out, "conflict: {}", inert(c))?;
            }
            writeln!(
                out,
                "{would}merged into {}: {} records added, {} replaced, {} unchanged, {} conflicts{dry}",
                o.incident_key,
                o.added,
                o.changed,
                o.unchanged,
                o.notes.len()
            )?;
        }
    }
    not_remembered(out)
}
