//! The postmortem report's data: the whole incident read from the store into one JSON
//! document. The JSON format prints it as is; the Markdown and HTML templates read it
//! through [`template_context`], which adds the groupings a reader wants (findings by kind,
//! actions by owner) with every reference resolved.
//!
//! Everything is ordered (events by time, findings by kind then creation, actions by owner
//! then due date), so the same database always gives the same report.

use crate::domain::json;
use crate::domain::metrics::{human, metrics};
use crate::domain::{Event, Incident, LapseKind, Timestamp};
use crate::io::template::{ReportFormat, render};
use crate::store::{self, EventFilter, Store, Target};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Bumped when a field changes meaning or goes away (adding fields keeps it).
pub const REPORT_VERSION: i64 = 1;

/// Reads the whole incident for the report, as of `now`.
pub fn report_data(store: &Store, incident: &Incident, now: DateTime<Utc>) -> store::Result<Value> {
    let zone = incident.zone;
    let mut events = Vec::new();
    store.for_each_event(&EventFilter::incident(&incident.id), |e| {
        events.push(e.clone());
        Ok(())
    })?;
    let counts: BTreeMap<String, i64> = store
        .actor_event_counts(&incident.id)?
        .into_iter()
        .collect();
    let actors: Vec<Value> = store
        .list_actors(&incident.id)?
        .iter()
        .map(|a| {
            json!({
                "name": a.name,
                "kind": a.kind.as_str(),
                "kind_label": a.kind.label(),
                "attribution": a.attribution.as_str(),
                "note": a.note,
                "events": counts.get(&a.id).copied().unwrap_or(0),
            })
        })
        .collect();
    let mut data = Map::new();
    data.insert("format".into(), json!("debrief-report"));
    data.insert("version".into(), json!(REPORT_VERSION));
    data.insert("generated".into(), json!(rfc3339(now)));
    data.insert(
        "generated_local".into(),
        json!(local(now, zone, "%Y-%m-%d %H:%M %Z")),
    );
    data.insert("generated_by".into(), json!(store.analyst()));
    let mut inc = json::incident(incident, Some(events.len() as i64));
    inc["detected_local"] = json!(incident.detected.as_ref().map(|t| when(t, zone)));
    data.insert("incident".into(), inc);
    data.insert("metrics".into(), metrics_json(&events));
    data.insert("actors".into(), Value::Array(actors));
    data.insert(
        "events".into(),
        Value::Array(events.iter().map(|e| event_json(e, zone)).collect()),
    );
    data.insert("findings".into(), findings_json(store, &incident.id)?);
    data.insert("evaluation".into(), evaluation_json(store, &incident.id)?);
    data.insert("actions".into(), actions_json(store, &incident.id, now)?);
    data.insert("evidence".into(), evidence_json(store, &incident.id, zone)?);
    Ok(Value::Object(data))
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn local(t: DateTime<Utc>, zone: Tz, format: &str) -> String {
    t.with_timezone(&zone).format(format).to_string()
}

/// An instant as a reader of the report wants it: in the incident's zone, with `~` when
/// approximate.
fn when(t: &Timestamp, zone: Tz) -> String {
    let mark = if t.precision == crate::domain::Precision::Exact {
        ""
    } else {
        "~"
    };
    format!("{mark}{}", local(t.utc, zone, "%Y-%m-%d %H:%M:%S %Z"))
}

fn event_json(e: &Event, zone: Tz) -> Value {
    let mut v = json::event(e);
    v["at_local"] = json!(when(&e.at, zone));
    v["key_label"] = json!(e.key_kind.map(|k| k.label()));
    v["phase_label"] = json!(e.phase.map(|p| p.label()));
    v
}

fn metrics_json(events: &[Event]) -> Value {
    Value::Array(
        metrics(events)
            .into_iter()
            .map(|m| {
                let (seconds, text, missing) = match &m.value {
                    Ok(d) => (Some(d.num_seconds()), Some(human(*d)), None),
                    Err(why) => (None, None, Some(why.clone())),
                };
                json!({
                    "name": m.name,
                    "from": m.from.as_str(),
                    "to": m.to.as_str(),
                    "seconds": seconds,
                    "text": text,
                    "missing": missing,
                })
            })
            .collect(),
    )
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &str) -> Value {
    json!(items.iter().map(id).collect::<Vec<_>>())
}

/// Findings by kind (the six in their fixed order), each with its supporting events and
/// the evidence linked to it or to them.
fn findings_json(store: &Store, incident_id: &str) -> store::Result<Value> {
    let mut out = Vec::new();
    for s in store.list_findings(incident_id)? {
        let f = &s.finding;
        let events = store.finding_events(&f.id)?;
        let mut evidence: Vec<String> = store
            .evidence_for(Target::Finding(&f.id))?
            .into_iter()
            .map(|e| e.id)
            .collect();
        for e in &events {
            for ev in store.evidence_for(Target::Event(&e.id))? {
                if !evidence.contains(&ev.id) {
                    evidence.push(ev.id);
                }
            }
        }
        let mut v = store::finding_json(f);
        v["kind_label"] = json!(f.kind.label());
        v["events"] = ids(&events, |e| &e.id);
        v["evidence"] = json!(evidence);
        out.push(v);
    }
    Ok(Value::Array(out))
}

fn evaluation_json(store: &Store, incident_id: &str) -> store::Result<Value> {
    Ok(Value::Array(
        store
            .evaluation(incident_id)?
            .iter()
            .map(|i| {
                let mut v = store::evaluation_json(i);
                v["sufficiency_label"] = json!(i.sufficiency.map(|r| r.label()));
                v["completeness_label"] = json!(i.completeness.map(|r| r.label()));
                v
            })
            .collect(),
    ))
}

/// Actions by owner name (unowned last), then due date, priority and title; each with its
/// findings, reviews and SOP changes.
fn actions_json(store: &Store, incident_id: &str, now: DateTime<Utc>) -> store::Result<Value> {
    let mut actions = store.backlog(&store::BacklogFilter {
        incident_id: Some(incident_id.to_string()),
        ..Default::default()
    })?;
    actions.sort_by(|a, b| {
        (
            a.owner.is_none(),
            &a.owner,
            a.due.is_none(),
            a.due,
            a.priority,
            &a.title,
        )
            .cmp(&(
                b.owner.is_none(),
                &b.owner,
                b.due.is_none(),
                b.due,
                b.priority,
                &b.title,
            ))
    });
    let sops = store.sop_changes(Some(incident_id))?;
    let today = now.date_naive();
    let mut out = Vec::new();
    for a in &actions {
        let mut v = store::action_json(a, today);
        v["kind_label"] = json!(a.kind.label());
        v["status_label"] = json!(a.status.label());
        v["findings"] = ids(&store.action_findings(&a.id)?, |f| &f.id);
        v["reviews"] = Value::Array(
            store
                .reviews(&a.id)?
                .iter()
                .map(store::review_json)
                .collect(),
        );
        v["sop_changes"] = Value::Array(
            sops.iter()
                .filter(|(s, _)| s.action_id == a.id)
                .map(|(s, _)| {
                    json!({
                        "id": s.id,
                        "document": s.document,
                        "section": s.section,
                        "incorporated": s.incorporated.map(|d| d.to_string()),
                    })
                })
                .collect(),
        );
        out.push(v);
    }
    Ok(Value::Array(out))
}

fn evidence_json(store: &Store, incident_id: &str, zone: Tz) -> store::Result<Value> {
    Ok(Value::Array(
        store
            .list_evidence(incident_id)?
            .iter()
            .map(|s| {
                let e = &s.evidence;
                let mut v = store::evidence_json(e);
                v["added"] = json!(rfc3339(e.added));
                v["modified_local"] =
                    json!(e.modified.map(|t| local(t, zone, "%Y-%m-%d %H:%M:%S %Z")));
                v["events"] = json!(s.events);
                v["findings"] = json!(s.findings);
                v
            })
            .collect(),
    ))
}

/// How much of the timeline the Markdown and HTML reports show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimelineScope {
    /// Every event.
    #[default]
    Full,
    /// Only the key events and those tagged with a lapse.
    Key,
}

