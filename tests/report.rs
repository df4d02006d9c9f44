//! The postmortem report: golden files of the demo's Markdown and JSON reports (clock and
//! ids injected), a well-formed HTML report that escapes hostile event text, templates
//! from the config folder and from --template, and the CLI around them.

mod common;

use chrono::TimeZone;
use common::*;
use debrief::domain::{Incident, NewEvent, NewIncident, TimeContext, parse_time};
use debrief::io::report::{
    ReportOptions, ReportZone, TemplateSource, TimelineScope, render_report,
};
use debrief::io::template::ReportFormat;
use debrief::store::Store;
use quick_xml::events::Event as Xml;
use std::path::Path;

/// The demo in a fresh database, as of 2026-11-28 12:00 UTC, with predictable ids.
fn demo_store() -> (Store, Incident) {
    let mut s = Store::open_in_memory("A. Reviewer").unwrap();
    s.set_clock(Box::new(|| {
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .unwrap()
    }));
    s.use_sequential_ids();
    let seed = debrief::io::demo::demo_seed().unwrap();
    let i = s.create_seeded_incident(&seed).unwrap();
    (s, i)
}

fn report(s: &Store, i: &Incident, format: ReportFormat) -> String {
    render_report(s, i, format, TimelineScope::Full, None).unwrap()
}

/// Compares with tests/golden/NAME; `UPDATE_GOLDEN=1` rewrites it after a deliberate change.
fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map(|n| n + 1);
        panic!(
            "{name} differs from the golden file (first at line {line:?}); \
             if the change is meant, run with UPDATE_GOLDEN=1 and review the diff"
        );
    }
}

#[test]
fn the_demo_markdown_report_matches_its_golden_file() {
    let (s, i) = demo_store();
    let md = report(&s, &i, ReportFormat::Markdown);
    golden("demo-report.md", &md);
    // The sections a reader expects, in order.
    let mut at = 0;
    for heading in [
        "# IR-2026-014: ",
        "## Executive summary",
        "**Key takeaways**",
        "## Summary of impact",
        "## Technical summary",
        "## Actors involved",
        "## Metrics",
        "## Timeline",
        "## Findings",
        "## Response evaluation",
        "## Actions",
        "## SOP changes",
        "## Appendix: evidence",
    ] {
        let found = md[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading} missing or out of order"));
        at += found + heading.len();
    }
}

#[test]
fn the_demo_html_report_matches_its_golden_file() {
    let (s, i) = demo_store();
    let html = report(&s, &i, ReportFormat::Html);
    golden("demo-report.html", &html);
    assert_well_formed(&html);
    // The executive summary (takeaways included) comes before the details.
    let summary = html.find("<h2>Executive summary</h2>").unwrap();
    let takeaways = html.find("<strong>Key takeaways</strong>").unwrap();
    let timeline = html.find("<h2>Timeline</h2>").unwrap();
    assert!(summary < takeaways && takeaways < timeline);
}

#[test]
fn the_demo_json_report_matches_its_golden_file_and_is_the_whole_incident() {
    let (s, i) = demo_store();
    let text = report(&s, &i, ReportFormat::Json);
    golden("demo-report.json", &text);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format"], "debrief-report");
    assert_eq!(v["events"].as_array().unwrap().len(), 47);
    assert_eq!(v["findings"].as_array().unwrap().len(), 6);
    assert_eq!(v["evaluation"].as_array().unwrap().len(), 9);
    assert_eq!(v["actions"].as_array().unwrap().len(), 12);
    assert_eq!(v["evidence"].as_array().unwrap().len(), 7);
    assert_eq!(v["metrics"][0]["text"], "1d 1h 38m");
    // Two reports of the same data are identical.
    assert_eq!(text, report(&s, &i, ReportFormat::Json));
}

#[test]
fn the_key_only_timeline_keeps_key_and_tagged_events() {
    let (s, i) = demo_store();
    let md = render_report(&s, &i, ReportFormat::Markdown, TimelineScope::Key, None).unwrap();
    assert!(md.contains("Key events and events tagged with a lapse only ("));
    let rows = md
        .split("## Timeline")
        .nth(1)
        .unwrap()
        .split("## Findings")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Time"))
        .count();
    assert!((4..47).contains(&rows), "{rows} rows");
}

