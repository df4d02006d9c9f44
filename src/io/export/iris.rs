//! The DFIR-IRIS timeline CSV, written to pass IRIS's upload route
//! (`case_events_upload_csv` in iris-web) row for row:
//!
//! - the ten columns it requires (`event_date` … `event_tags`);
//! - `event_category` empty or one of IRIS's own category names, matched exactly: an
//!   unknown name aborts the whole upload. Phases and the tactic of an event's ATT&CK
//!   technique map onto those names; any other phase goes to `Unspecified` and is kept as a
//!   tag;
//! - `event_date` as `%Y-%m-%dT%H:%M:%S.%f` (IRIS's schema) in the event's own offset,
//!   which goes to `event_tz`;
//! - IRIS splits the upload with Python's `str.splitlines()` before reading it as CSV, so a
//!   line break inside a quoted cell glues its two lines together: every cell is one line.
//!   The title is the text's first line; the whole text, its lines joined with ` - ` (as
//!   IRIS's own CSV export writes them), goes to `event_content`;
//! - `event_assets` and `event_iocs` name assets and IOCs that must already exist in the
//!   IRIS case, or the upload stops: they are left empty and the names go into the content;
//! - a title of at least two characters (IRIS's `Length(min=2)`).
//!
//! IRIS replaces `event_source` with the source typed in its upload dialog.

use super::{ExportError, csv_row, write_failed};
use crate::domain::{Event, Phase};
use crate::store::{EventFilter, Store};
use std::io::Write;

/// DFIR-IRIS's event categories, as its database is seeded (`create_safe_events_cats`).
pub const IRIS_CATEGORIES: [&str; 15] = [
    "Unspecified",
    "Legitimate",
    "Remediation",
    "Initial Access",
    "Execution",
    "Persistence",
    "Privilege Escalation",
    "Defense Evasion",
    "Credential Access",
    "Discovery",
    "Lateral Movement",
    "Collection",
    "Command and Control",
    "Exfiltration",
    "Impact",
];

/// The characters Python's `str.splitlines()` ends a line at.
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// The IRIS category an ATT&CK tactic (`lateral-movement`) names, if IRIS has one.
fn tactic_category(tactic: &str) -> Option<&'static str> {
    IRIS_CATEGORIES
        .iter()
        .copied()
        .find(|c| c.to_ascii_lowercase().replace(' ', "-") == tactic)
}

/// The IRIS category of a phase, if one fits: containment, eradication and recovery are
/// IRIS's `Remediation`.
fn phase_category(phase: Phase) -> Option<&'static str> {
    match phase {
        Phase::InitialAccess => Some("Initial Access"),
        Phase::Impact => Some("Impact"),
        Phase::Containment | Phase::Eradication | Phase::Recovery => Some("Remediation"),
        Phase::Precursor | Phase::Detection | Phase::Escalation | Phase::Communication => None,
    }
}

/// An event's IRIS category: the tactic of its technique, else its phase, else the
/// category an IRIS import brought (when IRIS knows it), else `Unspecified`.
pub fn category(e: &Event) -> &'static str {
    let from_technique = e
        .technique
        .as_deref()
        .and_then(crate::domain::attack::technique)
        .and_then(|t| t.tactics.iter().find_map(|t| tactic_category(t)));
    let imported = || {
        let v = attr(e, "event_category");
        IRIS_CATEGORIES
            .iter()
            .copied()
            .find(|c| c.eq_ignore_ascii_case(v.trim()))
    };
    from_technique
        .or_else(|| e.phase.and_then(phase_category))
        .or_else(|| e.phase.is_none().then(imported).flatten())
        .unwrap_or("Unspecified")
}

fn attr(e: &Event, k: &str) -> String {
    e.attrs
        .iter()
        .find(|(a, _)| a == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// The lines of a text joined on one line.
fn one_line(text: &str, joiner: &str) -> String {
    text.split(is_line_break)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(joiner)
}

/// The title: the first line of the text, at least two characters long.
fn title(text: &str) -> String {
    let first = text
        .split(is_line_break)
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let more = one_line(text, " ") != first;
    let mut t = first.to_string();
    if more {
        t.push_str(" …");
    }
    while t.chars().count() < 2 {
        t.push('.');
    }
    t
}

/// One event's row, in [`crate::io::import::IRIS_COLUMNS`] order.
pub fn row(e: &Event) -> [String; 10] {
    let local = e.at.original();
    let category = category(e);
    let mut tags = e.tags.clone();
    if let Some(p) = e.phase
        && !category.eq_ignore_ascii_case(p.label())
    {
        tags.push(p.as_str().to_string());
    }
    let mut content = vec![one_line(&e.text, " - ")];
    // What an IRIS import brought: its upload CSV's names, or its timeline export's.
    for key in ["event_content", "event_description"] {
        let v = attr(e, key);
        if !v.trim().is_empty() {
            content.push(one_line(&v, " - "));
        }
    }
    for (key, label) in [
        ("event_assets", "Assets"),
        ("linked_assets", "Assets"),
        ("event_iocs", "IOCs"),
        ("linked_iocs", "IOCs"),
    ] {
        let v = attr(e, key);
        if !v.trim().is_empty() {
            content.push(format!("{label}: {}", one_line(&v, " ")));
        }
    }
    if let Some(a) = &e.actor {
        content.push(format!("Actor: {}", one_line(a, " ")));
    }
    if let Some(t) = &e.technique {
        content.push(format!("ATT&CK: {t}"));
    }
    [
        local.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        local.format("%:z").to_string(),
        title(&e.text),
        category.to_string(),
        content.join(" | "),
        one_line(&attr(e, "event_raw"), " - "),
        one_line(e.source.as_deref().unwrap_or_default(), " "),
        String::new(),
        String::new(),
        tags.iter()
            .map(|t| one_line(t, " ").replace('|', "/"))
            .collect::<Vec<_>>()
            .join("|"),
    ]
}

pub(super) fn iris_csv(
    store: &Store,
    incident_id: &str,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    // Lines end with `\n` alone: IRIS's splitlines() takes either.
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    csv_row(&mut w, &crate::io::import::IRIS_COLUMNS.map(String::from))?;
    let mut n = 0;
    store.for_each_event(&EventFilter::incident(incident_id), |e| {
        csv_row(&mut w, &row(e)).map_err(write_failed)?;
        n += 1;
        Ok(())
    })?;
    w.flush()?;
    Ok(n)
}
