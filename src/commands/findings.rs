//! `debrief finding`, `debrief actor` and `debrief evidence`.

use crate::cli::{ActorCommand, EvidenceCommand, FindingCommand};
use crate::domain::{Attribution, NewFinding, VerifyState};
use crate::store::{IdKind, Store, Target, evidence_json, finding_json, short_id};
use crate::text::inert;
use anyhow::{Context, Result, anyhow, bail};
use serde_json::json;
use std::io::Write;

pub fn finding(store: &mut Store, command: FindingCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        FindingCommand::Add {
            key,
            kind,
            title,
            description,
            impact,
            cross_org,
            events,
            evidence,
        } => {
            let incident = store.require_incident(&key)?;
            let mut new = NewFinding::new(kind, &title).map_err(|e| anyhow!(e))?;
            new.description = description;
            new.impact = impact;
            if let Some(group) = cross_org {
                new.cross_org = true;
                new.group = group;
            }
            let events = resolve_all(store, IdKind::Event, &incident.id, &events, "--event")?;
            let evidence = resolve_all(
                store,
                IdKind::Evidence,
                &incident.id,
                &evidence,
                "--evidence",
            )?;
            let f = store.create_finding_with_evidence(&incident.id, &new, &events, &evidence)?;
            writeln!(out, "{}", f.id)?;
        }
        FindingCommand::List { key, json: as_json } => {
            let incident = store.require_incident(&key)?;
            let findings = store.list_findings(&incident.id)?;
            if as_json {
                let all: Vec<_> = findings
                    .iter()
                    .map(|s| {
                        let mut v = finding_json(&s.finding);
                        let events: Vec<String> = store
                            .finding_events(&s.finding.id)
                            .map(|es| es.into_iter().map(|e| e.id).collect())
                            .unwrap_or_default();
                        v["events"] = json!(events);
                        v["evidence"] = json!(s.evidence);
                        v
                    })
                    .collect();
                writeln!(out, "{}", super::pretty_json(&all)?)?;
            } else if findings.is_empty() {
                writeln!(
                    out,
                    "no findings yet: 'debrief finding add {} --kind KIND --title TEXT'",
                    inert(&incident.key)
                )?;
            } else {
                for s in &findings {
                    let f = &s.finding;
                    let flag = if s.evidence == 0 {
                        "  (no evidence)"
                    } else {
                        ""
                    };
                    let cross = if f.cross_org {
                        format!("  [cross-org: {}]", inert(&f.group))
                    } else {
                        String::new()
                    };
                    writeln!(
                        out,
                        "{}  {:<21} {}  ({} events){cross}{flag}",
                        short_id(&f.id),
                        f.kind.as_str(),
                        inert(&f.title),
                        s.events
                    )?;
                }
            }
        }
    }
    Ok(())
}

pub fn actor(store: &mut Store, command: ActorCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        ActorCommand::Add {
            key,
            name,
            kind,
            suspected,
            note,
        } => {
            let incident = store.require_incident(&key)?;
            let attribution = if suspected {
                Attribution::Suspected
            } else {
                Attribution::Known
            };
            let (a, created) =
                store.save_actor(&incident.id, &name, kind, attribution, &note, None)?;
            let verb = if created { "added" } else { "updated" };
            writeln!(
                out,
                "{verb} actor {} ({}, {})",
                inert(&a.name),
                a.kind.label(),
                a.attribution.as_str()
            )?;
        }
        ActorCommand::Rename {
            key,
            name,
            new_name,
        } => super::edits::actor_rename(store, &key, &name, &new_name, out)?,
        ActorCommand::List { key, json: as_json } => {
            let incident = store.require_incident(&key)?;
            let actors = store.list_actors(&incident.id)?;
            if as_json {
                let all: Vec<_> = actors
                    .iter()
                    .map(|a| {
                        json!({"id": a.id, "name": a.name, "kind": a.kind.as_str(),
                        "attribution": a.attribution.as_str(), "note": a.note})
                    })
                    .collect();
                writeln!(out, "{}", super::pretty_json(&all)?)?;
            } else {
                for a in &actors {
                    writeln!(
                        out,
                        "{:<24} {:<22} {:<9} {}",
                        inert(&a.name),
                        a.kind.label(),
                        a.attribution.as_str(),
                        inert(&a.note)
                    )?;
                }
            }
        }
    }
    Ok(())
}

