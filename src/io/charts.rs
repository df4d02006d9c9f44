//! The report's four pictures, drawn from the chart specs `report::template_context` makes:
//! inline SVG for HTML (no scripts, no links, nothing fetched) and Mermaid blocks for
//! Markdown (GitHub and GitLab draw them). The templates write a text equivalent beside
//! each one; these are for the eye.
//!
//! Every label comes from the data, so in SVG it is HTML-escaped text content, and in
//! Mermaid it is quoted with `"`, `<`, `>`, `&`, `#`, `;` and `` ` `` written as Mermaid's
//! `#NN;` codes (nothing can end the label, the block or the fence).

use crate::io::template::html;
use serde_json::Value;
use std::fmt::Write;

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map(Vec::as_slice).unwrap_or_default()
}

/// A chart as an `<svg>` element with a `<title>` (its accessible name).
pub fn svg(spec: &Value) -> String {
    match s(spec, "kind") {
        "strip" => strip_svg(spec),
        "bars" => bars_svg(spec),
        "grid" => grid_svg(spec),
        "stacked" => stacked_svg(spec),
        _ => String::new(),
    }
}

/// A chart as a fenced Mermaid block.
pub fn mermaid(spec: &Value) -> String {
    let body = match s(spec, "kind") {
        "strip" => strip_mermaid(spec),
        "bars" => bars_mermaid(spec),
        "grid" => grid_mermaid(spec),
        "stacked" => stacked_mermaid(spec),
        _ => return String::new(),
    };
    match body {
        Some(body) => format!("```mermaid\n{body}```"),
        None => String::new(),
    }
}

/// A label for Mermaid: one line, inside `"…"`, with the characters that could end it
/// written as `#NN;` codes.
fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::inert(text).chars() {
        match c {
            '"' | '<' | '>' | '&' | '#' | ';' | '`' | '\\' | '%' | '{' | '}' | '|' => {
                let _ = write!(out, "#{};", c as u32);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn open_svg(out: &mut String, width: u32, height: u32, title: &str, class: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart {class}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
         width=\"100%\" role=\"img\" font-family=\"system-ui, sans-serif\" font-size=\"11\"><title>{}</title>",
        html(title)
    );
}

fn text_el(out: &mut String, x: f64, y: f64, anchor: &str, extra: &str, text: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\"{extra}>{}</text>",
        html(&crate::text::inert(text))
    );
}

const SPAN_COLOURS: [&str; 3] = ["#d1495b", "#edae49", "#00798c"];

/// The timeline strip: the incident from its first to its last event, the detect, contain
/// and recover spans as bars, the key events as marks.
fn strip_svg(spec: &Value) -> String {
    let (start, end) = (spec["start_ms"].as_i64(), spec["end_ms"].as_i64());
    let mut out = String::new();
    let spans = list(spec, "spans");
    let marks = list(spec, "marks");
    let rows = spans.len().max(1) as u32;
    let (width, left, right) = (720.0, 150.0, 20.0);
    let height = 56 + rows * 24 + 22 * marks.len() as u32;
    open_svg(&mut out, width as u32, height, s(spec, "title"), "strip");
    let (Some(start), Some(end)) = (start, end) else {
        text_el(&mut out, 10.0, 20.0, "start", "", "No events yet.");
        out.push_str("</svg>");
        return out;
    };
    let span_ms = (end - start).max(1) as f64;
    let x = |ms: i64| left + (ms - start) as f64 / span_ms * (width - left - right);
    // The axis, with its two ends labelled.
    let axis_y = 30.0;
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"#57606a\"/>",
        width - right
    );
    text_el(&mut out, left, 18.0, "start", "", s(spec, "start_text"));
    text_el(
        &mut out,
        width - right,
        18.0,
        "end",
        "",
        s(spec, "end_text"),
    );
    for (n, span) in spans.iter().enumerate() {
        let y = axis_y + 14.0 + n as f64 * 24.0;
        text_el(&mut out, left - 8.0, y + 12.0, "end", "", s(span, "label"));
        match (span["from_ms"].as_i64(), span["to_ms"].as_i64()) {
            (Some(a), Some(b)) => {
                let (x1, x2) = (x(a), x(b));
                let _ = write!(
                    out,
                    "<rect x=\"{x1:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"16\" fill=\"{}\"/>",
                    (x2 - x1).max(2.0),
                    SPAN_COLOURS[n % SPAN_COLOURS.len()]
                );
                let inside = x2 - x1 > 90.0;
                let (tx, anchor) = if inside {
                    (x1 + 4.0, "start")
                } else if x2 + 90.0 < width {
                    (x2 + 4.0, "start")
                } else {
                    (x1 - 4.0, "end")
                };
                text_el(
                    &mut out,
                    tx,
                    y + 12.0,
                    anchor,
                    if inside { " fill=\"#ffffff\"" } else { "" },
                    s(span, "text"),
                );
            }
            _ => text_el(
                &mut out,
                left,
                y + 12.0,
                "start",
                " fill=\"#57606a\"",
                s(span, "text"),
            ),
        }
    }
    let marks_y = axis_y + 14.0 + rows as f64 * 24.0 + 6.0;
    for (n, mark) in marks.iter().enumerate() {
        let Some(at) = mark["at_ms"].as_i64() else {
            continue;
        };
        let mx = x(at);
        let y = marks_y + n as f64 * 22.0;
        let _ = write!(
            out,
            "<line x1=\"{mx:.1}\" y1=\"{axis_y}\" x2=\"{mx:.1}\" y2=\"{:.1}\" stroke=\"#1b1f24\" stroke-dasharray=\"2 2\"/>\
             <path d=\"M{mx:.1} {:.1} l5 5 l-5 5 l-5 -5 z\" fill=\"#1b1f24\"/>",
            y + 4.0,
            y + 2.0
        );
        let text = format!("{} {}", s(mark, "label"), s(mark, "at_text"));
        // A white outline keeps a label readable where another mark's line crosses it.
        let halo = " paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"4\"";
        if mx > width / 2.0 {
            text_el(&mut out, mx - 9.0, y + 11.0, "end", halo, &text);
        } else {
            text_el(&mut out, mx + 9.0, y + 11.0, "start", halo, &text);
        }
    }
    out.push_str("</svg>");
    out
}

