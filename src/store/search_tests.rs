//! Search answers what a plain scan of the same events answers: words, prefixes, phrases
//! (words joined by punctuation), attribute names and values, sources and tags, on every
//! plan (few hits looked up by rowid; many hits read block by block along the time index;
//! rowids spread wide, collected), page by page forwards and backwards, and in counts.

use super::*;
use crate::domain::{NewIncident, Precision, Timestamp};
use crate::io::import::{ImportedRow, RowError};

const WORDS: [&str; 8] = [
    "sign-in", "token", "mailbox", "export", "rule", "consent", "graph", "alert",
];

pub(super) fn row(i: u64, at_s: i64, batch: &str) -> ImportedRow {
    let pick = |k: u64| WORDS[((i * 7 + k * 3 + i / 5) % 8) as usize];
    let rare = if i.is_multiple_of(997) { " beacon" } else { "" };
    ImportedRow {
        line: i + 2,
        at: Timestamp::from_micros(at_s * 1_000_000, 0, Precision::Exact).unwrap(),
        text: format!("{} {} {} event {i}{rare}", pick(0), pick(1), pick(2)),
        actor: None,
        source: Some(
            if i.is_multiple_of(2) {
                "sysmon"
            } else {
                "winevt"
            }
            .into(),
        ),
        phase: None,
        tags: if i.is_multiple_of(3) {
            vec!["lateral".into()]
        } else {
            vec![]
        },
        technique: None,
        attrs: vec![
            ("hostname".into(), format!("host-{}", i % 7)),
            ("data_type".into(), "windows:evtx:record".into()),
        ],
        fingerprint: format!("{batch}-{i}").into(),
    }
}

pub(super) fn import(s: &mut Store, incident: &str, rows: Vec<ImportedRow>) {
    let rows: Vec<std::result::Result<ImportedRow, RowError>> = rows.into_iter().map(Ok).collect();
    let run = ImportRun {
        file: "t.csv".into(),
        format: "timesketch-csv".into(),
        ..Default::default()
    };
    let out = s
        .import_rows(incident, &mut rows.into_iter(), &run, &mut |_| {}, &|| {
            "00".into()
        })
        .unwrap();
    assert!(out.committed);
}

/// What unicode61 makes of a text: runs of letters and digits, lower case.
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether one column holds the typed word: its tokens in a row, the last as a prefix.
fn column_has(column: &[String], word: &[String]) -> bool {
    let k = word.len();
    k > 0
        && column.len() >= k
        && (0..=column.len() - k).any(|p| {
            (0..k - 1).all(|j| column[p + j] == word[j])
                && column[p + k - 1].starts_with(&word[k - 1])
        })
}

/// The plain scan: every event of the incident in time order, each typed word found in
/// one of its searched columns (text, source, tags, attributes).
pub(super) fn scan(s: &Store, incident: &str, search: &str) -> Vec<String> {
    let mut stmt = s
        .connection()
        .prepare(
            "SELECT id, text, coalesce(source, ''), tags, attrs FROM events_v
             WHERE incident_id = ?1 ORDER BY at_us, seq",
        )
        .unwrap();
    let words: Vec<Vec<String>> = search.split_whitespace().map(tokens).collect();
    stmt.query_map([incident], |r| {
        Ok((
            r.get::<_, String>(0)?,
            [r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?],
        ))
    })
    .unwrap()
    .map(|r| r.unwrap())
    .filter(|(_, cols)| {
        let cols: Vec<Vec<String>> = cols.iter().map(|c| tokens(c)).collect();
        words.iter().all(|w| cols.iter().any(|c| column_has(c, w)))
    })
    .map(|(id, _)| id)
    .collect()
}

pub(super) fn forward(s: &Store, f: &EventFilter, limit: usize) -> Vec<String> {
    let (mut ids, mut after) = (Vec::new(), None);
    loop {
        let page = s.events_page(f, after, limit).unwrap();
        assert!(page.events.len() <= limit);
        ids.extend(page.events.iter().map(|e| e.id.clone()));
        match page.next {
            Some(c) => after = Some(c),
            None => return ids,
        }
    }
}

fn backward(s: &Store, f: &EventFilter, limit: usize) -> Vec<String> {
    let (mut ids, mut before) = (Vec::new(), None);
    loop {
        let page = s.events_before(f, before, limit).unwrap();
        ids.extend(page.events.iter().map(|e| e.id.clone()));
        match page.next {
            Some(c) => before = Some(c),
            None => break,
        }
    }
    ids.reverse();
    ids
}