pub fn evidence(store: &mut Store, command: EvidenceCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        EvidenceCommand::Add {
            key,
            path,
            url,
            title,
            events,
            findings,
        } => {
            let incident = store.require_incident(&key)?;
            let events = resolve_all(store, IdKind::Event, &incident.id, &events, "--event")?;
            let findings =
                resolve_all(store, IdKind::Finding, &incident.id, &findings, "--finding")?;
            let mut targets: Vec<Target<'_>> = events.iter().map(|e| Target::Event(e)).collect();
            targets.extend(findings.iter().map(|f| Target::Finding(f)));
            let ev = match (path, url) {
                (Some(path), _) => {
                    crate::ops::attach_file(store, &incident.id, &path, &title, &targets)?
                }
                (None, Some(url)) => {
                    let url = crate::domain::required("--url", &url)?;
                    crate::ops::attach_reference(store, &incident.id, &url, &title, &targets)?
                }
                (None, None) => bail!("give --path FILE or --url URL"),
            };
            writeln!(out, "{}", ev.id)?;
        }
        EvidenceCommand::List { key, json: as_json } => {
            let incident = store.require_incident(&key)?;
            let all = store.list_evidence(&incident.id)?;
            if as_json {
                let all: Vec<_> = all
                    .iter()
                    .map(|s| {
                        let mut v = evidence_json(&s.evidence);
                        v["events"] = json!(s.events);
                        v["findings"] = json!(s.findings);
                        v
                    })
                    .collect();
                writeln!(out, "{}", super::pretty_json(&all)?)?;
            } else {
                for s in &all {
                    let e = &s.evidence;
                    let hash = e
                        .sha256
                        .as_deref()
                        .map(|h| format!("  sha256 {}…", inert(crate::text::head(h, 16))))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "{}  {:<4} {}{hash}  ({} events, {} findings)",
                        short_id(&e.id),
                        e.kind.as_str(),
                        inert(&e.locator),
                        s.events,
                        s.findings
                    )?;
                }
            }
        }
        EvidenceCommand::Verify { key } => {
            let incident = store.require_incident(&key)?;
            let results = crate::ops::verify_evidence(store, &incident.id)?;
            let bad = results
                .iter()
                .filter(|(_, s)| *s != VerifyState::Ok)
                .count();
            for (e, state) in &results {
                writeln!(out, "{:<8} {}", state.as_str(), inert(&e.locator))?;
            }
            if results.is_empty() {
                writeln!(out, "no evidence files to verify")?;
            }
            if bad > 0 {
                bail!(
                    "{bad} of {} evidence files changed or missing",
                    results.len()
                );
            }
        }
        EvidenceCommand::Link {
            id,
            events,
            findings,
        } => super::edits::evidence_link(store, &id, &events, &findings, true, out)?,
        EvidenceCommand::Unlink {
            id,
            events,
            findings,
        } => super::edits::evidence_link(store, &id, &events, &findings, false, out)?,
    }
    Ok(())
}

/// Ids typed on the command line (any unique start or end), each resolved or named by flag.
pub(crate) fn resolve_all(
    store: &Store,
    kind: IdKind,
    incident_id: &str,
    typed: &[String],
    flag: &str,
) -> Result<Vec<String>> {
    typed
        .iter()
        .map(|t| {
            store
                .resolve_id(kind, incident_id, t)
                .with_context(|| flag.to_string())
        })
        .collect()
}
