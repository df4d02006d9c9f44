//! Forms for a finding, the incident's overview (summary, response, takeaways and main
//! fields) and an actor. Same fields and keys as the event form.

use super::form::Field;
use crate::domain::evaluation::parse_rating;
use crate::domain::{
    ActionKind, Actor, ActorKind, Attribution, Finding, Incident, IncidentPatch, LapseKind,
    NewAction, NewFinding, Priority, Severity, Status,
};
use crate::domain::{EvaluationItem, Rating};

/// The kind of action a finding usually calls for.
fn suggested_kind(kind: LapseKind) -> ActionKind {
    match kind {
        LapseKind::TechnicalLapse => ActionKind::ChangeRequest,
        LapseKind::ProceduralFailure => ActionKind::SopUpdate,
        LapseKind::ManualError => ActionKind::Training,
        LapseKind::ProcessFlaw => ActionKind::ProcessChange,
        LapseKind::CommunicationGlitch => ActionKind::ProcessChange,
        LapseKind::UnknownVector => ActionKind::ServiceInvestment,
    }
}

fn optional_date(text: &str) -> Result<Option<chrono::NaiveDate>, String> {
    let t = text.trim();
    if t.is_empty() {
        Ok(None)
    } else {
        crate::domain::action::parse_date(t).map(Some)
    }
}

#[derive(Debug, Clone)]
pub enum RecordKind {
    /// A new finding (optionally started from an event) or an edit of one.
    Finding {
        editing: Option<Finding>,
        from_event: Option<String>,
    },
    Overview {
        incident: Incident,
    },
    Actor {
        actor: Actor,
    },
    /// A new action, addressing a finding when started from one.
    Action {
        finding: Option<Finding>,
    },
    /// One area of the response evaluation.
    Evaluation {
        item: EvaluationItem,
    },
}

#[derive(Debug, Clone)]
pub struct RecordForm {
    pub kind: RecordKind,
    pub fields: Vec<Field>,
    pub focus: usize,
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn parse_yes_no(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" | "" => Ok(false),
        other => Err(format!("{other:?}: yes or no")),
    }
}

impl RecordForm {
    pub fn finding(
        editing: Option<Finding>,
        from_event: Option<String>,
        kind: LapseKind,
        title: &str,
    ) -> RecordForm {
        let f = editing.as_ref();
        let kind = f.map(|f| f.kind).unwrap_or(kind);
        let title = f.map(|f| f.title.as_str()).unwrap_or(title);
        let fields = vec![
            Field::new(
                "Kind",
                kind.as_str(),
                false,
                "technical-lapse, procedural-failure, manual-error, ...",
            ),
            Field::new("Title", title, false, "what went wrong, in one line"),
            Field::new(
                "Details",
                f.map(|f| f.description.as_str()).unwrap_or(""),
                true,
                "what happened and why",
            ),
            Field::new(
                "Impact",
                f.map(|f| f.impact.as_str()).unwrap_or(""),
                true,
                "what it cost",
            ),
            Field::new(
                "Cross-org",
                f.map(|f| f.group.as_str()).unwrap_or(""),
                false,
                "the group outside the team that must act, if any",
            ),
        ];
        RecordForm {
            kind: RecordKind::Finding {
                editing,
                from_event,
            },
            fields,
            focus: 1,
        }
    }

    pub fn overview(i: &Incident) -> RecordForm {
        let fields = vec![
            Field::new("Title", &i.title, false, "what happened, in a few words"),
            Field::new(
                "Severity",
                i.severity.as_str(),
                false,
                "low, medium, high, critical",
            ),
            Field::new(
                "Status",
                i.status.as_str(),
                false,
                "draft, in-review, published",
            ),
            Field::new(
                "Customers",
                yes_no(i.customer_impact),
                false,
                "customer impact: yes or no",
            ),
            Field::new(
                "Breach",
                yes_no(i.data_breach),
                false,
                "data breach: yes or no",
            ),
            Field::new(
                "Summary",
                &i.summary,
                true,
                "the technical summary, backed by evidence",
            ),
            Field::new(
                "Response",
                &i.response,
                true,
                "how the response was executed",
            ),
            Field::new("Takeaways", &i.takeaways, true, "the key takeaways"),
        ];
        RecordForm {
            kind: RecordKind::Overview {
                incident: i.clone(),
            },
            fields,
            focus: 5,
        }
    }

