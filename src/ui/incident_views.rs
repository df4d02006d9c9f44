//! The incident's Overview, Findings and Evidence & actors views.

use super::theme::Theme;
use crate::app::App;
use crate::domain::{Event, VerifyState};
use crate::text::{inert, inert_with};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

fn section(title: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(title.to_string(), theme.title()))
}

/// A multi-line text as lines, inert, with a hint when it is empty.
fn body(text: &str, empty: &str, theme: &Theme) -> Vec<Line<'static>> {
    if text.trim().is_empty() {
        return vec![Line::from(Span::styled(empty.to_string(), theme.dim()))];
    }
    inert_with(&clip(text, 8000), true)
        .lines()
        .map(|l| Line::raw(l.to_string()))
        .collect()
}

pub fn overview(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let Some(t) = &app.timeline else { return };
    let i = &t.incident;
    let o = &app.overview;
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

pub fn findings(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let f = &app.findings;
    let [left, right] = ratatui::layout::Layout::horizontal([
        Constraint::Percentage(45),
        Constraint::Percentage(55),
    ])
    .areas(area);
    // Grouped by kind, with counts; the list scrolls to keep the selection visible.
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut selected_line = 0;
    let mut last_kind = None;
    for (i, row) in f.rows.iter().enumerate() {
        let kind = row.finding.kind;
        if last_kind != Some(kind) {
            let n = f.rows.iter().filter(|r| r.finding.kind == kind).count();
            lines.push(Line::from(Span::styled(
                format!("{} ({n})", kind.label()),
                theme.title(),
            )));
            last_kind = Some(kind);
        }
        let flag = if row.evidence == 0 {
            " ⚠ no evidence"
        } else {
            ""
        };
        let cross = if row.finding.cross_org { " ⇄" } else { "" };
        let text = format!(
            "  {}{cross}  ({} ev.){flag}",
            inert(&clip(&row.finding.title, 70)),
            row.events
        );
        let style = if i == f.selected {
            theme.selected()
        } else {
            Style::new()
        };
        if i == f.selected {
            selected_line = lines.len();
        }
        lines.push(Line::from(Span::styled(text, style)));
    }
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "No findings yet. In the Timeline, f on an event tags what went wrong; a adds one here.",
            theme.dim(),
        )));
    }
    let height = left.height.saturating_sub(1) as usize;
    let scroll = selected_line.saturating_sub(height.saturating_sub(2)) as u16;
    let block = Block::new()
        .borders(Borders::TOP)
        .title(format!(" Findings ({}) ", f.rows.len()))
        .border_style(theme.dim());
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .scroll((scroll, 0)),
        left,
    );

    let block = Block::new()
        .borders(Borders::TOP | Borders::LEFT)
        .title(" Finding ")
        .border_style(theme.dim());
    let Some(row) = f.selected_row() else {
        frame.render_widget(block, right);
        return;
    };
    let x = &row.finding;
    let mut d = vec![
        Line::from(Span::styled(inert(&x.title).into_owned(), theme.title())),
        Line::raw(format!(
            "{}{}",
            x.kind.label(),
            if x.cross_org {
                format!(" · cross-organizational: {}", inert(&x.group))
            } else {
                String::new()
            }
        )),
        Line::raw(""),
    ];
    d.extend(body(&x.description, "(no details: e edits)", theme));
    if !x.impact.trim().is_empty() {
        d.push(Line::raw(""));
        d.push(section("Impact", theme));
        d.extend(body(&x.impact, "", theme));
    }
    d.push(Line::raw(""));
    d.push(section(
        &format!(
            "Supporting events ({}) · enter shows them in the timeline",
            f.events.len()
        ),
        theme,
    ));
    for e in &f.events {
        d.push(event_line(e));
    }
    d.push(Line::raw(""));
    if f.evidence.is_empty() && row.evidence == 0 {
        d.push(Line::from(Span::styled(
            "⚠ Rests on no evidence yet (E on an event attaches some)",
            theme.error(),
        )));
    } else {
        d.push(section("Evidence", theme));
        for ev in &f.evidence {
            d.push(Line::raw(format!("  {}", inert(&clip(&ev.locator, 90)))));
        }
        if f.evidence.is_empty() {
            d.push(Line::from(Span::styled(
                "  (through its events)",
                theme.dim(),
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(Text::from(d))
            .block(block)
            .wrap(Wrap { trim: false }),
        right,
    );
}

fn event_line(e: &Event) -> Line<'static> {
    Line::raw(format!(
        "  {}  {}",
        e.at.utc.format("%Y-%m-%d %H:%M"),
        inert(&clip(&e.text, 90))
    ))
}

pub fn evidence(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let s = &app.evidence;
    let [left, right] = ratatui::layout::Layout::horizontal([
        Constraint::Percentage(40),
        Constraint::Percentage(60),
    ])
    .areas(area);
    let focus = |on: bool| if on { theme.title() } else { theme.dim() };
    let mut actors: Vec<Line<'static>> = Vec::new();
    for (i, (a, n)) in s.actors.iter().enumerate() {
        let text = format!(
            "{:<18} {:<12} {:<9} {n:>3} ev.",
            inert(&clip(&a.name, 18)),
            a.kind.as_str(),
            a.attribution.as_str()
        );
        let style = if i == s.actor && !s.on_evidence {
            theme.selected()
        } else {
            Style::new()
        };
        actors.push(Line::from(Span::styled(text, style)));
    }
    if let Some((a, _)) = s.actors.get(s.actor).filter(|(a, _)| !a.note.is_empty()) {
        actors.push(Line::raw(""));
        actors.push(Line::from(Span::styled(
            inert(&a.note).into_owned(),
            theme.dim(),
        )));
    }
    let block = Block::new().borders(Borders::TOP).title(Span::styled(
        format!(" Actors ({}) ", s.actors.len()),
        focus(!s.on_evidence),
    ));
    frame.render_widget(
        // Lists are clipped, never wrapped, so one row stays one line.
        Paragraph::new(Text::from(actors)).block(block),
        left,
    );

    let mut items: Vec<Line<'static>> = Vec::new();
    for (i, e) in s.evidence.iter().enumerate() {
        let ev = &e.evidence;
        let state = match ev.state {
            Some(VerifyState::Ok) => "✓ ok",
            Some(VerifyState::Changed) => "✗ CHANGED",
            Some(VerifyState::Missing) => "✗ MISSING",
            None if ev.sha256.is_some() => "· not checked",
            None => "",
        };
        let text = format!(
            "{:<4} {}  ({} ev., {} find.) {state}",
            ev.kind.as_str(),
            inert(&clip(&ev.locator, 70)),
            e.events,
            e.findings
        );
        let style = if i == s.item && s.on_evidence {
            theme.selected()
        } else if matches!(ev.state, Some(VerifyState::Changed | VerifyState::Missing)) {
            theme.error()
        } else {
            Style::new()
        };
        items.push(Line::from(Span::styled(text, style)));
    }
    if let Some(ev) = s.evidence.get(s.item).map(|e| &e.evidence) {
        items.push(Line::raw(""));
        if !ev.title.is_empty() {
            items.push(Line::raw(inert(&ev.title).into_owned()));
        }
        if let Some(h) = &ev.sha256 {
            items.push(Line::from(Span::styled(format!("sha256 {h}"), theme.dim())));
        }
    }
    if s.evidence.is_empty() {
        items.push(Line::from(Span::styled(
            "No evidence yet: a adds a file path, URL or ticket.",
            theme.dim(),
        )));
    }
    let block = Block::new()
        .borders(Borders::TOP | Borders::LEFT)
        .title(Span::styled(
            format!(" Evidence ({}) ", s.evidence.len()),
            focus(s.on_evidence),
        ));
    frame.render_widget(
        // Lists are clipped, never wrapped, so one row stays one line.
        Paragraph::new(Text::from(items)).block(block),
        right,
    );
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
