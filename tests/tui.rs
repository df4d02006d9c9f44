//! The workbench over TestBackend: snapshots of each screen, and scripted key flows
//! through the real update loop against a real (in-memory or temporary) store.

use crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use debrief::app::{Msg, View};
use debrief::domain::KeyEventKind;
use debrief::events::Scripted;
use debrief::keymap::Keymap;
use debrief::store::{EventFilter, Store};
use ratatui::style::{Color, Modifier};

mod harness;

use harness::{Harness, now};

mod snapshots {
    use super::*;

    #[test]
    fn welcome_screen() {
        let mut h = Harness::new(80, 24);
        assert_eq!(h.app.view, View::Welcome);
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn incidents_view() {
        let mut h = Harness::demo(100, 20);
        h.keys("1");
        assert_eq!(h.app.view, View::Incidents);
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn timeline_with_the_demo_incident() {
        let mut h = Harness::demo(110, 36);
        h.keys("jjj");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn timeline_wide_with_local_times() {
        let mut h = Harness::demo(160, 30);
        h.keys("Gz");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn event_form() {
        let mut h = Harness::demo(100, 30);
        h.keys("jja<tab>Sessions revoked for m.ruiz<tab>L. Ort");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn quick_capture_preview() {
        let mut h = Harness::demo(100, 30);
        h.keys("c14:02 @mallory signed in to OWA with the forged token #initial-access T1078");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn help_overlay() {
        let mut h = Harness::demo(100, 44);
        h.keys("?");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn filtered_timeline() {
        let mut h = Harness::demo(100, 30);
        h.keys("/inbox rule<enter>");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn overview_view() {
        let mut h = Harness::demo(110, 40);
        h.keys("2");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn findings_view() {
        let mut h = Harness::demo(120, 36);
        h.keys("4jj");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn evidence_and_actors_view() {
        let mut h = Harness::demo(120, 30);
        h.keys("5<right>j");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn lapse_picker() {
        let mut h = Harness::demo(110, 30);
        h.keys("jf");
        insta::assert_snapshot!(h.screen());
    }

    #[test]
    fn tiny_terminal() {
        let mut h = Harness::demo(8, 3);
        insta::assert_snapshot!(h.screen());
    }
}

mod flows {
    use super::*;

    /// Tag three events with lapses (one starting a finding, two linked to it), attach
    /// evidence, edit the summary; then the database and the screen agree.
    #[test]
    fn tag_lapses_attach_evidence_and_write_the_summary() {
        let mut h = Harness::new(110, 36);
        h.keys("nIR-8");
        h.fill("Title", "Payroll diversion");
        h.fill("Detected", "2026-05-04 10:00<c-s><enter>");
        // Capture stays armed after each enter; esc closes it.
        h.keys("c09:00 @mallory changed the payroll bank account<enter>");
        h.keys("09:30 payroll run paid the new account<enter>");
        h.keys("11:00 finance noticed a missing salary<enter><esc>");
        // f, then the new-finding choice for 'procedural failure' (the second kind): f 2.
        h.keys("gf2");
        h.assert_status("new procedural failure finding");
        // Link the other two: f, enter (the existing finding is listed first).
        h.keys("jf<enter>jf<enter>");
        h.assert_status_starts("tagged");
        // Attach evidence to the last event.
        h.keys("ESEC-77<enter>");
        h.assert_status("evidence attached");
        // Write the summary in the Overview.
        h.keys("2e<c-u>A payroll change request was approved without a callback.<c-s>");
        h.assert_status("saved the overview");
        let overview = h.screen();
        assert!(
            overview.contains("A payroll change request was approved without a callback."),
            "{overview}"
        );
        h.keys("4");
        let findings = h.screen();

        let incident = h.store.require_incident("IR-8").unwrap();
        assert_eq!(
            incident.summary,
            "A payroll change request was approved without a callback."
        );
        let list = h.store.list_findings(&incident.id).unwrap();
        assert_eq!(list.len(), 1);
        let f = &list[0];
        assert_eq!(
            f.finding.kind,
            debrief::domain::LapseKind::ProceduralFailure
        );
        assert_eq!(f.finding.title, "changed the payroll bank account");
        assert_eq!((f.events, f.evidence), (3, 1));
        assert!(findings.contains("procedural failure (1)"), "{findings}");
        assert!(
            findings.contains("changed the payroll bank account  (3 ev.)"),
            "{findings}"
        );
        assert!(findings.contains("Supporting events (3)"), "{findings}");
        for text in [
            "changed the payroll bank account",
            "payroll run paid the new account",
            "finance noticed a missing salary",
        ] {
            assert!(findings.contains(text), "{text} on screen:\n{findings}");
        }
        let evidence = h.store.evidence_for(debrief::store::Target::Event(
            &h.store.finding_events(&f.finding.id).unwrap()[2].id,
        ));
        assert_eq!(evidence.unwrap()[0].locator, "SEC-77");
        // From the finding to its events, and back.
        h.keys("<enter>");
        assert_eq!(h.app.view, View::Timeline);
        assert_eq!(h.app.timeline().unwrap().total, 3);
        h.keys("F");
        assert_eq!(h.app.view, View::Findings);
    }

    #[test]
    fn build_a_timeline_from_scratch() {
        let mut h = Harness::new(100, 30);
        // Create the incident with the form.
        h.keys("nIR-7<tab>Mailbox takeover<tab><c-u>high<tab><c-u>Europe/Madrid<tab>2026-03-11 10:00<c-s>");
        assert_eq!(h.app.view, View::Incidents, "{}", h.app.status().text);
        h.keys("<enter>");
        assert_eq!(h.app.view, View::Timeline);
        // Times are typed in the zone the list shows: z shows (and reads) Europe/Madrid.
        h.keys("z");
        h.assert_status("times shown in Europe/Madrid");
        // Two events by quick capture, three with the form.
        h.keys("c09:12 @mallory phishing email delivered #initial-access T1566.002<enter>");
        h.keys("+20m @mallory signed in from 203.0.113.45 #initial-access<enter><esc>");
        h.keys("a<c-u>2026-03-11 10:05<tab>SIEM alert for impossible travel<tab>SIEM<tab>alert 88213<tab>detection<c-s>");
        h.keys("a<c-u>2026-03-11 11:30");
        h.fill("What", "Sessions revoked").fill("Actor", "IR team");
        h.fill("Phase", "containment<c-s>");
        h.keys("a<c-u>2026-03-11 12:00<tab>Wrong entry<c-s>");
        assert_eq!(h.event_texts().len(), 5, "{}", h.app.status().text);
        // Edit one: the selection is on the last saved event (12:00).
        h.keys("<enter><c-u>Password reset<c-s>");
        assert!(
            h.event_texts().contains(&"Password reset".to_string()),
            "{}",
            h.app.status().text
        );
        // Delete the first one, then undo the delete.
        h.keys("gdy");
        assert_eq!(h.event_texts().len(), 4);
        h.keys("u");
        assert_eq!(h.event_texts().len(), 5);
        h.assert_status("undone: delete event");
        // Filter, then quit.
        h.keys("/@mallory<enter>");
        let screen = h.screen();
        assert!(
            screen.contains("2 events match") || screen.contains("1/2"),
            "{screen}"
        );
        h.keys("q");
        assert!(h.app.quit);

        // The database holds exactly what the screen showed.
        assert_eq!(
            h.event_texts(),
            [
                "phishing email delivered",
                "signed in from 203.0.113.45",
                "SIEM alert for impossible travel",
                "Sessions revoked",
                "Password reset",
            ]
        );
        let t = h.app.timeline().unwrap();
        let all = h
            .store
            .events_page(&EventFilter::incident(&t.filter.incident_id), None, 10)
            .unwrap()
            .events;
        assert_eq!(all[0].at.rfc3339_original(), "2026-03-11T09:12:00+01:00");
        assert_eq!(all[0].technique.as_deref(), Some("T1566.002"));
        assert_eq!(all[1].at.rfc3339_utc(), "2026-03-11T08:32:00Z");
        assert_eq!(all[1].actor.as_deref(), Some("mallory"));
        assert_eq!(all[2].source.as_deref(), Some("alert 88213"));
        assert_eq!(all[2].actor.as_deref(), Some("SIEM"));
        assert_eq!(all[3].phase.map(|p| p.as_str()), Some("containment"));
        let incident = h.store.require_incident("IR-7").unwrap();
        assert_eq!(incident.severity.as_str(), "high");
        assert_eq!(incident.zone.name(), "Europe/Madrid");
    }

    #[test]
    fn a_changed_form_asks_before_discarding() {
        let mut h = Harness::demo(100, 30);
        h.keys("aSomething typed<esc>");
        assert!(h.screen().contains("Discard what you typed?"));
        h.keys("n");
        assert!(
            h.screen().contains("Something typed"),
            "the form and its text are still there"
        );
        h.keys("<esc>y");
        assert!(h.app.overlays.is_empty());
        assert_eq!(h.event_texts().len(), 47);
    }

    #[test]
    fn tab_and_shift_tab_switch_views_and_esc_goes_back() {
        let mut h = Harness::demo(100, 30);
        assert_eq!(h.app.view, View::Timeline);
        h.keys("<tab>");
        assert_eq!(h.app.view, View::Findings);
        h.keys("<shift-tab><shift-tab>");
        assert_eq!(h.app.view, View::Overview);
        h.keys("<shift-tab><shift-tab>");
        assert_eq!(h.app.view, View::Report, "shift-tab wraps round");
        h.keys("<tab><tab><tab>");
        assert_eq!(h.app.view, View::Timeline);
        h.keys("<esc>");
        assert_eq!(h.app.view, View::Incidents);
        h.keys("3");
        assert_eq!(h.app.view, View::Timeline);
    }

    #[test]
    fn an_actor_with_spaces_is_filtered_in_quotes() {
        let mut h = Harness::demo(100, 30);
        h.keys("/@\"M. Ruiz\"<enter>");
        let t = h.app.timeline().unwrap();
        assert_eq!(t.total, 2, "{}", h.app.status().text);
        assert!(t.rows.iter().all(|e| e.actor.as_deref() == Some("M. Ruiz")));
    }

    #[test]
    fn a_closed_capture_keeps_its_text() {
        let mut h = Harness::demo(100, 30);
        h.keys("c14:02 half a sentence<esc>c");
        assert!(h.screen().contains("14:02 half a sentence"));
    }

    #[test]
    fn key_events_move_with_the_picker_and_causes_link() {
        let mut h = Harness::demo(100, 30);
        // The demo has all four key events: K on another event moves one, in one change.
        let holder = |h: &Harness, kind: KeyEventKind| {
            let t = h.app.timeline().unwrap();
            let keyed = h.store.key_events(&t.filter.incident_id).unwrap();
            keyed
                .into_iter()
                .find(|e| e.key_kind == Some(kind))
                .unwrap()
        };
        let detected_before = holder(&h, KeyEventKind::Detected);
        h.keys("jK");
        assert!(
            matches!(
                h.app.overlays.last(),
                Some(debrief::app::Overlay::KeyPicker(_))
            ),
            "K opens the picker"
        );
        assert!(h.screen().contains("now: "), "{}", h.screen());
        h.keys("2");
        let first = h.selected();
        assert_eq!(first.key_kind, Some(KeyEventKind::Detected));
        h.assert_status("moved here");
        assert_eq!(holder(&h, KeyEventKind::Detected).id, first.id);
        let old = h.store.event(&detected_before.id).unwrap().unwrap();
        assert_eq!(old.key_kind, None, "the old holder gave the mark up");
        // One undo puts both back.
        h.keys("u");
        assert_eq!(holder(&h, KeyEventKind::Detected).id, detected_before.id);
        assert_eq!(h.store.event(&first.id).unwrap().unwrap().key_kind, None);
        // 0 unmarks; the list shows which kind a star is.
        h.keys("K2");
        assert!(h.screen().contains("★2"), "{}", h.screen());
        h.keys("K0");
        assert_eq!(h.selected().key_kind, None);
        h.keys("u");
        let first = h.selected();
        // Link the second event to the first as its cause.
        h.keys("lk<enter>");
        let t = h.app.timeline().unwrap();
        let linked = h.store.event(&first.id).unwrap().unwrap();
        assert_eq!(
            linked.caused_by.as_deref(),
            Some(t.rows[0].id.as_str()),
            "{}",
            h.app.status().text
        );
    }

    #[test]
    fn jump_to_a_time_and_page_through() {
        let mut h = Harness::demo(100, 30);
        h.keys("t2026-03-11 10:00<enter>");
        let t = h.app.timeline().unwrap();
        let e = t.selected_event().unwrap();
        assert!(
            e.at.rfc3339_utc().as_str() >= "2026-03-11T09:00:00Z",
            "{}",
            e.at
        );
        h.keys("G");
        let t = h.app.timeline().unwrap();
        assert_eq!(t.position_label(), "47/47");
        h.keys("<pageup>g");
        assert_eq!(h.app.timeline().unwrap().position_label(), "1/47");
    }

    #[test]
    fn mouse_clicks_rows_and_tabs() {
        let mut h = Harness::demo(100, 30);
        let click = |col, row| {
            Msg::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: col,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        // Third event row: the strip is row 2, the list starts at row 3 with a title line
        // and a header row.
        h.send(click(10, 7));
        assert_eq!(h.app.timeline().unwrap().selected, 2);
        h.send(Msg::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 10,
            row: 6,
            modifiers: KeyModifiers::NONE,
        }));
        assert_eq!(h.app.timeline().unwrap().selected, 3);
        h.send(click(3, 1));
        assert_eq!(h.app.view, View::Incidents);
    }

    #[test]
    fn hostile_text_is_shown_inert() {
        let mut h = Harness::demo(100, 30);
        h.send(Msg::Paste("\x1b]0;pwned\x07\x1b[2J evil".into()));
        h.keys("c14:02 ");
        h.send(Msg::Paste("\x1b]0;pwned\x07 \x1b[2J\u{202e}evil".into()));
        h.keys("<enter>");
        let screen = h.screen();
        assert!(screen.contains("␛]0;pwned␇"), "{screen}");
        let buf = h.terminal.backend().buffer().clone();
        for cell in buf.content() {
            assert!(
                !cell.symbol().chars().any(|c| c.is_control()),
                "control character on screen"
            );
        }
    }

    #[test]
    fn every_size_renders_without_panic() {
        let mut h = Harness::demo(100, 30);
        h.keys("a");
        for (w, height) in [
            (1, 1),
            (2, 1),
            (8, 3),
            (20, 5),
            (49, 11),
            (50, 12),
            (60, 15),
            (80, 24),
            (300, 80),
        ] {
            h.terminal
                .resize(ratatui::layout::Rect::new(0, 0, w, height))
                .unwrap();
            h.send(Msg::Resize(w, height));
            h.screen();
        }
    }

    #[test]
    fn colour_carries_meaning_and_no_color_still_reads() {
        let mut store = Store::open_in_memory("tester").unwrap();
        let mut new = debrief::domain::NewIncident::new("IR-9", "Ransomware").unwrap();
        new.severity = debrief::domain::Severity::Critical;
        store.create_incident(&new).unwrap();
        let mut h = Harness::with_store(store, 100, 20, false);
        h.screen();
        let buf = h.terminal.backend().buffer().clone();
        let row = (0..buf.area.height)
            .find(|&y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
                    .contains("critical")
            })
            .unwrap();
        let x = (0..buf.area.width)
            .find(|&x| buf[(x, row)].symbol() == "c" && buf[(x + 1, row)].symbol() == "r")
            .unwrap();
        assert_eq!(buf[(x, row)].fg, Color::Red);

        let store = Store::open_in_memory("tester").unwrap();
        let mut h = Harness::with_store(store, 100, 20, true);
        h.keys("d1");
        h.screen();
        let buf = h.terminal.backend().buffer().clone();
        let colored = buf
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
        assert!(!colored, "NO_COLOR: no colours at all");
        let selected_row = 4;
        assert!(
            buf[(2, selected_row)].modifier.contains(Modifier::REVERSED),
            "the selection still shows"
        );
    }

    #[test]
    fn undo_keeps_to_the_window_and_the_cli_undoes_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let store = Store::open(&path, "tester").unwrap();
            let mut h = Harness::with_store(store, 100, 30, true);
            h.keys("d");
            h.keys("c14:02 a late note<enter><esc>q");
            assert_eq!(h.event_texts().len(), 48);
        }
        // A window opened later is another session: its `u` leaves the old window's
        // capture alone and says so.
        let store = Store::open(&path, "tester").unwrap();
        let mut h = Harness::with_store(store, 100, 30, true);
        h.keys("<enter>u");
        assert_eq!(h.event_texts().len(), 48, "{}", h.app.status().text);
        h.assert_status("nothing of yours to undo in this window");
        // `debrief undo` takes back the latest change of any session.
        let mut cli = Store::open(&path, "tester").unwrap();
        assert_eq!(cli.undo_any(None).unwrap().unwrap().label, "add event");
        h.keys("u");
        h.assert_status("nothing of yours");
    }

    #[test]
    fn scripted_events_only_count_key_presses() {
        let mut h = Harness::new(80, 24);
        let mut release = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('q'),
            KeyModifiers::NONE,
        );
        release.kind = crossterm::event::KeyEventKind::Release;
        let mut source = Scripted::new([Event::Key(release)]);
        debrief::tui::event_loop(&mut h.terminal, &mut h.app, &mut h.store, &mut source, &now)
            .unwrap();
        assert!(!h.app.quit);
    }
}

#[test]
fn the_readme_documents_the_default_keys() {
    let table = debrief::keymap::markdown_table(&Keymap::default());
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&table),
        "README.md must hold this table:\n{table}"
    );
}

#[test]
fn tabbing_through_an_edit_changes_no_field_it_passes() {
    let mut h = Harness::demo(100, 30);
    // A second actor whose name starts with an existing one's.
    h.keys("a<c-u>2026-03-10 09:00<tab>Second mailbox reviewed<tab>M. Ruiz (finance)<c-s>");
    h.keys("g");
    for _ in 0..60 {
        if h.selected().actor.as_deref() == Some("M. Ruiz") {
            break;
        }
        h.keys("j");
    }
    let before = h.selected();
    assert_eq!(before.actor.as_deref(), Some("M. Ruiz"), "the demo's event");
    h.keys("<enter><tab><tab><tab><tab><tab><tab><c-s>");
    assert_eq!(h.selected().actor.as_deref(), Some("M. Ruiz"));
    assert_eq!(h.selected().text, before.text);
    // Typing in the field still completes.
    h.keys("<enter><tab><c-u>M. Ruiz (<tab><c-s>");
    assert_eq!(h.selected().actor.as_deref(), Some("M. Ruiz (finance)"));
}

#[test]
fn the_technique_field_completes_by_name_and_shows_the_tactic() {
    let mut h = Harness::demo(100, 30);
    h.keys("a");
    h.fill("What", "Sign-in with a stolen token");
    h.fill("Technique", "cloud accou");
    let screen = h.screen();
    assert!(screen.contains("tab → T1078.004"), "{screen}");
    h.keys("<tab>");
    let screen = h.screen();
    assert!(
        screen.contains("T1078.004 Cloud Accounts (defense-evasion"),
        "{screen}"
    );
    h.keys("<c-s>");
    let t = h.app.timeline().unwrap();
    assert_eq!(
        t.selected_event().unwrap().technique.as_deref(),
        Some("T1078.004")
    );
}

mod backlog {
    use super::*;
    use debrief::domain::action::parse_date;
    use debrief::domain::{ActionKind, ActionStatus, NewAction, NewIncident, Priority};
    use debrief::store::BacklogFilter;

    /// Ten actions with due dates around the harness's day (2026-11-28): three overdue.
    fn ten_actions() -> Harness {
        // Random ids here: the harness switches to sequential ones from 1, which must not
        // collide with these.
        let mut store = Store::open_in_memory("tester").unwrap();
        store.set_clock(Box::new(now));
        let mut new = NewIncident::new("IR-9", "Backlog walk").unwrap();
        new.detected = Some(
            debrief::domain::parse_time("2026-10-01 10:00Z", &debrief::domain::TimeContext::utc())
                .unwrap(),
        );
        let i = store.create_incident(&new).unwrap();
        for n in 1..=10 {
            let mut a =
                NewAction::new(ActionKind::ChangeRequest, &format!("Action {n:02}")).unwrap();
            a.owner = Some(
                if n % 2 == 0 {
                    "Even Owner"
                } else {
                    "Odd Owner"
                }
                .into(),
            );
            a.group = Some("Platform".into());
            a.priority = if n <= 3 { Priority::P1 } else { Priority::P2 };
            // Actions 1-3 are overdue; the rest are due later, in order.
            let due = if n <= 3 {
                format!("2026-11-{:02}", 10 + n)
            } else {
                format!("2026-12-{:02}", n)
            };
            a.due = Some(parse_date(&due).unwrap());
            store.create_action(&i.id, &a, &[]).unwrap();
        }
        let mut h = Harness::with_store(store, 120, 40, true);
        h.keys("<enter>6");
        h
    }

    #[test]
    fn walk_ten_actions_recording_notes_and_statuses() {
        let mut h = ten_actions();
        assert_eq!(h.app.view, View::Backlog);
        h.keys("w");
        let screen = h.screen();
        assert!(screen.contains("Review walk · 0/10 reviewed"), "{screen}");
        assert!(screen.contains("! OVERDUE"), "overdue first: {screen}");
        h.keys("a"); // 1 accepted
        h.keys("nWaiting for the vendor patch<enter>"); // 2 note only: the walk stays
        h.keys(" "); // on to 3
        h.keys("i"); // 3 in progress
        h.keys("x<enter>"); // 4: a rejection without a reason is refused
        h.assert_status("needs a reason");
        h.keys("Duplicate of action 05<enter>"); // 4 rejected, with the reason
        h.keys("r"); // 5 resolved
        h.keys(" "); // 6 skipped
        h.keys("oNew Owner<enter>"); // 7 reassigned
        h.keys("d2027-01-31<enter>"); // 8 new due date
        h.keys("v"); // 9 verified
        h.keys("a"); // 10 accepted, then the summary
        let summary = h.screen();
        assert!(
            summary.contains("Walk done: 9 of 10 actions reviewed."),
            "{summary}"
        );
        assert!(summary.contains("skipped"), "{summary}");
        h.keys("<esc>");
        assert!(h.app.overlays.is_empty());

        let all = h.store.backlog(&BacklogFilter::default()).unwrap();
        let by_title = |t: &str| all.iter().find(|a| a.title == t).unwrap().clone();
        let status = |t: &str| by_title(t).status;
        assert_eq!(status("Action 01"), ActionStatus::Accepted);
        assert_eq!(status("Action 02"), ActionStatus::Proposed);
        assert_eq!(status("Action 03"), ActionStatus::InProgress);
        assert_eq!(status("Action 04"), ActionStatus::Rejected);
        assert_eq!(
            by_title("Action 04").reject_reason,
            "Duplicate of action 05"
        );
        assert_eq!(status("Action 05"), ActionStatus::Resolved);
        assert_eq!(status("Action 06"), ActionStatus::Proposed);
        assert_eq!(by_title("Action 07").owner.as_deref(), Some("New Owner"));
        assert_eq!(by_title("Action 08").due.unwrap().to_string(), "2027-01-31");
        assert_eq!(status("Action 09"), ActionStatus::Verified);
        assert_eq!(status("Action 10"), ActionStatus::Accepted);
        let reviews = |t: &str| h.store.reviews(&by_title(t).id).unwrap();
        assert_eq!(reviews("Action 02")[0].note, "Waiting for the vendor patch");
        assert_eq!(
            reviews("Action 04").len(),
            1,
            "the refused rejection saved nothing"
        );
        assert!(reviews("Action 06").is_empty(), "skipped");
        assert_eq!(
            reviews("Action 09")[0].status_before,
            ActionStatus::Proposed
        );
        assert_eq!(reviews("Action 09")[0].by, "tester");
        let total: usize = all
            .iter()
            .map(|a| h.store.reviews(&a.id).unwrap().len())
            .sum();
        assert_eq!(total, 9);
    }

    #[test]
    fn backlog_and_owners_views() {
        let mut h = ten_actions();
        let screen = h.screen();
        assert!(
            screen.contains("10 actions, 10 open, 3 overdue (!)"),
            "{screen}"
        );
        // Overdue items stand out in text too, not only in colour.
        assert!(
            screen.lines().filter(|l| l.starts_with('!')).count() == 3,
            "{screen}"
        );
        h.keys("/@\"Even Owner\"<enter>");
        assert_eq!(h.app.backlog.rows.len(), 5);
        h.keys("7");
        let owners = h.screen();
        assert!(owners.contains("Odd Owner"), "{owners}");
        h.keys("w");
        assert!(
            h.screen().contains("Review walk · 0/"),
            "a walk of one owner's items"
        );
    }

    #[test]
    fn an_action_from_a_finding_is_prefilled_and_linked() {
        let mut h = Harness::demo(120, 40);
        h.keys("4jjA");
        let form = h.screen();
        assert!(form.contains("New action"), "{form}");
        assert!(
            form.contains("Fix: MFA push approved without checking the sign-in location"),
            "{form}"
        );
        h.keys("<tab>R. Gil<c-s>");
        h.assert_status("logged action");
        let t = h.app.timeline().unwrap();
        let all = h
            .store
            .backlog(&BacklogFilter {
                incident_id: Some(t.filter.incident_id.clone()),
                ..Default::default()
            })
            .unwrap();
        let a = all
            .iter()
            .find(|a| a.title.starts_with("Fix: MFA push"))
            .unwrap();
        assert_eq!(a.kind, ActionKind::Training);
        assert_eq!(h.store.action_findings(&a.id).unwrap().len(), 1);
    }
}

#[test]
fn the_backlog_sorts_by_due_date_on_s() {
    let mut h = Harness::demo(120, 40);
    h.keys("6s");
    h.assert_status("sorted by due date");
    let dues: Vec<_> = h.app.backlog.rows.iter().filter_map(|a| a.due).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{dues:?}");
    h.keys("ssss");
    assert!(
        h.app.status().text.contains("overdue, priority, due"),
        "back to the walk order"
    );
}

#[test]
fn the_backlog_filters_by_priority_and_due_date() {
    let mut h = Harness::demo(120, 40);
    h.keys("6/P1 before:2026-05-01<enter>");
    let rows = &h.app.backlog.rows;
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|a| a.priority.as_str() == "P1" && *a.due.unwrap().to_string() < *"2026-05-01")
    );
    h.keys("/P9<enter>");
    h.assert_status("P9");
}

mod hostile_input {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Runs `f` on a thread of its own and fails the test instead of hanging with it.
    fn within_10s(f: impl FnOnce() -> String + Send + 'static) -> String {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the workbench froze (or panicked)")
    }

    #[test]
    fn a_huge_capture_offset_is_a_message_while_typing_not_a_crash() {
        for typed in ["+100000000d", "+9223372036854775807s", "+99999999999999d"] {
            let mut h = Harness::demo(100, 30);
            h.keys(&format!("c{typed} the attacker waited"));
            let screen = h.screen();
            assert!(
                screen.contains("is not a time offset"),
                "{typed}:\n{screen}"
            );
            h.keys("<enter>");
            assert_eq!(h.event_texts().len(), 47, "nothing saved for {typed}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn verifying_an_evidence_file_replaced_by_a_fifo_does_not_freeze() {
        let status = within_10s(|| {
            let dir = tempfile::tempdir().unwrap();
            let fifo = dir.path().join("memory.img");
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(made.success());
            let mut h = Harness::demo(100, 30);
            let incident = h.store.list_incidents().unwrap()[0].incident.id.clone();
            let print = debrief::io::hash::Fingerprint {
                sha256: "0".repeat(64),
                size: 5,
                modified: None,
            };
            h.store
                .add_evidence(
                    &incident,
                    debrief::domain::EvidenceKind::File,
                    &fifo.to_string_lossy(),
                    "memory image",
                    Some(&print),
                    &[],
                )
                .unwrap();
            h.keys("5v");
            h.app.status().text.clone()
        });
        assert!(
            status.contains("changed") || status.contains("missing"),
            "{status}"
        );
    }
}
