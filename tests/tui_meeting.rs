//! What a live postmortem needs of the Timeline: the key-event picker, the room the event
//! text gets, capture that stays armed, times typed in the zone shown, days, quoted
//! names, the density strip and its jumps. Flows through the real loop, and snapshots at
//! 80x24 and 120x32.

use debrief::app::Overlay;
use debrief::domain::{KeyEventKind, Precision};

mod harness;

use harness::Harness;

mod snapshots {
    use super::*;

    #[test]
    fn timeline_with_the_density_strip_120x32() {
        let mut h = Harness::demo(120, 32);
        h.keys("j");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn timeline_with_the_density_strip_80x24() {
        let mut h = Harness::demo(80, 24);
        h.keys("j");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn key_picker_120x32() {
        let mut h = Harness::demo(120, 32);
        h.keys("jK");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn key_picker_80x24() {
        let mut h = Harness::demo(80, 24);
        h.keys("jK");
        insta::assert_snapshot!(h.screen());
    }
}

#[test]
fn at_120_columns_the_second_event_shows_its_first_40_characters() {
    let mut h = Harness::demo(120, 32);
    let t = h.app.timeline().unwrap();
    let second = t.rows[1].text.clone();
    let screen = h.screen();
    let start: String = second.chars().take(40).collect();
    assert!(screen.contains(&start), "{start:?} not in\n{screen}");
}

#[test]
fn zone_mode_keeps_the_whole_offset() {
    let mut h = Harness::demo(120, 32);
    h.keys("z");
    let screen = h.screen();
    assert!(screen.contains("2026-03-10 08:41:17+01:00"), "{screen}");
}

#[test]
fn the_detail_pane_toggles_and_sits_below_the_list_on_narrow_screens() {
    let mut h = Harness::demo(120, 32);
    let rows_with = h.app.timeline().unwrap().viewport;
    assert!(h.screen().contains("─ Event ─") || h.screen().contains(" Event "));
    h.keys("v");
    h.assert_status("detail pane hidden");
    assert!(!h.screen().contains(" Event "), "{}", h.screen());
    let rows_without = h.app.timeline().unwrap().viewport;
    assert!(rows_without > rows_with, "{rows_without} > {rows_with}");
    h.keys("v");
    // Below the list: the pane's title starts at the left edge.
    let screen = h.screen();
    let line = screen.lines().find(|l| l.contains(" Event ")).unwrap();
    assert!(
        line.starts_with(" Event") || line.starts_with("─"),
        "{line}"
    );
}

#[test]
fn the_list_says_which_key_event_a_star_is() {
    let mut h = Harness::demo(120, 32);
    let screen = h.screen();
    assert!(screen.contains("★1"), "{screen}");
    h.keys("G");
    assert!(h.screen().contains("★4"));
}

#[test]
fn the_picker_marks_a_free_kind_and_esc_changes_nothing() {
    let mut h = Harness::new(100, 30);
    h.keys("nIR-1");
    h.fill("Title", "Support compromise");
    h.fill("Detected", "2026-03-11 10:00<c-s><enter>");
    h.keys("c2026-03-11 09:00 first<enter>+5m second<enter><esc>");
    h.keys("K");
    let picker = h.screen();
    assert!(picker.contains("not marked yet"), "{picker}");
    h.keys("<esc>");
    assert_eq!(h.selected().key_kind, None);
    h.keys("K3");
    assert_eq!(h.selected().key_kind, Some(KeyEventKind::Contained));
    h.keys("kK3");
    h.assert_status("moved here");
    assert_eq!(h.selected().key_kind, Some(KeyEventKind::Contained));
    h.keys("j");
    assert_eq!(h.selected().key_kind, None);
}

#[test]
fn capture_stays_armed_two_lines_are_two_events_and_plus_chains_from_the_new_one() {
    let mut h = Harness::demo(100, 30);
    let before = h.event_texts().len();
    h.keys("c2026-03-12 18:00 x<enter>+5m y<enter>");
    assert_eq!(h.event_texts().len(), before + 2, "{}", h.app.status().text);
    assert!(
        matches!(h.app.overlays.last(), Some(Overlay::Prompt(_))),
        "capture is armed again"
    );
    let y = h.selected();
    assert_eq!(y.text, "y");
    // The view shows UTC: the naive time is read in UTC.
    assert_eq!(y.at.rfc3339_utc(), "2026-03-12T18:05:00Z");
    h.keys("<esc>");
    assert!(h.app.overlays.is_empty());
    h.keys("k");
    assert_eq!(h.selected().at.rfc3339_utc(), "2026-03-12T18:00:00Z");
}

#[test]
fn naive_times_are_read_in_the_zone_shown_and_the_preview_says_which() {
    let mut h = Harness::demo(100, 30);
    h.keys("c2026-03-12 18:00 x");
    assert!(h.screen().contains("read in UTC"), "{}", h.screen());
    h.keys("<enter><esc>z");
    h.keys("c2026-03-12 18:00 local");
    assert!(h.screen().contains("read in Europe/Madrid"));
    h.keys("<enter><esc>");
    assert_eq!(h.selected().at.rfc3339_utc(), "2026-03-12T17:00:00Z");
    // Jump reads the same way.
    h.keys("t2026-03-12 18:00<enter>");
    assert_eq!(h.selected().text, "local");
}

#[test]
fn a_day_is_typed_as_a_date_and_shown_as_one() {
    let mut h = Harness::demo(120, 32);
    h.keys("c~2026-03-09 @\"Vendor Security\" published its advisory<enter><esc>");
    let e = h.selected();
    assert_eq!(e.at.precision, Precision::Day, "{}", h.app.status().text);
    assert_eq!(e.at.rfc3339_utc(), "2026-03-09T00:00:00Z");
    assert_eq!(e.actor.as_deref(), Some("Vendor Security"));
    assert_eq!(e.text, "published its advisory");
    let screen = h.screen();
    assert!(screen.contains("~2026-03-09 "), "{screen}");
    // The form shows the day and saves it unchanged.
    h.keys("e<c-s>");
    assert_eq!(h.selected().at, e.at);
    // Jump takes a day too.
    h.keys("t2026-03-11<enter>");
    assert!(h.selected().at.rfc3339_utc().as_str() >= "2026-03-11");
}

#[test]
fn a_capture_in_the_hour_the_clocks_skip_says_so() {
    let mut h = Harness::demo(100, 30);
    // Europe/Madrid skipped 02:00-03:00 on 29 March 2026.
    h.keys("zc2026-03-29 02:30 restore started");
    let screen = h.screen();
    assert!(
        screen.contains("does not exist in Europe/Madrid"),
        "{screen}"
    );
    h.keys("<enter>");
    h.assert_status("add the offset you mean");
}

#[test]
fn the_density_strip_is_read_in_update_and_brackets_jump_between_busy_stretches() {
    let mut h = Harness::demo(120, 32);
    let t = h.app.timeline().unwrap();
    assert_eq!(t.density.counts.len(), 120);
    assert_eq!(t.density.counts.iter().sum::<u32>(), 47);
    let start = h.selected().at.utc;
    h.keys("]");
    let next = h.selected().at.utc;
    assert!(next > start, "{next} after {start}");
    h.keys("]]]");
    let later = h.selected().at.utc;
    assert!(later > next);
    h.keys("[");
    assert!(h.selected().at.utc < later);
    // A key event is a stop on the way.
    h.keys("g");
    let mut keyed = false;
    for _ in 0..20 {
        h.keys("]");
        if h.selected().key_kind.is_some() {
            keyed = true;
            break;
        }
    }
    assert!(keyed, "] stops at key events");
    // A new event changes the strip.
    h.keys("c2026-03-20 10:00 late note<enter><esc>");
    let t = h.app.timeline().unwrap();
    assert_eq!(t.density.counts.iter().sum::<u32>(), 48);
}

#[test]
fn one_reference_backs_two_events_and_a_finding_from_the_workbench() {
    let mut h = Harness::demo(120, 32);
    h.keys("ESEC-900 Vendor advisory<enter>");
    h.assert_status("evidence attached");
    // The same reference on the next event links it rather than refusing.
    h.keys("jESEC-900<enter>");
    h.assert_status("now linked to this event too");
    h.keys("5<right>G");
    let screen = h.screen();
    assert!(screen.contains("Vendor advisory (SEC-900)"), "{screen}");
    assert!(screen.contains("2ev 0f"), "{screen}");
    h.keys("l");
    assert!(
        matches!(h.app.overlays.last(), Some(Overlay::EvidenceLinks(_))),
        "l opens the link picker"
    );
    // Both events are listed ticked, then the findings: tick the first finding.
    let picker = h.screen();
    assert!(picker.contains("[x] event"), "{picker}");
    let first_finding = picker
        .lines()
        .position(|l| l.contains("[ ] finding"))
        .unwrap();
    let first_row = picker
        .lines()
        .position(|l| l.contains("[x] event"))
        .unwrap();
    for _ in 0..(first_finding - first_row) {
        h.keys("j");
    }
    h.keys(" <enter>");
    h.assert_status("backs 2 events and 1 findings");
    assert!(h.screen().contains("2ev 1f"));
    // One undo takes the finding's link back.
    h.keys("u");
    assert!(h.screen().contains("2ev 0f"), "{}", h.screen());
}

#[test]
fn the_evidence_prompt_completes_paths_with_tab_and_a_changed_file_shows_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("message-trace-march.csv");
    std::fs::write(&file, "a,b\n").unwrap();
    let partial = dir.path().join("message-tr").display().to_string();
    let mut h = Harness::demo(80, 24);
    h.keys("E");
    h.keys(&partial);
    h.keys("<tab>");
    let typed = match h.app.overlays.last() {
        Some(Overlay::Prompt(p)) => p.text(),
        other => panic!("the evidence prompt is open: {other:?}"),
    };
    assert_eq!(typed, file.display().to_string(), "tab completed the path");
    h.keys(" Exchange trace<enter>");
    h.assert_status("evidence attached (file");
    std::fs::write(&file, "changed\n").unwrap();
    h.keys("5<right>Gv");
    let screen = h.screen();
    assert!(screen.contains("✗ CHANGED"), "{screen}");
}

mod link_snapshots {
    use super::*;

    fn with_evidence(w: u16, ht: u16) -> Harness {
        let mut h = Harness::demo(w, ht);
        h.keys("ESEC-900 Vendor advisory<enter>jESEC-900<enter>5<right>Gl");
        h
    }

    #[test]
    fn evidence_link_overlay_120x32() {
        let mut h = with_evidence(120, 32);
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn evidence_link_overlay_80x24() {
        let mut h = with_evidence(80, 24);
        insta::assert_snapshot!(h.screen());
    }
}

mod walk_snapshots {
    use super::*;

    /// A note (the walk stays), a new owner (it moves on), a status, then the summary.
    fn walked(w: u16, ht: u16) -> Harness {
        let mut h = Harness::demo(w, ht);
        h.keys("6w");
        h.keys("nvendor asked for a week<enter>");
        match h.app.overlays.last() {
            Some(Overlay::Walk(walk)) => assert_eq!(walk.index, 0, "a note stays on the action"),
            other => panic!("the walk is open: {other:?}"),
        }
        h.keys("i");
        h.keys("oL. Ortega<enter>");
        h.keys("<esc>");
        h
    }

    #[test]
    fn the_walk_summary_lists_every_change_120x32() {
        let mut h = walked(120, 32);
        let screen = h.screen();
        assert!(
            screen.contains("noted: vendor asked for a week; "),
            "{screen}"
        );
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn the_walk_summary_lists_every_change_80x24() {
        let mut h = walked(80, 24);
        insta::assert_snapshot!(h.screen());
    }
}

#[test]
fn an_action_gets_its_finding_in_the_form_or_later_from_the_backlog() {
    let mut h = Harness::demo(120, 32);
    h.keys("6a");
    h.fill("Title", "Rotate the vendor support token");
    h.fill("Owner", "Vendor Security");
    // Tab completes a word of a finding's title.
    h.fill("Finding", "handover<tab>");
    let value = match h.app.overlays.last() {
        Some(Overlay::Record(f)) => f.fields.value("Finding"),
        other => panic!("the action form is open: {other:?}"),
    };
    assert!(value.starts_with("Alert 88213 waited"), "{value}");
    h.keys("<c-s>");
    h.assert_status("logged action");
    let incident = h.app.incident().unwrap().id.clone();
    let action = h
        .store
        .backlog(&debrief::store::BacklogFilter {
            incident_id: Some(incident.clone()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .find(|a| a.title == "Rotate the vendor support token")
        .unwrap();
    assert_eq!(h.store.action_findings(&action.id).unwrap().len(), 1);
    // Later: f on the action in the Backlog ticks one more.
    let row = h
        .app
        .backlog
        .rows
        .iter()
        .position(|a| a.id == action.id)
        .unwrap();
    h.keys("g");
    for _ in 0..row {
        h.keys("j");
    }
    h.keys("f");
    assert!(
        h.screen().contains("addresses (space ticks"),
        "{}",
        h.screen()
    );
    h.keys(" <enter>");
    h.assert_status("addresses 2 findings");
    h.keys("u");
    assert_eq!(h.store.action_findings(&action.id).unwrap().len(), 1);
}

#[test]
fn an_actor_is_renamed_and_its_events_follow_undoably() {
    let mut h = Harness::demo(120, 32);
    h.keys("5");
    let row = h
        .app
        .open
        .as_ref()
        .unwrap()
        .evidence
        .actors
        .iter()
        .position(|(a, _)| a.name == "TA-NWL-01")
        .unwrap();
    for _ in 0..row {
        h.keys("j");
    }
    h.keys("e");
    h.fill("Name", "<c-u>Storm-NWL<c-s>");
    h.assert_status("renamed TA-NWL-01 to Storm-NWL");
    h.keys("3");
    let t = h.app.timeline().unwrap();
    let filter = debrief::store::EventFilter {
        actor: Some("Storm-NWL".into()),
        ..debrief::store::EventFilter::incident(&t.filter.incident_id)
    };
    assert_eq!(h.store.count_matching_up_to(&filter, None).unwrap().0, 13);
    assert!(h.screen().contains("Storm-NWL"));
    h.keys("u");
    assert!(!h.screen().contains("Storm-NWL"), "{}", h.screen());
    // A name another actor has is refused.
    h.keys("5");
    for _ in 0..row {
        h.keys("j");
    }
    h.keys("e");
    h.fill("Name", "<c-u>SIEM<c-s>");
    h.assert_status("already has an actor named");
}

#[test]
fn sop_changes_from_the_backlog_the_palette_and_the_walk() {
    let mut h = Harness::demo(120, 32);
    h.keys("6:sop");
    assert!(h.screen().contains("sop-change"), "{}", h.screen());
    h.keys("<enter>");
    assert!(
        h.screen().contains("a procedure changed by"),
        "{}",
        h.screen()
    );
    h.keys("IR playbook, 4.2 Vendor access, 2026-04-01<enter>");
    h.assert_status("SOP change saved: IR playbook");
    let screen = h.screen();
    assert!(
        screen.contains("SOP change: IR playbook § 4.2 Vendor access (incorporated 2026-04-01)"),
        "{screen}"
    );
    let before = h.store.sop_changes(None).unwrap().len();
    // In the walk: p records one for the action shown, and the walk stays on it.
    h.keys("wpOffboarding checklist, Vendor accounts<enter>");
    match h.app.overlays.last() {
        Some(Overlay::Walk(w)) => {
            assert_eq!(w.index, 0);
            // The walk starts on the action selected in the Backlog: both of its changes.
            assert_eq!(w.sops.len(), 2, "{:?}", w.sops);
        }
        other => panic!("the walk is open: {other:?}"),
    }
    assert_eq!(h.store.sop_changes(None).unwrap().len(), before + 1);
    h.keys("<esc>");
    assert!(
        h.screen()
            .contains("SOP: Offboarding checklist § Vendor accounts"),
        "{}",
        h.screen()
    );
}

#[test]
fn forms_complete_closed_lists_mark_the_focus_and_keep_labels_apart() {
    let mut h = Harness::new(100, 30);
    h.keys("n");
    // Tab completes the severity and a zone from a word of its name.
    h.fill("Severity", "<c-u>cr<tab>");
    h.fill("Zone", "<c-u>los_<tab>");
    let form = match h.app.overlays.last() {
        Some(Overlay::IncidentForm(f)) => f.clone(),
        other => panic!("the incident form is open: {other:?}"),
    };
    assert_eq!(form.fields.value("Severity"), "critical");
    assert_eq!(form.fields.value("Zone"), "America/Los_Angeles");
    let long = "Third-party support compromise: vendor session tokens replayed against the tenant";
    h.fill("Key", "IR-7");
    h.fill("Title", long);
    h.fill("Detected", "~2022-01-16");
    let screen = h.screen();
    // The focus is marked; the unfocused title shows its start, not its end.
    assert!(screen.contains("▶Detected"), "{screen}");
    assert!(
        screen.contains("Third-party support compromise"),
        "{screen}"
    );
    h.keys("<c-s>");
    h.assert_status("created incident IR-7");
    // The edit form: the fixed key's label does not run into its value.
    h.keys("1e");
    let screen = h.screen();
    assert!(screen.contains("Key (fixed)  IR-7"), "{screen}");
    // The day of detection shows as a date.
    assert!(screen.contains("~2022-01-16"), "{screen}");
}

#[test]
fn a_finding_ticks_the_evidence_it_rests_on() {
    let mut h = Harness::demo(120, 32);
    h.keys("4");
    let finding = h
        .app
        .open
        .as_ref()
        .unwrap()
        .findings
        .selected_row()
        .unwrap()
        .finding
        .clone();
    let before = h
        .store
        .evidence_for(debrief::store::Target::Finding(&finding.id))
        .unwrap()
        .len();
    h.keys("l");
    assert!(
        h.screen().contains("rests on (space ticks"),
        "{}",
        h.screen()
    );
    // Tick the first piece of evidence not linked yet.
    let unticked = match h.app.overlays.last() {
        Some(Overlay::EvidenceLinks(p)) => p.choices.iter().position(|c| !c.linked).unwrap(),
        other => panic!("the picker is open: {other:?}"),
    };
    for _ in 0..unticked {
        h.keys("j");
    }
    h.keys(" <enter>");
    h.assert_status(&format!("rests on {} pieces of evidence", before + 1));
    h.keys("u");
    assert_eq!(
        h.store
            .evidence_for(debrief::store::Target::Finding(&finding.id))
            .unwrap()
            .len(),
        before
    );
}
