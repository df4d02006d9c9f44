//! Real-shaped samples of each format, written from the formats' documentation, and the
//! awkward files: quoted newlines, a BOM, CRLF, a byte that is not UTF-8, an empty file,
//! a header alone, a missing column and a bad time on a given line.

use super::*;

fn rows(
    text: &[u8],
    format: ImportFormat,
    maps: &[(String, Field)],
    tz: Option<&str>,
) -> Result<(Rows, Vec<Result<ImportedRow, RowError>>), FileError> {
    let input: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(text.to_vec()));
    let time = TimeOptions {
        zone: tz.map(|z| z.parse().unwrap()),
        format: None,
    };
    let mut r = open(input, format, maps, time)?;
    let all: Vec<_> = r.by_ref().collect();
    Ok((r, all))
}

fn ok_rows(text: &str, format: ImportFormat) -> (Rows, Vec<ImportedRow>) {
    let (r, all) = rows(text.as_bytes(), format, &[], None).unwrap();
    let good = all.into_iter().map(|r| r.unwrap()).collect();
    (r, good)
}

const TIMESKETCH_CSV: &str = "\
message,timestamp,datetime,timestamp_desc,extra_field_1,tag
\"Sign-in to Exchange Online from 203.0.113.45, MFA satisfied by token\",1773220784000000,2026-03-11T09:19:44+00:00,Event Recorded,user=m.ruiz,\"[\"\"aitm\"\",\"\"token replay\"\"]\"
Inbox rule '..' created,1773220900000000,2026-03-11T09:21:40+00:00,Creation Time,,
";

#[test]
fn timesketch_csv_keeps_other_columns_as_attributes() {
    let (r, got) = ok_rows(TIMESKETCH_CSV, ImportFormat::Auto);
    assert!(r.detected);
    assert_eq!(r.mapping.format, ImportFormat::TimesketchCsv);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].line, 2);
    assert_eq!(got[0].at.rfc3339_utc(), "2026-03-11T09:19:44Z");
    assert!(got[0].text.starts_with("Sign-in to Exchange Online"));
    assert_eq!(got[0].tags, ["aitm", "token-replay"]);
    assert_eq!(
        got[0].attrs,
        [
            ("timestamp_desc".to_string(), "Event Recorded".to_string()),
            ("extra_field_1".to_string(), "user=m.ruiz".to_string()),
        ]
    );
    assert_ne!(got[0].fingerprint, got[1].fingerprint);
}

#[test]
fn timesketch_jsonl_reads_one_object_per_line_and_the_timestamp_alone() {
    let text = "{\"message\": \"Mailbox export started\", \"timestamp\": 1773220784000000, \"timestamp_desc\": \"Event Recorded\", \"host\": \"exo\"}\n\n{\"message\": \"Export finished\", \"timestamp\": 1773224384000000, \"timestamp_desc\": \"Event Recorded\"}\n";
    let (r, got) = ok_rows(text, ImportFormat::Auto);
    assert_eq!(r.mapping.format, ImportFormat::TimesketchJsonl);
    assert_eq!(r.epoch_unit, Some(EpochUnit::Microseconds));
    assert_eq!(got[1].line, 3, "blank lines count");
    assert_eq!(got[1].at.rfc3339_utc(), "2026-03-11T10:19:44Z");
    assert!(got[0].attrs.contains(&("host".into(), "exo".into())));
}

#[test]
fn jsonl_keys_the_first_object_lacks_are_read_too() {
    // Timesketch objects differ by event type: a later line may carry fields the first
    // lacked. They were once dropped silently; now each takes its role or is an attribute.
    let first = "{\"message\": \"Sign-in\", \"datetime\": \"2026-03-11T09:19:44Z\", \"timestamp_desc\": \"Event Recorded\"}";
    let later = "{\"message\": \"Rule created\", \"datetime\": \"2026-03-11T09:21:40Z\", \"timestamp_desc\": \"Event Recorded\", \"actor\": \"mallory\", \"source\": \"Exchange audit\", \"rule\": \"..\"}";
    let (r, got) = ok_rows(&format!("{first}\n{later}\n{first}\n"), ImportFormat::Auto);
    assert_eq!(got[1].actor.as_deref(), Some("mallory"));
    assert_eq!(got[1].source.as_deref(), Some("Exchange audit"));
    assert!(got[1].attrs.contains(&("rule".into(), "..".into())));
    assert_eq!(
        (got[2].actor.as_deref(), got[2].source.as_deref()),
        (None, None)
    );
    assert_eq!(r.mapping.columns.len(), 6);
    // A row's fingerprint does not depend on the columns earlier rows brought.
    assert_eq!(got[0].fingerprint, got[2].fingerprint);
    let (_, alone) = ok_rows(&format!("{later}\n"), ImportFormat::Auto);
    assert_eq!(alone[0].fingerprint, got[1].fingerprint);
}

