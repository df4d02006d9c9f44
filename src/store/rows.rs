//! Row mapping, in one place: the column lists the queries select and the functions
//! that turn those rows into domain types.

use crate::domain::{Event, Incident, LapseKind, Precision, Timestamp};
use chrono::{DateTime, Utc};
use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, ValueRef};

pub(crate) const INCIDENT_COLUMNS: &str = "i.id, i.key, i.title, i.severity, i.status, \
    i.customer_impact, i.data_breach, i.zone, i.detected_us, i.detected_offset, \
    i.detected_precision, i.summary, i.response, i.takeaways, i.created_us, i.updated_us, i.version, \
    i.impact, i.classification";

pub(crate) fn incident(r: &Row<'_>) -> rusqlite::Result<Incident> {
    Ok(Incident {
        id: r.get(0)?,
        key: r.get(1)?,
        title: r.get(2)?,
        severity: parsed(r, 3)?,
        status: parsed(r, 4)?,
        customer_impact: r.get(5)?,
        data_breach: r.get(6)?,
        zone: parsed(r, 7)?,
        detected: timestamp(r, 8, 9, 10)?,
        summary: r.get(11)?,
        response: r.get(12)?,
        takeaways: r.get(13)?,
        created: instant(r, 14)?,
        updated: instant(r, 15)?,
        version: r.get(16)?,
        impact: r.get(17)?,
        classification: r.get(18)?,
    })
}

pub(crate) const EVENT_COLUMNS: &str = "e.id, e.incident_id, e.at_us, e.at_offset, e.at_precision, \
    e.text, a.name, e.source, e.phase, e.tags, e.technique, e.key_kind, e.caused_by, \
    e.created_us, e.updated_us, e.version, e.seq, \
    (SELECT group_concat(DISTINCT f.kind) FROM finding_events fe JOIN findings f ON f.id = fe.finding_id \
     WHERE fe.event_id = e.id), e.attrs_stored, n.names";

/// Events are always selected with their actor, their incident by its id (the view
/// `events_v`) and their set of attribute names (schema 17; a join costs less than the
/// view's subquery, 0.15 s a million rows).
pub(crate) const EVENT_FROM: &str = "events_v e LEFT JOIN actors a ON a.id = e.actor_id \
    LEFT JOIN attr_names n ON n.num = e.attr_names";

pub(crate) fn event(r: &Row<'_>) -> rusqlite::Result<Event> {
    let tags: String = r.get(9)?;
    Ok(Event {
        id: r.get(0)?,
        incident_id: r.get(1)?,
        at: timestamp(r, 2, 3, 4)?.ok_or(rusqlite::Error::InvalidColumnType(
            2,
            "at_us".into(),
            rusqlite::types::Type::Null,
        ))?,
        text: r.get(5)?,
        actor: r.get(6)?,
        source: r.get(7)?,
        phase: optional_parsed(r, 8)?,
        tags: tags.split_whitespace().map(str::to_string).collect(),
        technique: r.get(10)?,
        key_kind: optional_parsed(r, 11)?,
        caused_by: r.get(12)?,
        lapses: {
            let kinds: Option<String> = r.get(17)?;
            let mut kinds: Vec<LapseKind> = kinds
                .unwrap_or_default()
                .split(',')
                .filter(|k| !k.is_empty())
                .filter_map(|k| k.parse().ok())
                .collect();
            kinds.sort();
            kinds
        },
        attrs: stored_attrs(r.get_ref(18)?.as_str()?, r.get_ref(19)?.as_str_or_null()?),
        created: instant(r, 13)?,
        updated: instant(r, 14)?,
        version: r.get(15)?,
    })
}

/// Attributes as an event keeps them: an object, or the values alone with the names of
/// their set (schema 17). Zipped here rather than by the SQL function `debrief_attrs`,
/// which would write the object for this to parse again (1.3-1.6 s more of a
/// 1,000,000-event export, measured).
fn stored_attrs(stored: &str, names: Option<&str>) -> Vec<(String, String)> {
    match names {
        Some(names) => super::attr_names::pairs(names, stored).unwrap_or_default(),
        None => attrs_from_text(stored),
    }
}

