//! debrief: a terminal workbench for the post-incident review of security incidents.
//! See docs/ARCHITECTURE.md for where things live.

pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod io;
pub mod store;
pub mod text;

use anyhow::{Context, Result};
use cli::Cli;
use store::Store;

/// Opens the database the CLI names (or the default one) for the configured analyst.
pub fn open_store(cli: &Cli) -> Result<Store> {
    let config = config::Config::load(config::config_path().as_deref())?;
    let path = match &cli.db {
        Some(p) => p.clone(),
        None => config::default_db_path()?,
    };
    Store::open(&path, &config.analyst()).context("cannot open the database")
}

/// Runs one invocation of debrief.
pub fn run(cli: Cli) -> Result<()> {
    let mut store = open_store(&cli)?;
    match cli.command {
        Some(command) => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            commands::execute(&mut store, command, &mut out)
        }
        None => anyhow::bail!(
            "the full-screen workbench is not built yet; use the subcommands (debrief --help)"
        ),
    }
}
