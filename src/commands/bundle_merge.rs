//! `bundle merge` (a git merge driver: `debrief bundle merge %O %A %B`) and `bundle
//! resolve`: the three-way merge of store/merge.rs, read from and written to files.

use crate::store::merge::{self, MergeConflict, Merged, Side};
use crate::text::inert;
use anyhow::{Context, Result, anyhow, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Reads a bundle file; an empty file is an empty bundle (git gives one as the common
/// ancestor of a file both sides added).
pub(super) fn read_bundle(path: &Path) -> Result<serde_json::Value> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
    if text.trim().is_empty() {
        return Ok(merge::empty_bundle());
    }
    serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "{name}: not a bundle: line {}, column {}: {e}",
            e.line(),
            e.column()
        )
    })
}

pub(crate) fn write_bundle(path: &Path, bundle: &serde_json::Value) -> Result<()> {
    let mut text = serde_json::to_string_pretty(bundle)?;
    text.push('\n');
    crate::io::files::write_private(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Writes an incident's bundle into a private file, streamed from the store row by row.
pub(super) fn stream_bundle(
    store: &crate::store::Store,
    incident_id: &str,
    path: &Path,
) -> Result<()> {
    let cannot = || format!("cannot write {}", path.display());
    let mut file = crate::io::files::PrivateFile::create(path).with_context(cannot)?;
    store
        .write_bundle(incident_id, &mut file)
        .with_context(cannot)?;
    file.commit().with_context(cannot)
}

/// Writes the merged bundle (to standard output for `-o -`), and fails (exit 1) listing
/// the conflicts when there are any.
fn finish(m: &Merged, path: &Path, out: &mut dyn Write, verb: &str) -> Result<()> {
    if super::is_dash(Some(path)) {
        let mut text = serde_json::to_string_pretty(&m.bundle)?;
        text.push('\n');
        out.write_all(crate::text::json_safe(&text).as_bytes())?;
    } else {
        write_bundle(path, &m.bundle)?;
    }
    if m.conflicts.is_empty() && super::is_dash(Some(path)) {
        return Ok(());
    }
    if m.conflicts.is_empty() {
        writeln!(out, "{verb} into {}: no conflicts", path.display())?;
        return Ok(());
    }
    let list: Vec<String> = m
        .conflicts
        .iter()
        .map(|c| inert(&c.describe()).into_owned())
        .collect();
    let into = if super::is_dash(Some(path)) {
        "standard output".to_string()
    } else {
        path.display().to_string()
    };
    // As git's merge driver, the file is git's temporary copy: name what to run on.
    let by_git = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with(".merge_file"));
    let how = if by_git {
        "settle them with `debrief bundle resolve FILE` on the file `git status` shows as conflicted, then `git add` it".to_string()
    } else if super::is_dash(Some(path)) {
        "save it to a file and settle them with `debrief bundle resolve FILE`".to_string()
    } else {
        format!(
            "settle them with `debrief bundle resolve {}`",
            path.display()
        )
    };
    bail!(
        "{verb} into {into} with {} conflicts, listed in its \"conflicts\" section: {}; {how}",
        m.conflicts.len(),
        list.join("; "),
    )
}

pub fn merge(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    output: Option<PathBuf>,
    out: &mut dyn Write,
) -> Result<()> {
    let m = merge::merge_bundles(
        &read_bundle(base)?,
        &read_bundle(ours)?,
        &read_bundle(theirs)?,
    )?;
    finish(&m, output.as_deref().unwrap_or(ours), out, "merged")
}

pub(super) fn side(text: &str) -> Result<Side> {
    match text {
        "ours" => Ok(Side::Ours),
        "theirs" => Ok(Side::Theirs),
        other => bail!("{:?} is not a side: say ours or theirs", inert(other)),
    }
}

/// `TABLE:ID:FIELD=SOMETHING` split at its last `=` (`--field`) or its first (`--set`,
/// whose value may hold one).
fn named<'a>(flag: &str, text: &'a str, value: &str) -> Result<(&'a str, &'a str)> {
    let split = if flag == "--set" {
        text.split_once('=')
    } else {
        text.rsplit_once('=')
    };
    split.ok_or_else(|| anyhow!("{flag} takes TABLE:ID:FIELD={value}, not {:?}", inert(text)))
}

/// The sides and values chosen on the command line, by conflict (`TABLE:ID:FIELD`).
pub(super) struct Choices {
    all: Option<Side>,
    sides: Vec<(String, Side)>,
    values: Vec<(String, String)>,
}

