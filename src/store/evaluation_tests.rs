//! The response evaluation in the store: starting, rating, linking, undo, and the demo's.

use super::*;
use crate::domain::evaluation::{ChecklistArea, default_checklist};
use crate::domain::{LapseKind, NewFinding, NewIncident, Rating};
use chrono::TimeZone;

fn store() -> Store {
    let mut s = Store::open_in_memory("tester").unwrap();
    s.set_clock(Box::new(|| {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }));
    s.use_sequential_ids();
    s
}

fn started(s: &mut Store) -> String {
    let i = s
        .create_incident(&NewIncident::new("IR-1", "Mailbox compromise").unwrap())
        .unwrap();
    s.start_evaluation(&i.id, &default_checklist()).unwrap();
    i.id
}

#[test]
fn an_evaluation_starts_from_the_checklist_once() {
    let mut s = store();
    let inc = started(&mut s);
    let items = s.evaluation(&inc).unwrap();
    assert_eq!(items.len(), 9);
    assert_eq!(items[0].area, "Detection");
    assert!(items.iter().all(|i| !i.is_rated()));
    let again = s.start_evaluation(&inc, &default_checklist()).unwrap_err();
    assert!(again.to_string().contains("already started"), "{again}");
    assert_eq!(s.evaluation(&inc).unwrap().len(), 9);
}

#[test]
fn rating_an_area_is_recorded_and_undone() {
    let mut s = store();
    let inc = started(&mut s);
    let area = s.resolve_evaluation_area(&inc, "contain").unwrap();
    s.edit_evaluation(&area.id, "sufficiency", Some("partly"))
        .unwrap();
    let rated = s
        .edit_evaluation(&area.id, "completeness", Some("not met"))
        .unwrap();
    assert_eq!(rated.sufficiency, Some(Rating::Partly));
    assert_eq!(rated.completeness, Some(Rating::NotMet));
    let h = s.history(Some(&inc), 1).unwrap();
    assert_eq!(h[0].field.as_deref(), Some("completeness"));
    assert_eq!(h[0].new.as_deref(), Some("not-met"));
    s.undo(Some(&inc)).unwrap();
    let back = s.resolve_evaluation_area(&inc, "3").unwrap();
    assert_eq!(back.completeness, None);
    assert_eq!(back.sufficiency, Some(Rating::Partly));
    s.redo(Some(&inc)).unwrap();
    let again = s.resolve_evaluation_area(&inc, "Containment").unwrap();
    assert_eq!(again.completeness, Some(Rating::NotMet));
}

#[test]
fn bad_ratings_and_fields_change_nothing() {
    let mut s = store();
    let inc = started(&mut s);
    let area = s.resolve_evaluation_area(&inc, "1").unwrap();
    let before = s.history(None, 100).unwrap().len();
    let e = s
        .edit_evaluation(&area.id, "sufficiency", Some("great"))
        .unwrap_err();
    assert!(e.to_string().contains("unknown rating \"great\""), "{e}");
    match &e {
        crate::store::StoreError::Invalid(i) => assert_eq!(i.field, "sufficiency"),
        other => panic!("a broken rule names its field: {other:?}"),
    }
    let e = s
        .edit_evaluation(&area.id, "colour", Some("x"))
        .unwrap_err();
    assert!(e.to_string().contains("no field \"colour\""), "{e}");
    let e = s
        .edit_evaluation(&area.id, "findings", Some("nope"))
        .unwrap_err();
    assert!(e.to_string().contains("no finding nope"), "{e}");
    assert_eq!(s.history(None, 100).unwrap().len(), before);
}

#[test]
fn areas_are_found_by_number_or_unique_prefix() {
    let mut s = store();
    let inc = started(&mut s);
    assert_eq!(
        s.resolve_evaluation_area(&inc, "triage").unwrap().area,
        "Triage and escalation"
    );
    let e = s.resolve_evaluation_area(&inc, "c").unwrap_err();
    assert!(e.to_string().contains("Containment, Customer"), "{e}");
    let e = s.resolve_evaluation_area(&inc, "10").unwrap_err();
    assert!(e.to_string().contains("has 9 areas"), "{e}");
}

