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
    let store = Store::open(&path, &config.analyst()).context("cannot open the database")?;
    if let Some(warning) = store::folder_warning(&path) {
        eprintln!("debrief: {}", text::inert(&warning));
    }
    Ok(store)
}

/// Runs one invocation of debrief.
pub fn run(mut cli: Cli) -> Result<()> {
    let config = config::Config::load(config::config_path().as_deref())?;
    let command = cli.command.take();
    // The git merge driver runs in any repository on any machine: commands about files
    // only never open (or create) a database.
    if let Some(command) = command.as_ref().filter(|c| commands::needs_no_database(c)) {
        let mut out = std::io::stdout().lock();
        return commands::execute_without_database(command, &config, &mut out);
    }
    let mut store = open_store(&cli, &config)?;
    match command {
        Some(command) => {
            use std::io::IsTerminal;
            let stdout = std::io::stdout();
            let terminal = stdout.is_terminal();
            let mut out = stdout.lock();
            commands::execute_on(&mut store, command, &mut out, terminal)
        }
        None => {
            let keymap = config.keymap()?;
            tui::run(store, keymap, config.review_days.unwrap_or(14))
        }
    }
}
