//! Carrying out the subcommands: each reads its arguments, does one store operation and
//! prints the result (text for people, `--json` for scripts).

mod backlog;
mod bundle_import;
pub(crate) mod bundle_merge;
mod edits;
mod findings;
mod import;
mod report;
pub mod setup;

use crate::cli::{Command, EventAdd, EventCommand, IncidentCommand, IncidentEdit};
use crate::domain::json;
use crate::domain::{
    IncidentPatch, NewEvent, NewIncident, TimeContext, attack, parse_time, parse_zone,
};
use crate::store::{EventFilter, Store};
use crate::text::{InertWriter, inert};
use anyhow::{Context, Result, anyhow};
use std::io::Write;

/// Runs one subcommand, printing to `out` as to a pipe (see [`execute_on`]).
pub fn execute(store: &mut Store, command: Command, out: &mut dyn Write) -> Result<()> {
    execute_on(store, command, out, false)
}

/// Runs one subcommand. Everything printed for people passes through the same inert
/// rendering as the workbench ([`InertWriter`]); JSON is printed with C1, bidi and
/// invisible characters escaped (`\uXXXX`, the same JSON). Only the data of `export`
/// written to a pipe (`terminal` false) goes out byte for byte, for the tool reading it,
/// as does `backup -o -` (refused on a terminal).
pub fn execute_on(
    store: &mut Store,
    mut command: Command,
    out: &mut dyn Write,
    terminal: bool,
) -> Result<()> {
    dash_is_stdout(&mut command)?;
    let backup_printed =
        matches!(&command, Command::Backup { output } if is_dash(output.as_deref()));
    if backup_printed && terminal {
        return Err(anyhow!(
            "backup -o - writes the database's bytes: redirect them (debrief backup -o - > copy.db), not to a terminal"
        ));
    }
    if (matches!(&command, Command::Export { output: None, .. }) || backup_printed) && !terminal {
        return dispatch(store, command, out);
    }
    let mut inert = InertWriter::new(out);
    let result = dispatch(store, command, &mut inert);
    let flushed = inert.flush();
    result?;
    Ok(flushed?)
}

/// `-o -` is standard output: for the commands that print when there is no `-o`, the
/// same as leaving it out (`bundle merge`, `bundle resolve` and `backup`, which write a
/// file by default, look for `-` themselves).
fn dash_is_stdout(command: &mut Command) -> Result<()> {
    use crate::cli::BundleCommand;
    let output = match command {
        Command::Export { output, .. }
        | Command::Report(crate::cli::ReportArgs { output, .. })
        | Command::Bundle(BundleCommand::Export {
            all: false, output, ..
        }) => output,
        Command::Bundle(BundleCommand::Export {
            all: true, output, ..
        }) if is_dash(output.as_deref()) => {
            return Err(anyhow!(
                "bundle export --all writes one file per incident into a folder: give -o DIR, not - (standard output)"
            ));
        }
        _ => return Ok(()),
    };
    if is_dash(output.as_deref()) {
        *output = None;
    }
    Ok(())
}

/// Whether an output path is `-`, standard output.
pub(crate) fn is_dash(path: Option<&std::path::Path>) -> bool {
    path.is_some_and(|p| p.as_os_str() == "-")
}

/// Whether a command reads and writes files only, never a database: `bundle merge` (git
/// runs it as a merge driver in any repository, on any machine), `bundle resolve` and
/// `git init`.
pub fn needs_no_database(command: &Command) -> bool {
    use crate::cli::BundleCommand;
    matches!(
        command,
        Command::Bundle(BundleCommand::Merge { .. } | BundleCommand::Resolve { .. })
            | Command::Git(_)
    )
}

