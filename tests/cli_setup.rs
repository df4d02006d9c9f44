//! The command line fitting the shell: completions, the manual page, help on every option
//! with examples on every command, `-` as standard output, a closed pipe, `paths` and the
//! example configuration.

mod common;

use common::*;

/// Every subcommand with no subcommands of its own, with its path (`event add`).
fn leaves() -> Vec<(String, clap::Command)> {
    fn walk(prefix: &str, cmd: &clap::Command, found: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let path = format!("{prefix} {}", sub.get_name()).trim().to_string();
            if sub.has_subcommands() {
                walk(&path, sub, found);
            } else {
                found.push((path, sub.clone()));
            }
        }
    }
    let mut cmd = debrief::cli::command();
    cmd.build();
    let mut found = Vec::new();
    walk("", &cmd, &mut found);
    found
}

/// Every command of the tree, the root and the inner ones included.
fn all_commands() -> Vec<(String, clap::Command)> {
    fn walk(path: &str, cmd: &clap::Command, found: &mut Vec<(String, clap::Command)>) {
        found.push((path.to_string(), cmd.clone()));
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(&format!("{path} {}", sub.get_name()), sub, found);
        }
    }
    let mut cmd = debrief::cli::command();
    cmd.build();
    let mut found = Vec::new();
    walk("debrief", &cmd, &mut found);
    found
}

#[test]
fn every_argument_has_help_text() {
    let mut missing = Vec::new();
    for (path, cmd) in all_commands() {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            let has = arg
                .get_help()
                .is_some_and(|h| !h.to_string().trim().is_empty())
                || arg
                    .get_long_help()
                    .is_some_and(|h| !h.to_string().trim().is_empty());
            if !has {
                missing.push(format!("{path} {id}"));
            }
        }
    }
    assert!(missing.is_empty(), "arguments without help: {missing:#?}");
}

#[test]
fn every_command_ends_its_help_with_examples() {
    let leaves = leaves();
    assert!(leaves.len() > 40, "{}", leaves.len());
    let mut missing = Vec::new();
    for (path, _) in &leaves {
        let mut args: Vec<&str> = path.split(' ').collect();
        args.push("--help");
        let dir = tmp();
        let help = ok(debrief(dir.path()).args(&args));
        let tail = help.rsplit_once("Examples:").map(|(_, t)| t);
        match tail {
            Some(t) if t.lines().any(|l| l.trim_start().starts_with("debrief ")) => {}
            _ => missing.push(path.clone()),
        }
    }
    assert!(
        missing.is_empty(),
        "no Examples: at the end of --help: {missing:#?}"
    );
}

#[test]
fn completions_generate_for_every_shell_with_the_closed_lists() {
    let dir = tmp();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = ok(debrief(dir.path()).args(["completions", shell]));
        assert!(script.len() > 1000, "{shell}: {} bytes", script.len());
        for word in ["incident", "export", "backlog", "completions", "paths"] {
            assert!(script.contains(word), "{shell} lacks the subcommand {word}");
        }
        // Closed lists: export formats, severities, action statuses (clap_complete's
        // PowerShell script completes subcommands and options, not values).
        if shell == "powershell" {
            assert!(script.contains("--severity"));
            continue;
        }
        for value in ["timesketch-jsonl", "critical", "in-progress"] {
            assert!(script.contains(value), "{shell} lacks the value {value}");
        }
    }
    let fish = ok(debrief(dir.path()).args(["completions", "fish"]));
    assert!(
        fish.contains("-l severity") && fish.contains("critical\\t"),
        "fish completes --severity with its values"
    );
    assert!(!dir.path().join("t.db").exists(), "no database was created");
}

#[test]
fn the_man_page_is_roff_with_the_commands() {
    let dir = tmp();
    let page = ok(debrief(dir.path()).arg("man"));
    assert!(page.contains(".TH debrief 1"), "{page}");
    assert!(page.contains("incident") && page.contains("export"));
    let sub = ok(debrief(dir.path()).args(["man", "event", "add"]));
    assert!(sub.contains(".TH debrief-event-add 1"), "{sub}");
    assert!(sub.contains("Examples"), "the examples reach the page");
    let e = fail(debrief(dir.path()).args(["man", "nonsense"]));
    assert!(e.contains("\"nonsense\" is not a subcommand"), "{e}");
}

