//! Rendering the report through minijinja templates: the shipped ones in assets/report/,
//! one from the config folder, or one the analyst names with `--template`.
//!
//! Every value a template prints is made inert first (no escape sequences or other control
//! characters reach a file someone will `cat`), then escaped for the format: HTML entities
//! in HTML, backslashes before Markdown's punctuation in Markdown. A template can only opt
//! out with `|safe`, which the shipped templates never use on data.

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
    template
        .render(Value::from_serialize(context))
        .map_err(explain)
}

/// A value as it lands in the output: nothing for none, made inert, escaped for the format.
fn escaped(state: &State, value: &Value) -> String {
    if value.is_undefined() || value.is_none() {
        return String::new();
    }
    if value.is_safe() {
        return value.to_string();
    }
    escape_text(state.auto_escape(), &value.to_string())
}

fn escape_text(mode: AutoEscape, text: &str) -> String {
    let text = crate::text::inert_with(text, true);
    match mode {
        AutoEscape::Html => html(&text),
        AutoEscape::Custom("markdown") => markdown(&text),
        _ => text.into_owned(),
    }
}

/// Text for a table cell: escaped like any value, with newlines turned into `<br>` so the
/// row stays one line. Returns safe text (already escaped).
fn cell(state: &State, value: Value) -> Value {
    let text = escaped(state, &value);
    Value::from_safe_string(text.replace("\r\n", "\n").replace('\n', "<br>"))
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

/// Backslash-escapes the punctuation that Markdown (CommonMark, GitHub) would read as
/// markup or raw HTML, and keeps each line of multi-line text from opening a block: a
/// line's leading spaces become `&nbsp;` (four spaces would open a code block), and a
/// leading `-`, `+` or `=` (a list, a thematic break, a setext heading underline) or the
/// `.` or `)` after leading digits (an ordered list) is escaped. The line breaks stay; the
/// text then renders exactly as written.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let body = line.trim_start_matches([' ', '\t']);
        let indent = &line[..line.len() - body.len()];
        // A value's first line may sit inside a line of the template (" (reason)"): its
        // indentation matters only where it could open a code block.
        if n > 0 || indent.len() >= 4 || indent.contains('\t') {
            for c in indent.chars() {
                out.push_str(if c == '\t' {
                    "&nbsp;&nbsp;&nbsp;&nbsp;"
                } else {
                    "&nbsp;"
                });
            }
        } else {
            out.push_str(indent);
        }
        let opens = block_opener(body);
        for (i, c) in body.char_indices() {
            if Some(i) == opens
                || matches!(
                    c,
                    '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '&' | '!' | '~'
                )
            {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Where a line would open a block in CommonMark, as the byte to escape: the `-` or `+`
/// of a list item, the first `-` or `=` of a thematic break or setext underline, the `.`
/// or `)` after an ordered list's number.
fn block_opener(body: &str) -> Option<usize> {
    let spaced = |rest: &str| rest.is_empty() || rest.starts_with([' ', '\t']);
    let first = body.chars().next()?;
    if matches!(first, '-' | '+') && spaced(&body[1..]) {
        return Some(0);
    }
    if matches!(first, '-' | '=') && body.chars().all(|c| c == first || c == ' ' || c == '\t') {
        return Some(0);
    }
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &body[digits..];
    ((1..=9).contains(&digits) && rest.starts_with(['.', ')']) && spaced(&rest[1..]))
        .then_some(digits)
}

/// Text on one line (titles in headings): line breaks and the spaces around them become
/// one space.
fn line(value: Value) -> Value {
    let text = value.to_string();
    if value.is_none() || value.is_undefined() {
        return value;
    }
    Value::from(
        text.split(['\r', '\n'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
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
        assert_eq!(
            out,
            "\\<script\\>alert(1)\\</script\\> \\*x\\* ␛\\[31m \\| a\\_b"
        );
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
            "Innocent\n\\---\n&nbsp;&nbsp;&nbsp;&nbsp;code\n1\\. list\n2\\) other\n\\- item\n\\+ more\n\\===\n&nbsp;&nbsp;&nbsp;&nbsp;Tab 10 km"
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
