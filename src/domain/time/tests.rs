use super::*;

fn ctx(zone: &str, date: Option<&str>) -> TimeContext {
    TimeContext {
        zone: parse_zone(zone).unwrap(),
        date: date.map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()),
    }
}

/// (input, zone, incident date, expected UTC, expected original offset, precision)
type Accepted = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    Precision,
);

#[test]
fn accepted_forms() {
    use Precision::*;
    let cases: &[Accepted] = &[
        (
            "2026-03-11T10:19:44Z",
            "UTC",
            None,
            "2026-03-11T10:19:44Z",
            "2026-03-11T10:19:44Z",
            Exact,
        ),
        (
            "2026-03-11T10:19:44+01:00",
            "UTC",
            None,
            "2026-03-11T09:19:44Z",
            "2026-03-11T10:19:44+01:00",
            Exact,
        ),
        (
            "2026-03-11T10:19:44.250-05:00",
            "UTC",
            None,
            "2026-03-11T15:19:44.250Z",
            "2026-03-11T10:19:44.250-05:00",
            Exact,
        ),
        (
            "2026-03-11 10:19",
            "UTC",
            None,
            "2026-03-11T10:19:00Z",
            "2026-03-11T10:19:00Z",
            Minute,
        ),
        (
            "2026-03-11 10:19:05",
            "Europe/Madrid",
            None,
            "2026-03-11T09:19:05Z",
            "2026-03-11T10:19:05+01:00",
            Exact,
        ),
        (
            "2026-03-11 10:19 +0530",
            "UTC",
            None,
            "2026-03-11T04:49:00Z",
            "2026-03-11T10:19:00+05:30",
            Minute,
        ),
        (
            "2026-03-11 10:19 Z",
            "Europe/Madrid",
            None,
            "2026-03-11T10:19:00Z",
            "2026-03-11T10:19:00Z",
            Minute,
        ),
        (
            "2026-03-11 10:19 UTC",
            "Europe/Madrid",
            None,
            "2026-03-11T10:19:00Z",
            "2026-03-11T10:19:00Z",
            Minute,
        ),
        (
            "2026-03-11 10:19-03",
            "UTC",
            None,
            "2026-03-11T13:19:00Z",
            "2026-03-11T10:19:00-03:00",
            Minute,
        ),
        (
            "14:02",
            "UTC",
            Some("2026-03-11"),
            "2026-03-11T14:02:00Z",
            "2026-03-11T14:02:00Z",
            Minute,
        ),
        (
            "14:02",
            "Europe/Madrid",
            Some("2026-03-11"),
            "2026-03-11T13:02:00Z",
            "2026-03-11T14:02:00+01:00",
            Minute,
        ),
        (
            "14:02:09Z",
            "Europe/Madrid",
            Some("2026-03-11"),
            "2026-03-11T14:02:09Z",
            "2026-03-11T14:02:09Z",
            Exact,
        ),
        (
            "14:02+02:00",
            "UTC",
            Some("2026-03-11"),
            "2026-03-11T12:02:00Z",
            "2026-03-11T14:02:00+02:00",
            Minute,
        ),
        (
            "~14:00",
            "UTC",
            Some("2026-03-11"),
            "2026-03-11T14:00:00Z",
            "2026-03-11T14:00:00Z",
            Approximate,
        ),
        (
            "~ 2026-03-11 14:00",
            "UTC",
            None,
            "2026-03-11T14:00:00Z",
            "2026-03-11T14:00:00Z",
            Approximate,
        ),
        (
            "  9:05  ",
            "UTC",
            Some("2026-03-11"),
            "2026-03-11T09:05:00Z",
            "2026-03-11T09:05:00Z",
            Minute,
        ),
        // DST: Madrid moves from +01:00 to +02:00 at 02:00 on 2026-03-29 and back at 03:00 on 2026-10-25.
        (
            "2026-03-29 01:59",
            "Europe/Madrid",
            None,
            "2026-03-29T00:59:00Z",
            "2026-03-29T01:59:00+01:00",
            Minute,
        ),
        (
            "2026-03-29 03:00",
            "Europe/Madrid",
            None,
            "2026-03-29T01:00:00Z",
            "2026-03-29T03:00:00+02:00",
            Minute,
        ),
        (
            "2026-10-25 01:59",
            "Europe/Madrid",
            None,
            "2026-10-24T23:59:00Z",
            "2026-10-25T01:59:00+02:00",
            Minute,
        ),
        (
            "2026-10-25 03:00",
            "Europe/Madrid",
            None,
            "2026-10-25T02:00:00Z",
            "2026-10-25T03:00:00+01:00",
            Minute,
        ),
        // An explicit offset settles the hour that happened twice.
        (
            "2026-10-25 02:30+02:00",
            "Europe/Madrid",
            None,
            "2026-10-25T00:30:00Z",
            "2026-10-25T02:30:00+02:00",
            Minute,
        ),
        (
            "2026-10-25 02:30+01:00",
            "Europe/Madrid",
            None,
            "2026-10-25T01:30:00Z",
            "2026-10-25T02:30:00+01:00",
            Minute,
        ),
        // New York springs forward on a different day than Europe.
        (
            "2026-03-08 03:30",
            "America/New_York",
            None,
            "2026-03-08T07:30:00Z",
            "2026-03-08T03:30:00-04:00",
            Minute,
        ),
    ];
    for (input, zone, date, utc, original, precision) in cases {
        let t = parse_time(input, &ctx(zone, *date)).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(t.rfc3339_utc(), *utc, "utc of {input}");
        assert_eq!(t.rfc3339_original(), *original, "original of {input}");
        assert_eq!(t.precision, *precision, "precision of {input}");
    }
}

