//! The values of a bundle's rows, table by table, checked by the domain's own rules (see
//! `bundle_check.rs` for the rows, their ownership and the order of the checks).

use super::Result;
use crate::domain::event::{normalize_tag, validate_technique_id};
use crate::domain::{
    ActionKind, ActionStatus, ActorKind, Attribution, EvidenceKind, KeyEventKind, LapseKind,
    OwnerKind, Phase, Precision, Priority, Rating, Severity, Status, VerifyState, parse_zone,
};
use serde_json::Value;

/// The earliest and latest instants a bundle may hold: years 1 to 9999, the range every
/// view and report can show.
use super::bundle_check::*;

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
            if c.opt_micros("detected_us")?.is_some() {
                c.offset("detected_offset")?;
                c.enumerated::<Precision>("detected_precision")?;
            } else {
                c.opt_int("detected_offset", -MAX_OFFSET, MAX_OFFSET)?;
                c.opt_enum::<Precision>("detected_precision")?;
            }
            for t in ["summary", "response", "takeaways"] {
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
            for tag in c.text("tags")?.split(' ').filter(|t| !t.is_empty()) {
                match normalize_tag(tag) {
                    Ok(t) if t == tag => {}
                    Ok(_) => {
                        return Err(c.fail("tags", format!("{tag:?} is not written as stored")));
                    }
                    Err(e) => return Err(c.fail("tags", e)),
                }
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
