//! What is drawn over a view: help, confirmations, forms and the one-line prompts.

use super::theme::Theme;
use crate::app::form::{EventForm, Field, IncidentForm};
use crate::app::prompt::{self, Prompt, PromptKind};
use crate::app::{App, Overlay};
use crate::text::inert;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    for overlay in &app.overlays {
        match overlay {
            Overlay::Help { scroll } => help(app, frame, area, theme, *scroll),
            Overlay::Confirm { question, .. } => confirm(frame, area, theme, question),
            Overlay::Conflict(c) => conflict(frame, area, theme, c),
            Overlay::EventForm(form) => event_form(app, frame, area, theme, form),
            Overlay::IncidentForm(form) => incident_form(frame, area, theme, form),
            Overlay::Record(form) => record_form(frame, area, theme, form),
            // Drawn by ui::render over the body (it needs the layout).
            Overlay::Walk(_) => {}
            Overlay::LapsePicker {
                event,
                choices,
                selected,
            } => lapse_picker(frame, area, theme, event, choices, *selected),
            Overlay::Prompt { prompt, selected } => {
                prompt_box(app, frame, area, theme, prompt, *selected)
            }
            Overlay::FindingLinks {
                item,
                choices,
                selected,
            } => finding_links(frame, area, theme, item, choices, *selected),
        }
    }
}

/// The footer while an overlay has the keys.
pub fn footer_keys(app: &App) -> Option<Vec<(String, String)>> {
    let pairs: &[(&str, &str)] = match app.overlays.last()? {
        Overlay::Help { .. } => &[("↑↓", "scroll"), ("any key", "close")],
        Overlay::Confirm { .. } => &[("y", "yes"), ("n", "no")],
        Overlay::Conflict(_) => &[
            ("o", "save yours"),
            ("e", "back to the form"),
            ("t", "keep theirs"),
        ],
        Overlay::Walk(_) => &[
            ("a/i/r/v", "status"),
            ("x", "reject"),
            ("n", "note"),
            ("o", "owner"),
            ("d", "due"),
            ("space", "skip"),
            ("esc", "end"),
        ],
        Overlay::FindingLinks { .. } => &[
            ("↑↓", "choose"),
            ("space", "link / unlink"),
            ("enter", "save"),
            ("esc", "cancel"),
        ],
        Overlay::LapsePicker { .. } => &[
            ("↑↓", "choose"),
            ("enter", "tag"),
            ("1-6", "new finding of a kind"),
            ("esc", "cancel"),
        ],
        Overlay::EventForm(_) | Overlay::IncidentForm(_) | Overlay::Record(_) => &[
            ("ctrl-s", "save"),
            ("tab", "complete / next field"),
            ("shift-tab", "previous field"),
            ("esc", "cancel"),
        ],
        Overlay::Prompt { prompt, .. } => match prompt.kind {
            PromptKind::Palette => &[("enter", "run"), ("↑↓", "choose"), ("esc", "close")],
            PromptKind::Capture => &[
                ("enter", "save the event"),
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

fn centered(area: Rect, width: u16, height: u16) -> Rect {
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
fn form_box(
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

fn boxed<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::bordered().title(Span::styled(title, theme.title()))
}

fn help(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme, scroll: u16) {
    let scope = app.view;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Keys on the {} screen (change them in config.toml, [keys.{}])",
            scope.name(),
            scope.name()
        ),
        theme.dim(),
    ))];
    // One line per command, with all its keys.
    let mut rows: Vec<(crate::keymap::Command, Vec<String>, &str)> = Vec::new();
    for b in app.keymap.help(scope) {
        match rows.iter_mut().find(|(c, _, _)| *c == b.command) {
            Some((_, keys, _)) => keys.push(b.key.to_string()),
            None => rows.push((b.command, vec![b.key.to_string()], b.description)),
        }
    }
    for (_, keys, description) in rows {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", keys.join(" ")), theme.key()),
            Span::raw(description.to_string()),
        ]));
    }
    if scope == crate::app::View::Timeline {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Quick capture", theme.title())));
        lines.push(Line::raw(
            "  14:02 @actor what happened #tag T1078   time first: 14:02, 14:02:05Z,",
        ));
        lines.push(Line::raw(
            "  2026-03-11 14:02 +01:00, ~15:00 (approximate), +5m (after the selected event)",
        ));
        lines.push(Line::raw(
            "  a #tag that names a phase (#containment) also sets the phase",
        ));
        lines.push(Line::from(Span::styled("Filter", theme.title())));
        lines.push(Line::raw("  words (prefixes match)  @actor  #tag  !phase"));
    }
    let r = centered(area, 86, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let p = Paragraph::new(lines)
        .block(boxed(" Help ", theme))
        .scroll((scroll, 0));
    frame.render_widget(p, r);
}

