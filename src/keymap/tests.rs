use super::*;
use crate::view::View;
use crossterm::event::KeyCode;

fn overrides(
    section: &str,
    command: &str,
    keys: &str,
) -> BTreeMap<String, BTreeMap<String, KeySpec>> {
    BTreeMap::from([(
        section.to_string(),
        BTreeMap::from([(command.to_string(), KeySpec::One(keys.into()))]),
    )])
}

fn footer_text(map: &Keymap, view: View) -> Vec<String> {
    map.footer(view)
        .into_iter()
        .map(|(key, label)| format!("{key} {label}"))
        .collect()
}

#[test]
fn screen_keys_win_over_global_ones() {
    let map = Keymap::default();
    assert_eq!(
        map.command(View::Timeline, Key::char('d')),
        Some(Command::Delete)
    );
    assert_eq!(
        map.command(View::Welcome, Key::char('d')),
        Some(Command::LoadDemo)
    );
    assert_eq!(
        map.command(View::Timeline, Key::char('j')),
        Some(Command::Down)
    );
    assert_eq!(map.command(View::Timeline, Key::char('§')), None);
}

#[test]
fn help_and_footer_come_from_the_table() {
    let map = Keymap::default();
    let help = map.help(View::Timeline);
    assert!(help.iter().any(|b| b.command == Command::Capture));
    assert!(help.iter().any(|b| b.command == Command::Quit));
    let footer = map.footer(View::Timeline);
    assert!(footer.len() < help.len());
    for (key, _) in &footer {
        assert!(
            help.iter().any(|b| b.key == *key),
            "{key} is not a working key"
        );
    }
}

#[test]
fn default_footers_show_the_keys_they_always_showed() {
    let map = Keymap::default();
    assert_eq!(
        footer_text(&map, View::Timeline),
        [
            "c capture",
            "a add",
            "enter edit",
            "d delete",
            "/ filter",
            "z UTC/local",
            "u undo",
            "f lapse",
            "I import",
            "q quit",
            "? help",
        ]
    );
    assert_eq!(
        footer_text(&map, View::Evidence),
        [
            "enter events",
            "right actors/evidence",
            "e edit",
            "a add",
            "l link",
            "v verify",
            "u undo",
            "q quit",
            "? help",
        ]
    );
    assert_eq!(
        footer_text(&map, View::Welcome),
        ["n new incident", "d demo incident", "q quit", "? help"]
    );
    assert_eq!(
        footer_text(&map, View::Report),
        ["w write", "t timeline", "z zone", "q quit", "? help"]
    );
}

#[test]
fn every_footer_entry_has_a_key_on_its_screen() {
    let map = Keymap::default();
    for &(place, command, label) in defaults::FOOTERS {
        let views: Vec<View> = match place {
            Where::Global => View::ALL.to_vec(),
            Where::On(view) => vec![view],
        };
        for view in views {
            assert!(
                map.key_for(view, command).is_some(),
                "the {} footer names {label} ({}), which has no key there",
                view.name(),
                command.name()
            );
        }
    }
}

#[test]
fn undo_is_bound_once_for_every_screen() {
    let map = Keymap::default();
    let undo: Vec<&Binding> = map
        .bindings()
        .iter()
        .filter(|b| b.command == Command::Undo)
        .collect();
    assert_eq!(undo.len(), 1, "{undo:?}");
    assert_eq!(undo[0].place, Where::Global);
    for view in View::ALL {
        assert_eq!(
            map.command(view, Key::char('u')),
            Some(Command::Undo),
            "{}",
            view.name()
        );
    }
}

#[test]
fn global_undo_on_capital_u_moves_undo_on_every_screen() {
    let mut map = Keymap::default();
    map.apply_overrides(&overrides("global", "undo", "U"))
        .unwrap();
    for view in View::ALL {
        assert_eq!(
            map.command(view, Key::char('U')),
            Some(Command::Undo),
            "{}",
            view.name()
        );
        assert_ne!(
            map.command(view, Key::char('u')),
            Some(Command::Undo),
            "{}",
            view.name()
        );
        let footer = footer_text(&map, view);
        assert!(
            !footer.contains(&"u undo".to_string()),
            "{}: {footer:?}",
            view.name()
        );
        let listed = defaults::FOOTERS
            .iter()
            .any(|&(p, c, _)| p == Where::On(view) && c == Command::Undo);
        assert_eq!(
            footer.contains(&"U undo".to_string()),
            listed,
            "{}: {footer:?}",
            view.name()
        );
    }
}

#[test]
fn every_section_the_readme_names_takes_overrides() {
    let mut map = Keymap::default();
    let mut all = BTreeMap::new();
    // For each section, rebind the first command it has to F2.
    let mut expected = Vec::new();
    for place in Where::all() {
        let first = map
            .bindings()
            .iter()
            .find(|b| b.place == place)
            .unwrap()
            .command;
        all.insert(
            place.name().to_string(),
            BTreeMap::from([(first.name().to_string(), KeySpec::One("f2".into()))]),
        );
        expected.push((place, first));
    }
    assert_eq!(all.len(), 11);
    map.apply_overrides(&all).unwrap();
    let f2 = Key::plain(KeyCode::F(2));
    for (place, command) in expected {
        let bound = map
            .bindings()
            .iter()
            .filter(|b| b.place == place && b.key == f2);
        assert_eq!(
            bound.map(|b| b.command).collect::<Vec<_>>(),
            [command],
            "{}",
            place.name()
        );
        if let Where::On(view) = place {
            assert_eq!(map.command(view, f2), Some(command), "{}", view.name());
        }
    }
    // The global rebinding took `q` away: F2 quits wherever a screen does not claim it.
    assert_eq!(map.command(View::Welcome, Key::char('q')), None);
}

