//! The command line's arguments for debrief itself rather than an incident: shell
//! completions, the manual page, the paths in use and the example configuration. None of
//! them opens the database.

use super::*;

#[derive(Debug, Subcommand)]
pub enum SetupCommand {
    /// Print the shell completion script for bash, zsh, fish, PowerShell or elvish
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of debrief, or of one of its subcommands
    Man {
        /// A subcommand's page instead of the main one (e.g. export, or event add)
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Vec<String>,
    },
    /// Print the database, config file, templates folder and checklist in use, and
    /// whether each exists
    Paths {
        /// Print one JSON object
        #[arg(long)]
        json: bool,
    },
    /// The configuration file (config.toml)
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print an example config.toml: every setting, commented, at its default
    Example,
}
