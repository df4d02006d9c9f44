//! The Backlog and Owners views, and the review walk.

use super::theme::Theme;
use crate::app::App;
use crate::app::backlog::{Walk, WalkInput};
use crate::domain::Action;
use crate::text::{inert, inert_with};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};

/// `!` overdue, `?` not reviewed for the configured days: marks that read without colour.
fn mark(a: &Action, app: &App) -> &'static str {
    let today = app.now.date_naive();
    if a.is_overdue(today) {
        "!"
    } else if a.is_stale(today, app.review_days) {
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
    let today = app.now.date_naive();
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
            } else if a.is_stale(today, app.review_days) {
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
        app.review_days,
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

fn action_lines(a: &Action, theme: &Theme) -> Vec<Line<'static>> {
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

pub fn owners(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let o = &app.owners;
    let rows = o.rows.iter().enumerate().map(|(i, l)| {
        let style = if i == o.selected {
            theme.selected()
        } else if l.overdue > 0 {
            theme.error()
        } else {
            Style::new()
        };
        let flag = if l.overdue > 0 { "!" } else { " " };
        Row::new(vec![
            Cell::from(flag),
            Cell::from(inert(&l.name).into_owned()),
            Cell::from(l.kind.as_str()),
            Cell::from(format!("{:>5}", l.open)),
            Cell::from(format!("{:>7}", l.overdue)),
            Cell::from(format!("{:>13}", l.due_this_week)),
        ])
        .style(style)
    });
    let header = Row::new(["", "Owner", "Kind", " Open", "Overdue", "Due this week"])
        .style(theme.header_row());
    let widths = [
        Constraint::Length(1),
        Constraint::Length(28),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Length(13),
    ];
    let block = Block::new()
        .borders(Borders::TOP)
        .title(format!(
            " Owners ({}) · all incidents · enter: their actions · w: walk them ",
            o.rows.len()
        ))
        .border_style(theme.dim());
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}

pub fn walk(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme, w: &Walk) {
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(Span::styled(
        format!(
            " Review walk · {}/{} reviewed ",
            w.reviewed(),
            w.items.len()
        ),
        theme.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if w.finished {
        let mut lines = vec![
            Line::from(Span::styled(
                format!(
                    "Walk done: {} of {} actions reviewed.",
                    w.reviewed(),
                    w.items.len()
                ),
                theme.title(),
            )),
            Line::raw(""),
        ];
        for (a, done) in w.items.iter().zip(&w.done) {
            let what = done
                .as_deref()
                .map(inert)
                .map(|c| c.into_owned())
                .unwrap_or_else(|| "skipped".into());
            lines.push(Line::raw(format!(
                "{} {}  —  {what}",
                mark(a, app),
                inert(&clip(&a.title, 60))
            )));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            "esc closes · left goes back",
            theme.dim(),
        )));
        frame.render_widget(
            Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
            inner,
        );
        return;
    }
    let Some(a) = w.current() else { return };
    let [top, keys] = Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(inner);
    let today = app.now.date_naive();
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{}/{}  {}{}",
            w.index + 1,
            w.items.len(),
            inert(&a.incident_key),
            if a.is_overdue(today) {
                "  ! OVERDUE"
            } else if a.is_stale(today, app.review_days) {
                "  ? not reviewed lately"
            } else {
                ""
            }
        ),
        if a.is_overdue(today) {
            theme.error()
        } else {
            theme.dim()
        },
    ))];
    lines.extend(action_lines(a, theme));
    for (f, events) in &w.findings {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            format!("addresses: {} ({})", inert(&f.title), f.kind.label()),
            theme.key(),
        )));
        for e in events.iter().take(4) {
            lines.push(Line::raw(format!(
                "  {}  {}",
                e.at.utc.format("%Y-%m-%d %H:%M"),
                inert(&clip(&e.text, 100))
            )));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        format!("Reviews ({})", w.reviews.len()),
        theme.title(),
    )));
    for r in w.reviews.iter().rev().take(6) {
        lines.push(Line::raw(format!(
            "  {} {}  {} → {}  {}",
            r.at.format("%Y-%m-%d"),
            inert(&r.by),
            r.status_before,
            r.status_after,
            inert(&clip(&r.note, 100))
        )));
    }
    frame.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        top,
    );
    let legend = match &w.input {
        Some((kind, area)) => {
            let label = match kind {
                WalkInput::Note => "note",
                WalkInput::Reject => "reason to reject",
                WalkInput::Owner => "new owner",
                WalkInput::Due => "new due date",
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!("{label}:"), theme.key())),
                Rect::new(keys.x, keys.y, keys.width, 1),
            );
            let mut input = area.clone();
            input.set_cursor_line_style(Style::new());
            frame.render_widget(&input, Rect::new(keys.x, keys.y + 1, keys.width, 1));
            return;
        }
        None => vec![
            ("a", "accept"),
            ("i", "in progress"),
            ("r", "resolved"),
            ("v", "verified"),
            ("x", "reject"),
            ("n", "note"),
            ("o", "owner"),
            ("d", "due"),
            ("space", "skip"),
            ("left", "back"),
            ("esc", "end"),
        ],
    };
    let pairs: Vec<(String, String)> = legend
        .into_iter()
        .map(|(k, d)| (k.to_string(), d.to_string()))
        .collect();
    frame.render_widget(
        Paragraph::new(super::key_line(&pairs, theme)).wrap(Wrap { trim: true }),
        keys,
    );
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
