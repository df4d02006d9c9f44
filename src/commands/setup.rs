//! `debrief completions`, `man`, `paths` and `config example`: about debrief itself, run
//! without opening the database (so `paths` never creates it).

use crate::cli::{ConfigCommand, SetupCommand};
use crate::config;
use anyhow::{Result, anyhow};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The example config.toml: every setting, commented, at its default.
pub const CONFIG_EXAMPLE: &str = include_str!("../../assets/config.example.toml");

/// Runs one of the commands about debrief itself; `db` is the `--db` / `DEBRIEF_DB` given.
pub fn run(command: SetupCommand, db: Option<&Path>, out: &mut dyn Write) -> Result<()> {
    match command {
        SetupCommand::Completions { shell } => {
            // Into memory first: clap_complete panics when its writer fails, and a
            // reader that stops early (`| head`) closes the pipe.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut crate::cli::command(), "debrief", &mut script);
            Ok(out.write_all(&script)?)
        }
        SetupCommand::Man { subcommand } => man(&subcommand, out),
        SetupCommand::Paths { json } => paths(db, json, out),
        SetupCommand::Config(ConfigCommand::Example) => {
            Ok(out.write_all(CONFIG_EXAMPLE.as_bytes())?)
        }
    }
}

fn man(path: &[String], out: &mut dyn Write) -> Result<()> {
    let mut cmd = crate::cli::command();
    // Built, so a subcommand's page is titled `debrief-event-add` and its usage is whole.
    cmd.build();
    let mut page = cmd;
    for name in path {
        let found = page.find_subcommand(name).cloned().ok_or_else(|| {
            anyhow!(
                "{name:?} is not a subcommand of {}: see debrief --help",
                page.get_name()
            )
        })?;
        page = found;
    }
    clap_mangen::Man::new(page)
        .source(format!("debrief {}", env!("CARGO_PKG_VERSION")))
        .render(out)?;
    Ok(())
}

/// One path debrief uses, and whether it is there.
struct Place {
    name: &'static str,
    path: Option<PathBuf>,
    /// What is used instead when the path is missing.
    otherwise: &'static str,
}

/// The same resolution the program uses: `--db` or `DEBRIEF_DB`, else the platform data
/// folder; `DEBRIEF_CONFIG`, else the platform config folder, with the templates folder
/// and the checklist beside the config file.
fn places(db: Option<&Path>) -> Vec<Place> {
    let dir = config::config_dir();
    vec![
        Place {
            name: "database",
            path: db
                .map(Path::to_path_buf)
                .or_else(|| config::default_db_path().ok()),
            otherwise: "created when first used",
        },
        Place {
            name: "config",
            path: config::config_path(),
            otherwise: "the defaults apply",
        },
        Place {
            name: "templates",
            path: dir.as_ref().map(|d| d.join("templates")),
            otherwise: "the shipped report templates are used",
        },
        Place {
            name: "checklist",
            path: dir.map(|d| d.join("evaluation.toml")),
            otherwise: "the shipped evaluation checklist is used",
        },
    ]
}

fn paths(db: Option<&Path>, as_json: bool, out: &mut dyn Write) -> Result<()> {
    let places = places(db);
    if as_json {
        let mut all = serde_json::Map::new();
        for p in &places {
            all.insert(
                p.name.to_string(),
                json!({
                    "path": p.path.as_ref().map(|p| p.display().to_string()),
                    "exists": p.path.as_ref().is_some_and(|p| p.exists()),
                }),
            );
        }
        writeln!(out, "{}", super::pretty_json(&all)?)?;
        return Ok(());
    }
    for p in &places {
        match &p.path {
            Some(path) if path.exists() => {
                writeln!(out, "{:<10} {}  (exists)", p.name, shown(path))?
            }
            Some(path) => writeln!(
                out,
                "{:<10} {}  (missing: {})",
                p.name,
                shown(path),
                p.otherwise
            )?,
            None => writeln!(
                out,
                "{:<10} (unknown: no home folder; missing: {})",
                p.name, p.otherwise
            )?,
        }
    }
    Ok(())
}

/// A path as printed for people: it comes from the environment, so it is made inert.
fn shown(path: &Path) -> String {
    crate::text::inert(&path.display().to_string()).into_owned()
}
