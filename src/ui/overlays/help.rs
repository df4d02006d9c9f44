//! Drawing of the `?` help.

use crate::app::App;
use crate::ui::overlays::{boxed, centered};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub(crate) fn help(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme, scroll: u16) {
    let scope = app.view;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Keys on the {} screen (change them in config.toml, [keys.{}])",
            scope.name(),
            scope.name()
        ),
        theme.dim(),
    ))];
    // One line per command, with all its keys.
    let mut rows: Vec<(crate::keymap::Command, Vec<String>, &str)> = Vec::new();
    for b in app.shell.keymap.help(scope) {
        match rows.iter_mut().find(|(c, _, _)| *c == b.command) {
            Some((_, keys, _)) => keys.push(b.key.to_string()),
            None => rows.push((b.command, vec![b.key.to_string()], b.description)),
        }
    }
    for (_, keys, description) in rows {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", keys.join(" ")), theme.key()),
            Span::raw(description.to_string()),
        ]));
    }
    if scope == crate::app::View::Timeline {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Quick capture", theme.title())));
        lines.push(Line::raw(
            "  14:02 @actor what happened #tag T1078   time first: 14:02, 14:02:05Z,",
        ));
        lines.push(Line::raw(
            "  2026-03-11 14:02 +01:00, ~15:00 (approximate), +5m (after the selected event)",
        ));
        lines.push(Line::raw(
            "  a #tag that names a phase (#containment) also sets the phase",
        ));
        lines.push(Line::from(Span::styled("Filter", theme.title())));
        lines.push(Line::raw("  words (prefixes match)  @actor  #tag  !phase"));
    }
    let r = centered(area, 86, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let p = Paragraph::new(lines)
        .block(boxed(" Help ", theme))
        .scroll((scroll, 0));
    frame.render_widget(p, r);
}
