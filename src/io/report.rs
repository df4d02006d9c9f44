//! The postmortem report's data: the whole incident read from the store into one JSON
//! document. The JSON format prints it as is; the Markdown and HTML templates read it
//! through [`template_context`], which adds the groupings a reader wants (findings by kind,
//! actions by owner) with every reference resolved.
//!
//! Everything is ordered (events by time, findings by kind then creation, actions by owner
//! then due date), so the same database always gives the same report.

use crate::domain::metrics::{human, metrics};
use crate::domain::{ActionStatus, Evidence, EvidenceKind, VerifyState};
use crate::domain::{Event, Incident, KeyEventKind, LapseKind, Timestamp};
use crate::io::json;
use crate::io::template::{ReportFormat, render_to, web_url};
use crate::store::{self, EventFilter, Store, Target};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

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
    let events = if data["events"].is_array() {
        by_id("events")
    } else {
        by_id("finding_events")
    };
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
    let count = timeline.len();

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

    // One actions table grouped by owner (unowned last, as `actions_json` sorts them).
    let mut actions_table = Vec::new();
    let mut sop_changes = Vec::new();
    let mut by_group: Vec<(String, Vec<Value>)> = Vec::new();
    let mut previous_owner: Option<String> = None;
    for mut a in list("actions") {
        a["findings"] = resolve(&a["findings"], &findings);
        for s in a["sop_changes"].as_array().into_iter().flatten() {
            let mut s = s.clone();
            s["action"] = a["title"].clone();
            sop_changes.push(s);
        }
        let owner = a["owner"].as_str().unwrap_or("(no owner)").to_string();
        a["owner_name"] = json!(owner);
        a["first_of_owner"] = json!(previous_owner.as_deref() != Some(owner.as_str()));
        previous_owner = Some(owner);
        if let Some(group) = a["group"].as_str().filter(|g| !g.trim().is_empty()) {
            match by_group.iter_mut().find(|(g, _)| g == group) {
                Some((_, actions)) => actions.push(a.clone()),
                None => by_group.push((group.to_string(), vec![a.clone()])),
            }
        }
        actions_table.push(a);
    }
    by_group.sort_by_key(|(g, _)| g.to_lowercase());
    let actions_by_group: Vec<Value> = by_group
        .into_iter()
        .map(|(group, actions)| json!({"group": group, "actions": actions}))
        .collect();
    let mut owners: Vec<(String, Vec<Value>)> = Vec::new();
    for a in &actions_table {
        let owner = a["owner_name"].as_str().unwrap_or_default().to_string();
        match owners.last_mut() {
            Some((name, actions)) if *name == owner => actions.push(a.clone()),
            _ => owners.push((owner, vec![a.clone()])),
        }
    }
    let by_owner: Vec<Value> = owners
        .iter()
        .map(|(owner, actions)| json!({"owner": owner, "actions": actions}))
        .collect();
    let actions_by_status: Vec<Value> = ActionStatus::ALL
        .iter()
        .filter_map(|st| {
            let n = actions_table
                .iter()
                .filter(|a| a["status"] == st.as_str())
                .count();
            (n > 0).then(|| json!({"status": st.as_str(), "label": st.label(), "count": n}))
        })
        .collect();
    let overdue: Vec<Value> = actions_table
        .iter()
        .filter(|a| a["overdue"] == true)
        .cloned()
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
        "count": count,
        "omitted": 0,
    });
    ctx["findings_by_kind"] = json!(by_kind);
    ctx["evaluation"] = json!(evaluation);
    ctx["actions_by_owner"] = json!(by_owner);
    ctx["actions_table"] = json!(actions_table);
    ctx["actions_by_group"] = json!(actions_by_group);
    ctx["actions_by_status"] = json!(actions_by_status);
    ctx["overdue_actions"] = json!(overdue);
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
    ctx["summary_lead"] = json!(lead(
        data["incident"]["summary"].as_str().unwrap_or_default(),
        3
    ));
    ctx["findings_count"] = json!(list("findings").len());
    // Which evidence supports which findings, by name, for the appendix.
    let mut evidence_list = list("evidence");
    for v in &mut evidence_list {
        let supports: Vec<Value> = list("findings")
            .iter()
            .filter(|f| {
                f["evidence"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|id| *id == v["id"]))
            })
            .map(|f| f["title"].clone())
            .collect();
        v["supports"] = json!(supports);
    }
    ctx["evidence"] = json!(evidence_list);
    ctx["charts"] = charts(data, &by_kind, &evaluation, &owners);
    ctx
}