/// An incident whose events an attacker wrote.
fn hostile_store() -> (Store, Incident) {
    let mut s = Store::open_in_memory("A. Reviewer").unwrap();
    let i = s
        .create_incident(&NewIncident::new("IR-X", "<b>Hostile</b> & \"quoted\"").unwrap())
        .unwrap();
    for (at, text) in [
        ("2026-03-10T08:00:00Z", "<script>alert(1)</script>"),
        (
            "2026-03-10T08:01:00Z",
            "\u{1b}]0;owned\u{7}\u{1b}[2J cleared the screen",
        ),
        (
            "2026-03-10T08:02:00Z",
            "bidi \u{202e}gnp.exe and a ]]> and &amp; </td></tr>",
        ),
    ] {
        let mut e = NewEvent::new(parse_time(at, &TimeContext::utc()).unwrap(), text).unwrap();
        e.actor = Some("<img src=x onerror=alert(2)>".into());
        s.add_event(&i.id, &e).unwrap();
    }
    (s, i)
}

fn assert_well_formed(html: &str) {
    let mut reader = quick_xml::Reader::from_str(html);
    let mut open: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Xml::Start(t)) => open.push(t.name().into_inner().to_string()),
            Ok(Xml::End(t)) => {
                let name = t.name().into_inner().to_string().to_string();
                assert_eq!(
                    open.pop().as_deref(),
                    Some(name.as_str()),
                    "mismatched </{name}>"
                );
            }
            Ok(Xml::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at byte {}: {e}", reader.buffer_position()),
        }
    }
    assert!(open.is_empty(), "unclosed: {open:?}");
}

#[test]
fn the_html_report_is_well_formed_and_escapes_everything() {
    let (s, i) = hostile_store();
    let html = report(&s, &i, ReportFormat::Html);
    assert_well_formed(&html);
    assert!(!html.contains("<script"), "a script tag got through");
    assert!(!html.contains("<img"), "an img tag got through");
    assert!(!html.contains("<b>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;Hostile&lt;/b&gt; &amp; &quot;quoted&quot;"));
    assert!(html.contains("&lt;/td&gt;&lt;/tr&gt;"));
    let controls: Vec<char> = html
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        .collect();
    assert!(controls.is_empty(), "control characters: {controls:?}");
    assert!(html.contains("␛]0;owned␇␛[2J cleared the screen"));
    assert!(html.contains("<U+202E>") || html.contains("&lt;U+202E&gt;"));
    // The demo's own report is well-formed too.
    let (s, i) = demo_store();
    assert_well_formed(&report(&s, &i, ReportFormat::Html));
}

#[test]
fn the_markdown_report_renders_hostile_text_as_text() {
    let (s, i) = hostile_store();
    let md = report(&s, &i, ReportFormat::Markdown);
    // Every '<' from the data is backslash-escaped: no raw HTML reaches a wiki.
    let unescaped = md.replace("\\<", "").replace("<br>", "");
    assert!(!unescaped.contains('<'), "{md}");
    assert!(md.contains("\\<script>alert(1)\\</script>"));
    assert!(
        !md.chars()
            .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{202e}')
    );
    // Every timeline row is still one table row.
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("2026-03-10"))
        .collect();
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert!(
        rows.iter()
            .all(|r| r.starts_with("| ") && r.ends_with(" |"))
    );
}

#[test]
fn a_template_of_the_analysts_replaces_the_shipped_one() {
    let (s, i) = demo_store();
    let mine = TemplateSource {
        source: "{{ incident.key }} has {{ incident.events }} events; {{ incident.title }}\n"
            .into(),
        origin: "mine.md.j2".into(),
    };
    let out = render_report(
        &s,
        &i,
        ReportFormat::Markdown,
        TimelineScope::Full,
        Some(&mine),
    )
    .unwrap();
    assert!(
        out.starts_with("IR-2026-014 has 47 events; AiTM phishing"),
        "{out}"
    );
    let broken = TemplateSource {
        source: "line one\n{% for %}".into(),
        origin: "mine.md.j2".into(),
    };
    let e = render_report(
        &s,
        &i,
        ReportFormat::Markdown,
        TimelineScope::Full,
        Some(&broken),
    )
    .unwrap_err();
    assert!(e.starts_with("mine.md.j2 line 2"), "{e}");
}

