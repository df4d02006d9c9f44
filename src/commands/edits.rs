//! Commands for scripting what the workbench edits: an event's fields, deleting an event,
//! and linking evidence already recorded to more events and findings.

use super::findings::resolve_all;
use crate::cli::EventEdit;
use crate::domain::{NewEvent, Phase, attack, parse_time};
use crate::store::{IdKind, Store, Target, short_id};
use crate::text::inert;
use anyhow::{Context, Result, anyhow, bail};
use std::io::Write;

/// `debrief event edit ID [--at --text --actor --source --phase --tag --technique]`.
pub fn event_edit(store: &mut Store, edit: EventEdit, out: &mut dyn Write) -> Result<()> {
    let (id, incident_id) = store.resolve_any(IdKind::Event, &edit.id)?;
    let before = store
        .event(&id)?
        .ok_or_else(|| anyhow!("event {} no longer exists", edit.id))?;
    let incident = store
        .incident_by_id(&incident_id)?
        .ok_or_else(|| anyhow!("the event's incident no longer exists"))?;
    let mut new = NewEvent::from(&before);
    let given = |v: &Option<String>| v.as_deref().map(|s| crate::domain::optional(Some(s)));
    if let Some(at) = &edit.at {
        let ctx = store.time_context(&incident)?;
        new.at = parse_time(at, &ctx).context("--at")?;
    }
    if let Some(text) = &edit.text {
        new.text = crate::domain::required("--text", text).map_err(|e| anyhow!(e))?;
    }
    if let Some(actor) = given(&edit.actor) {
        new.actor = actor;
    }
    if let Some(source) = given(&edit.source) {
        new.source = source;
    }
    if let Some(phase) = given(&edit.phase) {
        new.phase = phase
            .map(|p| p.parse::<Phase>())
            .transpose()
            .map_err(|e| anyhow!("--phase: {e}"))?;
    }
    if !edit.tags.is_empty() {
        let tags: Vec<String> = edit
            .tags
            .iter()
            .filter(|t| !t.trim().is_empty())
            .cloned()
            .collect();
        new.tags.clear();
        new = new.with_tags(&tags).map_err(|e| anyhow!("--tag: {e}"))?;
    }
    if let Some(technique) = given(&edit.technique) {
        new = new
            .with_technique(technique.as_deref())
            .map_err(|e| anyhow!("--technique: {e}"))?;
        if let Some(t) = &new.technique {
            attack::require_known(t).map_err(|e| anyhow!("--technique: {e}"))?;
        }
    }
    if new == NewEvent::from(&before) {
        bail!(
            "nothing to change: give --at, --text, --actor, --source, --phase, --tag or --technique"
        );
    }
    let saved = store.update_event(&id, &new, Some(before.version))?;
    writeln!(out, "{}", saved.id)?;
    Ok(())
}

/// `debrief event delete ID`.
pub fn event_delete(store: &mut Store, typed: &str, out: &mut dyn Write) -> Result<()> {
    let (id, _) = store.resolve_any(IdKind::Event, typed)?;
    let gone = store.delete_event(&id)?;
    writeln!(
        out,
        "deleted {} {} (u in the workbench undoes it)",
        short_id(&gone.id),
        inert(&crate::text::clip(&gone.text, 60))
    )?;
    Ok(())
}

/// `debrief evidence link|unlink ID [--event ID]... [--finding ID]...`.
pub fn evidence_link(
    store: &mut Store,
    typed: &str,
    events: &[String],
    findings: &[String],
    link: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if events.is_empty() && findings.is_empty() {
        bail!("give at least one --event ID or --finding ID");
    }
    let (id, incident_id) = store.resolve_any(IdKind::Evidence, typed)?;
    let events = resolve_all(store, IdKind::Event, &incident_id, events, "--event")?;
    let findings = resolve_all(store, IdKind::Finding, &incident_id, findings, "--finding")?;
    let mut targets: Vec<Target<'_>> = events.iter().map(|e| Target::Event(e)).collect();
    targets.extend(findings.iter().map(|f| Target::Finding(f)));
    if link {
        store.link_evidence_to(&id, &targets)?;
    } else {
        store.unlink_evidence_from(&id, &targets)?;
    }
    let (e, f) = store.evidence_links(&id)?;
    writeln!(
        out,
        "{} supports {} events and {} findings",
        short_id(&id),
        e.len(),
        f.len()
    )?;
    Ok(())
}

/// `debrief action update ID --finding ID --unlink-finding ID`: the findings an action
/// addresses, linked after it was logged (one change).
pub fn action_findings(
    store: &mut Store,
    action_id: &str,
    link: &[String],
    unlink: &[String],
    out: &mut dyn Write,
) -> Result<()> {
    let incident_id = store
        .action(action_id)?
        .ok_or_else(|| anyhow!("no action {action_id}"))?
        .incident_id;
    let link = resolve_all(store, IdKind::Finding, &incident_id, link, "--finding")?;
    let unlink = resolve_all(
        store,
        IdKind::Finding,
        &incident_id,
        unlink,
        "--unlink-finding",
    )?;
    store.relink_action_findings(action_id, &link, &unlink)?;
    let n = store.action_findings(action_id)?.len();
    writeln!(
        out,
        "linked {}: addresses {n} findings",
        short_id(action_id)
    )?;
    Ok(())
}

/// `debrief actor rename KEY NAME NEW_NAME`: the actor's events follow.
pub fn actor_rename(
    store: &mut Store,
    key: &str,
    name: &str,
    new_name: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let incident = store.require_incident(key)?;
    let a = store.rename_actor(&incident.id, name, new_name, None)?;
    writeln!(out, "renamed {} to {}", inert(name), inert(&a.name))?;
    Ok(())
}
