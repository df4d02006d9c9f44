//! Drawing. `render` is pure: it reads `App` (what `update` cached) and draws it; no
//! queries, no clock, no I/O. Untrusted text goes through `text::inert` before a widget.

mod overlays;
mod screens;
mod theme;
mod widgets;

use crate::app::{App, View};
use crate::layout::{self, MIN_HEIGHT, MIN_WIDTH};
use crate::text::inert;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
pub use theme::Theme;

pub fn render(app: &App, frame: &mut Frame<'_>) {
    let area = frame.area();
    let theme = Theme::new(app.shell.no_color);
    if layout::too_small(area.width, area.height) {
        let msg = if area.width >= 40 {
            format!(
                "Terminal too small ({}x{}): debrief needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
                area.width, area.height
            )
        } else {
            format!("too small: {MIN_WIDTH}x{MIN_HEIGHT} needed")
        };
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let a = layout::areas(area.width, area.height);
    header(app, frame, a.header, &theme);
    tabs(app, frame, a.tabs, &theme);
    match app.view {
        View::Welcome => screens::incidents::welcome(app, frame, a.body, &theme),
        View::Incidents => screens::incidents::incidents(app, frame, a.body, &theme),
        View::Backlog => screens::backlog::backlog(app, frame, a.body, &theme),
        View::Owners => screens::owners::owners(app, frame, a.body, &theme),
        view => {
            if let Some(o) = &app.open {
                incident_screen(o, view, frame, a.body, &theme)
            }
        }
    }
    let status = Line::from(Span::styled(
        inert(&app.shell.status.text).into_owned(),
        theme.tone(app.shell.status.tone),
    ));
    match app.job_line() {
        // A job in the background (an import, a large undo) takes the status line for
        // its gauge; its label was made inert when the job started.
        Some((label, ratio)) => {
            let gauge = ratatui::widgets::LineGauge::default()
                .ratio(ratio)
                .label(format!("{label} {:>3.0}%", ratio * 100.0))
                .filled_style(theme.title());
            frame.render_widget(gauge, a.status);
        }
        None => match app.search_indexing() {
            // The search index catching up after a large import: said at the right of the
            // status line, whose message stays readable (edits go on meanwhile).
            Some(ratio) => {
                let note = format!(" indexing for search… {:>3.0}%", ratio * 100.0);
                let [message, right] = ratatui::layout::Layout::horizontal([
                    ratatui::layout::Constraint::Min(0),
                    ratatui::layout::Constraint::Length(note.chars().count() as u16),
                ])
                .areas(a.status);
                frame.render_widget(Paragraph::new(status), message);
                frame.render_widget(Paragraph::new(note).style(theme.title()), right);
            }
            None => frame.render_widget(Paragraph::new(status), a.status),
        },
    }
    footer(app, frame, a.footer, &theme);
    overlays::render(app, frame, area, &theme);
    // The review walk takes the body of the screen, under the header and over the views.
    if let Some(crate::app::Overlay::Walk(w)) = app.overlays.last() {
        overlays::walk::walk(app, frame, a.body, &theme, w);
    }
}

/// The screens of the open incident.
fn incident_screen(
    open: &crate::app::OpenIncident,
    view: View,
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
) {
    match view {
        View::Timeline => screens::timeline::timeline(open, frame, area, theme),
        View::Overview => screens::overview::overview(open, frame, area, theme),
        View::Findings => screens::findings::findings(open, frame, area, theme),
        View::Evidence => screens::evidence::evidence(open, frame, area, theme),
        View::Evaluation => screens::evaluation::evaluation(open, frame, area, theme),
        View::Report => screens::report::report(open, frame, area, theme),
        _ => {}
    }
}

fn header(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let mut spans = vec![Span::styled(" debrief ", theme.title())];
    let incident = app.shown_incident();
    // Key, severity and status first: the title is the part that may be cut.
    if let Some(i) = incident {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            inert(&i.key).into_owned(),
            Style::new().add_modifier(ratatui::style::Modifier::BOLD),
        ));
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            format!("[{}]", i.severity),
            theme.severity(i.severity),
        ));
        spans.push(Span::raw(format!(" [{}]  ", i.status.label())));
        let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        let room = (area.width as usize).saturating_sub(used);
        spans.push(Span::raw(first_words(&inert(&i.title), room)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// As many whole words of `text` as fit `room` columns, with `…` when some were left out.
fn first_words(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split(' ') {
        let next = if out.is_empty() {
            word.chars().count()
        } else {
            out.chars().count() + 1 + word.chars().count()
        };
        if next + 1 > room {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        // One long word: cut it.
        out = text.chars().take(room.saturating_sub(1)).collect();
    }
    out.push('…');
    out
}

fn tabs(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let mut spans = vec![Span::raw(" ")];
    for (i, (view, title)) in layout::tabs(app.tab_bar()).into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(
                layout::tab_separator(app.tab_bar()),
                theme.dim(),
            ));
        }
        let active = view == app.view || (view == View::Incidents && app.view == View::Welcome);
        let style = if active {
            theme.active_tab()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(title, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The footer: the keys that matter on this screen, from the keymap (or the overlay's).
fn footer(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let pairs: Vec<(String, String)> = match overlays::footer_keys(app) {
        Some(keys) => keys,
        None => app
            .shell
            .keymap
            .footer(app.view)
            .into_iter()
            .map(|(key, label)| (key.to_string(), label.to_string()))
            .collect(),
    };
    let pairs = fit_keys(pairs, area.width as usize);
    frame.render_widget(Paragraph::new(key_line(&pairs, theme)), area);
}

/// The pairs that fit a width: the screen's own ones go from the end first, so `? help`
/// (and quit) stay on the smallest screens.
fn fit_keys(mut pairs: Vec<(String, String)>, width: usize) -> Vec<(String, String)> {
    let len = |p: &[(String, String)]| -> usize {
        1 + p
            .iter()
            .map(|(k, d)| k.chars().count() + d.chars().count() + 3)
            .sum::<usize>()
    };
    let pinned = |(k, d): &(String, String)| k == "?" || d == "help" || d == "quit";
    while len(&pairs) > width {
        match pairs.iter().rposition(|p| !pinned(p)) {
            Some(i) => {
                pairs.remove(i);
            }
            None => break,
        }
    }
    pairs
}

/// `key description` pairs as one line.
pub(crate) fn key_line(pairs: &[(String, String)], theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (key, what) in pairs {
        spans.push(Span::styled(key.clone(), theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans)
}
