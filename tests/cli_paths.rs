//! debrief writes only into its data folder and to the paths the analyst names: not the
//! working folder, not the temporary folder, nowhere else in the home folder.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// Every file under `root`, as paths relative to it.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn nothing_is_written_outside_the_data_folder_and_the_named_paths() {
    let dir = tmp();
    let d = dir.path();
    for sub in ["work", "tmp", "in", "out"] {
        std::fs::create_dir(d.join(sub)).unwrap();
    }
    std::fs::write(
        d.join("in/sketch.csv"),
        "message,datetime,timestamp_desc\nSign-in,2026-03-11T09:19:44Z,Event Recorded\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut cmd = debrief_bare(d);
        cmd.current_dir(d.join("work")).env("TMPDIR", d.join("tmp"));
        ok(cmd.args(args))
    };
    let key = "IR-2026-014";
    run(&["demo"]);
    run(&["event", "list", key, "--json"]);
    run(&["import", key, "../in/sketch.csv"]);
    run(&["report", key, "--format", "html"]);
    run(&["export", key, "--format", "timesketch-csv"]);
    run(&["bundle", "export", key]);
    run(&["report", key, "-o", "../out/report.md"]);
    run(&["backup", "-o", "../out/copy.db"]);

    let written = files_under(d);
    let allowed = |p: &PathBuf| {
        p.starts_with("data/debrief")
            || p == Path::new("out/report.md")
            || p == Path::new("out/copy.db")
            || p == Path::new("in/sketch.csv")
    };
    let stray: Vec<_> = written.iter().filter(|p| !allowed(p)).collect();
    assert!(
        stray.is_empty(),
        "written outside: {stray:?} (all: {written:?})"
    );
    assert!(
        written.contains(&PathBuf::from("data/debrief/debrief.db")),
        "{written:?}"
    );
}

#[cfg(unix)]
#[test]
fn every_file_written_is_private_even_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp();
    let d = dir.path();
    std::fs::create_dir(d.join("out")).unwrap();
    std::fs::write(
        d.join("sketch.csv"),
        "message,datetime,timestamp_desc\nSign-in,2026-03-11T09:19:44Z,Event Recorded\n\
         Bad row,not a time,Event Recorded\n",
    )
    .unwrap();
    let run = |args: &[&str]| ok(debrief_under_umask(d, "000").args(args));
    let key = "IR-2026-014";
    run(&["demo"]);
    run(&["import", key, "sketch.csv", "--skip-bad"]);
    for format in ["md", "html", "json"] {
        run(&["report", key, "-o", &format!("out/report.{format}")]);
    }
    run(&["export", key, "--format", "iris-csv", "-o", "out/iris.csv"]);
    run(&[
        "export",
        key,
        "--format",
        "actions-csv",
        "-o",
        "out/actions.csv",
    ]);
    run(&["bundle", "export", key, "-o", "out/bundle.json"]);
    run(&["backup", "-o", "out/copy.db"]);

    let written: Vec<PathBuf> = files_under(d)
        .into_iter()
        .filter(|p| p != Path::new("sketch.csv"))
        .collect();
    let expected = [
        "data/debrief/debrief.db",
        "out/actions.csv",
        "out/bundle.json",
        "out/copy.db",
        "out/iris.csv",
        "out/report.html",
        "out/report.json",
        "out/report.md",
        "sketch.csv.rejects.csv",
    ];
    assert_eq!(written, expected.map(PathBuf::from));
    for path in &written {
        let mode = std::fs::metadata(d.join(path))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{} is {mode:o}", path.display());
    }
}
