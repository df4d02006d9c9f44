//! Store round trips, migrations and history, over an in-memory database.

use super::*;
use crate::domain::{
    IncidentPatch, KeyEventKind, NewEvent, NewIncident, Phase, Severity, Status, TimeContext,
    parse_time,
};
use chrono::TimeZone;

fn store() -> Store {
    let mut s = Store::open_in_memory("tester").unwrap();
    s.set_clock(Box::new(|| {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }));
    s.use_sequential_ids();
    s
}

fn at(text: &str) -> crate::domain::Timestamp {
    parse_time(text, &TimeContext::utc()).unwrap()
}

fn incident(s: &mut Store, key: &str) -> crate::domain::Incident {
    s.create_incident(&NewIncident::new(key, "Mailbox compromise").unwrap())
        .unwrap()
}

#[test]
fn migrations_are_valid() {
    migrations().validate().unwrap();
}

#[test]
fn incident_round_trip() {
    let mut s = store();
    let mut new = NewIncident::new("IR-1", "Mailbox compromise").unwrap();
    new.severity = Severity::High;
    new.zone = "Europe/Madrid".parse().unwrap();
    new.detected = Some(at("2026-03-11T10:19:44+01:00"));
    let created = s.create_incident(&new).unwrap();
    assert_eq!(created.id, "00000000-0000-7000-8000-000000000001");
    let read = s.require_incident("ir-1").unwrap();
    assert_eq!(read, created);
    assert_eq!(read.severity, Severity::High);
    assert_eq!(read.status, Status::Draft);
    assert_eq!(read.zone.name(), "Europe/Madrid");
    assert_eq!(
        read.detected.unwrap().rfc3339_original(),
        "2026-03-11T10:19:44+01:00"
    );
    assert_eq!(
        read.created,
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    );
}

#[test]
fn incident_keys_are_unique_ignoring_case() {
    let mut s = store();
    incident(&mut s, "IR-1");
    let e = s
        .create_incident(&NewIncident::new("ir-1", "Other").unwrap())
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e}");
    assert!(e.to_string().contains("ir-1"), "{e}");
    assert_eq!(s.list_incidents().unwrap().len(), 1);
}

#[test]
fn unknown_incident_is_named() {
    let s = store();
    let e = s.require_incident("NOPE").unwrap_err();
    assert!(e.to_string().contains("NOPE"), "{e}");
}

#[test]
fn event_round_trip_with_actor_tags_and_cause() {
    let mut s = store();
    let i = incident(&mut s, "IR-1");
    let mut first = NewEvent::new(at("2026-03-11 10:00Z"), "Phishing delivered")
        .unwrap()
        .with_tags(&["phishing"])
        .unwrap();
    first.key_kind = Some(KeyEventKind::FirstMalicious);
    let first = s.add_event(&i.id, &first).unwrap();
    let mut second = NewEvent::new(at("2026-03-11T10:05:30+01:00"), "Sign-in from 203.0.113.45")
        .unwrap()
        .with_tags(&["#Token-Replay", "token-replay"])
        .unwrap()
        .with_technique(Some("t1078.004"))
        .unwrap();
    second.actor = Some("mallory".into());
    second.source = Some("Entra ID sign-in logs".into());
    second.phase = Some(Phase::InitialAccess);
    second.caused_by = Some(first.id.clone());
    let added = s.add_event(&i.id, &second).unwrap();
    let read = s.event(&added.id).unwrap().unwrap();
    assert_eq!(read, added);
    assert_eq!(read.actor.as_deref(), Some("mallory"));
    assert_eq!(read.tags, ["token-replay"]);
    assert_eq!(read.technique.as_deref(), Some("T1078.004"));
    assert_eq!(read.caused_by.as_deref(), Some(first.id.as_str()));
    assert_eq!(read.at.rfc3339_original(), "2026-03-11T10:05:30+01:00");
    // The actor was created once and is reused whatever the case.
    second.actor = Some("Mallory".into());
    second.caused_by = None;
    s.add_event(&i.id, &second).unwrap();
    assert_eq!(s.list_actors(&i.id).unwrap().len(), 1);
}

#[test]
fn a_key_event_kind_is_taken_once() {
    let mut s = store();
    let i = incident(&mut s, "IR-1");
    let mut e = NewEvent::new(at("2026-03-11 10:00Z"), "Alert").unwrap();
    e.key_kind = Some(KeyEventKind::Detected);
    s.add_event(&i.id, &e).unwrap();
    let err = s.add_event(&i.id, &e).unwrap_err();
    assert!(err.to_string().contains("detected"), "{err}");
    assert_eq!(s.count_events(&i.id).unwrap(), 1);
}

#[test]
fn a_key_event_mark_moves_in_one_change_that_undo_reverses() {
    let mut s = store();
    let i = incident(&mut s, "IR-1");
    let mut first = NewEvent::new(at("2026-03-11 10:00Z"), "Alert").unwrap();
    first.key_kind = Some(KeyEventKind::Detected);
    let first = s.add_event(&i.id, &first).unwrap();
    let second = s
        .add_event(
            &i.id,
            &NewEvent::new(at("2026-03-11 09:00Z"), "Earlier alert").unwrap(),
        )
        .unwrap();
    let (saved, from) = s
        .set_key_event(&second.id, Some(KeyEventKind::Detected))
        .unwrap();
    assert_eq!(saved.key_kind, Some(KeyEventKind::Detected));
    assert_eq!(from.map(|e| e.id), Some(first.id.clone()));
    assert_eq!(s.event(&first.id).unwrap().unwrap().key_kind, None);
    s.undo(Some(&i.id)).unwrap();
    assert_eq!(
        s.event(&first.id).unwrap().unwrap().key_kind,
        Some(KeyEventKind::Detected)
    );
    assert_eq!(s.event(&second.id).unwrap().unwrap().key_kind, None);
}

#[test]
fn the_density_counts_events_per_bucket_over_the_span() {
    let mut s = store();
    let i = incident(&mut s, "IR-1");
    assert_eq!(s.event_density(&i.id, 4).unwrap().counts, [0, 0, 0, 0]);
    for t in ["10:00", "10:01", "10:02", "13:59", "14:00"] {
        let e = NewEvent::new(at(&format!("2026-03-11 {t}Z")), "x").unwrap();
        s.add_event(&i.id, &e).unwrap();
    }
    let d = s.event_density(&i.id, 4).unwrap();
    assert_eq!(d.counts, [3, 0, 0, 2]);
    assert_eq!(d.bucket_of(at("2026-03-11 14:00Z").micros()), 3);
    assert_eq!(d.bucket_of(d.bucket_start(2)), 2);
    assert_eq!(d.bucket_of(d.bucket_start(2) - 1), 1);
}