// The CLI.

fn demo_db(dir: &Path) {
    ok(debrief(dir).arg("demo"));
}

#[test]
fn report_writes_each_format_to_a_private_file() {
    let dir = tmp();
    demo_db(dir.path());
    for (format, name) in [("markdown", "r.md"), ("html", "r.html"), ("json", "r.json")] {
        let out =
            ok(debrief(dir.path()).args(["report", "IR-2026-014", "--format", format, "-o", name]));
        assert!(out.contains(&format!("to {name}")), "{out}");
        let path = dir.path().join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("IR-2026-014"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}");
        }
    }
    let md = ok(debrief(dir.path()).args(["report", "ir-2026-014"]));
    assert!(md.starts_with("# IR-2026-014: "));
}

#[test]
fn report_takes_a_template_from_the_config_folder_or_the_command_line() {
    let dir = tmp();
    demo_db(dir.path());
    // DEBRIEF_CONFIG is <dir>/none.toml, so the config folder is <dir>.
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/report.md.j2"),
        "house style: {{ incident.key }}\n",
    )
    .unwrap();
    let out = ok(debrief(dir.path()).args(["report", "IR-2026-014"]));
    assert_eq!(out, "house style: IR-2026-014\n");
    std::fs::write(
        dir.path().join("one.j2"),
        "one-off: {{ incident.severity }}\n",
    )
    .unwrap();
    let out = ok(debrief(dir.path()).args(["report", "IR-2026-014", "--template", "one.j2"]));
    assert_eq!(out, "one-off: high\n");
}

#[test]
fn report_failures_say_what_to_do() {
    let dir = tmp();
    demo_db(dir.path());
    let e = fail(debrief(dir.path()).args(["report", "IR-2026-014", "--template", "gone.j2"]));
    assert!(e.contains("cannot read the template gone.j2"), "{e}");
    std::fs::write(dir.path().join("bad.j2"), "{{ incident.key\n").unwrap();
    let e = fail(debrief(dir.path()).args(["report", "IR-2026-014", "--template", "bad.j2"]));
    assert!(e.contains("bad.j2 line 1"), "{e}");
    let e = fail(debrief(dir.path()).args([
        "report",
        "IR-2026-014",
        "--format",
        "json",
        "--template",
        "bad.j2",
    ]));
    assert!(e.contains("takes no template"), "{e}");
    let e = fail(debrief(dir.path()).args(["report", "IR-2026-014", "-o", "no/such/dir/r.md"]));
    assert!(e.contains("cannot write no/such/dir/r.md"), "{e}");
    let e = fail(debrief(dir.path()).args(["report", "NOPE"]));
    assert!(e.contains("NOPE"), "{e}");
}

#[test]
fn evaluation_commands_start_rate_and_list() {
    let dir = tmp();
    ok(debrief(dir.path()).args(["incident", "new", "IR-1", "--title", "Mailbox compromise"]));
    let e =
        fail(debrief(dir.path()).args(["evaluation", "set", "IR-1", "1", "--sufficiency", "met"]));
    assert!(e.contains("debrief evaluation start"), "{e}");
    let out = ok(debrief(dir.path()).args(["evaluation", "start", "IR-1"]));
    assert!(out.contains("with 9 areas"), "{out}");
    let out = ok(debrief(dir.path()).args([
        "evaluation",
        "set",
        "IR-1",
        "contain",
        "--sufficiency",
        "partly",
        "--completeness",
        "not met",
        "--note",
        "the OAuth app kept access",
    ]));
    assert!(
        out.contains("3. Containment: sufficiency partly met, completeness not met"),
        "{out}"
    );
    let e = fail(debrief(dir.path()).args([
        "evaluation",
        "set",
        "IR-1",
        "contain",
        "--sufficiency",
        "great",
    ]));
    assert!(e.contains("unknown rating \"great\""), "{e}");
    ok(debrief(dir.path()).args(["evaluation", "add", "IR-1", "Legal hold"]));
    ok(debrief(dir.path()).args(["evaluation", "remove", "IR-1", "recovery"]));
    let list = json(debrief(dir.path()).args(["evaluation", "list", "IR-1", "--json"]));
    let areas: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["area"].as_str().unwrap())
        .collect();
    assert_eq!(areas.len(), 9);
    assert_eq!(areas[8], "Legal hold");
    assert_eq!(list[2]["completeness"], "not-met");
    // One recorded change per command, so one undo reverts a whole `set`.
    let h = json(debrief(dir.path()).args(["history", "IR-1", "--json", "--limit", "50"]));
    let rated: Vec<_> = h
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == "evaluation" && c["op"] == "update")
        .collect();
    assert_eq!(rated.len(), 3);
}

