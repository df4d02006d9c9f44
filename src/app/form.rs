//! Forms: the event form and the incident form. Every field is validated as it is typed,
//! nothing typed is lost until the analyst saves or confirms discarding it.

use crate::domain::event::{normalize_tags, validate_technique_id};
use crate::domain::{
    Event, Incident, NewEvent, NewIncident, Phase, Severity, TimeContext, Timestamp, attack,
    parse_time, parse_zone,
};
use crate::text::inert_with;
use ratatui_textarea::TextArea;

/// One labelled field backed by an editor widget.
#[derive(Debug, Clone)]
pub struct Field {
    pub label: &'static str,
    pub area: TextArea<'static>,
    pub multiline: bool,
    /// What was there when the form opened, shown inert; to tell "changed".
    pub initial: String,
    /// The untrusted original, kept when the field is left unchanged.
    pub original: String,
    pub hint: &'static str,
    pub readonly: bool,
}

impl Field {
    pub fn new(label: &'static str, value: &str, multiline: bool, hint: &'static str) -> Field {
        let shown = inert_with(value, multiline).into_owned();
        let mut area = TextArea::new(shown.lines().map(str::to_string).collect());
        if shown.is_empty() {
            area = TextArea::default();
        }
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        area.set_placeholder_text(hint);
        if multiline {
            // Paragraphs of a summary wrap at words instead of scrolling sideways.
            area.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
        }
        // "Unchanged" is judged against what the editor holds (it drops a final newline).
        let initial = area.lines().join("\n");
        Field {
            label,
            area,
            multiline,
            initial,
            original: value.to_string(),
            hint,
            readonly: false,
        }
    }

    /// The text as typed; the untrusted original when the field was not touched.
    pub fn value(&self) -> String {
        let typed = self.area.lines().join("\n");
        if typed == self.initial {
            self.original.clone()
        } else {
            typed
        }
    }

    pub fn changed(&self) -> bool {
        self.area.lines().join("\n") != self.initial
    }

    /// The word being typed (after the last space), for completion.
    pub fn current_word(&self) -> String {
        let text = self.area.lines().join(" ");
        text.rsplit(' ').next().unwrap_or_default().to_string()
    }

    /// Replaces the field's text (a completion), cursor at the end.
    pub fn set_text(&mut self, text: &str) {
        let mut area = TextArea::new(vec![text.to_string()]);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        area.set_placeholder_text(self.hint);
        self.area = area;
    }
}

/// The event form: add or edit one event.
#[derive(Debug, Clone)]
pub struct EventForm {
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The event being edited (with the version it was read at), or none when adding.
    pub editing: Option<Event>,
    pub ctx: TimeContext,
}

pub const AT: usize = 0;
pub const TEXT: usize = 1;
pub const ACTOR: usize = 2;
pub const SOURCE: usize = 3;
pub const PHASE: usize = 4;
pub const TAGS: usize = 5;
pub const TECHNIQUE: usize = 6;

impl EventForm {
    pub fn add(ctx: TimeContext, default_at: Option<&Timestamp>) -> EventForm {
        let at = default_at
            .map(|t| show_time(t, ctx.zone))
            .unwrap_or_default();
        EventForm::with_values(ctx, None, [&at, "", "", "", "", "", ""])
    }

    pub fn edit(ctx: TimeContext, e: &Event) -> EventForm {
        let at = show_time(&e.at, ctx.zone);
        let phase = e.phase.map(|p| p.as_str()).unwrap_or_default();
        let tags = e.tags.join(" ");
        EventForm::with_values(
            ctx,
            Some(e.clone()),
            [
                &at,
                &e.text,
                e.actor.as_deref().unwrap_or_default(),
                e.source.as_deref().unwrap_or_default(),
                phase,
                &tags,
                e.technique.as_deref().unwrap_or_default(),
            ],
        )
    }

