//! The views: welcome, incidents, timeline.

use super::layout::timeline_areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::form::show_time;
use crate::domain::{Event, Timestamp};
use crate::text::{inert, inert_with};
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

/// Longer text is cut before wrapping: a megabyte-long log line must not cost a frame.
const MAX_SHOWN: usize = 4000;

pub fn welcome(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let key = |c| {
        app.keymap
            .key_for(app.view, c)
            .map(|k| k.to_string())
            .unwrap_or_default()
    };
    let lines = vec![
        Line::from(Span::styled("Welcome to debrief", theme.title())),
        Line::raw(""),
        Line::raw("The workbench for the post-incident review of a security incident: build the"),
        Line::raw("timeline as people speak, tag what went wrong, and keep it all in one file."),
        Line::raw(""),
        Line::raw("This database has no incident yet."),
        Line::raw(""),
        Line::from(vec![
            Span::styled(
                format!("  {}  ", key(crate::keymap::Command::Add)),
                theme.key(),
            ),
            Span::raw("create an incident"),
        ]),
        Line::from(vec![
            Span::styled(
                format!("  {}  ", key(crate::keymap::Command::LoadDemo)),
                theme.key(),
            ),
            Span::raw("load the demo incident (a cloud-mailbox intrusion) to look around"),
        ]),
        Line::from(vec![
            Span::styled("  ?  ", theme.key()),
            Span::raw("every key"),
        ]),
        Line::from(vec![Span::styled("  q  ", theme.key()), Span::raw("quit")]),
    ];
    let block = Block::new().borders(Borders::TOP).border_style(theme.dim());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

pub fn incidents(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let rows_h = area.height.saturating_sub(2) as usize;
    let selected = app.incidents.selected;
    let offset = selected.saturating_sub(rows_h.saturating_sub(1));
    let rows = app
        .incidents
        .rows
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_h)
        .map(|(i, r)| {
            let inc = &r.incident;
            let row = Row::new(vec![
                Cell::from(inert(&inc.key).into_owned()),
                Cell::from(Span::styled(
                    inc.severity.to_string(),
                    theme.severity(inc.severity),
                )),
                Cell::from(inc.status.label()),
                Cell::from(format!("{:>6}", r.events)),
                Cell::from(ago(app.now, r.last_change)),
                Cell::from(inert(&clip(&inc.title, 200)).into_owned()),
            ]);
            if i == selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let header = Row::new(["Key", "Severity", "Status", "Events", "Changed", "Title"])
        .style(theme.header_row());
    let widths = [
        Constraint::Length(16),
        Constraint::Length(9),
        Constraint::Length(10),
        Constraint::Length(7),
        Constraint::Length(12),
        Constraint::Min(10),
    ];
    let title = format!(" Incidents ({}) ", app.incidents.rows.len());
    let block = Block::new()
        .borders(Borders::TOP)
        .title(title)
        .border_style(theme.dim());
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}

pub fn timeline(app: &App, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let Some(t) = &app.timeline else { return };
    let areas = timeline_areas(area);
    let zone = if app.local_times {
        Some(t.incident.zone)
    } else {
        None
    };
    let visible = t
        .rows
        .iter()
        .enumerate()
        .skip(t.offset)
        .take(areas.list_rows as usize);
    let linking = t.linking.as_ref().map(|e| e.id.as_str());
    // On narrow screens the year goes (an incident rarely spans one) and columns shrink,
    // leaving room for what happened.
    let narrow = area.width < 110;
    let rows = visible.map(|(i, e)| {
        let time = time_cell(&e.at, zone);
        let time = if narrow {
            format!("{}{}", &time[..1], &time[6..])
        } else {
            time
        };
        let mut row = Row::new(vec![
            Cell::from(time),
            Cell::from(marks(e, linking)).style(theme.key_event()),
            Cell::from(
                e.lapses
                    .iter()
                    .map(|k| k.mark())
                    .collect::<Vec<_>>()
                    .join(" "),
            )
            .style(theme.error()),
            Cell::from(e.phase.map(|p| p.as_str()).unwrap_or("")),
            Cell::from(inert(&clip(e.actor.as_deref().unwrap_or(""), 60)).into_owned()),
            Cell::from(event_line(e, theme)),
        ]);
        if i == t.selected {
            row = row.style(theme.selected());
        }
        row
    });
    let header =
        Row::new(["Time", "", "Lapse", "Phase", "Actor", "What"]).style(theme.header_row());
    let time_width = if zone.is_some() { 26 } else { 21 } - if narrow { 5 } else { 0 };
    let widths = [
        Constraint::Length(time_width),
        Constraint::Length(2),
        Constraint::Length(5),
        Constraint::Length(14),
        Constraint::Length(if narrow { 10 } else { 16 }),
        Constraint::Min(10),
    ];
    let filter = if t.filter_text.is_empty() {
        String::new()
    } else {
        format!(" · filter: {}", inert(&t.filter_text))
    };
    let zone_name = zone.map(|z| z.name()).unwrap_or("UTC");
    let title = format!(
        " Timeline {} · times {zone_name}{filter} ",
        t.position_label()
    );
    let block = Block::new()
        .borders(Borders::TOP)
        .title(title)
        .border_style(theme.dim());
    if t.rows.is_empty() {
        let hint = if t.filter_text.is_empty() {
            "No events yet. Press c and type e.g. `14:02 @mallory signed in #initial-access T1078`, or a for the form."
        } else {
            "No event matches the filter. Press x to clear it, or / to change it."
        };
        frame.render_widget(
            Paragraph::new(hint).block(block).wrap(Wrap { trim: true }),
            areas.list,
        );
    } else {
        frame.render_widget(
            Table::new(rows, widths).header(header).block(block),
            areas.list,
        );
    }
    detail(app, frame, areas.detail, theme, zone);
}

fn detail(
    app: &App,
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    zone: Option<chrono_tz::Tz>,
) {
    let Some(t) = &app.timeline else { return };
    let block = Block::new()
        .borders(Borders::TOP | Borders::LEFT)
        .title(" Event ")
        .border_style(theme.dim());
    let Some(e) = t.selected_event() else {
        frame.render_widget(block, area);
        return;
    };
    let label = |l: &str| Span::styled(format!("{l:<10}"), theme.dim());
    let mut lines: Vec<Line<'static>> = Vec::new();
    let when = match zone {
        Some(z) => show_time(&e.at, z),
        None => e.at.rfc3339_utc(),
    };
    lines.push(Line::from(vec![
        label("When"),
        Span::raw(format!(
            "{when}  ({}, written {})",
            e.at.precision.as_str(),
            e.at.rfc3339_original()
        )),
    ]));
    let mut field = |name: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            lines.push(Line::from(vec![
                label(name),
                Span::raw(inert(&clip(&v, 300)).into_owned()),
            ]));
        }
    };
    field("Actor", e.actor.clone());
    field("Source", e.source.clone());
    field("Phase", e.phase.map(|p| p.label().to_string()));
    field(
        "Tags",
        (!e.tags.is_empty()).then(|| {
            e.tags
                .iter()
                .map(|t| format!("#{t}"))
                .collect::<Vec<_>>()
                .join(" ")
        }),
    );
    field(
        "Technique",
        e.technique.as_ref().map(|id| technique_label(id)),
    );
    field("Key event", e.key_kind.map(|k| k.label().to_string()));
    field(
        "Lapses",
        (!e.lapses.is_empty()).then(|| {
            e.lapses
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ")
        }),
    );
    field(
        "Evidence",
        (!t.evidence.is_empty()).then(|| {
            t.evidence
                .iter()
                .map(|v| v.locator.clone())
                .collect::<Vec<_>>()
                .join(", ")
        }),
    );
    lines.push(Line::raw(""));
    for l in inert_with(&clip(&e.text, MAX_SHOWN), true).lines() {
        lines.push(Line::raw(l.to_string()));
    }
    if !e.attrs.is_empty() {
        // Columns of the imported source row, as they were.
        lines.push(Line::raw(""));
        for (k, v) in &e.attrs {
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", inert(&clip(k, 30))), theme.dim()),
                Span::raw(inert(&clip(v, 300)).into_owned()),
            ]));
        }
    }
    if !t.chain.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("Caused by", theme.dim())));
        for (depth, cause) in t.chain.iter().enumerate() {
            let indent = "  ".repeat(depth);
            let text = format!(
                "{indent}← {} {}",
                time_cell(&cause.at, zone),
                inert(&clip(&cause.text, 120))
            );
            lines.push(Line::raw(text));
        }
    }
    if let Some(effect) = &t.linking {
        lines.insert(
            0,
            Line::from(Span::styled(
                format!("Choosing the cause of: {}", inert(&clip(&effect.text, 60))),
                theme.key(),
            )),
        );
    }
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn technique_label(id: &str) -> String {
    match crate::domain::attack::technique(id) {
        Some(t) => format!("{id} {} ({})", t.name, t.tactics.join(", ")),
        None => id.to_string(),
    }
}