#[test]
fn a_checklist_in_the_config_folder_replaces_the_default() {
    let dir = tmp();
    std::fs::write(
        dir.path().join("evaluation.toml"),
        "[[area]]\nname = \"Backups\"\nquestion = \"Did restores work?\"\n",
    )
    .unwrap();
    ok(debrief(dir.path()).args(["incident", "new", "IR-2", "--title", "Ransomware"]));
    let out = ok(debrief(dir.path()).args(["evaluation", "start", "IR-2"]));
    assert!(
        out.contains("with 1 areas") || out.contains("with 1 area"),
        "{out}"
    );
    std::fs::write(dir.path().join("evaluation.toml"), "[[area]]\nname = 3\n").unwrap();
    ok(debrief(dir.path()).args(["incident", "new", "IR-3", "--title", "x"]));
    let e = fail(debrief(dir.path()).args(["evaluation", "start", "IR-3"]));
    assert!(e.contains("evaluation.toml"), "{e}");
}

// One test per point of the report a reader checks.

/// An incident in Los Angeles whose events were written at each precision.
fn precision_store() -> (Store, Incident) {
    let mut s = Store::open_in_memory("A. Reviewer").unwrap();
    let mut new = NewIncident::new("IR-P", "Precision").unwrap();
    new.zone = "America/Los_Angeles".parse().unwrap();
    let i = s.create_incident(&new).unwrap();
    let ctx = TimeContext {
        zone: i.zone,
        ..TimeContext::utc()
    };
    for (at, text) in [
        ("2017-01-31 15:18:07", "exact alert"),
        ("2017-01-31 17:20", "minute note"),
        ("~2017-01-31 16:05", "approximate recollection"),
        ("~2017-01-29 00:00", "domain registered, date only"),
        ("2017-02-01T07:30:00Z", "UTC-sourced intrusion start"),
    ] {
        let e = NewEvent::new(parse_time(at, &ctx).unwrap(), text).unwrap();
        s.add_event(&i.id, &e).unwrap();
    }
    (s, i)
}

fn timeline_row<'a>(md: &'a str, text: &str) -> &'a str {
    md.lines()
        .find(|l| l.starts_with("| ") && l.contains(text))
        .unwrap_or_else(|| panic!("no timeline row for {text}"))
}

#[test]
fn times_print_at_their_precision_with_a_legend() {
    let (s, i) = precision_store();
    let md = report(&s, &i, ReportFormat::Markdown);
    assert!(md.contains("Times read `YYYY-MM-DD HH:MM:SS` when known to the second"));
    for (text, local, utc) in [
        (
            "exact alert",
            "2017-01-31 15:18:07 PST",
            "2017-01-31 23:18:07 UTC",
        ),
        (
            "minute note",
            "2017-01-31 17:20 PST",
            "2017-02-01 01:20 UTC",
        ),
        (
            "approximate recollection",
            "~2017-01-31 16:05 PST",
            "~2017-02-01 00:05 UTC",
        ),
        ("date only", "~2017-01-29", "~2017-01-29"),
    ] {
        let row = timeline_row(&md, text);
        assert!(
            row.starts_with(&format!("| {local} | {utc} | ")),
            "{text}: {row}"
        );
    }
    // Only approximate times carry `~`, and no time gains invented seconds.
    assert!(!md.contains("17:20:00"));
    assert!(!timeline_row(&md, "exact alert").contains('~'));
}