#[test]
fn plaso_l2tcsv_combines_date_time_and_zone() {
    let text = "\
date,time,timezone,MACB,source,sourcetype,type,user,host,short,desc,version,filename,inode,notes,format,extra
03/10/2026,08:52:40,UTC,M...,WEBHIST,Chrome History,Last Visited Time,m.ruiz,NWL-LT-0412,login.nwl-sharepoint.example.net,Visited https://login.nwl-sharepoint.example.net/common/login (Microsoft sign-in),2,/Users/mruiz/Library/Chrome/History,-,-,sqlite/chrome_27_history,visit_type: 1
03/10/2026,09:05:12,Europe/Madrid,..C.,EVT,WinEVTX,Content Modification Time,-,NWL-LT-0412,Event 4624,An account was successfully logged on,2,C:/Windows/System32/winevt/Logs/Security.evtx,-,-,winevtx,-
";
    let (r, got) = ok_rows(text, ImportFormat::Auto);
    assert_eq!(r.mapping.format, ImportFormat::PlasoCsv);
    assert_eq!(got[0].at.rfc3339_utc(), "2026-03-10T08:52:40Z");
    assert_eq!(got[0].actor.as_deref(), Some("m.ruiz"));
    assert_eq!(got[0].source.as_deref(), Some("Chrome History"));
    assert_eq!(
        got[1].at.rfc3339_utc(),
        "2026-03-10T08:05:12Z",
        "in the row's zone"
    );
    assert_eq!(got[1].actor, None, "'-' is empty in Plaso");
    assert!(got[1].attrs.iter().all(|(_, v)| v != "-"));
    assert!(got[0].attrs.contains(&("MACB".into(), "M...".into())));
}

#[test]
fn plaso_dynamic_output() {
    let text = "\
datetime,timestamp_desc,source,source_long,message,parser,display_name,tag
2026-03-10T09:58:03.000000+00:00,Creation Time,LOG,Azure AD audit,Consent to application Mail Sync Pro,jsonl/azure_activity,AuditLogs.json,-
";
    let (r, got) = ok_rows(text, ImportFormat::Auto);
    assert_eq!(r.mapping.format, ImportFormat::PlasoDynamic);
    assert_eq!(got[0].source.as_deref(), Some("Azure AD audit"));
    assert!(got[0].tags.is_empty());
    assert!(
        got[0]
            .attrs
            .contains(&("parser".into(), "jsonl/azure_activity".into()))
    );
}

#[test]
fn iris_timeline_csv_brings_categories_assets_iocs_and_tags() {
    let text = "\
event_date,event_tz,event_title,event_category,event_content,event_raw,event_source,event_assets,event_iocs,event_tags
2026-03-11T10:19:44.000,+01:00,SIEM alert 88213 impossible travel,Detection,Zaragoza to Ashburn in 38 min,{},SIEM,NWL-LT-0412;EXO,203.0.113.45|login.nwl-sharepoint.example.net,alert|identity
2026-03-11T13:10:14.000,+01:00,Service principal disabled,Lateral Movement,,,IR notes,,,containment
";
    let (r, got) = ok_rows(text, ImportFormat::Auto);
    assert_eq!(r.mapping.format, ImportFormat::IrisCsv);
    assert_eq!(got[0].at.rfc3339_utc(), "2026-03-11T09:19:44Z");
    assert_eq!(got[0].at.offset_secs, 3600, "the original offset is kept");
    assert_eq!(
        got[0].phase,
        Some(Phase::Detection),
        "a category naming a phase sets it"
    );
    assert_eq!(got[0].tags, ["alert", "identity"]);
    assert!(
        got[0]
            .attrs
            .contains(&("event_assets".into(), "NWL-LT-0412;EXO".into()))
    );
    assert!(got[0].attrs.contains(&(
        "event_iocs".into(),
        "203.0.113.45|login.nwl-sharepoint.example.net".into()
    )));
    assert_eq!(got[1].phase, None);
    assert!(
        got[1]
            .attrs
            .contains(&("event_category".into(), "Lateral Movement".into()))
    );
}

