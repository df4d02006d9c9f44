//! The postmortem report: golden files of the demo's Markdown and JSON reports (clock and
//! ids injected), a well-formed HTML report that escapes hostile event text, templates
//! from the config folder and from --template, and the CLI around them.

mod common;

use chrono::TimeZone;
use common::*;
use debrief::domain::{Incident, NewEvent, NewIncident, TimeContext, parse_time};
use debrief::io::report::{TemplateSource, TimelineScope, render_report};
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
        source: "{{ incident.key }} has {{ events|length }} events; {{ incident.title }}\n".into(),
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
