//! Ids typed by people: any unique prefix, or any unique suffix, of an id (UUID v7 ids made
//! in the same moment share a long prefix, so the random end is often the shorter way).

use super::{Result, Store, StoreError};
use rusqlite::params;

/// What kind of record an id names, and the table it lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Event,
    Finding,
    Evidence,
}

impl IdKind {
    fn table(self) -> &'static str {
        match self {
            // Read through the view that gives an event its incident's id.
            IdKind::Event => "events_v",
            IdKind::Finding => "findings",
            IdKind::Evidence => "evidence",
        }
    }

    fn name(self) -> &'static str {
        match self {
            IdKind::Event => "event",
            IdKind::Finding => "finding",
            IdKind::Evidence => "evidence",
        }
    }
}

impl Store {
    /// The one id of the incident's records of this kind that starts or ends with `typed`.
    pub fn resolve_id(&self, kind: IdKind, incident_id: &str, typed: &str) -> Result<String> {
        let typed = typed.trim().to_ascii_lowercase();
        if typed.len() < 4 || !typed.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::invalid(
                "id",
                format!(
                    "{} id {typed:?}: give at least 4 characters of the id (hex digits and '-')",
                    kind.name()
                ),
            ));
        }
        let sql = format!(
            "SELECT id FROM {} WHERE incident_id = ?1 AND (id LIKE ?2 || '%' OR id LIKE '%' || ?2) LIMIT 3",
            kind.table()
        );
        let ids: Vec<String> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![incident_id, typed], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(StoreError::NotFound(format!(
                "no {} with an id like {typed:?} in this incident",
                kind.name()
            ))),
            _ => {
                let more = if ids.len() > 2 { " and more" } else { "" };
                Err(StoreError::invalid(
                    "id",
                    format!(
                        "{} id {typed:?} is ambiguous ({}{more}); give more characters",
                        kind.name(),
                        ids[..2].join(", ")
                    ),
                ))
            }
        }
    }
}

impl Store {
    /// The one record of this kind, in any incident, whose id starts or ends with
    /// `typed`: its id and its incident's id (for commands given only an id).
    pub fn resolve_any(&self, kind: IdKind, typed: &str) -> Result<(String, String)> {
        let typed = typed.trim().to_ascii_lowercase();
        if typed.len() < 4 || !typed.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(StoreError::invalid(
                "id",
                format!(
                    "{} id {typed:?}: give at least 4 characters of the id (hex digits and '-')",
                    kind.name()
                ),
            ));
        }
        let sql = format!(
            "SELECT id, incident_id FROM {} WHERE id LIKE ?1 || '%' OR id LIKE '%' || ?1 LIMIT 3",
            kind.table()
        );
        let ids: Vec<(String, String)> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(params![typed], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(StoreError::NotFound(format!(
                "no {} with an id like {typed:?}",
                kind.name()
            ))),
            _ => Err(StoreError::invalid(
                "id",
                format!(
                    "{} id {typed:?} is ambiguous ({}, {}); give more characters",
                    kind.name(),
                    ids[0].0,
                    ids[1].0
                ),
            )),
        }
    }
}

/// The short form of an id shown in lists: its last 8 characters (the random part).
pub fn short_id(id: &str) -> &str {
    crate::text::tail(id, 8)
}
