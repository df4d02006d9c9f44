//! `debrief report` and `debrief evaluation`.

use crate::cli::{EvaluationCommand, ReportArgs};
use crate::config;
use crate::domain::EvaluationItem;
use crate::io::files::PrivateFile;
use crate::io::report::{ReportOptions, TimelineScope, write_report};
use crate::io::template::ReportFormat;
use crate::store::{IdKind, Store, evaluation_json};
use crate::text::inert;
use anyhow::{Context, Result, anyhow};
use std::io::Write;
use std::path::Path;

pub fn report(store: &mut Store, args: ReportArgs, out: &mut dyn Write) -> Result<()> {
    let incident = store.require_incident(&args.key)?;
    let format = report_format(args.format, args.output.as_deref())?;
    let template = config::report_template(format, args.template.as_deref())?;
    let scope = if args.key_events_only {
        TimelineScope::Key
    } else {
        TimelineScope::Full
    };
    let options = ReportOptions {
        scope,
        zone: args.zone,
        defang: args.defang,
        limit: None,
    };
    let failed = |e: String| anyhow!("cannot write the report: {e}");
    match args.output {
        Some(path) => {
            let mut file = PrivateFile::create(&path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            write_report(
                store,
                &incident,
                format,
                options,
                template.as_ref(),
                &mut file,
            )
            .map_err(failed)?;
            file.commit()
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(
                out,
                "wrote the {} report of {} to {}",
                format.label(),
                incident.key,
                path.display()
            )?;
        }
        // JSON stays the same JSON on a terminal; Markdown and HTML pass the inert writer.
        None if format == ReportFormat::Json => {
            let mut json = Vec::new();
            write_report(
                store,
                &incident,
                format,
                options,
                template.as_ref(),
                &mut json,
            )
            .map_err(failed)?;
            out.write_all(crate::text::json_safe(&String::from_utf8_lossy(&json)).as_bytes())?
        }
        None => write_report(store, &incident, format, options, template.as_ref(), out)
            .map_err(failed)?,
    }
    Ok(())
}

/// The report's format: `--format` when given, else the output file's extension, else
/// Markdown. A `--format` that contradicts the extension is refused rather than writing,
/// say, Markdown into `x.html`.
fn report_format(explicit: Option<ReportFormat>, output: Option<&Path>) -> Result<ReportFormat> {
    let by_name = output.and_then(|p| ReportFormat::for_path(&p.to_string_lossy()));
    match (explicit, by_name) {
        (Some(f), Some(g)) if f != g => Err(anyhow!(
            "--format {} but {} is named as a {} file: drop --format, or name the file .{}",
            f.label().to_lowercase(),
            output.map(|p| p.display().to_string()).unwrap_or_default(),
            g.label(),
            f.extension()
        )),
        (Some(f), _) => Ok(f),
        (None, Some(g)) => Ok(g),
        (None, None) => Ok(ReportFormat::Markdown),
    }
}

pub fn evaluation(
    store: &mut Store,
    command: EvaluationCommand,
    out: &mut dyn Write,
) -> Result<()> {
    match command {
        EvaluationCommand::Start { key } => {
            let incident = store.require_incident(&key)?;
            let areas = config::evaluation_checklist()?;
            let items = store.start_evaluation(&incident.id, &areas)?;
            writeln!(
                out,
                "started the response evaluation of {} with {} areas",
                incident.key,
                items.len()
            )?;
        }
        EvaluationCommand::List { key, json } => {
            let incident = store.require_incident(&key)?;
            let items = store.evaluation(&incident.id)?;
            if json {
                let all: Vec<_> = items.iter().map(evaluation_json).collect();
                writeln!(out, "{}", super::pretty_json(&all)?)?;
            } else if items.is_empty() {
                writeln!(
                    out,
                    "{} has no response evaluation yet; start one with `debrief evaluation start {}`",
                    incident.key, incident.key
                )?;
            } else {
                for (n, i) in items.iter().enumerate() {
                    print_item(out, n + 1, i)?;
                }
            }
        }
        EvaluationCommand::Set {
            key,
            area,
            sufficiency,
            completeness,
            note,
            findings,
            rename,
            question,
        } => {
            let incident = store.require_incident(&key)?;
            let item = store.resolve_evaluation_area(&incident.id, &area)?;
            let findings = if findings.is_empty() {
                None
            } else if findings == ["-"] {
                Some(String::new())
            } else {
                let ids = super::findings::resolve_all(
                    store,
                    IdKind::Finding,
                    &incident.id,
                    &findings,
                    "--finding",
                )?;
                Some(ids.join(" "))
            };
            let mut changes: Vec<(&str, Option<&str>)> = Vec::new();
            for (field, value) in [
                ("sufficiency", &sufficiency),
                ("completeness", &completeness),
                ("note", &note),
                ("findings", &findings),
                ("area", &rename),
                ("question", &question),
            ] {
                if let Some(v) = value {
                    changes.push((field, Some(v.as_str())));
                }
            }
            if changes.is_empty() {
                return Err(anyhow!(
                    "nothing to change: give --sufficiency, --completeness, --note, --finding, --rename or --question"
                ));
            }
            let n = store
                .evaluation(&incident.id)?
                .iter()
                .position(|i| i.id == item.id)
                .unwrap_or(0);
            let updated = store.edit_evaluation_fields(&item.id, &changes, None)?;
            print_item(out, n + 1, &updated)?;
        }
        EvaluationCommand::Add {
            key,
            area,
            question,
        } => {
            let incident = store.require_incident(&key)?;
            let item = store.add_evaluation_area(&incident.id, &area, &question)?;
            writeln!(out, "added the evaluation area {}", inert(&item.area))?;
        }
        EvaluationCommand::Remove { key, area } => {
            let incident = store.require_incident(&key)?;
            let item = store.resolve_evaluation_area(&incident.id, &area)?;
            store.remove_evaluation_area(&item.id)?;
            writeln!(out, "removed the evaluation area {}", inert(&item.area))?;
        }
    }
    Ok(())
}

fn print_item(out: &mut dyn Write, n: usize, i: &EvaluationItem) -> Result<()> {
    let rating = |r: Option<crate::domain::Rating>| r.map(|r| r.label()).unwrap_or("not rated");
    writeln!(
        out,
        "{n:>2}. {}: sufficiency {}, completeness {}{}",
        inert(&i.area),
        rating(i.sufficiency),
        rating(i.completeness),
        if i.findings.is_empty() {
            String::new()
        } else {
            format!(", {} findings", i.findings.len())
        }
    )?;
    if !i.note.is_empty() {
        writeln!(out, "    {}", inert(&i.note))?;
    }
    Ok(())
}