    pub fn actor(a: &Actor) -> RecordForm {
        let mut fields = vec![
            Field::new("Name", &a.name, false, ""),
            Field::new(
                "Kind",
                a.kind.as_str(),
                false,
                "threat-actor, person, team, external-org, system",
            ),
            Field::new(
                "Known?",
                a.attribution.as_str(),
                false,
                "known or suspected",
            ),
            Field::new("Note", &a.note, false, "who they are"),
        ];
        fields[0].readonly = true;
        RecordForm {
            kind: RecordKind::Actor { actor: a.clone() },
            fields,
            focus: 1,
        }
    }

    pub fn action(finding: Option<Finding>) -> RecordForm {
        let (kind, title) = match &finding {
            Some(f) => (suggested_kind(f.kind), format!("Fix: {}", f.title)),
            None => (ActionKind::ChangeRequest, String::new()),
        };
        let group = finding
            .as_ref()
            .filter(|f| f.cross_org)
            .map(|f| f.group.clone())
            .unwrap_or_default();
        let fields = vec![
            Field::new(
                "Kind",
                kind.as_str(),
                false,
                "bug, change-request, service-investment, process-change, sop-update, ...",
            ),
            Field::new("Title", &title, false, "what will be done"),
            Field::new(
                "Owner",
                "",
                false,
                "the person who owns it (created if new)",
            ),
            Field::new("Group", &group, false, "the team that owns it"),
            Field::new("Priority", "P2", false, "P0, P1, P2, P3"),
            Field::new("Due", "", false, "YYYY-MM-DD"),
            Field::new("Ticket", "", false, "SEC-1234 or a URL"),
            Field::new("Details", "", true, "what and why"),
        ];
        RecordForm {
            kind: RecordKind::Action { finding },
            fields,
            focus: 1,
        }
    }

    pub fn evaluation(item: &EvaluationItem) -> RecordForm {
        let rating = |r: Option<Rating>| r.map(|r| r.as_str()).unwrap_or("");
        let fields = vec![
            Field::new("Area", &item.area, false, "what part of the response"),
            Field::new(
                "Question",
                &item.question,
                true,
                "what the area asks of the response",
            ),
            Field::new(
                "Sufficient",
                rating(item.sufficiency),
                false,
                "met, partly, not-met, n/a (empty: not rated)",
            ),
            Field::new(
                "Complete",
                rating(item.completeness),
                false,
                "met, partly, not-met, n/a (empty: not rated)",
            ),
            Field::new("Note", &item.note, true, "what went well or not, and why"),
        ];
        RecordForm {
            kind: RecordKind::Evaluation { item: item.clone() },
            fields,
            focus: 4,
        }
    }

    /// The evaluation fields as the store takes them; only the changed ones.
    pub fn to_evaluation(&self) -> Result<Vec<(&'static str, String)>, String> {
        self.first_error()?;
        let names = ["area", "question", "sufficiency", "completeness", "note"];
        Ok(names
            .into_iter()
            .zip(&self.fields)
            .filter(|(_, f)| f.changed())
            .map(|(name, f)| (name, f.value()))
            .collect())
    }