fn strip_mermaid(spec: &Value) -> Option<String> {
    spec["start_ms"].as_i64()?;
    let mut out = String::new();
    let _ = writeln!(out, "gantt");
    let _ = writeln!(out, "    title {}", label(s(spec, "title")));
    let _ = writeln!(out, "    dateFormat YYYY-MM-DDTHH:mm:ss");
    let _ = writeln!(out, "    axisFormat %d %b %H:%M");
    let _ = writeln!(out, "    section Response");
    let mut any = false;
    for (n, span) in list(spec, "spans").iter().enumerate() {
        let (Some(a), Some(b)) = (span["from_naive"].as_str(), span["to_naive"].as_str()) else {
            continue;
        };
        any = true;
        let _ = writeln!(
            out,
            "    {} ({}) :s{n}, {a}, {b}",
            gantt_name(s(span, "label")),
            gantt_name(s(span, "text"))
        );
    }
    let _ = writeln!(out, "    section Key events");
    for (n, mark) in list(spec, "marks").iter().enumerate() {
        let Some(at) = mark["at_naive"].as_str() else {
            continue;
        };
        any = true;
        let _ = writeln!(
            out,
            "    {} :milestone, m{n}, {at}, 0d",
            gantt_name(s(mark, "label"))
        );
    }
    any.then_some(out)
}

/// A Gantt task name: no `:` (it ends the name), `#` or `;` (comments, separators).
fn gantt_name(text: &str) -> String {
    label(text).replace(':', " ")
}

