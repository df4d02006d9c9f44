//! `debrief import`: a timeline file into an incident, all or nothing unless `--skip-bad`;
//! and `debrief export`: the timeline or the actions for other tools.

use crate::cli::ImportArgs;
use crate::io::files::PrivateFile;
use crate::io::import::{self, FileError, RowError, TimeOptions};
use crate::store::{ImportRun, Store};
use crate::text::inert;
use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How many bad rows are listed before the rest are only counted.
const LISTED: usize = 20;

pub fn import(store: &mut Store, args: ImportArgs, out: &mut dyn Write) -> Result<()> {
    let started = Instant::now();
    let incident = store.require_incident(&args.key)?;
    let stdin = args.file.as_os_str() == "-";
    if stdin && args.skip_bad {
        bail!("--skip-bad writes the bad rows beside the input: give a file, not - (stdin)");
    }
    let name = if stdin {
        "stdin".to_string()
    } else {
        args.file.display().to_string()
    };
    let (file, size): (Box<dyn Read + Send>, u64) = if stdin {
        (Box::new(std::io::stdin()), 0)
    } else {
        let f = File::open(&args.file).with_context(|| format!("cannot open {name}"))?;
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(f), size)
    };
    let zone = args
        .tz
        .as_deref()
        .map(crate::domain::parse_zone)
        .transpose()
        .map_err(|e| anyhow!("--tz: {e}"))?;
    let time = TimeOptions {
        zone,
        format: args.time_format.clone(),
    };

    // The file is read once: hashed and counted for the progress bar on the way.
    let (tracked, hash) = import::Tracked::new(file, None);
    let progress = progress_bar(size);
    let reader: Box<dyn Read + Send> = Box::new(progress.wrap_read(tracked));
    let mut rows = import::open(reader, args.format, &args.maps, time).map_err(|e| match e {
        FileError::Empty => anyhow!("{name}: the file is empty: nothing to import"),
        e => anyhow!("{name}: {e}"),
    })?;
    let format = rows.mapping.format;
    // Said on success only: a failure prints nothing on stdout.
    let format_line = format!(
        "{name}: {}{}",
        format.label(),
        if rows.detected {
            " (detected from the header)"
        } else {
            ""
        }
    );

    let mut rejects = Rejects::new(&args.file, &rows, args.skip_bad && !args.dry_run);
    let mut listed: Vec<String> = Vec::new();
    let run = ImportRun {
        file: name.clone(),
        format: format.name().to_string(),
        skip_bad: args.skip_bad,
        dry_run: args.dry_run,
        search_later_from: None,
    };
    let digest = || hash.hex();
    let outcome = store.import_rows(
        &incident.id,
        &mut rows,
        &run,
        &mut |bad: &RowError| {
            if listed.len() < LISTED {
                listed.push(format!("{name}: {}", inert(&bad.to_string())));
            }
            rejects.write(bad);
        },
        &digest,
    );
    progress.finish_and_clear();
    let outcome = outcome?;
    let rejects_path = rejects.finish()?;
    if outcome.rows == 0 {
        bail!("{name}: the file has a header but no rows: nothing to import");
    }
    if outcome.bad > 0 && (!args.skip_bad || outcome.imported + outcome.duplicates == 0) {
        list_bad(&listed, &name, outcome.bad);
        if args.skip_bad {
            bail!(
                "{name}: nothing imported: all {} rows are bad{}",
                outcome.rows,
                rejects_path
                    .as_ref()
                    .map(|p| format!(" (written to {})", p.display()))
                    .unwrap_or_default()
            );
        }
        bail!(
            "{name}: nothing imported: {} of {} rows are bad; fix them, or import the good ones with --skip-bad",
            outcome.bad,
            outcome.rows
        );
    }
    writeln!(out, "{format_line}")?;
    if let Some(unit) = rows.epoch_unit {
        writeln!(out, "numeric timestamps read as {} since 1970", unit.name())?;
    }
    if rows.lossy_rows > 0 {
        writeln!(
            out,
            "{} rows had bytes that are not UTF-8; they are kept as \u{fffd}",
            rows.lossy_rows
        )?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let verb = if args.dry_run {
        "would import"
    } else {
        "imported"
    };
    let mut line = format!(
        "{verb} {} events into {} ({} rows read, {} bad rows skipped, {} duplicates) in {seconds:.1} s",
        outcome.imported, incident.key, outcome.rows, outcome.bad, outcome.duplicates
    );
    if let Some(p) = &rejects_path {
        line.push_str(&format!("; bad rows written to {}", p.display()));
    }
    if args.dry_run {
        line.push_str("; nothing was written (dry run)");
    }
    writeln!(out, "{line}")?;
    if !args.dry_run {
        // The events are in: said before the indexing, which may take a while.
        out.flush()?;
        match index_for_search(store, out) {
            // The import stands; what is left of the indexing is picked up later.
            Err(e) if matches!(e.downcast_ref(), Some(crate::store::StoreError::Busy)) => {
                writeln!(
                    out,
                    "not all indexed for search yet: another debrief is writing to the database; the next search or the workbench finishes it"
                )?;
            }
            other => other?,
        }
    }
    Ok(())
}

