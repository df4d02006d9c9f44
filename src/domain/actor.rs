//! Who or what acted in an incident.

use super::string_enum;

string_enum!(
    ActorKind, "actor kind" {
        ThreatActor = "threat-actor" / "threat actor",
        Person = "person" / "person",
        Team = "team" / "team",
        ExternalOrg = "external-org" / "external organization",
        System = "system" / "system",
        Unclassified = "unclassified" / "unclassified",
    }
);

string_enum!(
    /// Whether we know who it was or only suspect it.
    Attribution, "attribution" {
        Known = "known" / "known",
        Suspected = "suspected" / "suspected",
    }
);

/// An actor of one incident. Names are unique within the incident, ignoring case.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: String,
    pub incident_id: String,
    pub name: String,
    pub kind: ActorKind,
    pub attribution: Attribution,
    pub note: String,
    /// Bumped by every change, so a classification from a stale copy is refused.
    pub version: i64,
}
