//! Git as the team's shared store: two analysts, one repository, bundles merged by the
//! `debrief bundle merge %O %A %B` driver.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command as Std;

fn git(repo: &Path, args: &[&str]) -> std::process::Output {
    Std::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_AUTHOR_NAME", "analyst")
        .env("GIT_AUTHOR_EMAIL", "analyst@example.org")
        .env("GIT_COMMITTER_NAME", "analyst")
        .env("GIT_COMMITTER_EMAIL", "analyst@example.org")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo)
        .output()
        .expect("git runs")
}

fn git_ok(repo: &Path, args: &[&str]) {
    let out = git(repo, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Sets the repository up: the driver runs this debrief on the given database.
fn init_repo(repo: &Path, db: &Path) {
    std::fs::create_dir_all(repo).unwrap();
    git_ok(repo, &["init", "-q", "-b", "main"]);
    std::fs::write(
        repo.join(".gitattributes"),
        "*.debrief.json merge=debrief\n",
    )
    .unwrap();
    let driver = format!(
        "{} --db {} bundle merge %O %A %B",
        env!("CARGO_BIN_EXE_debrief"),
        db.display()
    );
    git_ok(repo, &["config", "merge.debrief.driver", &driver]);
}

fn incident(dir: &Path, db: &Path) -> Value {
    let list = json(debrief_at(dir, db).args(["incident", "list", "--json"]));
    list.as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "IR-1")
        .cloned()
        .expect("IR-1 is listed")
}

#[test]
fn two_analysts_merge_through_git_and_settle_a_conflict() {
    let tmp = tmp();
    let d = tmp.path();
    let (a, b, scratch) = (d.join("a.db"), d.join("b.db"), d.join("driver.db"));
    let repo = d.join("repo");
    init_repo(&repo, &scratch);
    let file = repo.join("IR-1.debrief.json");
    let file_s = file.to_str().unwrap();

    // Analyst A starts the incident with an action and shares it.
    ok(debrief_at(d, &a).args([
        "incident",
        "new",
        "IR-1",
        "--title",
        "Phish",
        "--detected",
        "2026-03-11 10:00",
        "--zone",
        "UTC",
    ]));
    let action = new_id(debrief_at(d, &a).args([
        "action",
        "add",
        "IR-1",
        "--title",
        "Rotate keys",
        "--owner",
        "Kim",
    ]));
    ok(debrief_at(d, &a).args(["bundle", "export", "IR-1", "-o", file_s]));
    git_ok(&repo, &["add", "."]);
    git_ok(&repo, &["commit", "-qm", "start"]);
    // Analyst B takes it.
    ok(debrief_at(d, &b).args(["bundle", "import", file_s]));

    // A, on a branch: the title, the action's status, an event.
    git_ok(&repo, &["checkout", "-q", "-b", "a"]);
    ok(debrief_at(d, &a).args([
        "incident",
        "edit",
        "IR-1",
        "--title",
        "Phish and token theft",
    ]));
    ok(debrief_at(d, &a).args(["action", "update", &action, "--status", "accepted"]));
    new_id(debrief_at(d, &a).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "10:05",
        "--text",
        "mail reported",
    ]));
    ok(debrief_at(d, &a).args(["bundle", "export", "IR-1", "-o", file_s]));
    git_ok(&repo, &["commit", "-qam", "A's morning"]);

    // B, on main: the severity, the same action's due date, another event.
    git_ok(&repo, &["checkout", "-q", "main"]);
    ok(debrief_at(d, &b).args(["incident", "edit", "IR-1", "--severity", "critical"]));
    ok(debrief_at(d, &b).args(["action", "update", &action, "--due", "2026-04-01"]));
    new_id(debrief_at(d, &b).args([
        "event",
        "add",
        "IR-1",
        "--at",
        "10:20",
        "--text",
        "token revoked",
    ]));
    ok(debrief_at(d, &b).args(["bundle", "export", "IR-1", "-o", file_s]));
    git_ok(&repo, &["commit", "-qam", "B's morning"]);

    let merged = git(&repo, &["merge", "-q", "--no-edit", "a"]);
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let bundle: Value = serde_json::from_str(&text).expect("the merged file is JSON");
    assert!(bundle.get("conflicts").is_none());
    assert!(!scratch.exists(), "the driver opened no database");

    // Into a fresh database: both sides' changes are there.
    let c = d.join("c.db");
    ok(debrief_at(d, &c).args(["bundle", "import", file_s]));
    let inc = incident(d, &c);
    assert_eq!(inc["title"], "Phish and token theft", "{inc}");
    assert_eq!(inc["severity"], "critical", "{inc}");
    let act = json(debrief_at(d, &c).args(["action", "show", &action, "--json"]));
    assert_eq!(act["status"], "accepted", "{act}");
    assert_eq!(act["due"], "2026-04-01", "{act}");
    let events = json(debrief_at(d, &c).args(["event", "list", "IR-1", "--json"]));
    let texts: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["mail reported", "token revoked"]);

    // Into analyst B's own database: A's changes arrive, B's stay.
    ok(debrief_at(d, &b).args(["bundle", "import", file_s]));
    let inc = incident(d, &b);
    assert_eq!(inc["title"], "Phish and token theft", "{inc}");
    assert_eq!(inc["severity"], "critical", "{inc}");
    let act = json(debrief_at(d, &b).args(["action", "show", &action, "--json"]));
    assert_eq!(
        (act["status"].as_str(), act["due"].as_str()),
        (Some("accepted"), Some("2026-04-01")),
        "{act}"
    );

    // And into A's: field by field against what A last exported to the file, so both
    // analysts end with the same incident, byte for byte.
    let out = ok(debrief_at(d, &a).args(["bundle", "import", file_s]));
    assert!(out.contains("field by field"), "{out}");
    assert_eq!(
        ok(debrief_at(d, &a).args(["bundle", "export", "IR-1"])),
        ok(debrief_at(d, &b).args(["bundle", "export", "IR-1"])),
        "A and B hold the same incident"
    );

    // The same title both ways: git stops, the file is still JSON.
    git_ok(&repo, &["checkout", "-q", "-b", "a2"]);
    let mut side_a = bundle.clone();
    side_a["tables"]["incidents"][0]["title"] = "Title A".into();
    std::fs::write(&file, serde_json::to_string_pretty(&side_a).unwrap()).unwrap();
    git_ok(&repo, &["commit", "-qam", "A's title"]);
    git_ok(&repo, &["checkout", "-q", "main"]);
    let mut side_b = bundle.clone();
    side_b["tables"]["incidents"][0]["title"] = "Title B".into();
    std::fs::write(&file, serde_json::to_string_pretty(&side_b).unwrap()).unwrap();
    git_ok(&repo, &["commit", "-qam", "B's title"]);
    let stopped = git(&repo, &["merge", "-q", "--no-edit", "a2"]);
    assert!(!stopped.status.success(), "git stops on the conflict");
    let text = std::fs::read_to_string(&file).unwrap();
    let conflicted: Value = serde_json::from_str(&text).expect("the conflicted file is JSON");
    assert_eq!(conflicted["conflicts"][0]["field"], "title");

    // Import names the field; resolving gives a clean bundle that imports.
    let refused = fail(debrief_at(d, &c).args(["bundle", "import", file_s]));
    assert!(
        refused.contains("title") && refused.contains("Title A") && refused.contains("Title B"),
        "{refused}"
    );
    ok(debrief_at(d, &c).args(["bundle", "resolve", file_s, "--take", "theirs"]));
    let clean: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(clean.get("conflicts").is_none());
    let e = d.join("e.db");
    ok(debrief_at(d, &e).args(["bundle", "import", file_s]));
    assert_eq!(incident(d, &e)["title"], "Title A");
}

