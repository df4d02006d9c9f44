//! Drawing of the findings picker of an evaluation area.

use crate::app::overlays::finding_links::FindingLinks;
use crate::text::inert;
use crate::ui::overlays::{boxed, centered};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(crate) fn finding_links(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    links: &FindingLinks,
) {
    let (item, choices, selected) = (&links.item, &links.choices, links.selected);
    let mut lines = vec![
        Line::from(Span::styled(
            format!("The findings the rating of {} rests on:", inert(&item.area)),
            theme.dim(),
        )),
        Line::raw(""),
    ];
    for (i, c) in choices.iter().enumerate() {
        let mark = if c.linked { "[x]" } else { "[ ]" };
        let style = if i == selected {
            theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!("{mark} {}", inert(&c.label)),
            style,
        )));
    }
    let r = centered(area, 96, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let visible = r.height.saturating_sub(2) as usize;
    let scroll = (selected + 2).saturating_sub(visible.saturating_sub(1)) as u16;
    let p = Paragraph::new(lines)
        .block(boxed(" Link findings ", theme))
        .scroll((scroll, 0));
    frame.render_widget(p, r);
}
