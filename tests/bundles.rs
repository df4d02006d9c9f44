//! Property test: bundles are untrusted input. A bundle made from the demo with one field
//! mutated at random (wrong types, extreme numbers, unknown names, another incident's ids,
//! control characters) is refused whole or imported as valid data; it never panics,
//! never changes another incident, and `incident list` and the report still work after.
//! A modest case count so CI stays fast; for a longer run:
//! `PROPTEST_CASES=5000 cargo test --release --test bundles`.

use debrief::domain::{NewEvent, NewIncident, TimeContext, parse_time};
use debrief::io::report::{TimelineScope, render_report};
use debrief::io::template::ReportFormat;
use debrief::store::Store;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::OnceLock;

fn store() -> Store {
    let mut s = Store::open_in_memory("tester").unwrap();
    s.set_clock(Box::new(|| {
        chrono::DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .to_utc()
    }));
    s
}

/// Another incident with an event, an actor-free timeline of its own.
fn add_other(s: &mut Store) -> String {
    let other = s
        .create_incident(&NewIncident::new("IR-OTHER", "Another incident").unwrap())
        .unwrap();
    let at = parse_time("2026-05-01 10:00Z", &TimeContext::utc()).unwrap();
    s.add_event(
        &other.id,
        &NewEvent::new(at, "the other incident's event").unwrap(),
    )
    .unwrap();
    other.id
}

/// The demo's bundle, made once.
fn demo_bundle() -> &'static Value {
    static BUNDLE: OnceLock<Value> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let mut s = store();
        let demo = s
            .create_seeded_incident(&debrief::io::demo::demo_seed().unwrap())
            .unwrap();
        s.bundle(&demo.id).unwrap()
    })
}

/// Every row of every table (but the full-text index's own), in a fixed order.
fn dump(s: &Store) -> String {
    let conn = s.connection();
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT LIKE 'events_fts%' ORDER BY name",
        )
        .unwrap();
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        out.push_str(&format!("[{t}]\n"));
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out
}

/// The other incident as it stands: its bundle and its history.
fn other_state(s: &Store, other_id: &str) -> String {
    format!(
        "{}\n{:?}",
        s.bundle(other_id).unwrap(),
        s.history(Some(other_id), 1000).unwrap()
    )
}

/// One mutation, as drawn.
#[derive(Debug, Clone)]
enum Mutation {
    WrongType(u8),
    Number(i64),
    Huge,
    Unknown,
    OtherIncidentId,
    OtherEventId,
    Controls,
    Drop,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0u8..5).prop_map(Mutation::WrongType),
        prop_oneof![
            Just(i64::MAX),
            Just(i64::MIN),
            Just(-1),
            Just(0),
            Just(253_402_300_800_000_000),
            any::<i64>()
        ]
        .prop_map(Mutation::Number),
        Just(Mutation::Huge),
        Just(Mutation::Unknown),
        Just(Mutation::OtherIncidentId),
        Just(Mutation::OtherEventId),
        Just(Mutation::Controls),
        Just(Mutation::Drop),
    ]
}

fn apply(bundle: &mut Value, pick: (usize, usize, usize), m: &Mutation, other: (&str, &str)) {
    let tables = bundle["tables"].as_object_mut().unwrap();
    let names: Vec<String> = tables
        .iter()
        .filter(|(_, rows)| rows.as_array().is_some_and(|r| !r.is_empty()))
        .map(|(n, _)| n.clone())
        .collect();
    let table = &names[pick.0 % names.len()];
    let rows = tables[table].as_array_mut().unwrap();
    let len = rows.len();
    let row = rows[pick.1 % len].as_object_mut().unwrap();
    let columns: Vec<String> = row.keys().cloned().collect();
    let column = columns[pick.2 % columns.len()].clone();
    let old = row[&column].clone();
    let new = match m {
        Mutation::WrongType(k) => match k {
            0 => json!(true),
            1 => json!([old]),
            2 => json!({"x": old}),
            3 if old.is_string() => json!(7),
            3 => json!("7"),
            _ => Value::Null,
        },
        Mutation::Number(n) => json!(n),
        Mutation::Huge => json!(1e300),
        Mutation::Unknown => json!("bogus"),
        Mutation::OtherIncidentId => json!(other.0),
        Mutation::OtherEventId => json!(other.1),
        Mutation::Controls => {
            let text = old.as_str().unwrap_or("x");
            json!(format!(
                "{text}\u{1b}]0;pwned\u{7}\u{85}\u{202e}\u{e0041}\n"
            ))
        }
        Mutation::Drop => {
            row.remove(&column);
            return;
        }
    };
    row.insert(column, new);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48)
    ))]

    #[test]
    fn a_mutated_bundle_is_refused_whole_or_imported_valid(
        pick in (0usize..64, 0usize..64, 0usize..64),
        m in mutation(),
        demo_already_here in any::<bool>(),
    ) {
        let mut s = store();
        let other_id = add_other(&mut s);
        let other_event = s.bundle(&other_id).unwrap()["tables"]["events"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        if demo_already_here {
            s.create_seeded_incident(&debrief::io::demo::demo_seed().unwrap()).unwrap();
        }
        let mut bundle = demo_bundle().clone();
        apply(&mut bundle, pick, &m, (&other_id, &other_event));

        let before = dump(&s);
        let other_before = other_state(&s, &other_id);
        let result = s.import_bundle(&bundle, false);
        prop_assert_eq!(other_state(&s, &other_id), other_before, "the other incident changed");
        match &result {
            Err(_) => prop_assert_eq!(dump(&s), before, "a refused bundle changed the database"),
            Ok(_) => {
                // Imported: what is stored is valid, so it exports and imports cleanly.
                let incident = s.incident_by_key(demo_key(&bundle)).unwrap();
                prop_assert!(incident.is_some(), "imported, but no incident");
                let again = s.bundle(&incident.unwrap().id).unwrap();
                let mut fresh = store();
                prop_assert!(fresh.import_bundle(&again, false).is_ok(), "the stored rows are not valid");
            }
        }
        // Everything reads back: the list, and the report of every incident.
        let all = s.list_incidents();
        prop_assert!(all.is_ok(), "incident list fails: {:?}", all.err());
        for summary in all.unwrap() {
            let report = render_report(&s, &summary.incident, ReportFormat::Markdown, TimelineScope::Full, None);
            prop_assert!(report.is_ok(), "{}: {:?}", summary.incident.key, report.err());
        }
    }
}

fn demo_key(bundle: &Value) -> &str {
    bundle["tables"]["incidents"][0]["key"]
        .as_str()
        .unwrap_or("IR-2026-014")
}

#[test]
fn the_demo_bundle_itself_imports_into_a_database_with_another_incident() {
    let mut s = store();
    let other_id = add_other(&mut s);
    let before = other_state(&s, &other_id);
    let o = s.import_bundle(demo_bundle(), false).unwrap();
    assert!(o.created && o.added > 40, "{o:?}");
    assert_eq!(other_state(&s, &other_id), before);
    assert_eq!(s.list_incidents().unwrap().len(), 2);
}
