//! Drawing of the Overview screen.

use crate::app::OpenIncident;
use crate::text::inert;
use crate::ui::theme::Theme;
use crate::ui::widgets::{body, section};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub fn overview(open: &OpenIncident, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let i = &open.incident;
    let o = &open.overview;
    let [left, right] =
        ratatui::layout::Layout::horizontal([Constraint::Min(30), Constraint::Length(38)])
            .areas(area);
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", inert(&i.key)), theme.title()),
            Span::raw(inert(&i.title).into_owned()),
        ]),
        Line::raw(format!(
            "severity {} · status {} · customer impact {} · data breach {} · zone {}",
            i.severity,
            i.status.label(),
            yes(i.customer_impact),
            yes(i.data_breach),
            i.zone.name()
        )),
        Line::raw(""),
        section("Technical summary", theme),
    ];
    lines.extend(body(&i.summary, "(not written yet: press e)", theme));
    lines.push(Line::raw(""));
    lines.push(section("How the response was executed", theme));
    lines.extend(body(&i.response, "(not written yet: press e)", theme));
    lines.push(Line::raw(""));
    lines.push(section("Key takeaways", theme));
    lines.extend(body(&i.takeaways, "(not written yet: press e)", theme));
    lines.push(Line::raw(""));
    lines.push(section("Impact", theme));
    lines.extend(body(&i.impact, "(not written yet: press e)", theme));
    if !i.classification.is_empty() {
        lines.push(Line::raw(""));
        lines.push(section("Classification", theme));
        lines.extend(body(&i.classification, "", theme));
    }
    let block = Block::new()
        .borders(Borders::TOP)
        .title(" Overview ")
        .border_style(theme.dim());
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((o.scroll, 0)),
        left,
    );

    let mut counts = vec![
        section("In numbers", theme),
        Line::raw(format!("{:>5} events", o.events)),
        Line::raw(format!("{:>5} actors", o.actors)),
        Line::raw(format!("{:>5} pieces of evidence", o.evidence)),
        Line::raw(format!(
            "{:>5} open actions, {} overdue",
            o.open_actions, o.overdue_actions
        )),
        Line::raw(format!(
            "{:>5} findings",
            o.findings.iter().map(|(_, n)| n).sum::<usize>()
        )),
    ];
    for (kind, n) in &o.findings {
        counts.push(Line::raw(format!("      {n} {}", kind.label())));
    }
    if o.findings_without_evidence > 0 {
        counts.push(Line::from(Span::styled(
            format!("  ⚠ {} without evidence", o.findings_without_evidence),
            theme.error(),
        )));
    }
    counts.push(Line::raw(""));
    counts.push(section("Metrics", theme));
    for m in &o.metrics {
        match &m.value {
            Ok(d) => counts.push(Line::raw(format!(
                "{:<16}{}",
                m.name,
                crate::domain::metrics::human(*d)
            ))),
            Err(why) => {
                counts.push(Line::raw(format!("{:<16}—", m.name)));
                counts.push(Line::from(Span::styled(format!("  {why}"), theme.dim())));
            }
        }
    }
    counts.push(Line::raw(""));
    counts.push(section("Key events", theme));
    if o.key_events.is_empty() {
        counts.push(Line::from(Span::styled(
            "none marked yet (K on an event)",
            theme.dim(),
        )));
    }
    for e in &o.key_events {
        let kind = e.key_kind.map(|k| k.label()).unwrap_or_default();
        counts.push(Line::raw(kind.to_string()));
        counts.push(Line::from(Span::styled(
            format!("  {}", e.at.rfc3339_utc()),
            theme.dim(),
        )));
    }
    let block = Block::new()
        .borders(Borders::TOP | Borders::LEFT)
        .border_style(theme.dim());
    frame.render_widget(Paragraph::new(Text::from(counts)).block(block), right);
}