    fn with_values(ctx: TimeContext, editing: Option<Event>, v: [&str; 7]) -> EventForm {
        let fields = vec![
            Field::new("When", v[0], false, "14:02, 2026-03-11 14:02:05Z, ~15:00"),
            Field::new(
                "What",
                v[1],
                true,
                "what happened, as precisely as the evidence says",
            ),
            Field::new("Actor", v[2], false, "who or what did it"),
            Field::new(
                "Source",
                v[3],
                false,
                "where it was seen: a log, an alert, a person",
            ),
            Field::new(
                "Phase",
                v[4],
                false,
                "precursor, initial-access, impact, detection, ...",
            ),
            Field::new("Tags", v[5], false, "words separated by spaces"),
            Field::new("Technique", v[6], false, "ATT&CK id, e.g. T1078.004"),
        ];
        EventForm {
            fields,
            focus: if editing.is_some() { TEXT } else { AT },
            editing,
            ctx,
        }
    }

    pub fn changed(&self) -> bool {
        self.fields.iter().any(Field::changed)
    }

    /// The problem with each field as typed (`None` when it is fine).
    pub fn errors(&self) -> Vec<Option<String>> {
        let v = |i: usize| self.fields[i].value();
        vec![
            parse_time(&v(AT), &self.ctx).err().map(|e| e.reason),
            v(TEXT)
                .trim()
                .is_empty()
                .then(|| "say what happened".to_string()),
            None,
            None,
            optional(&v(PHASE)).and_then(|p| p.parse::<Phase>().err()),
            normalize_tags(&v(TAGS).split_whitespace().collect::<Vec<_>>()).err(),
            optional(&v(TECHNIQUE)).and_then(|t| {
                validate_technique_id(&t)
                    .and_then(|id| attack::require_known(&id).map(drop))
                    .err()
            }),
        ]
    }

    /// The event as typed, or the first problem.
    pub fn to_new_event(&self) -> Result<NewEvent, String> {
        if let Some((i, e)) = self
            .errors()
            .into_iter()
            .enumerate()
            .find_map(|(i, e)| e.map(|e| (i, e)))
        {
            return Err(format!("{}: {e}", self.fields[i].label));
        }
        let v = |i: usize| self.fields[i].value();
        // An untouched time keeps its original offset and sub-second precision.
        let at = match &self.editing {
            Some(e) if !self.fields[AT].changed() => e.at,
            _ => parse_time(&v(AT), &self.ctx).map_err(|e| e.to_string())?,
        };
        let tags: Vec<String> = v(TAGS).split_whitespace().map(str::to_string).collect();
        let mut new = NewEvent::new(at, &v(TEXT))?
            .with_tags(&tags)?
            .with_technique(optional(&v(TECHNIQUE)).as_deref())?;
        new.actor = optional(&v(ACTOR));
        new.source = optional(&v(SOURCE));
        new.phase = optional(&v(PHASE)).map(|p| p.parse()).transpose()?;
        if let Some(e) = &self.editing {
            new.key_kind = e.key_kind;
            new.caused_by = e.caused_by.clone();
        }
        Ok(new)
    }

    /// What the focused field could become by completion (whole field values), from what
    /// the incident already has.
    pub fn suggestions(&self, actors: &[String], tags: &[String]) -> Vec<String> {
        let field = &self.fields[self.focus];
        // Tab completes only what the analyst is typing: an empty field, or one still as
        // the form opened it, is passed over, never changed unasked (tabbing through an
        // edit once turned the actor "M. Ruiz" into a longer known name).
        if field.value().trim().is_empty() || !field.changed() {
            return Vec::new();
        }
        let word = field.current_word().to_lowercase();
        let starts = |c: &String| c.to_lowercase().starts_with(&word) && c.to_lowercase() != word;
        match self.focus {
            ACTOR => {
                let typed = field.value().to_lowercase();
                actors
                    .iter()
                    .filter(|a| a.to_lowercase().starts_with(&typed) && a.to_lowercase() != typed)
                    .take(5)
                    .cloned()
                    .collect()
            }
            PHASE => Phase::ALL
                .iter()
                .map(|p| p.as_str().to_string())
                .filter(starts)
                .take(9)
                .collect(),
            TAGS if !word.is_empty() => {
                tags.iter().filter(|t| starts(t)).take(5).cloned().collect()
            }
            TECHNIQUE if field.value().trim().len() >= 2 => {
                technique_suggestions(field.value().trim())
            }
            _ => Vec::new(),
        }
    }
}

