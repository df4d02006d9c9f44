//! debrief: a terminal workbench for the post-incident review of security incidents.
//! See docs/ARCHITECTURE.md for where things live.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod events;
pub mod io;
pub mod keymap;
pub mod layout;
pub mod ops;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
pub mod view;

use anyhow::{Context, Result};
use cli::Cli;
use store::Store;

/// Opens the database the CLI names (or the default one) for the configured analyst.
pub fn open_store(cli: &Cli, config: &config::Config) -> Result<Store> {
    let path = match &cli.db {
        Some(p) => p.clone(),
        None => config::default_db_path()?,
    };
    let note = |what: &str| eprintln!("debrief: {what}…");
    let store =
        Store::open_noting(&path, &config.analyst(), &note).context("cannot open the database")?;
    if let Some(warning) = store::folder_warning(&path) {
        eprintln!("debrief: {}", text::inert(&warning));
    }
    Ok(store)
}

/// Runs one invocation of debrief.
pub fn run(mut cli: Cli) -> Result<()> {
    use std::io::IsTerminal;
    // About debrief itself: before the config is read (`paths` finds a broken one) and
    // without opening the database (`paths` must not create it).
    if let Some(cli::Command::Setup(command)) = cli.command {
        let mut out = PipeOut::new(std::io::stdout().lock());
        let result = commands::setup::run(command, cli.db.as_deref(), &mut out);
        return out.finish(result);
    }
    let config = config::Config::load(config::config_path().as_deref())?;
    let command = cli.command.take();
    // The git merge driver runs in any repository on any machine: commands about files
    // only never open (or create) a database.
    if let Some(command) = command.as_ref().filter(|c| commands::needs_no_database(c)) {
        let mut out = PipeOut::new(std::io::stdout().lock());
        let result = commands::execute_without_database(command, &config, &mut out);
        return out.finish(result);
    }
    let mut store = open_store(&cli, &config)?;
    match command {
        Some(command) => {
            let stdout = std::io::stdout();
            let terminal = stdout.is_terminal();
            let mut out = PipeOut::new(stdout.lock());
            let result = commands::execute_on(&mut store, command, &mut out, terminal);
            out.finish(result)
        }
        None => {
            let keymap = config.keymap()?;
            tui::run(store, keymap, config.review_days())
        }
    }
}

/// Standard output as the subcommands write it. A reader that stops early (`debrief
/// export KEY --format jsonl | head -1`) closes the pipe: that is the end of the output,
/// not a failure, whatever error type the writer that met it wrapped it in.
struct PipeOut<W: std::io::Write> {
    inner: W,
    closed: bool,
}

impl<W: std::io::Write> PipeOut<W> {
    fn new(inner: W) -> Self {
        PipeOut {
            inner,
            closed: false,
        }
    }

    /// The command's result, with a closed pipe (met while writing or flushing) a success.
    fn finish(mut self, result: Result<()>) -> Result<()> {
        let flushed = std::io::Write::flush(&mut self);
        if self.closed {
            return Ok(());
        }
        result?;
        Ok(flushed?)
    }

    fn watch<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &result
            && e.kind() == std::io::ErrorKind::BrokenPipe
        {
            self.closed = true;
        }
        result
    }
}

impl<W: std::io::Write> std::io::Write for PipeOut<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.watch(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.watch(result)
    }
}