#[test]
fn a_cause_must_be_in_the_same_incident() {
    let mut s = store();
    let a = incident(&mut s, "IR-1");
    let b = incident(&mut s, "IR-2");
    let cause = s
        .add_event(&a.id, &NewEvent::new(at("2026-03-11 10:00Z"), "x").unwrap())
        .unwrap();
    let mut e = NewEvent::new(at("2026-03-11 10:01Z"), "y").unwrap();
    e.caused_by = Some(cause.id);
    assert!(s.add_event(&b.id, &e).is_err());
    assert_eq!(s.count_events(&b.id).unwrap(), 0);
}

#[test]
fn pages_follow_time_then_insertion_order() {
    let mut s = store();
    let i = incident(&mut s, "IR-1");
    // Added out of order, with ties on the same minute.
    for (t, text) in [
        ("2026-03-11 10:05Z", "c"),
        ("2026-03-11 10:00Z", "a"),
        ("2026-03-11 10:05Z", "d"),
        ("2026-03-11 10:01Z", "b"),
        ("2026-03-11 11:00Z", "e"),
    ] {
        s.add_event(&i.id, &NewEvent::new(at(t), text).unwrap())
            .unwrap();
    }
    let filter = EventFilter::incident(&i.id);
    let first = s.events_page(&filter, None, 2).unwrap();
    let texts = |p: &EventPage| p.events.iter().map(|e| e.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&first), ["a", "b"]);
    let second = s.events_page(&filter, first.next, 2).unwrap();
    assert_eq!(texts(&second), ["c", "d"]);
    let third = s.events_page(&filter, second.next, 2).unwrap();
    assert_eq!(texts(&third), ["e"]);
    assert_eq!(third.next, None);
}

#[test]
fn filters_by_words_actor_tag_and_phase() {
    let mut s = store();
    let i = incident(&mut s, "IR-1");
    let mut e1 = NewEvent::new(at("2026-03-11 10:00Z"), "Inbox rule created by attacker")
        .unwrap()
        .with_tags(&["bec"])
        .unwrap();
    e1.actor = Some("mallory".into());
    e1.phase = Some(Phase::Impact);
    s.add_event(&i.id, &e1).unwrap();
    let mut e2 = NewEvent::new(at("2026-03-11 11:00Z"), "Sessions revoked").unwrap();
    e2.source = Some("Entra ID audit".into());
    e2.phase = Some(Phase::Containment);
    s.add_event(&i.id, &e2).unwrap();
    let texts = |f: EventFilter| {
        s.events_page(&f, None, 10)
            .unwrap()
            .events
            .into_iter()
            .map(|e| e.text)
            .collect::<Vec<_>>()
    };
    let base = EventFilter::incident(&i.id);
    let search = |q: &str| EventFilter {
        search: Some(q.into()),
        ..base.clone()
    };
    assert_eq!(texts(search("inb rul")), ["Inbox rule created by attacker"]);
    assert_eq!(texts(search("entra")), ["Sessions revoked"]);
    assert_eq!(texts(search("bec")), ["Inbox rule created by attacker"]);
    // FTS syntax typed by a person is searched for, never a syntax error.
    assert!(texts(search("\"unbalanced AND (")).is_empty());
    assert!(texts(search("*")).is_empty());
    let by_actor = EventFilter {
        actor: Some("MALLORY".into()),
        ..base.clone()
    };
    assert_eq!(texts(by_actor).len(), 1);
    let by_tag = EventFilter {
        tag: Some("#BEC".into()),
        ..base.clone()
    };
    assert_eq!(texts(by_tag).len(), 1);
    let by_phase = EventFilter {
        phase: Some(Phase::Containment),
        ..base
    };
    assert_eq!(texts(by_phase), ["Sessions revoked"]);
}

#[test]
fn history_records_inserts_and_field_changes() {
    let mut s = store();
    let i = incident(&mut s, "IR-1");
    let patch = IncidentPatch {
        severity: Some(Severity::Critical),
        title: Some("Mailbox compromise".into()), // unchanged: not recorded
        ..Default::default()
    };
    let after = s.update_incident(&i.id, &patch, Some(i.version)).unwrap();
    assert_eq!(after.version, i.version + 1);
    let h = s.history(Some(&i.id), 10).unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].op, "update");
    assert_eq!(h[0].field.as_deref(), Some("severity"));
    assert_eq!(h[0].old.as_deref(), Some("medium"));
    assert_eq!(h[0].new.as_deref(), Some("critical"));
    assert_eq!(h[0].by, "tester");
    assert_eq!(h[1].op, "insert");
    assert_ne!(h[0].change_set, h[1].change_set);
    let snapshot: serde_json::Value = serde_json::from_str(h[1].new.as_deref().unwrap()).unwrap();
    assert_eq!(snapshot["key"], "IR-1");
}

#[test]
fn a_stale_version_is_refused_and_changes_nothing() {
    let mut s = store();
    let i = incident(&mut s, "IR-1");
    let patch = IncidentPatch {
        severity: Some(Severity::Low),
        ..Default::default()
    };
    s.update_incident(&i.id, &patch, Some(i.version)).unwrap();
    let other = IncidentPatch {
        severity: Some(Severity::High),
        ..Default::default()
    };
    let e = s
        .update_incident(&i.id, &other, Some(i.version))
        .unwrap_err();
    assert!(matches!(e, StoreError::Stale(_)), "{e}");
    assert_eq!(s.require_incident("IR-1").unwrap().severity, Severity::Low);
}

#[test]
fn a_failed_write_leaves_no_history() {
    let mut s = store();
    incident(&mut s, "IR-1");
    let before = s.history(None, 100).unwrap().len();
    assert!(
        s.create_incident(&NewIncident::new("IR-1", "again").unwrap())
            .is_err()
    );
    assert_eq!(s.history(None, 100).unwrap().len(), before);
}

#[test]
fn time_context_uses_detection_day_in_the_incident_zone() {
    let mut s = store();
    let mut new = NewIncident::new("IR-1", "x").unwrap();
    new.zone = "America/New_York".parse().unwrap();
    // 02:30 UTC on the 12th is still the 11th in New York.
    new.detected = Some(at("2026-03-12T02:30:00Z"));
    let i = s.create_incident(&new).unwrap();
    let ctx = s.time_context(&i).unwrap();
    assert_eq!(ctx.date.unwrap().to_string(), "2026-03-11");
    // Without a detection time, the first event's day is used; with neither, none.
    let j = incident(&mut s, "IR-2");
    assert_eq!(s.time_context(&j).unwrap().date, None);
    s.add_event(&j.id, &NewEvent::new(at("2026-02-01 23:00Z"), "x").unwrap())
        .unwrap();
    assert_eq!(
        s.time_context(&j).unwrap().date.unwrap().to_string(),
        "2026-02-01"
    );
}

