//! Times in imported rows: ISO 8601 with or without an offset, a `--time-format` of the
//! analyst's, l2tcsv's MM/DD/YYYY date and clock, and numbers since 1970 whose unit is
//! told from their size. An explicit offset wins; a naive time needs `--tz` (or a zone
//! column), and the original offset is kept.

use crate::domain::{Precision, TimeContext, Timestamp, parse_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

/// How the times of a file are read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeOptions {
    /// The zone of naive times (`--tz`).
    pub zone: Option<Tz>,
    /// A chrono format for the time column (`--time-format`), e.g. `%d/%m/%Y %H:%M:%S`.
    pub format: Option<String>,
}

/// The unit of a numeric timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpochUnit {
    Seconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

impl EpochUnit {
    /// Told from the size: seconds until the year 5138, then milliseconds, microseconds
    /// and nanoseconds (the same instants a thousand times larger).
    pub fn of(value: i64) -> EpochUnit {
        match value.unsigned_abs() {
            0..100_000_000_000 => EpochUnit::Seconds,
            100_000_000_000..100_000_000_000_000 => EpochUnit::Milliseconds,
            100_000_000_000_000..100_000_000_000_000_000 => EpochUnit::Microseconds,
            _ => EpochUnit::Nanoseconds,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            EpochUnit::Seconds => "seconds",
            EpochUnit::Milliseconds => "milliseconds",
            EpochUnit::Microseconds => "microseconds",
            EpochUnit::Nanoseconds => "nanoseconds",
        }
    }

    fn micros(self, value: i64) -> Option<i64> {
        match self {
            EpochUnit::Seconds => value.checked_mul(1_000_000),
            EpochUnit::Milliseconds => value.checked_mul(1_000),
            EpochUnit::Microseconds => Some(value),
            EpochUnit::Nanoseconds => Some(value / 1_000),
        }
    }
}

/// A number since 1970 as an instant, and the unit it was read in.
pub fn epoch(text: &str) -> Result<(Timestamp, EpochUnit), String> {
    let t = text.trim();
    let not_a_number = || format!("{t:?} is not a number of seconds, ms or µs since 1970");
    let micros = match t.parse::<i64>() {
        Ok(v) => EpochUnit::of(v).micros(v).map(|m| (m, EpochUnit::of(v))),
        // A fraction (Zeek writes `1773220784.250123`): the whole part gives the unit,
        // the fraction is kept to the microsecond.
        Err(_) => {
            let f = t
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && f.abs() < 9.2e18)
                .ok_or_else(not_a_number)?;
            let unit = EpochUnit::of(f.trunc() as i64);
            let per = match unit {
                EpochUnit::Seconds => 1e6,
                EpochUnit::Milliseconds => 1e3,
                EpochUnit::Microseconds => 1.0,
                EpochUnit::Nanoseconds => 1e-3,
            };
            Some(((f * per).round() as i64, unit))
        }
    };
    let (micros, unit) = micros.ok_or_else(|| format!("{t:?} is out of range"))?;
    let utc = DateTime::<Utc>::from_timestamp_micros(micros)
        .ok_or_else(|| format!("{t:?} is out of range"))?;
    Ok((Timestamp::new(utc, 0, Precision::Exact), unit))
}

/// Whether a (trimmed) cell is a bare number: seconds, ms, µs or ns since 1970.
pub(super) fn is_bare_number(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit() || c == b'.')
}

/// Reads a time cell, with `zone` the content of a zone column when the format has one
/// (an offset like `+02:00` or a zone name like `UTC`).
pub fn at(text: &str, zone: Option<&str>, opts: &TimeOptions) -> Result<Timestamp, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("the time is empty".into());
    }
    if let Some(format) = &opts.format {
        return with_format(t, format, zone, opts);
    }
    if is_bare_number(t) {
        return epoch(t).map(|(ts, _)| ts);
    }
    naive_or_offset(t, zone, opts)
}

/// An ISO 8601 time: with its own offset, or naive in the zone column's zone or `--tz`.
fn naive_or_offset(t: &str, zone: Option<&str>, opts: &TimeOptions) -> Result<Timestamp, String> {
    let utc_ctx = TimeContext::utc();
    // Its own offset (or Z) wins.
    if has_offset(t) {
        return parse_time(t, &utc_ctx).map_err(|e| e.reason);
    }
    match zone.map(str::trim).filter(|z| !z.is_empty()) {
        Some(z) if z.starts_with('+') || z.starts_with('-') => {
            parse_time(&format!("{t}{z}"), &utc_ctx).map_err(|e| e.reason)
        }
        Some(z) => {
            let tz = crate::domain::parse_zone(z)?;
            in_zone(t, tz)
        }
        None => match opts.zone {
            Some(tz) => in_zone(t, tz),
            // Say what is wrong with the text before asking for a zone it may not need.
            None => match parse_time(t, &utc_ctx) {
                Err(e) => Err(e.reason),
                Ok(_) => Err(format!(
                    "{t:?} has no offset: give the zone with --tz (e.g. --tz Europe/Madrid or --tz UTC)"
                )),
            },
        },
    }
}

fn in_zone(t: &str, tz: Tz) -> Result<Timestamp, String> {
    parse_time(
        t,
        &TimeContext {
            zone: tz,
            date: None,
        },
    )
    .map_err(|e| e.reason)
}

