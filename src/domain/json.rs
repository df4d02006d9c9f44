//! The JSON shape of incidents and events: printed by `--json`, kept in the history
//! as snapshots. One place, so the two never disagree. Field names are stable.

use crate::domain::{Event, Incident, Timestamp};
use serde_json::{Value, json};

fn time(t: &Timestamp) -> Value {
    json!(t.rfc3339_utc())
}

/// An event: `at` is RFC 3339 UTC; `at_original` keeps the offset the source wrote.
pub fn event(e: &Event) -> Value {
    json!({
        "id": e.id,
        "at": time(&e.at),
        "at_original": e.at.rfc3339_original(),
        "precision": e.at.precision.as_str(),
        "text": e.text,
        "actor": e.actor,
        "source": e.source,
        "phase": e.phase.map(|p| p.as_str()),
        "tags": e.tags,
        "technique": e.technique,
        "key_event": e.key_kind.map(|k| k.as_str()),
        "caused_by": e.caused_by,
        "lapses": e.lapses.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "attrs": attrs(&e.attrs),
    })
}

/// Attributes as a JSON object in source order.
pub fn attrs(attrs: &[(String, String)]) -> Value {
    Value::Object(
        attrs
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// An incident, with its number of events when known.
pub fn incident(i: &Incident, events: Option<i64>) -> Value {
    let mut v = json!({
        "id": i.id,
        "key": i.key,
        "title": i.title,
        "severity": i.severity.as_str(),
        "status": i.status.as_str(),
        "customer_impact": i.customer_impact,
        "data_breach": i.data_breach,
        "zone": i.zone.name(),
        "detected": i.detected.as_ref().map(time),
        "detected_original": i.detected.as_ref().map(|t| t.rfc3339_original()),
        "detected_precision": i.detected.as_ref().map(|t| t.precision.as_str()),
        "summary": i.summary,
        "response": i.response,
        "takeaways": i.takeaways,
        "impact": i.impact,
        "classification": i.classification,
        "created": i.created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "updated": i.updated.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    if let Some(n) = events {
        v["events"] = json!(n);
    }
    v
}
