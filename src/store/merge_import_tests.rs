//! Importing a bundle into the incident already here, three-way against the bundle last
//! exchanged with that file: one-sided changes of both sides kept, a field changed both
//! ways refused with nothing written, undo taking the import (and its base) back.

use super::*;
use crate::domain::{IncidentPatch, NewEvent, Severity, TimeContext, parse_time};
use crate::store::bundle_tests::dump;
use chrono::TimeZone;

const FILE: &str = "/shared/IR-2026-014.debrief.json";

fn store(analyst: &str) -> Store {
    let mut s = Store::open_in_memory(analyst).unwrap();
    s.set_clock(Box::new(|| {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }));
    s
}

fn no_choice(_: &MergeConflict) -> std::result::Result<Option<Value>, String> {
    Ok(None)
}

/// Analyst A with the demo incident, exported to FILE; analyst B with FILE imported.
fn two_analysts() -> (Store, Store, String) {
    let mut a = store("ana");
    let demo = a
        .create_seeded_incident(&crate::io::demo::demo_seed().unwrap())
        .unwrap();
    let bundle = a.bundle(&demo.id).unwrap();
    a.remember_export(&demo.id, FILE, &bundle).unwrap();
    let mut b = store("ben");
    let o = b
        .import_bundle_from(&bundle, FILE, "bundle x", &no_choice, false)
        .unwrap();
    assert!(o.created);
    (a, b, demo.id)
}

fn set_title(s: &mut Store, id: &str, t: &str) {
    let patch = IncidentPatch {
        title: Some(t.into()),
        ..Default::default()
    };
    s.update_incident(id, &patch, None).unwrap();
}

fn set_severity(s: &mut Store, id: &str, sev: Severity) {
    let patch = IncidentPatch {
        severity: Some(sev),
        ..Default::default()
    };
    s.update_incident(id, &patch, None).unwrap();
}

fn add_event(s: &mut Store, id: &str, text: &str) -> String {
    let at = parse_time("2026-03-14 09:00", &TimeContext::utc()).unwrap();
    s.add_event(id, &NewEvent::new(at, text).unwrap())
        .unwrap()
        .id
}

#[test]
fn a_field_changed_here_and_another_in_the_file_are_both_kept() {
    let (mut a, mut b, id) = two_analysts();
    // B changes the severity and adds an event, and shares the file.
    set_severity(&mut b, &id, Severity::Critical);
    let event = add_event(&mut b, &id, "Mailbox rule removed");
    let theirs = b.bundle(&id).unwrap();
    // Meanwhile A changed the title only.
    set_title(&mut a, &id, "Payroll fraud, by A");
    let o = a
        .import_bundle_from(
            &theirs,
            FILE,
            "bundle IR-2026-014.debrief.json",
            &no_choice,
            false,
        )
        .unwrap();
    assert!(o.base_at.is_some(), "merged three-way: {o:?}");
    assert_eq!((o.added, o.changed, o.removed), (1, 1, 0), "{o:?}");
    assert_eq!(
        o.fields, 1,
        "only the severity took the file's value: {o:?}"
    );
    let i = a.incident_by_id(&id).unwrap().unwrap();
    assert_eq!(
        i.title, "Payroll fraud, by A",
        "the field changed only here stays"
    );
    assert_eq!(
        i.severity,
        Severity::Critical,
        "the field changed only there comes"
    );
    assert!(a.event(&event).unwrap().is_some());

    // History: the merge is one change set, made by the bundle's side, at import time.
    let history = a.history(Some(&id), 5).unwrap();
    let last = &history[0];
    assert_eq!(last.by, "bundle IR-2026-014.debrief.json");
    assert_eq!(last.at, a.now());
    assert!(
        history
            .iter()
            .take(2)
            .all(|c| c.change_set == last.change_set)
    );
    assert!(history.iter().take(2).all(|c| c.entity.starts_with("row:")));
}

