//! Timestamps as analysts write them, and as debrief keeps them.
//!
//! Every instant is stored in UTC, with the UTC offset the source gave (so a report can
//! show "14:02 +01:00" the way the log said it) and a precision (a log line is exact,
//! someone's memory of "around two" is approximate).

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How precisely a time is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    /// Known to the second or better (a log timestamp).
    #[default]
    Exact,
    /// Known to the minute.
    Minute,
    /// Somebody remembered roughly when.
    Approximate,
    /// Only the day is known (`~2022-01-16`): kept as its first instant in the zone it
    /// was typed in, shown as the date.
    Day,
}

impl Precision {
    pub const ALL: [Precision; 4] = [
        Precision::Exact,
        Precision::Minute,
        Precision::Approximate,
        Precision::Day,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Exact => "exact",
            Precision::Minute => "minute",
            Precision::Approximate => "approximate",
            Precision::Day => "day",
        }
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Precision {
    type Err = super::Invalid;
    fn from_str(s: &str) -> Result<Self, super::Invalid> {
        Precision::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let reason = format!("unknown precision {s:?} (exact, minute, approximate, day)");
                super::Invalid::new("precision", reason)
            })
    }
}

/// An instant in UTC with the offset it was written in and how precisely it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub utc: DateTime<Utc>,
    /// Seconds east of UTC of the original writing (0 when the source said `Z`).
    pub offset_secs: i32,
    pub precision: Precision,
}

impl Timestamp {
    /// The instant as a reader wants it, in `zone`, at its precision: to the second
    /// (`2026-03-10 08:41:17 CET`), to the minute (`2026-03-10 08:41 CET`), approximate
    /// (`~2026-03-10 08:41 CET`), or known to the day (`~2026-03-06`, the date as written;
    /// an approximate time at midnight where it was written reads the same, as older
    /// records of a day were kept that way).
    pub fn written_in(&self, zone: Tz) -> String {
        let local = |format: &str| self.utc.with_timezone(&zone).format(format).to_string();
        match self.precision {
            Precision::Exact => local("%Y-%m-%d %H:%M:%S %Z"),
            Precision::Minute => local("%Y-%m-%d %H:%M %Z"),
            // Known to the day: the date as it was written.
            Precision::Day => format!("~{}", self.date_text()),
            Precision::Approximate => {
                let written = FixedOffset::east_opt(self.offset_secs)
                    .map(|o| self.utc.with_timezone(&o).naive_local());
                match written {
                    Some(w) if w.time() == chrono::NaiveTime::MIN => {
                        format!("~{}", w.date().format("%Y-%m-%d"))
                    }
                    _ => format!("~{}", local("%Y-%m-%d %H:%M %Z")),
                }
            }
        }
    }

    pub fn new(utc: DateTime<Utc>, offset_secs: i32, precision: Precision) -> Self {
        Timestamp {
            utc,
            offset_secs,
            precision,
        }
    }

    /// An exact UTC instant.
    pub fn utc(utc: DateTime<Utc>) -> Self {
        Timestamp::new(utc, 0, Precision::Exact)
    }

    /// Microseconds since the Unix epoch: the sortable form kept in the database.
    pub fn micros(&self) -> i64 {
        self.utc.timestamp_micros()
    }

    pub fn from_micros(micros: i64, offset_secs: i32, precision: Precision) -> Option<Self> {
        DateTime::from_timestamp_micros(micros)
            .map(|utc| Timestamp::new(utc, offset_secs, precision))
    }

    /// The instant in the offset it was originally written in.
    /// An offset that cannot be shown with this instant (out of range, or pushing it
    /// past the last representable day) gives UTC: a stored value never panics here.
    pub fn original(&self) -> DateTime<FixedOffset> {
        let offset = FixedOffset::east_opt(self.offset_secs)
            .filter(|o| self.utc.naive_utc().checked_add_offset(*o).is_some())
            .unwrap_or(Utc.fix());
        self.utc.with_timezone(&offset)
    }

    /// RFC 3339 in UTC, e.g. `2026-03-11T09:19:44Z` (fractions only when present).
    pub fn rfc3339_utc(&self) -> String {
        self.utc
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }

    /// The day of a day-precision time, in the offset it was typed in: `2022-01-16`.
    pub fn date_text(&self) -> String {
        self.original().format("%Y-%m-%d").to_string()
    }

    /// RFC 3339 in the original offset, e.g. `2026-03-11T10:19:44+01:00`.
    pub fn rfc3339_original(&self) -> String {
        self.original()
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339_utc())
    }
}

