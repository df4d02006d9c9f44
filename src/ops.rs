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

/// What the evidence prompt did.
#[derive(Debug, Clone, PartialEq)]
pub enum Attached {
    /// New evidence, recorded and linked.
    New(Evidence),
    /// The file or reference was already evidence of the incident: linked, not added again.
    Linked(Evidence),
}

/// The evidence prompt's text read as a locator and a title: the longest start of it that
/// names an existing file (paths may hold spaces), else its first word (a URL or a ticket);
/// the rest is the title.
pub fn split_typed_evidence(typed: &str) -> (String, String) {
    let typed = typed.trim();
    let mut ends: Vec<usize> = typed
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .collect();
    ends.push(typed.len());
    for &end in ends.iter().rev() {
        let candidate = &typed[..end];
        if Path::new(candidate).is_file() {
            return (candidate.to_string(), typed[end..].trim().to_string());
        }
    }
    match typed.split_once(char::is_whitespace) {
        Some((locator, title)) => (locator.to_string(), title.trim().to_string()),
        None => (typed.to_string(), String::new()),
    }
}

/// The locator evidence typed this way is kept under: a file's absolute path, or the text.
pub fn evidence_locator(locator: &str) -> String {
    let path = Path::new(locator);
    if path.is_file()
        && let Ok(absolute) = std::fs::canonicalize(path)
    {
        return absolute.to_string_lossy().into_owned();
    }
    locator.to_string()
}

/// What an analyst typed into the evidence prompt (`PATH-OR-URL [title]`): an existing
/// file is hashed; anything else is kept as a URL or ticket reference. Attached to an
/// event when one is given; evidence the incident already has is linked to it instead.
pub fn attach_typed(
    store: &mut Store,
    incident_id: &str,
    typed: &str,
    event: Option<&str>,
) -> anyhow::Result<Attached> {
    let targets: Vec<Target<'_>> = event.map(Target::Event).into_iter().collect();
    let (locator, title) = split_typed_evidence(typed);
    if let Some(existing) = store.evidence_by_locator(incident_id, &evidence_locator(&locator))? {
        if targets.is_empty() {
            anyhow::bail!(
                "{} is already evidence of this incident; link it with l in this view",
                existing.locator
            );
        }
        store.link_evidence_to(&existing.id, &targets)?;
        return Ok(Attached::Linked(existing));
    }
    let path = Path::new(&locator);
    let new = if path.is_file() {
        attach_file(store, incident_id, path, &title, &targets)?
    } else {
        attach_reference(store, incident_id, &locator, &title, &targets)?
    };
    Ok(Attached::New(new))
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
