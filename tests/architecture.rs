//! The shape of the code, kept: dependencies point one way (the store knows nothing of
//! io, the workbench's state nothing of drawing), no source file grows past 650 lines,
//! and every screen has its state and keys and its drawing under the same name.

use std::path::{Path, PathBuf};

fn sources(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut out);
    out.sort();
    out
}

/// A path as the repository names it.
fn shown(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Test modules may reach anywhere; shipped code may not.
fn is_test(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name.contains("test")
}

/// The lines of shipped code, without a `#[cfg(test)]` module at the end of the file.
fn shipped_lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines().map(str::to_string).collect()
}

fn uses(dir: &str, forbidden: &str) -> Vec<String> {
    sources(dir)
        .into_iter()
        .filter(|p| !is_test(p))
        .flat_map(|p| {
            shipped_lines(&p)
                .into_iter()
                .enumerate()
                .filter(|(_, l)| l.contains(forbidden))
                .map(move |(n, l)| format!("{}:{}: {}", shown(&p), n + 1, l.trim()))
        })
        .collect()
}

#[test]
fn the_store_does_not_reach_into_io() {
    let found = uses("src/store", "crate::io");
    assert!(
        found.is_empty(),
        "store code using io:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_workbench_state_does_not_reach_into_drawing() {
    let found = uses("src/app", "crate::ui");
    assert!(found.is_empty(), "app code using ui:\n{}", found.join("\n"));
}

#[test]
fn no_source_file_is_over_650_lines() {
    let big: Vec<String> = sources("src")
        .into_iter()
        .filter(|p| !is_test(p))
        .filter_map(|p| {
            let n = std::fs::read_to_string(&p).unwrap().lines().count();
            (n > 650).then(|| format!("{} has {n} lines", shown(&p)))
        })
        .collect();
    assert!(
        big.is_empty(),
        "split these by what a reader looks for:\n{}",
        big.join("\n")
    );
}

#[test]
fn every_screen_has_its_keys_and_its_drawing_under_one_name() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for screen in [
        "incidents",
        "overview",
        "timeline",
        "findings",
        "evidence",
        "backlog",
        "owners",
        "evaluation",
        "report",
    ] {
        for side in ["src/app/screens", "src/ui/screens"] {
            let file = root.join(side).join(format!("{screen}.rs"));
            assert!(file.is_file(), "{} is missing", file.display());
        }
    }
}