#[test]
fn the_zone_is_chosen_and_utc_shows_beside_another_zone() {
    let (s, i) = precision_store();
    let utc = ReportOptions {
        zone: ReportZone::Utc,
        ..Default::default()
    };
    let md = render_report(&s, &i, ReportFormat::Markdown, utc, None).unwrap();
    assert!(
        md.contains("| Time (UTC) | Actor |"),
        "UTC only: no second column"
    );
    assert!(timeline_row(&md, "UTC-sourced").starts_with("| 2017-02-01 07:30:00 UTC | "));
    let tokyo = ReportOptions {
        zone: "Asia/Tokyo".parse().unwrap(),
        ..Default::default()
    };
    let md = render_report(&s, &i, ReportFormat::Markdown, tokyo, None).unwrap();
    assert!(
        timeline_row(&md, "UTC-sourced")
            .starts_with("| 2017-02-01 16:30:00 JST | 2017-02-01 07:30:00 UTC | ")
    );
    assert!(md.contains("(the incident's zone is America/Los_Angeles)"));
    // By default: the incident's zone, the intrusion start on its own day, UTC beside.
    let md = report(&s, &i, ReportFormat::Markdown);
    assert!(
        timeline_row(&md, "UTC-sourced")
            .starts_with("| 2017-01-31 23:30:00 PST | 2017-02-01 07:30:00 UTC | ")
    );
    assert!(
        "Mars/Olympus"
            .parse::<ReportZone>()
            .unwrap_err()
            .contains("IANA zone name")
    );
}

#[test]
fn report_zone_and_defang_on_the_command_line() {
    let dir = tmp();
    demo_db(dir.path());
    let md = ok(debrief(dir.path()).args(["report", "IR-2026-014", "--zone", "utc"]));
    assert!(
        md.contains("| Detected | 2026-03-11 09:19:44 UTC |"),
        "{md}"
    );
    let md = ok(debrief(dir.path()).args(["report", "IR-2026-014", "--zone", "America/New_York"]));
    assert!(md.contains("| Detected | 2026-03-11 05:19:44 EDT (2026-03-11 09:19:44 UTC) |"));
    let e = usage(debrief(dir.path()).args(["report", "IR-2026-014", "--zone", "Nowhere"]));
    assert!(e.contains("IANA zone name"), "{e}");
    let md = ok(debrief(dir.path()).args(["report", "IR-2026-014", "--defang"]));
    assert!(md.contains("login[.]nwl-sharepoint[.]example[.]net"));
    assert!(md.contains("203[.]0[.]113[.]45"));
    assert!(md.contains("hxxps://siem[.]northwind[.]example/alerts/88213"));
    assert!(!md.contains("](<http"), "a defanged report makes no links");
}

#[test]
fn the_executive_summary_comes_first() {
    let (s, i) = demo_store();
    let md = report(&s, &i, ReportFormat::Markdown);
    let at = |needle: &str| md.find(needle).unwrap_or_else(|| panic!("{needle}"));
    assert!(at("## Executive summary") < at("**Key takeaways**"));
    assert!(at("**Key takeaways**") < at("## Technical summary"));
    assert!(at("**Key takeaways**") < at("## Timeline"));
    let summary = &md[at("## Executive summary")..at("## Summary of impact")];
    for needle in [
        "**What happened.** On 10 Mar 2026",
        "**Impact.** EUR 84,360.00 paid by a customer to a fraudulent IBAN;",
        "Customers were affected, and data was breached.",
        "**Metrics.** Time to detect: 1d 1h 38m;",
        "**Findings (6).** Technical lapse: 1;",
        "**Actions (12).** 1 proposed, 3 accepted, 2 in progress, 3 resolved, 2 verified, 1 rejected.",
        "**Overdue (4).** Roll out phishing-resistant MFA (FIDO2) to finance (J. Alonso, due 2026-06-30);",
    ] {
        assert!(summary.contains(needle), "{needle}\n{summary}");
    }
    // What happened is three sentences, not the whole summary.
    let what = summary
        .lines()
        .find(|l| l.starts_with("**What happened.**"))
        .unwrap();
    assert!(
        what.ends_with("Mail.ReadWrite and offline_access."),
        "{what}"
    );
}

