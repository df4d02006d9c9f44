//! The Response evaluation view and the Report preview, over TestBackend: snapshots, and
//! the flows an analyst runs in the meeting checked against the database.

mod harness;

use debrief::app::View;
use debrief::domain::{NewIncident, Rating};
use harness::Harness;

/// A fresh incident with no evaluation, open in the workbench.
fn fresh() -> (Harness, String) {
    let mut h = Harness::new(100, 30);
    let i = h
        .store
        .create_incident(&NewIncident::new("IR-9", "Ransomware on a file server").unwrap())
        .unwrap();
    h.app.start(&h.store);
    h.keys("<enter>8");
    (h, i.id)
}

#[test]
fn the_demo_evaluation_view() {
    let mut h = Harness::demo(100, 30);
    h.keys("8jj");
    assert_eq!(h.app.view, View::Evaluation);
    insta::assert_snapshot!(h.screen());
}

#[test]
fn an_unstarted_evaluation_offers_the_checklist() {
    let (mut h, _) = fresh();
    insta::assert_snapshot!(h.screen());
}

#[test]
fn the_report_preview() {
    let mut h = Harness::demo(100, 30);
    h.keys("9");
    assert_eq!(h.app.view, View::Report);
    insta::assert_snapshot!(h.screen());
}

#[test]
fn the_evaluation_view_at_80_columns_keeps_every_tab() {
    let mut h = Harness::demo(80, 24);
    h.keys("8");
    let screen = h.screen();
    let tabs = screen.lines().nth(1).unwrap();
    for n in 1..=9 {
        assert!(tabs.contains(&format!("{n} ")), "tab {n} missing: {tabs}");
    }
    assert!(tabs.contains("8 Evaluation"), "{tabs}");
}

#[test]
fn starting_and_rating_with_single_keys_is_saved_and_undone() {
    let (mut h, inc) = fresh();
    assert!(h.screen().contains("has not been evaluated yet"));
    h.keys("<enter>");
    assert_eq!(h.store.evaluation(&inc).unwrap().len(), 9);
    // s steps sufficiency: met, partly, not met; c steps completeness: met.
    h.keys("sssc");
    let first = &h.store.evaluation(&inc).unwrap()[0];
    assert_eq!(first.sufficiency, Some(Rating::NotMet));
    assert_eq!(first.completeness, Some(Rating::Met));
    let screen = h.screen();
    assert!(screen.contains("9 areas, 1 rated"), "{screen}");
    assert!(screen.contains("Detection: completeness met"), "{screen}");
    h.keys("u");
    assert_eq!(h.store.evaluation(&inc).unwrap()[0].completeness, None);
    assert!(h.screen().contains("9 areas, 0 rated"));
}

#[test]
fn a_note_is_written_in_the_form() {
    let mut h = Harness::demo(100, 30);
    h.keys("8jj<enter><c-u>Tokens revoked late.<c-s>");
    let inc = h.app.incident().unwrap().id.clone();
    let items = h.store.evaluation(&inc).unwrap();
    assert_eq!(items[2].area, "Containment");
    assert!(
        items[2].note.ends_with("Tokens revoked late."),
        "{}",
        items[2].note
    );
    assert!(h.screen().contains("saved the evaluation of Containment"));
}

#[test]
fn findings_are_ticked_in_the_picker() {
    let mut h = Harness::demo(100, 30);
    let inc = h.app.incident().unwrap().id.clone();
    // Eradication (4) rests on no finding in the demo.
    assert!(h.store.evaluation(&inc).unwrap()[3].findings.is_empty());
    h.keys("8jjjf");
    let screen = h.screen();
    assert!(
        screen.contains("Link findings") && screen.contains("[ ] "),
        "{screen}"
    );
    h.keys("<space>j<space><enter>");
    assert_eq!(h.store.evaluation(&inc).unwrap()[3].findings.len(), 2);
    h.keys("f<space><esc>");
    assert_eq!(
        h.store.evaluation(&inc).unwrap()[3].findings.len(),
        2,
        "esc leaves the links as they were"
    );
    assert!(
        h.screen().contains("→ "),
        "the detail lists the linked findings"
    );
}

#[test]
fn areas_are_added_and_removed_per_incident() {
    let mut h = Harness::demo(100, 30);
    let inc = h.app.incident().unwrap().id.clone();
    h.keys("8aLegal hold<enter>");
    let areas = h.store.evaluation(&inc).unwrap();
    assert_eq!(areas.len(), 10);
    assert_eq!(areas[9].area, "Legal hold");
    assert_eq!(
        h.app.open.as_ref().unwrap().evaluation.selected,
        9,
        "the new area is selected"
    );
    h.keys("d");
    assert!(h.screen().contains("Remove the area \"Legal hold\""));
    h.keys("y");
    assert_eq!(h.store.evaluation(&inc).unwrap().len(), 9);
}

#[test]
fn the_report_is_written_from_the_preview_in_the_format_its_name_asks() {
    let mut h = Harness::demo(100, 30);
    let dir = tempfile::tempdir().unwrap();
    h.keys("9");
    assert!(h.screen().contains("# IR-2026-014: AiTM phishing"));
    h.keys("t");
    assert!(h.screen().contains("timeline: key events only"));
    h.keys("w");
    assert!(
        h.screen().contains("IR-2026-014-postmortem.md"),
        "a file name is offered"
    );
    let path = dir.path().join("review.html");
    h.keys(&format!("<c-u>{}<enter>", path.display()));
    assert!(
        h.screen().contains("wrote the HTML report"),
        "{}",
        h.app.status().text
    );
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Key events and events tagged with a lapse only"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let bad = dir.path().join("no/such/folder/r.md");
    h.keys(&format!("w<c-u>{}<enter>", bad.display()));
    h.assert_status_starts("report not written: cannot write");
}

#[test]
fn the_preview_follows_changes_made_elsewhere() {
    let mut h = Harness::demo(100, 30);
    h.keys("8s9");
    let text = h.app.open.as_ref().unwrap().report.lines.join("\n");
    assert!(
        text.contains("| Detection | not applicable |"),
        "the rating made a moment ago is in the report"
    );
}

#[test]
fn writing_the_report_over_a_file_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.md");
    std::fs::write(&path, "an analyst's own notes\n").unwrap();
    let mut h = Harness::demo(100, 30);
    h.keys(&format!("9w<c-u>{}", path.display()));
    assert!(
        h.screen().contains("replaces the file there"),
        "the prompt warns"
    );
    h.keys("<enter>");
    assert!(h.screen().contains("exists. Replace it with the report?"));
    h.keys("n");
    h.assert_status("no report written");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "an analyst's own notes\n",
        "the file is untouched"
    );
    h.keys(&format!("w<c-u>{}<enter>y", path.display()));
    h.assert_status("wrote the Markdown report");
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.starts_with("# IR-2026-014"), "{written:.80}");
}
