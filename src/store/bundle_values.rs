//! The values of a bundle's rows, by the domain's own parsers and rules: ids, keys,
//! zones, names of kinds and states, times, offsets, tags, technique ids, hashes and
//! dates. A bundle can hold nothing the command line would refuse (see bundle_check for
//! which incident its rows may touch).

use super::{Result, StoreError};
use crate::domain::action::parse_date;
use crate::domain::event::{normalize_tag, validate_technique_id};
use crate::domain::{
    ActionKind, ActionStatus, ActorKind, Attribution, EvidenceKind, KeyEventKind, LapseKind,
    OwnerKind, Phase, Precision, Priority, Rating, Severity, Status, VerifyState, parse_zone,
};
use serde_json::{Map, Value};
use std::str::FromStr;

/// The earliest and latest instants a bundle may hold: years 1 to 9999, the range every
/// view and report can show.
const MIN_US: i64 = -62_135_596_800_000_000;
const MAX_US: i64 = 253_402_300_799_999_999;
/// UTC offsets as any parser may have kept them (an imported log's too): less than a day
/// either way, the range a fixed offset can have.
const MAX_OFFSET: i64 = 86_399;
/// Record versions count edits; far below where `version + 1` could overflow.
const MAX_VERSION: i64 = 1 << 48;

/// A refusal naming where in the bundle the bad value is.
pub(super) fn bad(table: &str, key: &str, what: String) -> StoreError {
    StoreError::invalid(
        "bundle",
        format!(
            "the bundle was refused, nothing was imported: {table} {}: {what}",
            crate::text::inert(key)
        ),
    )
}

/// One row being checked: its table, its key (for messages) and its values.
pub(super) struct RowCheck<'a> {
    pub(super) table: &'static str,
    pub(super) key: String,
    pub(super) row: &'a Map<String, Value>,
}