fn confirm(frame: &mut Frame<'_>, area: Rect, theme: &Theme, question: &str) {
    let r = centered(area, 64, 5);
    frame.render_widget(Clear, r);
    let lines = vec![
        Line::raw(question.to_string()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" yes   "),
            Span::styled("n", theme.key()),
            Span::raw(" no"),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(boxed(" Confirm ", theme)),
        r,
    );
}

/// What another window changed, beside what the analyst typed, and the three ways on.
fn conflict(frame: &mut Frame<'_>, area: Rect, theme: &Theme, c: &crate::app::conflict::Conflict) {
    let mut lines = vec![
        Line::raw(format!(
            "Another window saved this {} after you opened it.",
            c.what
        )),
        Line::raw(""),
    ];
    if c.changes.is_empty() {
        lines.push(Line::styled(
            "It changed nothing you can see in this form.",
            theme.dim(),
        ));
    }
    for ch in &c.changes {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<10}", ch.label), theme.title()),
            Span::raw(format!("theirs: {}", one_line(&ch.theirs))),
        ]));
        let yours = match &ch.yours {
            Some(typed) => format!("yours:  {}", one_line(&inert(typed))),
            None => "yours:  (you left it alone: theirs is kept)".to_string(),
        };
        lines.push(Line::raw(format!("{:<10}{yours}", "")));
    }
    lines.push(Line::raw(""));
    for (key, what) in [
        (
            "o",
            " save: what you typed replaces theirs, their other changes stay",
        ),
        ("e", " back to the form, now on top of their version"),
        ("t", " keep theirs and drop your edit"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(key, theme.key()),
            Span::raw(what),
        ]));
    }
    let height = lines.len() as u16 + 2;
    let r = centered(area, 76, height);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(" Changed in another window ", theme)),
        r,
    );
}

/// The first line of a value, marked when there is more.
fn one_line(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    if lines.next().is_some() {
        format!("{first} …")
    } else {
        first.to_string()
    }
}

