//! Drawing of the evidence link picker.

use crate::app::overlays::evidence_links::{EvidenceLinks, Subject};
use crate::text::{clip, inert};
use crate::ui::overlays::{boxed, centered};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(crate) fn evidence_links(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    links: &EvidenceLinks,
) {
    let mut lines = vec![
        Line::from(Span::styled(
            match links.subject {
                Subject::Evidence(_) => format!(
                    "What {} backs (space ticks, enter saves):",
                    inert(&clip(links.name(), 60))
                ),
                Subject::Action(_) => format!(
                    "The findings \"{}\" addresses (space ticks, enter saves):",
                    inert(&clip(links.name(), 60))
                ),
                Subject::Finding(_) => format!(
                    "The evidence \"{}\" rests on (space ticks, enter saves):",
                    inert(&clip(links.name(), 60))
                ),
            },
            theme.dim(),
        )),
        Line::raw(""),
    ];
    if links.choices.is_empty() {
        lines.push(Line::raw(
            "Nothing to link yet: no findings (4 adds them), no event selected in the timeline.",
        ));
    }
    for (i, c) in links.choices.iter().enumerate() {
        let mark = if c.linked { "[x]" } else { "[ ]" };
        let style = if i == links.selected {
            theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!("{mark} {}", inert(&c.label)),
            style,
        )));
    }
    let r = centered(area, 100, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let visible = r.height.saturating_sub(2) as usize;
    let scroll = (links.selected + 2).saturating_sub(visible.saturating_sub(1)) as u16;
    let p = Paragraph::new(lines)
        .block(boxed(
            match links.subject {
                Subject::Evidence(_) => " Link evidence ",
                Subject::Action(_) => " Link findings ",
                Subject::Finding(_) => " Link evidence ",
            },
            theme,
        ))
        .scroll((scroll, 0));
    frame.render_widget(p, r);
}
