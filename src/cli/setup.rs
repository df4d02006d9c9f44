//! The command line's arguments for debrief itself rather than an incident: shell
//! completions, the manual page, the paths in use and the example configuration. None of
//! them opens the database.

use super::*;

#[derive(Debug, Subcommand)]
pub enum SetupCommand {
    /// Print the shell completion script for bash, zsh, fish, PowerShell or elvish
    #[command(after_help = "Examples:\n  \
        debrief completions bash > ~/.local/share/bash-completion/completions/debrief\n  \
        debrief completions zsh > ~/.zfunc/_debrief\n  \
        debrief completions fish > ~/.config/fish/completions/debrief.fish")]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of debrief, or of one of its subcommands
    #[command(after_help = "Examples:\n  \
        debrief man | man -l -\n  \
        debrief man export > debrief-export.1\n  \
        debrief man > ~/.local/share/man/man1/debrief.1")]
    Man {
        /// A subcommand's page instead of the main one (e.g. export, or event add)
        #[arg(value_name = "SUBCOMMAND")]
        subcommand: Vec<String>,
    },
    /// Print the database, config file, templates folder and checklist in use, and
    /// whether each exists
    #[command(after_help = "Examples:\n  \
        debrief paths\n  \
        debrief --db case.db paths --json")]
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
    #[command(after_help = "Examples:\n  \
        debrief config example\n  \
        debrief config example > my-config.toml && DEBRIEF_CONFIG=my-config.toml debrief paths")]
    Example,
}