/// Whether an ISO 8601 text ends with `Z` or `±HH:MM` / `±HHMM` after its clock.
fn has_offset(t: &str) -> bool {
    let Some(clock_at) = t.find(['T', ' ']) else {
        return false;
    };
    let clock = &t[clock_at + 1..];
    clock.ends_with('Z') || clock.ends_with('z') || clock.contains('+') || clock.contains('-')
}

fn with_format(
    t: &str,
    format: &str,
    zone: Option<&str>,
    opts: &TimeOptions,
) -> Result<Timestamp, String> {
    if let Ok(fixed) = DateTime::parse_from_str(t, format) {
        return Ok(Timestamp::new(
            fixed.with_timezone(&Utc),
            fixed.offset().local_minus_utc(),
            Precision::Exact,
        ));
    }
    let naive = NaiveDateTime::parse_from_str(t, format)
        .or_else(|_| {
            NaiveDate::parse_from_str(t, format).map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        })
        .map_err(|e| format!("{t:?} does not match --time-format {format:?}: {e}"))?;
    naive_or_offset(
        &naive.format("%Y-%m-%d %H:%M:%S%.f").to_string(),
        zone,
        opts,
    )
}

/// l2tcsv's `MM/DD/YYYY` date and `HH:MM:SS` clock, in the row's `timezone`.
pub fn date_and_clock(
    date: &str,
    clock: &str,
    zone: Option<&str>,
    opts: &TimeOptions,
) -> Result<Timestamp, String> {
    let d = NaiveDate::parse_from_str(date.trim(), "%m/%d/%Y")
        .map_err(|_| format!("{:?} is not a date (MM/DD/YYYY)", date.trim()))?;
    naive_or_offset(
        &format!("{} {}", d.format("%Y-%m-%d"), clock.trim()),
        zone,
        opts,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(tz: Option<&str>) -> TimeOptions {
        TimeOptions {
            zone: tz.map(|z| z.parse().unwrap()),
            format: None,
        }
    }

    #[test]
    fn an_explicit_offset_wins_over_tz_and_is_kept() {
        let t = at("2026-03-11T10:19:44.123456+01:00", None, &opts(Some("UTC"))).unwrap();
        assert_eq!(t.rfc3339_utc(), "2026-03-11T09:19:44.123456Z");
        assert_eq!(t.offset_secs, 3600);
    }

    #[test]
    fn a_naive_time_needs_a_zone_and_is_dst_correct() {
        let e = at("2026-03-11 10:19:44", None, &opts(None)).unwrap_err();
        assert!(e.contains("--tz"), "{e}");
        let winter = at("2026-03-11 10:19:44", None, &opts(Some("Europe/Madrid"))).unwrap();
        assert_eq!(winter.rfc3339_utc(), "2026-03-11T09:19:44Z");
        let summer = at("2026-07-11 10:19:44", None, &opts(Some("Europe/Madrid"))).unwrap();
        assert_eq!(summer.rfc3339_utc(), "2026-07-11T08:19:44Z");
        assert_eq!(summer.offset_secs, 7200);
    }

    #[test]
    fn a_zone_column_reads_offsets_and_names() {
        let t = at("2023-03-26T03:00:30.000", Some("+00:00"), &opts(None)).unwrap();
        assert_eq!(t.rfc3339_utc(), "2023-03-26T03:00:30Z");
        let t = at("2023-03-26 03:00:30", Some("America/New_York"), &opts(None)).unwrap();
        assert_eq!(t.rfc3339_utc(), "2023-03-26T07:00:30Z");
    }

    #[test]
    fn numbers_are_told_apart_by_size() {
        for (text, unit) in [
            ("1773220784", EpochUnit::Seconds),
            ("1773220784000", EpochUnit::Milliseconds),
            ("1773220784000000", EpochUnit::Microseconds),
            ("1773220784000000000", EpochUnit::Nanoseconds),
        ] {
            let (t, u) = epoch(text).unwrap();
            assert_eq!(u, unit, "{text}");
            assert_eq!(t.rfc3339_utc(), "2026-03-11T09:19:44Z", "{text}");
            assert_eq!(at(text, None, &opts(None)).unwrap(), t);
        }
        assert!(epoch("soon").unwrap_err().contains("not a number"));
    }

    #[test]
    fn l2tcsv_dates_and_a_format_of_the_analysts() {
        let t = date_and_clock("03/11/2026", "09:19:44", Some("UTC"), &opts(None)).unwrap();
        assert_eq!(t.rfc3339_utc(), "2026-03-11T09:19:44Z");
        let o = TimeOptions {
            zone: Some("UTC".parse().unwrap()),
            format: Some("%d/%m/%Y %H:%M:%S".into()),
        };
        let t = at("11/03/2026 09:19:44", None, &o).unwrap();
        assert_eq!(t.rfc3339_utc(), "2026-03-11T09:19:44Z");
        let e = at("2026-03-11", None, &o).unwrap_err();
        assert!(e.contains("does not match --time-format"), "{e}");
    }

    #[test]
    fn garbage_is_refused_with_the_reason() {
        assert!(at("yesterday-ish", None, &opts(Some("UTC"))).is_err());
        assert!(
            at("", None, &opts(Some("UTC")))
                .unwrap_err()
                .contains("empty")
        );
    }
}