#[test]
fn the_demo_loads_whole_in_time_order() {
    let mut s = store();
    let seed = crate::io::demo::demo_seed().unwrap();
    let i = s.create_seeded_incident(&seed).unwrap();
    assert_eq!(i.status, Status::InReview);
    assert!(i.data_breach && i.customer_impact);
    let mut all = Vec::new();
    s.for_each_event(&EventFilter::incident(&i.id), |e| {
        all.push(e.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!(all.len(), seed.events.len());
    assert!(all.windows(2).all(|w| w[0].at.utc <= w[1].at.utc));
    assert!(all.iter().filter(|e| e.caused_by.is_some()).count() >= 5);
    assert!(s.list_actors(&i.id).unwrap().len() >= 3);
}

mod files {
    use super::*;
    use std::fs;

    #[test]
    fn a_new_file_is_private_and_marked_as_ours() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/folder/t.db");
        let s = Store::open(&path, "tester").unwrap();
        let app_id: i32 = s
            .connection()
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(app_id, APPLICATION_ID);
        let mode: String = s
            .connection()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    fn refused(path: &std::path::Path, fragment: &str) {
        let before = fs::read(path).unwrap();
        let e = Store::open(path, "tester").err().expect("refused");
        assert!(e.to_string().contains(fragment), "{e}");
        assert_eq!(
            fs::read(path).unwrap(),
            before,
            "the file must be unchanged"
        );
    }

    #[test]
    fn foreign_files_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.txt");
        fs::write(&text, "not a database\n".repeat(20)).unwrap();
        refused(&text, "not a SQLite database");
        let empty = dir.path().join("empty.db");
        fs::write(&empty, "").unwrap();
        refused(&empty, "empty");
        let other = dir.path().join("other.db");
        {
            let c = rusqlite::Connection::open(&other).unwrap();
            c.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
                .unwrap();
        }
        refused(&other, "not a debrief database");
        let truncated = dir.path().join("truncated.db");
        fs::write(&truncated, b"SQLite format 3\0").unwrap();
        refused(&truncated, "not a SQLite database");
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        drop(Store::open(&path, "tester").unwrap());
        {
            let c = rusqlite::Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        refused(&path, "newer debrief");
    }

    #[test]
    fn reopening_keeps_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let mut s = Store::open(&path, "tester").unwrap();
            incident(&mut s, "IR-9");
        }
        let s = Store::open(&path, "tester").unwrap();
        assert_eq!(s.require_incident("IR-9").unwrap().key, "IR-9");
    }
}

mod undo {
    use super::*;

    pub(super) fn all_events(s: &Store, incident_id: &str) -> Vec<crate::domain::Event> {
        s.events_page(&EventFilter::incident(incident_id), None, 1000)
            .unwrap()
            .events
    }

    /// Compares what a person sees of events: everything but bookkeeping.
    fn visible(events: &[crate::domain::Event]) -> Vec<serde_json::Value> {
        events.iter().map(crate::domain::json::event).collect()
    }

    #[test]
    fn add_edit_delete_are_undone_and_redone_in_order() {
        let mut s = store();
        let i = incident(&mut s, "IR-1");
        let mut new = NewEvent::new(at("2026-03-11 10:00Z"), "Phishing delivered").unwrap();
        let added = s.add_event(&i.id, &new).unwrap();
        new.text = "Phishing email delivered".into();
        new.actor = Some("mallory".into());
        new.tags = vec!["phishing".into()];
        s.update_event(&added.id, &new, Some(added.version))
            .unwrap();
        let edited = visible(&all_events(&s, &i.id));
        s.delete_event(&added.id).unwrap();
        assert!(all_events(&s, &i.id).is_empty());

        let r = s.undo(Some(&i.id)).unwrap().unwrap();
        assert_eq!(r.label, "delete event");
        assert_eq!(visible(&all_events(&s, &i.id)), edited);
        let r = s.undo(Some(&i.id)).unwrap().unwrap();
        assert_eq!(r.label, "edit event");
        assert_eq!(all_events(&s, &i.id)[0].text, "Phishing delivered");
        assert_eq!(all_events(&s, &i.id)[0].tags, Vec::<String>::new());
        let r = s.undo(Some(&i.id)).unwrap().unwrap();
        assert_eq!(r.label, "add event");
        assert!(all_events(&s, &i.id).is_empty());

        assert_eq!(s.redo(Some(&i.id)).unwrap().unwrap().label, "add event");
        assert_eq!(s.redo(Some(&i.id)).unwrap().unwrap().label, "edit event");
        assert_eq!(visible(&all_events(&s, &i.id)), edited);
        // The tag index follows the replayed tags.
        let by_tag = EventFilter {
            tag: Some("phishing".into()),
            ..EventFilter::incident(&i.id)
        };
        assert_eq!(s.events_page(&by_tag, None, 10).unwrap().events.len(), 1);
    }

    #[test]
    fn a_new_action_clears_redo() {
        let mut s = store();
        let i = incident(&mut s, "IR-1");
        s.add_event(&i.id, &NewEvent::new(at("2026-03-11 10:00Z"), "a").unwrap())
            .unwrap();
        s.undo(Some(&i.id)).unwrap().unwrap();
        s.add_event(&i.id, &NewEvent::new(at("2026-03-11 11:00Z"), "b").unwrap())
            .unwrap();
        assert_eq!(s.redo(Some(&i.id)).unwrap(), None);
    }

    #[test]
    fn deleting_a_cause_unlinks_and_undo_relinks() {
        let mut s = store();
        let i = incident(&mut s, "IR-1");
        let cause = s
            .add_event(
                &i.id,
                &NewEvent::new(at("2026-03-11 10:00Z"), "cause").unwrap(),
            )
            .unwrap();
        let mut e = NewEvent::new(at("2026-03-11 10:01Z"), "effect").unwrap();
        e.caused_by = Some(cause.id.clone());
        let effect = s.add_event(&i.id, &e).unwrap();
        s.delete_event(&cause.id).unwrap();
        assert_eq!(s.event(&effect.id).unwrap().unwrap().caused_by, None);
        s.undo(Some(&i.id)).unwrap();
        assert_eq!(
            s.event(&effect.id).unwrap().unwrap().caused_by.as_deref(),
            Some(cause.id.as_str())
        );
    }

    #[test]
    fn a_deleted_incident_comes_back_whole() {
        let mut s = store();
        let seed = crate::io::demo::demo_seed().unwrap();
        let i = s.create_seeded_incident(&seed).unwrap();
        let before = visible(&all_events(&s, &i.id));
        let actors = s.list_actors(&i.id).unwrap();
        s.delete_incident(&i.id).unwrap();
        assert!(s.incident_by_key(&i.key).unwrap().is_none());
        assert_eq!(s.undo(None).unwrap().unwrap().label, "delete incident");
        let back = s.require_incident(&i.key).unwrap();
        assert_eq!(back.id, i.id);
        assert_eq!(back.detected, i.detected);
        assert_eq!(back.summary, i.summary);
        assert_eq!(back.impact, i.impact);
        assert_eq!(back.classification, "TLP:AMBER");
        assert_eq!(visible(&all_events(&s, &i.id)), before);
        assert_eq!(s.list_actors(&i.id).unwrap(), actors);
    }

    #[test]
    fn after_a_restart_undo_keeps_to_its_session_and_undo_any_reaches_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let incident_id = {
            let mut s = Store::open(&path, "tester").unwrap();
            let i = incident(&mut s, "IR-1");
            s.add_event(&i.id, &NewEvent::new(at("2026-03-11 10:00Z"), "a").unwrap())
                .unwrap();
            i.id
        };
        let mut s = Store::open(&path, "tester").unwrap();
        // A new session (a window opened later) has nothing of its own to undo...
        assert_eq!(s.undo(Some(&incident_id)).unwrap(), None);
        assert_eq!(s.count_events(&incident_id).unwrap(), 1);
        // ... and `debrief undo` takes back the latest change of any session.
        assert_eq!(
            s.undo_any(Some(&incident_id)).unwrap().unwrap().label,
            "add event"
        );
        assert_eq!(s.count_events(&incident_id).unwrap(), 0);
        // The undo is itself in the history.
        let h = s.history(Some(&incident_id), 1).unwrap();
        assert_eq!(h[0].op, "delete");
    }
}

