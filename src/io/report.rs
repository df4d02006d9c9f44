//! The postmortem report's data: the whole incident read from the store into one JSON
//! document. The JSON format prints it as is; the Markdown and HTML templates read it
//! through [`template_context`], which adds the groupings a reader wants (findings by kind,
//! actions by owner) with every reference resolved.
//!
//! Everything is ordered (events by time, findings by kind then creation, actions by owner
//! then due date), so the same database always gives the same report.

use crate::domain::json;
use crate::domain::metrics::{human, metrics};
use crate::domain::{ActionStatus, Evidence, EvidenceKind, VerifyState};
use crate::domain::{Event, Incident, KeyEventKind, LapseKind, Timestamp};
use crate::io::template::{ReportFormat, render_to, web_url};
use crate::store::{self, EventFilter, Store, Target};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

mod context;
mod stream;
pub use context::{lead, template_context};
pub use stream::{TemplateSource, render_report, write_report};

/// Bumped when a field changes meaning or goes away (adding fields keeps it).
pub const REPORT_VERSION: i64 = 1;

/// Which zone the report's times are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportZone {
    /// The incident's zone, with UTC beside it when the two differ.
    #[default]
    Incident,
    /// UTC only.
    Utc,
    /// Another zone, with UTC beside it when it is not UTC.
    Zone(Tz),
}

impl ReportZone {
    /// The zone times are shown in for `incident`.
    pub fn tz(self, incident: &Incident) -> Tz {
        match self {
            ReportZone::Incident => incident.zone,
            ReportZone::Utc => Tz::UTC,
            ReportZone::Zone(z) => z,
        }
    }

    /// The next choice in the Report view: the incident's zone, then UTC.
    pub fn toggled(self) -> ReportZone {
        match self {
            ReportZone::Utc => ReportZone::Incident,
            _ => ReportZone::Utc,
        }
    }
}

impl std::str::FromStr for ReportZone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            t if t.eq_ignore_ascii_case("incident") => Ok(ReportZone::Incident),
            t if t.eq_ignore_ascii_case("utc") || t == "Z" => Ok(ReportZone::Utc),
            t => t.parse::<Tz>().map(ReportZone::Zone).map_err(|_| {
                format!(
                    "unknown time zone {t:?}: write `incident`, `utc` or an IANA zone name such as Europe/Madrid"
                )
            }),
        }
    }
}

/// How a report is made beyond its format: how much of the timeline, which zone, and
/// whether IOCs are written defanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportOptions {
    pub scope: TimelineScope,
    pub zone: ReportZone,
    pub defang: bool,
    /// At most this many timeline events (the Report view previews what it shows); the
    /// template is told how many were left out (`timeline.omitted`).
    pub limit: Option<usize>,
}

impl From<TimelineScope> for ReportOptions {
    fn from(scope: TimelineScope) -> Self {
        ReportOptions {
            scope,
            ..Default::default()
        }
    }
}

/// Reads the whole incident for the report, as of `now`, with times in the incident's zone.
pub fn report_data(store: &Store, incident: &Incident, now: DateTime<Utc>) -> store::Result<Value> {
    report_data_in(store, incident, now, ReportZone::Incident)
}

/// [`report_data`] with times in the zone `choice` names.
pub fn report_data_in(
    store: &Store,
    incident: &Incident,
    now: DateTime<Utc>,
    choice: ReportZone,
) -> store::Result<Value> {
    collect(store, incident, now, choice, true)
}

/// What one pass over the timeline keeps when the events themselves are not kept: the
/// first and last event, the first key event of each kind, and the counts.
#[derive(Default)]
struct Pass {
    first: Option<Event>,
    last: Option<Event>,
    keys: Vec<Event>,
    all: usize,
    key_scope: usize,
}

impl Pass {
    fn see(&mut self, e: &Event) {
        if self.first.is_none() {
            self.first = Some(e.clone());
        }
        self.last = Some(e.clone());
        if let Some(k) = e.key_kind
            && !self.keys.iter().any(|x| x.key_kind == Some(k))
        {
            self.keys.push(e.clone());
        }
        self.all += 1;
        if in_scope(e, TimelineScope::Key) {
            self.key_scope += 1;
        }
    }
}

fn in_scope(e: &Event, scope: TimelineScope) -> bool {
    scope == TimelineScope::Full || e.key_kind.is_some() || !e.lapses.is_empty()
}