/// Attributes as stored: a JSON object (`{"parser": "winevtx", ...}`), empty when none.
pub(crate) fn attrs_from_text(text: &str) -> Vec<(String, String)> {
    if text.is_empty() {
        return Vec::new();
    }
    // Straight into pairs (no map in between: this runs for every event read).
    struct Pairs;
    impl<'de> serde::de::Visitor<'de> for Pairs {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of attributes")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(4));
            while let Some(k) = map.next_key::<String>()? {
                let v = match map.next_value::<serde_json::Value>()? {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                // A repeated key keeps its first place and its last value, as a map did.
                match pairs
                    .iter_mut()
                    .find(|(key, _): &&mut (String, String)| *key == k)
                {
                    Some(pair) => pair.1 = v,
                    None => pairs.push((k, v)),
                }
            }
            Ok(pairs)
        }
    }
    use serde::Deserializer;
    serde_json::Deserializer::from_str(text)
        .deserialize_map(Pairs)
        .unwrap_or_default()
}

/// The stored text of attributes: a JSON object in source order, or empty.
pub(crate) fn attrs_to_text(attrs: &[(String, String)]) -> String {
    if attrs.is_empty() {
        return String::new();
    }
    // Written straight out when the names are distinct (always, from the importers); the
    // same text serde_json's object gives, without building one per row.
    let distinct = attrs
        .iter()
        .enumerate()
        .all(|(i, (k, _))| attrs[..i].iter().all(|(o, _)| o != k));
    if distinct {
        let mut out = Vec::with_capacity(attrs.iter().map(|(k, v)| k.len() + v.len() + 6).sum());
        out.push(b'{');
        for (i, (k, v)) in attrs.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            // Writing a string into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut out, k);
            out.push(b':');
            let _ = serde_json::to_writer(&mut out, v);
        }
        out.push(b'}');
        return String::from_utf8(out).unwrap_or_default();
    }
    let map: serde_json::Map<String, serde_json::Value> = attrs
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// The (time, seq) keyset position of an event row selected with [`EVENT_COLUMNS`].
pub(crate) fn event_position(r: &Row<'_>) -> rusqlite::Result<(i64, i64)> {
    Ok((r.get(2)?, r.get(16)?))
}

fn timestamp(
    r: &Row<'_>,
    micros: usize,
    offset: usize,
    precision: usize,
) -> rusqlite::Result<Option<Timestamp>> {
    let Some(us) = r.get::<_, Option<i64>>(micros)? else {
        return Ok(None);
    };
    let offset: Option<i32> = r.get(offset)?;
    let precision: Option<Precision> = optional_parsed(r, precision)?;
    Ok(Timestamp::from_micros(
        us,
        offset.unwrap_or(0),
        precision.unwrap_or_default(),
    ))
}

pub(crate) fn instant(r: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let us: i64 = r.get(idx)?;
    Ok(DateTime::from_timestamp_micros(us).unwrap_or_default())
}

/// A text column holding a name parsed by `FromStr` (an enum, a zone).
struct Parsed<T>(T);

impl<T: std::str::FromStr> FromSql for Parsed<T>
where
    T::Err: std::fmt::Display,
{
    fn column_result(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        let text = value.as_str()?;
        text.parse()
            .map(Parsed)
            .map_err(|e: T::Err| FromSqlError::Other(e.to_string().into()))
    }
}

pub(crate) fn parsed<T: std::str::FromStr>(r: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    Ok(r.get::<_, Parsed<T>>(idx)?.0)
}

pub(crate) fn optional_parsed<T: std::str::FromStr>(
    r: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    Ok(r.get::<_, Option<Parsed<T>>>(idx)?.map(|p| p.0))
}
