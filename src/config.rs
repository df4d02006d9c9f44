//! Where things live and who is at the keyboard.
//!
//! The database: `--db PATH` beats `DEBRIEF_DB` (both handled by the CLI) beats the
//! platform data dir (`~/.local/share/debrief/debrief.db` on Linux). The user config is
//! `config.toml` in the platform config dir, or the file `DEBRIEF_CONFIG` names.

use crate::domain::evaluation::{ChecklistArea, default_checklist, parse_checklist};
use crate::io::report::TemplateSource;
use crate::io::template::ReportFormat;
use crate::keymap::{KeySpec, Keymap};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "debrief")
}

/// The default database file when neither `--db` nor `DEBRIEF_DB` says otherwise.
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = project_dirs().context(
        "cannot find a home folder for the database; give one with --db PATH or DEBRIEF_DB",
    )?;
    Ok(dirs.data_dir().join("debrief.db"))
}

/// The user config file (it need not exist).
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DEBRIEF_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

/// How many days an open action may go without a review before it stands out, when
/// config.toml does not say (`review_days`).
pub const DEFAULT_REVIEW_DAYS: i64 = 14;

/// What the user may set in config.toml (assets/config.example.toml lists every setting;
/// a test keeps it in step).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The name the history records changes under.
    pub analyst: Option<String>,
    /// Open actions not reviewed for this many days stand out ([`DEFAULT_REVIEW_DAYS`]).
    pub review_days: Option<i64>,
    /// Key overrides per screen: `[keys.timeline] capture = "C"`.
    #[serde(default)]
    pub keys: BTreeMap<String, BTreeMap<String, KeySpec>>,
}

impl Config {
    /// Reads the config file; a missing file is the defaults, a broken one an error
    /// naming the file, line and field.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        Config::parse(&text).with_context(|| format!("{}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Config> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let message = e.message().to_string();
            match line {
                Some(line) => anyhow::anyhow!("line {line}: {message}"),
                None => anyhow::anyhow!("{message}"),
            }
        })
    }

    /// How many days an open action may go without a review before it stands out.
    pub fn review_days(&self) -> i64 {
        self.review_days.unwrap_or(DEFAULT_REVIEW_DAYS)
    }

    /// The default keys with the user's overrides applied.
    pub fn keymap(&self) -> Result<Keymap> {
        let mut map = Keymap::default();
        map.apply_overrides(&self.keys).map_err(|e| {
            let file = config_path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "config.toml".into());
            anyhow::anyhow!("{file}: {e}")
        })?;
        Ok(map)
    }

    /// Who the history says made a change: the configured analyst, else the OS user.
    pub fn analyst(&self) -> String {
        self.analyst
            .clone()
            .filter(|a| !a.trim().is_empty())
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .or_else(|| std::env::var("USERNAME").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "analyst".to_string())
    }
}

/// The folder beside config.toml, where the analyst's own templates and checklist live.
pub fn config_dir() -> Option<PathBuf> {
    config_path().and_then(|p| p.parent().map(Path::to_path_buf))
}

/// The report template to use: the file given with `--template`, else
/// `<config folder>/templates/report.<ext>.j2` when it exists, else the shipped one
/// (`None`: JSON has no template).
pub fn report_template(
    format: ReportFormat,
    explicit: Option<&Path>,
) -> Result<Option<TemplateSource>> {
    if format == ReportFormat::Json {
        if let Some(p) = explicit {
            anyhow::bail!(
                "--template {}: the JSON report is the data itself and takes no template",
                p.display()
            );
        }
        return Ok(None);
    }
    let overriding = config_dir().map(|d| d.join("templates").join(format.template_file_name()));
    let path = match (explicit, overriding) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) if p.is_file() => p,
        _ => return Ok(TemplateSource::builtin(format)),
    };
    let source = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the template {}", path.display()))?;
    Ok(Some(TemplateSource {
        source,
        origin: path.display().to_string(),
    }))
}

