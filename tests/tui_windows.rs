//! Two windows on one database file: what one commits shows in the other at its next
//! poll (twice a second in the real loop), and an edit overtaken by the other window is
//! never saved over it silently: the analyst is asked what to do.

mod harness;

use debrief::app::{Msg, Overlay};
use debrief::domain::{NewEvent, NewIncident, parse_time};
use debrief::store::{EventFilter, Store};
use harness::Harness;

struct Two {
    /// The window under test (the workbench).
    a: Harness,
    /// The other window (or the command line), writing through its own connection.
    b: Store,
    incident_id: String,
    _dir: tempfile::TempDir,
}

/// A file database with one incident and one event, open in two connections; the
/// workbench shows the incident's timeline.
fn two_windows() -> Two {
    two_windows_with(|_| {})
}

/// `two_windows`, with the other window's store set up by `setup` before it writes.
fn two_windows_with(setup: impl FnOnce(&mut Store)) -> Two {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let mut b = Store::open(&path, "reviewer").unwrap();
    setup(&mut b);
    let new = NewIncident::new("IR-1", "Mailbox takeover").unwrap();
    let incident = b.create_incident(&new).unwrap();
    let ctx = b.time_context(&incident).unwrap();
    let at = parse_time("2026-03-11 10:05Z", &ctx).unwrap();
    b.add_event(
        &incident.id,
        &NewEvent::new(at, "SIEM alert for impossible travel").unwrap(),
    )
    .unwrap();
    let a = Harness::with_store(Store::open(&path, "analyst").unwrap(), 110, 30, true);
    let mut two = Two {
        a,
        b,
        incident_id: incident.id,
        _dir: dir,
    };
    two.a.keys("<enter>");
    assert!(two.a.screen().contains("SIEM alert"), "{}", two.a.screen());
    two
}

impl Two {
    /// The other window changes the event's fields through the store, as its form would.
    fn other_window_edits(&mut self, change: impl FnOnce(&mut NewEvent)) {
        let e = self.only_event();
        let mut new = NewEvent::new(e.at, &e.text).unwrap();
        new.actor = e.actor.clone();
        new.tags = e.tags.clone();
        change(&mut new);
        self.b.update_event(&e.id, &new, Some(e.version)).unwrap();
    }

    fn only_event(&self) -> debrief::domain::Event {
        let mut all = Vec::new();
        self.b
            .for_each_event(&EventFilter::incident(&self.incident_id), |e| {
                all.push(e.clone());
                Ok(())
            })
            .unwrap();
        assert_eq!(all.len(), 1);
        all.pop().unwrap()
    }
}

#[test]
fn what_another_window_commits_shows_at_the_next_poll() {
    let mut two = two_windows();
    let ctx = two
        .b
        .time_context(&two.b.incident_by_key("IR-1").unwrap().unwrap())
        .unwrap();
    let at = parse_time("2026-03-11 10:07Z", &ctx).unwrap();
    two.b
        .add_event(
            &two.incident_id,
            &NewEvent::new(at, "Inbox rule created by the intruder").unwrap(),
        )
        .unwrap();
    assert!(
        !two.a.screen().contains("Inbox rule created"),
        "nothing is read before the poll"
    );
    two.a.send(Msg::Poll);
    let screen = two.a.screen();
    assert!(
        screen.contains("Inbox rule created by the intruder"),
        "{screen}"
    );
    assert!(
        screen.contains("updated: another window or the command line changed the database"),
        "{screen}"
    );

    // A poll with nothing new reads nothing and says nothing.
    two.a.keys("j");
    let status = two.a.app.status().text.clone();
    two.a.send(Msg::Poll);
    assert_eq!(two.a.app.status().text, status);

    // A new incident shows in the incident list.
    two.b
        .create_incident(&NewIncident::new("IR-2", "Payroll diversion").unwrap())
        .unwrap();
    two.a.keys("1");
    two.a.send(Msg::Poll);
    assert!(two.a.screen().contains("IR-2"), "{}", two.a.screen());

    // This window's own edits do not count as another window's.
    two.a.keys("<enter>c10:09 token revoked<enter><esc>");
    two.a.send(Msg::Poll);
    two.a.assert_status("captured");
}

