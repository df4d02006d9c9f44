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
    // The label column fits the longest label (with its "(fixed)" mark) and a space, so a
    // label never runs into its value.
    let mark_of = |f: &crate::app::overlays::form::Field| if f.readonly { " (fixed)" } else { "" };
    let label_w = fields
        .iter()
        .map(|f| f.label.chars().count() + mark_of(f).len() + 3)
        .max()
        .unwrap_or(11)
        .clamp(11, 22) as u16;
    let label_w = label_w.min(inner.width / 2);
    let mut y = inner.y;
    for (i, f) in fields.iter().enumerate() {
        let height = if f.multiline { multi_height } else { 1 };
        if y + height > inner.bottom() {
            break;
        }
        // The focused field: a ▶ before its label, the label bold in the key colour, the
        // value underlined with the cursor in it. The others show the start of their text.
        let focused = i == focus;
        let label_style = if focused {
            theme.key().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        let marker = if focused { "▶" } else { " " };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{marker}{}{}", f.label, mark_of(f)),
                label_style,
            )),
            Rect::new(inner.x, y, label_w.saturating_sub(1).min(inner.width), 1),
        );
        let field_area = Rect::new(
            inner.x + label_w,
            y,
            inner.width.saturating_sub(label_w),
            height,
        );
        if focused {
            let mut area = f.area.clone();
            let base = Style::new().add_modifier(Modifier::UNDERLINED);
            area.set_style(base);
            area.set_cursor_line_style(Style::new());
            frame.render_widget(&area, field_area);
        } else {
            let value = f.area.lines().join("\n");
            let empty = value.is_empty();
            let shown = if empty {
                Span::styled(f.hint, theme.dim())
            } else {
                Span::raw(value)
            };
            let p = if f.multiline {
                Paragraph::new(ratatui::text::Text::from(
                    f.area
                        .lines()
                        .iter()
                        .map(|l| ratatui::text::Line::raw(l.clone()))
                        .collect::<Vec<_>>(),
                ))
                .wrap(Wrap { trim: false })
            } else {
                Paragraph::new(shown)
            };
            let p = if f.multiline && empty {
                Paragraph::new(Span::styled(f.hint, theme.dim()))
            } else {
                p
            };
            frame.render_widget(p, field_area);
        }
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
            let width = inner.width.saturating_sub(label_w).max(1);
            let lines = (note.width() as u16).div_ceil(width).clamp(1, 2);
            let lines = lines.min(inner.bottom() - y);
            frame.render_widget(
                Paragraph::new(note).wrap(Wrap { trim: true }),
                Rect::new(inner.x + label_w, y, width, lines),
            );
            y += lines;
        }
    }
}
