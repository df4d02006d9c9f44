//! Rebound keys through the real loop: a key moved in config.toml works, the old one
//! says it does nothing, and the footer shows the new one.

mod harness;

use debrief::app::View;
use debrief::config::Config;
use harness::Harness;

/// The footer is the screen's last line.
fn footer(h: &mut Harness) -> String {
    h.screen().lines().last().unwrap_or_default().to_string()
}

#[test]
fn undo_rebound_globally_to_capital_u_undoes_on_the_timeline_and_u_does_nothing() {
    let mut h = Harness::demo(110, 36);
    let config = Config::parse("[keys.global]\nundo = \"U\"\n").unwrap();
    h.app.shell.keymap = config.keymap().unwrap();
    assert_eq!(h.app.view, View::Timeline);
    let before = h.event_texts().len();
    h.keys("c14:05 @mallory deleted the forwarding rule<enter><esc>");
    assert_eq!(h.event_texts().len(), before + 1, "{}", h.app.status().text);

    h.keys("u");
    assert_eq!(
        h.app.status().text,
        "u does nothing here; press ? for the keys of this screen"
    );
    assert_eq!(h.event_texts().len(), before + 1, "u changed nothing");
    let line = footer(&mut h);
    assert!(
        line.contains("U undo") && !line.contains("u undo"),
        "{line}"
    );

    h.keys("U");
    assert!(
        h.app.status().text.starts_with("undone"),
        "{}",
        h.app.status().text
    );
    assert_eq!(h.event_texts().len(), before);
    assert!(
        !h.event_texts()
            .iter()
            .any(|t| t.contains("deleted the forwarding rule"))
    );

    // Every other screen whose footer names undo shows the new key too.
    for (key, view) in [
        ("1", View::Incidents),
        ("4", View::Findings),
        ("5", View::Evidence),
        ("6", View::Backlog),
        ("7", View::Owners),
        ("8", View::Evaluation),
    ] {
        h.keys(key);
        assert_eq!(h.app.view, view);
        let line = footer(&mut h);
        assert!(
            line.contains("U undo") && !line.contains("u undo"),
            "{view:?}: {line}"
        );
        h.keys("u");
        assert!(
            h.app.status().text.starts_with("u does nothing here"),
            "{view:?}: {}",
            h.app.status().text
        );
    }
}