/// Indexes the events a large import committed before indexing them for search (after
/// the import, and before a search from the command line, so it finds every event).
/// Stopped half-way, the workbench goes on with the rest when opened.
pub(super) fn index_for_search(store: &mut Store, out: &mut dyn Write) -> Result<()> {
    let started = Instant::now();
    let total = store.search_backlog()?.max(0) as u64;
    if total == 0 {
        return Ok(());
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} indexing for search [{bar:30}] {pos}/{len} events")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    store.index_backlog(&mut |left, start| bar.set_position((start - left).max(0) as u64))?;
    bar.finish_and_clear();
    writeln!(
        out,
        "indexed {total} events for search in {:.1} s",
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}

/// Lists the first bad rows on stderr, then how many more there were.
fn list_bad(listed: &[String], name: &str, bad: u64) {
    let mut stderr = std::io::stderr().lock();
    for l in listed {
        let _ = writeln!(stderr, "{l}");
    }
    if bad as usize > listed.len() {
        let _ = writeln!(
            stderr,
            "{name}: and {} more bad rows",
            bad as usize - listed.len()
        );
    }
}

/// A progress bar on stderr for files over a megabyte; hidden when stderr is not a
/// terminal (scripts, tests).
fn progress_bar(size: u64) -> ProgressBar {
    if size < 1 << 20 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}, {eta} left",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// The rejects file beside the input: the bad rows as they were, with why; started at
/// the first bad row, private (0600), and given its name once whole.
struct Rejects {
    enabled: bool,
    path: PathBuf,
    header: Vec<String>,
    jsonl: bool,
    writer: Option<csv::Writer<PrivateFile>>,
    lines: Option<PrivateFile>,
    error: Option<std::io::Error>,
}

impl Rejects {
    fn new(input: &Path, rows: &import::Rows, enabled: bool) -> Rejects {
        let jsonl = rows.mapping.format == import::ImportFormat::TimesketchJsonl;
        let ext = if jsonl {
            "rejects.jsonl"
        } else {
            "rejects.csv"
        };
        let mut name = input.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{ext}"));
        Rejects {
            enabled,
            path: input.with_file_name(name),
            header: rows
                .mapping
                .columns
                .iter()
                .map(|(c, _)| c.clone())
                .collect(),
            jsonl,
            writer: None,
            lines: None,
            error: None,
        }
    }

    fn create(&self) -> std::io::Result<PrivateFile> {
        PrivateFile::create(&self.path)
    }

    fn write(&mut self, bad: &RowError) {
        if !self.enabled || self.error.is_some() {
            return;
        }
        if let Err(e) = self.try_write(bad) {
            self.error = Some(e);
        }
    }

    fn try_write(&mut self, bad: &RowError) -> std::io::Result<()> {
        if self.jsonl {
            if self.lines.is_none() {
                self.lines = Some(self.create()?);
            }
            if let Some(f) = self.lines.as_mut() {
                for l in &bad.raw {
                    // The line as it was, with why beside it when it is an object.
                    match serde_json::from_str::<serde_json::Value>(l) {
                        Ok(serde_json::Value::Object(mut o)) => {
                            o.insert("debrief_error".into(), bad.to_string().into());
                            writeln!(f, "{}", serde_json::Value::Object(o))?;
                        }
                        _ => writeln!(f, "{l}")?,
                    }
                }
            }
            return Ok(());
        }
        if self.writer.is_none() {
            // Flexible: a bad row is often bad because it has more or fewer cells than
            // the header, and it is kept as it was.
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(self.create()?);
            let mut header = self.header.clone();
            header.push("debrief_error".into());
            write_neutral(&mut w, &header)?;
            self.writer = Some(w);
        }
        if let Some(w) = self.writer.as_mut() {
            let mut record = bad.raw.clone();
            record.push(bad.to_string());
            write_neutral(w, &record)?;
        }
        Ok(())
    }

    /// Flushes; the path when a rejects file was written.
    fn finish(mut self) -> Result<Option<PathBuf>> {
        if let Some(e) = self.error.take() {
            return Err(anyhow!("cannot write {}: {e}", self.path.display()));
        }
        let path = self.path.clone();
        let cannot = |e: std::io::Error| anyhow!("cannot write {}: {e}", path.display());
        if let Some(w) = self.writer.take() {
            let file = w.into_inner().map_err(|e| cannot(e.into_error()))?;
            file.commit().map_err(cannot)?;
            return Ok(Some(self.path));
        }
        if let Some(file) = self.lines.take() {
            file.commit().map_err(cannot)?;
            return Ok(Some(self.path));
        }
        Ok(None)
    }
}

/// A rejects row with its formula cells neutralised like the exports' (`=HYPERLINK(..)`
/// becomes `'=HYPERLINK(..)`): the file is opened in a spreadsheet to be fixed.
fn write_neutral<W: Write>(w: &mut csv::Writer<W>, cells: &[String]) -> csv::Result<()> {
    w.write_record(
        cells
            .iter()
            .map(|c| crate::io::export::neutral(c).into_owned()),
    )
}

pub fn export(
    store: &mut Store,
    key: &str,
    format: crate::io::export::ExportFormat,
    all: bool,
    output: Option<&Path>,
    out: &mut dyn Write,
) -> Result<()> {
    let incident = store.require_incident(key)?;
    match output {
        Some(path) => {
            let name = path.display().to_string();
            let mut file = crate::io::files::PrivateFile::create(path)
                .with_context(|| format!("cannot write {name}"))?;
            let n = crate::io::export::export(store, &incident.id, format, all, &mut file)
                .with_context(|| format!("cannot write {name}"))?;
            file.commit()
                .with_context(|| format!("cannot write {name}"))?;
            writeln!(
                out,
                "wrote {n} {} of {} to {name} ({})",
                if format == crate::io::export::ExportFormat::ActionsCsv {
                    "actions"
                } else {
                    "events"
                },
                incident.key,
                format.label()
            )?;
        }
        None => {
            crate::io::export::export(store, &incident.id, format, all, out)?;
        }
    }
    Ok(())
}

pub fn bundle(
    store: &mut Store,
    command: crate::cli::BundleCommand,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::cli::BundleCommand;
    match command {
        BundleCommand::Export {
            all: true, output, ..
        } => super::bundle_merge::export_all(store, output.as_deref(), out)?,
        BundleCommand::Export { key, output, .. } => {
            let key = key.unwrap_or_default();
            let incident = store.require_incident(&key)?;
            // Streamed row by row: memory does not grow with the number of events.
            match output {
                Some(path) => {
                    super::bundle_merge::stream_bundle(store, &incident.id, &path)?;
                    super::bundle_import::remember_export(store, &incident.id, &path, out)?;
                    writeln!(
                        out,
                        "wrote the bundle of {} to {}",
                        incident.key,
                        path.display()
                    )?;
                }
                None => {
                    let mut safe = crate::text::JsonSafeLines::new(&mut *out);
                    store.write_bundle(&incident.id, &mut safe)?;
                    safe.finish()?;
                }
            }
        }
        c @ (BundleCommand::Merge { .. } | BundleCommand::Resolve { .. }) => {
            let config = crate::config::Config::default();
            super::execute_without_database(&crate::cli::Command::Bundle(c), &config, out)?
        }
        BundleCommand::Import {
            file,
            dry_run,
            take,
            fields,
            set,
        } => {
            let choices = super::bundle_merge::Choices::parse(take.as_deref(), &fields, &set)?;
            if !file.is_dir() {
                return super::bundle_import::import(store, &file, &choices, dry_run, out);
            }
            // A folder: each bundle on its own, so one with conflicts does not hold the
            // others back; those refused are named at the end (exit 1).
            let files = super::bundle_merge::bundles_in(&file)?;
            let mut refused = Vec::new();
            for file in &files {
                if let Err(e) = super::bundle_import::import(store, file, &choices, dry_run, out) {
                    refused.push(format!("{e:#}"));
                }
            }
            if !refused.is_empty() {
                return Err(anyhow!(
                    "{} of {} bundles were not imported (the others were): {}",
                    refused.len(),
                    files.len(),
                    refused.join("; ")
                ));
            }
        }
    }
    Ok(())
}