mod findings_and_evidence {
    use super::*;
    use crate::domain::{EvidenceKind, LapseKind, NewFinding, VerifyState};
    use crate::io::hash::Fingerprint;

    fn two_events(s: &mut Store) -> (crate::domain::Incident, Vec<crate::domain::Event>) {
        let i = incident(s, "IR-1");
        let a = s
            .add_event(
                &i.id,
                &NewEvent::new(at("2026-03-11 10:00Z"), "alert ignored").unwrap(),
            )
            .unwrap();
        let b = s
            .add_event(
                &i.id,
                &NewEvent::new(at("2026-03-11 09:00Z"), "rule missing").unwrap(),
            )
            .unwrap();
        (i, vec![a, b])
    }

    #[test]
    fn a_finding_lists_its_events_in_time_order_and_tags_them() {
        let mut s = store();
        let (i, ev) = two_events(&mut s);
        let new = NewFinding::new(
            LapseKind::ProcessFlaw,
            "Medium risk alerts never reach the SOC",
        )
        .unwrap();
        let f = s
            .create_finding(&i.id, &new, &[ev[0].id.clone(), ev[1].id.clone()])
            .unwrap();
        let texts: Vec<_> = s
            .finding_events(&f.id)
            .unwrap()
            .into_iter()
            .map(|e| e.text)
            .collect();
        assert_eq!(texts, ["rule missing", "alert ignored"]);
        assert_eq!(
            s.event(&ev[0].id).unwrap().unwrap().lapses,
            [LapseKind::ProcessFlaw]
        );
        let list = s.list_findings(&i.id).unwrap();
        assert_eq!((list[0].events, list[0].evidence), (2, 0));
        // Linking twice changes nothing and records nothing.
        let before = s.history(None, 1000).unwrap().len();
        s.link_event(&f.id, &ev[0].id).unwrap();
        assert_eq!(s.history(None, 1000).unwrap().len(), before);
    }

    #[test]
    fn evidence_supports_events_and_findings_and_is_verified() {
        let mut s = store();
        let (i, ev) = two_events(&mut s);
        let f = s
            .create_finding(
                &i.id,
                &NewFinding::new(LapseKind::TechnicalLapse, "x").unwrap(),
                &[ev[0].id.clone()],
            )
            .unwrap();
        let print = Fingerprint {
            sha256: "aa".into(),
            size: 2,
            modified: None,
        };
        let file = s
            .add_evidence(
                &i.id,
                EvidenceKind::File,
                "/cases/ual.csv",
                "UAL export",
                Some(&print),
                &[Target::Event(&ev[0].id)],
            )
            .unwrap();
        s.add_evidence(
            &i.id,
            EvidenceKind::Url,
            "SEC-4521",
            "",
            None,
            &[Target::Finding(&f.id)],
        )
        .unwrap();
        assert_eq!(
            s.evidence_for(Target::Event(&ev[0].id)).unwrap()[0].id,
            file.id
        );
        assert_eq!(s.list_findings(&i.id).unwrap()[0].evidence, 2);
        let dup = s
            .add_evidence(&i.id, EvidenceKind::Url, "SEC-4521", "", None, &[])
            .unwrap_err();
        assert!(dup.to_string().contains("already evidence"), "{dup}");

        let changed = s
            .verify_evidence(&i.id, |_| {
                Some(Fingerprint {
                    sha256: "bb".into(),
                    size: 2,
                    modified: None,
                })
            })
            .unwrap();
        assert_eq!(changed[0].1, VerifyState::Changed);
        let missing = s.verify_evidence(&i.id, |_| None).unwrap();
        assert_eq!(missing[0].1, VerifyState::Missing);
        assert_eq!(
            s.list_evidence(&i.id).unwrap()[0].evidence.state,
            Some(VerifyState::Missing)
        );
    }

    #[test]
    fn deleting_an_event_and_undoing_keeps_its_finding_and_evidence_links() {
        let mut s = store();
        let (i, ev) = two_events(&mut s);
        let f = s
            .create_finding(
                &i.id,
                &NewFinding::new(LapseKind::ManualError, "x").unwrap(),
                &[ev[0].id.clone()],
            )
            .unwrap();
        s.add_evidence(
            &i.id,
            EvidenceKind::Url,
            "SEC-1",
            "",
            None,
            &[Target::Event(&ev[0].id)],
        )
        .unwrap();
        s.delete_event(&ev[0].id).unwrap();
        assert!(s.finding_events(&f.id).unwrap().is_empty());
        s.undo(Some(&i.id)).unwrap();
        assert_eq!(s.finding_events(&f.id).unwrap().len(), 1);
        assert_eq!(s.evidence_for(Target::Event(&ev[0].id)).unwrap().len(), 1);
    }

