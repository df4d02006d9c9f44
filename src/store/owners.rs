//! Owners: the people and groups follow-up work is assigned to, shared by all incidents.

use super::error::is_unique_violation;
use super::{Result, Store, StoreError};
use crate::domain::{Owner, OwnerKind};
use rusqlite::params;
use serde_json::json;

impl Store {
    pub fn create_owner(&mut self, name: &str, kind: OwnerKind, contact: &str) -> Result<Owner> {
        let name = crate::domain::required("owner name", name).map_err(StoreError::Invalid)?;
        self.write("create owner", |w| {
            let id = w.new_id();
            let inserted = w.tx.execute(
                "INSERT INTO owners (id, name, kind, contact) VALUES (?1, ?2, ?3, ?4)",
                params![id, name, kind.as_str(), contact],
            );
            match inserted {
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Conflict(format!(
                        "owner {name:?} already exists"
                    )));
                }
                other => other?,
            };
            let snapshot = json!({"name": name, "kind": kind.as_str(), "contact": contact});
            w.record_insert("owner", &id, None, &snapshot)?;
            Ok(Owner {
                id,
                name: name.clone(),
                kind,
                contact: contact.to_string(),
            })
        })
    }

    /// Every owner, by name.
    pub fn list_owners(&self) -> Result<Vec<Owner>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, kind, contact FROM owners ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            let kind: String = r.get(2)?;
            Ok(Owner {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: kind.parse().map_err(|e: String| {
                    rusqlite::Error::FromSqlConversionFailure(
                        2,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })?,
                contact: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
