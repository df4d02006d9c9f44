//! The actions as a ticket tracker's CSV, shaped for Jira's CSV import so it needs no
//! mapping session: Jira's own column names (`Summary`, `Issue Type`, `Assignee`, …),
//! priorities as Jira's default scheme names, one `Labels` column per label (Jira joins
//! repeated columns into one multi-value field), `Due Date` in Jira's default import date
//! format (`dd/MMM/yy h:mm a`, e.g. `31/Jan/27 12:00 AM`). GitHub and Linear importers map
//! the same columns by name.
//!
//! By default an action that was rejected, or already has a ticket, is left out: it needs
//! no new ticket. `--all` keeps them.

use super::{ExportError, csv_row};
use crate::domain::owner::contact_email;
use crate::domain::{Action, ActionStatus, Priority};
use crate::store::{BacklogFilter, Store};
use std::collections::HashMap;
use std::io::Write;

/// Jira's default priority names: P0 → Highest, P1 → High, P2 → Medium, P3 → Low.
pub fn jira_priority(p: Priority) -> &'static str {
    match p {
        Priority::P0 => "Highest",
        Priority::P1 => "High",
        Priority::P2 => "Medium",
        Priority::P3 => "Low",
    }
}

/// Whether an action goes into the CSV without `--all`.
fn wanted(a: &Action) -> bool {
    a.status != ActionStatus::Rejected && a.ticket.trim().is_empty()
}

pub(super) fn actions_csv(
    store: &Store,
    incident_id: &str,
    all: bool,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let actions: Vec<Action> = store
        .backlog(&BacklogFilter {
            incident_id: Some(incident_id.to_string()),
            ..Default::default()
        })?
        .into_iter()
        .filter(|a| all || wanted(a))
        .collect();
    // Owners' e-mail addresses, by name: Jira assigns by e-mail or user name.
    let emails: HashMap<String, String> = store
        .list_owners()?
        .into_iter()
        .filter_map(|o| contact_email(&o.contact).map(|e| (o.name.to_lowercase(), e.into())))
        .collect();
    let rows: Vec<(Vec<String>, Vec<String>)> = actions
        .iter()
        .map(|a| action_row(store, a, &emails))
        .collect::<Result<_, _>>()?;
    let label_columns = rows.iter().map(|(_, l)| l.len()).max().unwrap_or(1).max(1);
    let mut header: Vec<String> = [
        "Summary",
        "Issue Type",
        "Description",
        "Assignee",
        "Priority",
        "Due Date",
        "Status",
        "Ticket",
    ]
    .map(String::from)
    .to_vec();
    header.extend(std::iter::repeat_n("Labels".to_string(), label_columns));
    let mut w = csv::Writer::from_writer(out);
    csv_row(&mut w, &header)?;
    for (mut cells, labels) in rows {
        let n = labels.len();
        cells.extend(labels);
        cells.extend(std::iter::repeat_n(String::new(), label_columns - n));
        csv_row(&mut w, &cells)?;
    }
    w.flush()?;
    Ok(actions.len() as u64)
}

/// An action's cells before the labels, and its labels (Jira labels have no spaces).
fn action_row(
    store: &Store,
    a: &Action,
    emails: &HashMap<String, String>,
) -> Result<(Vec<String>, Vec<String>), ExportError> {
    let findings = store.action_findings(&a.id)?;
    let mut description = a.description.clone();
    if !findings.is_empty() {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&format!(
            "Addresses, from the postmortem of {}:",
            a.incident_key
        ));
        for f in &findings {
            description.push_str(&format!("\n- {} ({})", f.title, f.kind.label()));
        }
    }
    let label = |s: &str| s.split_whitespace().collect::<Vec<_>>().join("-");
    let mut labels = vec![
        "postmortem".to_string(),
        label(&a.incident_key),
        a.kind.as_str().to_string(),
    ];
    if let Some(g) = &a.group {
        labels.push(label(g));
    }
    let assignee = a
        .owner
        .as_ref()
        .map(|o| emails.get(&o.to_lowercase()).cloned().unwrap_or(o.clone()))
        .unwrap_or_default();
    let cells = vec![
        a.title.clone(),
        "Task".to_string(),
        description,
        assignee,
        jira_priority(a.priority).to_string(),
        a.due
            .map(|d| d.format("%d/%b/%y 12:00 AM").to_string())
            .unwrap_or_default(),
        a.status.label().to_string(),
        a.ticket.clone(),
    ];
    Ok((cells, labels))
}
