//! Quick capture: one line typed the way people talk in the meeting,
//! `14:02 @mallory signed in to OWA with the forged token #initial-access T1078`,
//! read into an event. Pure, so the live preview and the save agree.

use super::event::{normalize_tag, validate_technique_id};
use super::{Phase, TimeContext, Timestamp, parse_time};
use chrono::Duration;

/// What a capture line says.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub at: Timestamp,
    pub actor: Option<String>,
    pub tags: Vec<String>,
    pub technique: Option<String>,
    pub phase: Option<Phase>,
    pub text: String,
}

impl Capture {
    /// The event the line describes; an ATT&CK id must be in the catalogue.
    pub fn into_new_event(self) -> super::Checked<super::NewEvent> {
        if let Some(id) = &self.technique {
            super::attack::require_known(id)?;
        }
        let mut new = super::NewEvent::new(self.at, &self.text)?.with_tags(&self.tags)?;
        new.technique = self.technique;
        new.actor = self.actor;
        new.phase = self.phase;
        Ok(new)
    }
}

/// Reads a capture line. The time comes first: a clock time (`14:02`, `14:02:11Z`,
/// `~14:00`), a full date and time (`2026-03-11 14:02`, RFC 3339) or `+5m` / `+2h` /
/// `+30s` / `+1d` after `previous` (the selected event). `@name` is the actor, `#tag` a
/// tag (the first tag naming a phase also sets the phase), `T1234[.001]` the technique;
/// the rest is the text.
pub fn parse_capture(
    line: &str,
    ctx: &TimeContext,
    previous: Option<&Timestamp>,
) -> super::Checked<Capture> {
    capture_rule(line, ctx, previous).map_err(|reason| super::Invalid::new("capture", reason))
}

fn capture_rule(
    line: &str,
    ctx: &TimeContext,
    previous: Option<&Timestamp>,
) -> Result<Capture, String> {
    let line = line.trim();
    if line.is_empty() {
        return Err(
            "type a time, then what happened (e.g. 14:02 @mallory signed in #initial-access)"
                .into(),
        );
    }
    let (at, rest) = leading_time(line, ctx, previous)?;
    let mut capture = Capture {
        at,
        actor: None,
        tags: Vec::new(),
        technique: None,
        phase: None,
        text: String::new(),
    };
    let tokens = capture_words(rest)?;
    let mut words = Vec::new();
    for word in &tokens {
        let word = word.as_str();
        if let Some(name) = word.strip_prefix('@').filter(|n| !n.is_empty()) {
            let name = name.strip_prefix('"').unwrap_or(name);
            let name = name.strip_suffix('"').unwrap_or(name).trim();
            if name.is_empty() {
                return Err("an empty actor name: write @name or @\"Two Words\"".into());
            }
            if capture.actor.replace(name.to_string()).is_some() {
                return Err(format!("only one actor per event (@{name} is the second)"));
            }
        } else if word.len() > 1 && word.starts_with('#') {
            let tag = normalize_tag(word)?;
            if capture.phase.is_none() {
                capture.phase = tag.parse::<Phase>().ok();
            }
            if !capture.tags.contains(&tag) {
                capture.tags.push(tag);
            }
        } else if capture.technique.is_none() && looks_like_technique(word) {
            capture.technique = Some(validate_technique_id(word)?);
        } else {
            words.push(word);
        }
    }
    capture.text = words.join(" ");
    if capture.text.is_empty() {
        return Err("say what happened after the time".into());
    }
    Ok(capture)
}

/// The words after the time; `@"Vendor Security"` stays one word (as in the filter), any
/// other quote is part of the text.
fn capture_words(rest: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut open: Option<String> = None;
    for word in rest.split_whitespace() {
        match open.as_mut() {
            Some(name) => {
                name.push(' ');
                name.push_str(word);
                if word.ends_with('"') {
                    out.extend(open.take());
                }
            }
            None if word.starts_with("@\"") && !(word.len() > 2 && word.ends_with('"')) => {
                open = Some(word.to_string());
            }
            None => out.push(word.to_string()),
        }
    }
    match open {
        Some(name) => Err(format!(
            "the actor's name {name} has no closing quote: @\"Vendor Security\""
        )),
        None => Ok(out),
    }
}