/// What a bare or naive time is read against: the incident's zone and, for a bare time
/// such as `14:02`, the day it happened on.
#[derive(Debug, Clone, Copy)]
pub struct TimeContext {
    pub zone: Tz,
    pub date: Option<NaiveDate>,
}

impl TimeContext {
    pub fn utc() -> Self {
        TimeContext {
            zone: Tz::UTC,
            date: None,
        }
    }
}

/// A time that could not be read, naming the text and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read time {text:?}: {reason}")]
pub struct TimeError {
    pub text: String,
    pub reason: String,
}

impl TimeError {
    /// Whether the text read as a time that the zone's clocks skipped or repeated (a
    /// DST change), rather than not reading as a time at all.
    pub fn is_zone_problem(&self) -> bool {
        self.reason.contains(ZONE_GAP) || self.reason.contains(ZONE_TWICE)
    }
}

const ZONE_GAP: &str = "(the clocks went forward)";
const ZONE_TWICE: &str = "(the clocks went back)";

const FORMS: &str = "expected RFC 3339 (2026-03-11T10:19:44Z), \
    YYYY-MM-DD HH:MM[:SS] with an optional offset or Z, a bare HH:MM[:SS], \
    or a day (YYYY-MM-DD); prefix ~ for an approximate time";

/// How a time reads for people: a day as its date (`~2022-01-16`), anything else as
/// RFC 3339 in UTC.
pub fn show_utc(t: &Timestamp) -> String {
    match t.precision {
        Precision::Day => format!("~{} (a day)", t.date_text()),
        _ => t.rfc3339_utc(),
    }
}

/// Whether the text is a bare day, `YYYY-MM-DD`, optionally with an offset after a space.
fn split_day(text: &str) -> Option<(&str, &str)> {
    let b = text.as_bytes();
    let is_date = b.len() >= 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b[..10]
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !is_date {
        return None;
    }
    let rest = text[10..].trim();
    let offset_like = rest.is_empty()
        || rest.eq_ignore_ascii_case("z")
        || rest == "UTC"
        || (rest.starts_with(['+', '-']) && text.as_bytes().get(10) == Some(&b' '));
    offset_like.then(|| (&text[..10], rest))
}

/// Reads a time the way analysts write it.
///
/// Accepted: RFC 3339; `YYYY-MM-DD HH:MM[:SS[.frac]]` (space or `T`) with an optional
/// `Z` or `±HH:MM` offset; a bare `HH:MM[:SS]` with an optional offset, on the context's
/// date. Times without an offset are local to the context's zone, DST-correct: a time
/// that does not exist (clocks went forward) or exists twice (clocks went back) is an
/// error asking for an offset rather than a guess. A leading `~` marks it approximate.
pub fn parse_time(input: &str, ctx: &TimeContext) -> Result<Timestamp, TimeError> {
    let err = |reason: String| TimeError {
        text: input.to_string(),
        reason,
    };
    let trimmed = input.trim();
    let (approx, text) = match trimmed.strip_prefix('~') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, trimmed),
    };
    if text.is_empty() {
        return Err(err("it is empty".into()));
    }
    if let Some((day, offset)) = split_day(text) {
        let date = NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map_err(|_| err(format!("{day:?} is not a date (YYYY-MM-DD)")))?;
        let midnight = NaiveDateTime::new(date, NaiveTime::MIN);
        let fixed = if offset.is_empty() {
            resolve_in_zone(&midnight, ctx.zone).map_err(err)?
        } else {
            let (_, off) = split_offset(&format!("00:00{offset}"))
                .map(|(c, o)| (c.to_string(), o))
                .map_err(err)?;
            off.unwrap_or(Utc.fix())
                .from_local_datetime(&midnight)
                .single()
                .ok_or_else(|| err("the time is out of range".into()))?
        };
        return Ok(Timestamp::new(
            fixed.with_timezone(&Utc),
            fixed.offset().local_minus_utc(),
            Precision::Day,
        ));
    }
    let (date_text, rest) = split_date(text);
    let (time_text, offset) = split_offset(rest).map_err(err)?;
    let date = match date_text {
        Some(date_text) => NaiveDate::parse_from_str(date_text, "%Y-%m-%d")
            .map_err(|_| err(format!("{date_text:?} is not a date (YYYY-MM-DD)")))?,
        None => {
            if !looks_like_clock(time_text) {
                return Err(err(FORMS.into()));
            }
            ctx.date.ok_or_else(|| {
                err("a bare time needs a date, and the incident has none yet; \
                     write the full date (YYYY-MM-DD HH:MM)"
                    .into())
            })?
        }
    };
    let (time, has_seconds) = parse_clock(time_text).ok_or_else(|| err(FORMS.into()))?;
    let naive = NaiveDateTime::new(date, time);
    let precision = if approx {
        Precision::Approximate
    } else if has_seconds {
        Precision::Exact
    } else {
        Precision::Minute
    };
    let fixed = match offset {
        Some(offset) => offset
            .from_local_datetime(&naive)
            .single()
            .ok_or_else(|| err("the time is out of range".into()))?,
        None => resolve_in_zone(&naive, ctx.zone).map_err(err)?,
    };
    Ok(Timestamp::new(
        fixed.with_timezone(&Utc),
        fixed.offset().local_minus_utc(),
        precision,
    ))
}

