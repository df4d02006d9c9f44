//! Drawing of the conflict box (an edit another window overtook).

use crate::app::overlays::conflict::Conflict;
use crate::text::inert;
use crate::ui::overlays::{boxed, centered, one_line};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// What another window changed, beside what the analyst typed, and the three ways on.
pub(crate) fn conflict(frame: &mut Frame<'_>, area: Rect, theme: &Theme, c: &Conflict) {
    let mut lines = vec![
        Line::raw(format!(
            "Another window saved this {} after you opened it.",
            c.what
        )),
        Line::raw(""),
    ];
    if c.changes.is_empty() {
        lines.push(Line::styled(
            "It changed nothing you can see in this form.",
            theme.dim(),
        ));
    }
    for ch in &c.changes {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<10}", ch.label), theme.title()),
            Span::raw(format!("theirs: {}", one_line(&ch.theirs))),
        ]));
        let yours = match &ch.yours {
            Some(typed) => format!("yours:  {}", one_line(&inert(typed))),
            None => "yours:  (you left it alone: theirs is kept)".to_string(),
        };
        lines.push(Line::raw(format!("{:<10}{yours}", "")));
    }
    lines.push(Line::raw(""));
    for (key, what) in [
        (
            "o",
            " save: what you typed replaces theirs, their other changes stay",
        ),
        ("e", " back to the form, now on top of their version"),
        ("t", " keep theirs and drop your edit"),
    ] {
        lines.push(Line::from(vec![
            Span::styled(key, theme.key()),
            Span::raw(what),
        ]));
    }
    let height = lines.len() as u16 + 2;
    let r = centered(area, 76, height);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(" Changed in another window ", theme)),
        r,
    );
}
