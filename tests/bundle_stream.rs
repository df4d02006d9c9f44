//! Bundles stream: the writer gives the very bytes of the whole-bundle writer (pretty JSON
//! and a newline) and they import back to the same bytes; the reader's first pass refuses
//! a bad bundle early, having read only the start of it.

use debrief::domain::{NewEvent, NewIncident, TimeContext, parse_time};
use debrief::store::{Store, precheck_bundle};
use std::io::Read;

fn whole(store: &Store, id: &str) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(&store.bundle(id).unwrap()).unwrap();
    text.push('\n');
    text.into_bytes()
}

fn streamed(store: &Store, id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    store.write_bundle(id, &mut out).unwrap();
    out
}

fn demo() -> (Store, String) {
    let mut store = Store::open_in_memory("tester").unwrap();
    store.use_sequential_ids();
    let (incident, _) = debrief::ops::load_demo(&mut store).unwrap();
    (store, incident.id)
}

#[test]
fn the_streamed_bundle_of_the_demo_is_the_whole_writers_bytes() {
    let (mut store, id) = demo();
    assert_eq!(
        String::from_utf8(streamed(&store, &id)).unwrap(),
        String::from_utf8(whole(&store, &id)).unwrap()
    );
    // Text that JSON escapes: line breaks, quotes, backslashes, controls, non-ASCII.
    let at = parse_time("2026-03-11T09:00:00Z", &TimeContext::utc()).unwrap();
    let mut e = NewEvent::new(at, "a \"quoted\"\nline\\ with \u{1b}[31m and é 🙂").unwrap();
    e.attrs = vec![("k\ney".into(), "v\talue".into())];
    store.add_event(&id, &e).unwrap();
    assert_eq!(streamed(&store, &id), whole(&store, &id));
    // An incident with empty tables.
    let empty = store
        .create_incident(&NewIncident::new("IR-EMPTY", "Nothing yet").unwrap())
        .unwrap();
    assert_eq!(streamed(&store, &empty.id), whole(&store, &empty.id));
}

#[test]
fn a_streamed_bundle_imports_into_a_fresh_database_and_exports_the_same_bytes() {
    let (store, id) = demo();
    let bytes = streamed(&store, &id);
    precheck_bundle(&bytes[..]).unwrap();
    let bundle: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let mut fresh = Store::open_in_memory("tester").unwrap();
    let o = fresh.import_bundle(&bundle, false).unwrap();
    assert!(o.created);
    assert_eq!(streamed(&fresh, &id), bytes);
}

/// A bundle's text given by a closure, counting what was read: the reader stops early.
struct Endless {
    head: Vec<u8>,
    row: &'static [u8],
    read: usize,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            let source: &[u8] = if self.read < self.head.len() {
                &self.head[self.read..]
            } else {
                let at = (self.read - self.head.len()) % self.row.len();
                &self.row[at..]
            };
            let k = source.len().min(buf.len() - n);
            buf[n..n + k].copy_from_slice(&source[..k]);
            n += k;
            self.read += k;
        }
        Ok(n)
    }
}

#[test]
fn a_bundle_of_endless_empty_rows_is_refused_at_its_first_row() {
    let mut endless = Endless {
        head: br#"{"format": "debrief-bundle", "version": 1, "tables": {"incidents": ["#.to_vec(),
        row: b"{}, ",
        read: 0,
    };
    let e = precheck_bundle(&mut endless).unwrap_err().to_string();
    assert!(e.contains("incidents"), "{e}");
    assert!(e.contains("is missing"), "{e}");
    assert!(endless.read < 1 << 20, "read {} bytes", endless.read);
}

#[test]
fn a_bundle_that_is_not_one_or_is_newer_is_refused_before_its_tables() {
    let rest = br#", "tables": {"incidents": [{}, "#;
    for (head, says) in [
        (
            &br#"{"format": "other", "version": 1"#[..],
            "not a debrief bundle",
        ),
        (
            &br#"{"format": "debrief-bundle", "version": 99"#[..],
            "newer debrief",
        ),
        (
            &br#"{"format": "debrief-bundle", "version": 1, "tables": {"nonsense": []"#[..],
            "does not know",
        ),
        (
            &br#"{"format": "debrief-bundle", "version": 1, "tables": {"events": [1]"#[..],
            "is not an object",
        ),
    ] {
        let mut endless = Endless {
            head: [head, &rest[..]].concat(),
            row: b"{}, ",
            read: 0,
        };
        let e = precheck_bundle(&mut endless).unwrap_err().to_string();
        assert!(e.contains(says), "{e}");
        assert!(endless.read < 1 << 20, "read {} bytes", endless.read);
    }
    let e = precheck_bundle(&b"{\"tables\": 1"[..])
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a bundle: line 1"), "{e}");
    let e = precheck_bundle(&b"[]"[..]).unwrap_err().to_string();
    assert!(e.contains("not a bundle"), "{e}");
}
