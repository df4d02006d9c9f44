//! The incident under review.

use super::{Timestamp, string_enum};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

string_enum!(
    /// How bad it was.
    Severity, "severity" {
        Low = "low" / "low",
        Medium = "medium" / "medium",
        High = "high" / "high",
        Critical = "critical" / "critical",
    }
);

string_enum!(
    /// Where the postmortem stands.
    Status, "status" {
        Draft = "draft" / "draft",
        InReview = "in-review" / "in review",
        Published = "published" / "published",
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    /// Human key such as `IR-2026-014`: unique, case-insensitively.
    pub key: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub customer_impact: bool,
    pub data_breach: bool,
    /// The zone naive times are read in (IANA name).
    pub zone: Tz,
    pub detected: Option<Timestamp>,
    pub summary: String,
    pub response: String,
    pub takeaways: String,
    /// The impact in words (who and what was affected, how much), for the report.
    pub impact: String,
    /// A classification or TLP marking (`TLP:AMBER`), printed on every page of the report.
    pub classification: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// Bumped by every write, so two writers can tell they collided.
    pub version: i64,
}

/// What it takes to open a new incident.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIncident {
    pub key: String,
    pub title: String,
    pub severity: Severity,
    pub zone: Tz,
    pub detected: Option<Timestamp>,
}

impl NewIncident {
    pub fn new(key: &str, title: &str) -> super::Checked<Self> {
        Ok(NewIncident {
            key: validate_key(key)?,
            title: super::required("title", title)?,
            severity: Severity::Medium,
            zone: Tz::UTC,
            detected: None,
        })
    }
}

/// A change to some of an incident's fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentPatch {
    pub title: Option<String>,
    pub severity: Option<Severity>,
    pub status: Option<Status>,
    pub customer_impact: Option<bool>,
    pub data_breach: Option<bool>,
    pub zone: Option<Tz>,
    pub detected: Option<Option<Timestamp>>,
    pub summary: Option<String>,
    pub response: Option<String>,
    pub takeaways: Option<String>,
    pub impact: Option<String>,
    pub classification: Option<String>,
}

/// A classification or TLP marking (`TLP:AMBER`, `Confidential`): one line of at most 60
/// characters, or empty for none.
pub fn validate_classification(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.contains(['\n', '\r']) {
        return Err("a classification is one line (such as TLP:AMBER)".into());
    }
    if text.chars().count() > 60 {
        return Err(format!(
            "a classification is at most 60 characters (such as TLP:AMBER), not {}",
            text.chars().count()
        ));
    }
    Ok(text.to_string())
}

/// An incident key: letters, digits and `-_.`, at most 40 characters, not empty.
pub fn validate_key(key: &str) -> super::Checked<String> {
    key_rule(key).map_err(|reason| super::Invalid::new("key", reason))
}

fn key_rule(key: &str) -> Result<String, String> {
    let key = key.trim();
    if key.is_empty() {
        return Err("incident key must not be empty".into());
    }
    if key.chars().count() > 40 {
        return Err(format!("incident key {key:?} is longer than 40 characters"));
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_alphanumeric() || "-_.".contains(*c)))
    {
        return Err(format!(
            "incident key {key:?} may hold letters, digits, '-', '_' and '.', not {c:?}"
        ));
    }
    Ok(key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_trimmed_and_checked() {
        assert_eq!(validate_key("  IR-2026-014 ").unwrap(), "IR-2026-014");
        assert!(validate_key("").unwrap_err().reason.contains("empty"));
        assert!(validate_key("   ").unwrap_err().reason.contains("empty"));
        assert!(validate_key("IR 1").unwrap_err().reason.contains("' '"));
        assert!(
            validate_key(&"X".repeat(41))
                .unwrap_err()
                .reason
                .contains("40")
        );
    }

    #[test]
    fn severity_and_status_read_as_typed() {
        assert_eq!("High".parse::<Severity>().unwrap(), Severity::High);
        assert_eq!("in review".parse::<Status>().unwrap(), Status::InReview);
        let e = "urgent".parse::<Severity>().unwrap_err();
        assert!(
            e.reason.contains("urgent") && e.reason.contains("critical"),
            "{e}"
        );
    }
}
