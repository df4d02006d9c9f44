//! The streamed import of a bundle whose incident is not here: the same rows, checks and
//! refusals as the whole-bundle import, the database unchanged by a refusal, and undo.

use super::bundle_tests::dump;
use super::*;
use crate::domain::{NewEvent, NewIncident, OwnerKind, TimeContext, parse_time};
use chrono::TimeZone;
use serde_json::{Value, json};

fn store() -> Store {
    let mut s = Store::open_in_memory("tester").unwrap();
    s.set_clock(Box::new(|| {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }));
    s
}

/// The demo incident's bundle, as the streaming writer writes it.
fn demo_bytes() -> Vec<u8> {
    let mut s = store();
    let demo = s
        .create_seeded_incident(&crate::io::demo::demo_seed().unwrap())
        .unwrap();
    let mut bytes = Vec::new();
    s.write_bundle(&demo.id, &mut bytes).unwrap();
    bytes
}

/// An incident IR-BIG with `n` events, each caused by the one before, as bundle bytes.
fn big_bytes(n: usize) -> Vec<u8> {
    let mut s = store();
    let inc = s
        .create_incident(&NewIncident::new("IR-BIG", "Big").unwrap())
        .unwrap();
    let mut before: Option<String> = None;
    for i in 0..n {
        let at = parse_time(
            &format!("2026-03-11 10:{:02}:{:02}Z", i / 60, i % 60),
            &TimeContext::utc(),
        )
        .unwrap();
        let mut e = NewEvent::new(at, &format!("event {i}")).unwrap();
        e.tags = vec![format!("tag{}", i % 3)];
        e.caused_by = before.clone();
        before = Some(s.add_event(&inc.id, &e).unwrap().id);
    }
    let mut bytes = Vec::new();
    s.write_bundle(&inc.id, &mut bytes).unwrap();
    bytes
}

fn import(s: &mut Store, bytes: &[u8], row_history: u64) -> Result<Option<MergeImport>> {
    s.import_new_bundle_with(
        bytes,
        "f",
        ("f.debrief.json", &|| "00".into()),
        "bundle f",
        false,
        None,
        row_history,
    )
}