/// Draws a form's fields: label, editor, and the field's problem or hint beside it.
fn fields(
    frame: &mut Frame<'_>,
    inner: Rect,
    theme: &Theme,
    fields: &[Field],
    focus: usize,
    errors: &[Option<String>],
    extra: &[Vec<String>],
) {
    // Multi-line fields share what the one-line fields (and a line for notes) leave.
    let multi = fields.iter().filter(|f| f.multiline).count() as u16;
    let single = fields.len() as u16 - multi;
    let multi_height = inner
        .height
        .saturating_sub(single + 2)
        .checked_div(multi)
        .map_or(1, |h| h.clamp(2, 6));
    let mut y = inner.y;
    for (i, f) in fields.iter().enumerate() {
        let height = if f.multiline { multi_height } else { 1 };
        if y + height > inner.bottom() {
            break;
        }
        let label_style = if i == focus {
            theme.key()
        } else {
            Style::new()
        };
        let mark = if f.readonly { " (fixed)" } else { "" };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{:<10}", format!("{}{mark}", f.label)),
                label_style,
            )),
            Rect::new(inner.x, y, 11.min(inner.width), 1),
        );
        let field_area = Rect::new(inner.x + 11, y, inner.width.saturating_sub(11), height);
        let mut area = f.area.clone();
        let base = if i == focus {
            Style::new().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::new()
        };
        area.set_style(base);
        area.set_cursor_line_style(Style::new());
        if i != focus {
            area.set_cursor_style(base);
        }
        frame.render_widget(&area, field_area);
        y += height;
        // While completions are on offer they say more than the problem with a half-typed value.
        let note = match (extra.get(i), &errors.get(i).cloned().flatten()) {
            (Some(s), _) if !s.is_empty() && i == focus => {
                Some(Span::styled(format!("tab → {}", s.join(", ")), theme.dim()))
            }
            (_, Some(e)) => Some(Span::styled(format!("⚠ {}", inert(e)), theme.error())),
            _ => None,
        };
        if let Some(note) = note.filter(|_| y < inner.bottom()) {
            // A long problem wraps onto a second line rather than being cut.
            let width = inner.width.saturating_sub(11).max(1);
            let lines = (note.width() as u16).div_ceil(width).clamp(1, 2);
            let lines = lines.min(inner.bottom() - y);
            frame.render_widget(
                Paragraph::new(note).wrap(Wrap { trim: true }),
                Rect::new(inner.x + 11, y, width, lines),
            );
            y += lines;
        }
    }
}

fn event_form(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme, form: &EventForm) {
    let title = if form.editing.is_some() {
        " Edit event "
    } else {
        " New event "
    };
    let inner = form_box(frame, area, theme, title, 96, 22);
    let (actors, tags) = app
        .timeline
        .as_ref()
        .map(|t| (t.actors.clone(), t.tags.clone()))
        .unwrap_or_default();
    let mut extra = vec![Vec::new(); form.fields.len()];
    extra[form.focus] = form.suggestions(&actors, &tags);
    let errors = form.errors();
    fields(
        frame,
        inner,
        theme,
        &form.fields,
        form.focus,
        &errors,
        &extra,
    );
    // What the time and technique will be saved as.
    let mut preview = Vec::new();
    if let Ok(new) = form.to_new_event() {
        preview.push(Span::styled(
            format!("→ {}", new.at.rfc3339_utc()),
            theme.ok(),
        ));
        if let Some(t) = new
            .technique
            .as_deref()
            .and_then(crate::domain::attack::technique)
        {
            preview.push(Span::styled(
                format!("  {} {} ({})", t.id, t.name, t.tactics.join(", ")),
                theme.ok(),
            ));
        }
    }
    let bottom = Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1);
    frame.render_widget(Paragraph::new(Line::from(preview)), bottom);
}

fn record_form(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    form: &crate::app::records::RecordForm,
) {
    let inner = form_box(frame, area, theme, form.title(), 96, 28);
    let mut extra = vec![Vec::new(); form.fields.len()];
    extra[form.focus] = form.suggestions();
    fields(
        frame,
        inner,
        theme,
        &form.fields,
        form.focus,
        &form.errors(),
        &extra,
    );
}

fn lapse_picker(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    event: &crate::domain::Event,
    choices: &[crate::app::LapseChoice],
    selected: usize,
) {
    use crate::app::LapseChoice;
    let mut lines = vec![
        Line::from(Span::styled(
            format!("What went wrong in: {}", inert(&event.text)),
            theme.dim(),
        )),
        Line::raw(""),
    ];
    let mut new_index = 0;
    for (i, c) in choices.iter().enumerate() {
        let label = match c {
            LapseChoice::Link { label, .. } => format!("  link to   {label}"),
            LapseChoice::New(kind) => {
                new_index += 1;
                format!("{new_index} new       {} (from this event)", kind.label())
            }
        };
        let style = if i == selected {
            theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(label, style)));
    }
    let r = centered(area, 96, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    // Keep the selection visible when the list is longer than the screen.
    let visible = r.height.saturating_sub(2) as usize;
    let scroll = (selected + 2).saturating_sub(visible.saturating_sub(1)) as u16;
    let p = Paragraph::new(lines)
        .block(boxed(" Tag a lapse ", theme))
        .scroll((scroll, 0));
    frame.render_widget(p, r);
}