    #[test]
    fn findings_and_evidence_come_back_with_an_undone_incident_delete() {
        let mut s = store();
        let (i, ev) = two_events(&mut s);
        let f = s
            .create_finding(
                &i.id,
                &NewFinding::new(LapseKind::UnknownVector, "new AiTM kit").unwrap(),
                &[ev[1].id.clone()],
            )
            .unwrap();
        s.add_evidence(
            &i.id,
            EvidenceKind::Url,
            "SEC-2",
            "",
            None,
            &[Target::Finding(&f.id), Target::Event(&ev[1].id)],
        )
        .unwrap();
        s.delete_incident(&i.id).unwrap();
        s.undo(None).unwrap();
        let list = s.list_findings(&i.id).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].events, list[0].evidence), (1, 1));
        assert_eq!(s.evidence_for(Target::Finding(&f.id)).unwrap().len(), 1);
    }

    #[test]
    fn a_finding_edit_is_undone() {
        let mut s = store();
        let (i, _) = two_events(&mut s);
        let f = s
            .create_finding(
                &i.id,
                &NewFinding::new(LapseKind::ManualError, "typo").unwrap(),
                &[],
            )
            .unwrap();
        let mut new =
            NewFinding::new(LapseKind::ProcessFlaw, "No four-eyes check on bank changes").unwrap();
        new.cross_org = true;
        new.group = "Finance".into();
        let after = s.update_finding(&f.id, &new, Some(f.version)).unwrap();
        assert_eq!(
            (after.kind, after.cross_org, after.group.as_str()),
            (LapseKind::ProcessFlaw, true, "Finance")
        );
        s.undo(Some(&i.id)).unwrap();
        let back = s.finding(&f.id).unwrap().unwrap();
        assert_eq!(
            (back.kind, back.title.as_str(), back.cross_org),
            (LapseKind::ManualError, "typo", false)
        );
    }
}

mod upgrade {
    use super::*;