fn bundle_of(s: &Store) -> Vec<u8> {
    let id = s.list_incidents().unwrap()[0].incident.id.clone();
    let mut bytes = Vec::new();
    s.write_bundle(&id, &mut bytes).unwrap();
    bytes
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn a_streamed_bundle_exports_the_same_bytes_recorded_row_by_row_or_as_one_import() {
    for (bytes, history) in [
        (demo_bytes(), ROW_HISTORY_EVENTS),
        (demo_bytes(), 3),
        (big_bytes(40), 5),
    ] {
        let mut s = store();
        let o = import(&mut s, &bytes, history).unwrap().unwrap();
        assert!(o.created);
        assert!(o.added > 0);
        assert_eq!(text(&bundle_of(&s)), text(&bytes));
        let imports: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
            .unwrap();
        let event_rows: i64 = s
            .connection()
            .query_row(
                "SELECT count(*) FROM history WHERE entity = 'row:events'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let events: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap();
        let (indexed, counted): (i64, i64) = s
            .connection()
            .query_row(
                "SELECT (SELECT count(*) FROM events_fts),
                        (SELECT coalesce(sum(events), 0) FROM event_counts)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (indexed, counted),
            (events, events),
            "searchable and counted"
        );
        let tags: Vec<String> = s
            .connection()
            .prepare("SELECT tags FROM events")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let pairs = tags
            .iter()
            .map(|t| t.split_whitespace().count())
            .sum::<usize>();
        let tagged: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM event_tags", [], |r| r.get(0))
            .unwrap();
        assert!(pairs > 0);
        assert_eq!(tagged as usize, pairs, "the tag index is filled");
        if events as u64 > history {
            assert_eq!((imports, event_rows), (1, 0), "one import, no event rows");
        } else {
            assert_eq!((imports, event_rows), (0, events), "one row per event");
        }
    }
}

#[test]
fn the_streamed_import_writes_the_rows_the_whole_bundle_import_writes() {
    let bytes = demo_bytes();
    let mut streamed = store();
    import(&mut streamed, &bytes, ROW_HISTORY_EVENTS).unwrap();
    let mut whole = store();
    let bundle: Value = serde_json::from_slice(&bytes).unwrap();
    whole.import_bundle(&bundle, false).unwrap();
    // The history's change set labels and makers differ by design; every other table
    // holds the same rows.
    let strip = |d: String| -> String {
        let mut out = String::new();
        let mut skip = false;
        for line in d.lines() {
            if line.starts_with('[') {
                skip = line == "[change_sets]" || line == "[history]";
            }
            if !skip {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    };
    assert_eq!(strip(dump(&streamed)), strip(dump(&whole)));
}

#[test]
fn a_bad_value_in_the_last_event_refuses_the_bundle_and_changes_nothing() {
    let bytes = big_bytes(30);
    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    let events = v["tables"]["events"].as_array_mut().unwrap();
    let last = events.last_mut().unwrap();
    last["phase"] = json!("sideways");
    let last_id = last["id"].as_str().unwrap().to_string();
    let bad = serde_json::to_vec_pretty(&v).unwrap();
    let mut s = store();
    s.create_incident(&NewIncident::new("IR-HERE", "Here").unwrap())
        .unwrap();
    let schema = |s: &Store| -> Vec<String> {
        s.connection()
            .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let (before, triggers) = (dump(&s), schema(&s));
    for history in [ROW_HISTORY_EVENTS, 5] {
        let e = import(&mut s, &bad, history).unwrap_err().to_string();
        assert!(e.contains(&format!("events {last_id}")), "{e}");
        assert!(e.contains("phase"), "{e}");
        assert_eq!(dump(&s), before);
        // The triggers a large bundle's load sets aside are back.
        assert_eq!(schema(&s), triggers);
    }
}

/// The bundle with one value replaced, and the refusal it gets (the database unchanged).
fn refusal(bytes: &[u8], edit: impl Fn(&mut Value)) -> String {
    let mut v: Value = serde_json::from_slice(bytes).unwrap();
    edit(&mut v);
    let mut s = store();
    s.create_incident(&NewIncident::new("IR-HERE", "Here").unwrap())
        .unwrap();
    let before = dump(&s);
    let e = import(&mut s, &serde_json::to_vec(&v).unwrap(), 5)
        .unwrap_err()
        .to_string();
    assert_eq!(dump(&s), before, "refused: {e}");
    e
}

#[test]
fn dangling_references_are_refused_naming_the_row_and_field() {
    let bytes = big_bytes(12);
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    let first = v["tables"]["events"][0]["id"].as_str().unwrap().to_string();
    let nowhere = "0190a1b2-0000-7000-8000-000000000001";
    // A cause that is no event: found by the query at the end.
    let e = refusal(&bytes, |v| {
        v["tables"]["events"][0]["caused_by"] = json!(nowhere)
    });
    assert!(
        e.contains(&format!(
            "events {first}: caused_by: {nowhere} names no record"
        )),
        "{e}"
    );
    // An actor that is no actor: refused by the database as the event comes, explained.
    let e = refusal(&bytes, |v| {
        v["tables"]["events"][0]["actor_id"] = json!(nowhere)
    });
    assert!(
        e.contains(&format!(
            "events {first}: actor_id: {nowhere} names no record"
        )),
        "{e}"
    );
    // A finding linked to an event that is not there.
    let demo = demo_bytes();
    let e = refusal(&demo, |v| {
        v["tables"]["finding_events"][0]["event_id"] = json!(nowhere)
    });
    assert!(e.contains("finding_events"), "{e}");
    assert!(
        e.contains(&format!("event_id: {nowhere} names no record")),
        "{e}"
    );
    // An owner no action names.
    let e = refusal(&demo, |v| {
        let owners = v["tables"]["owners"].as_array_mut().unwrap();
        let mut extra = owners[0].clone();
        extra["id"] = json!(nowhere);
        extra["name"] = json!("Nobody At All");
        owners.push(extra);
    });
    assert!(
        e.contains(&format!("owners {nowhere}: no action of the bundle names")),
        "{e}"
    );
    // An event twice.
    let e = refusal(&bytes, |v| {
        let events = v["tables"]["events"].as_array_mut().unwrap();
        let mut again = events[3].clone();
        again["fingerprint"] = json!(null);
        events.push(again);
    });
    assert!(e.contains("appears twice"), "{e}");
}

#[test]
fn an_actor_of_another_incident_here_is_refused() {
    let bytes = big_bytes(3);
    let mut s = store();
    let here = s
        .create_incident(&NewIncident::new("IR-HERE", "Here").unwrap())
        .unwrap();
    let at = parse_time("2026-03-11 09:00Z", &TimeContext::utc()).unwrap();
    let mut e = NewEvent::new(at, "seen here").unwrap();
    e.actor = Some("mallory".into());
    s.add_event(&here.id, &e).unwrap();
    let actor = s.list_actors(&here.id).unwrap().remove(0);
    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    v["tables"]["events"][1]["actor_id"] = json!(actor.id);
    let before = dump(&s);
    let e = import(&mut s, &serde_json::to_vec(&v).unwrap(), 5)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!(
            "actor_id: {} is a record of actors of another incident",
            actor.id
        )),
        "{e}"
    );
    assert_eq!(dump(&s), before);
}

#[test]
fn undo_takes_a_streamed_incident_back_whole_either_way_it_was_recorded() {
    for (bytes, history) in [
        (big_bytes(20), 5),
        (big_bytes(20), ROW_HISTORY_EVENTS),
        (demo_bytes(), 3),
    ] {
        let mut s = store();
        s.create_incident(&NewIncident::new("IR-HERE", "Here").unwrap())
            .unwrap();
        let keep = |d: String| -> String {
            // Undo leaves its own history; the incidents' tables are what must match.
            d.split("\n[")
                .filter(|t| !t.starts_with("change_sets") && !t.starts_with("history"))
                .collect::<Vec<_>>()
                .join("\n[")
        };
        let before = keep(dump(&s));
        import(&mut s, &bytes, history).unwrap().unwrap();
        assert_eq!(s.list_incidents().unwrap().len(), 2);
        let undone = s.undo(None).unwrap().unwrap();
        assert!(undone.label.starts_with("import bundle of "), "{undone:?}");
        assert_eq!(keep(dump(&s)), before);
        let events: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM events_fts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(events, 0, "the search index lost the events too");
        if history < 20 {
            // Recorded as one import: not redone, and said as a bundle's.
            let e = s.redo(None).unwrap_err().to_string();
            assert!(
                e.contains("an undone bundle import cannot be redone"),
                "{e}"
            );
            assert_eq!(keep(dump(&s)), before);
        }
    }
}

#[test]
fn owners_are_matched_by_name_and_the_same_bundle_again_changes_nothing() {
    let bytes = demo_bytes();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    let owner = &v["tables"]["owners"][0];
    let name = owner["name"].as_str().unwrap();
    let mut s = store();
    let local = s.create_owner(name, OwnerKind::Person, "").unwrap();
    assert_ne!(local.id, owner["id"].as_str().unwrap());
    import(&mut s, &bytes, ROW_HISTORY_EVENTS).unwrap().unwrap();
    let owners: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM owners WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(owners, 1);
    let theirs: i64 = s
        .connection()
        .query_row(
            "SELECT count(*) FROM actions WHERE owner_id = ?1 OR group_id = ?1",
            [&local.id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(theirs > 0, "the bundle's actions follow the local owner");
    // The same bundle again: its incident is here and no base is remembered, so it is
    // merged record by record as it is read: nothing differs, nothing is written.
    let history = |s: &Store| -> i64 {
        s.connection()
            .query_row("SELECT count(*) FROM history", [], |r| r.get(0))
            .unwrap()
    };
    let before = history(&s);
    let o = import(&mut s, &bytes, ROW_HISTORY_EVENTS).unwrap().unwrap();
    assert!(!o.created);
    assert_eq!((o.added, o.changed, o.notes.len()), (0, 0, 0));
    assert!(o.unchanged > 0);
    assert_eq!(history(&s), before);
}

#[test]
fn an_incident_here_merges_record_by_record_as_the_whole_import_does() {
    let bytes = demo_bytes();
    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    let event = &mut v["tables"]["events"][2];
    event["text"] = json!("changed in the file");
    event["updated_us"] = json!(event["updated_us"].as_i64().unwrap() + 1);
    let changed = serde_json::to_vec_pretty(&v).unwrap();
    let (mut streamed, mut whole) = (store(), store());
    import(&mut streamed, &bytes, ROW_HISTORY_EVENTS).unwrap();
    import(&mut whole, &bytes, ROW_HISTORY_EVENTS).unwrap();
    let s = import(&mut streamed, &changed, ROW_HISTORY_EVENTS)
        .unwrap()
        .unwrap();
    let w = whole
        .import_bundle_from(&v, "f", "bundle f", &|_| Ok(None), false)
        .unwrap();
    assert_eq!((s.added, s.changed, s.unchanged), (0, 1, w.unchanged));
    assert_eq!((s.changed, &s.notes), (w.changed, &w.notes));
    assert_eq!(text(&bundle_of(&streamed)), text(&bundle_of(&whole)));
    // The merge is one change undo takes back.
    streamed.undo(None).unwrap().unwrap();
    assert_eq!(text(&bundle_of(&streamed)), text(&bytes));
    // A base remembered for the file: the three-way merge holds the bundle whole.
    let mut s = store();
    let again = || Ok(text(&bytes));
    s.import_new_bundle(
        &bytes[..],
        "f",
        "f",
        &|| "00".into(),
        "bundle f",
        false,
        Some(&again),
    )
    .unwrap()
    .unwrap();
    let before = dump(&s);
    let o = s.import_new_bundle(
        &changed[..],
        "f",
        "f",
        &|| "00".into(),
        "bundle f",
        false,
        None,
    );
    assert_eq!(o.unwrap(), None);
    assert_eq!(dump(&s), before);
}

#[test]
fn fingerprints_stream_as_16_hex_digits_and_older_32_digit_ones_read_as_the_same_key() {
    use crate::io::import::ImportedRow;
    let mut s = store();
    let inc = s
        .create_incident(&NewIncident::new("IR-FP", "Imported").unwrap())
        .unwrap();
    let rows: Vec<std::result::Result<ImportedRow, crate::io::import::RowError>> = (0..3)
        .map(|i| {
            let at = parse_time(&format!("2026-03-11 10:00:0{i}Z"), &TimeContext::utc());
            Ok(ImportedRow::plain(
                i + 2,
                at.unwrap(),
                format!("row {i}"),
                format!("row {i}"),
            ))
        })
        .collect();
    let run = crate::store::ImportRun {
        file: "t.csv".into(),
        format: "csv".into(),
        ..Default::default()
    };
    s.import_rows(&inc.id, &mut rows.into_iter(), &run, &mut |_| {}, &|| {
        "00".into()
    })
    .unwrap();
    let bytes = bundle_of(&s);
    let bundle: Value = serde_json::from_slice(&bytes).unwrap();
    let fp = bundle["tables"]["events"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(fp.len(), 16, "{fp}");
    // Written before schema 14: 32 digits, the first 16 the same key.
    let mut older = bundle.clone();
    for e in older["tables"]["events"].as_array_mut().unwrap() {
        let long = format!("{}0123456789abcdef", e["fingerprint"].as_str().unwrap());
        e["fingerprint"] = json!(long);
    }
    let older = serde_json::to_vec(&older).unwrap();
    // Row by row, and as one import (the events' own insert).
    for row_history in [ROW_HISTORY_EVENTS, 0] {
        let mut fresh = store();
        import(&mut fresh, &older, row_history).unwrap();
        assert_eq!(text(&bundle_of(&fresh)), text(&bytes), "{row_history}");
    }
}
