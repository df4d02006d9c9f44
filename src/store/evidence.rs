//! Evidence and what it supports.

use super::rows::{instant, optional_parsed, parsed};
use super::{Result, Store, StoreError, Writer};
use crate::domain::evidence::Fingerprint;
use crate::domain::{Evidence, EvidenceKind, VerifyState};
use chrono::DateTime;
use rusqlite::{OptionalExtension, Row, params};
use serde_json::{Value, json};

const EVIDENCE_COLUMNS: &str = "v.id, v.incident_id, v.kind, v.locator, v.title, v.sha256, v.size, \
    v.modified_us, v.added_us, v.verified_us, v.verify_state";

fn evidence(r: &Row<'_>) -> rusqlite::Result<Evidence> {
    let micros = |i: usize| -> rusqlite::Result<Option<chrono::DateTime<chrono::Utc>>> {
        Ok(r.get::<_, Option<i64>>(i)?
            .and_then(DateTime::from_timestamp_micros))
    };
    Ok(Evidence {
        id: r.get(0)?,
        incident_id: r.get(1)?,
        kind: parsed(r, 2)?,
        locator: r.get(3)?,
        title: r.get(4)?,
        sha256: r.get(5)?,
        size: r.get(6)?,
        modified: micros(7)?,
        added: instant(r, 8)?,
        verified: micros(9)?,
        state: optional_parsed(r, 10)?,
    })
}

pub fn evidence_json(e: &Evidence) -> Value {
    json!({
        "id": e.id,
        "kind": e.kind.as_str(),
        "locator": e.locator,
        "title": e.title,
        "sha256": e.sha256,
        "size": e.size,
        "modified": e.modified.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        "state": e.state.map(|s| s.as_str()),
    })
}

/// What a piece of evidence is linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    Event(&'a str),
    Finding(&'a str),
}

/// Evidence with how much it supports, for lists.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceSummary {
    pub evidence: Evidence,
    pub events: i64,
    pub findings: i64,
}

impl Store {
    /// Adds a file (with its fingerprint) or a URL / ticket reference, linked to targets.
    pub fn add_evidence(
        &mut self,
        incident_id: &str,
        kind: EvidenceKind,
        locator: &str,
        title: &str,
        fingerprint: Option<&Fingerprint>,
        targets: &[Target<'_>],
    ) -> Result<Evidence> {
        self.write("add evidence", |w| {
            let id = w.new_id();
            let inserted = w.tx.execute(
                "INSERT INTO evidence (id, incident_id, kind, locator, title, sha256, size, modified_us, added_us)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    id,
                    incident_id,
                    kind.as_str(),
                    locator,
                    title,
                    fingerprint.map(|f| f.sha256.as_str()),
                    fingerprint.map(|f| f.size),
                    fingerprint.and_then(|f| f.modified).map(|t| t.timestamp_micros()),
                    w.now_us()
                ],
            );
            match inserted {
                Err(e) if super::error::is_unique_violation(&e) => {
                    let existing: String = w.tx.query_row(
                        "SELECT id FROM evidence WHERE incident_id = ?1 AND locator = ?2",
                        params![incident_id, locator],
                        |r| r.get(0),
                    )?;
                    return Err(StoreError::Conflict(format!(
                        "{locator} is already evidence of this incident (id {}); link it to more events or findings with `debrief evidence link {} --event ID --finding ID`",
                        super::short_id(&existing),
                        super::short_id(&existing)
                    )));
                }
                other => other?,
            };
            let ev = w.evidence(&id)?;
            w.record_insert("evidence", &id, Some(incident_id), &evidence_json(&ev))?;
            for t in targets {
                w.link_evidence(&id, *t)?;
            }
            Ok(ev)
        })
    }

    pub fn link_evidence(&mut self, evidence_id: &str, target: Target<'_>) -> Result<()> {
        self.write("link evidence", |w| w.link_evidence(evidence_id, target))
    }