#[test]
fn undo_takes_the_merge_back_as_one_change_and_its_base_with_it() {
    let (mut a, mut b, id) = two_analysts();
    set_severity(&mut b, &id, Severity::Critical);
    add_event(&mut b, &id, "Mailbox rule removed");
    let theirs = b.bundle(&id).unwrap();
    set_title(&mut a, &id, "Title by A");
    let before = a.bundle(&id).unwrap();
    let base_before = a.bundle_base(&id, FILE).unwrap().unwrap();
    a.import_bundle_from(&theirs, FILE, "bundle f", &no_choice, false)
        .unwrap();
    assert_eq!(a.bundle_base(&id, FILE).unwrap().unwrap().bundle, theirs);
    let undone = a.undo(Some(&id)).unwrap().unwrap();
    assert_eq!(undone.label, "merge bundle into IR-2026-014");
    assert_eq!(
        a.bundle(&id).unwrap(),
        before,
        "every row as before the import"
    );
    assert_eq!(
        a.bundle_base(&id, FILE).unwrap().unwrap(),
        base_before,
        "the undone import's base is set aside"
    );
    // Redo brings both back.
    a.redo(Some(&id)).unwrap().unwrap();
    assert_eq!(
        a.incident_by_id(&id).unwrap().unwrap().severity,
        Severity::Critical
    );
    assert_eq!(a.bundle_base(&id, FILE).unwrap().unwrap().bundle, theirs);
}

#[test]
fn the_same_field_changed_both_ways_is_refused_and_nothing_written() {
    let (mut a, mut b, id) = two_analysts();
    set_title(&mut b, &id, "Title by B");
    set_severity(&mut b, &id, Severity::Critical);
    let theirs = b.bundle(&id).unwrap();
    set_title(&mut a, &id, "Title by A");
    let before = dump(&a);
    let e = a
        .import_bundle_from(&theirs, FILE, "bundle f", &no_choice, false)
        .unwrap_err()
        .to_string();
    assert!(e.contains("nothing was imported"), "{e}");
    assert!(
        e.contains("incidents")
            && e.contains("field title")
            && e.contains("Title by A")
            && e.contains("Title by B"),
        "names the table, field and both values: {e}"
    );
    assert!(
        e.contains("--take ours") && e.contains("--field"),
        "says how: {e}"
    );
    assert_eq!(dump(&a), before, "the database is unchanged");

    // Settled with theirs for the title: both the title and the severity come.
    let theirs_side = |c: &MergeConflict| Ok(Some(c.theirs.clone()));
    let o = a
        .import_bundle_from(&theirs, FILE, "bundle f", &theirs_side, false)
        .unwrap();
    assert_eq!(o.settled, 1);
    let i = a.incident_by_id(&id).unwrap().unwrap();
    assert_eq!(
        (i.title.as_str(), i.severity),
        ("Title by B", Severity::Critical)
    );
}

#[test]
fn a_record_removed_in_the_file_and_untouched_here_goes() {
    let (mut a, mut b, id) = two_analysts();
    let event = add_event(&mut a, &id, "Shared event");
    let shared = a.bundle(&id).unwrap();
    a.remember_export(&id, FILE, &shared).unwrap();
    b.import_bundle_from(&shared, FILE, "bundle f", &no_choice, false)
        .unwrap();
    b.delete_event(&event).unwrap();
    let theirs = b.bundle(&id).unwrap();
    let o = a
        .import_bundle_from(&theirs, FILE, "bundle f", &no_choice, false)
        .unwrap();
    assert_eq!(o.removed, 1, "{o:?}");
    assert!(a.event(&event).unwrap().is_none());
    a.undo(Some(&id)).unwrap().unwrap();
    assert!(a.event(&event).unwrap().is_some(), "undo brings it back");
}

#[test]
fn without_a_remembered_base_the_import_goes_record_by_record() {
    let (mut a, mut b, id) = two_analysts();
    set_severity(&mut b, &id, Severity::Critical);
    let theirs = b.bundle(&id).unwrap();
    let o = a
        .import_bundle_from(
            &theirs,
            "/elsewhere/other.json",
            "bundle other.json",
            &no_choice,
            false,
        )
        .unwrap();
    assert_eq!(o.base_at, None);
    // Now that file is remembered: the next import of it merges three-way.
    assert!(
        a.bundle_base(&id, "/elsewhere/other.json")
            .unwrap()
            .is_some()
    );
}

#[test]
fn a_dry_run_writes_nothing_not_even_the_base() {
    let (mut a, mut b, id) = two_analysts();
    set_severity(&mut b, &id, Severity::Critical);
    let theirs = b.bundle(&id).unwrap();
    let before = dump(&a);
    let o = a
        .import_bundle_from(&theirs, FILE, "bundle f", &no_choice, true)
        .unwrap();
    assert_eq!(o.fields, 1);
    assert_eq!(dump(&a), before);
}