#[test]
fn an_overtaken_edit_asks_and_saving_keeps_both_sides_changes() {
    let mut two = two_windows();
    // The analyst starts editing the event's text...
    two.a.keys("e<c-u>SIEM alert 88213 for impossible travel");
    // ...while a reviewer in another window sets its actor.
    two.other_window_edits(|e| e.actor = Some("mallory".into()));
    two.a.keys("<c-s>");
    let screen = two.a.screen();
    assert!(screen.contains("Changed in another window"), "{screen}");
    assert!(
        screen.contains("Another window saved this event after you opened it"),
        "{screen}"
    );
    assert!(screen.contains("theirs: mallory"), "{screen}");
    assert!(
        screen.contains("(you left it alone: theirs is kept)"),
        "{screen}"
    );
    assert!(
        matches!(two.a.app.overlays.last(), Some(Overlay::Conflict(_))),
        "the box has the keys"
    );

    two.a.keys("o");
    let saved = two.only_event();
    assert_eq!(saved.text, "SIEM alert 88213 for impossible travel");
    assert_eq!(saved.actor.as_deref(), Some("mallory"), "their change kept");
    assert!(two.a.app.overlays.is_empty());
    two.a.assert_status("saved");
}

#[test]
fn the_conflict_box() {
    // The other window's clock is the harness's too, so the screen is the same every run.
    let mut two = two_windows_with(|b| b.set_clock(Box::new(harness::now)));
    two.a.keys("e<c-u>SIEM alert 88213 for impossible travel");
    two.other_window_edits(|e| {
        e.actor = Some("mallory".into());
        e.text = "Impossible-travel alert (SIEM 88213)".into();
    });
    two.a.keys("<c-s>");
    assert!(matches!(
        two.a.app.overlays.last(),
        Some(Overlay::Conflict(_))
    ));
    insta::assert_snapshot!(two.a.screen());
}

#[test]
fn an_overtaken_edit_can_go_back_to_the_form_or_give_way() {
    let mut two = two_windows();
    two.a.keys("e<c-u>Alert about travel");
    two.other_window_edits(|e| e.text = "Impossible-travel alert (SIEM 88213)".into());
    two.a.keys("<c-s>");
    let screen = two.a.screen();
    assert!(
        screen.contains("theirs: Impossible-travel alert (SIEM 88213)"),
        "{screen}"
    );
    assert!(screen.contains("yours:  Alert about travel"), "{screen}");

    // Back to the form: what was typed is still there, now on top of their version.
    two.a.keys("e");
    assert!(matches!(
        two.a.app.overlays.last(),
        Some(Overlay::EventForm(_))
    ));
    assert!(two.a.screen().contains("Alert about travel"));
    // A third change in between: asked again, and this time the analyst gives way.
    two.other_window_edits(|e| e.tags = vec!["detection".into()]);
    two.a.keys("<c-s>");
    assert!(
        two.a.screen().contains("Changed in another window"),
        "{}",
        two.a.screen()
    );
    two.a.keys("t");
    assert!(two.a.app.overlays.is_empty());
    assert!(
        two.a
            .app
            .status()
            .text
            .contains("kept the other window's event"),
        "{}",
        two.a.app.status().text
    );
    let kept = two.only_event();
    assert_eq!(kept.text, "Impossible-travel alert (SIEM 88213)");
    assert_eq!(kept.tags, vec!["detection".to_string()]);
    assert!(
        two.a.screen().contains("Impossible-travel alert"),
        "{}",
        two.a.screen()
    );
}

#[test]
fn an_overtaken_incident_edit_is_asked_about_too() {
    let mut two = two_windows();
    two.a.keys("1e<c-u>Mailbox takeover of the CFO");
    let incident = two.b.incident_by_key("IR-1").unwrap().unwrap();
    let patch = debrief::domain::IncidentPatch {
        severity: Some(debrief::domain::Severity::Critical),
        ..Default::default()
    };
    two.b
        .update_incident(&incident.id, &patch, Some(incident.version))
        .unwrap();
    two.a.keys("<c-s>");
    assert!(
        two.a
            .screen()
            .contains("Another window saved this incident"),
        "{}",
        two.a.screen()
    );
    two.a.keys("o");
    let after = two.b.incident_by_key("IR-1").unwrap().unwrap();
    assert_eq!(after.title, "Mailbox takeover of the CFO");
    assert_eq!(after.severity, debrief::domain::Severity::Critical);
}