#[test]
fn the_four_pictures_have_text_equivalents() {
    let (s, i) = demo_store();
    let md = report(&s, &i, ReportFormat::Markdown);
    assert_eq!(md.matches("```mermaid\n").count(), 4);
    for start in [
        "```mermaid\ngantt",
        "```mermaid\npie showData",
        "```mermaid\nflowchart LR\n    a0[\"Detection\"]",
        "```mermaid\nflowchart LR\n    o0[\"D. Castillo\"]",
    ] {
        assert!(md.contains(start), "{start}");
    }
    // Text equivalents for readers without Mermaid (the evaluation's is its table).
    assert!(md.contains("*In words:* First malicious activity 2026-03-10 08:41:17 CET;"));
    assert!(md.contains("*In words:* Technical lapse 1; Procedural failure 1;"));
    assert!(md.contains("*In words:* D. Castillo: 1 proposed, 1 resolved, 1 rejected; J. Alonso: 1 accepted, 1 in progress, 1 resolved, 1 overdue;"));
    assert!(md.contains("| Detection | not met | partly met |"));

    let html = report(&s, &i, ReportFormat::Html);
    assert_eq!(html.matches("<svg ").count(), 4);
    assert_eq!(html.matches("role=\"img\"").count(), 4);
    assert_eq!(html.matches("<figcaption>").count(), 4);
    for title in [
        "<title>Timeline strip: key events and the detect, contain and recover spans (times in Europe/Madrid)</title>",
        "<title>Findings by lapse kind</title>",
        "<title>Response evaluation: met, partly met or not met per area</title>",
        "<title>Action status by owner (overdue marked)</title>",
    ] {
        assert!(html.contains(title), "{title}");
    }
    assert!(!html.contains("<script"));
    assert!(!html.contains("href=\"javascript"));
}