#[test]
fn free_text_may_start_with_a_hyphen() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).args(["incident", "new", "IR-1", "--title", "- bullet title"]));
    ok(debrief(d).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "2026-03-11 10:00",
        "--text",
        "-rf /srv ran",
    ]));
    ok(debrief(d).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "2026-03-11 10:01",
        "--text=-x flag",
    ]));
    let events = json(debrief(d).args(["event", "list", "IR-1", "--json"]));
    let texts: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["-rf /srv ran", "-x flag"]);
    let incidents = json(debrief(d).args(["incident", "list", "--json"]));
    assert_eq!(incidents[0]["title"], "- bullet title");
    // Other options take a value starting with - written as --option=-value, and a
    // positional one follows --.
    ok(debrief(d).args([
        "actor", "add", "IR-1", "--kind", "system", "--note=-", "--", "-svc-",
    ]));
    let actors = json(debrief(d).args(["actor", "list", "IR-1", "--json"]));
    assert_eq!(actors[0]["name"], "-svc-");
    assert_eq!(actors[0]["note"], "-");
    // `--text -- -x` is not a way: `--` ends the options, so --text has no value.
    usage(debrief(d).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "2026-03-11 10:02",
        "--text",
        "--",
        "-x",
    ]));
    assert_eq!(
        json(debrief(d).args(["event", "list", "IR-1", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let usage_error = usage(debrief(d).args(["event", "list", "IR-1", "--tag", "-x"]));
    assert!(usage_error.contains("-x"), "{usage_error}");
    ok(debrief(d).args(["event", "list", "IR-1", "--tag=-x"]));
}

/// An incident with 20,000 events: megabytes of export, far more than a pipe holds.
fn big_incident(d: &std::path::Path) {
    let mut csv = String::from("message,datetime,timestamp_desc\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "Sign-in number {i} from 203.0.113.{},2026-03-11T09:{:02}:{:02}Z,Event Recorded\n",
            i % 250,
            (i / 60) % 60,
            i % 60
        ));
    }
    std::fs::write(d.join("big.csv"), csv).unwrap();
    ok(debrief(d).args(["incident", "new", "IR-9", "--title", "Big"]));
    ok(debrief(d).args(["import", "IR-9", "big.csv"]));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tmp();
    let d = dir.path();
    big_incident(d);
    // The completion scripts are over 100 KB, more than a pipe holds, too.
    let runs: [&[&str]; 5] = [
        &["completions", "bash"],
        &["export", "IR-9", "--format", "timesketch-jsonl"],
        &["export", "IR-9", "--format", "iris-csv", "-o", "-"],
        &["event", "list", "IR-9", "--json"],
        &["report", "IR-9", "--format", "html"],
    ];
    for args in runs {
        let mut child = Command::new(env!("CARGO_BIN_EXE_debrief"))
            .env("DEBRIEF_CONFIG", d.join("none.toml"))
            .env("HOME", d)
            .arg("--db")
            .arg(db_path(d))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?}");
        // The reader is dropped here: the pipe is closed while debrief is still writing.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert_eq!(stderr, "", "{args:?}");
    }
}

