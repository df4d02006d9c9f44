//! One-line prompts at the bottom of the screen: quick capture, filter, jump to a time,
//! evidence, import, the report's file, a new evaluation area, and the command palette.
//! Each shows what Enter will do before it is pressed: the notes under the input are
//! worked out here, in update, as the analyst types (some look at the disk), and render
//! only draws them.

use super::super::effect::Effect;
use super::super::open::OpenIncident;
use super::Outcome;
use crate::app::View;
use crate::keymap::{Command, Keymap};
use crate::text::inert;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Capture,
    Filter,
    JumpTime,
    Palette,
    Evidence,
    BacklogFilter,
    EvaluationArea,
    ReportPath,
    ImportPath,
    /// An SOP change of the action in `target`.
    SopChange,
    /// The contact of the owner named in `target`.
    OwnerContact,
}

impl PromptKind {
    pub fn label(self) -> &'static str {
        match self {
            PromptKind::Capture => "capture",
            PromptKind::Filter => "filter",
            PromptKind::JumpTime => "jump to",
            PromptKind::Palette => "command",
            PromptKind::Evidence => "evidence",
            PromptKind::BacklogFilter => "filter the backlog",
            PromptKind::EvaluationArea => "new area",
            PromptKind::ReportPath => "write the report to",
            PromptKind::ImportPath => "import",
            PromptKind::SopChange => "SOP change",
            PromptKind::OwnerContact => "contact",
        }
    }

    fn placeholder(self) -> &'static str {
        match self {
            PromptKind::Capture => {
                "14:02 @mallory signed in with the forged token #initial-access T1078"
            }
            PromptKind::Filter => "words @actor #tag !phase (empty shows everything)",
            PromptKind::JumpTime => "2026-03-11 10:00, 14:02 or ~09:00",
            PromptKind::Palette => "type to find a command",
            PromptKind::Evidence => {
                "a file path (hashed, tab completes), a URL or a ticket such as SEC-4521, then a title"
            }
            PromptKind::BacklogFilter => {
                "@owner #group !status P1 before:2027-01-01 open overdue stale"
            }
            PromptKind::EvaluationArea => "e.g. Legal hold, Backups, Vendor management",
            PromptKind::ReportPath => "a file: .md for Markdown, .html or .json",
            PromptKind::ImportPath => "the timeline file to import (tab completes)",
            PromptKind::SopChange => "IR playbook, 4.2 Vendor access, 2026-04-01",
            PromptKind::OwnerContact => "j.alonso@example.org, or a channel or phone number",
        }
    }
}

/// How a note under the input reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteTone {
    /// A hint about what to type.
    Hint,
    /// What enter will do.
    Ok,
    /// Why enter will not work.
    Problem,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Already inert.
    pub text: String,
    pub tone: NoteTone,
}

impl Note {
    fn hint(text: impl Into<String>) -> Note {
        Note {
            text: text.into(),
            tone: NoteTone::Hint,
        }
    }

    fn ok(text: impl Into<String>) -> Note {
        Note {
            text: text.into(),
            tone: NoteTone::Ok,
        }
    }