/// Marks in the narrow column: ★ key event, ↳ has a cause, ◆ being linked.
fn marks(e: &Event, linking: Option<&str>) -> String {
    if linking == Some(e.id.as_str()) {
        return "◆".into();
    }
    let key = if e.key_kind.is_some() { "★" } else { " " };
    let cause = if e.caused_by.is_some() { "↳" } else { " " };
    format!("{key}{cause}")
}

fn event_line(e: &Event, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(inert(&clip(&e.text, 300)).into_owned())];
    if !e.tags.is_empty() {
        let tags: Vec<String> = e.tags.iter().map(|t| format!("#{}", inert(t))).collect();
        spans.push(Span::styled(format!("  {}", tags.join(" ")), theme.dim()));
    }
    if let Some(k) = e.key_kind {
        spans.push(Span::styled(
            format!("  [{}]", k.as_str()),
            Style::new().add_modifier(Modifier::BOLD),
        ));
    }
    Line::from(spans)
}

/// A time for the list: UTC with `Z`, or in the incident's zone with its offset; `~`
/// marks approximate times.
fn time_cell(t: &Timestamp, zone: Option<chrono_tz::Tz>) -> String {
    let approx = if t.precision == crate::domain::Precision::Approximate {
        "~"
    } else {
        " "
    };
    match zone {
        Some(z) => format!(
            "{approx}{}",
            t.utc.with_timezone(&z).format("%Y-%m-%d %H:%M:%S%:z")
        ),
        None => format!("{approx}{}", t.utc.format("%Y-%m-%d %H:%M:%SZ")),
    }
}

fn ago(now: DateTime<Utc>, then: DateTime<Utc>) -> String {
    let secs = (now - then).num_seconds();
    match secs {
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        _ => then.format("%Y-%m-%d").to_string(),
    }
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
