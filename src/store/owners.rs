//! Owners: the people and groups follow-up work is assigned to, shared by all incidents.

use super::actions::OwnerLoad;
use super::error::is_unique_violation;
use super::rows::parsed;
use super::{Result, Store, StoreError};
use crate::domain::{Owner, OwnerKind};
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
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
                kind: kind.parse().map_err(|e: crate::domain::Invalid| {
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

impl Store {
    /// Renames an owner; every action assigned to them follows (they point at the owner).
    pub fn rename_owner(&mut self, name: &str, new_name: &str) -> Result<()> {
        let new_name =
            crate::domain::required("new name", new_name).map_err(StoreError::Invalid)?;
        self.write("rename owner", |w| {
            let id = w.owner_id(name)?;
            let clash: Option<String> = w
                .tx
                .query_row("SELECT id FROM owners WHERE name = ?1 COLLATE NOCASE AND id <> ?2", [&new_name, &id], |r| r.get(0))
                .optional()?;
            if clash.is_some() {
                return Err(StoreError::Conflict(format!(
                    "{new_name:?} is already an owner; merge the two instead ('debrief owner merge')"
                )));
            }
            w.tx.execute("UPDATE owners SET name = ?1, version = version + 1 WHERE id = ?2", [&new_name, &id])?;
            w.record_update("owner", &id, None, "name", Some(name), Some(&new_name))
        })
    }

    /// Sets how an owner is reached (an e-mail address, a channel); empty clears it. The
    /// actions CSV gives a ticket tracker the address as the assignee.
    pub fn set_owner_contact(&mut self, name: &str, contact: &str) -> Result<()> {
        let contact =
            crate::domain::owner::validate_contact(contact).map_err(StoreError::Invalid)?;
        self.write("set owner contact", |w| {
            let id = w.owner_id(name)?;
            let old: String =
                w.tx.query_row("SELECT contact FROM owners WHERE id = ?1", [&id], |r| {
                    r.get(0)
                })?;
            if old == contact {
                return Ok(());
            }
            w.tx.execute(
                "UPDATE owners SET contact = ?1, version = version + 1 WHERE id = ?2",
                [&contact, &id],
            )?;
            w.record_update("owner", &id, None, "contact", Some(&old), Some(&contact))
        })
    }

    /// Merges owner `from` into `into`: every assignment moves, then `from` is removed.
    /// Says how many actions moved.
    pub fn merge_owners(&mut self, from: &str, into: &str) -> Result<usize> {
        self.write("merge owners", |w| {
            let from_id = w.owner_id(from)?;
            let into_id = w.owner_id(into)?;
            let into_name: String =
                w.tx.query_row("SELECT name FROM owners WHERE id = ?1", [&into_id], |r| {
                    r.get(0)
                })?;
            if from_id == into_id {
                return Err(StoreError::invalid(
                    "owner",
                    format!("{from:?} and {into:?} are the same owner"),
                ));
            }
            let mut moved = 0;
            for field in ["owner", "group"] {
                let ids = w.strings(
                    &format!("SELECT id FROM actions WHERE {field}_id = ?1"),
                    &from_id,
                )?;
                for action in ids {
                    let a = w.action(&action)?;
                    let old = if field == "owner" {
                        a.owner.clone()
                    } else {
                        a.group.clone()
                    };
                    w.tx.execute(
                        &format!("UPDATE actions SET {field}_id = ?1 WHERE id = ?2"),
                        [&into_id, &action],
                    )?;
                    w.record_update(
                        "action",
                        &action,
                        Some(&a.incident_id),
                        field,
                        old.as_deref(),
                        Some(&into_name),
                    )?;
                    moved += 1;
                }
            }
            let (name, kind, contact): (String, String, String) = w.tx.query_row(
                "SELECT name, kind, contact FROM owners WHERE id = ?1",
                [&from_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            w.record_delete(
                "owner",
                &from_id,
                None,
                &json!({"name": name, "kind": kind, "contact": contact}),
            )?;
            w.tx.execute("DELETE FROM owners WHERE id = ?1", [&from_id])?;
            Ok(moved)
        })
    }

    /// Every owner with open, overdue and due-within-a-week counts on `today`.
    pub fn owner_loads(&self, today: NaiveDate) -> Result<Vec<OwnerLoad>> {
        let week = today
            .checked_add_days(chrono::Days::new(7))
            .unwrap_or(NaiveDate::MAX);
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.name, o.kind, o.contact,
                count(a.id),
                count(CASE WHEN a.due < ?1 THEN 1 END),
                count(CASE WHEN a.due >= ?1 AND a.due <= ?2 THEN 1 END)
             FROM owners o LEFT JOIN actions a
               ON (a.owner_id = o.id OR a.group_id = o.id) AND a.status IN ('proposed', 'accepted', 'in-progress')
             GROUP BY o.id ORDER BY o.kind DESC, o.name",
        )?;
        let rows = stmt.query_map([today.to_string(), week.to_string()], |r| {
            Ok(OwnerLoad {
                name: r.get(0)?,
                kind: parsed(r, 1)?,
                contact: r.get(2)?,
                open: r.get(3)?,
                overdue: r.get(4)?,
                due_this_week: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
