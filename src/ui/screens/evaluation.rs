//! Drawing of the Response evaluation screen.

use crate::app::OpenIncident;
use crate::domain::Rating;
use crate::text::{inert, inert_with};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

pub(crate) fn rating(r: Option<Rating>, theme: &Theme) -> Span<'static> {
    match r {
        None => Span::styled("not rated", theme.dim()),
        Some(Rating::Met) => Span::styled("met", theme.ok()),
        Some(Rating::NotMet) => Span::styled("not met", theme.error()),
        Some(r) => Span::raw(r.label()),
    }
}

pub fn evaluation(open: &OpenIncident, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let e = &open.evaluation;
    if e.items.is_empty() {
        let mut lines = vec![
            Line::from(Span::styled(
                "The response has not been evaluated yet.",
                theme.title(),
            )),
            Line::raw(""),
            Line::raw(format!(
                "Press enter to start from the checklist of {} areas, then rate each one for",
                e.checklist.len()
            )),
            Line::raw("sufficiency (s) and completeness (c), and note why (enter)."),
            Line::raw(""),
        ];
        lines.extend(
            e.checklist
                .iter()
                .map(|a| Line::from(Span::styled(format!("  · {}", inert(a)), theme.dim()))),
        );
        let block = Block::new()
            .borders(Borders::TOP)
            .title(" Response evaluation ")
            .border_style(theme.dim());
        frame.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    let detail_h = (area.height / 3).clamp(5, 12);
    let [list, detail] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(detail_h)]).areas(area);
    let rows: Vec<Row> = e
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            let findings = if i.findings.is_empty() {
                String::new()
            } else {
                i.findings.len().to_string()
            };
            let row = Row::new(vec![
                Cell::from(format!("{:>2}", n + 1)),
                Cell::from(inert(&i.area).into_owned()),
                Cell::from(rating(i.sufficiency, theme)),
                Cell::from(rating(i.completeness, theme)),
                Cell::from(findings),
                Cell::from(Span::styled(
                    inert(i.note.lines().next().unwrap_or_default()).into_owned(),
                    theme.dim(),
                )),
            ]);
            if n == e.selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    // The area names are long ("Coordination with other groups and outside
    // organizations"): they share the free width with the note, 3 to 2.
    let widths = [
        Constraint::Length(2),
        Constraint::Fill(3),
        Constraint::Length(12),
        Constraint::Length(12),
        Constraint::Length(3),
        Constraint::Fill(2),
    ];
    let visible = list.height.saturating_sub(2) as usize;
    let offset = e.selected.saturating_sub(visible.saturating_sub(1));
    let header = Row::new(["#", "Area", "Sufficiency", "Completeness", "F", "Note"])
        .style(theme.header_row());
    let table = Table::new(rows.into_iter().skip(offset).collect::<Vec<_>>(), widths)
        .header(header)
        .block(
            Block::new()
                .borders(Borders::TOP)
                .title(format!(
                    " Response evaluation: {} areas, {} rated ",
                    e.items.len(),
                    e.rated()
                ))
                .border_style(theme.dim()),
        );
    frame.render_widget(table, list);

    let Some(item) = e.selected_item() else {
        return;
    };
    let mut lines = Vec::new();
    if !item.question.is_empty() {
        lines.push(Line::from(Span::styled(
            inert(&item.question).into_owned(),
            theme.dim(),
        )));
    }
    if item.note.trim().is_empty() {
        lines.push(Line::from(Span::styled(
            "No note yet: enter writes one.",
            theme.dim(),
        )));
    } else {
        lines.extend(
            inert_with(&item.note, true)
                .lines()
                .map(|l| Line::raw(l.to_string())),
        );
    }
    for id in &item.findings {
        if let Some((kind, title)) = e.finding(id) {
            lines.push(Line::raw(format!("→ {kind}: {}", inert(title))));
        }
    }
    let block = Block::new()
        .borders(Borders::TOP)
        .title(format!(" {} ", inert(&item.area)))
        .border_style(theme.dim());
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .wrap(Wrap { trim: false }),
        detail,
    );
}