/// Runs a command of [`needs_no_database`]; output passes through [`InertWriter`].
pub fn execute_without_database(
    command: &Command,
    config: &crate::config::Config,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::cli::{BundleCommand, GitCommand};
    let mut inert = InertWriter::new(out);
    let result = match command {
        Command::Bundle(BundleCommand::Merge {
            base,
            ours,
            theirs,
            output,
        }) => bundle_merge::merge(base, ours, theirs, output.clone(), &mut inert),
        Command::Bundle(BundleCommand::Resolve {
            file,
            take,
            fields,
            set,
            output,
        }) => bundle_merge::resolve(
            file,
            take.clone(),
            fields,
            set,
            output.clone(),
            config,
            &mut inert,
        ),
        Command::Git(GitCommand::Init { dir }) => bundle_merge::git_init(dir, &mut inert),
        _ => Err(anyhow!("this command needs a database")),
    };
    let flushed = inert.flush();
    result?;
    Ok(flushed?)
}

/// Pretty JSON for printing: the same JSON, safe on a terminal ([`crate::text::json_safe`]).
pub(crate) fn pretty_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    let text = serde_json::to_string_pretty(value)?;
    Ok(crate::text::json_safe(&text).into_owned())
}

fn dispatch(store: &mut Store, command: Command, out: &mut dyn Write) -> Result<()> {
    match command {
        Command::Incident(c) => incident(store, c, out),
        Command::Event(EventCommand::Add(add)) => event_add(store, add, out),
        Command::Event(EventCommand::Edit(edit)) => edits::event_edit(store, edit, out),
        Command::Event(EventCommand::Delete { id }) => edits::event_delete(store, &id, out),
        Command::Event(EventCommand::List {
            key,
            json,
            search,
            actor,
            tag,
            phase,
        }) => {
            let incident = store.require_incident(&key)?;
            if search.is_some() {
                import::index_for_search(store, &mut std::io::stderr())?;
            }
            let filter = EventFilter {
                incident_id: incident.id,
                search,
                actor,
                tag,
                phase,
                ..Default::default()
            };
            event_list(store, &filter, json, out)
        }
        Command::Finding(c) => findings::finding(store, c, out),
        Command::Actor(c) => findings::actor(store, c, out),
        Command::Evidence(c) => findings::evidence(store, c, out),
        Command::Action(c) => backlog::action(store, c, out),
        Command::Backlog(args) => backlog::backlog(store, args, out),
        Command::Owner(c) => backlog::owner(store, c, out),
        Command::Sop(c) => backlog::sop(store, c, out),
        Command::Evaluation(c) => report::evaluation(store, c, out),
        Command::Report(args) => report::report(store, args, out),
        Command::Import(args) => import::import(store, args, out),
        Command::Bundle(c) => import::bundle(store, c, out),
        Command::Git(crate::cli::GitCommand::Init { dir }) => bundle_merge::git_init(&dir, out),
        Command::Export {
            key,
            format,
            all,
            output,
        } => import::export(store, &key, format, all, output.as_deref(), out),
        Command::Check => check(store, out),
        Command::Demo => load_demo(store, out),
        Command::Backup { output } => backup(store, output, out),
        Command::History { key, limit, json } => history(store, key.as_deref(), limit, json, out),
        Command::Undo { key } => undo_redo(store, key.as_deref(), false, out),
        Command::Redo { key } => undo_redo(store, key.as_deref(), true, out),
        Command::Setup(c) => setup::run(c, store.path().as_deref(), out),
    }
}