#[test]
fn picture_labels_from_the_data_are_escaped() {
    let (mut s, i) = hostile_store();
    s.start_evaluation(
        &i.id,
        &[debrief::domain::evaluation::ChecklistArea {
            name: "<script>alert(3)</script>\"]-->x".into(),
            question: "?".into(),
        }],
    )
    .unwrap();
    let mut a = debrief::domain::NewAction::new(debrief::domain::ActionKind::Bug, "fix").unwrap();
    a.owner = Some("<svg onload=alert(4)>\"] --> z".into());
    s.create_action(&i.id, &a, &[]).unwrap();
    let html = report(&s, &i, ReportFormat::Html);
    assert_well_formed(&html);
    assert!(!html.contains("<svg onload"));
    assert!(html.contains("&lt;svg onload=alert(4)&gt;"));
    let md = report(&s, &i, ReportFormat::Markdown);
    let blocks: Vec<&str> = md
        .split("```mermaid\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert!(!blocks.is_empty());
    for b in blocks {
        for line in b.lines() {
            // A label is one quoted string: no quote, bracket or angle from the data.
            if let Some(label) = line.split_once("[\"").map(|(_, l)| l) {
                let inner = label.rsplit_once("\"]").map(|(l, _)| l).unwrap_or(label);
                assert!(!inner.contains('"') && !inner.contains('<'), "{line}");
            }
        }
    }
}

#[test]
fn evidence_is_named_linked_and_flagged() {
    let dir = tmp();
    let (mut s, i) = precision_store();
    let file = dir.path().join("capture.pcap");
    std::fs::write(&file, vec![7u8; 1_843_211]).unwrap();
    let pcap = debrief::ops::attach_file(&mut s, &i.id, &file, "", &[]).unwrap();
    let link = debrief::ops::attach_reference(
        &mut s,
        &i.id,
        "https://siem.example/alerts/1?a=1&b=2",
        "",
        &[],
    )
    .unwrap();
    let ticket = debrief::ops::attach_reference(&mut s, &i.id, "SEC-4521", "", &[]).unwrap();
    let js = debrief::ops::attach_reference(&mut s, &i.id, "javascript:alert(1)", "", &[]).unwrap();
    let f = debrief::domain::NewFinding::new(debrief::domain::LapseKind::ManualError, "F").unwrap();
    s.create_finding_with_evidence(&i.id, &f, &[], &[pcap.id, link.id, ticket.id, js.id])
        .unwrap();
    std::fs::write(&file, b"changed").unwrap();
    debrief::ops::verify_evidence(&mut s, &i.id).unwrap();

    let md = report(&s, &i, ReportFormat::Markdown);
    assert!(!md.contains("Evidence: ."));
    assert!(
        md.contains(
            "Evidence: capture.pcap (file, changed since it was added); \
         [https://siem.example/alerts/1?a=1&b=2](<https://siem.example/alerts/1?a=1&b=2>) (link); \
         SEC-4521 (ticket); javascript:alert(1) (ticket)."
        ),
        "{md}"
    );
    let appendix = md.split("## Appendix: evidence").nth(1).unwrap();
    assert!(appendix.contains("| capture.pcap | file | "));
    assert!(
        appendix.contains("| 1.8 MB | **changed since it was added** | F; 0 events |"),
        "{appendix}"
    );
    assert!(appendix.contains("| SEC-4521 | ticket | SEC-4521 | not a file |"));

    let html = report(&s, &i, ReportFormat::Html);
    assert!(html.contains(
        "<a href=\"https://siem.example/alerts/1?a=1&amp;b=2\" rel=\"noopener noreferrer\">"
    ));
    assert_eq!(
        html.matches("<a href").count(),
        2,
        "only the http(s) link, twice"
    );
    assert!(html.contains("<span class=\"changed\">changed since it was added</span>"));
}

#[test]
fn actions_are_one_table_grouped_by_owner() {
    let (s, i) = demo_store();
    let md = report(&s, &i, ReportFormat::Markdown);
    let actions = md
        .split("## Actions")
        .nth(1)
        .unwrap()
        .split("## SOP")
        .next()
        .unwrap();
    assert_eq!(actions.matches("| Owner |").count(), 1, "one table");
    assert!(actions.contains(
        "| Owner | Action | Priority | Status | Due | Group | Addresses | Ticket | Latest review |"
    ));
    assert!(actions.contains(
        "| **J. Alonso** | Disable user consent to apps from unverified publishers (change request) | P0 | resolved | 2026-03-20 | Identity team | Users could consent to apps from unverified publishers; OAuth consent from a hijacked session as a persistence channel | CHG-1187 | 2026-03-19: Setting changed tenant-wide; admin consent workflow on. |"
    ), "{actions}");
    // Later rows of the same owner leave the owner cell empty; overdue is marked.
    assert!(actions.contains("|  | Roll out phishing-resistant MFA (FIDO2) to finance (service investment) | P1 | in progress, **overdue** |"));
    assert!(actions.contains("**By group**"));
    assert!(actions.contains(
        "- Sales: Agree a callback procedure with key customers (P. Navarro, accepted, overdue)"
    ));
}

#[test]
fn the_format_follows_the_file_extension() {
    let dir = tmp();
    demo_db(dir.path());
    for (name, start) in [
        ("x.html", "<!DOCTYPE html>"),
        ("x.HTM", "<!DOCTYPE html>"),
        ("x.json", "{"),
        ("x.md", "# IR-2026-014"),
        ("x.txt", "# IR-2026-014"),
    ] {
        let out = ok(debrief(dir.path()).args(["report", "IR-2026-014", "-o", name]));
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(text.starts_with(start), "{name}: {out}");
    }
    let e = fail(debrief(dir.path()).args([
        "report",
        "IR-2026-014",
        "--format",
        "markdown",
        "-o",
        "y.html",
    ]));
    assert!(e.contains("drop --format, or name the file .md"), "{e}");
    assert!(!dir.path().join("y.html").exists());
}

#[test]
fn the_classification_is_on_every_printed_page_and_the_impact_in_both_reports() {
    let dir = tmp();
    ok(debrief(dir.path()).args(["incident", "new", "IR-T", "--title", "T"]));
    ok(debrief(dir.path()).args([
        "incident",
        "edit",
        "IR-T",
        "--classification",
        "TLP:RED \"}</style><script>",
        "--impact",
        "Payroll <b>delayed</b> a day",
    ]));
    ok(debrief(dir.path()).args(["report", "IR-T", "-o", "r.html"]));
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert_well_formed(&html);
    // The marking is in the page's top and bottom margin boxes, which print on every
    // page; written as CSS escapes, it cannot leave its string or the style sheet.
    let page = html
        .split("@page {")
        .nth(1)
        .unwrap()
        .split("\n  }")
        .next()
        .unwrap();
    let marking = "\"TLP\\3a RED \\22 \\7d \\3c \\2f style\\3e \\3c script\\3e \"";
    assert!(
        page.contains(&format!("@top-center {{ content: {marking};")),
        "{page}"
    );
    assert!(
        page.contains(&format!("@bottom-center {{ content: {marking};")),
        "{page}"
    );
    assert!(!html.contains("<script"));
    assert!(html.contains("<p class=\"marking\">TLP:RED &quot;}&lt;/style&gt;&lt;script&gt;</p>"));
    assert!(html.contains("<p class=\"text\">Payroll &lt;b&gt;delayed&lt;/b&gt; a day</p>"));
    let md = ok(debrief(dir.path()).args(["report", "IR-T"]));
    assert!(
        md.contains("\n**TLP:RED \"}\\</style>\\<script>**\n"),
        "{md}"
    );
    assert!(md.contains("## Summary of impact\n\nPayroll \\<b>delayed\\</b> a day\n"));
    // A marking is one short line.
    let e =
        fail(debrief(dir.path()).args(["incident", "edit", "IR-T", "--classification", "a\nb"]));
    assert!(e.contains("one line"), "{e}");
}

fn timeline_rows(md: &str) -> Vec<String> {
    md.split("## Timeline")
        .nth(1)
        .unwrap()
        .split("## Findings")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Time"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_timeline_streamed_from_the_database_file_is_the_whole_timeline() {
    // The CLI reads the timeline through a second connection, page by page (1000 events
    // a page); more than a page of events must all arrive, in order.
    let dir = tmp();
    ok(debrief(dir.path()).args(["incident", "new", "IR-S", "--title", "S"]));
    let store = Store::open(&dir.path().join("t.db"), "A. Reviewer").unwrap();
    let incident = store.require_incident("IR-S").unwrap();
    drop(store);
    let mut csv = String::from("message,datetime,timestamp_desc\n");
    for n in 0..2500 {
        csv.push_str(&format!(
            "event {n},2026-03-10T{:02}:{:02}:{:02}Z,Event\n",
            8 + n / 3600,
            n / 60 % 60,
            n % 60
        ));
    }
    std::fs::write(dir.path().join("t.csv"), csv).unwrap();
    ok(debrief(dir.path()).args(["import", "IR-S", "t.csv"]));
    let md = ok(debrief(dir.path()).args(["report", "IR-S"]));
    let rows = timeline_rows(&md);
    assert_eq!(rows.len(), 2500);
    let mut store = Store::open(&dir.path().join("t.db"), "A. Reviewer").unwrap();
    store.set_clock(Box::new(chrono::Utc::now));
    let from_memory = render_report(
        &store,
        &incident,
        ReportFormat::Markdown,
        TimelineScope::Full,
        None,
    )
    .unwrap();
    assert_eq!(timeline_rows(&from_memory), rows);
}

#[test]
fn a_limited_timeline_says_how_many_events_it_left_out() {
    let (s, i) = demo_store();
    let three = ReportOptions {
        limit: Some(3),
        ..Default::default()
    };
    let md = render_report(&s, &i, ReportFormat::Markdown, three, None).unwrap();
    assert_eq!(timeline_rows(&md).len(), 3);
    assert!(md.contains(
        "… and 44 more events (this preview shows the first 3; the written report has them all)."
    ));
    let html = render_report(&s, &i, ReportFormat::Html, three, None).unwrap();
    assert_well_formed(&html);
    assert!(html.contains("… and 44 more events"));
}