#[test]
fn overrides_rebind_and_errors_name_the_place() {
    let mut map = Keymap::default();
    map.apply_overrides(&overrides("timeline", "capture", "C"))
        .unwrap();
    assert_eq!(
        map.command(View::Timeline, Key::char('C')),
        Some(Command::Capture)
    );
    assert_eq!(map.command(View::Timeline, Key::char('c')), None);
    assert_eq!(footer_text(&map, View::Timeline)[0], "C capture");

    let e = map
        .apply_overrides(&overrides("timeline", "fly", "f"))
        .unwrap_err();
    assert!(
        e.starts_with("[keys.timeline] fly: no such command on the timeline screen"),
        "{e}"
    );
    assert!(
        e.contains("capture") && e.contains("undo"),
        "lists what is accepted: {e}"
    );

    let e = map
        .apply_overrides(&overrides("welcome", "capture", "c"))
        .unwrap_err();
    assert!(
        e.starts_with("[keys.welcome] capture: no such command on the welcome screen"),
        "{e}"
    );

    let e = map
        .apply_overrides(&overrides("global", "capture", "c"))
        .unwrap_err();
    assert!(
        e.starts_with("[keys.global] capture: no such global command"),
        "{e}"
    );

    let e = map
        .apply_overrides(&overrides("timeline", "capture", "hyper-c"))
        .unwrap_err();
    assert!(
        e.starts_with("[keys.timeline] capture: unknown key \"hyper-c\""),
        "{e}"
    );

    let e = map
        .apply_overrides(&overrides("timelines", "capture", "c"))
        .unwrap_err();
    assert_eq!(
        e,
        "[keys.timelines]: unknown screen; the sections are global, welcome, incidents, \
         overview, timeline, findings, evidence, backlog, owners, evaluation, report"
    );
}

#[test]
fn a_global_command_under_a_screen_adds_keys_on_that_screen_only() {
    let mut map = Keymap::default();
    map.apply_overrides(&overrides("timeline", "undo", "U"))
        .unwrap();
    assert_eq!(
        map.command(View::Timeline, Key::char('U')),
        Some(Command::Undo)
    );
    assert_eq!(map.command(View::Findings, Key::char('U')), None);
    assert_eq!(
        map.command(View::Findings, Key::char('u')),
        Some(Command::Undo)
    );
    assert!(footer_text(&map, View::Timeline).contains(&"U undo".to_string()));
    assert!(footer_text(&map, View::Findings).contains(&"u undo".to_string()));
}

#[test]
fn command_names_are_the_ones_config_files_use() {
    let names: Vec<&str> = Command::iter().map(Command::name).collect();
    assert_eq!(
        names,
        [
            "quit",
            "help",
            "palette",
            "back",
            "up",
            "down",
            "page-up",
            "page-down",
            "top",
            "bottom",
            "next-view",
            "prev-view",
            "view-incidents",
            "view-overview",
            "view-timeline",
            "view-findings",
            "view-evidence",
            "view-backlog",
            "view-owners",
            "view-evaluation",
            "view-report",
            "open",
            "add",
            "edit",
            "delete",
            "undo",
            "redo",
            "capture",
            "filter",
            "clear-filter",
            "jump-time",
            "toggle-zone",
            "toggle-detail",
            "next-busy",
            "prev-busy",
            "mark-key",
            "link-cause",
            "load-demo",
            "tag-lapse",
            "attach-evidence",
            "go-to-finding",
            "verify",
            "switch-pane",
            "review-walk",
            "all-incidents",
            "action-from-finding",
            "sort",
            "rate-sufficiency",
            "rate-completeness",
            "link-findings",
            "link-evidence",
            "sop-change",
            "write-report",
            "toggle-timeline-scope",
            "import",
        ]
    );
    for c in Command::iter() {
        assert_eq!(Command::from_name(c.name()), Some(c));
    }
}

#[test]
fn every_default_key_reads_back_from_its_name() {
    for b in Keymap::default().bindings() {
        assert_eq!(Key::parse(&b.key.to_string()).unwrap(), b.key, "{}", b.key);
    }
}

#[test]
fn no_place_binds_one_key_twice() {
    let map = Keymap::default();
    for (i, a) in map.bindings().iter().enumerate() {
        for b in &map.bindings()[i + 1..] {
            assert!(
                !(a.place == b.place && a.key == b.key),
                "{} binds {} twice",
                a.place.name(),
                a.key
            );
        }
    }
}

#[test]
fn keys_parse_and_print() {
    for text in ["a", "G", "ctrl-r", "enter", "pagedown", "f2", "shift-tab"] {
        Key::parse(text).unwrap();
    }
    assert_eq!(Key::parse("ctrl-r").unwrap().to_string(), "ctrl-r");
    assert!(Key::parse("hyper-x").is_err());
}
