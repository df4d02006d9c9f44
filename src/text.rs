//! Making untrusted text inert before it reaches a terminal.
//!
//! Event text comes from imported logs written by an attacker. Escape sequences in it
//! could move the cursor, retitle the window or hide lines. Every piece of untrusted
//! text shown on a terminal goes through [`inert`] first.

use icu_properties::CodePointSetData;
use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint};
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
        // Variation selectors 1-16 pick an emoji's or a glyph's look; they hide nothing.
        '\u{fe00}'..='\u{fe0f}' => false,
        c if c.is_ascii() => false,
        // Bidi controls (embeddings, overrides, isolates, marks, U+061C) and every
        // default-ignorable code point (zero-width characters, U+00AD, tag characters
        // U+E0000..E007F, fillers): the Unicode properties, not a list kept here.
        c => {
            CodePointSetData::new::<BidiControl>().contains(c)
                || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        }
    }
}

/// The first `n` characters of `text` (never cuts one in half, unlike a byte slice).
pub fn head(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// The last `n` characters of `text` (never cuts one in half, unlike a byte slice).
pub fn tail(text: &str, n: usize) -> &str {
    let count = text.chars().count();
    match text.char_indices().nth(count.saturating_sub(n)) {
        Some((i, _)) => &text[i..],
        None => text,
    }
}

/// JSON text safe to print on a terminal and still the same JSON: C1 controls, bidi
/// controls and invisible characters inside its strings become `\uXXXX` escapes (serde
/// already escapes C0 controls such as ESC). Parsing gives back the very same strings.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(|c| !c.is_ascii() && needs_escape(c, true)) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if !c.is_ascii() && needs_escape(c, true) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{:04x}", u));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer of JSON text that passes each line through [`json_safe`] (a line of
/// `to_string_pretty` output never splits a string), for a bundle streamed to a terminal.
pub struct JsonSafeLines<W: std::io::Write> {
    inner: W,
    line: Vec<u8>,
}

impl<W: std::io::Write> JsonSafeLines<W> {
    pub fn new(inner: W) -> Self {
        JsonSafeLines {
            inner,
            line: Vec::new(),
        }
    }

    fn emit(&mut self) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(&self.line);
        self.inner.write_all(json_safe(&text).as_bytes())?;
        self.line.clear();
        Ok(())
    }

    /// Writes what is left and flushes.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.emit()?;
        self.inner.flush()
    }
}

impl<W: std::io::Write> std::io::Write for JsonSafeLines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for part in buf.split_inclusive(|b| *b == b'\n') {
            self.line.extend_from_slice(part);
            if part.ends_with(b"\n") {
                self.emit()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A writer for text meant for people: everything written passes through
/// [`inert_with`] (newlines and tabs kept), so no byte sent to it can drive a terminal.
/// A character split across two writes is held until its end arrives; bytes that are
/// not UTF-8 are shown as U+FFFD.
pub struct InertWriter<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> InertWriter<W> {
    pub fn new(inner: W) -> Self {
        InertWriter {
            inner,
            pending: Vec::new(),
        }
    }

    fn drain(&mut self, at_end: bool) -> std::io::Result<()> {
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(text) => {
                    self.inner.write_all(inert_with(text, true).as_bytes())?;
                    self.pending.clear();
                    return Ok(());
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    let text = std::str::from_utf8(&self.pending[..good]).unwrap_or_default();
                    self.inner.write_all(inert_with(text, true).as_bytes())?;
                    match e.error_len() {
                        Some(bad) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            self.pending.drain(..good + bad);
                        }
                        // An incomplete character at the end: wait for the rest.
                        None if !at_end => {
                            self.pending.drain(..good);
                            return Ok(());
                        }
                        None => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            self.pending.clear();
                            return Ok(());
                        }
                    }
                }
            }
        }
    }
}

impl<W: std::io::Write> std::io::Write for InertWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        self.drain(false)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for InertWriter<W> {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let _ = self.drain(true);
        }
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
    fn every_invisible_or_bidi_character_is_shown() {
        // Arabic letter mark (a bidi control), soft hyphen, tag characters (which can
        // spell hidden text after an emoji), Hangul filler, combining grapheme joiner.
        assert_eq!(inert("a\u{61c}b"), "a<U+061C>b");
        assert_eq!(inert("pass\u{ad}word"), "pass<U+00AD>word");
        assert_eq!(
            inert("x\u{e0000}\u{e0041}\u{e007f}"),
            "x<U+E0000><U+E0041><U+E007F>"
        );
        assert_eq!(inert("\u{3164}\u{34f}"), "<U+3164><U+034F>");
        assert_eq!(inert("left\u{200e}\u{2066}x"), "left<U+200E><U+2066>x");
    }

    #[test]
    fn variation_selectors_and_visible_text_stay() {
        for text in ["\u{2764}\u{fe0f}", "\u{fe0e}", "日本語 ✓ é Ω 🙂"] {
            assert!(matches!(inert(text), Cow::Borrowed(_)), "{text:?}");
        }
    }

    #[test]
    fn head_and_tail_count_characters_not_bytes() {
        assert_eq!(head("日本語abc", 2), "日本");
        assert_eq!(tail("abc日本語", 2), "本語");
        assert_eq!(tail("ab", 8), "ab");
        assert_eq!(head("", 3), "");
        assert_eq!(tail("0123456789é", 8), "3456789é");
    }

    #[test]
    fn json_made_safe_reads_back_the_same() {
        let value = serde_json::json!({"t": "a\u{1b}]0;x\u{7}\u{85}\u{202e}\u{e0041}\u{ad}é\n"});
        let text = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_safe(&text);
        assert!(
            safe.is_ascii() || safe.chars().all(|c| c == 'é' || c.is_ascii()),
            "{safe}"
        );
        assert!(
            safe.contains("\\u0085") && safe.contains("\\u202e") && safe.contains("\\udb40\\udc41"),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn the_inert_writer_escapes_across_split_writes() {
        use std::io::Write;
        let mut out = Vec::new();
        {
            let mut w = InertWriter::new(&mut out);
            let bytes = "a\u{1b}[2J é\u{202e}\n\tz".as_bytes();
            for b in bytes {
                w.write_all(std::slice::from_ref(b)).unwrap();
            }
            w.write_all(b"\xff!").unwrap();
            w.flush().unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a␛[2J é<U+202E>\n\tz\u{fffd}!"
        );
    }

    #[test]
    fn multi_line_keeps_newlines_only_when_asked() {
        assert_eq!(inert_with("a\nb\x1b", true), "a\nb␛");
        assert_eq!(inert("a\nb"), "a␊b");
    }
}
