//! Property tests: the time parser, the quick-capture parser and the timeline importers
//! never panic, whatever they are given, and a parsed time reads back as itself. They run
//! briefly in CI; for a longer run: `PROPTEST_CASES=100000 cargo test --release --test properties`.

use debrief::domain::capture::parse_capture;
use debrief::domain::{TimeContext, parse_time};
use debrief::io::import::{self, ImportFormat, TimeOptions};
use proptest::prelude::*;

fn madrid() -> TimeContext {
    TimeContext {
        zone: "Europe/Madrid".parse().unwrap(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 3, 29),
    }
}

/// Text shaped like times: digits, separators, offsets, `~`, and a little of anything.
fn timeish() -> impl Strategy<Value = String> {
    prop::string::string_regex("~?[0-9]{0,4}(-[0-9]{1,2}){0,2}[ T]?[0-9]{0,2}(:[0-9]{1,2}){0,2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:?[0-9]{2})?")
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn the_time_parser_never_panics(s in any::<String>(), t in timeish()) {
        let _ = parse_time(&s, &madrid());
        let _ = parse_time(&t, &madrid());
    }

    #[test]
    fn a_parsed_time_reads_back_as_itself(t in timeish()) {
        if let Ok(parsed) = parse_time(&t, &madrid()) {
            let again = parse_time(&parsed.rfc3339_original(), &TimeContext::utc()).unwrap();
            prop_assert_eq!(again.utc, parsed.utc);
            prop_assert_eq!(again.offset_secs, parsed.offset_secs);
        }
    }

    #[test]
    fn the_capture_parser_never_panics(s in any::<String>(), t in timeish(), rest in "[ @#T0-9a-z~+.:-]{0,40}") {
        let previous = parse_time("2026-03-29 01:30", &madrid()).ok();
        let _ = parse_capture(&s, &madrid(), previous.as_ref());
        let _ = parse_capture(&format!("{t} {rest}"), &madrid(), previous.as_ref());
        let _ = parse_capture(&format!("+{rest}"), &madrid(), None);
    }

    #[test]
    fn the_importers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), body in "[a-z0-9,\"\\n\\r{}:.TZ+ -]{0,300}") {
        let headers = [
            "message,datetime,timestamp_desc\n",
            "{\"message\": \"x\", \"timestamp\": 1, \"timestamp_desc\": \"y\"}\n",
            "date,time,timezone,MACB,source,sourcetype,type,user,host,short,desc,version,filename,inode,notes,format,extra\n",
            "event_date,event_tz,event_title\n",
            "",
        ];
        for header in headers {
            for tail in [bytes.clone(), body.clone().into_bytes()] {
                let mut input = header.as_bytes().to_vec();
                input.extend_from_slice(&tail);
                let time = TimeOptions { zone: Some(chrono_tz::UTC), format: None };
                if let Ok(rows) = import::open(Box::new(std::io::Cursor::new(input)), ImportFormat::Auto, &[], time) {
                    for row in rows.take(50) {
                        let _ = row;
                    }
                }
            }
        }
    }
}
