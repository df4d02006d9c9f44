//! Drawing of a yes/no confirmation.

use crate::ui::overlays::{boxed, centered};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

pub(crate) fn confirm(frame: &mut Frame<'_>, area: Rect, theme: &Theme, question: &str) {
    let r = centered(area, 64, 5);
    frame.render_widget(Clear, r);
    let lines = vec![
        Line::raw(question.to_string()),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" yes   "),
            Span::styled("n", theme.key()),
            Span::raw(" no"),
        ]),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(boxed(" Confirm ", theme)),
        r,
    );
}