/// (input, zone, incident date, a fragment the error must contain)
#[test]
fn rejected_forms_name_the_text_and_the_reason() {
    let cases: &[(&str, &str, Option<&str>, &str)] = &[
        (
            "yesterday-ish",
            "UTC",
            Some("2026-03-11"),
            "expected RFC 3339",
        ),
        ("", "UTC", None, "empty"),
        ("~", "UTC", None, "empty"),
        ("25:00", "UTC", Some("2026-03-11"), "expected RFC 3339"),
        ("10:60", "UTC", Some("2026-03-11"), "expected RFC 3339"),
        ("2026-02-30 10:00", "UTC", None, "not a date"),
        ("2026-03-11 10:00 +25:00", "UTC", None, "not a UTC offset"),
        ("2026-03-11 10:00 +1:00", "UTC", None, "not a UTC offset"),
        ("14:02", "UTC", None, "needs a date"),
        ("2026-13-11", "UTC", None, "not a date"),
        ("2026-03-11 lunchtime", "UTC", None, "expected RFC 3339"),
        ("2026-03-29 02:30", "Europe/Madrid", None, "does not exist"),
        ("2026-10-25 02:30", "Europe/Madrid", None, "happened twice"),
        (
            "2026-10-25 02:30",
            "Europe/Madrid",
            None,
            "+02:00 or +01:00",
        ),
    ];
    for (input, zone, date, fragment) in cases {
        let e = parse_time(input, &ctx(zone, *date)).expect_err(input);
        let message = e.to_string();
        assert!(
            message.contains(&format!("{input:?}")),
            "{message} names {input:?}"
        );
        assert!(
            message.contains(fragment),
            "{message} should say {fragment:?}"
        );
    }
}

#[test]
fn micros_round_trip_keeps_offset_and_precision() {
    let t = parse_time("2026-03-11T10:19:44.123456+01:00", &TimeContext::utc()).unwrap();
    let back = Timestamp::from_micros(t.micros(), t.offset_secs, t.precision).unwrap();
    assert_eq!(back, t);
    assert_eq!(back.rfc3339_original(), "2026-03-11T10:19:44.123456+01:00");
}

#[test]
fn unknown_zone_is_refused_with_a_hint() {
    let e = parse_zone("Mars/Olympus").unwrap_err();
    assert!(
        e.reason.contains("Mars/Olympus") && e.reason.contains("IANA"),
        "{e}"
    );
}

#[test]
fn extreme_instants_and_offsets_show_without_panicking() {
    // The last representable instant with an offset east of UTC, the first with one west,
    // and offsets no clock has: shown in UTC instead of panicking.
    let last = Timestamp::new(chrono::DateTime::<Utc>::MAX_UTC, 50_000, Precision::Exact);
    assert_eq!(last.original().offset().local_minus_utc(), 0);
    assert!(last.rfc3339_original().ends_with("Z"));
    let first = Timestamp::new(chrono::DateTime::<Utc>::MIN_UTC, -3600, Precision::Exact);
    assert_eq!(first.original().offset().local_minus_utc(), 0);
    let odd = Timestamp::from_micros(0, i32::MAX, Precision::Exact).unwrap();
    assert_eq!(odd.rfc3339_original(), "1970-01-01T00:00:00Z");
    let ok = Timestamp::from_micros(0, 3600, Precision::Exact).unwrap();
    assert_eq!(ok.rfc3339_original(), "1970-01-01T01:00:00+01:00");
}

#[test]
fn a_day_reads_as_its_first_instant_in_the_zone_with_day_precision() {
    let t = parse_time("~2022-01-16", &ctx("America/Los_Angeles", None)).unwrap();
    assert_eq!(t.precision, Precision::Day);
    assert_eq!(t.rfc3339_utc(), "2022-01-16T08:00:00Z");
    assert_eq!(t.date_text(), "2022-01-16");
    let plain = parse_time("2022-01-16", &ctx("UTC", None)).unwrap();
    assert_eq!(plain.precision, Precision::Day);
    assert_eq!(plain.rfc3339_utc(), "2022-01-16T00:00:00Z");
    let offset = parse_time("2022-01-16 +05:30", &ctx("UTC", None)).unwrap();
    assert_eq!(offset.rfc3339_original(), "2022-01-16T00:00:00+05:30");
    assert_eq!(offset.date_text(), "2022-01-16");
    assert_eq!("day".parse::<Precision>().unwrap(), Precision::Day);
}
