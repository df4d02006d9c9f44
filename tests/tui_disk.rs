//! A full disk under the workbench: a capture that cannot be saved says so, keeps what
//! was typed in the prompt, changes nothing, and goes through once there is room again.

mod harness;

use debrief::app::{Msg, Overlay};
use debrief::store::Store;
use harness::Harness;

fn one(h: &Harness, sql: &str) -> i64 {
    h.store
        .connection()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// The capture prompt's text, when it is the overlay on top.
fn prompt_text(h: &Harness) -> Option<String> {
    match h.app.overlays.last() {
        Some(Overlay::Prompt(prompt)) => Some(prompt.text()),
        _ => None,
    }
}

#[test]
fn a_capture_on_a_full_disk_is_kept_in_the_prompt_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db"), "tester").unwrap();
    let mut h = Harness::with_store(store, 100, 30, true);
    h.keys("d");
    let events = one(&h, "SELECT count(*) FROM events");
    let history = one(&h, "SELECT count(*) FROM history");
    // The file may grow by one page only (SQLite's limit standing in for a full disk);
    // the pasted log line needs about fifty, more than any free space in the file.
    let pages = one(&h, "PRAGMA page_count");
    let free = one(&h, "PRAGMA freelist_count");
    assert!(free < 10, "{free} free pages");
    h.store
        .connection()
        .pragma_update(None, "max_page_count", pages + 1)
        .unwrap();
    let typed = format!(
        "14:02 @mallory exported the mailbox {}",
        "Set-Mailbox -ForwardingSmtpAddress ".repeat(6_000)
    );
    h.keys("c");
    h.send(Msg::Paste(typed.clone()));
    h.keys("<enter>");

    assert!(!h.app.quit, "the workbench keeps running");
    let status = h.app.status().text.clone();
    assert!(
        status.contains("not captured: the disk is full: nothing was saved"),
        "{status}"
    );
    assert!(
        h.screen().contains("the disk is full"),
        "the status line shows it"
    );
    // (Compared without printing: the line is 200 KB.)
    let kept = prompt_text(&h).expect("the capture prompt is still open");
    assert!(
        kept == typed,
        "what was typed is not all in the prompt: {} of {} bytes",
        kept.len(),
        typed.len()
    );
    assert_eq!(one(&h, "SELECT count(*) FROM events"), events);
    assert_eq!(one(&h, "SELECT count(*) FROM history"), history);

    // Room again: the same prompt saves it with one more enter.
    h.store
        .connection()
        .pragma_update(None, "max_page_count", 1_000_000_000)
        .unwrap();
    h.keys("<enter>");
    h.assert_status_starts("captured:");
    // Capture is armed again for the next line, empty.
    assert_eq!(prompt_text(&h).as_deref(), Some(""));
    assert_eq!(one(&h, "SELECT count(*) FROM events"), events + 1);
    let check: String = h
        .store
        .connection()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