    pub fn title(&self) -> &'static str {
        match &self.kind {
            RecordKind::Evaluation { .. } => " Evaluate an area of the response ",
            RecordKind::Action { .. } => " New action ",
            RecordKind::Finding {
                editing: Some(_), ..
            } => " Edit finding ",
            RecordKind::Finding { .. } => " New finding ",
            RecordKind::Overview { .. } => " Edit the overview ",
            RecordKind::Actor { .. } => " Actor ",
        }
    }

    pub fn changed(&self) -> bool {
        self.fields.iter().any(Field::changed)
    }

    fn value(&self, i: usize) -> String {
        self.fields[i].value()
    }

    /// The problem with each field as typed.
    pub fn errors(&self) -> Vec<Option<String>> {
        let v = |i: usize| self.value(i);
        match &self.kind {
            RecordKind::Finding { .. } => vec![
                v(0).parse::<LapseKind>().err(),
                v(1).trim()
                    .is_empty()
                    .then(|| "give it a title".to_string()),
                None,
                None,
                None,
            ],
            RecordKind::Overview { .. } => vec![
                v(0).trim()
                    .is_empty()
                    .then(|| "give it a title".to_string()),
                v(1).parse::<Severity>().err(),
                v(2).parse::<Status>().err(),
                parse_yes_no(&v(3)).err(),
                parse_yes_no(&v(4)).err(),
                None,
                None,
                None,
            ],
            RecordKind::Actor { .. } => vec![
                None,
                v(1).parse::<ActorKind>().err(),
                v(2).parse::<Attribution>().err(),
                None,
            ],
            RecordKind::Evaluation { .. } => vec![
                v(0).trim()
                    .is_empty()
                    .then(|| "give the area a name".to_string()),
                None,
                parse_rating(&v(2)).err(),
                parse_rating(&v(3)).err(),
                None,
            ],
            RecordKind::Action { .. } => vec![
                v(0).parse::<ActionKind>().err(),
                v(1).trim()
                    .is_empty()
                    .then(|| "say what will be done".to_string()),
                v(2).trim()
                    .is_empty()
                    .then(|| "every action has an owner".to_string()),
                None,
                v(4).parse::<Priority>().err(),
                optional_date(&v(5)).err(),
                None,
                None,
            ],
        }
    }

    fn first_error(&self) -> Result<(), String> {
        match self
            .errors()
            .into_iter()
            .enumerate()
            .find_map(|(i, e)| e.map(|e| (i, e)))
        {
            Some((i, e)) => Err(format!("{}: {e}", self.fields[i].label)),
            None => Ok(()),
        }
    }

    pub fn to_finding(&self) -> Result<NewFinding, String> {
        self.first_error()?;
        let mut f = NewFinding::new(self.value(0).parse()?, &self.value(1))?;
        f.description = self.value(2);
        f.impact = self.value(3);
        f.group = self.value(4).trim().to_string();
        f.cross_org = !f.group.is_empty();
        Ok(f)
    }

    pub fn to_patch(&self) -> Result<IncidentPatch, String> {
        self.first_error()?;
        Ok(IncidentPatch {
            title: Some(self.value(0)),
            severity: Some(self.value(1).parse()?),
            status: Some(self.value(2).parse()?),
            customer_impact: Some(parse_yes_no(&self.value(3))?),
            data_breach: Some(parse_yes_no(&self.value(4))?),
            summary: Some(self.value(5)),
            response: Some(self.value(6)),
            takeaways: Some(self.value(7)),
            ..Default::default()
        })
    }

    pub fn to_actor(&self) -> Result<(ActorKind, Attribution, String), String> {
        self.first_error()?;
        Ok((
            self.value(1).parse()?,
            self.value(2).parse()?,
            self.value(3),
        ))
    }

    pub fn to_action(&self) -> Result<NewAction, String> {
        self.first_error()?;
        let mut a = NewAction::new(self.value(0).parse()?, &self.value(1))?;
        a.owner = crate::domain::optional(Some(&self.value(2)));
        a.group = crate::domain::optional(Some(&self.value(3)));
        a.priority = self.value(4).parse()?;
        a.due = optional_date(&self.value(5))?;
        a.ticket = self.value(6).trim().to_string();
        a.description = self.value(7);
        Ok(a)
    }

    /// Completion for the kind-like fields.
    pub fn suggestions(&self) -> Vec<String> {
        let field = &self.fields[self.focus];
        let typed = field.value().trim().to_lowercase();
        // As in the event form: only what is being typed is completed.
        if typed.is_empty() || !field.changed() {
            return Vec::new();
        }
        let names: Vec<&str> = match (&self.kind, self.focus) {
            (RecordKind::Finding { .. }, 0) => LapseKind::ALL.iter().map(|k| k.as_str()).collect(),
            (RecordKind::Overview { .. }, 1) => Severity::ALL.iter().map(|k| k.as_str()).collect(),
            (RecordKind::Overview { .. }, 2) => Status::ALL.iter().map(|k| k.as_str()).collect(),
            (RecordKind::Actor { .. }, 1) => ActorKind::ALL.iter().map(|k| k.as_str()).collect(),
            (RecordKind::Actor { .. }, 2) => Attribution::ALL.iter().map(|k| k.as_str()).collect(),
            (RecordKind::Action { .. }, 0) => ActionKind::ALL.iter().map(|k| k.as_str()).collect(),
            (RecordKind::Evaluation { .. }, 2 | 3) => {
                Rating::ALL.iter().map(|k| k.as_str()).collect()
            }
            _ => Vec::new(),
        };
        names
            .into_iter()
            .filter(|n| n.starts_with(&typed) && *n != typed)
            .map(str::to_string)
            .collect()
    }
}