    /// Links one piece of evidence to more events and findings, in one change.
    pub fn link_evidence_to(&mut self, evidence_id: &str, targets: &[Target<'_>]) -> Result<()> {
        self.write("link evidence", |w| {
            targets
                .iter()
                .try_for_each(|t| w.link_evidence(evidence_id, *t))
        })
    }

    /// Links and unlinks one piece of evidence at once: one change, one undo.
    pub fn relink_evidence(
        &mut self,
        evidence_id: &str,
        link: &[Target<'_>],
        unlink: &[Target<'_>],
    ) -> Result<()> {
        self.write("link evidence", |w| {
            link.iter()
                .try_for_each(|t| w.link_evidence(evidence_id, *t))?;
            unlink.iter().try_for_each(|t| match t {
                Target::Event(id) => w.unlink_evidence(evidence_id, "event", id),
                Target::Finding(id) => w.unlink_evidence(evidence_id, "finding", id),
            })
        })
    }

    /// Which evidence a finding rests on: links and unlinks pieces of evidence, one change.
    pub fn relink_finding_evidence(
        &mut self,
        finding_id: &str,
        link: &[String],
        unlink: &[String],
    ) -> Result<()> {
        self.write("link evidence", |w| {
            for ev in link {
                w.link_evidence(ev, Target::Finding(finding_id))?;
            }
            for ev in unlink {
                w.unlink_evidence(ev, "finding", finding_id)?;
            }
            Ok(())
        })
    }

    /// Removes links from one piece of evidence, in one change; the evidence stays.
    pub fn unlink_evidence_from(
        &mut self,
        evidence_id: &str,
        targets: &[Target<'_>],
    ) -> Result<()> {
        self.write("unlink evidence", |w| {
            targets.iter().try_for_each(|t| match t {
                Target::Event(id) => w.unlink_evidence(evidence_id, "event", id),
                Target::Finding(id) => w.unlink_evidence(evidence_id, "finding", id),
            })
        })
    }

    /// The incident's evidence with this locator (a file's absolute path, a URL), if any.
    pub fn evidence_by_locator(
        &self,
        incident_id: &str,
        locator: &str,
    ) -> Result<Option<Evidence>> {
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM evidence WHERE incident_id = ?1 AND locator = ?2",
                params![incident_id, locator],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|id| {
            self.conn
                .query_row(
                    &format!("SELECT {EVIDENCE_COLUMNS} FROM evidence v WHERE v.id = ?1"),
                    [&id],
                    evidence,
                )
                .map_err(Into::into)
        })
        .transpose()
    }

    /// The events and findings a piece of evidence is linked to (ids).
    pub fn evidence_links(&self, evidence_id: &str) -> Result<(Vec<String>, Vec<String>)> {
        let ids = |column: &str| -> Result<Vec<String>> {
            let sql = format!(
                "SELECT {column} FROM evidence_links WHERE evidence_id = ?1 AND {column} IS NOT NULL"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([evidence_id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        Ok((ids("event_id")?, ids("finding_id")?))
    }

    /// The incident's evidence, in the order it was added.
    pub fn list_evidence(&self, incident_id: &str) -> Result<Vec<EvidenceSummary>> {
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS},
                (SELECT count(*) FROM evidence_links l WHERE l.evidence_id = v.id AND l.event_id IS NOT NULL),
                (SELECT count(*) FROM evidence_links l WHERE l.evidence_id = v.id AND l.finding_id IS NOT NULL)
             FROM evidence v WHERE v.incident_id = ?1 ORDER BY v.added_us, v.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([incident_id], |r| {
            Ok(EvidenceSummary {
                evidence: evidence(r)?,
                events: r.get(11)?,
                findings: r.get(12)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The evidence an event or a finding rests on.
    pub fn evidence_for(&self, target: Target<'_>) -> Result<Vec<Evidence>> {
        let (column, id) = match target {
            Target::Event(id) => ("event_id", id),
            Target::Finding(id) => ("finding_id", id),
        };
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM evidence v JOIN evidence_links l ON l.evidence_id = v.id
             WHERE l.{column} = ?1 ORDER BY v.added_us"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([id], evidence)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Re-reads every file of the incident and records what it found. `check` computes the
    /// file's fingerprint (the hashing happens outside the transaction).
    pub fn verify_evidence(
        &mut self,
        incident_id: &str,
        check: impl Fn(&str) -> Option<Fingerprint>,
    ) -> Result<Vec<(Evidence, VerifyState)>> {
        let files: Vec<Evidence> = self
            .list_evidence(incident_id)?
            .into_iter()
            .map(|s| s.evidence)
            .filter(|e| e.kind == EvidenceKind::File)
            .collect();
        let results: Vec<(Evidence, VerifyState)> = files
            .into_iter()
            .map(|e| {
                let state = match check(&e.locator) {
                    None => VerifyState::Missing,
                    Some(f) if Some(&f.sha256) == e.sha256.as_ref() => VerifyState::Ok,
                    Some(_) => VerifyState::Changed,
                };
                (e, state)
            })
            .collect();
        self.write("verify evidence", |w| {
            for (e, state) in &results {
                if e.state != Some(*state) {
                    w.record_update(
                        "evidence",
                        &e.id,
                        Some(incident_id),
                        "verify_state",
                        e.state.map(|s| s.as_str()),
                        Some(state.as_str()),
                    )?;
                }
                w.tx.execute(
                    "UPDATE evidence SET verified_us = ?1, verify_state = ?2 WHERE id = ?3",
                    params![w.now_us(), state.as_str(), e.id],
                )?;
            }
            Ok(())
        })?;
        Ok(results)
    }
}

impl Writer<'_> {
    pub(crate) fn evidence(&self, id: &str) -> Result<Evidence> {
        let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM evidence v WHERE v.id = ?1");
        self.tx
            .query_row(&sql, [id], evidence)
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("evidence {id} no longer exists")))
    }

    pub(crate) fn link_evidence(&self, evidence_id: &str, target: Target<'_>) -> Result<()> {
        let ev = self.evidence(evidence_id)?;
        let (kind, target_id, incident) = match target {
            Target::Event(id) => ("event", id, self.event(id)?.incident_id),
            Target::Finding(id) => ("finding", id, self.finding(id)?.incident_id),
        };
        if incident != ev.incident_id {
            return Err(StoreError::invalid(
                "evidence",
                format!("{kind} {target_id} belongs to another incident"),
            ));
        }
        let sql = format!(
            "INSERT OR IGNORE INTO evidence_links (evidence_id, {kind}_id) VALUES (?1, ?2)"
        );
        if self.tx.execute(&sql, [evidence_id, target_id])? > 0 {
            let link =
                json!({"evidence_id": evidence_id, "target_kind": kind, "target_id": target_id});
            self.record_insert(
                "evidence_link",
                &format!("{evidence_id}/{target_id}"),
                Some(&incident),
                &link,
            )?;
        }
        Ok(())
    }

    pub(crate) fn delete_evidence(&self, id: &str) -> Result<Evidence> {
        let ev = self.evidence(id)?;
        let links: Vec<(Option<String>, Option<String>)> = self
            .tx
            .prepare_cached(
                "SELECT event_id, finding_id FROM evidence_links WHERE evidence_id = ?1",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (event, finding) in links {
            match (event, finding) {
                (Some(e), _) => self.unlink_evidence(id, "event", &e)?,
                (_, Some(f)) => self.unlink_evidence(id, "finding", &f)?,
                _ => {}
            }
        }
        self.record_delete("evidence", id, Some(&ev.incident_id), &evidence_json(&ev))?;
        self.tx
            .execute("DELETE FROM evidence WHERE id = ?1", [id])?;
        Ok(ev)
    }

    /// Inserts evidence from its JSON snapshot under a known id (undo, redo, seeds).
    pub(crate) fn insert_evidence_snapshot(
        &self,
        id: &str,
        incident_id: &str,
        v: &Value,
    ) -> Result<()> {
        let text = |k: &str| v[k].as_str().map(str::to_string);
        let modified = text("modified")
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.timestamp_micros());
        self.tx.execute(
            "INSERT INTO evidence (id, incident_id, kind, locator, title, sha256, size, modified_us, added_us, verify_state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                id,
                incident_id,
                text("kind"),
                text("locator"),
                text("title").unwrap_or_default(),
                text("sha256"),
                v["size"].as_i64(),
                modified,
                self.now_us(),
                text("state")
            ],
        )?;
        self.record_insert("evidence", id, Some(incident_id), v)
    }

    pub(crate) fn unlink_evidence(
        &self,
        evidence_id: &str,
        kind: &str,
        target_id: &str,
    ) -> Result<()> {
        let ev = self.evidence(evidence_id)?;
        let column = if kind == "event" {
            "event_id"
        } else {
            "finding_id"
        };
        let sql = format!("DELETE FROM evidence_links WHERE evidence_id = ?1 AND {column} = ?2");
        if self.tx.execute(&sql, [evidence_id, target_id])? > 0 {
            let link =
                json!({"evidence_id": evidence_id, "target_kind": kind, "target_id": target_id});
            self.record_delete(
                "evidence_link",
                &format!("{evidence_id}/{target_id}"),
                Some(&ev.incident_id),
                &link,
            )?;
        }
        Ok(())
    }
}