/// The report data with what the templates need beside it: findings grouped by kind,
/// actions by owner, SOP changes, actors by attribution, and references resolved to the
/// events, findings and evidence they name.
pub fn template_context(data: &Value, scope: TimelineScope) -> Value {
    let by_id = |list: &str| -> BTreeMap<String, Value> {
        data[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| Some((v["id"].as_str()?.to_string(), v.clone())))
            .collect()
    };
    let events = by_id("events");
    let findings = by_id("findings");
    let evidence = by_id("evidence");
    let resolve = |refs: &Value, table: &BTreeMap<String, Value>| -> Value {
        Value::Array(
            refs.as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| table.get(r.as_str()?).cloned())
                .collect(),
        )
    };
    let list = |k: &str| data[k].as_array().cloned().unwrap_or_default();

    let timeline: Vec<Value> = list("events")
        .into_iter()
        .filter(|e| {
            scope == TimelineScope::Full
                || !e["key_event"].is_null()
                || e["lapses"].as_array().is_some_and(|l| !l.is_empty())
        })
        .collect();

    let by_kind: Vec<Value> = LapseKind::ALL
        .iter()
        .map(|k| {
            let of_kind: Vec<Value> = list("findings")
                .into_iter()
                .filter(|f| f["kind"] == k.as_str())
                .map(|mut f| {
                    f["events"] = resolve(&f["events"], &events);
                    f["evidence"] = resolve(&f["evidence"], &evidence);
                    f
                })
                .collect();
            json!({"kind": k.as_str(), "label": k.label(), "findings": of_kind})
        })
        .collect();

    let evaluation: Vec<Value> = list("evaluation")
        .into_iter()
        .map(|mut i| {
            i["findings"] = resolve(&i["findings"], &findings);
            i
        })
        .collect();

    let mut owners: Vec<(String, Vec<Value>)> = Vec::new();
    let mut sop_changes = Vec::new();
    for mut a in list("actions") {
        a["findings"] = resolve(&a["findings"], &findings);
        for s in a["sop_changes"].as_array().into_iter().flatten() {
            let mut s = s.clone();
            s["action"] = a["title"].clone();
            sop_changes.push(s);
        }
        let owner = a["owner"].as_str().unwrap_or("(no owner)").to_string();
        match owners.last_mut() {
            Some((name, actions)) if *name == owner => actions.push(a),
            _ => owners.push((owner, vec![a])),
        }
    }
    let by_owner: Vec<Value> = owners
        .into_iter()
        .map(|(owner, actions)| json!({"owner": owner, "actions": actions}))
        .collect();

    let actors = list("actors");
    let with = |attribution: &str| -> Vec<Value> {
        actors
            .iter()
            .filter(|a| a["attribution"] == attribution)
            .cloned()
            .collect()
    };

    let mut ctx = data.clone();
    ctx["timeline"] = json!({
        "scope": if scope == TimelineScope::Full { "full" } else { "key" },
        "events": timeline,
    });
    ctx["findings_by_kind"] = json!(by_kind);
    ctx["evaluation"] = json!(evaluation);
    ctx["actions_by_owner"] = json!(by_owner);
    ctx["sop_changes"] = json!(sop_changes);
    ctx["actors_known"] = json!(with("known"));
    ctx["actors_suspected"] = json!(with("suspected"));
    ctx["takeaways"] = json!(
        data["incident"]["takeaways"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .map(|l| l.trim().trim_start_matches(['-', '*']).trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
    );
    ctx
}

/// A report template's text and where it came from (named in errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    pub source: String,
    pub origin: String,
}

impl TemplateSource {
    /// The template shipped in assets/report/ (`None` for JSON).
    pub fn builtin(format: ReportFormat) -> Option<TemplateSource> {
        format.builtin_template().map(|t| TemplateSource {
            source: t.to_string(),
            origin: format!("assets/report/{}", format.template_file_name()),
        })
    }
}

/// The report of `incident` in `format`, as of the store's clock. JSON is the data itself;
/// Markdown and HTML go through `template` (the shipped one when `None`).
pub fn render_report(
    store: &Store,
    incident: &Incident,
    format: ReportFormat,
    scope: TimelineScope,
    template: Option<&TemplateSource>,
) -> Result<String, String> {
    let data = report_data(store, incident, store.now()).map_err(|e| e.to_string())?;
    if format == ReportFormat::Json {
        let mut text = serde_json::to_string_pretty(&data).map_err(|e| e.to_string())?;
        text.push('\n');
        return Ok(text);
    }
    let builtin = TemplateSource::builtin(format);
    let template = template
        .or(builtin.as_ref())
        .ok_or("no template for this format")?;
    render(
        format,
        &template.source,
        &template.origin,
        &template_context(&data, scope),
    )
}