#[test]
fn settled_with_ours_only_the_files_other_changes_are_written() {
    let (mut a, mut b, id) = two_analysts();
    set_title(&mut b, &id, "Title B");
    let theirs = b.bundle(&id).unwrap();
    set_title(&mut a, &id, "Title A");
    let changes = a.history(None, 1000).unwrap().len();
    let ours_side = |c: &MergeConflict| Ok(Some(c.ours.clone()));
    let o = a
        .import_bundle_from(&theirs, FILE, "bundle f", &ours_side, false)
        .unwrap();
    assert_eq!((o.settled, o.changed, o.fields), (1, 0, 0), "{o:?}");
    assert_eq!(
        a.history(None, 1000).unwrap().len(),
        changes,
        "nothing recorded"
    );
    assert_eq!(a.incident_by_id(&id).unwrap().unwrap().title, "Title A");
    // The file is the base now: importing it again is clean and changes nothing.
    let o = a
        .import_bundle_from(&theirs, FILE, "bundle f", &no_choice, false)
        .unwrap();
    assert_eq!((o.changed, o.added, o.removed), (0, 0, 0));
}

#[test]
fn an_owner_known_here_by_name_keeps_its_local_id_through_the_merge() {
    use crate::domain::{ActionKind, NewAction, NewIncident};
    let owned = |title: &str| {
        let mut a = NewAction::new(ActionKind::Bug, title).unwrap();
        a.owner = Some("Kim".into());
        a
    };
    let mut a = store("ana");
    let inc = a
        .create_incident(&NewIncident::new("IR-1", "Phish").unwrap())
        .unwrap();
    let action = a
        .create_action(&inc.id, &owned("Rotate keys"), &[])
        .unwrap();
    let bundle = a.bundle(&inc.id).unwrap();
    a.remember_export(&inc.id, FILE, &bundle).unwrap();
    // B knew Kim before, from another incident: another id for the same person.
    let mut b = store("ben");
    let other = b
        .create_incident(&NewIncident::new("IR-0", "Older").unwrap())
        .unwrap();
    b.create_action(&other.id, &owned("Patch VPN"), &[])
        .unwrap();
    let owner_id = |s: &Store| -> String {
        s.connection()
            .query_row(
                "SELECT owner_id FROM actions WHERE id = ?1",
                [&action.id],
                |r| r.get(0),
            )
            .unwrap()
    };
    b.import_bundle_from(&bundle, FILE, "bundle f", &no_choice, false)
        .unwrap();
    let kim_here = owner_id(&b);
    assert_ne!(kim_here, owner_id(&a), "B's own Kim, not a second one");
    // A renames the incident; B's import is clean and touches nothing else.
    set_title(&mut a, &inc.id, "Phish and token theft");
    let theirs = a.bundle(&inc.id).unwrap();
    let o = b
        .import_bundle_from(&theirs, FILE, "bundle f", &no_choice, false)
        .unwrap();
    assert_eq!(
        (o.fields, o.changed, o.added, o.removed),
        (1, 1, 0, 0),
        "{o:?}"
    );
    assert_eq!(owner_id(&b), kim_here);
    let kims: i64 = b
        .connection()
        .query_row("SELECT count(*) FROM owners WHERE name = 'Kim'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(kims, 1);
}

#[test]
fn a_change_from_another_window_during_the_merge_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let file_db = dir.path().join("a.db");
    let (first, mut b, id) = two_analysts();
    let shared = first.bundle(&id).unwrap();
    set_title(&mut b, &id, "Title B");
    set_severity(&mut b, &id, Severity::Critical);
    let theirs = b.bundle(&id).unwrap();
    // Analyst A's database is a file, with the incident and FILE remembered.
    let mut a = Store::open(&file_db, "ana").unwrap();
    a.import_bundle_from(&shared, FILE, "bundle f", &no_choice, false)
        .unwrap();
    set_title(&mut a, &id, "Title A");
    // While the conflict is being settled, another window changes the severity.
    let other_window = |c: &MergeConflict| {
        let mut w = Store::open(&file_db, "ana").unwrap();
        set_severity(&mut w, &id, Severity::Low);
        Ok(Some(c.ours.clone()))
    };
    let e = a
        .import_bundle_from(&theirs, FILE, "bundle f", &other_window, false)
        .unwrap_err();
    assert!(matches!(e, StoreError::Stale(_)), "{e}");
    assert!(e.to_string().contains("nothing was imported"), "{e}");
    let i = a.incident_by_id(&id).unwrap().unwrap();
    assert_eq!((i.title.as_str(), i.severity), ("Title A", Severity::Low));
}

