//! Drawing of a one-line prompt with the notes update worked out for it.

use crate::app::overlays::prompt::{NoteTone, Prompt};
use crate::ui::overlays::boxed;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Wrap};

pub(crate) fn prompt_box(frame: &mut Frame<'_>, area: Rect, theme: &Theme, prompt: &Prompt) {
    let notes: Vec<Line<'static>> = prompt
        .notes
        .iter()
        .map(|n| {
            let style = match n.tone {
                NoteTone::Hint => theme.dim(),
                NoteTone::Ok => theme.ok(),
                NoteTone::Problem => theme.error(),
            };
            Line::from(Span::styled(n.text.clone(), style))
        })
        .collect();
    let chosen = prompt.selected.min(prompt.choices.len().saturating_sub(1));
    let list: Vec<Line<'static>> = prompt
        .choices
        .iter()
        .enumerate()
        .take(8)
        .map(|(i, (_, label))| {
            let style = if i == chosen {
                theme.selected()
            } else {
                Style::new()
            };
            Line::from(Span::styled(label.clone(), style))
        })
        .collect();
    // Notes wrap: room for each to take three lines.
    let height = 3 + 3 * notes.len() as u16 + list.len() as u16;
    let r = Rect::new(
        area.x,
        area.bottom().saturating_sub(height + 2),
        area.width,
        height.min(area.height),
    );
    frame.render_widget(Clear, r);
    let title = format!(" {} ", prompt.kind.label());
    let block = boxed(&title, theme);
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let mut input = prompt.input.clone();
    input.set_cursor_line_style(Style::new());
    frame.render_widget(&input, Rect::new(inner.x, inner.y, inner.width, 1));
    let mut lines = notes;
    lines.extend(list);
    let rest = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(1),
    );
    frame.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        rest,
    );
}
