//! Text made safe for a Markdown report (CommonMark with GitHub's and GitLab's additions)
//! without making it hard to read: only what would change the document's structure is
//! escaped, URLs stay whole, and IOCs can be written defanged.
//!
//! What is neutralised, and how:
//! - at the start of a line (a value's first line included): indentation (it would make a
//!   code block) is dropped; `#`, `>`, list markers (`-`, `+`, `*`, `1.`, `1)`), setext
//!   underlines and thematic breaks (`---`, `===`), fences (`~~~`) get a backslash;
//! - anywhere: `` ` ``, `*`, `[`, `<` and `|` (code, emphasis, links, HTML, table cells);
//!   `\` before punctuation; `&` that would start an entity; `_` that is not inside a word
//!   (`pg_basebackup` stays as written); `~` and `$` that could close strikethrough or
//!   maths (`$x^2$`); a `:name:` emoji code and an `@mention` get an invisible zero-width
//!   space (written `&#8203;`) so GitHub neither draws an emoji nor pings anyone;
//! - an `http://` or `https://` URL is copied as written (only `|`, `<` and `` ` `` are
//!   escaped in it), so GitHub links all of it.

/// The characters CommonMark lets a backslash escape.
fn is_ascii_punct(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// `text` escaped for Markdown, line by line. Lines are joined by `break_with`: a hard
/// line break (`\` and a newline) in paragraphs, `<br>` in table cells, a space in
/// headings. Blank lines (paragraph breaks) are kept as such except in table cells and
/// headings, where the line must stay one line.
pub fn escape(text: &str, break_with: Break) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + 16);
    if !text.contains('\n') {
        escape_line(&text, &mut out);
        return out;
    }
    let mut previous_blank = true;
    let mut wrote = false;
    for (n, line) in text.split('\n').enumerate() {
        let blank = line.trim().is_empty();
        match break_with {
            _ if n == 0 => {}
            Break::Paragraph if blank || previous_blank => out.push('\n'),
            Break::Paragraph => out.push_str("\\\n"),
            // In one line, blank lines fold away and the others are joined.
            _ if blank || !wrote => {}
            Break::Cell => out.push_str("<br>"),
            Break::Line => out.push(' '),
        }
        if !blank {
            // A continued line's indentation would not show; the first keeps its own.
            let line = if n > 0 { line.trim_start() } else { line };
            escape_line(line.trim_end(), &mut out);
            wrote = true;
        }
        previous_blank = blank;
    }
    out
}

/// How the lines of one value are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Break {
    /// A paragraph: each line kept with a hard line break, blank lines kept.
    Paragraph,
    /// A table cell: `<br>` between lines.
    Cell,
    /// A heading or other one-line place: lines joined by a space.
    Line,
}

fn escape_line(line: &str, out: &mut String) {
    // Up to three spaces of indentation keep a block marker after them working, four or
    // more (or a tab) make a code block: keep the first, drop the second.
    let body = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - body.len()];
    if !body.is_empty() && (indent.len() >= 4 || indent.contains('\t')) {
        return escape_line(body, out);
    }
    out.push_str(indent);
    let line = body;
    let chars: Vec<char> = line.chars().collect();
    // The marker's index counts characters; ordered markers are ASCII digits, so bytes.
    let start = line_start_escape(line);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = if i == 0 { None } else { Some(chars[i - 1]) };
        let next = chars.get(i + 1).copied();
        if start == Some(i) {
            out.push('\\');
            out.push(c);
            i += 1;
            continue;
        }
        if let Some(end) = url_end(&chars, i) {
            for &u in &chars[i..end] {
                if matches!(u, '|' | '<' | '`') {
                    out.push('\\');
                }
                out.push(u);
            }
            i = end;
            continue;
        }
        match c {
            '\\' if next.is_none_or(is_ascii_punct) => out.push_str("\\\\"),
            '`' | '*' | '<' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '[' => {
                // A defanged `[.]` or `[@]` is left readable; it cannot form a link.
                let defanged = matches!(next, Some('.' | '@')) && chars.get(i + 2) == Some(&']');
                if !defanged {
                    out.push('\\');
                }
                out.push(c);
            }
            '&' if starts_entity(&chars[i + 1..]) => out.push_str("\\&"),
            '_' if !(prev.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_")
            }
            '~' | '$' if prev.is_some_and(|p| !p.is_whitespace()) || next == Some(c) => {
                out.push('\\');
                out.push(c);
            }
            ':' if prev.is_none_or(|p| !p.is_alphanumeric()) && emoji_code(&chars[i..]) => {
                out.push_str(":&#8203;");
            }
            '@' if prev.is_none_or(|p| !p.is_alphanumeric() && p != '.')
                && next.is_some_and(|n| n.is_ascii_alphanumeric()) =>
            {
                out.push_str("@&#8203;");
            }
            c => out.push(c),
        }
        i += 1;
    }
}

