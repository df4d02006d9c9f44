//! Each screen's keys on their own, against an in-memory store with the demo incident:
//! what the handler changes in its own state, what it asks of the router (the effect),
//! and what it writes.

use crate::app::overlays::{Outcome, Overlay, Pending};
use crate::app::shell::{Cx, Shell};
use crate::app::{Effect, Settings};
use crate::domain::Incident;
use crate::keymap::{Command, Keymap};
use crate::store::Store;
use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn demo() -> (Store, Shell, Incident) {
    let mut store = Store::open_in_memory("tester").unwrap();
    store.set_clock(Box::new(|| {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }));
    store.use_sequential_ids();
    let (incident, created) = crate::ops::load_demo(&mut store).unwrap();
    assert!(created);
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let shell = Shell::new(Keymap::default(), Settings::builtin(), now, true);
    (store, shell, incident)
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

mod findings {
    use super::*;
    use crate::app::screens::findings::{FindingsState, delete_finding};

    #[test]
    fn enter_asks_for_the_findings_events_and_moves_nothing_else() {
        let (mut store, mut shell, incident) = demo();
        let mut f = FindingsState::default();
        f.load(&store, &incident).unwrap();
        assert!(f.rows.len() >= 2, "the demo has findings");
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        assert!(matches!(
            f.command(&incident, Command::Down, &mut cx),
            Effect::None
        ));
        assert_eq!(f.selected, 1);
        let second = f.rows[1].finding.clone();
        assert_eq!(f.events, cx.store.finding_events(&second.id).unwrap());
        match f.command(&incident, Command::Open, &mut cx) {
            Effect::ShowEvents { filter, label } => {
                assert_eq!(filter.finding.as_deref(), Some(second.id.as_str()));
                assert_eq!(filter.incident_id, incident.id);
                assert!(label.starts_with("finding: "), "{label}");
            }
            other => panic!("expected the finding's events, got {other:?}"),
        }
    }

    #[test]
    fn delete_asks_first_and_the_confirmed_delete_writes() {
        let (mut store, mut shell, incident) = demo();
        let mut f = FindingsState::default();
        f.load(&store, &incident).unwrap();
        let before = f.rows.len();
        let first = f.rows[0].finding.clone();
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        let pending = match f.command(&incident, Command::Delete, &mut cx) {
            Effect::Open(Overlay::Confirm(c)) => c.pending,
            other => panic!("expected a confirmation, got {other:?}"),
        };
        assert_eq!(
            pending,
            Pending::DeleteFinding {
                id: first.id.clone(),
                title: first.title.clone()
            }
        );
        assert_eq!(cx.store.list_findings(&incident.id).unwrap().len(), before);
        let effect = delete_finding(&mut cx, &first.id, &first.title);
        assert!(matches!(effect, Effect::Changed(None)));
        assert_eq!(
            cx.store.list_findings(&incident.id).unwrap().len(),
            before - 1
        );
        assert!(cx.shell.status.text.starts_with("deleted the finding"));
    }

    #[test]
    fn an_action_from_a_finding_opens_the_prefilled_form() {
        let (mut store, mut shell, incident) = demo();
        let mut f = FindingsState::default();
        f.load(&store, &incident).unwrap();
        let title = f.rows[0].finding.title.clone();
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        match f.command(&incident, Command::ActionFromFinding, &mut cx) {
            Effect::Open(Overlay::Record(form)) => {
                assert_eq!(form.fields.value("Title"), format!("Fix: {title}"));
                assert_eq!(form.fields.focus_label(), "Title");
            }
            other => panic!("expected the action form, got {other:?}"),
        }
    }
}

mod backlog {
    use super::*;
    use crate::app::screens::backlog::BacklogState;

    fn loaded(store: &mut Store, shell: &mut Shell, incident: &Incident) -> BacklogState {
        let mut b = BacklogState::default();
        let mut cx = Cx { store, shell };
        b.refresh(Some(&incident.id), &mut cx);
        assert!(!b.rows.is_empty(), "the demo has actions");
        b
    }

    #[test]
    fn the_walk_starts_over_the_open_actions_overdue_first() {
        let (mut store, mut shell, incident) = demo();
        let mut b = loaded(&mut store, &mut shell, &incident);
        let today = shell.today();
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        match b.command(Some(&incident.id), Command::Walk, &mut cx) {
            Effect::Open(Overlay::Walk(w)) => {
                assert!(w.items.iter().all(|a| a.status.is_open()));
                let overdue: Vec<bool> = w.items.iter().map(|a| a.is_overdue(today)).collect();
                let mut sorted = overdue.clone();
                sorted.sort_by(|a, b| b.cmp(a));
                assert_eq!(overdue, sorted, "overdue ones come first");
            }
            other => panic!("expected the walk, got {other:?}"),
        }
    }

    #[test]
    fn a_filter_that_does_not_read_keeps_the_old_one() {
        let (mut store, mut shell, incident) = demo();
        let mut b = loaded(&mut store, &mut shell, &incident);
        let all = b.rows.len();
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        b.apply_filter(Some(&incident.id), "overdue", &mut cx);
        assert!(b.rows.len() < all);
        let overdue = b.rows.len();
        b.apply_filter(Some(&incident.id), "!nonsense", &mut cx);
        assert_eq!(b.filter_text, "overdue");
        assert_eq!(b.rows.len(), overdue);
        assert_eq!(cx.shell.status.tone, crate::app::Tone::Error);
    }

    #[test]
    fn adding_needs_an_open_incident() {
        let (mut store, mut shell, incident) = demo();
        let mut b = loaded(&mut store, &mut shell, &incident);
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        assert!(matches!(
            b.command(None, Command::Add, &mut cx),
            Effect::None
        ));
        assert!(cx.shell.status.text.starts_with("open an incident first"));
        assert!(matches!(
            b.command(Some(&incident.id), Command::Add, &mut cx),
            Effect::Open(Overlay::Record(_))
        ));
    }
}

mod walk {
    use super::*;
    use crate::app::overlays::walk::Walk;
    use crate::domain::ActionStatus;
    use crate::store::BacklogFilter;

    fn started(store: &mut Store, shell: &mut Shell) -> Walk {
        let filter = BacklogFilter {
            open_only: true,
            ..Default::default()
        };
        let items = store.backlog(&filter).unwrap();
        let mut cx = Cx { store, shell };
        match Walk::start(&mut cx, items) {
            Effect::Open(Overlay::Walk(w)) => *w,
            other => panic!("expected the walk, got {other:?}"),
        }
    }

    #[test]
    fn a_status_key_saves_a_review_and_moves_on() {
        let (mut store, mut shell, _) = demo();
        let mut w = started(&mut store, &mut shell);
        let first = w.items[0].clone();
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        assert!(matches!(w.key(key('i'), &mut cx), Outcome::Keep));
        assert_eq!(w.index, 1);
        assert_eq!(w.done[0].len(), 1);
        let saved = cx.store.action(&first.id).unwrap().unwrap();
        assert_eq!(saved.status, ActionStatus::InProgress);
        assert!(!cx.store.reviews(&first.id).unwrap().is_empty());
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        let (mut store, mut shell, _) = demo();
        let mut w = started(&mut store, &mut shell);
        let first = w.items[0].clone();
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        w.key(key('x'), &mut cx);
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        w.key(enter, &mut cx);
        assert_eq!(cx.shell.status.tone, crate::app::Tone::Error);
        assert!(w.input.is_some(), "still asking why");
        assert_eq!(
            cx.store.action(&first.id).unwrap().unwrap().status,
            first.status
        );
        for c in "duplicate of another".chars() {
            w.key(key(c), &mut cx);
        }
        w.key(enter, &mut cx);
        let saved = cx.store.action(&first.id).unwrap().unwrap();
        assert_eq!(saved.status, ActionStatus::Rejected);
    }

    #[test]
    fn the_summary_closes_and_asks_for_a_reload() {
        let (mut store, mut shell, _) = demo();
        let mut w = started(&mut store, &mut shell);
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        assert!(matches!(w.key(esc, &mut cx), Outcome::Keep));
        assert!(w.finished);
        assert!(matches!(
            w.key(esc, &mut cx),
            Outcome::Close(Effect::Changed(None))
        ));
        assert!(cx.shell.status.text.starts_with("review walk done"));
    }

    #[test]
    fn a_note_stays_on_the_action_and_the_summary_keeps_every_change() {
        let (mut store, mut shell, _) = demo();
        let mut w = started(&mut store, &mut shell);
        let first = w.items[0].clone();
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        let before = cx.store.reviews(&first.id).unwrap().len();
        w.key(key('n'), &mut cx);
        for c in "vendor asked for a week".chars() {
            w.key(key(c), &mut cx);
        }
        w.key(enter, &mut cx);
        assert_eq!(w.index, 0, "a note does not move the walk on");
        assert_eq!(w.items[0].id, first.id);
        // Then a status: both are listed for the action, and the walk moves on.
        w.key(key('i'), &mut cx);
        assert_eq!(w.index, 1);
        assert_eq!(w.done[0].len(), 2, "{:?}", w.done[0]);
        assert!(w.done[0][0].contains("vendor asked for a week"));
        assert_eq!(cx.store.reviews(&first.id).unwrap().len(), before + 2);
    }
}

mod report {
    use super::*;
    use crate::app::screens::report::ReportState;
    use crate::io::report::ReportZone;

    #[test]
    fn z_switches_the_preview_between_the_incidents_zone_and_utc() {
        let (mut store, mut shell, incident) = demo();
        let mut r = ReportState::default();
        r.load(&store, &incident, &shell.settings).unwrap();
        let detected = |r: &ReportState| {
            r.lines
                .iter()
                .find(|l| l.starts_with("| Detected |"))
                .cloned()
                .unwrap()
        };
        assert_eq!(
            detected(&r),
            "| Detected | 2026-03-11 10:19:44 CET (2026-03-11 09:19:44 UTC) |"
        );
        let mut cx = Cx {
            store: &mut store,
            shell: &mut shell,
        };
        assert!(matches!(
            r.command(&incident, Command::ToggleZone, &mut cx),
            Effect::None
        ));
        assert_eq!(r.zone, ReportZone::Utc);
        assert_eq!(detected(&r), "| Detected | 2026-03-11 09:19:44 UTC |");
        r.command(&incident, Command::ToggleZone, &mut cx);
        assert_eq!(r.zone, ReportZone::Incident);
        assert!(detected(&r).contains("CET"));
    }
}