fn finding_links(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    item: &crate::domain::EvaluationItem,
    choices: &[crate::app::evaluation::FindingChoice],
    selected: usize,
) {
    let mut lines = vec![
        Line::from(Span::styled(
            format!("The findings the rating of {} rests on:", inert(&item.area)),
            theme.dim(),
        )),
        Line::raw(""),
    ];
    for (i, c) in choices.iter().enumerate() {
        let mark = if c.linked { "[x]" } else { "[ ]" };
        let style = if i == selected {
            theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!("{mark} {}", inert(&c.label)),
            style,
        )));
    }
    let r = centered(area, 96, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let visible = r.height.saturating_sub(2) as usize;
    let scroll = (selected + 2).saturating_sub(visible.saturating_sub(1)) as u16;
    let p = Paragraph::new(lines)
        .block(boxed(" Link findings ", theme))
        .scroll((scroll, 0));
    frame.render_widget(p, r);
}

fn incident_form(frame: &mut Frame<'_>, area: Rect, theme: &Theme, form: &IncidentForm) {
    let title = if form.editing.is_some() {
        " Edit incident "
    } else {
        " New incident "
    };
    let inner = form_box(frame, area, theme, title, 80, 14);
    fields(
        frame,
        inner,
        theme,
        &form.fields,
        form.focus,
        &form.errors(),
        &[],
    );
}

fn prompt_box(
    app: &App,
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    prompt: &Prompt,
    selected: usize,
) {
    let (preview, list) = prompt_preview(app, prompt, selected, theme);
    // Previews wrap: room for each to take three lines.
    let height = 3 + 3 * preview.len() as u16 + list.len() as u16;
    let r = Rect::new(
        area.x,
        area.bottom().saturating_sub(height + 2),
        area.width,
        height.min(area.height),
    );
    frame.render_widget(Clear, r);
    let title = format!(" {} ", prompt.kind.label());
    let block = boxed(&title, theme);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let mut input = prompt.input.clone();
    input.set_cursor_line_style(Style::new());
    frame.render_widget(&input, Rect::new(inner.x, inner.y, inner.width, 1));
    let mut lines = preview;
    lines.extend(list);
    let rest = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(1),
    );
    frame.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        rest,
    );
}