fn bars_svg(spec: &Value) -> String {
    let bars = list(spec, "bars");
    let max = bars
        .iter()
        .filter_map(|b| b["value"].as_i64())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (width, left) = (720.0, 230.0);
    let height = 10 + bars.len() as u32 * 24;
    let mut out = String::new();
    open_svg(&mut out, width as u32, height, s(spec, "title"), "bars");
    for (n, bar) in bars.iter().enumerate() {
        let y = 6.0 + n as f64 * 24.0;
        let value = bar["value"].as_i64().unwrap_or(0);
        text_el(&mut out, left - 8.0, y + 13.0, "end", "", s(bar, "label"));
        let w = value as f64 / max * (width - left - 60.0);
        let _ = write!(
            out,
            "<rect x=\"{left}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"16\" fill=\"#00798c\"/>",
            w.max(1.0)
        );
        text_el(
            &mut out,
            left + w + 6.0,
            y + 13.0,
            "start",
            "",
            &value.to_string(),
        );
    }
    out.push_str("</svg>");
    out
}

fn bars_mermaid(spec: &Value) -> Option<String> {
    let bars: Vec<&Value> = list(spec, "bars")
        .iter()
        .filter(|b| b["value"].as_i64().unwrap_or(0) > 0)
        .collect();
    if bars.is_empty() {
        return None;
    }
    let mut out = format!("pie showData\n    title {}\n", label(s(spec, "title")));
    for bar in bars {
        let _ = writeln!(
            out,
            "    \"{}\" : {}",
            label(s(bar, "label")),
            bar["value"].as_i64().unwrap_or(0)
        );
    }
    Some(out)
}

/// Fill and text of a rating in the grid.
fn rating_style(rating: &str) -> (&'static str, &'static str) {
    match rating {
        "met" => ("#2da44e", "met"),
        "partly" => ("#edae49", "partly"),
        "not-met" => ("#d1495b", "not met"),
        "n/a" => ("#d0d7de", "n/a"),
        _ => ("#ffffff", "not rated"),
    }
}

fn grid_svg(spec: &Value) -> String {
    let rows = list(spec, "rows");
    let columns = list(spec, "columns");
    let (left, cell_w) = (260.0, 110.0);
    let width = left + cell_w * columns.len() as f64 + 10.0;
    let height = 28 + rows.len() as u32 * 22;
    let mut out = String::new();
    open_svg(&mut out, width as u32, height, s(spec, "title"), "grid");
    for (c, column) in columns.iter().enumerate() {
        let x = left + c as f64 * cell_w + cell_w / 2.0;
        text_el(
            &mut out,
            x,
            16.0,
            "middle",
            " font-weight=\"600\"",
            column.as_str().unwrap_or_default(),
        );
    }
    for (r, row) in rows.iter().enumerate() {
        let y = 24.0 + r as f64 * 22.0;
        text_el(&mut out, left - 8.0, y + 14.0, "end", "", s(row, "label"));
        for (c, rating) in list(row, "cells").iter().enumerate() {
            let (fill, text) = rating_style(rating.as_str().unwrap_or_default());
            let x = left + c as f64 * cell_w;
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"19\" fill=\"{fill}\" stroke=\"#8c959f\"/>",
                x + 2.0,
                cell_w - 4.0
            );
            text_el(&mut out, x + cell_w / 2.0, y + 14.0, "middle", "", text);
        }
    }
    out.push_str("</svg>");
    out
}

fn grid_mermaid(spec: &Value) -> Option<String> {
    let rows = list(spec, "rows");
    if rows.is_empty() {
        return None;
    }
    let columns: Vec<&str> = list(spec, "columns")
        .iter()
        .map(|c| c.as_str().unwrap_or_default())
        .collect();
    let mut out = String::from("flowchart LR\n");
    for (r, row) in rows.iter().enumerate() {
        let _ = writeln!(out, "    a{r}[\"{}\"]", label(s(row, "label")));
        for (c, rating) in list(row, "cells").iter().enumerate() {
            let rating = rating.as_str().unwrap_or_default();
            let (_, text) = rating_style(rating);
            let class = match rating {
                "met" => "met",
                "partly" => "partly",
                "not-met" => "notmet",
                _ => "unrated",
            };
            let _ = writeln!(
                out,
                "    a{r} --- a{r}c{c}[\"{}: {text}\"]:::{class}",
                label(columns.get(c).copied().unwrap_or_default())
            );
        }
    }
    out.push_str(
        "    classDef met fill:#2da44e,color:#fff\n    classDef partly fill:#edae49\n    \
         classDef notmet fill:#d1495b,color:#fff\n    classDef unrated fill:#eee\n",
    );
    Some(out)
}

