//! The incident form: create an incident, or edit its key fields (title, severity,
//! zone, detection time). The summary and the rest are edited from the Overview.

use super::super::effect::Effect;
use super::super::shell::Cx;
use super::Outcome;
use super::conflict::{self, StaleForm};
use super::form::{Field, Fields, FormAction, cancel, form_key, optional, problem, show_time};
use crate::domain::{
    Incident, IncidentPatch, NewIncident, Severity, TimeContext, parse_time, parse_zone,
};
use crate::store::StoreError;
use crate::text::inert;
use crossterm::event::KeyEvent;

pub const KEY: &str = "Key";
pub const TITLE: &str = "Title";
pub const SEVERITY: &str = "Severity";
pub const ZONE: &str = "Zone";
pub const DETECTED: &str = "Detected";

#[derive(Debug, Clone)]
pub struct IncidentForm {
    pub fields: Fields,
    pub editing: Option<Incident>,
}

impl IncidentForm {
    pub fn add() -> IncidentForm {
        IncidentForm::with_values(None, ["", "", "medium", "UTC", ""])
    }

    pub fn edit(i: &Incident) -> IncidentForm {
        let detected = i
            .detected
            .as_ref()
            .map(|t| show_time(t, i.zone))
            .unwrap_or_default();
        let values = [
            &i.key,
            &i.title,
            i.severity.as_str(),
            i.zone.name(),
            &detected,
        ];
        let mut f = IncidentForm::with_values(Some(i.clone()), values);
        f.fields.get_mut(KEY).readonly = true;
        f.fields.focus_on(TITLE);
        f
    }

    #[rustfmt::skip]
    fn with_values(editing: Option<Incident>, v: [&str; 5]) -> IncidentForm {
        let list = vec![
            Field::new(KEY, v[0], false, "a unique key, e.g. IR-2026-020"),
            Field::new(TITLE, v[1], false, "what happened, in a few words"),
            Field::new(SEVERITY, v[2], false, "low, medium, high, critical"),
            Field::new(ZONE, v[3], false, "IANA time zone, e.g. Europe/Madrid"),
            Field::new(DETECTED, v[4], false, "2026-03-11 10:19 (in the zone above)"),
        ];
        IncidentForm { fields: Fields::new(list, KEY), editing }
    }

    pub fn changed(&self) -> bool {
        self.fields.changed()
    }

    /// The zone typed, as a time context for the detection time.
    fn ctx(&self) -> TimeContext {
        let zone = parse_zone(self.fields.value(ZONE).trim());
        TimeContext {
            zone: zone.unwrap_or(chrono_tz::Tz::UTC),
            date: None,
        }
    }

    fn error_of(&self, label: &str) -> Option<String> {
        let v = self.fields.value(label);
        match label {
            KEY => problem(crate::domain::incident::validate_key(&v)),
            TITLE => v.trim().is_empty().then(|| "give it a title".to_string()),
            SEVERITY => problem(v.parse::<Severity>()),
            ZONE => problem(parse_zone(v.trim())),
            DETECTED => {
                optional(&v).and_then(|d| parse_time(&d, &self.ctx()).err().map(|e| e.reason))
            }
            _ => None,
        }
    }

    /// The problem with each field as typed, in the order of the fields.
    pub fn errors(&self) -> Vec<Option<String>> {
        self.fields.check(|label| self.error_of(label))
    }

    /// The incident as typed, or the first problem.
    pub fn to_new_incident(&self) -> Result<NewIncident, String> {
        self.fields.first_error(&self.errors())?;
        let v = |label: &str| self.fields.value(label);
        let mut new = NewIncident::new(&v(KEY), &v(TITLE))?;
        new.severity = v(SEVERITY).parse()?;
        new.zone = parse_zone(v(ZONE).trim())?;
        new.detected = optional(&v(DETECTED))
            .map(|d| parse_time(&d, &self.ctx()))
            .transpose()
            .map_err(|e| e.to_string())?;
        Ok(new)
    }

    /// Tab completion for the closed lists: the severity, and the zone (an IANA name,
    /// matched at its start or after a `/`, so `madrid` finds `Europe/Madrid`).
    pub fn suggestions(&self) -> Vec<String> {
        let field = self.fields.focused();
        let typed = field.value().trim().to_lowercase();
        if typed.is_empty() || !field.changed() {
            return Vec::new();
        }
        match field.label {
            SEVERITY => Severity::ALL
                .iter()
                .map(|s| s.as_str().to_string())
                .filter(|s| s.starts_with(&typed) && *s != typed)
                .collect(),
            ZONE => chrono_tz::TZ_VARIANTS
                .iter()
                .map(|z| z.name())
                .filter(|name| {
                    let lower = name.to_lowercase();
                    lower != typed
                        && (lower.starts_with(&typed)
                            || lower
                                .split('/')
                                .skip(1)
                                .any(|part| part.starts_with(&typed)))
                })
                .take(8)
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn key(&mut self, key: KeyEvent, cx: &mut Cx<'_>) -> Outcome {
        let suggestions = self.suggestions();
        match form_key(&mut self.fields, &suggestions, key) {
            FormAction::Handled => Outcome::Keep,
            FormAction::Cancel => cancel(self.changed(), cx),
            FormAction::Save => save(self, cx),
        }
    }
}

/// Creates the incident, or saves the edit (refused, and the conflict box shown, when
/// another window changed it since the form opened).
pub fn save(form: &IncidentForm, cx: &mut Cx<'_>) -> Outcome {
    let new = match form.to_new_incident() {
        Ok(n) => n,
        Err(e) => {
            cx.shell.error(format!("not saved: {e}"));
            return Outcome::Keep;
        }
    };
    let result = match &form.editing {
        Some(before) => {
            let patch = IncidentPatch {
                title: Some(new.title.clone()),
                severity: Some(new.severity),
                zone: Some(new.zone),
                detected: form.fields.get(DETECTED).changed().then_some(new.detected),
                ..Default::default()
            };
            cx.store
                .update_incident(&before.id, &patch, Some(before.version))
        }
        None => cx.store.create_incident(&new),
    };
    match result {
        Ok(saved) => {
            let verb = if form.editing.is_some() {
                "saved"
            } else {
                "created"
            };
            cx.shell.success(format!(
                "{verb} incident {} · enter opens its timeline",
                inert(&saved.key)
            ));
            Outcome::Close(Effect::IncidentSaved(saved.key))
        }
        Err(StoreError::Stale(_)) => conflict::ask(cx, StaleForm::Incident(Box::new(form.clone()))),
        Err(e) => {
            cx.shell.error(format!("not saved: {e}"));
            Outcome::Keep
        }
    }
}
