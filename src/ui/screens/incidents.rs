//! Drawing of the Welcome and Incidents screens.

use crate::app::App;
use crate::text::{clip, inert};
use crate::ui::theme::Theme;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

pub fn welcome(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let key = |c| {
        app.shell
            .keymap
            .key_for(app.view, c)
            .map(|k| k.to_string())
            .unwrap_or_default()
    };
    let lines = vec![
        Line::from(Span::styled("Welcome to debrief", theme.title())),
        Line::raw(""),
        Line::raw("The workbench for the post-incident review of a security incident: build the"),
        Line::raw("timeline as people speak, tag what went wrong, and keep it all in one file."),
        Line::raw(""),
        Line::raw("This database has no incident yet."),
        Line::raw(""),
        Line::from(vec![
            Span::styled(
                format!("  {}  ", key(crate::keymap::Command::Add)),
                theme.key(),
            ),
            Span::raw("create an incident"),
        ]),
        Line::from(vec![
            Span::styled(
                format!("  {}  ", key(crate::keymap::Command::LoadDemo)),
                theme.key(),
            ),
            Span::raw("load the demo incident (a cloud-mailbox intrusion) to look around"),
        ]),
        Line::from(vec![
            Span::styled("  ?  ", theme.key()),
            Span::raw("every key"),
        ]),
        Line::from(vec![Span::styled("  q  ", theme.key()), Span::raw("quit")]),
    ];
    let block = Block::new().borders(Borders::TOP).border_style(theme.dim());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

pub fn incidents(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let rows_h = area.height.saturating_sub(2) as usize;
    let selected = app.incidents.selected;
    let offset = selected.saturating_sub(rows_h.saturating_sub(1));
    let rows = app
        .incidents
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_h)
        .map(|(i, r)| {
            let inc = &r.incident;
            let row = Row::new(vec![
                Cell::from(inert(&inc.key).into_owned()),
                Cell::from(Span::styled(
                    inc.severity.to_string(),
                    theme.severity(inc.severity),
                )),
                Cell::from(inc.status.label()),
                Cell::from(format!("{:>6}", r.events)),
                Cell::from(ago(app.shell.now, r.last_change)),
                Cell::from(inert(&clip(&inc.title, 200)).into_owned()),
            ]);
            if i == selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let header = Row::new(["Key", "Severity", "Status", "Events", "Changed", "Title"])
        .style(theme.header_row());
    let widths = [
        Constraint::Length(16),
        Constraint::Length(9),
        Constraint::Length(10),
        Constraint::Length(7),
        Constraint::Length(12),
        Constraint::Min(10),
    ];
    let title = format!(" Incidents ({}) ", app.incidents.rows.len());
    let block = Block::new()
        .borders(Borders::TOP)
        .title(title)
        .border_style(theme.dim());
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}

pub(crate) fn ago(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    match secs {
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        _ => then.format("%Y-%m-%d").to_string(),
    }
}