    /// A database written with schema 1 (the first release) opens, is upgraded, keeps its
    /// data, and leaves a copy of itself from before the upgrade.
    #[test]
    fn a_schema_1_database_upgrades_with_nothing_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut c = rusqlite::Connection::open(&path).unwrap();
            migrations().to_version(&mut c, 1).unwrap();
            let v: i32 = c
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, 1);
            c.execute_batch(
                "INSERT INTO incidents (id, key, title, severity, status, created_us, updated_us)
                   VALUES ('i1', 'IR-OLD', 'Old incident', 'high', 'draft', 0, 0);
                 INSERT INTO events (id, incident_id, at_us, text, tags, created_us, updated_us)
                   VALUES ('e1', 'i1', 1773220800000000, 'written by release 1', 'legacy', 0, 0);
                 INSERT INTO event_tags (tag, event_seq) VALUES ('legacy', 1);",
            )
            .unwrap();
        }
        let s = Store::open(&path, "tester").unwrap();
        let v: i32 = s
            .connection()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, latest_version());
        let i = s.require_incident("IR-OLD").unwrap();
        let events = s
            .events_page(&EventFilter::incident(&i.id), None, 10)
            .unwrap()
            .events;
        assert_eq!(events[0].text, "written by release 1");
        assert_eq!(events[0].tags, ["legacy"]);
        assert!(s.list_findings(&i.id).unwrap().is_empty());
        assert!(
            dir.path().join("old.db.schema-1.bak").exists(),
            "a copy from before the upgrade"
        );
    }

    /// Schema 14 shortens imported events: a fingerprint of 32 hex digits becomes its
    /// first 8 bytes, and an event names its import by the import's number. An import
    /// made before still finds its duplicates and is still undone whole.
    #[test]
    fn a_schema_13_import_upgrades_to_short_fingerprints_and_numbered_imports() {
        use crate::io::import::RowFingerprint;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let fp = RowFingerprint::from("row one");
        let hex: String = fp.0.iter().map(|b| format!("{b:02x}")).collect();
        {
            let mut c = rusqlite::Connection::open(&path).unwrap();
            // As debrief creates a file: free pages can be given back.
            c.pragma_update(None, "auto_vacuum", "INCREMENTAL").unwrap();
            migrations().to_version(&mut c, 13).unwrap();
            c.execute_batch(&format!(
                "INSERT INTO incidents (id, key, title, severity, status, created_us, updated_us)
                   VALUES ('i1', 'IR-OLD', 'Old incident', 'high', 'draft', 0, 0);
                 INSERT INTO imports (id, incident_id, file, format, sha256, rows, imported,
                     skipped, duplicates, at_us, by)
                   VALUES ('imp-1', 'i1', 'old.csv', 'csv', '', 2, 2, 0, 0, 0, 'analyst');
                 INSERT INTO events (id, incident_id, at_us, text, created_us, updated_us,
                     fingerprint, import_id)
                   VALUES ('e1', 'i1', 1773220800000000, 'row one', 0, 0,
                           '{hex}0123456789abcdef', 'imp-1'),
                          ('e2', 'i1', 1773220900000000, 'by hand', 0, 0, 'fp-by-hand', 'imp-1');
                 INSERT INTO events (id, incident_id, at_us, text, created_us, updated_us)
                   WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000)
                   SELECT 'by-hand-' || x, 'i1', 1773230000000000 + x,
                          'added by hand ' || x || ' with a few more words to index', 0, 0
                   FROM n;
                 INSERT INTO change_sets (id, at_us, by, incident_id, label)
                   VALUES (1, 0, 'analyst', 'i1', 'import old.csv');
                 INSERT INTO history (change_set, at_us, by, entity, entity_id, incident_id, op)
                   VALUES (1, 0, 'analyst', 'import', 'imp-1', 'i1', 'insert');"
            ))
            .unwrap();
        }
        let mut s = Store::open(&path, "tester").unwrap();
        let free: i64 = s
            .connection()
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))
            .unwrap();
        assert_eq!(free, 0, "the old full-text index's pages are given back");
        let rows: Vec<(String, Option<Vec<u8>>, String, String)> = s
            .connection()
            .prepare(
                "SELECT typeof(fingerprint), CASE typeof(fingerprint) WHEN 'blob'
                     THEN fingerprint END, CASE typeof(fingerprint) WHEN 'text' THEN fingerprint
                     ELSE '' END, coalesce(import_id, '')
                 FROM events ORDER BY seq",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows[0].0, "blob");
        assert_eq!(rows[0].1.as_deref(), Some(&fp.0[..]));
        assert_eq!(rows[0].3, "1");
        assert_eq!(
            (rows[1].0.as_str(), rows[1].2.as_str(), rows[1].3.as_str()),
            ("text", "fp-by-hand", "1"),
            "a fingerprint that is not 32 hex digits stays as it was"
        );
        // The same source row imported again is a duplicate of the upgraded one.
        let at = crate::domain::Timestamp::from_micros(
            1773220800000000,
            0,
            crate::domain::Precision::Exact,
        );
        let row = crate::io::import::ImportedRow::plain(2, at.unwrap(), "row one", fp);
        let run = crate::store::ImportRun {
            file: "again.csv".into(),
            format: "csv".into(),
            ..Default::default()
        };
        let out = s
            .import_rows(
                "i1",
                &mut std::iter::once(Ok(row)),
                &run,
                &mut |_| {},
                &|| String::new(),
            )
            .unwrap();
        assert_eq!((out.imported, out.duplicates), (0, 1));
        // The old import is undone whole, through its number; the rest stays.
        s.undo_any(Some("i1")).unwrap().unwrap();
        assert_eq!(s.count_events("i1").unwrap(), 3000);
    }

    /// Schema 15 names an event's incident by the incident's number: the events table is
    /// made again, and nothing that refers to an event (tags, findings, causes, key
    /// events) is lost on the way; each incident keeps its own events, a new incident
    /// gets the next number, and deleting an incident takes only its events.
    #[test]
    fn a_schema_14_database_upgrades_to_numbered_incidents_with_every_link_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut c = rusqlite::Connection::open(&path).unwrap();
            migrations().to_version(&mut c, 14).unwrap();
            c.execute_batch(
                "INSERT INTO incidents (id, key, title, severity, status, created_us, updated_us)
                   VALUES ('i1', 'IR-ONE', 'One', 'high', 'draft', 0, 0),
                          ('i2', 'IR-TWO', 'Two', 'low', 'draft', 0, 0);
                 INSERT INTO events (id, incident_id, at_us, text, tags, key_kind, caused_by,
                     created_us, updated_us)
                   VALUES ('e1', 'i1', 1773220800000000, 'first of one', 'legacy',
                           'first-malicious', NULL, 0, 0),
                          ('e2', 'i1', 1773220900000000, 'second of one', '', NULL, 'e1', 0, 0),
                          ('e3', 'i2', 1773220850000000, 'only of two', '', NULL, NULL, 0, 0);
                 INSERT INTO event_tags (tag, event_seq) VALUES ('legacy', 1);
                 INSERT INTO findings (id, incident_id, kind, title, created_us, updated_us)
                   VALUES ('f1', 'i1', 'process-flaw', 'A finding', 0, 0);
                 INSERT INTO finding_events (finding_id, event_id) VALUES ('f1', 'e2');",
            )
            .unwrap();
        }
        let mut s = Store::open(&path, "tester").unwrap();
        let one = |s: &Store, sql: &str| -> i64 {
            s.connection().query_row(sql, [], |r| r.get(0)).unwrap()
        };
        assert_eq!(one(&s, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
        assert_eq!(
            one(
                &s,
                "SELECT count(*) FROM events WHERE typeof(incident) <> 'integer'"
            ),
            0
        );
        assert_eq!(
            one(&s, "SELECT count(*) FROM finding_events"),
            1,
            "the finding's link"
        );
        assert_eq!(one(&s, "SELECT count(*) FROM event_tags"), 1, "the tag");
        // The full-text index, made again, agrees with the events it was made from.
        s.connection()
            .execute_batch(
                "INSERT INTO events_fts (events_fts, rank) VALUES ('integrity-check', 1)",
            )
            .unwrap();
        let page = s
            .events_page(&EventFilter::incident("i1"), None, 10)
            .unwrap()
            .events;
        let texts: Vec<&str> = page.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["first of one", "second of one"]);
        assert_eq!(page[1].caused_by.as_deref(), Some("e1"));
        assert_eq!(page[0].incident_id, "i1");
        assert_eq!(s.key_events("i1").unwrap().len(), 1);
        assert_eq!(s.count_events("i2").unwrap(), 1);
        let mut words = EventFilter::incident("i1");
        words.search = Some("second".into());
        let found = s.events_page(&words, None, 10).unwrap().events;
        assert_eq!(found.len(), 1, "the full-text index still finds the event");
        // A new incident gets the next number and events of its own.
        let i3 = incident(&mut s, "IR-THREE");
        let num = |s: &Store, id: &str| -> i64 {
            s.connection()
                .query_row("SELECT num FROM incidents WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .unwrap()
        };
        assert_eq!(num(&s, &i3.id), 3);
        let new = NewEvent::new(at("2026-03-11 09:00Z"), "in three").unwrap();
        s.add_event(&i3.id, &new).unwrap();
        assert_eq!(s.count_events(&i3.id).unwrap(), 1);
        // Deleting an incident takes its events and no other's.
        s.delete_incident("i1").unwrap();
        assert_eq!(one(&s, "SELECT count(*) FROM events"), 2);
        assert_eq!(s.count_events("i2").unwrap(), 1);
        assert_eq!(one(&s, "SELECT count(*) FROM finding_events"), 0);
    }
}

mod upgrade_notes {
    use crate::store::open::ticking;
    use std::sync::Mutex;
    use std::time::Duration;

