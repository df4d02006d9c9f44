//! Every screen renders at every size without a panic, from 1x1 to 500x200, and a burst
//! of resizes leaves a correct screen at the final size.

mod harness;

use debrief::app::Msg;
use harness::Harness;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The views by their keys, with an overlay or two on the way.
const VIEWS: [&str; 11] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "3?", "3c"];

fn render_at(h: &mut Harness, w: u16, height: u16) {
    h.send(Msg::Resize(w, height));
    h.terminal = Terminal::new(TestBackend::new(w, height)).unwrap();
    let screen = h.screen();
    assert_eq!(screen.lines().count(), height as usize, "{w}x{height}");
}

#[test]
fn every_view_renders_at_every_size() {
    let mut sizes: Vec<(u16, u16)> = vec![
        (1, 1),
        (2, 1),
        (1, 2),
        (49, 11),
        (50, 12),
        (80, 24),
        (500, 200),
    ];
    for w in (1..=500).step_by(53) {
        for h in (1..=200).step_by(31) {
            sizes.push((w, h));
        }
    }
    for view in VIEWS {
        let mut h = Harness::demo(100, 30);
        h.keys(&format!("<esc><esc>{view}"));
        for &(w, height) in &sizes {
            render_at(&mut h, w, height);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48)
    ))]

    /// Any size in the range, on any view, after any other size: the grid above misses
    /// most widths and heights, so these are drawn at random (and shrunk on a failure).
    #[test]
    fn any_view_renders_at_any_size(
        view in prop::sample::select(VIEWS.to_vec()),
        first in (1u16..=500, 1u16..=200),
        then in (1u16..=500, 1u16..=200),
    ) {
        let mut h = Harness::demo(100, 30);
        h.keys(&format!("<esc><esc>{view}"));
        render_at(&mut h, first.0, first.1);
        render_at(&mut h, then.0, then.1);
    }
}

#[test]
fn a_burst_of_resizes_ends_on_the_right_screen() {
    let mut h = Harness::demo(100, 30);
    h.keys("3jjj");
    for i in 0..200u16 {
        let (w, height) = (1 + (i * 37) % 400, 1 + (i * 13) % 150);
        h.send(Msg::Resize(w, height));
    }
    h.send(Msg::Resize(100, 30));
    h.terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let after = h.screen();
    let mut fresh = Harness::demo(100, 30);
    fresh.keys("3jjj");
    let expected = fresh.screen();
    // The list may have scrolled to keep the selection in view while the screen was
    // small; everything else is as if the terminal had always been this size.
    let (a, e): (Vec<&str>, Vec<&str>) = (after.lines().collect(), expected.lines().collect());
    assert_eq!(a.len(), e.len());
    assert_eq!(
        a[..5],
        e[..5],
        "header, tabs, density strip, title and column names"
    );
    let detail = |lines: &[&str]| lines.iter().position(|l| l.starts_with(" Event")).unwrap();
    assert_eq!(
        a[detail(&a)..],
        e[detail(&e)..],
        "the detail pane, status and footer"
    );
    let selected = "m.ruiz opened the phishing link";
    assert!(
        a[4..detail(&a)].iter().any(|l| l.contains(selected)),
        "{after}"
    );
}