fn incident(store: &mut Store, command: IncidentCommand, out: &mut dyn Write) -> Result<()> {
    match command {
        IncidentCommand::New {
            key,
            title,
            severity,
            detected,
            zone,
        } => {
            let mut new = NewIncident::new(&key, &title).map_err(|e| anyhow!(e))?;
            new.severity = severity;
            new.zone = parse_zone(&zone).map_err(|e| anyhow!("--zone: {e}"))?;
            let ctx = TimeContext {
                zone: new.zone,
                date: None,
            };
            new.detected = detected
                .map(|d| parse_time(&d, &ctx))
                .transpose()
                .context("--detected")?;
            let created = store.create_incident(&new)?;
            writeln!(out, "created incident {}", created.key)?;
        }
        IncidentCommand::List { json: as_json } => {
            let incidents = store.list_incidents()?;
            if as_json {
                let all: Vec<_> = incidents
                    .iter()
                    .map(|s| json::incident(&s.incident, Some(s.events)))
                    .collect();
                writeln!(out, "{}", pretty_json(&all)?)?;
            } else if incidents.is_empty() {
                writeln!(
                    out,
                    "no incidents yet: 'debrief incident new KEY --title TEXT' or 'debrief demo'"
                )?;
            } else {
                for s in &incidents {
                    let i = &s.incident;
                    writeln!(
                        out,
                        "{:<16} {:<8} {:<9} {:>6} events  {}",
                        inert(&i.key),
                        i.severity,
                        i.status,
                        s.events,
                        inert(&i.title)
                    )?;
                }
            }
        }
        IncidentCommand::Edit(edit) => incident_edit(store, edit, out)?,
    }
    Ok(())
}

fn incident_edit(store: &mut Store, edit: IncidentEdit, out: &mut dyn Write) -> Result<()> {
    let incident = store.require_incident(&edit.key)?;
    let zone = edit
        .zone
        .as_deref()
        .map(parse_zone)
        .transpose()
        .map_err(|e| anyhow!("--zone: {e}"))?;
    let mut ctx = store.time_context(&incident)?;
    if let Some(z) = zone {
        ctx.zone = z;
    }
    let detected = edit
        .detected
        .map(|d| parse_time(&d, &ctx))
        .transpose()
        .context("--detected")?;
    let patch = IncidentPatch {
        title: edit.title,
        severity: edit.severity,
        status: edit.status,
        customer_impact: edit.customer_impact,
        data_breach: edit.data_breach,
        zone,
        detected: detected.map(Some),
        impact: edit.impact,
        classification: edit.classification,
        ..Default::default()
    };
    if patch == IncidentPatch::default() {
        return Err(anyhow!(
            "nothing to change: give at least one of --title, --severity, --status, --detected, --zone, --customer-impact, --data-breach, --impact, --classification"
        ));
    }
    let after = store.update_incident(&incident.id, &patch, None)?;
    if after.version == incident.version {
        writeln!(out, "incident {} unchanged (already so)", after.key)?;
    } else {
        writeln!(out, "updated incident {}", after.key)?;
    }
    Ok(())
}

fn event_add(store: &mut Store, add: EventAdd, out: &mut dyn Write) -> Result<()> {
    let incident = store.require_incident(&add.key)?;
    let ctx = store.time_context(&incident)?;
    let at = parse_time(&add.at, &ctx).context("--at")?;
    let mut new = NewEvent::new(at, &add.text)
        .and_then(|n| n.with_tags(&add.tags))
        .and_then(|n| n.with_technique(add.technique.as_deref()))
        .map_err(|e| anyhow!(e))?;
    if let Some(t) = &new.technique {
        attack::require_known(t).map_err(|e| anyhow!("--technique: {e}"))?;
    }
    new.actor = crate::domain::optional(add.actor.as_deref());
    new.source = crate::domain::optional(add.source.as_deref());
    new.phase = add.phase;
    let event = store.add_event(&incident.id, &new)?;
    writeln!(out, "{}", event.id)?;
    Ok(())
}