impl Choices {
    pub(super) fn parse(take: Option<&str>, fields: &[String], set: &[String]) -> Result<Choices> {
        let mut sides = Vec::new();
        for f in fields {
            let (target, s) = named("--field", f, "ours|theirs")?;
            sides.push((target.to_string(), side(s)?));
        }
        let mut values = Vec::new();
        for f in set {
            let (target, v) = named("--set", f, "VALUE")?;
            values.push((target.to_string(), v.to_string()));
        }
        Ok(Choices {
            all: take.map(side).transpose()?,
            sides,
            values,
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.all.is_none() && self.sides.is_empty() && self.values.is_empty()
    }

    /// The value chosen for one conflict, if any.
    pub(super) fn choose(
        &self,
        c: &MergeConflict,
    ) -> std::result::Result<Option<serde_json::Value>, String> {
        let target = c.target();
        if let Some((_, text)) = self.values.iter().find(|(t, _)| *t == target) {
            return c.typed_value(text).map(Some);
        }
        Ok(self
            .sides
            .iter()
            .find(|(t, _)| *t == target)
            .map(|(_, s)| *s)
            .or(self.all)
            .map(|s| c.side(s).clone()))
    }

    /// Settles what was chosen; a --field or --set naming no conflict is an error, so a
    /// mistyped name is not silently ignored.
    pub(super) fn settle(&self, bundle: &serde_json::Value) -> Result<Merged> {
        let listed = merge::conflicts_of(bundle).unwrap_or_default();
        let named = self
            .sides
            .iter()
            .map(|(t, _)| t)
            .chain(self.values.iter().map(|(t, _)| t));
        for target in named {
            if !listed.iter().any(|c| c.target() == *target) {
                bail!(
                    "no conflict is named {:?}; the conflicts are: {}",
                    inert(target),
                    listed
                        .iter()
                        .map(|c| inert(&c.target()).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
        }
        let mut chosen = Vec::new();
        for c in &listed {
            let value = self
                .choose(c)
                .map_err(|e| anyhow!(inert(&e).into_owned()))?;
            chosen.push((c.target(), value));
        }
        Ok(merge::settle(bundle, |c| {
            let target = c.target();
            chosen
                .iter()
                .find(|(t, _)| *t == target)
                .and_then(|(_, v)| v.clone())
        })?)
    }
}

pub fn resolve(
    file: &Path,
    take: Option<String>,
    fields: &[String],
    set: &[String],
    output: Option<PathBuf>,
    config: &crate::config::Config,
    out: &mut dyn Write,
) -> Result<()> {
    let choices = Choices::parse(take.as_deref(), fields, set)?;
    let bundle = read_bundle(file)?;
    let target = output.unwrap_or_else(|| file.to_path_buf());
    if choices.is_empty() && merge::conflicts_of(&bundle).is_some_and(|c| !c.is_empty()) {
        use std::io::IsTerminal;
        if super::is_dash(Some(&target)) {
            bail!(
                "the conflicts list writes a file: give -o FILE (or settle with --take, --field or --set to print the bundle with -o -)"
            );
        }
        if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
            bail!(
                "{} has conflicts: settle them on screen (run this in a terminal), or with --take ours|theirs, --field TABLE:ID:FIELD=ours|theirs, --set TABLE:ID:FIELD=VALUE",
                file.display()
            );
        }
        let written = crate::tui::resolve(bundle, &target, config.keymap()?)?;
        if written {
            writeln!(out, "resolved into {}: no conflicts", target.display())?;
        } else {
            writeln!(
                out,
                "nothing written; {} still has its conflicts",
                file.display()
            )?;
        }
        return Ok(());
    }
    finish(&choices.settle(&bundle)?, &target, out, "resolved")
}

/// `bundle export --all -o DIR`: one `KEY.debrief.json` per incident.
pub fn export_all(
    store: &mut crate::store::Store,
    dir: Option<&Path>,
    out: &mut dyn Write,
) -> Result<()> {
    let dir = dir.ok_or_else(|| anyhow!("--all needs -o DIR, the folder to write into"))?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let incidents = store.list_incidents()?;
    for i in &incidents {
        let path = dir.join(format!("{}.debrief.json", i.incident.key));
        stream_bundle(store, &i.incident.id, &path)?;
        super::bundle_import::remember_export(store, &i.incident.id, &path, out)?;
    }
    writeln!(
        out,
        "wrote {} bundles to {}",
        incidents.len(),
        dir.display()
    )?;
    Ok(())
}

/// The bundles of a folder (`*.debrief.json`), in name order.
pub fn bundles_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".debrief.json"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("{} has no *.debrief.json bundles", dir.display());
    }
    Ok(files)
}

/// The line `.gitattributes` needs and the driver git runs.
pub const GIT_ATTRIBUTES: &str = "*.debrief.json merge=debrief";
pub const GIT_DRIVER: &str = "debrief bundle merge %O %A %B";

/// `debrief git init DIR`: .gitattributes and the merge driver's config.
pub fn git_init(dir: &Path, out: &mut dyn Write) -> Result<()> {
    use std::process::Command;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let git = |args: &[&str]| -> Result<()> {
        let status = Command::new("git")
            .args(args)
            .current_dir(dir)
            .status()
            .context("cannot run git; install git, then run this again")?;
        if !status.success() {
            bail!("git {} failed in {}", args.join(" "), dir.display());
        }
        Ok(())
    };
    if !dir.join(".git").exists() {
        git(&["init", "-q"])?;
    }
    let attributes = dir.join(".gitattributes");
    let old = std::fs::read_to_string(&attributes).unwrap_or_default();
    if !old.lines().any(|l| l.trim() == GIT_ATTRIBUTES) {
        let mut text = old;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(GIT_ATTRIBUTES);
        text.push('\n');
        std::fs::write(&attributes, text)
            .with_context(|| format!("cannot write {}", attributes.display()))?;
    }
    git(&[
        "config",
        "merge.debrief.name",
        "debrief bundles, field by field",
    ])?;
    git(&["config", "merge.debrief.driver", GIT_DRIVER])?;
    writeln!(
        out,
        "{}: .gitattributes has \"{GIT_ATTRIBUTES}\"; merge.debrief.driver = \"{GIT_DRIVER}\" (a clone needs: git config merge.debrief.driver \"{GIT_DRIVER}\")",
        dir.display()
    )?;
    Ok(())
}