/// The first `n` sentences of `text` (its first paragraphs), for the executive summary.
/// A sentence ends at `.`, `!` or `?` followed by a space and a capital or a digit, but
/// not after an initial (`M. Ruiz`).
pub fn lead(text: &str, n: usize) -> String {
    let text = text.trim();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = 0;
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let after = chars.get(k + 1).map(|p| p.1);
        let next = chars.get(k + 2).map(|p| p.1);
        let ends = match after {
            None => true,
            Some('\n') => true,
            Some(' ') => next.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()),
            _ => false,
        };
        let initial =
            k >= 1 && chars[k - 1].1.is_uppercase() && (k < 2 || !chars[k - 2].1.is_alphanumeric());
        if ends && !initial {
            found += 1;
            if found == n {
                return text[..i + c.len_utf8()].trim().to_string();
            }
        }
    }
    text.to_string()
}

/// The specs of the four pictures (drawn by `io::charts`): the timeline strip, findings by
/// lapse kind, the evaluation grid and action status by owner.
fn charts(
    data: &Value,
    by_kind: &[Value],
    evaluation: &[Value],
    owners: &[(String, Vec<Value>)],
) -> Value {
    let zone = data["times"]["zone"].as_str().unwrap_or("UTC");
    let keys = data["key_events"].as_array().cloned().unwrap_or_default();
    let key = |kind: &str| keys.iter().find(|k| k["kind"] == kind);
    let spans: Vec<Value> = data["metrics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["name"] != "total duration")
        .map(|m| {
            let from = key(m["from"].as_str().unwrap_or_default());
            let to = key(m["to"].as_str().unwrap_or_default());
            let name = m["name"].as_str().unwrap_or_default();
            let label = match name {
                "time to detect" => "Detect",
                "time to contain" => "Contain",
                "time to recover" => "Recover",
                other => other,
            };
            let measured = m["text"].is_string();
            json!({
                "label": label,
                "text": if measured { m["text"].clone() } else { json!(format!("not measured: {}", m["missing"].as_str().unwrap_or_default())) },
                "from_ms": if measured { from.map(|k| k["at_ms"].clone()) } else { None },
                "to_ms": if measured { to.map(|k| k["at_ms"].clone()) } else { None },
                "from_naive": if measured { from.map(|k| k["at_naive"].clone()) } else { None },
                "to_naive": if measured { to.map(|k| k["at_naive"].clone()) } else { None },
            })
        })
        .collect();
    let marks: Vec<Value> = keys
        .iter()
        .map(|k| {
            let mut label = k["label"].as_str().unwrap_or_default().to_string();
            if let Some(c) = label.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            json!({"label": label, "at_ms": k["at_ms"], "at_text": k["at_text"], "at_naive": k["at_naive"]})
        })
        .collect();
    // The strip runs from the first to the last key event (the whole timeline when there
    // are fewer than two), so precursors days earlier do not squeeze the spans.
    let extent = &data["extent"];
    let first = keys.iter().min_by_key(|k| k["at_ms"].as_i64());
    let last = keys.iter().max_by_key(|k| k["at_ms"].as_i64());
    let (start_ms, end_ms, start_text, end_text) = match (first, last) {
        (Some(a), Some(b)) if a["at_ms"] != b["at_ms"] => {
            (&a["at_ms"], &b["at_ms"], &a["at_text"], &b["at_text"])
        }
        _ => (
            &extent["first_ms"],
            &extent["last_ms"],
            &extent["first_text"],
            &extent["last_text"],
        ),
    };
    let strip = json!({
        "kind": "strip",
        "title": format!("Timeline strip: key events and the detect, contain and recover spans (times in {zone})"),
        "start_ms": start_ms,
        "end_ms": end_ms,
        "start_text": start_text,
        "end_text": end_text,
        "spans": spans,
        "marks": marks,
    });
    let findings = json!({
        "kind": "bars",
        "title": "Findings by lapse kind",
        "bars": by_kind.iter().map(|k| {
            let mut label = k["label"].as_str().unwrap_or_default().to_string();
            if let Some(c) = label.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            json!({"label": label, "value": k["findings"].as_array().map_or(0, Vec::len)})
        }).collect::<Vec<_>>(),
    });
    let grid = json!({
        "kind": "grid",
        "title": "Response evaluation: met, partly met or not met per area",
        "columns": ["Sufficiency", "Completeness"],
        "rows": evaluation.iter().map(|e| json!({
            "label": e["area"],
            "cells": [e["sufficiency"], e["completeness"]],
        })).collect::<Vec<_>>(),
    });
    let series: Vec<Value> = ActionStatus::ALL
        .iter()
        .map(|s| json!({"key": s.as_str(), "label": s.label()}))
        .collect();
    let rows: Vec<Value> = owners
        .iter()
        .map(|(owner, list)| {
            let values: Vec<usize> = ActionStatus::ALL
                .iter()
                .map(|s| list.iter().filter(|a| a["status"] == s.as_str()).count())
                .collect();
            let overdue = list.iter().filter(|a| a["overdue"] == true).count();
            let mut text: Vec<String> = ActionStatus::ALL
                .iter()
                .zip(&values)
                .filter(|(_, n)| **n > 0)
                .map(|(s, n)| format!("{n} {}", s.label()))
                .collect();
            if overdue > 0 {
                text.push(format!("{overdue} overdue"));
            }
            json!({"label": owner, "values": values, "overdue": overdue, "text": text.join(", ")})
        })
        .collect();
    let stacked = json!({
        "kind": "stacked",
        "title": "Action status by owner (overdue marked)",
        "series": series,
        "rows": rows,
    });
    json!({"timeline": strip, "findings": findings, "evaluation": grid, "actions": stacked})
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

/// The report of `incident` in `format`, as of the store's clock, as one string (the
/// Report view, tests). [`write_report`] writes it without holding it.
pub fn render_report(
    store: &Store,
    incident: &Incident,
    format: ReportFormat,
    options: impl Into<ReportOptions>,
    template: Option<&TemplateSource>,
) -> Result<String, String> {
    let mut out = Vec::new();
    write_report(store, incident, format, options, template, &mut out)?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Writes the report of `incident` in `format` to `out`, as of the store's clock. JSON is
/// the data itself; Markdown and HTML go through `template` (the shipped one when `None`)
/// with the timeline streamed into it: its events are read a page at a time as the
/// template loops over them (from a second connection to the database file), so a
/// report of a million events needs no more memory than one of a hundred.
pub fn write_report(
    store: &Store,
    incident: &Incident,
    format: ReportFormat,
    options: impl Into<ReportOptions>,
    template: Option<&TemplateSource>,
    out: &mut dyn std::io::Write,
) -> Result<(), String> {
    let options = options.into();
    let now = store.now();
    if format == ReportFormat::Json {
        let data = report_data_in(store, incident, now, options.zone).map_err(|e| e.to_string())?;
        serde_json::to_writer_pretty(&mut *out, &data).map_err(|e| e.to_string())?;
        return out.write_all(b"\n").map_err(|e| e.to_string());
    }
    let builtin = TemplateSource::builtin(format);
    let template = template
        .or(builtin.as_ref())
        .ok_or("no template for this format")?;
    let data = collect(store, incident, now, options.zone, false).map_err(|e| e.to_string())?;
    let mut context = template_context(&data, options.scope);
    context["defang"] = json!(options.defang);
    let count = data["timeline_counts"][match options.scope {
        TimelineScope::Full => "full",
        TimelineScope::Key => "key",
    }]
    .as_u64()
    .unwrap_or(0) as usize;
    let shown = options.limit.map_or(count, |l| l.min(count));
    let failed = std::sync::Arc::new(std::sync::Mutex::new(None));
    let stream = EventStream::new(store, incident, &options, shown, failed.clone())
        .map_err(|e| e.to_string())?;
    let mut values: BTreeMap<String, minijinja::Value> = context
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != "timeline")
        .map(|(k, v)| (k.clone(), minijinja::Value::from_serialize(v)))
        .collect();
    let timeline: BTreeMap<&str, minijinja::Value> = [
        (
            "scope",
            minijinja::Value::from(context["timeline"]["scope"].as_str().unwrap_or("full")),
        ),
        ("count", minijinja::Value::from(shown)),
        ("omitted", minijinja::Value::from(count - shown)),
        ("events", minijinja::Value::make_one_shot_iterator(stream)),
    ]
    .into_iter()
    .collect();
    values.insert("timeline".into(), minijinja::Value::from(timeline));
    render_to(
        format,
        &template.source,
        &template.origin,
        minijinja::Value::from(values),
        out,
    )?;
    match failed.lock().map(|mut f| f.take()) {
        Ok(Some(e)) => Err(format!("cannot read the timeline: {e}")),
        _ => Ok(()),
    }
}

/// The timeline's events for a template, read page by page as it loops over them: from
/// a second connection to the database file, or (an in-memory database, which no second
/// connection can reach) from the events read up front. A read error ends the loop and
/// is kept in `failed` for [`write_report`] to report.
struct EventStream {
    state: std::sync::Mutex<StreamState>,
}

struct StreamState {
    source: EventSource,
    buffer: std::collections::VecDeque<Event>,
    filter: EventFilter,
    after: Option<store::PageCursor>,
    done: bool,
    zone: Tz,
    beside: bool,
    scope: TimelineScope,
    left: usize,
    failed: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

enum EventSource {
    Store(Box<Store>),
    Read(std::vec::IntoIter<Event>),
}

impl EventStream {
    fn new(
        store: &Store,
        incident: &Incident,
        options: &ReportOptions,
        left: usize,
        failed: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    ) -> store::Result<EventStream> {
        let filter = EventFilter::incident(&incident.id);
        let source = match store.path() {
            Some(path) => EventSource::Store(Box::new(Store::open(&path, store.analyst())?)),
            None => {
                let mut events = Vec::new();
                store.for_each_event(&filter, |e| {
                    if in_scope(e, options.scope) && events.len() < left {
                        events.push(e.clone());
                    }
                    Ok(())
                })?;
                EventSource::Read(events.into_iter())
            }
        };
        let zone = options.zone.tz(incident);
        Ok(EventStream {
            state: std::sync::Mutex::new(StreamState {
                source,
                buffer: Default::default(),
                filter,
                after: None,
                done: false,
                zone,
                beside: zone != Tz::UTC,
                scope: options.scope,
                left,
                failed,
            }),
        })
    }
}

impl StreamState {
    fn next_event(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.buffer.pop_front() {
                return Some(e);
            }
            match &mut self.source {
                EventSource::Read(events) => return events.next(),
                EventSource::Store(_) if self.done => return None,
                EventSource::Store(store) => {
                    match store.events_page(&self.filter, self.after.take(), 1000) {
                        Ok(page) => {
                            self.buffer.extend(page.events);
                            self.after = page.next;
                            self.done = self.after.is_none();
                        }
                        Err(e) => {
                            if let Ok(mut f) = self.failed.lock() {
                                *f = Some(e.to_string());
                            }
                            self.done = true;
                            self.buffer.clear();
                            return None;
                        }
                    }
                }
            }
        }
    }
}

impl Iterator for EventStream {
    type Item = minijinja::Value;

    fn next(&mut self) -> Option<minijinja::Value> {
        let s = self.state.get_mut().ok()?;
        while s.left > 0 {
            let e = s.next_event()?;
            if in_scope(&e, s.scope) {
                s.left -= 1;
                return Some(minijinja::Value::from_serialize(event_json(
                    &e, s.zone, s.beside,
                )));
            }
        }
        None
    }
}