fn event_list(
    store: &Store,
    filter: &EventFilter,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if as_json {
        // Streamed page by page, so a large timeline never sits in memory whole.
        write!(out, "[")?;
        let mut first = true;
        store.for_each_event(filter, |e| {
            let sep = if first { "\n  " } else { ",\n  " };
            first = false;
            let text = json::event(e).to_string();
            write!(out, "{sep}{}", crate::text::json_safe(&text))
                .map_err(crate::store::StoreError::from)?;
            Ok(())
        })?;
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
        return Ok(());
    }
    let mut any = false;
    store.for_each_event(filter, |e| {
        any = true;
        let tags: Vec<String> = e.tags.iter().map(|t| format!("#{t}")).collect();
        let line = format!(
            "{}  {:<14} {:<16} {}{}{}",
            e.at.rfc3339_utc(),
            e.phase.map(|p| p.as_str()).unwrap_or("-"),
            inert(e.actor.as_deref().unwrap_or("-")),
            inert(&e.text),
            if tags.is_empty() {
                String::new()
            } else {
                format!("  {}", inert(&tags.join(" ")))
            },
            e.technique
                .as_deref()
                .map(|t| format!("  {t}"))
                .unwrap_or_default(),
        );
        writeln!(out, "{line}").map_err(crate::store::StoreError::from)?;
        Ok(())
    })?;
    if !any {
        writeln!(out, "no events")?;
    }
    Ok(())
}

/// `debrief undo` and `debrief redo`: every command is a session of its own, so these act
/// on the latest change of any session (a shell has no window to keep to).
fn undo_redo(store: &mut Store, key: Option<&str>, redo: bool, out: &mut dyn Write) -> Result<()> {
    let incident = key.map(|k| store.require_incident(k)).transpose()?;
    let scope = incident.as_ref().map(|i| i.id.as_str());
    let done = if redo {
        store.redo_any(scope)?
    } else {
        store.undo_any(scope)?
    };
    match done {
        Some(r) => writeln!(
            out,
            "{}: {} (change {})",
            if redo { "redone" } else { "undone" },
            inert(&r.label),
            r.change_set
        )?,
        None => writeln!(out, "nothing to {}", if redo { "redo" } else { "undo" })?,
    }
    Ok(())
}

fn load_demo(store: &mut Store, out: &mut dyn Write) -> Result<()> {
    let (incident, created) = crate::ops::load_demo(store)?;
    if !created {
        writeln!(
            out,
            "the demo incident {} is already loaded; nothing changed",
            incident.key
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "loaded the demo incident {} ({} events): try 'debrief event list {}'",
        incident.key,
        store.count_events(&incident.id)?,
        incident.key
    )?;
    Ok(())
}

/// A deleted incident's events, set aside in one step (or brought back by its undo).
fn set_aside_line(op: &str, c: &crate::domain::history::Change) -> String {
    let events = c
        .old
        .as_deref()
        .or(c.new.as_deref())
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .and_then(|v| v["events"].as_i64())
        .unwrap_or(0);
    let how = if op == "delete" {
        "set aside with the incident (undo brings them back)"
    } else {
        "brought back"
    };
    format!("{op} {events} events {how}")
}

fn history(
    store: &Store,
    key: Option<&str>,
    limit: usize,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let incident = key.map(|k| store.require_incident(k)).transpose()?;
    let changes = store.history(incident.as_ref().map(|i| i.id.as_str()), limit)?;
    if as_json {
        writeln!(out, "{}", pretty_json(&changes)?)?;
        return Ok(());
    }
    for c in &changes {
        let what = match (c.op.as_str(), &c.field) {
            ("update", Some(field)) => format!(
                "{} {}: {} -> {}",
                c.entity,
                field,
                inert(&clip(c.old.as_deref().unwrap_or("(none)"))),
                inert(&clip(c.new.as_deref().unwrap_or("(none)")))
            ),
            ("update", None) if c.entity.starts_with("row:") => format!(
                "{} {}: {}",
                c.entity,
                crate::store::short_id(&c.entity_id),
                row_changes(c.old.as_deref(), c.new.as_deref())
            ),
            (op, _) if c.entity == crate::store::EVENTS_SET_ASIDE => set_aside_line(op, c),
            (op, _) => format!("{op} {} {}", c.entity, c.entity_id),
        };
        writeln!(
            out,
            "{}  {:<12} {}",
            c.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            inert(&c.by),
            what
        )?;
    }
    Ok(())
}

/// The fields a whole-row change (a bundle's, `row:<table>`) changed: `field: old -> new`.
fn row_changes(old: Option<&str>, new: Option<&str>) -> String {
    let row = |t: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        t.and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default()
    };
    let (old, new) = (row(old), row(new));
    let text = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "(none)".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let changed: Vec<String> = new
        .keys()
        .filter(|k| !matches!(k.as_str(), "version" | "updated_us"))
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| {
            format!(
                "{k}: {} -> {}",
                inert(&clip(&text(old.get(k)))),
                inert(&clip(&text(new.get(k))))
            )
        })
        .collect();
    if changed.is_empty() {
        return "its version only (merged)".to_string();
    }
    changed.join("; ")
}

