//! One-line prompts at the bottom of the screen: quick capture, filter, jump to a time,
//! and the command palette. Each shows what Enter will do before it is pressed.

use super::View;
use crate::domain::capture::{Capture, parse_capture};
use crate::domain::{TimeContext, Timestamp, parse_time};
use crate::keymap::{Command, Keymap};
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
        }
    }
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: TextArea<'static>,
}

impl Prompt {
    pub fn new(kind: PromptKind, initial: &str) -> Prompt {
        let mut input = TextArea::new(vec![initial.to_string()]);
        input.move_cursor(ratatui_textarea::CursorMove::End);
        input.set_placeholder_text(match kind {
            PromptKind::Capture => {
                "14:02 @mallory signed in with the forged token #initial-access T1078"
            }
            PromptKind::Filter => "words @actor #tag !phase (empty shows everything)",
            PromptKind::JumpTime => "2026-03-11 10:00, 14:02 or ~09:00",
            PromptKind::Palette => "type to find a command",
            PromptKind::Evidence => "a file path (hashed), a URL or a ticket such as SEC-4521",
            PromptKind::BacklogFilter => {
                "@owner #group !status P1 before:2027-01-01 open overdue stale"
            }
            PromptKind::EvaluationArea => "e.g. Legal hold, Backups, Vendor management",
            PromptKind::ReportPath => "a file: .md for Markdown, .html or .json",
            PromptKind::ImportPath => "the timeline file to import (tab completes)",
        });
        Prompt { kind, input }
    }

    pub fn text(&self) -> String {
        self.input.lines().join(" ")
    }
}

/// What the capture line will become, for the live preview.
pub fn capture_preview(
    text: &str,
    ctx: &TimeContext,
    previous: Option<&Timestamp>,
) -> Result<Capture, String> {
    parse_capture(text, ctx, previous)
}

pub fn jump_preview(text: &str, ctx: &TimeContext) -> Result<Timestamp, String> {
    parse_time(text, ctx).map_err(|e| e.reason)
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
