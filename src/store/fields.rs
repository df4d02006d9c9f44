//! Fields as the history keeps them: each editable field of an incident or an event has a
//! text form (what `history.old` / `history.new` hold) and one setter that writes that text
//! back. Edits, undo and redo all go through these, so they cannot disagree.

use super::{Result, StoreError, Writer};
use crate::domain::{
    ActorKind, Attribution, Event, Incident, NewEvent, Precision, TimeContext, Timestamp,
    parse_time,
};
use rusqlite::params;

/// `2026-03-11T10:19:44+01:00 exact`: the instant as written, and its precision.
pub(crate) fn time_text(t: &Timestamp) -> String {
    format!("{} {}", t.rfc3339_original(), t.precision.as_str())
}

fn parse_time_text(text: &str) -> Result<Timestamp> {
    let bad = || StoreError::invalid("history", format!("unreadable time in history: {text:?}"));
    let (instant, precision) = text.rsplit_once(' ').ok_or_else(bad)?;
    let mut t = parse_time(instant, &TimeContext::utc()).map_err(|_| bad())?;
    t.precision = precision.parse::<Precision>().map_err(|_| bad())?;
    Ok(t)
}

pub(crate) const INCIDENT_FIELDS: [&str; 12] = [
    "title",
    "severity",
    "status",
    "customer_impact",
    "data_breach",
    "zone",
    "detected",
    "summary",
    "response",
    "takeaways",
    "impact",
    "classification",
];

/// The text form of each editable incident field, in [`INCIDENT_FIELDS`] order.
pub(crate) fn incident_values(i: &Incident) -> [Option<String>; 12] {
    [
        Some(i.title.clone()),
        Some(i.severity.to_string()),
        Some(i.status.to_string()),
        Some(i.customer_impact.to_string()),
        Some(i.data_breach.to_string()),
        Some(i.zone.name().to_string()),
        i.detected.as_ref().map(time_text),
        Some(i.summary.clone()),
        Some(i.response.clone()),
        Some(i.takeaways.clone()),
        Some(i.impact.clone()),
        Some(i.classification.clone()),
    ]
}

pub(crate) const EVENT_FIELDS: [&str; 9] = [
    "at",
    "text",
    "actor",
    "source",
    "phase",
    "tags",
    "technique",
    "key_kind",
    "caused_by",
];

fn tags_text(tags: &[String]) -> Option<String> {
    (!tags.is_empty()).then(|| tags.join(" "))
}

/// The text form of each editable event field, in [`EVENT_FIELDS`] order.
pub(crate) fn event_values(e: &Event) -> [Option<String>; 9] {
    [
        Some(time_text(&e.at)),
        Some(e.text.clone()),
        e.actor.clone(),
        e.source.clone(),
        e.phase.map(|p| p.to_string()),
        tags_text(&e.tags),
        e.technique.clone(),
        e.key_kind.map(|k| k.to_string()),
        e.caused_by.clone(),
    ]
}

pub(crate) fn new_event_values(e: &NewEvent) -> [Option<String>; 9] {
    [
        Some(time_text(&e.at)),
        Some(e.text.clone()),
        e.actor.clone(),
        e.source.clone(),
        e.phase.map(|p| p.to_string()),
        tags_text(&e.tags),
        e.technique.clone(),
        e.key_kind.map(|k| k.to_string()),
        e.caused_by.clone(),
    ]
}

fn invalid(field: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::invalid(field.to_string(), format!("{field}: {e}"))
}

