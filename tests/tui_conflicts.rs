//! The conflicts list of `debrief bundle resolve FILE`: a snapshot, and a scripted flow
//! through the real loop settling one conflict by each way (ours, theirs, a new value, a
//! whole record) and writing a bundle that imports.

mod harness;

use debrief::app::Overlay;
use debrief::app::overlays::merge_conflicts::MergeConflicts;
use debrief::domain::{NewEvent, NewIncident, TimeContext, parse_time};
use debrief::store::Store;
use debrief::store::merge::merge_bundles;
use harness::Harness;
use serde_json::Value;
use std::path::Path;

/// A merged bundle of IR-1 with four conflicts: the title, the summary, the text of one
/// event, and a second event deleted on our side and changed on theirs.
fn conflicted() -> Value {
    let mut s = Store::open_in_memory("tester").unwrap();
    s.set_clock(Box::new(harness::now));
    s.use_sequential_ids();
    let inc = s
        .create_incident(&NewIncident::new("IR-1", "Phish").unwrap())
        .unwrap();
    let at = parse_time("2026-03-11 10:00", &TimeContext::utc()).unwrap();
    s.add_event(&inc.id, &NewEvent::new(at, "mail reported").unwrap())
        .unwrap();
    let at = parse_time("2026-03-11 10:30", &TimeContext::utc()).unwrap();
    s.add_event(&inc.id, &NewEvent::new(at, "token revoked").unwrap())
        .unwrap();
    let base = s.bundle(&inc.id).unwrap();
    let (mut ours, mut theirs) = (base.clone(), base.clone());
    ours["tables"]["incidents"][0]["title"] = "Phish, by ours".into();
    theirs["tables"]["incidents"][0]["title"] = "Phish, by theirs".into();
    ours["tables"]["incidents"][0]["summary"] = "Ours says".into();
    theirs["tables"]["incidents"][0]["summary"] = "Theirs says".into();
    ours["tables"]["events"][0]["text"] = "mail reported by Kim".into();
    theirs["tables"]["events"][0]["text"] = "mail reported at 10:00".into();
    ours["tables"]["events"].as_array_mut().unwrap().remove(1);
    theirs["tables"]["events"][1]["text"] = "token revoked by IT".into();
    let m = merge_bundles(&base, &ours, &theirs).unwrap();
    assert_eq!(m.conflicts.len(), 4, "{:?}", m.conflicts);
    m.bundle
}

fn open(target: &Path) -> Harness {
    let mut h = Harness::new(110, 24);
    let c = MergeConflicts::new(conflicted(), target.to_path_buf());
    h.app.overlays.push(Overlay::MergeConflicts(Box::new(c)));
    h
}

fn state(h: &Harness) -> &MergeConflicts {
    match h.app.overlays.last() {
        Some(Overlay::MergeConflicts(c)) => c,
        other => panic!("the conflicts list is not on top: {other:?}"),
    }
}

#[test]
fn conflicts_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(&dir.path().join("IR-1.debrief.json"));
    h.keys("o");
    insta::assert_snapshot!(h.screen());
}

#[test]
fn each_conflict_settled_by_each_way_writes_a_bundle_that_imports() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("IR-1.debrief.json");
    let mut h = open(&target);
    let order: Vec<String> = state(&h)
        .conflicts
        .iter()
        .map(|c| format!("{}.{}", c.table, c.field))
        .collect();
    assert_eq!(
        order,
        [
            "incidents.title",
            "incidents.summary",
            "events.text",
            "events.(record)"
        ]
    );
    // Writing before all are settled is refused.
    h.keys("w");
    h.assert_status("4 of 4 conflicts still open");
    assert!(!target.exists());
    // The title: theirs, then unsettled again (x), then ours. Then q asks; n stays.
    h.keys("t");
    assert_eq!(state(&h).selected, 1, "a choice moves to the next conflict");
    h.keys("kx");
    assert_eq!(state(&h).chosen[0], None);
    h.keys("o");
    h.keys("q");
    assert!(state(&h).asking_quit);
    h.keys("n");
    assert!(!h.app.quit && !state(&h).asking_quit);
    // The summary: a new value, typed over ours in the one-line editor.
    h.keys("e<c-u>Both agree<enter>");
    // The first event's text: theirs.
    h.keys("t");
    // The deleted-or-changed event cannot be edited, only taken from a side.
    h.keys("e");
    h.assert_status("take ours (o) or theirs (t)");
    h.keys("?");
    assert!(state(&h).help);
    insta::assert_snapshot!("conflicts_help", h.screen());
    h.keys("<esc>");
    assert!(!state(&h).help && !h.app.quit);
    h.keys("t");
    h.assert_status("every conflict is settled");
    h.keys("w");
    assert!(h.app.quit && state(&h).written);

    let written: Value = serde_json::from_str(&std::fs::read_to_string(&target).unwrap()).unwrap();
    assert!(written.get("conflicts").is_none());
    let mut fresh = Store::open_in_memory("tester").unwrap();
    fresh.import_bundle(&written, false).unwrap();
    let inc = fresh.incident_by_key("IR-1").unwrap().unwrap();
    assert_eq!(
        (inc.title.as_str(), inc.summary.as_str()),
        ("Phish, by ours", "Both agree")
    );
    let texts: Vec<&str> = written["tables"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["mail reported at 10:00", "token revoked by IT"]);
}

#[test]
fn quitting_with_choices_not_written_asks_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("IR-1.debrief.json");
    let mut h = open(&target);
    h.keys("t");
    h.keys("<c-c>");
    insta::assert_snapshot!("conflicts_quit_asks", h.screen());
    h.keys("y");
    assert!(h.app.quit && !state(&h).written);
    assert!(!target.exists());
}

#[test]
fn hostile_values_reach_the_screen_inert() {
    let mut bundle = conflicted();
    bundle["conflicts"][0]["theirs"] = "\u{1b}]0;owned\u{7}evil\u{202e}txt.exe\u{1b}[2J".into();
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(110, 24);
    let c = MergeConflicts::new(bundle, dir.path().join("x.debrief.json"));
    h.app.overlays.push(Overlay::MergeConflicts(Box::new(c)));
    let screen = h.screen();
    assert!(screen.contains("evil"), "{screen}");
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}') && !screen.contains('\u{202e}'),
        "{screen:?}"
    );
}
