//! Small pieces several screens draw the same way.

use crate::text::{clip, inert_with};
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};

pub(crate) fn section(title: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(title.to_string(), theme.title()))
}

/// A multi-line text as lines, inert, with a hint when it is empty.
pub(crate) fn body(text: &str, empty: &str, theme: &Theme) -> Vec<Line<'static>> {
    if text.trim().is_empty() {
        return vec![Line::from(Span::styled(empty.to_string(), theme.dim()))];
    }
    inert_with(&clip(text, 8000), true)
        .lines()
        .map(|l| Line::raw(l.to_string()))
        .collect()
}