/// The live preview under a prompt: what Enter will do.
fn prompt_preview(
    app: &App,
    prompt: &Prompt,
    selected: usize,
    theme: &Theme,
) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let text = prompt.text();
    let t = app.timeline.as_ref();
    match prompt.kind {
        PromptKind::Capture => {
            let Some(t) = t else { return (vec![], vec![]) };
            let previous = t.selected_event().map(|e| e.at);
            let line = match prompt::capture_preview(&text, &t.ctx, previous.as_ref()) {
                Ok(c) => {
                    let mut parts = vec![format!("at {}", c.at.rfc3339_utc())];
                    if c.at.offset_secs != 0 {
                        parts.push(format!("({})", c.at.rfc3339_original()));
                    }
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
                        parts.push(format!(
                            "tags {}",
                            c.tags
                                .iter()
                                .map(|t| format!("#{}", inert(t)))
                                .collect::<Vec<_>>()
                                .join(" ")
                        ));
                    }
                    if let Some(id) = &c.technique {
                        match crate::domain::attack::require_known(id) {
                            Ok(tech) => parts.push(format!("technique {} {}", tech.id, tech.name)),
                            Err(e) => {
                                return (
                                    vec![Line::from(Span::styled(format!("⚠ {e}"), theme.error()))],
                                    vec![],
                                );
                            }
                        }
                    }
                    parts.push(format!("text \"{}\"", inert(&c.text)));
                    Line::from(Span::styled(format!("→ {}", parts.join(" · ")), theme.ok()))
                }
                Err(e) => Line::from(Span::styled(format!("⚠ {}", inert(&e)), theme.error())),
            };
            (vec![line], vec![])
        }
        PromptKind::JumpTime => {
            let Some(t) = t else { return (vec![], vec![]) };
            let line = match prompt::jump_preview(&text, &t.ctx) {
                Ok(at) => Line::from(Span::styled(
                    format!("→ the first event at or after {}", at.rfc3339_utc()),
                    theme.ok(),
                )),
                Err(e) => Line::from(Span::styled(format!("⚠ {}", inert(&e)), theme.error())),
            };
            (vec![line], vec![])
        }
        PromptKind::Filter => {
            let hint =
                "words (prefixes match)  @actor  #tag  !phase — enter applies, empty shows all";
            let line = match t.map(|t| crate::app::timeline::parse_filter(&t.incident.id, &text)) {
                Some(Err(e)) => Line::from(Span::styled(format!("⚠ {}", inert(&e)), theme.error())),
                _ => Line::from(Span::styled(hint, theme.dim())),
            };
            (vec![line], vec![])
        }
        PromptKind::BacklogFilter => {
            let line = match crate::app::backlog::parse_backlog_query(&text) {
                Ok(_) => Line::from(Span::styled(
                    "@owner #group !status P0-P3 before:YYYY-MM-DD open overdue stale — enter applies",
                    theme.dim(),
                )),
                Err(e) => Line::from(Span::styled(format!("⚠ {}", inert(&e)), theme.error())),
            };
            (vec![line], vec![])
        }
        PromptKind::ImportPath => (
            app.prompt_notes
                .iter()
                .map(|l| {
                    let style = if l.starts_with('⚠') {
                        theme.error()
                    } else {
                        theme.dim()
                    };
                    Line::from(Span::styled(l.clone(), style))
                })
                .collect(),
            vec![],
        ),
        PromptKind::EvaluationArea => (
            vec![Line::from(Span::styled(
                "an area of this incident's own, added at the end of the checklist",
                theme.dim(),
            ))],
            vec![],
        ),
        PromptKind::ReportPath => (
            app.prompt_notes
                .iter()
                .map(|l| Line::from(Span::styled(l.clone(), theme.dim())))
                .collect(),
            vec![],
        ),
        PromptKind::Evidence => {
            let path = std::path::Path::new(text.trim());
            let line = if text.trim().is_empty() {
                Line::from(Span::styled(
                    "a file is hashed (SHA-256); anything else is kept as a URL or ticket reference",
                    theme.dim(),
                ))
            } else if path.is_file() {
                Line::from(Span::styled(
                    "→ a local file: its SHA-256, size and time will be recorded",
                    theme.ok(),
                ))
            } else {
                Line::from(Span::styled(
                    "→ a URL or ticket reference (no such local file)",
                    theme.ok(),
                ))
            };
            let target = if app.attach_to.is_some() {
                "to the selected event"
            } else {
                "to the incident"
            };
            (
                vec![
                    line,
                    Line::from(Span::styled(format!("attached {target}"), theme.dim())),
                ],
                vec![],
            )
        }
        PromptKind::Palette => {
            let matches = prompt::palette_matches(&app.keymap, app.view, &text);
            let chosen = selected.min(matches.len().saturating_sub(1));
            let list = matches
                .iter()
                .enumerate()
                .take(8)
                .map(|(i, (_, label))| {
                    let style = if i == chosen {
                        theme.selected()
                    } else {
                        Style::new()
                    };
                    Line::from(Span::styled(label.clone(), style))
                })
                .collect();
            (vec![], list)
        }
    }
}