impl Writer<'_> {
    /// Writes one incident field from its text form.
    pub(crate) fn set_incident_field(
        &self,
        id: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<()> {
        let text = value.unwrap_or_default();
        let flag = |v: &str| v == "true";
        let n = match field {
            "classification" => {
                let marking = crate::domain::incident::validate_classification(text)
                    .map_err(|e| invalid(field, e))?;
                self.tx.execute(
                    "UPDATE incidents SET classification = ?1 WHERE id = ?2",
                    params![marking, id],
                )?
            }
            "title" | "summary" | "response" | "takeaways" | "impact" => self.tx.execute(
                &format!("UPDATE incidents SET {field} = ?1 WHERE id = ?2"),
                params![text, id],
            )?,
            "severity" | "status" | "zone" => {
                match field {
                    "severity" => drop(
                        text.parse::<crate::domain::Severity>()
                            .map_err(|e| invalid(field, e))?,
                    ),
                    "status" => drop(
                        text.parse::<crate::domain::Status>()
                            .map_err(|e| invalid(field, e))?,
                    ),
                    _ => drop(crate::domain::parse_zone(text).map_err(|e| invalid(field, e))?),
                }
                self.tx.execute(
                    &format!("UPDATE incidents SET {field} = ?1 WHERE id = ?2"),
                    params![text, id],
                )?
            }
            "customer_impact" | "data_breach" => self.tx.execute(
                &format!("UPDATE incidents SET {field} = ?1 WHERE id = ?2"),
                params![flag(text), id],
            )?,
            "detected" => {
                let t = value.map(parse_time_text).transpose()?;
                self.tx.execute(
                    "UPDATE incidents SET detected_us = ?1, detected_offset = ?2, detected_precision = ?3
                     WHERE id = ?4",
                    params![
                        t.map(|t| t.micros()),
                        t.map(|t| t.offset_secs),
                        t.map(|t| t.precision.as_str()),
                        id
                    ],
                )?
            }
            other => {
                return Err(StoreError::invalid(
                    "history",
                    format!("incidents have no field {other:?}"),
                ));
            }
        };
        self.touched("incidents", "incident", id, n)
    }

    /// Writes one event field from its text form.
    pub(crate) fn set_event_field(
        &self,
        id: &str,
        incident_id: &str,
        field: &str,
        value: Option<&str>,
    ) -> Result<()> {
        let set = |column: &str, v: &dyn rusqlite::ToSql| -> Result<usize> {
            Ok(self.tx.execute(
                &format!("UPDATE events SET {column} = ?1 WHERE id = ?2"),
                params![v, id],
            )?)
        };
        let n = match field {
            "at" => {
                let t = parse_time_text(value.unwrap_or_default())?;
                self.tx.execute(
                    "UPDATE events SET at_us = ?1, at_offset = ?2, at_precision = ?3 WHERE id = ?4",
                    params![t.micros(), t.offset_secs, t.precision.as_str(), id],
                )?
            }
            "text" => set("text", &value.unwrap_or_default())?,
            "source" | "phase" | "technique" => set(field, &value)?,
            "key_kind" => self
                .tx
                .execute(
                    "UPDATE events SET key_kind = ?1 WHERE id = ?2",
                    params![value, id],
                )
                .map_err(|e| match e {
                    e if super::error::is_unique_violation(&e) => StoreError::Conflict(format!(
                        "the incident already has a '{}' key event",
                        value.unwrap_or_default()
                    )),
                    e => e.into(),
                })?,
            "caused_by" => {
                if let Some(cause) = value {
                    if cause == id {
                        return Err(StoreError::invalid(
                            "history",
                            "an event cannot cause itself",
                        ));
                    }
                    self.check_cause(incident_id, cause)?;
                }
                set("caused_by", &value)?
            }
            "actor" => {
                let actor_id = match value {
                    Some(name) => Some(
                        self.ensure_actor(
                            incident_id,
                            name,
                            ActorKind::Unclassified,
                            Attribution::Known,
                            "",
                        )?
                        .id,
                    ),
                    None => None,
                };
                set("actor_id", &actor_id)?
            }
            "tags" => {
                let n = set("tags", &value.unwrap_or_default())?;
                if n > 0 {
                    self.reindex_tags(id)?;
                }
                n
            }
            other => {
                return Err(StoreError::invalid(
                    "history",
                    format!("events have no field {other:?}"),
                ));
            }
        };
        self.touched("events", "event", id, n)
    }
}
