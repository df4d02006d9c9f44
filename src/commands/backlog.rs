//! `debrief action`, `debrief backlog`, `debrief owner` and `debrief sop`.

use crate::cli::{ActionCommand, BacklogArgs, OwnerCommand, SopCommand};
use crate::domain::NewAction;
use crate::domain::action::{parse_date, walk_order};
use crate::store::{BacklogFilter, IdKind, ReviewInput, Store, action_json, review_json, short_id};
use crate::text::inert;
use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use serde_json::json;
use std::io::Write;

/// The day rules are judged by: `--today`, else the store's clock.
fn today(store: &Store, given: Option<&str>) -> Result<NaiveDate> {
    match given {
        Some(d) => parse_date(d).map_err(|e| anyhow!("--today: {e}")),
        None => Ok(store.now().date_naive()),
    }
}

fn date_arg(flag: &str, text: Option<&str>) -> Result<Option<NaiveDate>> {
    text.map(|d| parse_date(d).map_err(|e| anyhow!("{flag}: {e}")))
        .transpose()
}

pub fn action(store: &mut Store, command: ActionCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        ActionCommand::Add {
            key,
            title,
            owner,
            group,
            kind,
            priority,
            due,
            ticket,
            description,
            findings,
        } => {
            let incident = store.require_incident(&key)?;
            let mut new = NewAction::new(kind, &title).map_err(|e| anyhow!(e))?;
            new.owner = Some(crate::domain::required("--owner", &owner).map_err(|e| anyhow!(e))?);
            new.group = crate::domain::optional(group.as_deref());
            new.priority = priority;
            new.due = date_arg("--due", due.as_deref())?;
            new.ticket = ticket.trim().to_string();
            new.description = description;
            let findings = super::findings::resolve_all(
                store,
                IdKind::Finding,
                &incident.id,
                &findings,
                "--finding",
            )?;
            let a = store.create_action(&incident.id, &new, &findings)?;
            writeln!(out, "{}", a.id)?;
        }
        ActionCommand::Update {
            id,
            status,
            note,
            owner,
            group,
            due,
            findings,
            unlink_findings,
        } => {
            let id = store.resolve_action_id(&id)?;
            if !findings.is_empty() || !unlink_findings.is_empty() {
                super::edits::action_findings(store, &id, &findings, &unlink_findings, out)?;
                if status.is_none()
                    && note.is_empty()
                    && owner.is_none()
                    && group.is_none()
                    && due.is_none()
                {
                    return Ok(());
                }
            }
            let due = match due.as_deref() {
                Some("none") => Some(None),
                other => date_arg("--due", other)?.map(Some),
            };
            let input = ReviewInput {
                note,
                status,
                owner,
                group,
                due,
            };
            let review = store.review_action(&id, &input, None)?;
            let what = if review.changes.is_empty() {
                "a note".to_string()
            } else {
                inert(&review.changes).into_owned()
            };
            writeln!(out, "reviewed {}: {what}", short_id(&id))?;
        }
        ActionCommand::Show { id, json: as_json } => {
            let id = store.resolve_action_id(&id)?;
            let a = store
                .action(&id)?
                .ok_or_else(|| anyhow!("no action {id}"))?;
            let reviews = store.reviews(&id)?;
            let findings = store.action_findings(&id)?;
            let day = store.now().date_naive();
            if as_json {
                let mut v = action_json(&a, day);
                v["findings"] = json!(findings.iter().map(|f| &f.id).collect::<Vec<_>>());
                v["reviews"] = json!(reviews.iter().map(review_json).collect::<Vec<_>>());
                writeln!(out, "{}", super::pretty_json(&v)?)?;
            } else {
                writeln!(
                    out,
                    "{}  {} · {} · {} · {}",
                    short_id(&a.id),
                    inert(&a.title),
                    a.kind.label(),
                    a.priority.as_str(),
                    a.status.label()
                )?;
                writeln!(
                    out,
                    "owner {} · group {} · due {} · ticket {}",
                    inert(a.owner.as_deref().unwrap_or("-")),
                    inert(a.group.as_deref().unwrap_or("-")),
                    a.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                    inert(if a.ticket.is_empty() { "-" } else { &a.ticket })
                )?;
                for f in &findings {
                    writeln!(out, "addresses: {} ({})", inert(&f.title), f.kind.label())?;
                }
                for r in &reviews {
                    writeln!(
                        out,
                        "{}  {}  {} → {}  {}  {}",
                        r.at.format("%Y-%m-%d %H:%M"),
                        inert(&r.by),
                        r.status_before,
                        r.status_after,
                        inert(&r.note),
                        inert(&r.changes)
                    )?;
                }
            }
        }
    }
    Ok(())
}

