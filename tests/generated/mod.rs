//! Generated timelines for the suites that need many events: rows one second apart from
//! 2026-03-10 00:00:00Z, imported through the real importer as a Timesketch CSV.
// Each test binary uses a different subset of these.
#![allow(dead_code)]

use debrief::domain::NewIncident;
use debrief::io::import::{self, ImportFormat, TimeOptions};
use debrief::store::{ImportRun, Store};

/// Imports `n` rows into `incident` from a CSV named `file`; row i's message is
/// `message(i)`. Every row must import.
pub fn import_rows(
    store: &mut Store,
    incident: &str,
    file: &str,
    n: i64,
    message: impl Fn(i64) -> String,
) {
    let run = ImportRun {
        file: file.into(),
        format: "timesketch-csv".into(),
        ..Default::default()
    };
    import_with(store, incident, &run, n, message);
}

/// [`import_rows`] run as `run` says (e.g. left to the search backlog from a few rows).
pub fn import_with(
    store: &mut Store,
    incident: &str,
    run: &ImportRun,
    n: i64,
    message: impl Fn(i64) -> String,
) {
    let mut csv = String::from("message,timestamp,timestamp_desc\n");
    for i in 0..n {
        csv.push_str(&format!(
            "{},{},Event Recorded\n",
            message(i),
            1_773_100_800 + i
        ));
    }
    let mut rows = import::open(
        Box::new(std::io::Cursor::new(csv.into_bytes())),
        ImportFormat::Auto,
        &[],
        TimeOptions::default(),
    )
    .unwrap();
    let o = store
        .import_rows(incident, &mut rows, run, &mut |_| {}, &|| String::new())
        .unwrap();
    assert_eq!(o.imported, n as u64, "every generated row imports");
}

/// A new incident `key` in `store` holding `n` generated rows; returns its id.
pub fn incident_with_rows(
    store: &mut Store,
    key: &str,
    n: i64,
    message: impl Fn(i64) -> String,
) -> String {
    let incident = store
        .create_incident(&NewIncident::new(key, "A large timeline").unwrap())
        .unwrap();
    import_rows(store, &incident.id, "big.csv", n, message);
    incident.id
}
