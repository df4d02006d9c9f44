//! Drawing of the Timeline screen: only the visible rows reach the table; the detail pane shows the selected event, its causes and evidence.

use crate::app::OpenIncident;
use crate::app::overlays::form::show_time;
use crate::domain::{Event, Timestamp};
use crate::layout::timeline_areas;
use crate::text::{clip, inert, inert_with};
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};

/// Longer text is cut before wrapping: a megabyte-long log line must not cost a frame.
const MAX_SHOWN: usize = 4000;

pub fn timeline(open: &OpenIncident, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let t = &open.timeline;
    let areas = timeline_areas(area, t.show_detail);
    let zone = if t.local_times {
        Some(open.incident.zone)
    } else {
        None
    };
    super::density::strip(open, frame, areas.strip, theme);
    let visible = t
        .rows
        .iter()
        .enumerate()
        .skip(t.offset)
        .take(areas.list_rows as usize);
    let linking = t.linking.as_ref().map(|e| e.id.as_str());
    let columns = Columns::for_width(areas.list.width, zone.is_some());
    let rows = visible.map(|(i, e)| {
        let time = time_cell(&e.at, zone);
        let time = if columns.short_time {
            short_time(&time)
        } else {
            time
        };
        let mut cells = vec![
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
        ];
        if columns.phase > 0 {
            cells.push(Cell::from(e.phase.map(|p| p.as_str()).unwrap_or("")));
        }
        cells.push(Cell::from(
            inert(&clip(e.actor.as_deref().unwrap_or(""), 60)).into_owned(),
        ));
        cells.push(Cell::from(event_line(e, theme)));
        let mut row = Row::new(cells);
        if i == t.selected {
            row = row.style(theme.selected());
        }
        row
    });
    let mut titles = vec!["Time", "", "Lapse"];
    if columns.phase > 0 {
        titles.push("Phase");
    }
    titles.extend(["Actor", "What"]);
    let header = Row::new(titles).style(theme.header_row());
    let widths = columns.widths();
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
    if let Some(d) = areas.detail {
        detail(open, frame, d, theme, zone);
    }
}

/// The list's column widths at a width: the time whole (its offset too), the fixed
/// columns as narrow as they read, and everything left to what happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Columns {
    time: u16,
    /// The year is left out (an incident rarely spans one).
    short_time: bool,
    lapse: u16,
    /// 0: no phase column (narrow screens; a phase tag still shows in the text).
    phase: u16,
    actor: u16,
    what: u16,
}

impl Columns {
    fn for_width(width: u16, zoned: bool) -> Columns {
        let narrow = width < 110;
        let full_time = if zoned { 26 } else { 21 };
        let time = if narrow { full_time - 5 } else { full_time };
        let phase = if narrow { 0 } else { 14 };
        let actor = if narrow { 12 } else { 16 };
        let lapse = 5;
        let marks = 3;
        let columns = if phase > 0 { 6 } else { 5 };
        let fixed = time + marks + lapse + phase + actor + (columns - 1);
        Columns {
            time,
            short_time: narrow,
            lapse,
            phase,
            actor,
            what: width.saturating_sub(fixed).max(10),
        }
    }

    fn widths(self) -> Vec<Constraint> {
        let mut w = vec![
            Constraint::Length(self.time),
            Constraint::Length(3),
            Constraint::Length(self.lapse),
        ];
        if self.phase > 0 {
            w.push(Constraint::Length(self.phase));
        }
        w.push(Constraint::Length(self.actor));
        w.push(Constraint::Min(self.what));
        w
    }
}

/// A list time without its year: `~2026-03-11 09:19:44Z` → `~03-11 09:19:44Z`.
fn short_time(time: &str) -> String {
    let mut chars = time.chars();
    let mark: String = chars.next().into_iter().collect();
    let rest: String = chars.collect();
    match rest.get(5..) {
        Some(tail) if rest.as_bytes().get(4) == Some(&b'-') => format!("{mark}{tail}"),
        _ => format!("{mark}{rest}"),
    }
}

pub(crate) fn detail(
    open: &OpenIncident,
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    zone: Option<chrono_tz::Tz>,
) {
    let t = &open.timeline;
    let block = Block::new()
        // A line on its left only beside the list; under it, the top line is enough.
        .borders(if area.x > 0 {
            Borders::TOP | Borders::LEFT
        } else {
            Borders::TOP
        })
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
        None => crate::domain::show_utc(&e.at),
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

pub(crate) fn technique_label(id: &str) -> String {
    match crate::domain::attack::technique(id) {
        Some(t) => format!("{id} {} ({})", t.name, t.tactics.join(", ")),
        None => id.to_string(),
    }
}

/// Marks in the narrow column: ★ and the key event's number (1 first malicious, 2
/// detected, 3 contained, 4 recovered, as `K` picks them), ↳ has a cause, ◆ being linked.
pub(crate) fn marks(e: &Event, linking: Option<&str>) -> String {
    if linking == Some(e.id.as_str()) {
        return "◆".into();
    }
    let key = match e.key_kind {
        Some(k) => {
            let n = crate::domain::KeyEventKind::ALL
                .iter()
                .position(|x| *x == k)
                .unwrap_or(0);
            format!("★{}", n + 1)
        }
        None => "  ".into(),
    };
    let cause = if e.caused_by.is_some() { "↳" } else { " " };
    format!("{key}{cause}")
}

pub(crate) fn event_line(e: &Event, theme: &Theme) -> Line<'static> {
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
pub(crate) fn time_cell(t: &Timestamp, zone: Option<chrono_tz::Tz>) -> String {
    let approx = match t.precision {
        crate::domain::Precision::Approximate => "~",
        crate::domain::Precision::Day => return format!("~{}", t.date_text()),
        _ => " ",
    };
    match zone {
        Some(z) => format!(
            "{approx}{}",
            t.utc.with_timezone(&z).format("%Y-%m-%d %H:%M:%S%:z")
        ),
        None => format!("{approx}{}", t.utc.format("%Y-%m-%d %H:%M:%SZ")),
    }
}