/// Where a backslash goes so that the line does not start a block (heading, quote, list
/// item, setext underline, thematic break, fence): the index of the character to escape.
fn line_start_escape(line: &str) -> Option<usize> {
    let mut it = line.chars();
    let first = it.next()?;
    let second = it.next();
    match first {
        '#' | '>' | '=' => Some(0),
        '-' | '+' if second.is_none_or(|c| c == ' ' || c == '\t' || c == first) => Some(0),
        '~' if second == Some('~') => Some(0),
        _ => ordered_marker(line),
    }
}

/// `&` followed by `name;`, `#123;` or `#x1F;`: an entity CommonMark would decode.
fn starts_entity(rest: &[char]) -> bool {
    let body = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#');
    let n = body.count();
    n > 0 && rest.get(n) == Some(&';')
}

/// `:name:` as GitHub's emoji codes are written.
fn emoji_code(from: &[char]) -> bool {
    let name = from[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
        .count();
    name > 0 && from.get(1 + name) == Some(&':')
}

/// The end of an `http://` or `https://` URL starting at `i` (at a word boundary).
fn url_end(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && chars[i - 1].is_alphanumeric() {
        return None;
    }
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    let lower = rest.to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let end = chars[i..]
        .iter()
        .position(|c| c.is_whitespace())
        .map_or(chars.len(), |n| i + n);
    (end > i + scheme).then_some(end)
}

/// An ordered-list marker at the line start (`1.`, `12)`): the index of its `.` or `)`.
pub(crate) fn ordered_marker(line: &str) -> Option<usize> {
    let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let rest = &line[digits..];
    let mut it = rest.chars();
    match (it.next(), it.next()) {
        (Some('.' | ')'), None | Some(' ' | '\t')) => Some(digits),
        _ => None,
    }
}

/// Writes IOCs so nothing opens them by a click: `hxxp://`, dots of domains, IP
/// addresses and e-mail domains as `[.]`, and `@` of e-mail addresses as `[@]`.
pub fn defang(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut word = String::new();
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '(' | ')' | '<' | '>' | '"' | '\'' | ',' | ';') {
            out.push_str(&defang_word(&word));
            word.clear();
            out.push(c);
        } else {
            word.push(c);
        }
    }
    out.push_str(&defang_word(&word));
    out
}

fn defang_word(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    for scheme in ["https://", "http://", "ftp://"] {
        if lower.starts_with(scheme) {
            let (host, path) = word[scheme.len()..]
                .split_once('/')
                .map_or((&word[scheme.len()..], ""), |(h, p)| (h, p));
            let slash = if word[scheme.len()..].contains('/') {
                "/"
            } else {
                ""
            };
            let fanged = scheme.replacen("tt", "xx", 1).replacen("ftp", "fxp", 1);
            return format!("{fanged}{}{slash}{path}", host.replace('.', "[.]"));
        }
    }
    // Trailing sentence punctuation is not part of the name.
    let core = word.trim_end_matches(['.', ':', '!', '?']);
    let tail = &word[core.len()..];
    if let Some((user, domain)) = core.split_once('@')
        && !user.is_empty()
        && looks_like_domain(domain)
    {
        return format!("{user}[@]{}{tail}", domain.replace('.', "[.]"));
    }
    if looks_like_ip(core) || looks_like_domain(core) {
        return format!("{}{tail}", core.replace('.', "[.]"));
    }
    word.to_string()
}

