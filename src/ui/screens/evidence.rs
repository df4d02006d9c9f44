//! Drawing of the Evidence & actors screen.

use crate::app::OpenIncident;
use crate::domain::VerifyState;
use crate::text::{clip, inert};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn evidence(open: &OpenIncident, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let s = &open.evidence;
    let [left, right] = ratatui::layout::Layout::horizontal([
        Constraint::Percentage(40),
        Constraint::Percentage(60),
    ])
    .areas(area);
    let focus = |on: bool| if on { theme.title() } else { theme.dim() };
    let mut actors: Vec<Line<'static>> = Vec::new();
    for (i, (a, n)) in s.actors.iter().enumerate() {
        let text = format!(
            "{:<18} {:<12} {:<9} {n:>3} ev.",
            inert(&clip(&a.name, 18)),
            a.kind.as_str(),
            a.attribution.as_str()
        );
        let style = if i == s.actor && !s.on_evidence {
            theme.selected()
        } else {
            Style::new()
        };
        actors.push(Line::from(Span::styled(text, style)));
    }
    if let Some((a, _)) = s.actors.get(s.actor).filter(|(a, _)| !a.note.is_empty()) {
        actors.push(Line::raw(""));
        actors.push(Line::from(Span::styled(
            inert(&a.note).into_owned(),
            theme.dim(),
        )));
    }
    let block = Block::new().borders(Borders::TOP).title(Span::styled(
        format!(" Actors ({}) ", s.actors.len()),
        focus(!s.on_evidence),
    ));
    frame.render_widget(
        // Lists are clipped, never wrapped, so one row stays one line.
        Paragraph::new(Text::from(actors)).block(block),
        left,
    );

    let mut items: Vec<Line<'static>> = Vec::new();
    for (i, e) in s.evidence.iter().enumerate() {
        let ev = &e.evidence;
        // The state first: a changed or missing file is seen on the narrowest screen.
        // (✓ verified, · a file not checked yet; a reference has no state.)
        let state = match ev.state {
            Some(VerifyState::Ok) => "✓",
            Some(VerifyState::Changed) => "✗ CHANGED",
            Some(VerifyState::Missing) => "✗ MISSING",
            None if ev.sha256.is_some() => "·",
            None => " ",
        };
        let name = if ev.title.is_empty() {
            inert(&clip(&ev.locator, 70)).into_owned()
        } else {
            format!(
                "{} ({})",
                inert(&clip(&ev.title, 40)),
                inert(&clip(&ev.locator, 50))
            )
        };
        let text = format!(
            "{state} {:<4} {}ev {}f  {name}",
            ev.kind.as_str(),
            e.events,
            e.findings
        );
        let style = if i == s.item && s.on_evidence {
            theme.selected()
        } else if matches!(ev.state, Some(VerifyState::Changed | VerifyState::Missing)) {
            theme.error()
        } else {
            Style::new()
        };
        items.push(Line::from(Span::styled(text, style)));
    }
    if let Some(ev) = s.evidence.get(s.item).map(|e| &e.evidence) {
        items.push(Line::raw(""));
        if !ev.title.is_empty() {
            items.push(Line::raw(inert(&ev.title).into_owned()));
        }
        if let Some(h) = &ev.sha256 {
            items.push(Line::from(Span::styled(format!("sha256 {h}"), theme.dim())));
        }
    }
    if s.evidence.is_empty() {
        items.push(Line::from(Span::styled(
            "No evidence yet: a adds a file path, URL or ticket.",
            theme.dim(),
        )));
    }
    let block = Block::new()
        .borders(Borders::TOP | Borders::LEFT)
        .title(Span::styled(
            format!(" Evidence ({}) ", s.evidence.len()),
            focus(s.on_evidence),
        ));
    frame.render_widget(
        // Lists are clipped, never wrapped, so one row stays one line.
        Paragraph::new(Text::from(items)).block(block),
        right,
    );
}
