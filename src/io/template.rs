//! Rendering the report through minijinja templates: the shipped ones in assets/report/,
//! one from the config folder, or one the analyst names with `--template`.
//!
//! Every value a template prints is made inert first (no escape sequences or other control
//! characters reach a file someone will `cat`), then escaped for the format: HTML entities
//! in HTML; in Markdown, backslashes only where a character would change the document's
//! structure (see `io::markdown`). A template can only opt
//! out with `|safe`, which the shipped templates never use on data.

use crate::io::charts;
use crate::io::markdown::{self, Break};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior, Value};
use std::fmt::Write;

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Html,
    Json,
}

impl ReportFormat {
    pub const NAMES: &'static str = "markdown, html, json";

    /// The format's name for people.
    pub fn label(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "Markdown",
            ReportFormat::Html => "HTML",
            ReportFormat::Json => "JSON",
        }
    }

    /// The file extension a report of this format gets.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
            ReportFormat::Json => "json",
        }
    }

    /// The shipped template, or `None` for JSON (printed from the data, not templated).
    pub fn builtin_template(self) -> Option<&'static str> {
        match self {
            ReportFormat::Markdown => Some(include_str!("../../assets/report/report.md.j2")),
            ReportFormat::Html => Some(include_str!("../../assets/report/report.html.j2")),
            ReportFormat::Json => None,
        }
    }

    /// The format a file name asks for by its extension (`.md`, `.markdown`, `.html`,
    /// `.htm`, `.json`, any case), or `None` for another extension.
    pub fn for_path(path: &str) -> Option<ReportFormat> {
        let ext = std::path::Path::new(path.trim()).extension()?.to_str()?;
        match ext.to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "html" | "htm" => Some(ReportFormat::Html),
            "json" => Some(ReportFormat::Json),
            _ => None,
        }
    }

    /// The name of the template that overrides the shipped one in the config folder.
    pub fn template_file_name(self) -> String {
        format!("report.{}.j2", self.extension())
    }
}

impl std::str::FromStr for ReportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(ReportFormat::Markdown),
            "html" | "htm" => Ok(ReportFormat::Html),
            "json" => Ok(ReportFormat::Json),
            other => Err(format!(
                "unknown report format {other:?} (one of: {})",
                ReportFormat::NAMES
            )),
        }
    }
}

/// Renders `context` with a template's source; `origin` names the template in errors
/// (`assets/report/report.md.j2`, or the analyst's file).
pub fn render(
    format: ReportFormat,
    source: &str,
    origin: &str,
    context: &serde_json::Value,
) -> Result<String, String> {
    let mut out = Vec::new();
    render_to(
        format,
        source,
        origin,
        Value::from_serialize(context),
        &mut out,
    )?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Renders `context` to `out` as the template goes, without holding the output.
pub fn render_to(
    format: ReportFormat,
    source: &str,
    origin: &str,
    context: Value,
    out: &mut dyn std::io::Write,
) -> Result<(), String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|name| match name {
        "report.html" => AutoEscape::Html,
        "report.md" => AutoEscape::Custom("markdown"),
        _ => AutoEscape::None,
    });
    env.set_formatter(|out, state, value| {
        out.write_str(&escaped(state, value))
            .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))
    });
    env.add_filter("cell", cell);
    env.add_filter("line", line);
    env.add_filter("link", link);
    env.add_filter("chart", chart);
    env.add_filter("css_string", css_string);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    let name = match format {
        ReportFormat::Html => "report.html",
        _ => "report.md",
    };
    let explain = |e: Error| {
        let mut text = origin.to_string();
        if let Some(line) = e.line() {
            let _ = write!(text, " line {line}");
        }
        let detail = e
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| e.kind().to_string());
        let _ = write!(text, ": {detail}");
        text
    };
    env.add_template_owned(name, source.to_string())
        .map_err(explain)?;
    let template = env.get_template(name).map_err(explain)?;
    let mut out = std::io::BufWriter::new(out);
    template
        .render_captured_to(context, &mut out)
        .map_err(explain)?;
    std::io::Write::flush(&mut out).map_err(|e| e.to_string())?;
    Ok(())
}

