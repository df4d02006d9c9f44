//! Drawing of the review walk: it takes the body of the screen, under the header.

use crate::app::App;
use crate::app::overlays::walk::{Walk, WalkInput};
use crate::text::{clip, inert};
use crate::ui::screens::backlog::{action_lines, mark};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn walk(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme, w: &Walk) {
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(Span::styled(
        format!(
            " Review walk · {}/{} reviewed ",
            w.reviewed(),
            w.items.len()
        ),
        theme.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if w.finished {
        let mut lines = vec![
            Line::from(Span::styled(
                format!(
                    "Walk done: {} of {} actions reviewed.",
                    w.reviewed(),
                    w.items.len()
                ),
                theme.title(),
            )),
            Line::raw(""),
        ];
        for (a, done) in w.items.iter().zip(&w.done) {
            let what = if done.is_empty() {
                "skipped".to_string()
            } else {
                done.iter()
                    .map(|c| inert(c).into_owned())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            lines.push(Line::raw(format!(
                "{} {}  —  {what}",
                mark(a, app),
                inert(&clip(&a.title, 60))
            )));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            "esc closes · left goes back",
            theme.dim(),
        )));
        frame.render_widget(
            Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
            inner,
        );
        return;
    }
    let Some(a) = w.current() else { return };
    let [top, keys] = Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(inner);
    let today = app.shell.now.date_naive();
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{}/{}  {}{}",
            w.index + 1,
            w.items.len(),
            inert(&a.incident_key),
            if a.is_overdue(today) {
                "  ! OVERDUE"
            } else if a.is_stale(today, app.shell.settings.review_days) {
                "  ? not reviewed lately"
            } else {
                ""
            }
        ),
        if a.is_overdue(today) {
            theme.error()
        } else {
            theme.dim()
        },
    ))];
    lines.extend(action_lines(a, theme));
    for (f, events) in &w.findings {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled(
            format!("addresses: {} ({})", inert(&f.title), f.kind.label()),
            theme.key(),
        )));
        for e in events.iter().take(4) {
            lines.push(Line::raw(format!(
                "  {}  {}",
                e.at.written_in(chrono_tz::UTC),
                inert(&clip(&e.text, 100))
            )));
        }
    }
    if !w.sops.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("SOP changes", theme.title())));
        for s in &w.sops {
            lines.push(Line::raw(format!("  {}", sop_line(s))));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(Span::styled(
        format!("Reviews ({})", w.reviews.len()),
        theme.title(),
    )));
    for r in w.reviews.iter().rev().take(6) {
        lines.push(Line::raw(format!(
            "  {} {}  {} → {}  {}",
            r.at.format("%Y-%m-%d"),
            inert(&r.by),
            r.status_before,
            r.status_after,
            inert(&clip(&r.note, 100))
        )));
    }
    frame.render_widget(
        Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false }),
        top,
    );
    let legend = match &w.input {
        Some((kind, area)) => {
            let label = match kind {
                WalkInput::Note => "note",
                WalkInput::Sop => "SOP change (document, section[, YYYY-MM-DD])",
                WalkInput::Reject => "reason to reject",
                WalkInput::Owner => "new owner",
                WalkInput::Due => "new due date",
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!("{label}:"), theme.key())),
                Rect::new(keys.x, keys.y, keys.width, 1),
            );
            let mut input = area.clone();
            input.set_cursor_line_style(Style::new());
            frame.render_widget(&input, Rect::new(keys.x, keys.y + 1, keys.width, 1));
            return;
        }
        None => vec![
            ("a", "accept"),
            ("i", "in progress"),
            ("r", "resolved"),
            ("v", "verified"),
            ("x", "reject"),
            ("n", "note"),
            ("o", "owner"),
            ("d", "due"),
            ("p", "SOP change"),
            ("space", "skip"),
            ("left", "back"),
            ("esc", "end"),
        ],
    };
    let pairs: Vec<(String, String)> = legend
        .into_iter()
        .map(|(k, d)| (k.to_string(), d.to_string()))
        .collect();
    frame.render_widget(
        Paragraph::new(crate::ui::key_line(&pairs, theme)).wrap(Wrap { trim: true }),
        keys,
    );
}

/// `IR playbook § 4.2 Vendor access (incorporated 2026-04-01)`.
pub(crate) fn sop_line(s: &crate::domain::SopChange) -> String {
    let mut out = inert(&s.document).into_owned();
    if !s.section.is_empty() {
        out.push_str(&format!(" § {}", inert(&s.section)));
    }
    match s.incorporated {
        Some(d) => out.push_str(&format!(" (incorporated {d})")),
        None => out.push_str(" (not incorporated yet)"),
    }
    out
}
