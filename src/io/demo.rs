//! The demo incident shipped in assets/demo/incident.json.

use crate::domain::Rating;
use crate::domain::action::parse_date;
use crate::domain::seed::{
    IncidentSeed, SeedAction, SeedActor, SeedEvaluation, SeedEvent, SeedEvidence, SeedFinding,
    SeedReview,
};
use crate::domain::{ActionKind, ActionStatus, NewAction, Priority};
use crate::domain::{
    ActorKind, Attribution, EvidenceKind, IncidentPatch, KeyEventKind, LapseKind, NewEvent,
    NewFinding, NewIncident, Phase, Precision, Severity, Status, TimeContext, parse_time,
    parse_zone,
};
use serde::Deserialize;

const DEMO_JSON: &str = include_str!("../../assets/demo/incident.json");
const DEMO_FILE: &str = "assets/demo/incident.json";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    incident: IncidentJson,
    actors: Vec<ActorJson>,
    events: Vec<EventJson>,
    #[serde(default)]
    findings: Vec<FindingJson>,
    #[serde(default)]
    evidence: Vec<EvidenceJson>,
    #[serde(default)]
    actions: Vec<ActionJson>,
    #[serde(default)]
    evaluation: Vec<EvaluationJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluationJson {
    area: String,
    /// The default checklist's question for the area when left out.
    question: Option<String>,
    sufficiency: Option<Rating>,
    completeness: Option<Rating>,
    note: String,
    findings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionJson {
    #[serde(rename = "ref")]
    reference: String,
    kind: ActionKind,
    title: String,
    description: String,
    owner: String,
    group: Option<String>,
    priority: Priority,
    due: Option<String>,
    ticket: String,
    findings: Vec<String>,
    reviews: Vec<ReviewJson>,
    sop: Option<SopJson>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewJson {
    at: String,
    by: String,
    note: String,
    status: Option<ActionStatus>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SopJson {
    document: String,
    section: String,
    incorporated: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FindingJson {
    #[serde(rename = "ref")]
    reference: String,
    kind: LapseKind,
    title: String,
    description: String,
    impact: String,
    /// The group outside the team, when it is cross-organizational.
    cross_org: Option<String>,
    events: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceJson {
    locator: String,
    title: String,
    /// A file collected on the evidence share: recorded hash, size and time.
    sha256: Option<String>,
    size: Option<i64>,
    modified: Option<String>,
    #[serde(default)]
    events: Vec<String>,
    #[serde(default)]
    findings: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentJson {
    key: String,
    title: String,
    severity: Severity,
    status: Status,
    customer_impact: bool,
    data_breach: bool,
    tz: String,
    detected: String,
    summary: String,
    response: String,
    takeaways: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    classification: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorJson {
    name: String,
    kind: ActorKind,
    attribution: Attribution,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventJson {
    #[serde(rename = "ref")]
    reference: String,
    at: String,
    precision: Precision,
    text: String,
    actor: Option<String>,
    source: Option<String>,
    phase: Phase,
    #[serde(default)]
    tags: Vec<String>,
    technique: Option<String>,
    key: Option<KeyEventKind>,
    caused_by: Option<String>,
}

/// The demo incident's key.
pub fn demo_key() -> &'static str {
    // Kept in step with the asset by the tests.
    "IR-2026-014"
}

/// Reads the shipped demo incident. Errors name the asset and the event.
pub fn demo_seed() -> Result<IncidentSeed, String> {
    parse(DEMO_JSON).map_err(|e| format!("{DEMO_FILE}: {e}"))
}

fn parse(json: &str) -> Result<IncidentSeed, String> {
    let file: File = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let i = file.incident;
    let ctx = TimeContext::utc();
    let mut incident = NewIncident::new(&i.key, &i.title)?;
    incident.severity = i.severity;
    incident.zone = parse_zone(&i.tz)?;
    incident.detected = Some(parse_time(&i.detected, &ctx).map_err(|e| e.to_string())?);
    let details = IncidentPatch {
        status: Some(i.status),
        customer_impact: Some(i.customer_impact),
        data_breach: Some(i.data_breach),
        summary: Some(i.summary),
        response: Some(i.response),
        takeaways: Some(i.takeaways),
        impact: Some(i.impact),
        classification: Some(i.classification),
        ..Default::default()
    };
    let actors = file
        .actors
        .into_iter()
        .map(|a| SeedActor {
            name: a.name,
            kind: a.kind,
            attribution: a.attribution,
            note: a.note,
        })
        .collect();
    let events = file
        .events
        .into_iter()
        .map(|e| seed_event(e, &ctx))
        .collect::<Result<_, _>>()?;
    let findings = file
        .findings
        .into_iter()
        .map(|f| {
            let mut finding = NewFinding::new(f.kind, &f.title)
                .map_err(|e| format!("finding {}: {e}", f.reference))?;
            finding.description = f.description;
            finding.impact = f.impact;
            if let Some(group) = f.cross_org {
                finding.cross_org = true;
                finding.group = group;
            }
            Ok(SeedFinding {
                reference: f.reference,
                finding,
                events: f.events,
            })
        })
        .collect::<Result<_, String>>()?;
    let evidence = file
        .evidence
        .into_iter()
        .map(|e| {
            let file = match (e.sha256, e.size, e.modified) {
                (Some(hash), Some(size), Some(modified)) => Some((
                    hash,
                    size,
                    parse_time(&modified, &ctx).map_err(|x| x.to_string())?.utc,
                )),
                (None, None, None) => None,
                _ => {
                    return Err(format!(
                        "evidence {}: a file needs sha256, size and modified",
                        e.title
                    ));
                }
            };
            Ok(SeedEvidence {
                kind: if file.is_some() {
                    EvidenceKind::File
                } else {
                    EvidenceKind::Url
                },
                locator: e.locator,
                title: e.title,
                file,
                events: e.events,
                findings: e.findings,
            })
        })
        .collect::<Result<_, String>>()?;
    let actions = file
        .actions
        .into_iter()
        .map(|a| seed_action(a, &ctx))
        .collect::<Result<_, String>>()?;
    let checklist = crate::domain::evaluation::default_checklist();
    let evaluation = file
        .evaluation
        .into_iter()
        .map(|e| SeedEvaluation {
            question: e.question.unwrap_or_else(|| {
                checklist
                    .iter()
                    .find(|a| a.name == e.area)
                    .map(|a| a.question.clone())
                    .unwrap_or_default()
            }),
            area: e.area,
            sufficiency: e.sufficiency,
            completeness: e.completeness,
            note: e.note,
            findings: e.findings,
        })
        .collect();
    Ok(IncidentSeed {
        incident,
        details,
        actors,
        events,
        findings,
        evidence,
        actions,
        evaluation,
    })
}

fn seed_action(a: ActionJson, ctx: &TimeContext) -> Result<SeedAction, String> {
    let context = |msg: &dyn std::fmt::Display| format!("action {}: {msg}", a.reference);
    let mut action = NewAction::new(a.kind, &a.title).map_err(|e| context(&e))?;
    action.description = a.description;
    action.owner = Some(a.owner);
    action.group = a.group;
    action.priority = a.priority;
    action.due = a
        .due
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(|e| context(&e))?;
    action.ticket = a.ticket;
    let reviews = a
        .reviews
        .into_iter()
        .map(|r| {
            let at = parse_time(&r.at, ctx).map_err(|e| context(&e))?;
            Ok(SeedReview {
                at: at.utc,
                by: r.by,
                note: r.note,
                status: r.status,
            })
        })
        .collect::<Result<_, String>>()?;
    let sop = a
        .sop
        .map(|s| {
            let when = s
                .incorporated
                .as_deref()
                .map(parse_date)
                .transpose()
                .map_err(|e| context(&e))?;
            Ok::<_, String>((s.document, s.section, when))
        })
        .transpose()?;
    Ok(SeedAction {
        action,
        findings: a.findings,
        reviews,
        sop,
    })
}

fn seed_event(e: EventJson, ctx: &TimeContext) -> Result<SeedEvent, String> {
    let context = |msg: &dyn std::fmt::Display| format!("event {}: {msg}", e.reference);
    let mut at = parse_time(&e.at, ctx).map_err(|err| context(&err))?;
    at.precision = e.precision;
    let mut event = NewEvent::new(at, &e.text)
        .and_then(|n| n.with_tags(&e.tags))
        .and_then(|n| n.with_technique(e.technique.as_deref()))
        .map_err(|e| context(&e))?;
    event.actor = e.actor;
    event.source = e.source;
    event.phase = Some(e.phase);
    event.key_kind = e.key;
    Ok(SeedEvent {
        event,
        reference: Some(e.reference),
        caused_by: e.caused_by,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attack;

    #[test]
    fn the_demo_asset_is_valid_and_complete() {
        let seed = demo_seed().unwrap();
        assert_eq!(seed.incident.key, demo_key());
        assert!(
            (30..=60).contains(&seed.events.len()),
            "{}",
            seed.events.len()
        );
        for phase in Phase::ALL {
            assert!(
                seed.events.iter().any(|e| e.event.phase == Some(*phase)),
                "no {phase} event"
            );
        }
        for kind in KeyEventKind::ALL {
            let n = seed
                .events
                .iter()
                .filter(|e| e.event.key_kind == Some(*kind))
                .count();
            assert_eq!(n, 1, "{kind} key events");
        }
        let kinds: std::collections::HashSet<_> =
            seed.findings.iter().map(|f| f.finding.kind).collect();
        assert!(kinds.len() >= 4, "findings of at least four kinds");
        assert!(!seed.evidence.is_empty());
        assert!((10..=20).contains(&seed.actions.len()));
        assert_eq!(seed.actions.iter().filter(|a| a.sop.is_some()).count(), 1);
        let actors: std::collections::HashSet<_> = seed
            .events
            .iter()
            .filter_map(|e| e.event.actor.as_deref())
            .collect();
        assert!(actors.len() >= 3);
        for e in &seed.events {
            if let Some(t) = &e.event.technique {
                attack::require_known(t).unwrap();
            }
        }
    }

    #[test]
    fn a_broken_asset_names_the_event() {
        let json = DEMO_JSON.replacen("\"precision\": \"exact\"", "\"precision\": \"roughly\"", 1);
        let e = parse(&json).unwrap_err();
        assert!(e.contains("roughly"), "{e}");
    }
}