#[test]
fn any_csv_through_map() {
    let maps = [
        ("Time".to_string(), Field::At),
        ("Event".to_string(), Field::Text),
        ("Who".to_string(), Field::Actor),
    ];
    let text = b"Time,Event,Who,Host\n2026-03-11 10:19,Alert raised,L. Ortega,siem\n";
    let (r, got) = rows(text, ImportFormat::Auto, &maps, Some("Europe/Madrid")).unwrap();
    assert_eq!(r.mapping.format, ImportFormat::Csv);
    let got = got[0].as_ref().unwrap();
    assert_eq!(got.at.rfc3339_utc(), "2026-03-11T09:19:00Z");
    assert_eq!(got.actor.as_deref(), Some("L. Ortega"));
    assert_eq!(got.attrs, [("Host".to_string(), "siem".to_string())]);
    let e = rows(b"Time,Event\n1,2\n", ImportFormat::Auto, &[], None)
        .err()
        .unwrap();
    assert!(e.to_string().contains("cannot tell the format"), "{e}");
}

#[test]
fn quoted_newlines_bom_and_crlf() {
    let text = "\u{feff}message,datetime,timestamp_desc\r\n\"first line\r\nsecond line\",2026-03-11T09:19:44Z,Event Recorded\r\nnext,2026-03-11T09:20:00Z,Event Recorded\r\n";
    let (r, got) = ok_rows(text, ImportFormat::Auto);
    assert_eq!(
        r.mapping.format,
        ImportFormat::TimesketchCsv,
        "the BOM is not in the column name"
    );
    assert_eq!(got[0].text, "first line\r\nsecond line");
    assert_eq!(got[1].line, 4, "lines count the newline inside quotes");
}

#[test]
fn line_numbers_count_newlines_inside_quotes() {
    let text = "message,datetime,timestamp_desc\n\"a\nb\",2026-03-11T09:19:44Z,E\nnext,bad,E\n";
    let (_, all) = rows(text.as_bytes(), ImportFormat::Auto, &[], None).unwrap();
    assert_eq!(all[1].as_ref().unwrap_err().line, 4);
}

#[test]
fn a_byte_that_is_not_utf8_is_replaced_and_counted() {
    let mut text = b"message,datetime,timestamp_desc\ncaf".to_vec();
    text.push(0xE9);
    text.extend_from_slice(b",2026-03-11T09:19:44Z,Event Recorded\n");
    let (r, all) = rows(&text, ImportFormat::Auto, &[], None).unwrap();
    assert_eq!(all[0].as_ref().unwrap().text, "caf\u{fffd}");
    assert_eq!(r.lossy_rows, 1);
}

#[test]
fn empty_and_header_only_files() {
    assert_eq!(
        rows(b"", ImportFormat::Auto, &[], None).err(),
        Some(FileError::Empty)
    );
    assert_eq!(
        rows(b"  \n", ImportFormat::Auto, &[], None).err(),
        Some(FileError::Empty)
    );
    let (r, all) = rows(
        b"message,datetime,timestamp_desc\n",
        ImportFormat::Auto,
        &[],
        None,
    )
    .unwrap();
    assert!(all.is_empty());
    assert_eq!(r.rows_read, 0);
}

#[test]
fn a_missing_required_column_is_named() {
    let e = rows(
        b"message,datetime\nx,2026-03-11T09:19:44Z\n",
        ImportFormat::TimesketchCsv,
        &[],
        None,
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("timestamp_desc"), "{e}");
}

#[test]
fn a_bad_time_names_its_line_and_column() {
    let text =
        b"message,datetime,timestamp_desc\nok,2026-03-11T09:19:44Z,E\nbad,11 March,E\nshort row\n";
    let (_, all) = rows(text, ImportFormat::Auto, &[], None).unwrap();
    assert!(all[0].is_ok());
    let e = all[1].as_ref().unwrap_err();
    assert_eq!(e.line, 3);
    assert_eq!(e.column.as_deref(), Some("datetime"));
    assert_eq!(e.raw, ["bad", "11 March", "E"]);
    let e = all[2].as_ref().unwrap_err();
    assert_eq!(e.line, 4);
    assert!(e.message.contains("1 cells where the header has 3"), "{e}");
}

#[test]
fn the_same_row_has_the_same_fingerprint() {
    let (_, a) = ok_rows(TIMESKETCH_CSV, ImportFormat::Auto);
    let (_, b) = ok_rows(TIMESKETCH_CSV, ImportFormat::TimesketchCsv);
    assert_eq!(a[0].fingerprint, b[0].fingerprint);
}

#[test]
fn crlf_line_numbers() {
    let text = "message,datetime,timestamp_desc\r\na,bad,E\r\nb,bad,E\r\n";
    let (_, all) = rows(text.as_bytes(), ImportFormat::Auto, &[], None).unwrap();
    let lines: Vec<u64> = all.iter().map(|r| r.as_ref().unwrap_err().line).collect();
    assert_eq!(lines, [2, 3]);
}