fn looks_like_ip(s: &str) -> bool {
    let s = s.split(['/', ':']).next().unwrap_or(s);
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

/// `name.example`, `login.nwl-sharepoint.example.net`: labels of letters, digits and
/// hyphens, the last one of two or more lowercase letters.
fn looks_like_domain(s: &str) -> bool {
    let host = s.split(['/', ':']).next().unwrap_or(s);
    let labels: Vec<&str> = host.split('.').collect();
    let Some(last) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
        })
        && last.len() >= 2
        && last.chars().all(|c| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> String {
        escape(text, Break::Paragraph)
    }

    #[test]
    fn plain_text_stays_as_written() {
        for text in [
            "~2026-01-31 17:20 UTC",
            "pg_basebackup",
            "3->32 shards",
            "infrastructure#1095",
            "https://example.com/a_b?x=1&y=2~3",
            "EUR 84,360.00 (a 50% share) - paid!",
            "m.ruiz@northwind.example",
            "costs $5 or $6",
        ] {
            assert_eq!(p(text), text, "{text}");
        }
    }

    #[test]
    fn structure_is_neutralised() {
        let cases = [
            ("# not a heading", "\\# not a heading"),
            ("a\n---\nb", "a\\\n\\---\\\nb"),
            ("a\n===", "a\\\n\\==="),
            ("    code", "code"),
            ("- item", "\\- item"),
            ("+ item", "\\+ item"),
            ("* item", "\\* item"),
            ("1. item", "1\\. item"),
            ("12) item", "12\\) item"),
            ("> quoted", "\\> quoted"),
            ("~~~", "\\~\\~\\~"),
            ("```", "\\`\\`\\`"),
            ("<b>x</b>", "\\<b>x\\</b>"),
            ("[a](http://x)", "\\[a](http://x)"),
            ("a|b", "a\\|b"),
            ("*x* _y_", "\\*x\\* \\_y\\_"),
            ("~~gone~~", "\\~\\~gone\\~\\~"),
            ("$x^2$", "$x^2\\$"),
            ("&amp; &", "\\&amp; &"),
            ("a\\*b", "a\\\\\\*b"),
            (":rocket:", ":&#8203;rocket:"),
            ("hi @octocat", "hi @&#8203;octocat"),
            ("https://x.example/a|b", "https://x.example/a\\|b"),
        ];
        for (input, want) in cases {
            assert_eq!(p(input), want, "{input:?}");
        }
    }

    #[test]
    fn line_breaks_and_paragraphs_are_kept() {
        assert_eq!(p("one\ntwo\n\nthree"), "one\\\ntwo\n\nthree");
        assert_eq!(
            escape("one\ntwo\n\nthree", Break::Cell),
            "one<br>two<br>three"
        );
        assert_eq!(escape("one\n# two", Break::Line), "one \\# two");
    }

    #[test]
    fn defanged_iocs() {
        assert_eq!(
            defang("see https://evil.example/x.php and 203.0.113.45, m.ruiz@northwind.example."),
            "see hxxps://evil[.]example/x.php and 203[.]0[.]113[.]45, m.ruiz[@]northwind[.]example."
        );
        assert_eq!(
            defang("login.nwl-sharepoint.example.net"),
            "login[.]nwl-sharepoint[.]example[.]net"
        );
        assert_eq!(
            defang("Mail.ReadWrite v1.2 e.g."),
            "Mail.ReadWrite v1.2 e.g."
        );
        assert_eq!(p(&defang("evil.example")), "evil[.]example");
    }
}
