//! Drawing of the Report preview screen.

use crate::app::OpenIncident;
use crate::text::inert;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn report(open: &OpenIncident, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let r = &open.report;
    let scope = match r.scope {
        crate::io::report::TimelineScope::Full => "every event",
        crate::io::report::TimelineScope::Key => "key events only",
    };
    let zone = match r.zone {
        crate::io::report::ReportZone::Utc => "UTC".to_string(),
        z => z.tz(&open.incident).name().to_string(),
    };
    let block = Block::new()
        .borders(Borders::TOP)
        .title(format!(
            " Report preview (Markdown; timeline: {scope}; times: {zone}) line {}/{} ",
            (r.scroll as usize + 1).min(r.lines.len()),
            r.lines.len()
        ))
        .border_style(theme.dim());
    if let Some(e) = &r.error {
        let lines = vec![
            Line::from(Span::styled(format!("⚠ {}", inert(e)), theme.error())),
            Line::raw(""),
            Line::raw(
                "Fix the template (or remove it to use the shipped one), then come back to this view.",
            ),
        ];
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    let lines: Vec<Line> = r
        .lines
        .iter()
        .skip(r.scroll as usize)
        .take(area.height as usize)
        .map(|l| {
            if l.starts_with('#') {
                Line::from(Span::styled(l.clone(), theme.title()))
            } else if l.starts_with("|---") {
                Line::from(Span::styled(l.clone(), theme.dim()))
            } else {
                Line::from(Span::styled(l.clone(), Style::new()))
            }
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
