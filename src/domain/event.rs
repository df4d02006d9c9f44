//! Timeline entries: what happened, when, who did it and where it was seen.

use super::{Timestamp, string_enum};
use chrono::{DateTime, Utc};

string_enum!(
    /// The stage of the incident an event belongs to, in the order they usually come.
    Phase, "phase" {
        Precursor = "precursor" / "precursor",
        InitialAccess = "initial-access" / "initial access",
        Impact = "impact" / "impact",
        Detection = "detection" / "detection",
        Escalation = "escalation" / "escalation",
        Containment = "containment" / "containment",
        Eradication = "eradication" / "eradication",
        Recovery = "recovery" / "recovery",
        Communication = "communication" / "communication",
    }
);

string_enum!(
    /// The events the incident metrics are measured between.
    KeyEventKind, "key event" {
        FirstMalicious = "first-malicious" / "first malicious activity",
        Detected = "detected" / "detected",
        Contained = "contained" / "contained",
        Recovered = "recovered" / "recovered",
    }
);

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub incident_id: String,
    pub at: Timestamp,
    pub text: String,
    /// The actor's name, when one did it.
    pub actor: Option<String>,
    pub source: Option<String>,
    pub phase: Option<Phase>,
    pub tags: Vec<String>,
    /// MITRE ATT&CK technique id, e.g. `T1078.004`.
    pub technique: Option<String>,
    pub key_kind: Option<KeyEventKind>,
    /// The event that caused this one.
    pub caused_by: Option<String>,
    /// The kinds of the findings this event supports (read with the event, not edited on it).
    pub lapses: Vec<super::LapseKind>,
    /// The columns of an imported row that have no field of their own, in source order.
    pub attrs: Vec<(String, String)>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub version: i64,
}

/// What it takes to add an event; validated by [`NewEvent::new`] and the setters.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub at: Timestamp,
    pub text: String,
    pub actor: Option<String>,
    pub source: Option<String>,
    pub phase: Option<Phase>,
    pub tags: Vec<String>,
    pub technique: Option<String>,
    pub key_kind: Option<KeyEventKind>,
    pub caused_by: Option<String>,
    /// Source columns kept as they were (imported timelines).
    pub attrs: Vec<(String, String)>,
}

impl From<&Event> for NewEvent {
    /// The event's fields as an edit starts from them.
    fn from(e: &Event) -> NewEvent {
        NewEvent {
            at: e.at,
            text: e.text.clone(),
            actor: e.actor.clone(),
            source: e.source.clone(),
            phase: e.phase,
            tags: e.tags.clone(),
            technique: e.technique.clone(),
            key_kind: e.key_kind,
            caused_by: e.caused_by.clone(),
            attrs: e.attrs.clone(),
        }
    }
}

impl NewEvent {
    pub fn new(at: Timestamp, text: &str) -> super::Checked<Self> {
        Ok(NewEvent {
            at,
            text: super::required("text", text)?,
            actor: None,
            source: None,
            phase: None,
            tags: Vec::new(),
            technique: None,
            key_kind: None,
            caused_by: None,
            attrs: Vec::new(),
        })
    }

    pub fn with_tags<S: AsRef<str>>(mut self, tags: &[S]) -> super::Checked<Self> {
        self.tags = normalize_tags(tags)?;
        Ok(self)
    }

    pub fn with_technique(mut self, technique: Option<&str>) -> super::Checked<Self> {
        self.technique = technique.map(validate_technique_id).transpose()?;
        Ok(self)
    }
}

/// Tags are lower-case words joined by '-', without '#', each once, in the order given.
pub fn normalize_tags<S: AsRef<str>>(tags: &[S]) -> super::Checked<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for raw in tags {
        let tag = normalize_tag(raw.as_ref())?;
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    Ok(out)
}

pub fn normalize_tag(raw: &str) -> super::Checked<String> {
    tag_rule(raw).map_err(|reason| super::Invalid::new("tag", reason))
}

fn tag_rule(raw: &str) -> Result<String, String> {
    let tag = raw.trim().trim_start_matches('#').to_lowercase();
    if tag.is_empty() {
        return Err("a tag must not be empty".into());
    }
    if let Some(c) = tag
        .chars()
        .find(|c| !(c.is_alphanumeric() || "-_.:/".contains(*c)))
    {
        return Err(format!(
            "tag {raw:?} may hold letters, digits and -_.:/, not {c:?}"
        ));
    }
    Ok(tag)
}

/// The shape of an ATT&CK technique id: `T` and four digits, optionally `.` and three.
/// Whether it exists in the catalogue is checked where the catalogue is known.
pub fn validate_technique_id(raw: &str) -> super::Checked<String> {
    technique_rule(raw).map_err(|reason| super::Invalid::new("technique", reason))
}

fn technique_rule(raw: &str) -> Result<String, String> {
    let id = raw.trim().to_ascii_uppercase();
    let bytes = id.as_bytes();
    let digits = |r: std::ops::Range<usize>| bytes[r].iter().all(u8::is_ascii_digit);
    let ok = match bytes.len() {
        5 => bytes[0] == b'T' && digits(1..5),
        9 => bytes[0] == b'T' && digits(1..5) && bytes[5] == b'.' && digits(6..9),
        _ => false,
    };
    if ok {
        Ok(id)
    } else {
        Err(format!(
            "technique {raw:?} is not an ATT&CK id (T1234 or T1234.001)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalized_and_deduplicated() {
        let tags = normalize_tags(&["#Initial-Access", "phishing", "initial-access"]).unwrap();
        assert_eq!(tags, ["initial-access", "phishing"]);
        assert!(
            normalize_tags(&["two words"])
                .unwrap_err()
                .reason
                .contains("' '")
        );
        assert!(normalize_tags(&["#"]).unwrap_err().reason.contains("empty"));
    }

    #[test]
    fn technique_ids_have_the_attack_shape() {
        assert_eq!(validate_technique_id("t1078.004").unwrap(), "T1078.004");
        assert_eq!(validate_technique_id("T1566").unwrap(), "T1566");
        for bad in ["T15", "1566", "T1566.1", "TA0001", "T1566.0011"] {
            assert!(validate_technique_id(bad).unwrap_err().reason.contains(bad));
        }
    }

    #[test]
    fn phases_come_in_incident_order() {
        let mut phases = Phase::ALL.to_vec();
        phases.sort();
        assert_eq!(phases.first(), Some(&Phase::Precursor));
        assert_eq!(phases.last(), Some(&Phase::Communication));
        assert_eq!(
            "Initial access".parse::<Phase>().unwrap(),
            Phase::InitialAccess
        );
    }
}