/// The checklist new evaluations start from: `<config folder>/evaluation.toml` when it
/// exists, else the one shipped in assets/evaluation/.
pub fn evaluation_checklist() -> Result<Vec<ChecklistArea>> {
    match config_dir().map(|d| d.join("evaluation.toml")) {
        Some(p) if p.is_file() => {
            let text = std::fs::read_to_string(&p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            parse_checklist(&text, &p.display().to_string()).map_err(anyhow::Error::msg)
        }
        _ => Ok(default_checklist()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyst_comes_from_config_first() {
        let c = Config::parse("analyst = \"A. Reviewer\"\n").unwrap();
        assert_eq!(c.analyst(), "A. Reviewer");
    }

    #[test]
    fn keys_are_rebound_from_the_config() {
        let c =
            Config::parse("[keys.timeline]\ncapture = \"C\"\nfilter = [\"/\", \"f\"]\n").unwrap();
        let map = c.keymap().unwrap();
        use crate::keymap::{Command, Key};
        use crate::view::View;
        assert_eq!(
            map.command(View::Timeline, Key::char('C')),
            Some(Command::Capture)
        );
        assert_eq!(
            map.command(View::Timeline, Key::char('f')),
            Some(Command::Filter)
        );
        let bad = Config::parse("[keys.timeline]\ncapture = \"hyper-c\"\n").unwrap();
        let e = bad.keymap().unwrap_err().to_string();
        assert!(e.contains("capture") && e.contains("hyper-c"), "{e}");
    }

    /// A config with a `[keys.<screen>]` section for every screen the README names: each
    /// rebinds one command the screen has, and `[keys.global]` moves undo to `U`.
    fn every_section_toml() -> String {
        use crate::keymap::Where;
        let defaults = Keymap::default();
        let mut text = String::from("[keys.global]\nundo = \"U\"\n");
        for place in Where::all().filter(|p| *p != Where::Global) {
            let first = defaults
                .bindings()
                .iter()
                .find(|b| b.place == place)
                .unwrap();
            text.push_str(&format!(
                "[keys.{}]\n{} = [\"f2\", \"{}\"]\n",
                place.name(),
                first.command.name(),
                first.key
            ));
        }
        text
    }

    #[test]
    fn a_section_for_every_screen_the_readme_names_is_accepted() {
        use crate::keymap::{Command, Key};
        use crate::view::View;
        let readme = include_str!("../README.md");
        let sentence = readme
            .split("Screens are ")
            .nth(1)
            .and_then(|s| s.split(';').next())
            .expect("the README lists the screens");
        let named: Vec<&str> = sentence.split('`').skip(1).step_by(2).collect();
        let known: Vec<&str> = crate::keymap::Where::all().map(|w| w.name()).collect();
        assert_eq!(
            named, known,
            "the README and the key map name the same screens"
        );

        let text = every_section_toml();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, &text).unwrap();
        let config = Config::load(Some(&path)).unwrap();
        for name in &named {
            assert!(
                config.keys.contains_key(*name),
                "{name} missing from\n{text}"
            );
        }
        let map = config.keymap().unwrap();
        let f2 = Key::plain(crossterm::event::KeyCode::F(2));
        for view in View::ALL {
            assert!(map.command(view, f2).is_some(), "{}", view.name());
            assert_eq!(map.command(view, Key::char('U')), Some(Command::Undo));
        }
    }

    /// The `[keys.*]` part of the example config: every place's commands with their
    /// default keys and what they do, commented out.
    fn example_keys() -> String {
        let defaults = Keymap::default();
        let mut text = String::new();
        for place in crate::keymap::Where::all() {
            text.push_str(&format!("\n# [keys.{}]\n", place.name()));
            let mut seen = Vec::new();
            for b in defaults.bindings().iter().filter(|b| b.place == place) {
                if seen.contains(&b.command) {
                    continue;
                }
                seen.push(b.command);
                let keys: Vec<String> = defaults
                    .bindings()
                    .iter()
                    .filter(|k| k.place == place && k.command == b.command)
                    .map(|k| format!("{:?}", k.key.to_string()))
                    .collect();
                let value = match keys.as_slice() {
                    [one] => one.clone(),
                    many => format!("[{}]", many.join(", ")),
                };
                let setting = format!("# {} = {value}", b.command.name());
                text.push_str(&format!("{setting:<34} # {}\n", b.description));
            }
        }
        text
    }

    /// The example with every setting line uncommented.
    fn uncommented(example: &str) -> String {
        example
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with("[keys.")
                        || rest.split_once(" = ").is_some_and(|(name, _)| {
                            !name.is_empty()
                                && name
                                    .chars()
                                    .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
                        }) =>
                {
                    rest
                }
                _ => line,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_example_config_lists_every_setting_at_its_default() {
        let example = crate::commands::setup::CONFIG_EXAMPLE;
        let keys = example_keys();
        assert!(
            example.contains(&keys),
            "assets/config.example.toml's keys are out of step with the key table; they are now:\n{keys}"
        );
        // As shipped, everything is commented: the example changes nothing.
        assert_eq!(Config::parse(example).unwrap(), Config::default());

        // Every setting uncommented parses with the real loader and gives the defaults.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, uncommented(example)).unwrap();
        let config = Config::load(Some(&path)).unwrap();
        assert_eq!(config.review_days, Some(DEFAULT_REVIEW_DAYS));
        assert!(config.analyst.as_deref().is_some_and(|a| !a.is_empty()));
        let places = crate::keymap::Where::all().count();
        assert_eq!(config.keys.len(), places, "a section per place");
        let sorted = |map: &Keymap| {
            let mut all: Vec<String> = map
                .bindings()
                .iter()
                .map(|b| format!("{} {} {}", b.place.name(), b.key, b.command.name()))
                .collect();
            all.sort();
            all
        };
        assert_eq!(
            sorted(&config.keymap().unwrap()),
            sorted(&Keymap::default())
        );
    }

    #[test]
    fn a_bad_config_names_the_line_and_field() {
        let e = Config::parse("\n\nanalist = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("analist"), "{e}");
    }
}
