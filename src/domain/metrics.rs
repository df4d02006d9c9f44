//! The incident's time metrics, measured between its key events. A metric whose key
//! events are missing, or out of order, is named as such instead of guessed.

use super::{Event, KeyEventKind};
use chrono::{DateTime, Duration, Utc};

/// One measured interval, or why it cannot be measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: &'static str,
    pub from: KeyEventKind,
    pub to: KeyEventKind,
    pub value: Result<Duration, String>,
}

/// Time to detect, contain and recover, and the whole duration.
pub fn metrics(events: &[Event]) -> Vec<Metric> {
    use KeyEventKind::*;
    let at = |k: KeyEventKind| -> Option<DateTime<Utc>> {
        events
            .iter()
            .find(|e| e.key_kind == Some(k))
            .map(|e| e.at.utc)
    };
    [
        ("time to detect", FirstMalicious, Detected),
        ("time to contain", Detected, Contained),
        ("time to recover", Contained, Recovered),
        ("total duration", FirstMalicious, Recovered),
    ]
    .into_iter()
    .map(|(name, from, to)| {
        let value = match (at(from), at(to)) {
            (None, None) => Err(format!(
                "no '{}' nor '{}' key event",
                from.label(),
                to.label()
            )),
            (None, _) => Err(format!("no '{}' key event", from.label())),
            (_, None) => Err(format!("no '{}' key event", to.label())),
            (Some(a), Some(b)) if b < a => Err(format!(
                "'{}' is marked before '{}': check the key events",
                to.label(),
                from.label()
            )),
            (Some(a), Some(b)) => Ok(b - a),
        };
        Metric {
            name,
            from,
            to,
            value,
        }
    })
    .collect()
}

/// A duration as people say it: `1d 2h 17m`, `47m`, `12s`.
pub fn human(d: Duration) -> String {
    let secs = d.num_seconds();
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (days, hours, mins) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, m) => format!("{d}d {h}h {m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{TimeContext, parse_time};

    fn event(at: &str, kind: Option<KeyEventKind>) -> Event {
        let at = parse_time(at, &TimeContext::utc()).unwrap();
        Event {
            id: at.rfc3339_utc(),
            incident_id: "i".into(),
            at,
            text: "x".into(),
            actor: None,
            source: None,
            phase: None,
            tags: vec![],
            technique: None,
            key_kind: kind,
            caused_by: None,
            lapses: vec![],
            attrs: vec![],
            created: at.utc,
            updated: at.utc,
            version: 1,
        }
    }

    #[test]
    fn all_four_from_complete_key_events() {
        use KeyEventKind::*;
        let events = [
            event("2026-03-10 07:41Z", Some(FirstMalicious)),
            event("2026-03-10 08:00Z", None),
            event("2026-03-11 09:19Z", Some(Detected)),
            event("2026-03-11 12:10Z", Some(Contained)),
            event("2026-03-13 07:30Z", Some(Recovered)),
        ];
        let m = metrics(&events);
        let shown: Vec<String> = m.iter().map(|m| human(m.value.clone().unwrap())).collect();
        assert_eq!(shown, ["1d 1h 38m", "2h 51m", "1d 19h 20m", "2d 23h 49m"]);
    }

    #[test]
    fn missing_key_events_are_named_not_guessed() {
        use KeyEventKind::*;
        let events = [
            event("2026-03-10 07:41Z", Some(FirstMalicious)),
            event("2026-03-11 09:19Z", Some(Detected)),
        ];
        let m = metrics(&events);
        assert!(m[0].value.is_ok());
        assert_eq!(m[1].value.clone().unwrap_err(), "no 'contained' key event");
        assert_eq!(
            m[2].value.clone().unwrap_err(),
            "no 'contained' nor 'recovered' key event"
        );
        assert_eq!(m[3].value.clone().unwrap_err(), "no 'recovered' key event");
        assert!(metrics(&[]).iter().all(|m| m.value.is_err()));
    }

    #[test]
    fn out_of_order_key_events_are_flagged() {
        use KeyEventKind::*;
        let events = [
            event("2026-03-11 09:00Z", Some(Contained)),
            event("2026-03-11 10:00Z", Some(Detected)),
        ];
        let m = metrics(&events);
        let e = m[1].value.clone().unwrap_err();
        assert!(e.contains("'contained' is marked before 'detected'"), "{e}");
    }

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(human(Duration::seconds(12)), "12s");
        assert_eq!(human(Duration::minutes(47)), "47m");
        assert_eq!(human(Duration::minutes(61)), "1h 1m");
        assert_eq!(human(Duration::hours(49)), "2d 1h 0m");
    }
}
