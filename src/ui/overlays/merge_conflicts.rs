//! Drawing of a merged bundle's conflicts: one row per conflict (table, record, field,
//! base, ours, theirs, what is kept), the selected one in full below, the one-line editor.

use crate::app::overlays::merge_conflicts::{Choice, MergeConflicts, plain};
use crate::store::merge::{MergeConflict, RECORD, Side};
use crate::text::{clip, inert};
use crate::ui::overlays::{boxed, centered};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};
use serde_json::Value;

/// A value on one line, safe for the terminal; nothing shows as `(none)`.
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "(none)".to_string(),
        Value::String(s) if s.is_empty() => "(empty)".to_string(),
        other => inert(&plain(other)).replace('\n', " ⏎ "),
    }
}

/// One side of a conflict: a field's value, or for a whole record (deleted on one side,
/// changed on the other) what that side did to it.
fn side_text(x: &MergeConflict, v: &Value) -> String {
    if x.field != RECORD {
        return shown(v);
    }
    let (Some(row), Some(base)) = (v.as_object(), x.base.as_object()) else {
        return if v.is_null() { "(deleted)" } else { "(added)" }.to_string();
    };
    if v == &x.base {
        return "(as it was)".to_string();
    }
    let changed: Vec<String> = row
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "version" | "updated_us"))
        .filter(|(k, val)| base.get(*k) != Some(*val))
        .map(|(k, val)| format!("{}: {}", inert(k), shown(val)))
        .collect();
    format!("changed {}", changed.join("; "))
}

/// What the base of a conflict shows: a record by its text, title or name.
fn base_text(x: &MergeConflict) -> String {
    if x.field != RECORD {
        return shown(&x.base);
    }
    ["text", "title", "name", "area"]
        .iter()
        .find_map(|k| x.base.get(*k).and_then(Value::as_str))
        .map_or_else(|| "(record)".to_string(), |t| format!("“{}”", inert(t)))
}

fn kept(c: &MergeConflicts, i: usize) -> &'static str {
    match c.chosen.get(i).cloned().flatten() {
        Some(Choice::Side(Side::Ours)) => "ours",
        Some(Choice::Side(Side::Theirs)) => "theirs",
        Some(Choice::Edited(_)) => "edited",
        None => "open",
    }
}

pub(crate) fn merge_conflicts(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    c: &MergeConflicts,
) {
    // Everything above the status line and the footer.
    let status = crate::layout::areas(area.width, area.height).status;
    let r = Rect::new(area.x, area.y, area.width, status.y.saturating_sub(area.y));
    frame.render_widget(Clear, r);
    let [list, detail] = Layout::vertical([Constraint::Fill(1), Constraint::Length(7)]).areas(r);
    let rows: Vec<Row> = c
        .conflicts
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let kept = kept(c, i);
            let style = if kept == "open" {
                Style::new()
            } else {
                theme.dim()
            };
            Row::new(vec![
                Cell::from(inert(&x.table).into_owned()),
                Cell::from(inert(crate::store::short_id(&x.id)).into_owned()),
                Cell::from(inert(&x.field).into_owned()),
                Cell::from(base_text(x)),
                Cell::from(side_text(x, &x.ours)),
                Cell::from(side_text(x, &x.theirs)),
                Cell::from(kept),
            ])
            .style(style)
        })
        .collect();
    let header = Row::new(["Table", "Record", "Field", "Base", "Ours", "Theirs", "Kept"])
        .style(theme.header_row());
    let widths = [
        Constraint::Length(14),
        Constraint::Length(8),
        Constraint::Length(14),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Length(6),
    ];
    let file = c.target.file_name().map_or_else(
        || c.target.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let block = Block::new()
        .borders(Borders::TOP)
        .title(Span::styled(
            format!(
                " Conflicts in {} · {} of {} settled ",
                inert(&file),
                c.conflicts.len() - c.open(),
                c.conflicts.len()
            ),
            theme.title(),
        ))
        .border_style(theme.dim());
    let mut state = TableState::default().with_selected(Some(c.selected));
    frame.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block)
            .row_highlight_style(theme.selected()),
        list,
        &mut state,
    );
    frame.render_widget(
        Paragraph::new(detail_lines(c, theme, detail.width as usize))
            .wrap(Wrap { trim: false })
            .block(Block::new().borders(Borders::TOP).border_style(theme.dim())),
        detail,
    );
    if c.help {
        help(frame, area, theme);
    }
}

fn detail_lines(c: &MergeConflicts, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let Some(x) = c.conflicts.get(c.selected) else {
        return vec![Line::raw("no conflicts: w writes the bundle")];
    };
    let label = |name: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{name:<8}"), theme.dim()),
            Span::raw(clip(&v, width.saturating_sub(9))),
        ])
    };
    let mut lines = vec![Line::from(Span::styled(
        clip(
            &format!("{} {} · {}", inert(&x.table), inert(&x.id), inert(&x.field)),
            width,
        ),
        theme.title(),
    ))];
    lines.push(label("base", base_text(x)));
    lines.push(label("ours", side_text(x, &x.ours)));
    lines.push(label("theirs", side_text(x, &x.theirs)));
    if let Some(text) = &c.editing {
        lines.push(Line::from(vec![
            Span::styled("new     ", theme.key()),
            Span::raw(format!("{}▏", inert(text))),
        ]));
    } else if c.asking_quit {
        lines.push(Line::from(Span::styled(
            "Quit and drop the choices not written? y quits, any other key stays",
            theme.error(),
        )));
    } else if let Some(v) = c.value(c.selected) {
        lines.push(label("kept", side_text(x, &v)));
    }
    lines
}

fn help(frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let keys = [
        ("↑↓ j k", "choose a conflict"),
        ("o", "keep ours (this side of the merge)"),
        ("t", "keep theirs (the other side)"),
        ("e", "type a new value (enter keeps it, esc cancels)"),
        ("x", "unsettle the conflict again"),
        ("w", "write the clean bundle (every conflict settled)"),
        ("q esc ^c", "quit (asks when choices are not written)"),
    ];
    let r = centered(area, 64, keys.len() as u16 + 4);
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!("{k:<9}"), theme.key()),
                Span::raw(*d),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        "any key closes this help",
        theme.dim(),
    )));
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(lines).block(boxed(" Keys ", theme)), r);
}
