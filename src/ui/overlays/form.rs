//! Drawing of a form's fields, shared by every form.

use crate::app::overlays::form::Fields;
use crate::text::inert;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};

/// Draws a form's fields: label, editor, and the field's problem or hint beside it.
pub(crate) fn fields(
    frame: &mut Frame<'_>,
    inner: Rect,
    theme: &Theme,
    form: &Fields,
    errors: &[Option<String>],
    extra: &[Vec<String>],
) {
    let (fields, focus) = (form.list.as_slice(), form.focus);
    // Multi-line fields share what the one-line fields (and a line for notes) leave.
    let multi = fields.iter().filter(|f| f.multiline).count() as u16;
    let single = fields.len() as u16 - multi;
    let multi_height = inner
        .height
        .saturating_sub(single + 2)
        .checked_div(multi)
        .map_or(1, |h| h.clamp(2, 6));
    let mut y = inner.y;
    for (i, f) in fields.iter().enumerate() {
        let height = if f.multiline { multi_height } else { 1 };
        if y + height > inner.bottom() {
            break;
        }
        let label_style = if i == focus {
            theme.key()
        } else {
            Style::new()
        };
        let mark = if f.readonly { " (fixed)" } else { "" };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{:<10}", format!("{}{mark}", f.label)),
                label_style,
            )),
            Rect::new(inner.x, y, 11.min(inner.width), 1),
        );
        let field_area = Rect::new(inner.x + 11, y, inner.width.saturating_sub(11), height);
        let mut area = f.area.clone();
        let base = if i == focus {
            Style::new().add_modifier(Modifier::UNDERLINED)
        } else {
            Style::new()
        };
        area.set_style(base);
        area.set_cursor_line_style(Style::new());
        if i != focus {
            area.set_cursor_style(base);
        }
        frame.render_widget(&area, field_area);
        y += height;
        // While completions are on offer they say more than the problem with a half-typed value.
        let note = match (extra.get(i), &errors.get(i).cloned().flatten()) {
            (Some(s), _) if !s.is_empty() && i == focus => {
                Some(Span::styled(format!("tab → {}", s.join(", ")), theme.dim()))
            }
            (_, Some(e)) => Some(Span::styled(format!("⚠ {}", inert(e)), theme.error())),
            _ => None,
        };
        if let Some(note) = note.filter(|_| y < inner.bottom()) {
            // A long problem wraps onto a second line rather than being cut.
            let width = inner.width.saturating_sub(11).max(1);
            let lines = (note.width() as u16).div_ceil(width).clamp(1, 2);
            let lines = lines.min(inner.bottom() - y);
            frame.render_widget(
                Paragraph::new(note).wrap(Wrap { trim: true }),
                Rect::new(inner.x + 11, y, width, lines),
            );
            y += lines;
        }
    }
}
