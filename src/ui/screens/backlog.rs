//! Drawing of the Backlog screen.

use crate::app::App;
use crate::domain::Action;
use crate::text::{clip, inert, inert_with};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

/// `!` overdue, `?` not reviewed for the configured days: marks that read without colour.
pub(crate) fn mark(a: &Action, app: &App) -> &'static str {
    let today = app.shell.now.date_naive();
    if a.is_overdue(today) {
        "!"
    } else if a.is_stale(today, app.shell.settings.review_days) {
        "?"
    } else {
        " "
    }
}

pub fn backlog(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let b = &app.backlog;
    let [list, detail] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let rows_h = list.height.saturating_sub(2) as usize;
    let offset = b.selected.saturating_sub(rows_h.saturating_sub(1));
    let today = app.shell.now.date_naive();
    // The incident column only across incidents; the group column only where there is room.
    let show_incident = b.all_incidents;
    let show_group = area.width >= 110;
    let rows = b
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_h)
        .map(|(i, a)| {
            let style = if i == b.selected {
                theme.selected()
            } else if a.is_overdue(today) {
                theme.error()
            } else if a.is_stale(today, app.shell.settings.review_days) {
                theme.key()
            } else if !a.status.is_open() {
                theme.dim()
            } else {
                Style::new()
            };
            let mut cells = vec![Cell::from(mark(a, app))];
            if show_incident {
                cells.push(Cell::from(inert(&a.incident_key).into_owned()));
            }
            cells.extend([
                Cell::from(a.priority.as_str()),
                Cell::from(a.status.as_str()),
                Cell::from(a.due.map(|d| d.to_string()).unwrap_or_default()),
                Cell::from(inert(a.owner.as_deref().unwrap_or("")).into_owned()),
            ]);
            if show_group {
                cells.push(Cell::from(
                    inert(a.group.as_deref().unwrap_or("")).into_owned(),
                ));
            }
            cells.push(Cell::from(inert(&clip(&a.title, 200)).into_owned()));
            Row::new(cells).style(style)
        });
    let mut titles = vec![""];
    let mut widths = vec![Constraint::Length(1)];
    if show_incident {
        titles.push("Incident");
        widths.push(Constraint::Length(12));
    }
    titles.extend(["Pri", "Status", "Due", "Owner"]);
    widths.extend([
        Constraint::Length(3),
        Constraint::Length(11),
        Constraint::Length(10),
        Constraint::Length(14),
    ]);
    if show_group {
        titles.push("Group");
        widths.push(Constraint::Length(14));
    }
    titles.push("Action");
    widths.push(Constraint::Min(10));
    let header = Row::new(titles).style(theme.header_row());
    let scope = if b.all_incidents {
        "all incidents"
    } else {
        "this incident"
    };
    let open = b.rows.iter().filter(|a| a.status.is_open()).count();
    let overdue = b.rows.iter().filter(|a| a.is_overdue(today)).count();
    let filter = if b.filter_text.is_empty() {
        String::new()
    } else {
        format!(" · filter: {}", inert(&b.filter_text))
    };
    let title = format!(
        " Backlog · {scope} · {} actions, {open} open, {overdue} overdue (!), ? not reviewed in {} days · by {}{filter} ",
        b.rows.len(),
        app.shell.settings.review_days,
        b.sort.label()
    );
    let block = Block::new()
        .borders(Borders::TOP)
        .title(title)
        .border_style(theme.dim());
    if b.rows.is_empty() {
        let hint =
            "No actions here. a logs one; in Findings, A logs one that addresses the finding.";
        frame.render_widget(Paragraph::new(hint).block(block), list);
    } else {
        frame.render_widget(Table::new(rows, widths).header(header).block(block), list);
    }
    let block = Block::new()
        .borders(Borders::TOP)
        .title(" Action ")
        .border_style(theme.dim());
    let Some(a) = b.selected_action() else {
        frame.render_widget(block, detail);
        return;
    };
    let mut lines = action_lines(a, theme);
    for f in &b.findings {
        lines.push(Line::raw(format!(
            "addresses: {} ({})",
            inert(&f.title),
            f.kind.label()
        )));
    }
    let own: Vec<_> = b.sops.iter().filter(|(s, _)| s.action_id == a.id).collect();
    for (s, _) in &own {
        lines.push(Line::raw(format!(
            "SOP change: {}",
            crate::ui::overlays::walk::sop_line(s)
        )));
    }
    if own.is_empty() && !b.sops.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "SOP changes here: {} (p records one for this action)",
                b.sops
                    .iter()
                    .map(|(s, _)| inert(&s.document).into_owned())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            theme.dim(),
        )));
    }
    if let Some(r) = b.reviews.last() {
        lines.push(Line::from(Span::styled(
            format!(
                "last review {} by {}: {}",
                r.at.format("%Y-%m-%d"),
                inert(&r.by),
                inert(&clip(&r.note, 120))
            ),
            theme.dim(),
        )));
    }
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .wrap(Wrap { trim: false }),
        detail,
    );
}

pub(crate) fn action_lines(a: &Action, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(Span::styled(inert(&a.title).into_owned(), theme.title())),
        Line::raw(format!(
            "{} · {} · {} · owner {} · group {} · due {} · ticket {}",
            a.kind.label(),
            a.priority.as_str(),
            a.status.label(),
            inert(a.owner.as_deref().unwrap_or("-")),
            inert(a.group.as_deref().unwrap_or("-")),
            a.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
            if a.ticket.is_empty() {
                "-".to_string()
            } else {
                inert(&a.ticket).into_owned()
            },
        )),
    ];
    if !a.reject_reason.is_empty() {
        lines.push(Line::raw(format!("rejected: {}", inert(&a.reject_reason))));
    }
    if !a.description.trim().is_empty() {
        lines.extend(
            inert_with(&clip(&a.description, 2000), true)
                .lines()
                .map(|l| Line::raw(l.to_string())),
        );
    }
    lines
}
