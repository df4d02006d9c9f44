//! What the command line and the workbench both do, written once: attach evidence (a
//! file is hashed under its canonical path), verify the evidence files, load the demo.

use crate::domain::{Evidence, EvidenceKind, Incident, VerifyState};
use crate::io::hash;
use crate::store::{Store, Target};
use std::path::Path;

/// Attaches a local file: hashed (SHA-256, size, time) under its canonical path, so the
/// same file under two spellings is one piece of evidence.
pub fn attach_file(
    store: &mut Store,
    incident_id: &str,
    path: &Path,
    title: &str,
    targets: &[Target<'_>],
) -> anyhow::Result<Evidence> {
    use anyhow::Context;
    let absolute = std::fs::canonicalize(path).with_context(|| format!("{}", path.display()))?;
    let print =
        hash::fingerprint(&absolute).with_context(|| format!("cannot read {}", path.display()))?;
    let locator = absolute.to_string_lossy().into_owned();
    Ok(store.add_evidence(
        incident_id,
        EvidenceKind::File,
        &locator,
        title,
        Some(&print),
        targets,
    )?)
}

/// Attaches a URL or a ticket reference.
pub fn attach_reference(
    store: &mut Store,
    incident_id: &str,
    locator: &str,
    title: &str,
    targets: &[Target<'_>],
) -> anyhow::Result<Evidence> {
    let locator = crate::domain::required("locator", locator).map_err(anyhow::Error::msg)?;
    Ok(store.add_evidence(
        incident_id,
        EvidenceKind::Url,
        &locator,
        title,
        None,
        targets,
    )?)
}

/// What an analyst typed into the evidence prompt: an existing file is hashed; anything
/// else is kept as a URL or ticket reference. Attached to an event when one is given.
pub fn attach_typed(
    store: &mut Store,
    incident_id: &str,
    typed: &str,
    event: Option<&str>,
) -> anyhow::Result<Evidence> {
    let targets: Vec<Target<'_>> = event.map(Target::Event).into_iter().collect();
    let path = Path::new(typed);
    if path.is_file() {
        attach_file(store, incident_id, path, "", &targets)
    } else {
        attach_reference(store, incident_id, typed, "", &targets)
    }
}

/// Hashes every evidence file of an incident again and records what changed.
pub fn verify_evidence(
    store: &mut Store,
    incident_id: &str,
) -> crate::store::Result<Vec<(Evidence, VerifyState)>> {
    store.verify_evidence(incident_id, |p| hash::fingerprint(Path::new(p)).ok())
}

/// The demo incident, created unless it is already there. The flag says it was created.
pub fn load_demo(store: &mut Store) -> anyhow::Result<(Incident, bool)> {
    let seed = crate::io::demo::demo_seed().map_err(anyhow::Error::msg)?;
    if let Some(existing) = store.incident_by_key(&seed.incident.key)? {
        return Ok((existing, false));
    }
    Ok((store.create_seeded_incident(&seed)?, true))
}
