//! docs/JSON.md stays true: each section's table of fields is compared, in order, with
//! what the demo incident prints for that command.

mod common;

use common::*;
use serde_json::Value;

/// (heading, the field names of each table under it, in order).
fn documented() -> Vec<(String, Vec<Vec<String>>)> {
    let text = include_str!("../docs/JSON.md");
    let mut sections: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            sections.push((heading.to_string(), Vec::new()));
            in_table = false;
            continue;
        }
        let Some((_, tables)) = sections.last_mut() else {
            continue;
        };
        if let Some(field) = line
            .strip_prefix("| `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(f, _)| f.to_string())
        {
            if !in_table {
                tables.push(Vec::new());
                in_table = true;
            }
            tables.last_mut().unwrap().push(field);
        } else if !line.starts_with('|') {
            in_table = false;
        }
    }
    sections
}

fn keys(v: &Value) -> Vec<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_documented_json_output_has_the_documented_fields() {
    let dir = tmp();
    let d = dir.path();
    ok(debrief(d).arg("demo"));
    let key = "IR-2026-014";
    let backlog = json(debrief(d).args(["backlog", "--json"]));
    let action = backlog[0]["id"].as_str().unwrap().to_string();

    let sections = documented();
    let mut checked = Vec::new();
    for (heading, tables) in &sections {
        let command = heading.replace("KEY", key).replace("ID", &action);
        let args: Vec<&str> = command.split(' ').collect();
        if heading == "Bundles" || tables.is_empty() {
            continue;
        }
        let out = json(debrief(d).args(&args));
        let record = match &out {
            Value::Array(all) => all
                .first()
                .cloned()
                .unwrap_or_else(|| panic!("{heading}: empty")),
            other => other.clone(),
        };
        assert_eq!(
            keys(&record),
            tables[0],
            "docs/JSON.md's {heading:?} is out of step"
        );
        if heading.starts_with("action show") {
            assert_eq!(keys(&record["reviews"][0]), tables[1], "{heading}: reviews");
        }
        if heading.starts_with("paths") {
            for name in &tables[0] {
                assert_eq!(keys(&record[name]), ["path", "exists"], "{heading}: {name}");
            }
        }
        checked.push(heading.split(' ').take(2).collect::<Vec<_>>().join(" "));
    }
    // Every --json the command line has is documented.
    let mut json_commands = Vec::new();
    fn walk(path: &str, cmd: &clap::Command, found: &mut Vec<String>) {
        if cmd.get_arguments().any(|a| a.get_id() == "json") {
            found.push(path.trim().to_string());
        }
        for sub in cmd.get_subcommands() {
            walk(&format!("{path} {}", sub.get_name()), sub, found);
        }
    }
    walk("", &debrief::cli::command(), &mut json_commands);
    for c in &json_commands {
        let documented = checked
            .iter()
            .any(|h| h == c || h.split(' ').next() == Some(c.as_str()) && !c.contains(' '));
        assert!(
            documented,
            "{c} --json is not in docs/JSON.md (documented: {checked:?})"
        );
    }
    assert!(checked.len() >= 13, "{checked:?}");
}
