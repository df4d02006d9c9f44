//! The tables a bundle holds, in the order their rows are inserted (what a row refers to
//! first), with the columns each carries and how an incident's rows are found.

use super::{Result, StoreError};

/// One table of a bundle: which rows belong to the incident, in which order, and what
/// identifies a row.
pub(super) struct Table {
    pub(super) name: &'static str,
    pub(super) key: &'static [&'static str],
    pub(super) columns: &'static [&'static str],
    /// Selects the incident's rows; `?1` is the incident id.
    pub(super) filter: &'static str,
    pub(super) order: &'static str,
}

impl Table {
    pub(super) fn has_updated(&self) -> bool {
        self.columns.contains(&"updated_us")
    }

    /// Where the rows are read with the columns a bundle names: events through the view
    /// that gives each its incident's id (the table names the incident by its number).
    pub(super) fn read_from(&self) -> &'static str {
        if self.name == "events" {
            "events_v"
        } else {
            self.name
        }
    }

    /// The stored column a bundle's column is written to.
    pub(super) fn stored_column<'c>(&self, c: &'c str) -> &'c str {
        if self.name == "events" && c == "incident_id" {
            "incident"
        } else {
            c
        }
    }

    /// The value written for the bundle's column `c` from the statement's `?i`: an
    /// event's incident id becomes the incident's number.
    pub(super) fn value_mark(&self, c: &str, i: usize) -> String {
        if self.name == "events" && c == "incident_id" {
            format!("(SELECT num FROM incidents WHERE id = ?{i})")
        } else {
            format!("?{i}")
        }
    }

    /// `INSERT INTO` the table with the bundle's columns and then `extra` (plain values).
    pub(super) fn insert_sql(&self, extra: &[&str]) -> String {
        let columns: Vec<&str> = self
            .columns
            .iter()
            .map(|c| self.stored_column(c))
            .chain(extra.iter().copied())
            .collect();
        let marks: Vec<String> = self
            .columns
            .iter()
            .chain(extra)
            .enumerate()
            .map(|(i, c)| self.value_mark(c, i + 1))
            .collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.name,
            columns.join(", "),
            marks.join(", ")
        )
    }
}

/// In the order rows must be inserted (what they refer to first).
pub(super) const TABLES: [Table; 13] = [
    Table {
        name: "incidents",
        key: &["id"],
        columns: &[
            "id",
            "key",
            "title",
            "severity",
            "status",
            "customer_impact",
            "data_breach",
            "zone",
            "detected_us",
            "detected_offset",
            "detected_precision",
            "summary",
            "response",
            "takeaways",
            "impact",
            "classification",
            "created_us",
            "updated_us",
            "version",
        ],
        filter: "id = ?1",
        order: "id",
    },
    Table {
        name: "actors",
        key: &["id"],
        columns: &[
            "id",
            "incident_id",
            "name",
            "kind",
            "attribution",
            "note",
            "version",
        ],
        filter: "incident_id = ?1",
        order: "id",
    },
    Table {
        name: "events",
        key: &["id"],
        columns: &[
            "id",
            "incident_id",
            "at_us",
            "at_offset",
            "at_precision",
            "text",
            "actor_id",
            "source",
            "phase",
            "tags",
            "technique",
            "key_kind",
            "caused_by",
            "created_us",
            "updated_us",
            "version",
            "attrs",
            "fingerprint",
        ],
        filter: "incident_id = ?1",
        order: "at_us, id",
    },
    Table {
        name: "findings",
        key: &["id"],
        columns: &[
            "id",
            "incident_id",
            "kind",
            "title",
            "description",
            "impact",
            "cross_org",
            "org_group",
            "created_us",
            "updated_us",
            "version",
        ],
        filter: "incident_id = ?1",
        order: "id",
    },
    Table {
        name: "finding_events",
        key: &["finding_id", "event_id"],
        columns: &["finding_id", "event_id"],
        filter: "finding_id IN (SELECT id FROM findings WHERE incident_id = ?1)",
        order: "finding_id, event_id",
    },
    Table {
        name: "evidence",
        key: &["id"],
        columns: &[
            "id",
            "incident_id",
            "kind",
            "locator",
            "title",
            "sha256",
            "size",
            "modified_us",
            "added_us",
            "verified_us",
            "verify_state",
            "version",
        ],
        filter: "incident_id = ?1",
        order: "id",
    },
    Table {
        name: "evidence_links",
        key: &["evidence_id", "event_id", "finding_id"],
        columns: &["evidence_id", "event_id", "finding_id"],
        filter: "evidence_id IN (SELECT id FROM evidence WHERE incident_id = ?1)",
        order: "evidence_id, event_id, finding_id",
    },
    Table {
        name: "owners",
        key: &["name"],
        columns: &["id", "name", "kind", "contact", "version"],
        filter: "id IN (SELECT owner_id FROM actions WHERE incident_id = ?1
                 UNION SELECT group_id FROM actions WHERE incident_id = ?1)",
        order: "name",
    },
    Table {
        name: "actions",
        key: &["id"],
        columns: &[
            "id",
            "incident_id",
            "kind",
            "title",
            "description",
            "owner_id",
            "group_id",
            "priority",
            "due",
            "status",
            "reject_reason",
            "ticket",
            "created_us",
            "updated_us",
            "version",
        ],
        filter: "incident_id = ?1",
        order: "id",
    },
    Table {
        name: "action_findings",
        key: &["action_id", "finding_id"],
        columns: &["action_id", "finding_id"],
        filter: "action_id IN (SELECT id FROM actions WHERE incident_id = ?1)",
        order: "action_id, finding_id",
    },
    Table {
        name: "reviews",
        key: &["id"],
        columns: &[
            "id",
            "action_id",
            "at_us",
            "by",
            "note",
            "status_before",
            "status_after",
            "changes",
        ],
        filter: "action_id IN (SELECT id FROM actions WHERE incident_id = ?1)",
        order: "at_us, id",
    },
    Table {
        name: "sop_changes",
        key: &["id"],
        columns: &["id", "action_id", "document", "section", "incorporated"],
        filter: "action_id IN (SELECT id FROM actions WHERE incident_id = ?1)",
        order: "id",
    },
    Table {
        name: "evaluation_items",
        key: &["id"],
        columns: &[
            "id",
            "incident_id",
            "position",
            "area",
            "question",
            "sufficiency",
            "completeness",
            "note",
            "findings",
            "created_us",
            "updated_us",
            "version",
        ],
        filter: "incident_id = ?1",
        order: "position, id",
    },
];

pub(super) fn table(name: &str) -> Result<&'static Table> {
    TABLES
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| StoreError::invalid("bundle", format!("a bundle has no table {name:?}")))
}