const STATUS_COLOURS: [&str; 6] = [
    "#8c959f", "#54aeff", "#0969da", "#2da44e", "#1a7f37", "#d0d7de",
];

fn stacked_svg(spec: &Value) -> String {
    let rows = list(spec, "rows");
    let series = list(spec, "series");
    let max = rows
        .iter()
        .map(|r| {
            list(r, "values")
                .iter()
                .filter_map(Value::as_i64)
                .sum::<i64>()
        })
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let (width, left) = (720.0, 170.0);
    let legend_h = 22.0;
    let height = (legend_h as u32) + 10 + rows.len() as u32 * 24;
    let mut out = String::new();
    open_svg(&mut out, width as u32, height, s(spec, "title"), "stacked");
    let mut lx = left;
    for (n, serie) in series.iter().enumerate() {
        let name = s(serie, "label");
        let _ = write!(
            out,
            "<rect x=\"{lx:.1}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{}\"/>",
            STATUS_COLOURS[n % STATUS_COLOURS.len()]
        );
        text_el(&mut out, lx + 14.0, 13.0, "start", "", name);
        lx += 22.0 + name.chars().count() as f64 * 6.2;
    }
    let unit = (width - left - 120.0) / max;
    for (r, row) in rows.iter().enumerate() {
        let y = legend_h + 6.0 + r as f64 * 24.0;
        text_el(&mut out, left - 8.0, y + 13.0, "end", "", s(row, "label"));
        let mut x = left;
        for (n, v) in list(row, "values").iter().enumerate() {
            let v = v.as_i64().unwrap_or(0);
            if v == 0 {
                continue;
            }
            let w = v as f64 * unit;
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"16\" fill=\"{}\" stroke=\"#ffffff\"/>",
                STATUS_COLOURS[n % STATUS_COLOURS.len()]
            );
            x += w;
        }
        let overdue = row["overdue"].as_i64().unwrap_or(0);
        if overdue > 0 {
            text_el(
                &mut out,
                x + 6.0,
                y + 13.0,
                "start",
                " fill=\"#cf222e\" font-weight=\"700\"",
                &format!("⚠ {overdue} overdue"),
            );
        }
    }
    out.push_str("</svg>");
    out
}

fn stacked_mermaid(spec: &Value) -> Option<String> {
    let rows = list(spec, "rows");
    if rows.is_empty() {
        return None;
    }
    let series: Vec<&str> = list(spec, "series").iter().map(|v| s(v, "label")).collect();
    let mut out = String::from("flowchart LR\n");
    for (r, row) in rows.iter().enumerate() {
        let _ = writeln!(out, "    o{r}[\"{}\"]", label(s(row, "label")));
        for (n, v) in list(row, "values").iter().enumerate() {
            let v = v.as_i64().unwrap_or(0);
            if v > 0 {
                let _ = writeln!(
                    out,
                    "    o{r} --> o{r}s{n}[\"{v} {}\"]",
                    label(series.get(n).copied().unwrap_or_default())
                );
            }
        }
        let overdue = row["overdue"].as_i64().unwrap_or(0);
        if overdue > 0 {
            let _ = writeln!(
                out,
                "    o{r} --> o{r}late[\"⚠ {overdue} overdue\"]:::overdue"
            );
        }
    }
    out.push_str("    classDef overdue fill:#ffebe9,stroke:#cf222e,color:#cf222e\n");
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_cannot_leave_their_quotes_or_the_fence() {
        let l = label("a\"b] --> x[\"c ```\n<script>");
        assert!(
            !l.contains('"') && !l.contains('`') && !l.contains('<'),
            "{l}"
        );
    }

    #[test]
    fn svg_text_is_escaped() {
        let spec = json!({"kind": "bars", "title": "<b>t</b>", "bars": [{"label": "<script>", "value": 2}]});
        let out = svg(&spec);
        assert!(
            out.contains("&lt;script&gt;") && !out.contains("<script>"),
            "{out}"
        );
        assert!(out.contains("<title>&lt;b&gt;t&lt;/b&gt;</title>"));
    }
}
