//! Making untrusted text inert before it reaches a terminal.
//!
//! Event text comes from imported logs written by an attacker. Escape sequences in it
//! could move the cursor, retitle the window or hide lines. Every piece of untrusted
//! text shown on a terminal goes through [`inert`] first.

use std::borrow::Cow;

/// Shows control characters, escape sequences, bidi overrides and zero-width characters
/// as visible placeholders: ESC becomes `␛`, other C0 controls their Control Pictures
/// (`␇`), DEL `␡`, C1 controls and invisible format characters `<U+XXXX>`. Newlines and
/// tabs are kept only when `keep_newlines` (multi-line fields shown as such).
pub fn inert_with(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c, keep_newlines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_escape(c, keep_newlines) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            // U+2400.. are the Control Pictures: ␀ ␁ ... ␛ ...
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?'));
        } else if c == '\u{7f}' {
            out.push('␡');
        } else {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        }
    }
    Cow::Owned(out)
}

/// [`inert_with`] for one-line display: newlines are shown as `␊`.
pub fn inert(text: &str) -> Cow<'_, str> {
    inert_with(text, false)
}

/// The first `max` characters of `text`, with `…` when some were cut (never splits a
/// character, so any stored value is safe to clip).
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn needs_escape(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' | '\t' => !keep_newlines,
        c if c.is_control() => true, // C0, DEL and C1
        // Bidi embeddings, overrides and isolates; zero-width and other invisible formatters.
        '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(
            inert("Signed in from 203.0.113.45 — café"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn escape_sequences_and_controls_become_visible() {
        assert_eq!(inert("a\x1b]0;pwned\x07b"), "a␛]0;pwned␇b");
        assert_eq!(inert("\x1b[2J\r\n"), "␛[2J␍␊");
        assert_eq!(inert("x\u{9b}31m"), "x<U+009B>31m");
        assert_eq!(inert("del\x7f"), "del␡");
    }

    #[test]
    fn bidi_and_zero_width_are_shown() {
        assert_eq!(inert("invoice\u{202e}fdp.exe"), "invoice<U+202E>fdp.exe");
        assert_eq!(inert("pay\u{200b}pal"), "pay<U+200B>pal");
    }

    #[test]
    fn multi_line_keeps_newlines_only_when_asked() {
        assert_eq!(inert_with("a\nb\x1b", true), "a\nb␛");
        assert_eq!(inert("a\nb"), "a␊b");
    }
}