/// An incident whose searches take every plan: the first import in time order (narrow
/// blocks of rowids); another incident's rows in between; then rows whose times fall
/// among the second half of the first import's (rowids spread wide there).
fn every_plan() -> (Store, crate::domain::Incident) {
    let mut s = Store::open_in_memory("tester").unwrap();
    let inc = s
        .create_incident(&NewIncident::new("IR-S", "Search").unwrap())
        .unwrap();
    let other = s
        .create_incident(&NewIncident::new("IR-O", "Other").unwrap())
        .unwrap();
    let batches = [
        (&inc.id, 0, 8000, 1_000_000, 2, "a"),
        (&other.id, 0, 3000, 1_000_000, 3, "o"),
        (&inc.id, 8000, 4000, 1_008_001, 2, "b"),
    ];
    for (incident, first, n, start, step, batch) in batches {
        let rows = (0..n)
            .map(|i| row(first + i, start + step * i as i64, batch))
            .collect();
        import(&mut s, incident, rows);
    }
    (s, inc)
}

#[test]
fn search_finds_what_a_plain_scan_finds_on_every_plan() {
    let (s, inc) = every_plan();
    let searches = [
        "event",
        "ev",
        "mail",
        "mailbox token",
        "sign-in",
        "sign-i",
        "host-3",
        "hostname",
        "windows:evtx",
        "sysmon",
        "lateral",
        "beacon",
        "event 42",
        "zzz",
        "Token ALERT",
        // Prefixes standing for more terms than are written out (3,111 row numbers
        // start with 1): FTS5 merges them.
        "1",
        "11",
        "event 1",
    ];
    for search in searches {
        let expected = scan(&s, &inc.id, search);
        let mut f = EventFilter::incident(&inc.id);
        f.search = Some(search.to_string());
        assert_eq!(
            forward(&s, &f, 100),
            expected,
            "{search}: forward pages of 100"
        );
        assert_eq!(
            forward(&s, &f, 1000),
            expected,
            "{search}: forward pages of 1000"
        );
        assert_eq!(
            backward(&s, &f, 100),
            expected,
            "{search}: backward pages of 100"
        );
        let n = expected.len() as i64;
        assert_eq!(s.count_matching(&f).unwrap(), n, "{search}: count");
        assert_eq!(
            s.count_matching_up_to(&f, Some(1000)).unwrap(),
            (n.min(1000), n <= 1000),
            "{search}: capped count"
        );
    }
    // Combined with another condition.
    let mut f = EventFilter::incident(&inc.id);
    f.search = Some("token".into());
    f.tag = Some("lateral".into());
    let expected: Vec<String> = scan(&s, &inc.id, "token lateral");
    assert_eq!(forward(&s, &f, 100), expected);
}

/// The timeline counts a search (capped) before it reads the first page: the pages then
/// read their blocks' hits from what the count kept. Every cap, the hits kept complete or
/// not, gives what the plain scan gives, pages of every size, both ways.
#[test]
fn pages_after_a_capped_count_find_what_a_plain_scan_finds() {
    let (mut s, inc) = every_plan();
    for search in ["1", "11", "event", "event 1", "token", "host-1", "beacon"] {
        let expected = scan(&s, &inc.id, search);
        let n = expected.len() as i64;
        let mut f = EventFilter::incident(&inc.id);
        f.search = Some(search.to_string());
        for cap in [10, 1000, 100_000] {
            for limit in [50, 1000] {
                assert_eq!(
                    s.count_matching_up_to(&f, Some(cap)).unwrap(),
                    (n.min(cap), n <= cap),
                    "{search}: count capped at {cap}"
                );
                assert_eq!(
                    forward(&s, &f, limit),
                    expected,
                    "{search}: forward pages of {limit} after a count capped at {cap}"
                );
                s.count_matching_up_to(&f, Some(cap)).unwrap();
                assert_eq!(
                    backward(&s, &f, limit),
                    expected,
                    "{search}: backward pages of {limit} after a count capped at {cap}"
                );
            }
        }
        // Another filter's count is not used for this one.
        let mut tagged = f.clone();
        tagged.tag = Some("lateral".into());
        s.count_matching_up_to(&tagged, Some(1000)).unwrap();
        assert_eq!(
            forward(&s, &f, 100),
            expected,
            "{search}: after another count"
        );
    }
    // The data changed after the count: the kept hits are not used.
    let mut f = EventFilter::incident(&inc.id);
    f.search = Some("1".into());
    s.count_matching_up_to(&f, Some(100_000)).unwrap();
    import(
        &mut s,
        &inc.id,
        (0..50)
            .map(|i| row(i + 20_000, 1_000_001 + 2 * i as i64, "c"))
            .collect(),
    );
    assert_eq!(
        forward(&s, &f, 100),
        scan(&s, &inc.id, "1"),
        "after an import"
    );
}