    /// An upgrade that runs long says so every tick, as long as it runs.
    #[test]
    fn a_long_upgrade_says_it_is_still_running() {
        let said = Mutex::new(Vec::<String>::new());
        let note = |s: &str| said.lock().unwrap().push(s.to_string());
        let out = ticking(&note, Duration::from_millis(20), || {
            // Runs until it has been told of twice (or gives up after ten seconds).
            for _ in 0..1000 {
                if said.lock().unwrap().len() >= 2 {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            7
        });
        assert_eq!(out, 7);
        let said = said.into_inner().unwrap();
        assert!(said.len() >= 2, "{said:?}");
        assert!(said[0].starts_with("still upgrading: "), "{said:?}");
    }

    /// A short one says nothing more, and does not wait for the next tick to end.
    #[test]
    fn a_short_upgrade_ends_without_a_tick() {
        let said = Mutex::new(Vec::<String>::new());
        let note = |s: &str| said.lock().unwrap().push(s.to_string());
        // Were the ticks not ended with the work, this would wait a minute and say so.
        assert_eq!(ticking(&note, Duration::from_secs(60), || 1), 1);
        assert!(said.into_inner().unwrap().is_empty());
    }
}

mod backlog {
    use super::*;
    use crate::domain::action::parse_date;
    use crate::domain::{ActionKind, ActionStatus, LapseKind, NewAction, NewFinding, Priority};
    use crate::store::{BacklogFilter, ReviewInput};

    fn action(
        s: &mut Store,
        incident_id: &str,
        title: &str,
        owner: &str,
        due: Option<&str>,
    ) -> crate::domain::Action {
        let mut new = NewAction::new(ActionKind::Bug, title).unwrap();
        new.owner = Some(owner.into());
        new.group = Some("Identity team".into());
        new.priority = Priority::P1;
        new.due = due.map(|d| parse_date(d).unwrap());
        s.create_action(incident_id, &new, &[]).unwrap()
    }

    #[test]
    fn actions_create_owners_on_the_fly_and_address_findings() {
        let mut s = store();
        let i = incident(&mut s, "IR-1");
        let f = s
            .create_finding(
                &i.id,
                &NewFinding::new(LapseKind::ProcessFlaw, "x").unwrap(),
                &[],
            )
            .unwrap();
        let mut new =
            NewAction::new(ActionKind::ProcessChange, "Forward medium risk to the SOC").unwrap();
        new.owner = Some("L. Ortega".into());
        new.group = Some("SOC".into());
        let a = s
            .create_action(&i.id, &new, std::slice::from_ref(&f.id))
            .unwrap();
        assert_eq!(a.status, ActionStatus::Proposed);
        assert_eq!(
            (a.owner.as_deref(), a.group.as_deref()),
            (Some("L. Ortega"), Some("SOC"))
        );
        assert_eq!(s.action_findings(&a.id).unwrap()[0].id, f.id);
        // The same owner, typed in another case, is reused.
        action(&mut s, &i.id, "second", "l. ortega", None);
        let owners = s.list_owners().unwrap();
        assert_eq!(owners.len(), 3, "{owners:?}");
    }

    #[test]
    fn a_review_records_note_status_and_changes() {
        let mut s = store();
        let i = incident(&mut s, "IR-1");
        let a = action(
            &mut s,
            &i.id,
            "Disable user consent",
            "M. Ruiz",
            Some("2026-04-01"),
        );
        let input = ReviewInput {
            note: "Policy drafted, waiting for CAB".into(),
            status: Some(ActionStatus::InProgress),
            owner: Some("D. Castillo".into()),
            due: Some(Some(parse_date("2026-05-01").unwrap())),
            ..Default::default()
        };
        let r = s.review_action(&a.id, &input, Some(a.version)).unwrap();
        assert_eq!(
            (r.status_before, r.status_after),
            (ActionStatus::Proposed, ActionStatus::InProgress)
        );
        assert!(
            r.changes.contains("owner: M. Ruiz → D. Castillo"),
            "{}",
            r.changes
        );
        let after = s.action(&a.id).unwrap().unwrap();
        assert_eq!(after.owner.as_deref(), Some("D. Castillo"));
        assert_eq!(after.due.unwrap().to_string(), "2026-05-01");
        assert!(after.last_review.is_some());
        assert_eq!(s.reviews(&a.id).unwrap().len(), 1);
    }

    #[test]
    fn rejecting_needs_a_reason_and_changes_nothing_without_one() {
        let mut s = store();
        let i = incident(&mut s, "IR-1");
        let a = action(&mut s, &i.id, "Buy a new SIEM", "CISO", None);
        let without = ReviewInput {
            status: Some(ActionStatus::Rejected),
            ..Default::default()
        };
        let e = s.review_action(&a.id, &without, None).unwrap_err();
        assert!(e.to_string().contains("needs a reason"), "{e}");
        assert_eq!(
            s.action(&a.id).unwrap().unwrap().status,
            ActionStatus::Proposed
        );
        assert!(s.reviews(&a.id).unwrap().is_empty());
        let with = ReviewInput {
            note: "Covered by the existing SIEM roadmap".into(),
            ..without
        };
        s.review_action(&a.id, &with, None).unwrap();
        let after = s.action(&a.id).unwrap().unwrap();
        assert_eq!(after.status, ActionStatus::Rejected);
        assert_eq!(after.reject_reason, "Covered by the existing SIEM roadmap");
    }

    #[test]
    fn the_backlog_filters_overdue_by_an_injected_day() {
        let mut s = store();
        let i = incident(&mut s, "IR-1");
        let late = action(&mut s, &i.id, "late", "A", Some("2029-12-31"));
        action(&mut s, &i.id, "due that day", "A", Some("2030-01-01"));
        action(&mut s, &i.id, "no due date", "B", None);
        let done = action(&mut s, &i.id, "done late", "B", Some("2029-01-01"));
        s.review_action(
            &done.id,
            &ReviewInput {
                status: Some(ActionStatus::Resolved),
                ..Default::default()
            },
            None,
        )
        .unwrap();
        let overdue = s
            .backlog(&BacklogFilter {
                overdue_on: Some(parse_date("2030-01-01").unwrap()),
                ..Default::default()
            })
            .unwrap();
        let ids: Vec<_> = overdue.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, [late.id.as_str()]);
        let mine = s
            .backlog(&BacklogFilter {
                owner: Some("a".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(mine.len(), 2);
        let loads = s.owner_loads(parse_date("2030-01-01").unwrap()).unwrap();
        let a = loads.iter().find(|l| l.name == "A").unwrap();
        assert_eq!((a.open, a.overdue), (2, 1));
    }

    /// Owners are changed by the name the analyst types, read under the write lock: a
    /// rename or merge from a window that still knows the old name is refused, never
    /// written over the other window's rename.
    #[test]
    fn an_owner_renamed_in_another_window_is_not_renamed_again_from_its_old_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut first = Store::open(&path, "first").unwrap();
        let i = incident(&mut first, "IR-1");
        let a = action(&mut first, &i.id, "one", "Jo Alonso", None);
        let mut second = Store::open(&path, "second").unwrap();
        first.rename_owner("Jo Alonso", "Joana Alonso").unwrap();
        for e in [
            second.rename_owner("Jo Alonso", "J. Alonso").unwrap_err(),
            second
                .merge_owners("Jo Alonso", "Identity team")
                .map(|_| ())
                .unwrap_err(),
        ] {
            assert!(matches!(e, StoreError::NotFound(_)), "{e}");
            assert!(e.to_string().contains("no owner \"Jo Alonso\""), "{e}");
        }
        assert_eq!(
            second.action(&a.id).unwrap().unwrap().owner.as_deref(),
            Some("Joana Alonso")
        );
    }

    #[test]
    fn renaming_and_merging_owners_keeps_every_assignment() {
        let mut s = store();
        let i = incident(&mut s, "IR-1");
        let a = action(&mut s, &i.id, "one", "Jo Alonso", None);
        let b = action(&mut s, &i.id, "two", "J. Alonso", None);
        s.rename_owner("jo alonso", "Joana Alonso").unwrap();
        assert_eq!(
            s.action(&a.id).unwrap().unwrap().owner.as_deref(),
            Some("Joana Alonso")
        );
        assert!(
            s.rename_owner("Joana Alonso", "j. alonso")
                .unwrap_err()
                .to_string()
                .contains("merge")
        );
        assert_eq!(s.merge_owners("J. Alonso", "Joana Alonso").unwrap(), 1);
        assert_eq!(
            s.action(&b.id).unwrap().unwrap().owner.as_deref(),
            Some("Joana Alonso")
        );
        assert!(
            s.list_owners()
                .unwrap()
                .iter()
                .all(|o| o.name != "J. Alonso")
        );
        // Undo brings the merged owner and its assignment back.
        s.undo(None).unwrap();
        assert_eq!(
            s.action(&b.id).unwrap().unwrap().owner.as_deref(),
            Some("J. Alonso")
        );
    }

    #[test]
    fn reviews_and_actions_are_undone_and_come_back_with_the_incident() {
        let mut s = store();
        let i = incident(&mut s, "IR-1");
        let a = action(&mut s, &i.id, "x", "A", None);
        s.review_action(
            &a.id,
            &ReviewInput {
                note: "n".into(),
                status: Some(ActionStatus::Accepted),
                ..Default::default()
            },
            None,
        )
        .unwrap();
        s.add_sop_change(&a.id, "SOP-IR-03 BEC response", "4.2 App consents", None)
            .unwrap();
        s.delete_incident(&i.id).unwrap();
        s.undo(None).unwrap();
        let back = s.action(&a.id).unwrap().unwrap();
        assert_eq!(back.status, ActionStatus::Accepted);
        assert_eq!(s.reviews(&a.id).unwrap().len(), 1);
        assert_eq!(s.sop_changes(Some(&i.id)).unwrap().len(), 1);
        // Undo the SOP change, then the review: the status goes back.
        s.undo(Some(&i.id)).unwrap();
        s.undo(Some(&i.id)).unwrap();
        assert!(s.sop_changes(Some(&i.id)).unwrap().is_empty());
        assert_eq!(
            s.action(&a.id).unwrap().unwrap().status,
            ActionStatus::Proposed
        );
        assert!(s.reviews(&a.id).unwrap().is_empty());
    }
}

#[test]
fn an_actor_classified_from_a_stale_copy_is_refused() {
    let mut s = store();
    let i = incident(&mut s, "IR-1");
    let (copy, _) = s
        .save_actor(
            &i.id,
            "mallory",
            crate::domain::ActorKind::ThreatActor,
            crate::domain::Attribution::Suspected,
            "",
            None,
        )
        .unwrap();
    let (theirs, _) = s
        .save_actor(
            &i.id,
            "mallory",
            crate::domain::ActorKind::ThreatActor,
            crate::domain::Attribution::Known,
            "",
            Some(copy.version),
        )
        .unwrap();
    assert_eq!(theirs.version, copy.version + 1);
    let e = s
        .save_actor(
            &i.id,
            "mallory",
            crate::domain::ActorKind::Person,
            crate::domain::Attribution::Suspected,
            "",
            Some(copy.version),
        )
        .unwrap_err();
    assert!(matches!(e, StoreError::Stale(_)), "{e}");
    let now = &s.list_actors(&i.id).unwrap()[0];
    assert_eq!(
        (now.kind, now.attribution),
        (
            crate::domain::ActorKind::ThreatActor,
            crate::domain::Attribution::Known
        )
    );
}

mod sessions {
    use super::*;

    fn texts(s: &Store, incident_id: &str) -> Vec<String> {
        let mut t: Vec<String> = super::undo::all_events(s, incident_id)
            .into_iter()
            .map(|e| e.text)
            .collect();
        t.sort();
        t
    }

    #[test]
    fn undo_and_redo_act_on_this_sessions_own_changes_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut a = Store::open(&path, "tester").unwrap();
        let mut b = Store::open(&path, "tester").unwrap();
        let i = incident(&mut a, "IR-1");
        let add = |s: &mut Store, text: &str| {
            s.add_event(
                &i.id,
                &NewEvent::new(at("2026-03-11 10:00Z"), text).unwrap(),
            )
            .unwrap();
        };
        add(&mut a, "window A");
        add(&mut b, "window B");
        {
            // One CLI command: a session of its own, closed at once.
            let mut cli = Store::open(&path, "tester").unwrap();
            add(&mut cli, "from the CLI");
        }
        assert_ne!(a.session(), b.session());

        // B undoes its capture, not the CLI's newer event.
        assert_eq!(b.undo(Some(&i.id)).unwrap().unwrap().label, "add event");
        assert_eq!(texts(&a, &i.id), ["from the CLI", "window A"]);
        assert_eq!(b.undo(Some(&i.id)).unwrap(), None, "nothing more of B's");
        assert_eq!(b.undo(None).unwrap(), None);

        // A undoes its event, then its incident creation; never B's or the CLI's.
        assert_eq!(a.undo(Some(&i.id)).unwrap().unwrap().label, "add event");
        assert_eq!(texts(&a, &i.id), ["from the CLI"]);
        // A's redo brings back A's event, B's redo B's.
        assert_eq!(a.redo(Some(&i.id)).unwrap().unwrap().label, "add event");
        assert_eq!(b.redo(Some(&i.id)).unwrap().unwrap().label, "add event");
        assert_eq!(texts(&a, &i.id), ["from the CLI", "window A", "window B"]);
        assert_eq!(a.redo(Some(&i.id)).unwrap(), None);

        // `debrief undo` (any session) takes the newest action not undone, whoever made
        // it: here the CLI's event.
        let mut cli = Store::open(&path, "tester").unwrap();
        assert_eq!(
            cli.undo_any(Some(&i.id)).unwrap().unwrap().label,
            "add event"
        );
        assert_eq!(texts(&a, &i.id), ["window A", "window B"]);
    }
}