#[test]
fn dash_is_standard_output_for_every_output_option() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    let key = "IR-2026-014";
    let to_file = |args: &[&str], name: &str| {
        let path = d.join(name);
        ok(debrief(d).args(args).arg("-o").arg(&path));
        std::fs::read(&path).unwrap()
    };
    let printed = |args: &[&str]| {
        let out = debrief(d)
            .args(args)
            .args(["-o", "-"])
            .assert()
            .success()
            .stderr("");
        out.get_output().stdout.clone()
    };
    for args in [
        &["export", key, "--format", "timesketch-csv"][..],
        &["report", key, "--format", "markdown"][..],
        &["bundle", "export", key][..],
    ] {
        let name = format!("{}.out", args[0]);
        assert_eq!(printed(args), to_file(args, &name), "{args:?}");
    }
    assert!(!d.join("-").exists(), "no file named -");

    // backup -o -: the database itself, and no copy left beside it.
    let copy = printed(&["backup"]);
    assert!(copy.starts_with(b"SQLite format 3\0"));
    std::fs::write(d.join("copy.db"), &copy).unwrap();
    let again = json(debrief_at(d, &d.join("copy.db")).args(["incident", "list", "--json"]));
    assert_eq!(again[0]["key"], key);
    let beside: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("backup"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");

    // bundle merge/resolve -o -: the merged bundle printed, the inputs untouched.
    let bundle = d.join("b.json");
    ok(debrief(d)
        .args(["bundle", "export", key, "-o"])
        .arg(&bundle));
    let before = std::fs::read(&bundle).unwrap();
    let merged = printed(&["bundle", "merge", "b.json", "b.json", "b.json"]);
    let merged: serde_json::Value = serde_json::from_slice(&merged).unwrap();
    let exported: serde_json::Value = serde_json::from_slice(&before).unwrap();
    assert_eq!(
        merged["tables"]["incidents"],
        exported["tables"]["incidents"]
    );
    assert_eq!(merged["tables"]["events"], exported["tables"]["events"]);
    assert_eq!(
        std::fs::read(&bundle).unwrap(),
        before,
        "OURS is left alone"
    );
    let resolved = printed(&["bundle", "resolve", "b.json", "--take", "ours"]);
    assert!(serde_json::from_slice::<serde_json::Value>(&resolved).is_ok());
    assert_eq!(
        std::fs::read(&bundle).unwrap(),
        before,
        "FILE is left alone"
    );

    let e = fail(debrief(d).args(["bundle", "export", "--all", "-o", "-"]));
    assert!(e.contains("give -o DIR"), "{e}");
}

#[test]
fn paths_names_the_four_files_in_use_without_creating_any() {
    let dir = tmp();
    let d = dir.path();
    let text = ok(debrief_bare(d).arg("paths"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    let data = d.join("data/debrief/debrief.db");
    assert!(lines[0].starts_with("database") && lines[0].contains(&*data.to_string_lossy()));
    assert!(lines[1].starts_with("config") && lines[1].contains("none.toml"));
    assert!(
        lines[2].starts_with("templates")
            && lines[2].contains(&*d.join("templates").to_string_lossy())
    );
    assert!(lines[3].starts_with("checklist") && lines[3].contains("evaluation.toml"));
    assert!(lines.iter().all(|l| l.contains("(missing")), "{text}");
    assert!(!data.exists(), "paths created the database");

    // They exist: the database named by --db, the config's folder holding the others.
    std::fs::write(d.join("none.toml"), "review_days = 7\n").unwrap();
    std::fs::create_dir(d.join("templates")).unwrap();
    std::fs::write(d.join("evaluation.toml"), "").unwrap();
    ok(debrief(d).arg("demo"));
    let all = json(debrief(d).args(["paths", "--json"]));
    let names: Vec<&String> = all.as_object().unwrap().keys().collect();
    assert_eq!(names, ["database", "config", "templates", "checklist"]);
    assert_eq!(
        all["database"]["path"],
        db_path(d).to_string_lossy().as_ref()
    );
    for name in names {
        assert_eq!(all[name]["exists"], true, "{name}: {all}");
    }
    // DEBRIEF_DB is the same resolution as the program's.
    let env = json(
        debrief_bare(d)
            .env("DEBRIEF_DB", d.join("env.db"))
            .args(["paths", "--json"]),
    );
    assert_eq!(
        env["database"]["path"],
        d.join("env.db").to_string_lossy().as_ref()
    );
    assert_eq!(env["database"]["exists"], false);
}

#[test]
fn paths_works_while_the_config_is_broken() {
    let dir = tmp();
    let d = dir.path();
    std::fs::write(d.join("none.toml"), "analist = 1\n").unwrap();
    let text = ok(debrief(d).arg("paths"));
    assert!(text.contains("none.toml  (exists)"), "{text}");
    fail(debrief(d).args(["incident", "list"]));
}

#[test]
fn config_example_prints_the_shipped_example() {
    let dir = tmp();
    let text = ok(debrief(dir.path()).args(["config", "example"]));
    assert_eq!(text, include_str!("../assets/config.example.toml"));
    assert!(text.contains("# review_days = 14"));
    // The printed example is a config debrief reads.
    std::fs::write(dir.path().join("none.toml"), &text).unwrap();
    ok(debrief(dir.path()).args(["incident", "list"]));
}