/// A value as it lands in the output: nothing for none, made inert, defanged when the
/// report asks (`defang` in the context), escaped for the format.
fn escaped(state: &State, value: &Value) -> String {
    escaped_as(state, value, Break::Paragraph)
}

fn escaped_as(state: &State, value: &Value, lines: Break) -> String {
    if value.is_undefined() || value.is_none() {
        return String::new();
    }
    if value.is_safe() {
        return value.to_string();
    }
    // A carriage return is a line break wherever a log wrote one, not a character to
    // show: `\r\n` and a lone `\r` become `\n` before the text is made inert.
    let text = value.to_string().replace("\r\n", "\n").replace('\r', "\n");
    let text = if defanging(state) {
        markdown::defang(&text)
    } else {
        text
    };
    escape_text(state.auto_escape(), &text, lines)
}

fn defanging(state: &State) -> bool {
    state.lookup("defang").is_some_and(|v| v.is_true())
}

fn escape_text(mode: AutoEscape, text: &str, lines: Break) -> String {
    let text = crate::text::inert_with(text, true);
    match mode {
        AutoEscape::Html => {
            let escaped = html(&text);
            match lines {
                Break::Paragraph => escaped,
                Break::Cell => escaped.replace("\r\n", "\n").replace('\n', "<br>"),
                Break::Line => one_line(&escaped),
            }
        }
        AutoEscape::Custom("markdown") => markdown::escape(&text, lines),
        _ => match lines {
            Break::Line => one_line(&text),
            _ => text.into_owned(),
        },
    }
}

fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text for a table cell: escaped like any value, its lines joined by `<br>` so the row
/// stays one line. Returns safe text (already escaped).
fn cell(state: &State, value: Value) -> Value {
    Value::from_safe_string(escaped_as(state, &value, Break::Cell))
}

/// Text for a heading or another one-line place: its lines joined by a space.
fn line(state: &State, value: Value) -> Value {
    Value::from_safe_string(escaped_as(state, &value, Break::Line))
}

/// `text` linked to `href` when `href` is an `http://` or `https://` URL (and the report
/// is not defanged); otherwise the text alone. HTML links open with `rel=noopener`.
fn link(state: &State, text: Value, href: Option<Value>) -> Value {
    let label = escaped_as(state, &text, Break::Line);
    let href = href
        .filter(|h| !h.is_none() && !h.is_undefined())
        .map(|h| h.to_string())
        .filter(|h| web_url(h) && !defanging(state));
    let Some(href) = href else {
        return Value::from_safe_string(label);
    };
    let target = url_safe(&href);
    Value::from_safe_string(match state.auto_escape() {
        AutoEscape::Html => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">{label}</a>",
            html(&target)
        ),
        AutoEscape::Custom("markdown") => format!("[{label}](<{target}>)"),
        _ => format!("{label} <{target}>"),
    })
}

/// An `http://` or `https://` URL with a host: the only links a report makes.
pub fn web_url(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    ["http://", "https://"]
        .iter()
        .any(|s| lower.starts_with(s) && lower.len() > s.len())
}