fn looks_like_technique(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 5 && (b[0] == b'T' || b[0] == b't') && b[1..5].iter().all(u8::is_ascii_digit)
}

/// Splits the leading time off the line, trying the longest form first.
fn leading_time<'a>(
    line: &'a str,
    ctx: &TimeContext,
    previous: Option<&Timestamp>,
) -> Result<(Timestamp, &'a str), String> {
    let first = line.split_whitespace().next().unwrap_or_default();
    if let Some(delta) = first.strip_prefix('+') {
        let prev = previous.ok_or("a +offset time needs a selected event to count from")?;
        let d = parse_delta(delta).ok_or_else(|| {
            format!("{first:?} is not a time offset (+30s, +5m, +2h, +1d, up to 100 years)")
        })?;
        // Checked: a span typed while the preview is live must never overflow the clock.
        let utc = prev
            .utc
            .checked_add_signed(d)
            .filter(|t| t.timestamp_micros() <= MAX_CAPTURE_US)
            .ok_or_else(|| format!("{first:?} goes past the year 9999; give a smaller offset"))?;
        let at = Timestamp::new(utc, prev.offset_secs, prev.precision);
        return Ok((at, line[first.len()..].trim_start()));
    }
    // Up to three words may make the time: "2026-03-11 14:02 +01:00", "~ 14:02".
    let words: Vec<(usize, &str)> = word_ends(line).into_iter().take(3).collect();
    let mut last_error = None;
    for &(end, _) in words.iter().rev() {
        match parse_time(&line[..end], ctx) {
            Ok(at) => return Ok((at, line[end..].trim_start())),
            // A time the zone's clocks skipped reads as a time: say so, as the CLI
            // does, rather than taking its date alone for a day.
            Err(e) if e.is_zone_problem() => return Err(e.to_string()),
            Err(e) => last_error = Some(e),
        }
    }
    Err(match last_error {
        Some(e) if first.contains(':') || first.starts_with('~') => e.to_string(),
        _ => format!(
            "start with a time: 14:02, 2026-03-11 14:02, a day (~2026-03-11) or +5m (not {first:?})"
        ),
    })
}

