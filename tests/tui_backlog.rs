//! Snapshots of the Backlog and Owners views and of the review walk, over the demo
//! incident with a fixed clock and ids.

mod harness;

use debrief::app::{Overlay, View};
use harness::Harness;

#[test]
fn backlog_view() {
    let mut h = Harness::demo(120, 40);
    h.keys("6");
    assert_eq!(h.app.view, View::Backlog);
    insta::assert_snapshot!(h.screen());
}

#[test]
fn owners_view() {
    let mut h = Harness::demo(120, 30);
    h.keys("7");
    assert_eq!(h.app.view, View::Owners);
    insta::assert_snapshot!(h.screen());
}

#[test]
fn review_walk_from_the_backlog() {
    let mut h = Harness::demo(120, 40);
    h.keys("6w");
    assert!(matches!(h.app.overlays.last(), Some(Overlay::Walk(_))));
    insta::assert_snapshot!(h.screen());
}

#[test]
fn an_owners_contact_is_set_shown_undone_and_becomes_the_assignee() {
    let mut h = Harness::demo(120, 30);
    h.keys("7");
    let row = h
        .app
        .owners
        .rows
        .iter()
        .position(|o| o.name == "J. Alonso")
        .unwrap();
    h.app.owners.selected = row;
    h.keys("e");
    let prompt = h.screen();
    assert!(prompt.contains("how J. Alonso is reached"), "{prompt}");
    h.keys("j.alonso@example.org");
    assert!(h.screen().contains("→ Assignee j.alonso@example.org"));
    h.keys("<enter>");
    h.assert_status("J. Alonso is reached at j.alonso@example.org");
    assert!(h.app.overlays.is_empty());
    let owners = h.screen();
    let line = owners.lines().find(|l| l.contains("J. Alonso")).unwrap();
    assert!(line.contains("j.alonso@example.org"), "{owners}");
    let stored = h.store.list_owners().unwrap();
    let alonso = stored.iter().find(|o| o.name == "J. Alonso").unwrap();
    assert_eq!(alonso.contact, "j.alonso@example.org");

    // The actions CSV names them as the Assignee of their actions.
    let incident = h.store.list_incidents().unwrap()[0].incident.clone();
    let mut csv = Vec::new();
    debrief::io::export::export(
        &h.store,
        &incident.id,
        debrief::io::export::ExportFormat::ActionsCsv,
        true,
        &mut csv,
    )
    .unwrap();
    assert!(
        String::from_utf8(csv)
            .unwrap()
            .contains("j.alonso@example.org")
    );

    // Opened again, the prompt starts from what is recorded; a contact too long is
    // refused and what was typed stays in the prompt.
    h.keys("e");
    h.keys(&"x".repeat(200));
    h.keys("<enter>");
    h.assert_status("longer than 200 characters");
    match h.app.overlays.last() {
        Some(Overlay::Prompt(p)) => assert!(p.text().starts_with("j.alonso@example.orgxxx")),
        other => panic!("the prompt is not open again: {other:?}"),
    }
    h.keys("<esc>");
    assert_eq!(
        h.store
            .list_owners()
            .unwrap()
            .iter()
            .find(|o| o.name == "J. Alonso")
            .unwrap()
            .contact,
        "j.alonso@example.org"
    );

    // u undoes the change.
    h.keys("u");
    let stored = h.store.list_owners().unwrap();
    assert_eq!(
        stored
            .iter()
            .find(|o| o.name == "J. Alonso")
            .unwrap()
            .contact,
        ""
    );
    assert!(!h.screen().contains("j.alonso@example.org"));
}