/// The report's data. With `keep_events` (the JSON report) every event is in it; without,
/// the Markdown and HTML reports stream the timeline into the template
/// ([`write_report`]) and the data holds only the findings' supporting events
/// (`finding_events`) and the timeline's counts (`timeline_counts`).
fn collect(
    store: &Store,
    incident: &Incident,
    now: DateTime<Utc>,
    choice: ReportZone,
    keep_events: bool,
) -> store::Result<Value> {
    let zone = choice.tz(incident);
    let beside = zone != Tz::UTC;
    let mut events = Vec::new();
    let mut pass = Pass::default();
    store.for_each_event(&EventFilter::incident(&incident.id), |e| {
        if keep_events {
            events.push(e.clone());
        } else {
            pass.see(e);
        }
        Ok(())
    })?;
    if keep_events {
        pass.first = events.first().cloned();
        pass.last = events.last().cloned();
        pass.all = events.len();
        for e in &events {
            if let Some(k) = e.key_kind
                && !pass.keys.iter().any(|x| x.key_kind == Some(k))
            {
                pass.keys.push(e.clone());
            }
        }
    }
    // The first key event of each kind, in time order (the timeline is read in order):
    // all the metrics and the strip look at.
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
    data.insert(
        "times".into(),
        json!({"zone": zone.name(), "utc_beside": beside, "incident_zone": incident.zone.name()}),
    );
    let mut inc = json::incident(incident, Some(pass.all as i64));
    inc["detected_local"] = json!(incident.detected.as_ref().map(|t| when(t, zone)));
    inc["detected_utc"] = json!(
        incident
            .detected
            .as_ref()
            .filter(|_| beside)
            .map(|t| when(t, Tz::UTC))
    );
    data.insert("incident".into(), inc);
    data.insert("metrics".into(), metrics_json(&pass.keys));
    data.insert("key_events".into(), key_events_json(&pass.keys, zone));
    data.insert(
        "extent".into(),
        match (pass.first.as_ref(), pass.last.as_ref()) {
            (Some(a), Some(b)) => json!({
                "first_ms": a.at.utc.timestamp_millis(),
                "last_ms": b.at.utc.timestamp_millis(),
                "first_text": when(&a.at, zone),
                "last_text": when(&b.at, zone),
            }),
            _ => Value::Null,
        },
    );
    data.insert("actors".into(), Value::Array(actors));
    if keep_events {
        data.insert(
            "events".into(),
            Value::Array(events.iter().map(|e| event_json(e, zone, beside)).collect()),
        );
    }
    data.insert("findings".into(), findings_json(store, &incident.id)?);
    if !keep_events {
        let mut supporting = Vec::new();
        for f in store.list_findings(&incident.id)? {
            for e in store.finding_events(&f.finding.id)? {
                supporting.push(event_json(&e, zone, beside));
            }
        }
        data.insert("finding_events".into(), Value::Array(supporting));
        data.insert(
            "timeline_counts".into(),
            json!({"full": pass.all, "key": pass.key_scope}),
        );
    }
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

/// An instant as a reader of the report wants it: see [`Timestamp::written_in`].
pub fn when(t: &Timestamp, zone: Tz) -> String {
    t.written_in(zone)
}

fn event_json(e: &Event, zone: Tz, beside: bool) -> Value {
    let mut v = json::event(e);
    v["at_local"] = json!(when(&e.at, zone));
    v["at_utc"] = json!(beside.then(|| when(&e.at, Tz::UTC)));
    v["key_label"] = json!(e.key_kind.map(|k| k.label()));
    v["phase_label"] = json!(e.phase.map(|p| p.label()));
    v
}

/// The key events (the first of each kind), in kind order, for the timeline strip.
fn key_events_json(events: &[Event], zone: Tz) -> Value {
    Value::Array(
        KeyEventKind::ALL
            .iter()
            .filter_map(|k| {
                let e = events.iter().find(|e| e.key_kind == Some(*k))?;
                Some(json!({
                    "kind": k.as_str(),
                    "label": k.label(),
                    "at_ms": e.at.utc.timestamp_millis(),
                    "at_text": when(&e.at, zone),
                    "at_naive": local(e.at.utc, zone, "%Y-%m-%dT%H:%M:%S"),
                }))
            })
            .collect(),
    )
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
        let reviews = store.reviews(&a.id)?;
        v["latest_review"] =
            json!(reviews.iter().rev().find(|r| !r.note.trim().is_empty()).map(
            |r| json!({"date": r.at.date_naive().to_string(), "by": r.by, "note": r.note})
        ));
        v["reviews"] = Value::Array(reviews.iter().map(store::review_json).collect());
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
                v["name"] = json!(evidence_name(e));
                let (kind_label, href) = match e.kind {
                    EvidenceKind::File => ("file", None),
                    EvidenceKind::Url if web_url(&e.locator) => ("link", Some(e.locator.trim())),
                    EvidenceKind::Url => ("ticket", None),
                };
                v["kind_label"] = json!(kind_label);
                v["href"] = json!(href);
                v["size_text"] = json!(e.size.map(human_size));
                v["state_label"] = json!(e.state.map(|s| s.label()));
                v["changed"] = json!(e.state == Some(VerifyState::Changed));
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

/// What a piece of evidence is called in the report: its title, or else the file's name or
/// the reference itself.
fn evidence_name(e: &Evidence) -> String {
    let title = e.title.trim();
    if !title.is_empty() {
        return title.to_string();
    }
    let locator = e.locator.trim();
    match e.kind {
        EvidenceKind::File => std::path::Path::new(locator)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| locator.to_string()),
        EvidenceKind::Url => locator.to_string(),
    }
}

/// A size as people read it: `812 bytes`, `1.8 MB` (powers of 1000, like file managers).
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} byte{}", if bytes == 1 { "" } else { "s" });
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
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
