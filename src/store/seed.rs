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
            w.incident(&incident.id)
        })
    }
}