#[test]
fn team_commands_export_every_incident_import_a_folder_and_set_git_up() {
    let tmp = tmp();
    let d = tmp.path();
    let (a, b) = (d.join("a.db"), d.join("b.db"));
    for key in ["IR-1", "IR-2"] {
        ok(debrief_at(d, &a).args(["incident", "new", key, "--title", "T"]));
    }
    let repo = d.join("team");
    let out = ok(debrief_at(d, &a).args(["git", "init", repo.to_str().unwrap()]));
    assert!(out.contains("merge.debrief.driver"), "{out}");
    let attributes = std::fs::read_to_string(repo.join(".gitattributes")).unwrap();
    assert!(
        attributes.contains("*.debrief.json merge=debrief"),
        "{attributes}"
    );
    let cfg = git(&repo, &["config", "merge.debrief.driver"]);
    assert_eq!(
        String::from_utf8_lossy(&cfg.stdout).trim(),
        "debrief bundle merge %O %A %B"
    );

    let out =
        ok(debrief_at(d, &a).args(["bundle", "export", "--all", "-o", repo.to_str().unwrap()]));
    assert_eq!(out, format!("wrote 2 bundles to {}\n", repo.display()));
    assert!(repo.join("IR-1.debrief.json").is_file() && repo.join("IR-2.debrief.json").is_file());
    let out = ok(debrief_at(d, &b).args(["bundle", "import", repo.to_str().unwrap()]));
    assert!(
        out.contains("created IR-1") && out.contains("created IR-2"),
        "{out}"
    );
    assert!(incident(d, &b)["title"] == "T");
}
