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
                        StoreError::Invalid(format!(
                            "event caused by {cause:?}, which is not an earlier event"
                        ))
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
                    StoreError::Invalid(format!("no event {r:?} in the incident to link"))
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
                let snapshot = serde_json::json!({
                    "kind": ev.kind.as_str(), "locator": ev.locator, "title": ev.title,
                });
                w.insert_evidence_snapshot(&id, &incident.id, &snapshot)?;
                for e in &ev.events {
                    w.link_evidence(&id, super::Target::Event(&event_id(e)?))?;
                }
                for f in &ev.findings {
                    let fid = findings.get(f.as_str()).ok_or_else(|| {
                        StoreError::Invalid(format!("no finding {f:?} in the incident to link"))
                    })?;
                    w.link_evidence(&id, super::Target::Finding(fid))?;
                }
            }
            w.incident(&incident.id)
        })
    }
}
