//! Drawing of what is stacked over a screen, one module per overlay, and the footer keys while one has the keys.

pub mod confirm;
pub mod conflict;
pub mod event_form;
pub mod evidence_links;
pub mod finding_links;
pub mod form;
pub mod help;
pub mod incident_form;
pub mod key_picker;
pub mod lapse_picker;
pub mod merge_conflicts;
pub mod prompt;
pub mod record_form;
pub mod walk;

use crate::app::overlays::prompt::PromptKind;
use crate::app::{App, Overlay};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear};

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    for overlay in &app.overlays {
        match overlay {
            Overlay::Help(h) => help::help(app, frame, area, theme, h.scroll),
            Overlay::Confirm(c) => confirm::confirm(frame, area, theme, &c.question),
            Overlay::Conflict(c) => conflict::conflict(frame, area, theme, c),
            Overlay::EventForm(form) => event_form::event_form(app, frame, area, theme, form),
            Overlay::IncidentForm(form) => incident_form::incident_form(frame, area, theme, form),
            Overlay::Record(form) => record_form::record_form(frame, area, theme, form),
            // Drawn by ui::render over the body (it needs the layout).
            Overlay::Walk(_) => {}
            Overlay::LapsePicker(p) => lapse_picker::lapse_picker(frame, area, theme, p),
            Overlay::KeyPicker(p) => key_picker::key_picker(frame, area, theme, p),
            Overlay::EvidenceLinks(p) => evidence_links::evidence_links(frame, area, theme, p),
            Overlay::Prompt(prompt) => prompt::prompt_box(frame, area, theme, prompt),
            Overlay::FindingLinks(f) => finding_links::finding_links(frame, area, theme, f),
            Overlay::MergeConflicts(c) => merge_conflicts::merge_conflicts(frame, area, theme, c),
        }
    }
}

/// The footer while an overlay has the keys.
pub fn footer_keys(app: &App) -> Option<Vec<(String, String)>> {
    let pairs: &[(&str, &str)] = match app.overlays.last()? {
        Overlay::Help(_) => &[("↑↓", "scroll"), ("any key", "close")],
        Overlay::Confirm(_) => &[("y", "yes"), ("n", "no")],
        Overlay::Conflict(_) => &[
            ("o", "save yours"),
            ("e", "back to the form"),
            ("t", "keep theirs"),
        ],
        Overlay::Walk(w) if w.finished => &[("esc", "close"), ("←", "back into the walk")],
        Overlay::Walk(_) => &[
            ("a/i/r/v", "status"),
            ("x", "reject"),
            ("n", "note"),
            ("o", "owner"),
            ("d", "due"),
            ("p", "SOP"),
            ("space", "skip"),
            ("esc", "end"),
        ],
        Overlay::FindingLinks(_) | Overlay::EvidenceLinks(_) => &[
            ("↑↓", "choose"),
            ("space", "link / unlink"),
            ("enter", "save"),
            ("esc", "cancel"),
        ],
        Overlay::LapsePicker(_) => &[
            ("↑↓", "choose"),
            ("enter", "tag"),
            ("1-6", "new finding of a kind"),
            ("esc", "cancel"),
        ],
        Overlay::KeyPicker(_) => &[
            ("1-4", "mark (moves a held mark)"),
            ("0", "none"),
            ("↑↓ enter", "choose"),
            ("esc", "cancel"),
        ],
        Overlay::EventForm(_) | Overlay::IncidentForm(_) | Overlay::Record(_) => &[
            ("ctrl-s", "save"),
            ("tab", "complete / next field"),
            ("shift-tab", "previous field"),
            ("esc", "cancel"),
        ],
        Overlay::MergeConflicts(c) if c.editing.is_some() => &[
            ("enter", "keep this value"),
            ("ctrl-u", "clear"),
            ("esc", "cancel"),
        ],
        Overlay::MergeConflicts(c) if c.asking_quit => &[
            ("y", "quit, dropping the choices"),
            ("any other key", "stay"),
        ],
        Overlay::MergeConflicts(_) => &[
            ("o", "ours"),
            ("t", "theirs"),
            ("e", "new value"),
            ("w", "write"),
            ("q", "quit"),
            ("?", "help"),
        ],
        Overlay::Prompt(prompt) => match prompt.kind {
            PromptKind::Palette => &[("enter", "run"), ("↑↓", "choose"), ("esc", "close")],
            PromptKind::Capture => &[
                ("enter", "save, then type the next"),
                ("esc", "close (keeps what you typed)"),
            ],
            _ => &[("enter", "apply"), ("esc", "close")],
        },
    };
    Some(
        pairs
            .iter()
            .map(|(k, d)| (k.to_string(), d.to_string()))
            .collect(),
    )
}

pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clears a centred box of `width` x `height`, draws its border and title, and returns
/// the inside, where a form draws its fields.
pub(crate) fn form_box(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    title: &str,
    width: u16,
    height: u16,
) -> Rect {
    let r = centered(area, width, height);
    frame.render_widget(Clear, r);
    let block = boxed(title, theme);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    inner
}

pub(crate) fn boxed<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::bordered().title(Span::styled(title, theme.title()))
}

/// The first line of a value, marked when there is more.
pub(crate) fn one_line(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    if lines.next().is_some() {
        format!("{first} …")
    } else {
        first.to_string()
    }
}
