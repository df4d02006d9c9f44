//! Creating a whole incident (incident, actors, events, causes) in one transaction.

use super::{Result, Store, StoreError};
use crate::domain::Incident;
use crate::domain::seed::IncidentSeed;
use std::collections::HashMap;

impl Store {
    /// Creates the seeded incident, all or nothing.
    pub fn create_seeded_incident(&mut self, seed: &IncidentSeed) -> Result<Incident> {
        self.write("load incident", |w| {
            let incident = w.insert_incident(&seed.incident)?;
            w.update_incident(&incident.id, &seed.details, None)?;
            for a in &seed.actors {
                w.ensure_actor(&incident.id, &a.name, a.kind, a.attribution, &a.note)?;
            }
            let mut ids: HashMap<&str, String> = HashMap::new();
            // Causes come before their effects in time; insert in time order so every
            // `caused_by` names an event that already exists.
            let mut events: Vec<_> = seed.events.iter().collect();
            events.sort_by_key(|e| e.event.at.micros());
            for e in events {
                let mut new = e.event.clone();
                if let Some(cause) = &e.caused_by {
                    let id = ids.get(cause.as_str()).ok_or_else(|| {
                        StoreError::invalid(
                            "seed",
                            format!("event caused by {cause:?}, which is not an earlier event"),
                        )
                    })?;
                    new.caused_by = Some(id.clone());
                }
                let created = w.insert_event(&incident.id, &new)?;
                if let Some(r) = &e.reference {
                    ids.insert(r, created.id);
                }
            }
            let event_id = |r: &str| {
                ids.get(r).cloned().ok_or_else(|| {
                    StoreError::invalid("seed", format!("no event {r:?} in the incident to link"))
                })
            };
            let mut findings: HashMap<&str, String> = HashMap::new();
            for f in &seed.findings {
                let created = w.insert_finding(&incident.id, None, &f.finding)?;
                for e in &f.events {
                    w.link_finding_event(&created.id, &event_id(e)?)?;
                }
                findings.insert(&f.reference, created.id);
            }
            for ev in &seed.evidence {
                let id = w.new_id();
                let mut snapshot = serde_json::json!({
                    "kind": ev.kind.as_str(), "locator": ev.locator, "title": ev.title,
                });
                if let Some((sha256, size, modified)) = &ev.file {
                    snapshot["sha256"] = serde_json::json!(sha256);
                    snapshot["size"] = serde_json::json!(size);
                    snapshot["modified"] = serde_json::json!(modified.to_rfc3339());
                }
                w.insert_evidence_snapshot(&id, &incident.id, &snapshot)?;
                for e in &ev.events {
                    w.link_evidence(&id, super::Target::Event(&event_id(e)?))?;
                }
                for f in &ev.findings {
                    let fid = findings.get(f.as_str()).ok_or_else(|| {
                        StoreError::invalid(
                            "seed",
                            format!("no finding {f:?} in the incident to link"),
                        )
                    })?;
                    w.link_evidence(&id, super::Target::Finding(fid))?;
                }
            }
            for a in &seed.actions {
                w.seed_action(&incident.id, a, &findings)?;
            }
            for e in &seed.evaluation {
                let linked = e
                    .findings
                    .iter()
                    .map(|f| {
                        findings.get(f.as_str()).cloned().ok_or_else(|| {
                            StoreError::invalid(
                                "seed",
                                format!("evaluation area {:?} links no finding {f:?}", e.area),
                            )
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                let snapshot = serde_json::json!({
                    "area": e.area, "question": e.question,
                    "sufficiency": e.sufficiency.map(|r| r.as_str()),
                    "completeness": e.completeness.map(|r| r.as_str()),
                    "note": e.note, "findings": linked,
                });
                w.insert_evaluation_snapshot(&w.new_id(), &incident.id, &snapshot, None)?;
            }
            w.incident(&incident.id)
        })
    }
}

impl super::Writer<'_> {
    /// An action with its review history as it happened (times and reviewers from the seed).
    fn seed_action(
        &self,
        incident_id: &str,
        a: &crate::domain::seed::SeedAction,
        findings: &HashMap<&str, String>,
    ) -> Result<()> {
        use crate::domain::{ActionStatus, OwnerKind, Review};
        let id = self.new_id();
        let owner = a
            .action
            .owner
            .as_deref()
            .map(|n| self.ensure_owner(n, OwnerKind::Person))
            .transpose()?;
        let group = a
            .action
            .group
            .as_deref()
            .map(|n| self.ensure_owner(n, OwnerKind::Group))
            .transpose()?;
        let created = a.reviews.first().map(|r| r.at).unwrap_or(self.now);
        let mut status = ActionStatus::Proposed;
        let mut reason = String::new();
        let mut reviews = Vec::new();
        for r in &a.reviews {
            let after = r.status.unwrap_or(status);
            if after == ActionStatus::Rejected {
                reason = r.note.clone();
            }
            reviews.push(Review {
                id: self.new_id(),
                action_id: id.clone(),
                at: r.at,
                by: r.by.clone(),
                note: r.note.clone(),
                status_before: status,
                status_after: after,
                changes: if after == status {
                    String::new()
                } else {
                    format!("status: {status} → {after}")
                },
            });
            status = after;
        }
        self.tx.execute(
            "INSERT INTO actions (id, incident_id, kind, title, description, owner_id, group_id, priority,
                 due, status, reject_reason, ticket, created_us, updated_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
            rusqlite::params![
                id,
                incident_id,
                a.action.kind.as_str(),
                a.action.title,
                a.action.description,
                owner,
                group,
                a.action.priority.as_str(),
                a.action.due.map(|d| d.to_string()),
                status.as_str(),
                reason,
                a.action.ticket,
                created.timestamp_micros()
            ],
        )?;
        for f in &a.findings {
            let fid = findings.get(f.as_str()).ok_or_else(|| {
                StoreError::invalid(
                    "seed",
                    format!("no finding {f:?} for action {}", a.action.title),
                )
            })?;
            self.tx.execute(
                "INSERT INTO action_findings (action_id, finding_id) VALUES (?1, ?2)",
                [&id, fid],
            )?;
        }
        let created_action = self.action(&id)?;
        let mut snapshot = super::action_json(&created_action, self.now.date_naive());
        snapshot["findings"] = serde_json::json!(self.strings(
            "SELECT finding_id FROM action_findings WHERE action_id = ?1",
            &id
        )?);
        self.record_insert("action", &id, Some(incident_id), &snapshot)?;
        for r in &reviews {
            self.insert_review(r)?;
            self.record_insert("review", &r.id, Some(incident_id), &super::review_json(r))?;
        }
        if let Some((document, section, when)) = &a.sop {
            let sop_id = self.new_id();
            self.tx.execute(
                "INSERT INTO sop_changes (id, action_id, document, section, incorporated) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![sop_id, id, document, section, when.map(|d| d.to_string())],
            )?;
            let v = serde_json::json!({"action_id": id, "document": document, "section": section,
                "incorporated": when.map(|d| d.to_string())});
            self.record_insert("sop_change", &sop_id, Some(incident_id), &v)?;
        }
        Ok(())
    }
}
