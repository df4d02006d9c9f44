//! `bundle merge` (a git merge driver: `debrief bundle merge %O %A %B`) and `bundle
//! resolve`: the three-way merge of store/merge.rs, read from and written to files.

use crate::store::merge::{self, Merged, Side};
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

fn write_bundle(path: &Path, bundle: &serde_json::Value) -> Result<()> {
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

/// Writes the merged bundle, and fails (exit 1) listing the conflicts when there are any.
fn finish(m: &Merged, path: &Path, out: &mut dyn Write, verb: &str) -> Result<()> {
    write_bundle(path, &m.bundle)?;
    if m.conflicts.is_empty() {
        writeln!(out, "{verb} into {}: no conflicts", path.display())?;
        return Ok(());
    }
    let list: Vec<String> = m
        .conflicts
        .iter()
        .map(|c| format!("  {}", inert(&c.describe())))
        .collect();
    bail!(
        "{verb} into {} with {} conflicts (settle them with `debrief bundle resolve {}`):\n{}",
        path.display(),
        m.conflicts.len(),
        path.display(),
        list.join("\n")
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

fn side(text: &str) -> Result<Side> {
    match text {
        "ours" => Ok(Side::Ours),
        "theirs" => Ok(Side::Theirs),
        other => bail!("{:?} is not a side: say ours or theirs", inert(other)),
    }
}

pub fn resolve(
    file: &Path,
    take: Option<String>,
    fields: &[String],
    output: Option<PathBuf>,
    out: &mut dyn Write,
) -> Result<()> {
    let all = take.as_deref().map(side).transpose()?;
    let mut chosen = Vec::new();
    for f in fields {
        let (target, s) = f.rsplit_once('=').ok_or_else(|| {
            anyhow!(
                "--field takes TABLE:ID:FIELD=ours|theirs, not {:?}",
                inert(f)
            )
        })?;
        chosen.push((target.to_string(), side(s)?));
    }
    let bundle = read_bundle(file)?;
    let m = merge::resolve(&bundle, |c| {
        let target = format!("{}:{}:{}", c.table, c.id, c.field);
        chosen
            .iter()
            .find(|(t, _)| *t == target)
            .map(|(_, s)| *s)
            .or(all)
    })?;
    finish(&m, output.as_deref().unwrap_or(file), out, "resolved")
}

/// `bundle export --all -o DIR`: one `KEY.debrief.json` per incident.
pub fn export_all(
    store: &crate::store::Store,
    dir: Option<&Path>,
    out: &mut dyn Write,
) -> Result<()> {
    let dir = dir.ok_or_else(|| anyhow!("--all needs -o DIR, the folder to write into"))?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let incidents = store.list_incidents()?;
    for i in &incidents {
        let path = dir.join(format!("{}.debrief.json", i.incident.key));
        stream_bundle(store, &i.incident.id, &path)?;
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
