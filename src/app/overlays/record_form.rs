//! Forms for a finding, the incident's overview (summary, response, takeaways and main
//! fields), an actor, a new action and an evaluation area. Same fields and keys as the
//! event form.

use super::super::effect::Effect;
use super::super::open::OpenIncident;
use super::super::shell::Cx;
use super::Outcome;
use super::conflict::{self, StaleForm};
use super::form::{Field, Fields, FormAction, cancel, form_key, problem};
use crate::domain::evaluation::parse_rating;
use crate::domain::{
    ActionKind, Actor, ActorKind, Attribution, Finding, Incident, IncidentPatch, LapseKind,
    NewAction, NewFinding, Priority, Severity, Status,
};
use crate::domain::{EvaluationItem, Rating};
use crate::store::StoreError;
use crate::text::{clip, inert};
use crossterm::event::KeyEvent;

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

fn optional_date(text: &str) -> crate::domain::Checked<Option<chrono::NaiveDate>> {
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
    /// A new action, addressing a finding when started from one; `findings` are the
    /// incident's (id, title), which the Finding field completes and reads.
    Action {
        finding: Option<Finding>,
        findings: Vec<(String, String)>,
    },
    /// One area of the response evaluation.
    Evaluation {
        item: EvaluationItem,
    },
}

