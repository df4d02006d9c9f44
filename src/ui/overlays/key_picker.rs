//! Drawing of the key-event picker: each kind with the event holding it now.

use crate::app::overlays::key_picker::KeyPicker;
use crate::domain::KeyEventKind;
use crate::text::{clip, inert};
use crate::ui::overlays::{boxed, centered};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(crate) fn key_picker(frame: &mut Frame<'_>, area: Rect, theme: &Theme, picker: &KeyPicker) {
    let r = centered(area, 90, KeyEventKind::ALL.len() as u16 + 5);
    let text_room = (r.width as usize).saturating_sub(36).max(10);
    let mut lines = vec![
        Line::from(Span::styled(
            clip(
                &format!("Key event: {}", inert(&picker.event.text)),
                r.width as usize,
            ),
            theme.dim(),
        )),
        Line::raw(""),
    ];
    for (i, kind) in KeyEventKind::ALL.iter().enumerate() {
        let holder = match &picker.holders[i] {
            Some(e) if e.id == picker.event.id => "this event".to_string(),
            Some(e) => format!("now: {}", inert(&clip(&e.text, text_room))),
            None => "not marked yet".to_string(),
        };
        let label = format!("{} ★{}  {:<24} {holder}", i + 1, i + 1, kind.label());
        lines.push(row(label, i == picker.selected, theme));
    }
    let none = KeyEventKind::ALL.len();
    lines.push(row(
        "0     none (not a key event)".to_string(),
        picker.selected == none,
        theme,
    ));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(boxed(" Mark a key event ", theme)),
        r,
    );
}

fn row(text: String, selected: bool, theme: &Theme) -> Line<'static> {
    let style = if selected {
        theme.selected()
    } else {
        Style::new()
    };
    Line::from(Span::styled(text, style))
}