impl RowCheck<'_> {
    pub(super) fn fail(&self, column: &str, why: impl std::fmt::Display) -> StoreError {
        bad(self.table, &self.key, format!("{column}: {why}"))
    }

    /// A row of a table with an `incident_id` belongs to the bundle's incident.
    pub(super) fn of_incident(&self, columns: &[&str], incident_id: &str) -> Result<()> {
        if !columns.contains(&"incident_id") {
            return Ok(());
        }
        let theirs = self.id("incident_id")?;
        if theirs != incident_id {
            return Err(self.fail(
                "incident_id",
                format!("{theirs} is another incident than the bundle's ({incident_id})"),
            ));
        }
        Ok(())
    }

    fn value(&self, column: &str) -> &Value {
        self.row.get(column).unwrap_or(&Value::Null)
    }

    fn opt_text(&self, column: &str) -> Result<Option<&str>> {
        match self.value(column) {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            other => Err(self.fail(column, format!("expected text, found {}", kind(other)))),
        }
    }

    pub(super) fn text(&self, column: &str) -> Result<&str> {
        self.opt_text(column)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    /// Text that must not be empty (titles, names). Not trimmed: an imported log may
    /// have given an actor or a text of spaces, and its bundle must travel.
    pub(super) fn required(&self, column: &str) -> Result<&str> {
        let t = self.text(column)?;
        if t.is_empty() {
            return Err(self.fail(column, format!("{column} must not be empty")));
        }
        Ok(t)
    }

    fn opt_int(&self, column: &str, min: i64, max: i64) -> Result<Option<i64>> {
        match self.value(column) {
            Value::Null => Ok(None),
            Value::Number(n) => match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Ok(Some(i)),
                Some(i) => Err(self.fail(column, format!("{i} is out of range ({min} to {max})"))),
                None => Err(self.fail(column, format!("{n} is not a whole number"))),
            },
            other => Err(self.fail(column, format!("expected a number, found {}", kind(other)))),
        }
    }

    fn int(&self, column: &str, min: i64, max: i64) -> Result<i64> {
        self.opt_int(column, min, max)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    fn opt_micros(&self, column: &str) -> Result<Option<i64>> {
        self.opt_int(column, MIN_US, MAX_US).map_err(|_| {
            self.fail(
                column,
                format!(
                    "{} is not a time in microseconds between the years 1 and 9999",
                    self.value(column)
                ),
            )
        })
    }

    fn micros(&self, column: &str) -> Result<i64> {
        self.opt_micros(column)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    fn flag(&self, column: &str) -> Result<()> {
        self.int(column, 0, 1).map(drop)
    }

    fn version(&self) -> Result<()> {
        self.int("version", 1, MAX_VERSION).map(drop)
    }

    fn offset(&self, column: &str) -> Result<()> {
        self.int(column, -MAX_OFFSET, MAX_OFFSET).map(drop)
    }

    /// A name of a closed set, exactly as stored (`in-review`, not `In Review`).
    fn opt_enum<T: FromStr<Err = crate::domain::Invalid> + std::fmt::Display>(
        &self,
        column: &str,
    ) -> Result<Option<T>> {
        let Some(text) = self.opt_text(column)? else {
            return Ok(None);
        };
        let value: T = text
            .parse()
            .map_err(|e: crate::domain::Invalid| self.fail(column, e.reason))?;
        if value.to_string() != text {
            return Err(self.fail(
                column,
                format!("{text:?} is not written as stored ({value})"),
            ));
        }
        Ok(Some(value))
    }

    fn enumerated<T: FromStr<Err = crate::domain::Invalid> + std::fmt::Display>(
        &self,
        column: &str,
    ) -> Result<T> {
        self.opt_enum(column)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    pub(super) fn opt_id(&self, column: &str) -> Result<Option<&str>> {
        let Some(id) = self.opt_text(column)? else {
            return Ok(None);
        };
        check_id(id).map_err(|e| self.fail(column, e))?;
        Ok(Some(id))
    }

    pub(super) fn id(&self, column: &str) -> Result<&str> {
        self.opt_id(column)?
            .ok_or_else(|| self.fail(column, "is missing (null)"))
    }

    fn opt_date(&self, column: &str) -> Result<()> {
        if let Some(text) = self.opt_text(column)? {
            let date = parse_date(text).map_err(|e| self.fail(column, e))?;
            if date.to_string() != text {
                return Err(self.fail(column, format!("{text:?} is not written YYYY-MM-DD")));
            }
        }
        Ok(())
    }
}

pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Record ids are UUIDs in their usual lowercase form, as debrief makes them.
pub(super) fn check_id(id: &str) -> std::result::Result<(), String> {
    match uuid::Uuid::try_parse(id) {
        Ok(u) if u.hyphenated().to_string() == id => Ok(()),
        _ => Err(format!(
            "{:?} is not a record id (a UUID such as 0190a1b2-...)",
            crate::text::inert(crate::text::head(id, 40))
        )),
    }
}

/// A SHA-256 as stored: 64 lowercase hex digits.
fn check_sha256(text: &str) -> std::result::Result<(), String> {
    if text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err("is not a SHA-256 (64 lowercase hex digits)".into())
    }
}

/// Every value of one row, by the domain's rules.
pub(super) fn check_values(c: &RowCheck<'_>) -> Result<()> {
    match c.table {
        "incidents" => {
            c.id("id")?;
            c.required("title")?;
            c.enumerated::<Severity>("severity")?;
            c.enumerated::<Status>("status")?;
            c.flag("customer_impact")?;
            c.flag("data_breach")?;
            let zone = c.text("zone")?;
            parse_zone(zone).map_err(|e| c.fail("zone", e))?;
            // An offset or precision may be missing (read as UTC and exact), never wrong.
            c.opt_micros("detected_us")?;
            c.opt_int("detected_offset", -MAX_OFFSET, MAX_OFFSET)?;
            c.opt_enum::<Precision>("detected_precision")?;
            for t in [
                "summary",
                "response",
                "takeaways",
                "impact",
                "classification",
            ] {
                c.text(t)?;
            }
            times(c)?;
            c.version()
        }
        "actors" => {
            c.required("name")?;
            c.enumerated::<ActorKind>("kind")?;
            c.enumerated::<Attribution>("attribution")?;
            c.text("note")?;
            c.version()
        }
        "events" => {
            c.micros("at_us")?;
            c.offset("at_offset")?;
            c.enumerated::<Precision>("at_precision")?;
            c.required("text")?;
            c.opt_id("actor_id")?;
            c.opt_text("source")?;
            c.opt_enum::<Phase>("phase")?;
            // Tags as stored: typed ones by the tag rules, imported ones lower case
            // (the importer keeps a log's other characters, shown inert).
            for tag in c.text("tags")?.split(' ').filter(|t| !t.is_empty()) {
                if normalize_tag(tag).is_ok_and(|t| t == tag) || tag.to_lowercase() == tag {
                    continue;
                }
                return Err(c.fail(
                    "tags",
                    format!("{tag:?} is not a tag as stored (lower case)"),
                ));
            }

            if let Some(t) = c.opt_text("technique")? {
                match validate_technique_id(t) {
                    Ok(v) if v == t => {}
                    Ok(_) => {
                        return Err(c.fail("technique", format!("{t:?} is not written as stored")));
                    }
                    Err(e) => return Err(c.fail("technique", e)),
                }
            }
            c.opt_enum::<KeyEventKind>("key_kind")?;
            c.opt_id("caused_by")?;
            times(c)?;
            c.version()?;
            let attrs = c.text("attrs")?;
            if !attrs.is_empty()
                && !matches!(serde_json::from_str::<Value>(attrs), Ok(Value::Object(_)))
            {
                return Err(c.fail("attrs", "is not a JSON object"));
            }
            if let Some(f) = c.opt_text("fingerprint")?
                && (f.is_empty() || f.chars().count() > 128)
            {
                return Err(c.fail("fingerprint", "is empty or longer than 128 characters"));
            }
            Ok(())
        }
        "findings" => {
            c.enumerated::<LapseKind>("kind")?;
            c.required("title")?;
            c.text("description")?;
            c.text("impact")?;
            c.flag("cross_org")?;
            c.text("org_group")?;
            times(c)?;
            c.version()
        }
        "finding_events" => {
            c.id("finding_id")?;
            c.id("event_id").map(drop)
        }
        "evidence" => {
            c.enumerated::<EvidenceKind>("kind")?;
            c.required("locator")?;
            c.text("title")?;
            if let Some(h) = c.opt_text("sha256")? {
                check_sha256(h).map_err(|e| c.fail("sha256", e))?;
            }
            c.opt_int("size", 0, i64::MAX)?;
            c.opt_micros("modified_us")?;
            c.micros("added_us")?;
            c.opt_micros("verified_us")?;
            c.opt_enum::<VerifyState>("verify_state")?;
            c.version()
        }
        "evidence_links" => {
            c.id("evidence_id")?;
            let event = c.opt_id("event_id")?;
            let finding = c.opt_id("finding_id")?;
            if event.is_some() == finding.is_some() {
                return Err(c.fail("event_id", "a link names one event or one finding"));
            }
            Ok(())
        }
        "owners" => {
            c.required("name")?;
            c.enumerated::<OwnerKind>("kind")?;
            c.text("contact")?;
            c.version()
        }
        "actions" => {
            c.enumerated::<ActionKind>("kind")?;
            c.required("title")?;
            c.text("description")?;
            c.opt_id("owner_id")?;
            c.opt_id("group_id")?;
            c.enumerated::<Priority>("priority")?;
            c.opt_date("due")?;
            let status = c.enumerated::<ActionStatus>("status")?;
            let reason = c.text("reject_reason")?;
            if status == ActionStatus::Rejected && reason.trim().is_empty() {
                return Err(c.fail("reject_reason", "a rejected action says why"));
            }
            c.text("ticket")?;
            times(c)?;
            c.version()
        }
        "action_findings" => {
            c.id("action_id")?;
            c.id("finding_id").map(drop)
        }
        "reviews" => {
            c.id("action_id")?;
            c.micros("at_us")?;
            c.text("by")?;
            c.text("note")?;
            c.enumerated::<ActionStatus>("status_before")?;
            c.enumerated::<ActionStatus>("status_after")?;
            c.text("changes").map(drop)
        }
        "sop_changes" => {
            c.id("action_id")?;
            c.required("document")?;
            c.text("section")?;
            c.opt_date("incorporated")
        }
        "evaluation_items" => {
            c.int("position", 0, 1_000_000)?;
            c.required("area")?;
            c.text("question")?;
            c.opt_enum::<Rating>("sufficiency")?;
            c.opt_enum::<Rating>("completeness")?;
            c.text("note")?;
            c.text("findings")?;
            times(c)?;
            c.version()
        }
        _ => Ok(()),
    }
}

fn times(c: &RowCheck<'_>) -> Result<()> {
    c.micros("created_us")?;
    c.micros("updated_us").map(drop)
}