    fn problem(text: impl std::fmt::Display) -> Note {
        Note {
            text: format!("⚠ {}", inert(&text.to_string())),
            tone: NoteTone::Problem,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: TextArea<'static>,
    /// What enter will do, worked out as the text changes.
    pub notes: Vec<Note>,
    /// The palette's matching commands, and the one chosen.
    pub choices: Vec<(Command, String)>,
    pub selected: usize,
    /// The event the evidence prompt attaches to (none: the incident only).
    pub target: Option<String>,
}

impl Prompt {
    pub fn new(kind: PromptKind, initial: &str) -> Prompt {
        let mut input = TextArea::new(vec![initial.to_string()]);
        input.move_cursor(ratatui_textarea::CursorMove::End);
        input.set_placeholder_text(kind.placeholder());
        Prompt {
            kind,
            input,
            notes: Vec::new(),
            choices: Vec::new(),
            selected: 0,
            target: None,
        }
    }

    pub fn capture(draft: &str) -> Prompt {
        Prompt::new(PromptKind::Capture, draft)
    }

    pub fn filter(text: &str) -> Prompt {
        Prompt::new(PromptKind::Filter, text)
    }

    pub fn jump() -> Prompt {
        Prompt::new(PromptKind::JumpTime, "")
    }

    pub fn palette() -> Prompt {
        Prompt::new(PromptKind::Palette, "")
    }

    pub fn backlog_filter(text: &str) -> Prompt {
        Prompt::new(PromptKind::BacklogFilter, text)
    }

    pub fn report_path(path: &str) -> Prompt {
        Prompt::new(PromptKind::ReportPath, path)
    }

    pub fn import() -> Prompt {
        Prompt::new(PromptKind::ImportPath, "")
    }

    /// An SOP change made by an action (its id kept as the target).
    pub fn sop_change(action_id: &str, title: &str) -> Prompt {
        let mut p = Prompt::new(PromptKind::SopChange, "");
        p.target = Some(action_id.to_string());
        p.notes = vec![Note::hint(format!(
            "a procedure changed by: {}",
            inert(title)
        ))];
        p
    }

    /// How the owner `name` is reached, starting from what is recorded.
    pub fn owner_contact(name: &str, contact: &str) -> Prompt {
        let mut p = Prompt::new(PromptKind::OwnerContact, contact);
        p.target = Some(name.to_string());
        p.notes = contact_notes(name, contact);
        p
    }

    /// Evidence for the incident, or for one of its events.
    pub fn evidence(event: Option<String>) -> Prompt {
        let mut p = Prompt::new(PromptKind::Evidence, "");
        p.target = event;
        p
    }

    pub fn text(&self) -> String {
        self.input.lines().join(" ")
    }

    /// The palette's chosen command.
    pub fn chosen(&self) -> Option<Command> {
        let last = self.choices.len().checked_sub(1)?;
        self.choices.get(self.selected.min(last)).map(|(c, _)| *c)
    }

    pub fn key(&mut self, key: KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc if self.kind == PromptKind::Capture => {
                Outcome::Close(Effect::KeepDraft(self.text()))
            }
            KeyCode::Esc => Outcome::Close(Effect::None),
            KeyCode::Enter => Outcome::Close(Effect::Submit(Box::new(self.clone()))),
            KeyCode::Tab if matches!(self.kind, PromptKind::ImportPath | PromptKind::Evidence) => {
                // Paths complete as far as the files agree; tab never types a space.
                if let Some(done) = crate::app::import::complete(&self.text()) {
                    self.input = Prompt::new(self.kind, &done).input;
                }
                Outcome::Keep
            }
            KeyCode::Down if self.kind == PromptKind::Palette => {
                self.selected = super::super::shell::step(self.selected, self.choices.len(), 1);
                Outcome::Keep
            }
            KeyCode::Up if self.kind == PromptKind::Palette => {
                self.selected = self.selected.saturating_sub(1);
                Outcome::Keep
            }
            _ => {
                let before = self.text();
                super::form::type_into(&mut self.input, key);
                if self.text() != before {
                    self.selected = 0;
                }
                Outcome::Keep
            }
        }
    }

    /// Pasted text goes in as one line, made inert first.
    pub fn paste(&mut self, text: &str) {
        let one_line = crate::text::inert_with(text, false).replace('␊', " ");
        self.input.insert_str(one_line);
    }

    /// Works out the notes for what is typed now.
    pub fn refresh(&mut self, keymap: &Keymap, view: View, open: Option<&OpenIncident>) {
        let text = self.text();
        self.notes = match self.kind {
            PromptKind::Capture => open.map(|o| capture_note(&text, o)).into_iter().collect(),
            PromptKind::JumpTime => open
                .map(
                    |o| match crate::domain::parse_time(&text, &o.timeline.typing_ctx(&o.ctx)) {
                        Ok(at) => Note::ok(format!(
                            "→ the first event at or after {} (times without an offset read in {})",
                            at.rfc3339_utc(),
                            o.timeline.typing_ctx(&o.ctx).zone.name()
                        )),
                        Err(e) => Note::problem(e.reason),
                    },
                )
                .into_iter()
                .collect(),
            PromptKind::Filter => {
                let parsed = open.map(|o| crate::app::queries::parse_filter(&o.incident.id, &text));
                match parsed {
                    Some(Err(e)) => vec![Note::problem(e)],
                    _ => vec![Note::hint(
                        "words (prefixes match)  @actor  #tag  !phase — enter applies, empty shows all",
                    )],
                }
            }
            PromptKind::BacklogFilter => {
                match crate::app::screens::backlog::parse_backlog_query(&text) {
                    Ok(_) => vec![Note::hint(
                        "@owner #group !status P0-P3 before:YYYY-MM-DD open overdue stale — enter applies",
                    )],
                    Err(e) => vec![Note::problem(e)],
                }
            }
            PromptKind::ImportPath => crate::app::import::preview(&text, open.map(|o| &o.incident))
                .into_iter()
                .map(|l| {
                    let tone = if l.starts_with('⚠') {
                        NoteTone::Problem
                    } else {
                        NoteTone::Hint
                    };
                    Note { text: l, tone }
                })
                .collect(),
            PromptKind::EvaluationArea => vec![Note::hint(
                "an area of this incident's own, added at the end of the checklist",
            )],
            PromptKind::ReportPath => vec![Note::hint(
                crate::app::screens::report::report_path_note(&text),
            )],
            PromptKind::Evidence => evidence_notes(&text, self.target.is_some()),
            PromptKind::Palette => Vec::new(),
            PromptKind::SopChange => match crate::domain::action::parse_sop_line(&text) {
                Ok((doc, section, when)) => vec![Note::ok(format!(
                    "→ {}{}{}",
                    inert(&doc),
                    if section.is_empty() {
                        String::new()
                    } else {
                        format!(" § {}", inert(&section))
                    },
                    when.map(|d| format!(", incorporated {d}"))
                        .unwrap_or_else(|| ", not incorporated yet".into())
                ))],
                Err(_) if text.trim().is_empty() => self.notes.clone(),
                Err(e) => vec![Note::problem(e)],
            },
            PromptKind::OwnerContact => {
                contact_notes(self.target.as_deref().unwrap_or_default(), &text)
            }
        };
        if self.kind == PromptKind::Palette {
            self.choices = palette_matches(keymap, view, &text);
        }
    }
}

/// Whose contact it is, and what enter will make of it.
fn contact_notes(name: &str, text: &str) -> Vec<Note> {
    let whose = Note::hint(format!(
        "how {} is reached: an e-mail address becomes the Assignee in the actions CSV",
        inert(name)
    ));
    let what = match crate::domain::owner::validate_contact(text) {
        Err(e) => Note::problem(e.reason),
        Ok(c) if c.is_empty() => Note::ok("→ enter clears the contact"),
        Ok(c) => match crate::domain::owner::contact_email(&c) {
            Some(email) => Note::ok(format!("→ Assignee {}", inert(email))),
            None => Note::ok("→ kept as written (no e-mail address: no Assignee)"),
        },
    };
    vec![whose, what]
}

/// What the capture line will become, or why it will not.
fn capture_note(text: &str, open: &OpenIncident) -> Note {
    let t = &open.timeline;
    let previous = t.selected_event().map(|e| e.at);
    let ctx = t.typing_ctx(&open.ctx);
    let c = match crate::domain::capture::parse_capture(text, &ctx, previous.as_ref()) {
        Ok(c) => c,
        Err(e) => return Note::problem(e),
    };
    let mut parts = vec![format!("at {}", crate::domain::time::show_utc(&c.at))];
    if c.at.offset_secs != 0 {
        parts.push(format!("({})", c.at.rfc3339_original()));
    }
    parts.push(format!("read in {}", ctx.zone.name()));
    if let Some(a) = &c.actor {
        let new = if t.actors.iter().any(|x| x.eq_ignore_ascii_case(a)) {
            ""
        } else {
            " (new)"
        };
        parts.push(format!("actor {}{new}", inert(a)));
    }
    if let Some(p) = c.phase {
        parts.push(format!("phase {p}"));
    }
    if !c.tags.is_empty() {
        let tags: Vec<String> = c.tags.iter().map(|t| format!("#{}", inert(t))).collect();
        parts.push(format!("tags {}", tags.join(" ")));
    }
    if let Some(id) = &c.technique {
        match crate::domain::attack::require_known(id) {
            Ok(tech) => parts.push(format!("technique {} {}", tech.id, tech.name)),
            Err(e) => return Note::problem(e),
        }
    }
    parts.push(format!("text \"{}\"", inert(&c.text)));
    Note::ok(format!("→ {}", parts.join(" · ")))
}

/// Whether the typed evidence is a local file (hashed) or a reference, and what it is
/// attached to.
fn evidence_notes(text: &str, to_event: bool) -> Vec<Note> {
    let typed = text.trim();
    let (locator, title) = crate::ops::split_typed_evidence(typed);
    let titled = if title.is_empty() {
        String::new()
    } else {
        format!(", titled \"{}\"", inert(&title))
    };
    let first = if typed.is_empty() {
        Note::hint(
            "a file is hashed (SHA-256); anything else is kept as a URL or ticket reference; words after it are its title",
        )
    } else if std::path::Path::new(&locator).is_file() {
        Note::ok(format!(
            "→ a local file: its SHA-256, size and time will be recorded{titled} (evidence it already is gets linked)"
        ))
    } else {
        Note::ok(format!(
            "→ a URL or ticket reference {}{titled} (no such local file)",
            inert(&locator)
        ))
    };
    let target = if to_event {
        "to the selected event"
    } else {
        "to the incident"
    };
    vec![first, Note::hint(format!("attached {target}"))]
}

/// Commands whose name or description holds what was typed, in a screen.
pub fn palette_matches(keymap: &Keymap, view: View, typed: &str) -> Vec<(Command, String)> {
    let typed = typed.trim().to_lowercase();
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for b in keymap.help(view) {
        if seen.contains(&b.command) || matches!(b.command, Command::Palette | Command::Back) {
            continue;
        }
        seen.push(b.command);
        let text = format!("{} — {} ({})", b.command.name(), b.description, b.key);
        if typed.is_empty() || text.to_lowercase().contains(&typed) {
            out.push((b.command, text));
        }
    }
    out
}