#[derive(Debug, Clone)]
pub struct RecordForm {
    pub kind: RecordKind,
    pub fields: Fields,
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
            fields: Fields::new(fields, "Title"),
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
            Field::new(
                "Impact",
                &i.impact,
                true,
                "who and what was affected, how much",
            ),
            Field::new(
                "Classification",
                &i.classification,
                false,
                "a marking printed on every report page, e.g. TLP:AMBER",
            ),
        ];
        RecordForm {
            kind: RecordKind::Overview {
                incident: i.clone(),
            },
            fields: Fields::new(fields, "Summary"),
        }
    }

    pub fn actor(a: &Actor) -> RecordForm {
        let fields = vec![
            Field::new("Name", &a.name, false, "rename: its events follow"),
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
        RecordForm {
            kind: RecordKind::Actor { actor: a.clone() },
            fields: Fields::new(fields, "Kind"),
        }
    }

    /// A new action with the incident's findings to choose from (the Finding field).
    pub fn action_choosing(findings: Vec<(String, String)>) -> RecordForm {
        let mut form = RecordForm::action(None);
        if let RecordKind::Action { findings: f, .. } = &mut form.kind {
            *f = findings;
        }
        form
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
            Field::new(
                "Finding",
                finding.as_ref().map(|f| f.title.as_str()).unwrap_or(""),
                false,
                "the finding it addresses (tab completes; empty: none yet)",
            ),
            Field::new("Details", "", true, "what and why"),
        ];
        let findings = finding
            .iter()
            .map(|f| (f.id.clone(), f.title.clone()))
            .collect();
        RecordForm {
            kind: RecordKind::Action { finding, findings },
            fields: Fields::new(fields, "Title"),
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
            fields: Fields::new(fields, "Note"),
        }
    }

    /// The evaluation fields as the store takes them; only the changed ones.
    pub fn to_evaluation(&self) -> Result<Vec<(&'static str, String)>, String> {
        self.first_error()?;
        let names = [
            ("Area", "area"),
            ("Question", "question"),
            ("Sufficient", "sufficiency"),
            ("Complete", "completeness"),
            ("Note", "note"),
        ];
        Ok(names
            .into_iter()
            .map(|(label, name)| (name, self.fields.get(label)))
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
        self.fields.changed()
    }

    fn value(&self, label: &str) -> String {
        self.fields.value(label)
    }

    /// The problem with a field as typed (`None` when it is fine).
    fn error_of(&self, label: &str) -> Option<String> {
        let v = self.value(label);
        let named = |what: &str| v.trim().is_empty().then(|| what.to_string());
        match (&self.kind, label) {
            (RecordKind::Finding { .. }, "Kind") => problem(v.parse::<LapseKind>()),
            (RecordKind::Finding { .. }, "Title") => named("give it a title"),
            (RecordKind::Overview { .. }, "Title") => named("give it a title"),
            (RecordKind::Overview { .. }, "Severity") => problem(v.parse::<Severity>()),
            (RecordKind::Overview { .. }, "Status") => problem(v.parse::<Status>()),
            (RecordKind::Overview { .. }, "Customers" | "Breach") => parse_yes_no(&v).err(),
            (RecordKind::Actor { .. }, "Kind") => problem(v.parse::<ActorKind>()),
            (RecordKind::Actor { .. }, "Name") => named("give the actor a name"),
            (RecordKind::Actor { .. }, "Known?") => problem(v.parse::<Attribution>()),
            (RecordKind::Evaluation { .. }, "Area") => named("give the area a name"),
            (RecordKind::Evaluation { .. }, "Sufficient" | "Complete") => problem(parse_rating(&v)),
            (RecordKind::Action { .. }, "Kind") => problem(v.parse::<ActionKind>()),
            (RecordKind::Action { .. }, "Title") => named("say what will be done"),
            (RecordKind::Action { findings, .. }, "Finding") => finding_named(findings, &v).err(),
            (RecordKind::Action { .. }, "Owner") => named("every action has an owner"),
            (RecordKind::Action { .. }, "Priority") => problem(v.parse::<Priority>()),
            (RecordKind::Action { .. }, "Due") => problem(optional_date(&v)),
            _ => None,
        }
    }

    /// The problem with each field as typed, in the order of the fields.
    pub fn errors(&self) -> Vec<Option<String>> {
        self.fields.check(|label| self.error_of(label))
    }

    fn first_error(&self) -> Result<(), String> {
        self.fields.first_error(&self.errors())
    }

    pub fn to_finding(&self) -> Result<NewFinding, String> {
        self.first_error()?;
        let mut f = NewFinding::new(self.value("Kind").parse()?, &self.value("Title"))?;
        f.description = self.value("Details");
        f.impact = self.value("Impact");
        f.group = self.value("Cross-org").trim().to_string();
        f.cross_org = !f.group.is_empty();
        Ok(f)
    }

    pub fn to_patch(&self) -> Result<IncidentPatch, String> {
        self.first_error()?;
        Ok(IncidentPatch {
            title: Some(self.value("Title")),
            severity: Some(self.value("Severity").parse()?),
            status: Some(self.value("Status").parse()?),
            customer_impact: Some(parse_yes_no(&self.value("Customers"))?),
            data_breach: Some(parse_yes_no(&self.value("Breach"))?),
            summary: Some(self.value("Summary")),
            response: Some(self.value("Response")),
            takeaways: Some(self.value("Takeaways")),
            impact: Some(self.value("Impact")),
            classification: Some(self.value("Classification")),
            ..Default::default()
        })
    }

    pub fn to_actor(&self) -> Result<(ActorKind, Attribution, String), String> {
        self.first_error()?;
        Ok((
            self.value("Kind").parse()?,
            self.value("Known?").parse()?,
            self.value("Note"),
        ))
    }

    pub fn to_action(&self) -> Result<NewAction, String> {
        self.first_error()?;
        let mut a = NewAction::new(self.value("Kind").parse()?, &self.value("Title"))?;
        a.owner = crate::domain::optional(Some(&self.value("Owner")));
        a.group = crate::domain::optional(Some(&self.value("Group")));
        a.priority = self.value("Priority").parse()?;
        a.due = optional_date(&self.value("Due"))?;
        a.ticket = self.value("Ticket").trim().to_string();
        a.description = self.value("Details");
        Ok(a)
    }

    /// Completion for the kind-like fields.
    pub fn suggestions(&self) -> Vec<String> {
        let field = self.fields.focused();
        let typed = field.value().trim().to_lowercase();
        // As in the event form: only what is being typed is completed.
        if typed.is_empty() || !field.changed() {
            return Vec::new();
        }
        if let (RecordKind::Action { findings, .. }, "Finding") = (&self.kind, field.label) {
            // Titles, matched anywhere in them: people remember a word of a finding.
            return findings
                .iter()
                .map(|(_, t)| t.clone())
                .filter(|t| t.to_lowercase().contains(&typed) && t.to_lowercase() != typed)
                .collect();
        }
        let names: Vec<&str> = match (&self.kind, field.label) {
            (RecordKind::Finding { .. }, "Kind") => {
                LapseKind::ALL.iter().map(|k| k.as_str()).collect()
            }
            (RecordKind::Overview { .. }, "Severity") => {
                Severity::ALL.iter().map(|k| k.as_str()).collect()
            }
            (RecordKind::Overview { .. }, "Status") => {
                Status::ALL.iter().map(|k| k.as_str()).collect()
            }
            (RecordKind::Actor { .. }, "Kind") => {
                ActorKind::ALL.iter().map(|k| k.as_str()).collect()
            }
            (RecordKind::Actor { .. }, "Known?") => {
                Attribution::ALL.iter().map(|k| k.as_str()).collect()
            }
            (RecordKind::Action { .. }, "Kind") => {
                ActionKind::ALL.iter().map(|k| k.as_str()).collect()
            }
            (RecordKind::Action { .. }, "Priority") => {
                Priority::ALL.iter().map(|k| k.as_str()).collect()
            }
            (RecordKind::Evaluation { .. }, "Sufficient" | "Complete") => {
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

impl RecordForm {
    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>, open: Option<&OpenIncident>) -> Outcome {
        let suggestions = self.suggestions();
        match form_key(&mut self.fields, &suggestions, key) {
            FormAction::Handled => Outcome::Keep,
            FormAction::Cancel => cancel(self.changed(), cx),
            FormAction::Save => match open {
                Some(o) => save(self, &o.incident.id, cx),
                None => Outcome::Close(Effect::None),
            },
        }
    }
}

/// Why a save did not happen: the form's own problem, or the store's.
enum Failed {
    Invalid(String),
    Store(StoreError),
}

impl From<String> for Failed {
    fn from(e: String) -> Failed {
        Failed::Invalid(e)
    }
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Failed {
        Failed::Store(e)
    }
}

/// Saves the form; the message says what was saved.
fn write(form: &RecordForm, incident_id: &str, cx: &mut Cx<'_>) -> Result<String, Failed> {
    let store = &mut *cx.store;
    Ok(match &form.kind {
        RecordKind::Finding {
            editing,
            from_event,
        } => {
            let new = form.to_finding()?;
            let f = match editing {
                Some(f) => store.update_finding(&f.id, &new, Some(f.version))?,
                None => store.create_finding(incident_id, &new, from_event.as_slice())?,
            };
            format!("saved finding: {}", inert(&clip(&f.title, 50)))
        }
        RecordKind::Overview { incident } => {
            let patch = form.to_patch()?;
            store.update_incident(&incident.id, &patch, Some(incident.version))?;
            "saved the overview".to_string()
        }
        RecordKind::Action { findings, .. } => {
            let new = form.to_action()?;
            let findings: Vec<String> = finding_named(findings, &form.value("Finding"))?
                .into_iter()
                .collect();
            let a = store.create_action(incident_id, &new, &findings)?;
            format!(
                "logged action: {} (6 shows the backlog)",
                inert(&clip(&a.title, 50))
            )
        }
        RecordKind::Evaluation { item } => {
            let changes = form.to_evaluation()?;
            if changes.is_empty() {
                return Ok("nothing changed".to_string());
            }
            let changes: Vec<(&str, Option<&str>)> = changes
                .iter()
                .map(|(f, v)| (*f, Some(v.as_str())))
                .collect();
            let i = store.edit_evaluation_fields(&item.id, &changes, Some(item.version))?;
            format!("saved the evaluation of {}", inert(&i.area))
        }
        RecordKind::Actor { actor } => {
            let (kind, attribution, note) = form.to_actor()?;
            let mut current = actor.clone();
            let new_name = form.value("Name").trim().to_string();
            let renamed = new_name != actor.name;
            if renamed {
                current =
                    store.rename_actor(incident_id, &actor.name, &new_name, Some(actor.version))?;
            }
            if (kind, attribution, note.as_str())
                != (current.kind, current.attribution, current.note.as_str())
            {
                let version = Some(current.version);
                (current, _) = store.save_actor(
                    incident_id,
                    &current.name,
                    kind,
                    attribution,
                    &note,
                    version,
                )?;
            }
            if renamed {
                format!(
                    "renamed {} to {} (its events follow; u undoes)",
                    inert(&actor.name),
                    inert(&current.name)
                )
            } else {
                format!(
                    "saved actor {}: {}",
                    inert(&current.name),
                    current.kind.label()
                )
            }
        }
    })
}

/// Saves the form; a record another window changed since the form opened goes to the
/// conflict box instead of being written over.
pub fn save(form: &RecordForm, incident_id: &str, cx: &mut Cx<'_>) -> Outcome {
    match write(form, incident_id, cx) {
        Ok(message) => {
            cx.shell.success(message);
            Outcome::Close(Effect::Changed(None))
        }
        Err(Failed::Store(StoreError::Stale(_))) => {
            conflict::ask(cx, StaleForm::Record(Box::new(form.clone())))
        }
        Err(Failed::Store(e)) => {
            cx.shell.error(format!("not saved: {e}"));
            Outcome::Keep
        }
        Err(Failed::Invalid(e)) => {
            cx.shell.error(format!("not saved: {e}"));
            Outcome::Keep
        }
    }
}

/// The finding a typed title names: none when empty, else the one whose title is it
/// (case aside) or the only one holding it.
fn finding_named(findings: &[(String, String)], typed: &str) -> Result<Option<String>, String> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return Ok(None);
    }
    if let Some((id, _)) = findings.iter().find(|(_, t)| t.to_lowercase() == typed) {
        return Ok(Some(id.clone()));
    }
    let holding: Vec<&(String, String)> = findings
        .iter()
        .filter(|(_, t)| t.to_lowercase().contains(&typed))
        .collect();
    match holding.as_slice() {
        [(id, _)] => Ok(Some(id.clone())),
        [] => Err(format!(
            "no finding of this incident says {typed:?}: tab completes a title, empty leaves it for later"
        )),
        _ => Err(format!(
            "{} findings say {typed:?}: type more of the title (tab completes)",
            holding.len()
        )),
    }
}
