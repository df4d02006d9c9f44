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