/// The first 60 characters of a long value, for one-line listings.
fn clip(text: &str) -> String {
    crate::text::clip(text, 60)
}

fn backup(store: &Store, output: Option<std::path::PathBuf>, out: &mut dyn Write) -> Result<()> {
    if is_dash(output.as_deref()) {
        return backup_to_stdout(store, out);
    }
    let target = match output {
        Some(p) => p,
        None => {
            let db = store
                .path()
                .ok_or_else(|| anyhow!("the database is in memory: give -o FILE"))?;
            let stamp = store.now().format("%Y%m%d-%H%M%S");
            let mut name = db.file_name().unwrap_or_default().to_os_string();
            name.push(format!(".backup-{stamp}"));
            db.with_file_name(name)
        }
    };
    // An empty file made first, so the copy is private from its first byte; refuses a
    // target that exists.
    crate::io::files::create_private(&target)
        .with_context(|| format!("cannot create {}", target.display()))?;
    store.backup_to(&target)?;
    writeln!(out, "wrote a copy of the database to {}", target.display())?;
    Ok(())
}

/// `backup -o -`: SQLite copies into a file, so the copy is made beside the database
/// (private, named with the time), printed, and removed.
fn backup_to_stdout(store: &Store, out: &mut dyn Write) -> Result<()> {
    let db = store
        .path()
        .ok_or_else(|| anyhow!("the database is in memory: there is nothing to back up"))?;
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(format!(
        ".backup-{}.partial",
        store.now().format("%Y%m%d-%H%M%S%.6f")
    ));
    let temporary = db.with_file_name(name);
    crate::io::files::create_private(&temporary)
        .with_context(|| format!("cannot create {}", temporary.display()))?;
    let copied = store
        .backup_to(&temporary)
        .map_err(anyhow::Error::from)
        .and_then(|()| {
            let mut file = std::fs::File::open(&temporary)?;
            std::io::copy(&mut file, out)?;
            Ok(())
        });
    let removed = std::fs::remove_file(&temporary);
    copied?;
    removed.with_context(|| format!("cannot remove {}", temporary.display()))
}

/// Lists what `PRAGMA integrity_check` finds (inert: a damaged page may hold any bytes) and
/// fails when it finds anything; opening reads too little of the file to notice.
fn check(store: &Store, out: &mut dyn Write) -> Result<()> {
    let problems = store.integrity_problems()?;
    if problems.is_empty() {
        let (incidents, events) = store.totals()?;
        writeln!(
            out,
            "ok: the database is intact ({incidents} {}, {events} {})",
            plural(incidents, "incident"),
            plural(events, "event")
        )?;
        let waiting = store.search_backlog()?;
        if waiting > 0 {
            writeln!(
                out,
                "{waiting} {} of a large import still to be indexed for search: the next search (or opening the workbench) does it",
                plural(waiting, "event")
            )?;
        }
        return Ok(());
    }
    for problem in &problems {
        writeln!(out, "{}", inert(problem))?;
    }
    Err(anyhow!(
        "the database file is damaged ({} {} listed above); nothing was changed: \
         restore the file from a backup",
        problems.len(),
        plural(problems.len() as i64, "problem")
    ))
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