pub fn backlog(store: &Store, args: BacklogArgs, out: &mut dyn Write) -> Result<()> {
    let day = today(store, args.today.as_deref())?;
    let incident_id = args
        .incident
        .as_deref()
        .map(|k| store.require_incident(k).map(|i| i.id))
        .transpose()?;
    let filter = BacklogFilter {
        incident_id,
        owner: args.owner,
        group: args.group,
        status: args.status,
        open_only: false,
        overdue_on: args.overdue.then_some(day),
    };
    let mut actions = store.backlog(&filter)?;
    walk_order(&mut actions, day);
    if args.json {
        let all: Vec<_> = actions.iter().map(|a| action_json(a, day)).collect();
        writeln!(out, "{}", super::pretty_json(&all)?)?;
        return Ok(());
    }
    if actions.is_empty() {
        writeln!(out, "no actions match")?;
    }
    for a in &actions {
        // Marks that read without colour: ! overdue, ? not reviewed for 14 days.
        let mark = if a.is_overdue(day) {
            "!"
        } else if a.is_stale(day, 14) {
            "?"
        } else {
            " "
        };
        writeln!(
            out,
            "{mark} {}  {:<12} {} {:<11} {:<10} {:<18} {}",
            short_id(&a.id),
            inert(&a.incident_key),
            a.priority.as_str(),
            a.status.as_str(),
            a.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
            inert(a.owner.as_deref().unwrap_or("-")),
            inert(&a.title)
        )?;
    }
    Ok(())
}

pub fn owner(store: &mut Store, command: OwnerCommand, out: &mut dyn Write) -> Result<()> {
    let (given, as_json) = match command {
        OwnerCommand::List { today, json } => (today, json),
        OwnerCommand::Rename { name, new_name } => {
            store.rename_owner(&name, &new_name)?;
            writeln!(out, "renamed {} to {}", inert(&name), inert(&new_name))?;
            return Ok(());
        }
        OwnerCommand::Contact { name, contact } => {
            store.set_owner_contact(&name, &contact)?;
            if contact.trim().is_empty() {
                writeln!(out, "cleared the contact of {}", inert(&name))?;
            } else {
                writeln!(
                    out,
                    "{} is reached at {}",
                    inert(&name),
                    inert(contact.trim())
                )?;
            }
            return Ok(());
        }
        OwnerCommand::Merge { from, into } => {
            let moved = store.merge_owners(&from, &into)?;
            writeln!(
                out,
                "merged {} into {}: {moved} assignments moved",
                inert(&from),
                inert(&into)
            )?;
            return Ok(());
        }
    };
    let day = today(store, given.as_deref())?;
    let loads = store.owner_loads(day)?;
    if as_json {
        let all: Vec<_> = loads
            .iter()
            .map(|l| json!({"name": l.name, "kind": l.kind.as_str(), "contact": l.contact, "open": l.open, "overdue": l.overdue, "due_this_week": l.due_this_week}))
            .collect();
        writeln!(out, "{}", super::pretty_json(&all)?)?;
    } else {
        for l in &loads {
            writeln!(
                out,
                "{:<24} {:<6} {:>3} open {:>3} overdue {:>3} due this week{}",
                inert(&l.name),
                l.kind.as_str(),
                l.open,
                l.overdue,
                l.due_this_week,
                match l.contact.as_str() {
                    "" => String::new(),
                    c => format!("  {}", inert(c)),
                }
            )?;
        }
    }
    Ok(())
}

pub fn sop(store: &mut Store, command: SopCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        SopCommand::Add {
            action,
            document,
            section,
            incorporated,
        } => {
            let id = store.resolve_action_id(&action)?;
            let when = date_arg("--incorporated", incorporated.as_deref())?;
            let change = store.add_sop_change(&id, &document, &section, when)?;
            writeln!(out, "{}", change.id)?;
        }
        SopCommand::List {
            incident,
            json: as_json,
        } => {
            let incident_id = incident
                .as_deref()
                .map(|k| store.require_incident(k).map(|i| i.id))
                .transpose()?;
            let changes = store.sop_changes(incident_id.as_deref())?;
            if as_json {
                let all: Vec<_> = changes
                    .iter()
                    .map(|(c, title)| json!({"id": c.id, "action_id": c.action_id, "action": title, "document": c.document,
                        "section": c.section, "incorporated": c.incorporated.map(|d| d.to_string())}))
                    .collect();
                writeln!(out, "{}", super::pretty_json(&all)?)?;
            } else {
                for (c, title) in &changes {
                    let when = c
                        .incorporated
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "not yet incorporated".into());
                    writeln!(
                        out,
                        "{} § {}  ({when})  ← {}",
                        inert(&c.document),
                        inert(&c.section),
                        inert(title)
                    )?;
                }
            }
        }
    }
    Ok(())
}
