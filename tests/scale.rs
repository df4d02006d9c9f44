//! The timeline at 100,000 events pages correctly and holds only a few pages: the first
//! and last events, a time in the middle, a filter, and long scrolls both ways. Not
//! timed (the benchmark measures speed); these check what is shown and what is held.

mod generated;
mod harness;

use debrief::app::screens::timeline::TimelineState;
use debrief::store::Store;
use harness::Harness;

const N: i64 = 100_000;
/// The most events the timeline may hold at once: a few pages, never the incident.
const HELD: usize = 1_000;

/// An incident of N events one second apart from 2026-03-10 00:00:00Z; event i says
/// "row i" and every tenth is about a "token".
fn big_store() -> (Store, String) {
    let mut store = Store::open_in_memory("tester").unwrap();
    let incident = generated::incident_with_rows(&mut store, "IR-BIG", N, |i| {
        let word = if i % 10 == 0 { "token" } else { "noise" };
        format!("row {i} {word}")
    });
    (store, incident)
}

fn text(t: &TimelineState) -> &str {
    &t.selected_event().unwrap().text
}

#[test]
fn a_hundred_thousand_events_page_from_first_to_last_holding_a_few_pages() {
    let (store, _) = big_store();
    let mut h = Harness::with_store(store, 120, 40, true);
    h.keys("<enter>");
    let t = h.app.timeline().unwrap();
    assert_eq!(t.total, N);
    assert_eq!(text(t), "row 0 token");
    assert_eq!(t.position_label(), format!("1/{N}"));
    assert!(t.rows.len() <= HELD);

    h.keys("G");
    let t = h.app.timeline().unwrap();
    assert_eq!(text(t), format!("row {} noise", N - 1));
    assert_eq!(t.position_label(), format!("{N}/{N}"));
    assert!(t.rows.len() <= HELD);
    assert!(h.screen().contains(&format!("row {} noise", N - 1)));

    // A time in the middle: 2026-03-10 13:53:20Z is 50,000 seconds in.
    h.keys("t2026-03-10 13:53:20Z<enter>");
    let t = h.app.timeline().unwrap();
    assert_eq!(text(t), "row 50000 token");
    assert!(t.rows.len() <= HELD);
    assert!(h.screen().contains("row 50000 token"));

    // Long scrolls page in from SQLite and let go of what scrolled away.
    for _ in 0..30 {
        h.keys("<pagedown>");
        assert!(h.app.timeline().unwrap().rows.len() <= HELD);
    }
    for _ in 0..60 {
        h.keys("<pageup>");
        assert!(h.app.timeline().unwrap().rows.len() <= HELD);
    }
    // Each page is the rows on screen; 30 down and 60 up end 30 pages before the middle.
    let t = h.app.timeline().unwrap();
    let page = t.viewport as i64;
    let n: i64 = text(t).split(' ').nth(1).unwrap().parse().unwrap();
    assert_eq!(n, 50_000 - 30 * page, "paging is exact both ways");

    h.keys("g");
    assert_eq!(text(h.app.timeline().unwrap()), "row 0 token");
}

#[test]
fn a_filter_over_a_hundred_thousand_events_counts_and_pages() {
    let (store, _) = big_store();
    let mut h = Harness::with_store(store, 120, 40, true);
    h.keys("<enter>/token<enter>");
    let t = h.app.timeline().unwrap();
    assert_eq!(t.total, N / 10, "{}", h.app.status().text);
    assert!(t.rows.len() <= HELD);
    assert!(t.rows.iter().all(|e| e.text.ends_with("token")));
    h.keys("G");
    let t = h.app.timeline().unwrap();
    assert_eq!(text(t), format!("row {} token", N - 10));
    assert_eq!(t.position_label(), format!("{}/{}", N / 10, N / 10));
    // A search with many hits keeps them between pages; a new event is found at once.
    let id = h.app.incident().unwrap().id.clone();
    let at =
        debrief::domain::parse_time("2026-03-12T00:00:00Z", &debrief::domain::TimeContext::utc())
            .unwrap();
    let late = debrief::domain::NewEvent::new(at, "late token").unwrap();
    h.keys("x/token<enter>");
    assert_eq!(h.app.timeline().unwrap().total_label(), "10000");
    h.store.add_event(&id, &late).unwrap();
    h.keys("x/token<enter>G");
    let t = h.app.timeline().unwrap();
    assert_eq!(t.total_label(), "10000+");
    assert_eq!(text(t), "late token");

    // A filter matching most events is counted only so far, and says so.
    h.keys("x/noise<enter>");
    let t = h.app.timeline().unwrap();
    assert_eq!(t.total_label(), "10000+");
    assert!(h.screen().contains("1/10000+"), "{}", h.screen());
    h.keys("G");
    let t = h.app.timeline().unwrap();
    assert_eq!(text(t), format!("row {} noise", N - 1));
    assert_eq!(t.position_label(), "?/10000+");
    h.keys("x/\"row 77777\"<enter>");
    let t = h.app.timeline().unwrap();
    assert_eq!(t.total, 1);
    assert_eq!(text(t), "row 77777 noise");
}

#[test]
fn the_density_strip_of_a_large_incident_is_read_at_the_next_poll_not_in_the_key() {
    let (store, _) = big_store();
    let mut h = Harness::with_store(store, 120, 40, true);
    h.keys("<enter>");
    let t = h.app.timeline().unwrap();
    // Up to the threshold it is read at once: every event is in a bucket.
    assert_eq!(t.density.counts.len(), 120);
    assert_eq!(t.density.counts.iter().map(|c| *c as i64).sum::<i64>(), N);
    // One more event makes the incident large: the capture does not wait for the strip.
    h.keys("c2026-03-12 10:00Z one more<enter><esc>");
    let t = h.app.timeline().unwrap();
    assert!(t.density_due, "{}", h.app.status().text);
    h.send(debrief::app::Msg::Poll);
    let t = h.app.timeline().unwrap();
    assert!(!t.density_due);
    assert_eq!(
        t.density.counts.iter().map(|c| *c as i64).sum::<i64>(),
        N + 1
    );
}
