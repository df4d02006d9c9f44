//! Drawing of the Findings screen.

use crate::app::OpenIncident;
use crate::domain::Event;
use crate::text::{clip, inert};
use crate::ui::theme::Theme;
use crate::ui::widgets::{body, section};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn findings(open: &OpenIncident, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let f = &open.findings;
    let [left, right] = ratatui::layout::Layout::horizontal([
        Constraint::Percentage(45),
        Constraint::Percentage(55),
    ])
    .areas(area);
    // Grouped by kind, with counts; the list scrolls to keep the selection visible.
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut selected_line = 0;
    let mut last_kind = None;
    for (i, row) in f.rows.iter().enumerate() {
        let kind = row.finding.kind;
        if last_kind != Some(kind) {
            let n = f.rows.iter().filter(|r| r.finding.kind == kind).count();
            lines.push(Line::from(Span::styled(
                format!("{} ({n})", kind.label()),
                theme.title(),
            )));
            last_kind = Some(kind);
        }
        let flag = if row.evidence == 0 {
            " ⚠ no evidence"
        } else {
            ""
        };
        let cross = if row.finding.cross_org { " ⇄" } else { "" };
        let text = format!(
            "  {}{cross}  ({} ev.){flag}",
            inert(&clip(&row.finding.title, 70)),
            row.events
        );
        let style = if i == f.selected {
            theme.selected()
        } else {
            Style::new()
        };
        if i == f.selected {
            selected_line = lines.len();
        }
        lines.push(Line::from(Span::styled(text, style)));
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "No findings yet. In the Timeline, f on an event tags what went wrong; a adds one here.",
            theme.dim(),
        )));
    }
    let height = left.height.saturating_sub(1) as usize;
    let scroll = selected_line.saturating_sub(height.saturating_sub(2)) as u16;
    let block = Block::new()
        .borders(Borders::TOP)
        .title(format!(" Findings ({}) ", f.rows.len()))
        .border_style(theme.dim());
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .scroll((scroll, 0)),
        left,
    );

    let block = Block::new()
        .borders(Borders::TOP | Borders::LEFT)
        .title(" Finding ")
        .border_style(theme.dim());
    let Some(row) = f.selected_row() else {
        frame.render_widget(block, right);
        return;
    };
    let x = &row.finding;
    let mut d = vec![
        Line::from(Span::styled(inert(&x.title).into_owned(), theme.title())),
        Line::raw(format!(
            "{}{}",
            x.kind.label(),
            if x.cross_org {
                format!(" · cross-organizational: {}", inert(&x.group))
            } else {
                String::new()
            }
        )),
        Line::raw(""),
    ];
    d.extend(body(&x.description, "(no details: e edits)", theme));
    if !x.impact.trim().is_empty() {
        d.push(Line::raw(""));
        d.push(section("Impact", theme));
        d.extend(body(&x.impact, "", theme));
    }
    d.push(Line::raw(""));
    d.push(section(
        &format!(
            "Supporting events ({}) · enter shows them in the timeline",
            f.events.len()
        ),
        theme,
    ));
    for e in &f.events {
        d.push(event_line(e));
    }
    d.push(Line::raw(""));
    if f.evidence.is_empty() && row.evidence == 0 {
        d.push(Line::from(Span::styled(
            "⚠ Rests on no evidence yet (E on an event attaches some)",
            theme.error(),
        )));
    } else {
        d.push(section("Evidence", theme));
        for ev in &f.evidence {
            d.push(Line::raw(format!("  {}", inert(&clip(&ev.locator, 90)))));
        }
        if f.evidence.is_empty() {
            d.push(Line::from(Span::styled(
                "  (through its events)",
                theme.dim(),
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(Text::from(d))
            .block(block)
            .wrap(Wrap { trim: false }),
        right,
    );
}

pub(crate) fn event_line(e: &Event) -> Line<'static> {
    Line::raw(format!(
        "  {}  {}",
        e.at.written_in(chrono_tz::UTC),
        inert(&clip(&e.text, 90))
    ))
}