/// A URL with spaces, controls, quotes, angle brackets and backslashes percent-encoded,
/// so it stays one link target in either format.
fn url_safe(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        if c.is_control() || c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\\' | '`') {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A chart of the report's (see `charts`) as inline SVG in HTML, or a Mermaid block in
/// Markdown. Every label in it is escaped for where it lands.
fn chart(state: &State, spec: Value) -> Result<Value, Error> {
    let spec: serde_json::Value = serde_json::to_value(&spec)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))?;
    let text = match state.auto_escape() {
        AutoEscape::Html => charts::svg(&spec),
        _ => charts::mermaid(&spec),
    };
    Ok(Value::from_safe_string(text))
}

/// A CSS string literal (for `content:` in a style sheet): every character but letters,
/// digits and spaces written as a CSS escape, so no value can leave the string or the
/// `<style>` element.
fn css_string(value: Value) -> Value {
    let mut out = String::from("\"");
    if !(value.is_none() || value.is_undefined()) {
        for c in crate::text::inert(&value.to_string()).chars() {
            if c.is_alphanumeric() || c == ' ' {
                out.push(c);
            } else {
                let _ = write!(out, "\\{:x} ", c as u32);
            }
        }
    }
    out.push('"');
    Value::from_safe_string(out)
}

pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes what would change a Markdown document's structure (see [`markdown::escape`]);
/// the text then renders as written. Lines are kept with hard line breaks.
pub fn markdown(text: &str) -> String {
    markdown::escape(text, Break::Paragraph)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn md(source: &str, ctx: serde_json::Value) -> String {
        render(ReportFormat::Markdown, source, "t.md.j2", &ctx).unwrap()
    }

    #[test]
    fn markdown_values_are_escaped_and_inert() {
        let out = md(
            "{{ t }}",
            json!({"t": "<script>alert(1)</script> *x* \u{1b}[31m | a_b"}),
        );
        assert_eq!(out, "\\<script>alert(1)\\</script> \\*x\\* ␛\\[31m \\| a_b");
    }

    #[test]
    fn html_values_are_escaped_and_inert() {
        let out = render(
            ReportFormat::Html,
            "<p>{{ t }}</p>",
            "t.html.j2",
            &json!({"t": "<script>'\"&\u{7}"}),
        )
        .unwrap();
        assert_eq!(out, "<p>&lt;script&gt;&#39;&quot;&amp;␇</p>");
    }

    #[test]
    fn multi_line_text_cannot_open_headings_code_blocks_or_lists() {
        let out = md(
            "{{ d }}",
            json!({"d": "Innocent\n---\n    code\n1. list\n2) other\n- item\n+ more\n===\n\tTab 10 km"}),
        );
        assert_eq!(
            out,
            "Innocent\\\n\\---\\\ncode\\\n1\\. list\\\n2\\) other\\\n\\- item\\\n\\+ more\\\n\\===\\\nTab 10 km",
            "no line opens a block; the line breaks stay (hard breaks)"
        );
        // A number inside a line, or a dash in the middle, stays as it is.
        assert_eq!(
            md("{{ d }}", json!({"d": "at 10.30 - done"})),
            "at 10.30 - done"
        );
    }

    #[test]
    fn a_title_is_one_line_in_a_heading() {
        assert_eq!(
            md(
                "# {{ t|line }}",
                json!({"t": "Phish\n# Fake heading\r\n\n  end"})
            ),
            "# Phish \\# Fake heading end"
        );
    }

    #[test]
    fn cells_keep_to_one_line_and_none_prints_nothing() {
        assert_eq!(
            md("|{{ t|cell }}|{{ n }}|", json!({"t": "a\nb|c", "n": null})),
            "|a<br>b\\|c||"
        );
    }

    #[test]
    fn template_errors_name_the_file_and_line() {
        let e = render(
            ReportFormat::Markdown,
            "a\n{{ x.y.z }}",
            "mine.md.j2",
            &json!({}),
        )
        .unwrap_err();
        assert!(e.starts_with("mine.md.j2 line 2: "), "{e}");
        let e = render(ReportFormat::Markdown, "{% if %}", "mine.md.j2", &json!({})).unwrap_err();
        assert!(e.starts_with("mine.md.j2 line 1"), "{e}");
    }

    #[test]
    fn formats_by_name() {
        assert_eq!("MD".parse(), Ok(ReportFormat::Markdown));
        assert!(
            "pdf"
                .parse::<ReportFormat>()
                .unwrap_err()
                .contains("one of: markdown, html, json")
        );
    }
}