#[test]
fn the_same_bundle_remembered_again_is_kept_once() {
    let (mut a, _b, id) = two_analysts();
    let bundle = a.bundle(&id).unwrap();
    for _ in 0..3 {
        a.remember_export(&id, FILE, &bundle).unwrap();
    }
    let rows: i64 = a
        .connection()
        .query_row("SELECT count(*) FROM bundle_bases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
    set_title(&mut a, &id, "Renamed");
    a.remember_export(&id, FILE, &a.bundle(&id).unwrap())
        .unwrap();
    let rows: i64 = a
        .connection()
        .query_row("SELECT count(*) FROM bundle_bases", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2);
}

#[test]
fn a_remembered_bundle_is_kept_deflated_and_an_older_json_one_still_reads() {
    let (mut a, _b, id) = two_analysts();
    let bundle = a.bundle(&id).unwrap();
    a.remember_export(&id, FILE, &bundle).unwrap();
    let (kind, stored): (String, i64) = a
        .connection()
        .query_row(
            "SELECT typeof(bundle), length(bundle) FROM bundle_bases",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(kind, "blob");
    let json = bundle.to_string().len() as i64;
    assert!(stored * 2 < json, "{stored} bytes deflated, {json} as JSON");
    assert_eq!(a.bundle_base(&id, FILE).unwrap().unwrap().bundle, bundle);
    // A base remembered before bases were deflated: its JSON text.
    a.connection()
        .execute("UPDATE bundle_bases SET bundle = ?1", [bundle.to_string()])
        .unwrap();
    assert_eq!(a.bundle_base(&id, FILE).unwrap().unwrap().bundle, bundle);
    a.connection()
        .execute("UPDATE bundle_bases SET bundle = x'00ff'", [])
        .unwrap();
    let e = a.bundle_base(&id, FILE).unwrap_err().to_string();
    assert!(e.contains("unreadable remembered bundle"), "{e}");
}

/// One analyst's edit of one field: (field, value); fields 0-3 are the incident's
/// title, summary, response and takeaways, 4-5 the two events' texts.
type Edit = (usize, String);

fn apply(s: &mut Store, id: &str, events: &[String], (field, value): &Edit) {
    let text = |t: &str| Some(t.to_string());
    let patch = match field {
        0 => IncidentPatch {
            title: text(value),
            ..Default::default()
        },
        1 => IncidentPatch {
            summary: text(value),
            ..Default::default()
        },
        2 => IncidentPatch {
            response: text(value),
            ..Default::default()
        },
        3 => IncidentPatch {
            takeaways: text(value),
            ..Default::default()
        },
        n => {
            let e = s.event(&events[n - 4]).unwrap().unwrap();
            let mut new = NewEvent::from(&e);
            new.text = value.clone();
            s.update_event(&e.id, &new, None).unwrap();
            return;
        }
    };
    s.update_incident(id, &patch, None).unwrap();
}

fn field_of(s: &Store, id: &str, events: &[String], field: usize) -> String {
    let i = s.incident_by_id(id).unwrap().unwrap();
    match field {
        0 => i.title,
        1 => i.summary,
        2 => i.response,
        3 => i.takeaways,
        n => s.event(&events[n - 4]).unwrap().unwrap().text,
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 16,
        failure_persistence: None,
        ..Default::default()
    })]

    /// Two analysts edit different fields (and add events) from one shared file; each
    /// imports the other's file, or both import git's merge of their two files: both end
    /// with the same incident, and no field changed on one side only is lost.
    #[test]
    fn one_sided_edits_survive_importing_both_ways(
        sides in proptest::collection::vec(0u8..4, 6),
        values in proptest::collection::vec("[a-z]{1,8}", 6),
        added in (0usize..3, 0usize..3),
        through_git in proptest::bool::ANY,
        deleter in 0u8..3,
    ) {
        let mut a = store("ana");
        let inc = a
            .create_incident(&crate::domain::NewIncident::new("IR-1", "Start").unwrap())
            .unwrap();
        let events: Vec<String> = ["first", "second"]
            .iter()
            .map(|t| add_event(&mut a, &inc.id, t))
            .collect();
        let shared = a.bundle(&inc.id).unwrap();
        a.remember_export(&inc.id, FILE, &shared).unwrap();
        let mut b = store("ben");
        b.import_bundle_from(&shared, FILE, "bundle f", &no_choice, false).unwrap();
        // 0: nobody, 1: A, 2: B, 3: both to the same value.
        let mut kept = Vec::new();
        for (field, side) in sides.iter().enumerate() {
            let edit = (field, values[field].clone());
            if matches!(side, 1 | 3) {
                apply(&mut a, &inc.id, &events, &edit);
            }
            if matches!(side, 2 | 3) {
                apply(&mut b, &inc.id, &events, &edit);
            }
            if *side != 0 {
                kept.push(edit);
            }
        }
        // One side deletes the second event, when the other side left it alone.
        let deleted = deleter != 0 && (sides[5] == 0 || sides[5] == deleter);
        if deleted {
            let s = if deleter == 1 { &mut a } else { &mut b };
            s.delete_event(&events[1]).unwrap();
            kept.retain(|(field, _)| *field != 5);
        }
        for n in 0..added.0 {
            add_event(&mut a, &inc.id, &format!("added by A {n}"));
        }
        for n in 0..added.1 {
            add_event(&mut b, &inc.id, &format!("added by B {n}"));
        }
        if through_git {
            // Both export to the file; git's driver merges the two; both import the result.
            let from_a = a.bundle(&inc.id).unwrap();
            a.remember_export(&inc.id, FILE, &from_a).unwrap();
            let from_b = b.bundle(&inc.id).unwrap();
            b.remember_export(&inc.id, FILE, &from_b).unwrap();
            let m = merge::merge_bundles(&shared, &from_a, &from_b).unwrap();
            proptest::prop_assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
            a.import_bundle_from(&m.bundle, FILE, "bundle f", &no_choice, false).unwrap();
            b.import_bundle_from(&m.bundle, FILE, "bundle f", &no_choice, false).unwrap();
        } else {
            // B shares its file; A imports it, then shares the result; B imports that.
            let from_b = b.bundle(&inc.id).unwrap();
            b.remember_export(&inc.id, FILE, &from_b).unwrap();
            let o = a.import_bundle_from(&from_b, FILE, "bundle f", &no_choice, false).unwrap();
            proptest::prop_assert!(o.base_at.is_some());
            let from_a = a.bundle(&inc.id).unwrap();
            a.remember_export(&inc.id, FILE, &from_a).unwrap();
            b.import_bundle_from(&from_a, FILE, "bundle f", &no_choice, false).unwrap();
        }
        proptest::prop_assert_eq!(a.bundle(&inc.id).unwrap(), b.bundle(&inc.id).unwrap());
        for (field, value) in &kept {
            proptest::prop_assert_eq!(&field_of(&a, &inc.id, &events, *field), value);
        }
        let expected = 2 + (added.0 + added.1) as i64 - i64::from(deleted);
        proptest::prop_assert_eq!(a.count_events(&inc.id).unwrap(), expected);
        proptest::prop_assert_eq!(a.event(&events[1]).unwrap().is_none(), deleted);
    }
}

#[test]
fn a_record_both_sides_changed_ends_with_one_version_on_both() {
    // Found by the property above: B changes two fields and one more that A changes to
    // the same value; after importing each other's file both hold the same row.
    let (mut a, mut b, id) = two_analysts();
    let summary = IncidentPatch {
        summary: Some("same".into()),
        ..Default::default()
    };
    a.update_incident(&id, &summary, None).unwrap();
    set_title(&mut b, &id, "Title B");
    b.update_incident(&id, &summary, None).unwrap();
    set_severity(&mut b, &id, Severity::Low);
    let from_b = b.bundle(&id).unwrap();
    b.remember_export(&id, FILE, &from_b).unwrap();
    a.import_bundle_from(&from_b, FILE, "bundle f", &no_choice, false)
        .unwrap();
    let from_a = a.bundle(&id).unwrap();
    a.remember_export(&id, FILE, &from_a).unwrap();
    b.import_bundle_from(&from_a, FILE, "bundle f", &no_choice, false)
        .unwrap();
    assert_eq!(a.bundle(&id).unwrap(), b.bundle(&id).unwrap());
}