/// A local time in an IANA zone, refusing the hour that does not exist or exists twice.
fn resolve_in_zone(naive: &NaiveDateTime, zone: Tz) -> Result<DateTime<FixedOffset>, String> {
    match zone.from_local_datetime(naive) {
        LocalResult::Single(t) => Ok(t.fixed_offset()),
        LocalResult::None => Err(format!(
            "{naive} does not exist in {zone} {ZONE_GAP}; add the offset you mean"
        )),
        LocalResult::Ambiguous(a, b) => Err(format!(
            "{naive} happened twice in {zone} {ZONE_TWICE}; add {} or {}",
            a.offset().fix(),
            b.offset().fix()
        )),
    }
}

/// Splits a time of day from its `Z`, `UTC`, `±HH:MM`, `±HHMM` or `±HH` offset, if any.
fn split_offset(text: &str) -> Result<(&str, Option<FixedOffset>), String> {
    let bad = |off: &str| format!("{off:?} is not a UTC offset (+HH:MM)");
    if let Some(rest) = text.strip_suffix(['Z', 'z']) {
        return Ok((rest.trim_end(), Some(Utc.fix())));
    }
    if let Some(rest) = text.strip_suffix("UTC") {
        return Ok((rest.trim_end(), Some(Utc.fix())));
    }
    let Some(sign_at) = text.find(['+', '-']) else {
        return Ok((text, None));
    };
    let (clock, off) = text.split_at(sign_at);
    if !looks_like_clock(clock.trim_end()) {
        return Ok((text, None));
    }
    let sign = if off.starts_with('-') { -1 } else { 1 };
    let digits: String = off[1..].chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return Err(bad(off));
    }
    let hours: i32 = digits[..2].parse().map_err(|_| bad(off))?;
    let minutes: i32 = if digits.len() == 4 {
        digits[2..].parse().map_err(|_| bad(off))?
    } else {
        0
    };
    if hours > 14 || minutes > 59 {
        return Err(bad(off));
    }
    let offset =
        FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).ok_or_else(|| bad(off))?;
    Ok((clock.trim_end(), Some(offset)))
}

/// `2026-03-11 10:19` or `2026-03-11T10:19` into its date and the rest.
fn split_date(text: &str) -> (Option<&str>, &str) {
    let bytes = text.as_bytes();
    if bytes.len() > 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b' ' | b'T' | b't')
    {
        (Some(&text[..10]), text[11..].trim_start())
    } else {
        (None, text)
    }
}

fn looks_like_clock(text: &str) -> bool {
    text.contains(':')
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
}

/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fraction`; says whether seconds were given.
fn parse_clock(text: &str) -> Option<(NaiveTime, bool)> {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |s: &str, max: u32| -> Option<u32> {
        (!s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
            .filter(|n| *n <= max)
    };
    match parts.as_slice() {
        [h, m] => Some((
            NaiveTime::from_hms_opt(number(h, 23)?, number(m, 59)?, 0)?,
            false,
        )),
        [h, m, s] => {
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            let nanos = if frac.is_empty() {
                0
            } else {
                if frac.len() > 9 || !frac.chars().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                format!("{frac:0<9}").parse().ok()?
            };
            let t = NaiveTime::from_hms_nano_opt(
                number(h, 23)?,
                number(m, 59)?,
                number(whole, 59)?,
                nanos,
            )?;
            Some((t, true))
        }
        _ => None,
    }
}

/// Reads an IANA zone name (`Europe/Madrid`, `UTC`).
pub fn parse_zone(name: &str) -> super::Checked<Tz> {
    name.parse::<Tz>().map_err(|_| {
        let reason =
            format!("unknown time zone {name:?} (use an IANA name such as Europe/Madrid or UTC)");
        super::Invalid::new("zone", reason)
    })
}

#[cfg(test)]
mod tests;