#[test]
fn areas_are_added_renamed_and_removed_per_incident() {
    let mut s = store();
    let inc = started(&mut s);
    let added = s
        .add_evaluation_area(&inc, "Legal hold", "Was a legal hold placed in time?")
        .unwrap();
    assert_eq!(added.position, 10);
    let dup = s.add_evaluation_area(&inc, "legal HOLD", "").unwrap_err();
    assert!(dup.to_string().contains("already has an area"), "{dup}");
    s.edit_evaluation(&added.id, "area", Some("Legal hold and counsel"))
        .unwrap();
    let recovery = s.resolve_evaluation_area(&inc, "recovery").unwrap();
    s.remove_evaluation_area(&recovery.id).unwrap();
    let areas: Vec<String> = s
        .evaluation(&inc)
        .unwrap()
        .into_iter()
        .map(|i| i.area)
        .collect();
    assert_eq!(areas.len(), 9);
    assert_eq!(areas.last().unwrap(), "Legal hold and counsel");
    assert!(!areas.contains(&"Recovery".to_string()));
    s.undo(Some(&inc)).unwrap();
    let back = s.evaluation(&inc).unwrap();
    assert_eq!(back[4].area, "Recovery", "back in its place");
}

#[test]
fn linked_findings_follow_deletes_and_undo() {
    let mut s = store();
    let inc = started(&mut s);
    let f = s
        .create_finding(
            &inc,
            &NewFinding::new(LapseKind::ProcessFlaw, "Alerts not routed").unwrap(),
            &[],
        )
        .unwrap();
    let area = s.resolve_evaluation_area(&inc, "detection").unwrap();
    s.edit_evaluation(&area.id, "findings", Some(&f.id))
        .unwrap();
    assert_eq!(
        s.evaluation(&inc).unwrap()[0].findings,
        std::slice::from_ref(&f.id)
    );
    s.delete_finding(&f.id).unwrap();
    assert!(s.evaluation(&inc).unwrap()[0].findings.is_empty());
    s.undo(Some(&inc)).unwrap();
    assert_eq!(s.evaluation(&inc).unwrap()[0].findings, [f.id]);
}

#[test]
fn the_evaluation_comes_back_with_an_undone_incident_delete() {
    let mut s = store();
    let inc = started(&mut s);
    let area = s.resolve_evaluation_area(&inc, "eradication").unwrap();
    s.edit_evaluation(&area.id, "note", Some("all footholds removed"))
        .unwrap();
    s.delete_incident(&inc).unwrap();
    assert!(s.evaluation(&inc).unwrap().is_empty());
    s.undo(None).unwrap();
    let back = s.evaluation(&inc).unwrap();
    assert_eq!(back.len(), 9);
    assert_eq!(back[3].note, "all footholds removed");
}

#[test]
fn a_custom_checklist_is_used_as_given() {
    let mut s = store();
    let i = s
        .create_incident(&NewIncident::new("IR-2", "Ransomware").unwrap())
        .unwrap();
    let areas = [ChecklistArea {
        name: "Backups".into(),
        question: "Did restores work?".into(),
    }];
    let items = s.start_evaluation(&i.id, &areas).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].question, "Did restores work?");
}

#[test]
fn the_demo_carries_a_rated_evaluation_linked_to_its_findings() {
    let mut s = store();
    let seed = crate::io::demo::demo_seed().unwrap();
    let i = s.create_seeded_incident(&seed).unwrap();
    let items = s.evaluation(&i.id).unwrap();
    assert_eq!(items.len(), 9);
    assert!(items.iter().all(|i| i.is_rated() && !i.note.is_empty()));
    assert!(items.iter().all(|i| !i.question.is_empty()));
    assert_eq!(items[0].findings.len(), 2);
}

#[test]
fn an_edit_from_a_stale_copy_of_an_area_is_refused() {
    let mut s = store();
    let inc = started(&mut s);
    let copy = s.resolve_evaluation_area(&inc, "contain").unwrap();
    // Another window rates it first.
    let theirs = s
        .edit_evaluation_fields(&copy.id, &[("note", Some("theirs"))], Some(copy.version))
        .unwrap();
    assert_eq!(theirs.version, copy.version + 1);
    let e = s
        .edit_evaluation_fields(&copy.id, &[("note", Some("mine"))], Some(copy.version))
        .unwrap_err();
    assert!(matches!(e, StoreError::Stale(_)), "{e}");
    assert_eq!(
        s.resolve_evaluation_area(&inc, "contain").unwrap().note,
        "theirs"
    );
    // From the fresh copy it saves.
    let mine = s
        .edit_evaluation_fields(&copy.id, &[("note", Some("mine"))], Some(theirs.version))
        .unwrap();
    assert_eq!(mine.note, "mine");
}