#[test]
fn a_busy_database_waits_then_says_so_and_keeps_what_was_typed() {
    let mut two = two_windows();
    // Another program holds the write lock longer than the workbench waits (5 s).
    let path = two.b.path().unwrap();
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    two.a.keys("c10:09 token revoked<enter>");
    assert!(!two.a.app.quit);
    two.a.assert_status("the database is busy");
    assert!(
        two.a.screen().contains("10:09 token revoked"),
        "the capture stays open"
    );
    assert_eq!(two.a.event_texts().len(), 1, "nothing was written");
    // Once the other writer is done, the same enter saves it.
    holder.execute_batch("ROLLBACK").unwrap();
    two.a.keys("<enter>");
    two.a.assert_status("captured");
    assert_eq!(two.a.event_texts().len(), 2);
}

#[test]
fn an_overtaken_evaluation_edit_is_asked_about_and_ratings_keys_refuse_a_stale_area() {
    let mut two = two_windows();
    let checklist = debrief::domain::evaluation::default_checklist();
    two.b
        .start_evaluation(&two.incident_id, &checklist)
        .unwrap();
    two.a.send(Msg::Poll);
    two.a
        .keys("8<enter><c-u>Containment waited for the mailbox owner");
    let area = two.b.evaluation(&two.incident_id).unwrap()[0].clone();
    two.b
        .edit_evaluation_fields(
            &area.id,
            &[("sufficiency", Some("partly"))],
            Some(area.version),
        )
        .unwrap();
    two.a.keys("<c-s>");
    let screen = two.a.screen();
    assert!(
        screen.contains("Another window saved this evaluation area"),
        "{screen}"
    );
    assert!(screen.contains("theirs: partly"), "{screen}");
    two.a.keys("o");
    let saved = two.b.evaluation(&two.incident_id).unwrap()[0].clone();
    assert_eq!(saved.note, "Containment waited for the mailbox owner");
    assert_eq!(saved.sufficiency, Some(debrief::domain::Rating::Partly));

    // The rating key steps from what the screen shows; if another window moved the
    // area on meanwhile, it says so and shows the area as it is now.
    two.b
        .edit_evaluation_fields(
            &saved.id,
            &[("completeness", Some("met"))],
            Some(saved.version),
        )
        .unwrap();
    two.a.keys("c");
    assert!(
        two.a
            .app
            .status()
            .text
            .contains("another window changed this area"),
        "{}",
        two.a.app.status().text
    );
    let now = two.b.evaluation(&two.incident_id).unwrap()[0].clone();
    assert_eq!(
        now.completeness,
        Some(debrief::domain::Rating::Met),
        "theirs kept"
    );
    assert_eq!(
        two.a.app.open.as_ref().unwrap().evaluation.items[0].completeness,
        now.completeness
    );
}

#[test]
fn an_overtaken_actor_classification_is_asked_about() {
    use debrief::domain::{ActorKind, Attribution};
    let mut two = two_windows();
    two.b
        .save_actor(
            &two.incident_id,
            "mallory",
            ActorKind::Unclassified,
            Attribution::Suspected,
            "",
            None,
        )
        .unwrap();
    two.a.send(Msg::Poll);
    two.a.keys("5e<c-u>threat-actor");
    two.b
        .save_actor(
            &two.incident_id,
            "mallory",
            ActorKind::Unclassified,
            Attribution::Known,
            "the AiTM kit's operator",
            None,
        )
        .unwrap();
    two.a.keys("<c-s>");
    let screen = two.a.screen();
    assert!(
        screen.contains("Another window saved this actor"),
        "{screen}"
    );
    assert!(
        screen.contains("theirs: the AiTM kit's operator"),
        "{screen}"
    );
    two.a.keys("o");
    let now = two.b.list_actors(&two.incident_id).unwrap().remove(0);
    assert_eq!(now.kind, ActorKind::ThreatActor, "what the analyst typed");
    assert_eq!(
        now.attribution,
        Attribution::Known,
        "what the other window set"
    );
    assert_eq!(now.note, "the AiTM kit's operator");
}
