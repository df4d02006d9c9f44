//! Drawing of the Owners screen.

use crate::app::App;
use crate::text::inert;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

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
            Cell::from(inert(&l.contact).into_owned()),
        ])
        .style(style)
    });
    let header = Row::new([
        "",
        "Owner",
        "Kind",
        " Open",
        "Overdue",
        "Due this week",
        "Contact",
    ])
    .style(theme.header_row());
    let widths = [
        Constraint::Length(1),
        Constraint::Length(28),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Length(13),
        Constraint::Fill(1),
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