/// Techniques matching what was typed, by id or name, fuzzily ("cloud acc" finds
/// T1078.004 Cloud Accounts), best first.
pub fn technique_suggestions(typed: &str) -> Vec<String> {
    crate::domain::attack::search(typed, 5)
        .into_iter()
        .filter(|t| !t.id.eq_ignore_ascii_case(typed))
        .map(|t| t.id.to_string())
        .collect()
}

/// The incident form: create or edit an incident's main fields.
#[derive(Debug, Clone)]
pub struct IncidentForm {
    pub fields: Vec<Field>,
    pub focus: usize,
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
        let mut f = IncidentForm::with_values(
            Some(i.clone()),
            [
                &i.key,
                &i.title,
                i.severity.as_str(),
                i.zone.name(),
                &detected,
            ],
        );
        f.fields[0].readonly = true;
        f.focus = 1;
        f
    }

    fn with_values(editing: Option<Incident>, v: [&str; 5]) -> IncidentForm {
        IncidentForm {
            fields: vec![
                Field::new("Key", v[0], false, "a unique key, e.g. IR-2026-020"),
                Field::new("Title", v[1], false, "what happened, in a few words"),
                Field::new("Severity", v[2], false, "low, medium, high, critical"),
                Field::new("Zone", v[3], false, "IANA time zone, e.g. Europe/Madrid"),
                Field::new(
                    "Detected",
                    v[4],
                    false,
                    "2026-03-11 10:19 (in the zone above)",
                ),
            ],
            focus: 0,
            editing,
        }
    }

    pub fn changed(&self) -> bool {
        self.fields.iter().any(Field::changed)
    }

    pub fn errors(&self) -> Vec<Option<String>> {
        let v = |i: usize| self.fields[i].value();
        let zone = parse_zone(v(3).trim());
        let ctx = TimeContext {
            zone: zone.clone().unwrap_or(chrono_tz::Tz::UTC),
            date: None,
        };
        vec![
            crate::domain::incident::validate_key(&v(0)).err(),
            v(1).trim()
                .is_empty()
                .then(|| "give it a title".to_string()),
            v(2).parse::<Severity>().err(),
            zone.err(),
            optional(&v(4)).and_then(|d| parse_time(&d, &ctx).err().map(|e| e.reason)),
        ]
    }

    /// The incident as typed, or the first problem.
    pub fn to_new_incident(&self) -> Result<NewIncident, String> {
        if let Some((i, e)) = self
            .errors()
            .into_iter()
            .enumerate()
            .find_map(|(i, e)| e.map(|e| (i, e)))
        {
            return Err(format!("{}: {e}", self.fields[i].label));
        }
        let v = |i: usize| self.fields[i].value();
        let mut new = NewIncident::new(&v(0), &v(1))?;
        new.severity = v(2).parse()?;
        new.zone = parse_zone(v(3).trim())?;
        let ctx = TimeContext {
            zone: new.zone,
            date: None,
        };
        new.detected = optional(&v(4))
            .map(|d| parse_time(&d, &ctx))
            .transpose()
            .map_err(|e| e.to_string())?;
        Ok(new)
    }
}

fn optional(text: &str) -> Option<String> {
    crate::domain::optional(Some(text))
}

/// A time as the form shows it: in the zone it will be read back in, with its offset,
/// so saving an untouched form never moves an event.
pub fn show_time(t: &Timestamp, zone: chrono_tz::Tz) -> String {
    let local = t.utc.with_timezone(&zone);
    let prefix = if t.precision == crate::domain::Precision::Approximate {
        "~"
    } else {
        ""
    };
    let format = if t.precision == crate::domain::Precision::Exact {
        "%Y-%m-%d %H:%M:%S%:z"
    } else {
        "%Y-%m-%d %H:%M%:z"
    };
    format!("{prefix}{}", local.format(format))
}