/// The byte offsets where each of the line's words ends, with the word.
fn word_ends(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line
        .char_indices()
        .chain(std::iter::once((line.len(), ' ')))
    {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((i, &line[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The last instant a capture may land on: the end of the year 9999.
const MAX_CAPTURE_US: i64 = 253_402_300_799_999_999;

/// `30s`, `5m`, `2h`, `1d`: a span of at most 100 years (checked: `+9223372036854775807s`
/// is refused, never an overflow).
fn parse_delta(text: &str) -> Option<Duration> {
    let unit = text.chars().last()?;
    let n: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let span = match unit {
        's' => Duration::try_seconds(n),
        'm' => Duration::try_minutes(n),
        'h' => Duration::try_hours(n),
        'd' => Duration::try_days(n),
        _ => None,
    }?;
    (span.num_days() <= 36_525).then_some(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_offsets_are_refused_with_a_message_not_a_panic() {
        let prev = parse_time("2026-03-11 10:00Z", &TimeContext::utc()).unwrap();
        for line in [
            "+100000000d x",
            "+9223372036854775807s x",
            "+9223372036854775807d x",
            "+36526d x",
        ] {
            let e = parse_capture(line, &ctx(), Some(&prev)).unwrap_err();
            assert!(e.reason.contains("is not a time offset"), "{line}: {e}");
        }
        let near_end = parse_time("9999-12-30 10:00Z", &TimeContext::utc()).unwrap();
        let e = parse_capture("+2d x", &ctx(), Some(&near_end)).unwrap_err();
        assert!(e.reason.contains("past the year 9999"), "{e}");
        let ok = parse_capture("+36525d x", &ctx(), Some(&prev)).unwrap();
        assert_eq!(ok.at.utc.date_naive().to_string(), "2126-03-12");
    }
    use crate::domain::{Precision, parse_zone};
    use chrono::NaiveDate;

    fn ctx() -> TimeContext {
        TimeContext {
            zone: parse_zone("Europe/Madrid").unwrap(),
            date: NaiveDate::from_ymd_opt(2026, 3, 11),
        }
    }

    #[test]
    fn the_example_from_the_meeting() {
        let c = parse_capture(
            "14:02 @mallory signed in to OWA with the forged token #initial-access T1078",
            &ctx(),
            None,
        )
        .unwrap();
        assert_eq!(c.at.rfc3339_original(), "2026-03-11T14:02:00+01:00");
        assert_eq!(c.at.precision, Precision::Minute);
        assert_eq!(c.actor.as_deref(), Some("mallory"));
        assert_eq!(c.tags, ["initial-access"]);
        assert_eq!(c.phase, Some(Phase::InitialAccess));
        assert_eq!(c.technique.as_deref(), Some("T1078"));
        assert_eq!(c.text, "signed in to OWA with the forged token");
    }

    #[test]
    fn full_dates_offsets_and_approximations() {
        let c = parse_capture("2026-03-12 09:30 +00:00 mailbox restored", &ctx(), None).unwrap();
        assert_eq!(c.at.rfc3339_utc(), "2026-03-12T09:30:00Z");
        assert_eq!(c.text, "mailbox restored");
        let c = parse_capture("2026-03-12T09:30:15Z rule removed", &ctx(), None).unwrap();
        assert_eq!(c.at.precision, Precision::Exact);
        let c = parse_capture("14:02Z call with the bank", &ctx(), None).unwrap();
        assert_eq!(c.at.rfc3339_utc(), "2026-03-11T14:02:00Z");
        let c = parse_capture("~15:00 she noticed missing replies", &ctx(), None).unwrap();
        assert_eq!(c.at.precision, Precision::Approximate);
    }

    #[test]
    fn relative_to_the_selected_event() {
        let prev = parse_time("2026-03-11T10:00:00+01:00", &ctx()).unwrap();
        let c = parse_capture("+5m sessions revoked #containment", &ctx(), Some(&prev)).unwrap();
        assert_eq!(c.at.rfc3339_original(), "2026-03-11T10:05:00+01:00");
        assert_eq!(c.phase, Some(Phase::Containment));
        assert!(
            parse_capture("+5m x", &ctx(), None)
                .unwrap_err()
                .reason
                .contains("selected event")
        );
        assert!(
            parse_capture("+5y x", &ctx(), Some(&prev))
                .unwrap_err()
                .reason
                .contains("+5y")
        );
    }

    #[test]
    fn errors_say_what_to_type() {
        assert!(
            parse_capture("", &ctx(), None)
                .unwrap_err()
                .reason
                .contains("type a time")
        );
        assert!(
            parse_capture("mallory did it", &ctx(), None)
                .unwrap_err()
                .reason
                .contains("start with a time")
        );
        assert!(
            parse_capture("25:99 x", &ctx(), None)
                .unwrap_err()
                .reason
                .contains("25:99")
        );
        assert!(
            parse_capture("14:02 #tag", &ctx(), None)
                .unwrap_err()
                .reason
                .contains("what happened")
        );
        assert!(
            parse_capture("14:02 @a @b x", &ctx(), None)
                .unwrap_err()
                .reason
                .contains("one actor")
        );
    }

    #[test]
    fn quoted_actor_names_days_and_the_hour_the_clocks_skip() {
        let c =
            parse_capture("09:00 @\"Vendor Security\" said \"hi\" there", &ctx(), None).unwrap();
        assert_eq!(c.actor.as_deref(), Some("Vendor Security"));
        assert_eq!(c.text, "said \"hi\" there");
        let c = parse_capture("09:00 @\"Okta\" x", &ctx(), None).unwrap();
        assert_eq!(c.actor.as_deref(), Some("Okta"));
        assert!(
            parse_capture("09:00 @\"Vendor Security x", &ctx(), None)
                .unwrap_err()
                .reason
                .contains("no closing quote")
        );
        let c = parse_capture("~2022-01-16 support case opened", &ctx(), None).unwrap();
        assert_eq!(c.at.precision, Precision::Day);
        assert_eq!(c.text, "support case opened");
        let gap = parse_capture("2026-03-29 02:30 restore started", &ctx(), None).unwrap_err();
        assert!(gap.reason.contains("does not exist"), "{gap}");
        assert!(gap.reason.contains("add the offset"), "{gap}");
    }
}
