//! Drawing of the lapse picker.

use crate::app::overlays::lapse_picker::{LapseChoice, LapsePicker};
use crate::text::inert;
use crate::ui::overlays::{boxed, centered};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(crate) fn lapse_picker(frame: &mut Frame<'_>, area: Rect, theme: &Theme, picker: &LapsePicker) {
    let (event, choices, selected) = (&picker.event, &picker.choices, picker.selected);
    let mut lines = vec![
        Line::from(Span::styled(
            format!("What went wrong in: {}", inert(&event.text)),
            theme.dim(),
        )),
        Line::raw(""),
    ];
    let mut new_index = 0;
    for (i, c) in choices.iter().enumerate() {
        let label = match c {
            LapseChoice::Link { label, .. } => format!("  link to   {label}"),
            LapseChoice::New(kind) => {
                new_index += 1;
                format!("{new_index} new       {} (from this event)", kind.label())
            }
        };
        let style = if i == selected {
            theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(label, style)));
    }
    let r = centered(area, 96, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    // Keep the selection visible when the list is longer than the screen.
    let visible = r.height.saturating_sub(2) as usize;
    let scroll = (selected + 2).saturating_sub(visible.saturating_sub(1)) as u16;
    let p = Paragraph::new(lines)
        .block(boxed(" Tag a lapse ", theme))
        .scroll((scroll, 0));
    frame.render_widget(p, r);
}
