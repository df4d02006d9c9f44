//! The command line: the workbench by default, subcommands for scripts and shells.

use crate::domain::{
    ActionKind, ActionStatus, ActorKind, LapseKind, Phase, Priority, Severity, Status,
};
use crate::io::export::ExportFormat;
use crate::io::import::{Field, ImportFormat};
use crate::io::report::ReportZone;
use crate::io::template::ReportFormat;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

mod examples;
mod setup;
mod sharing;
mod values;
pub use examples::{command, parse_args};
pub use setup::{ConfigCommand, SetupCommand};
pub use sharing::{BundleCommand, EvaluationCommand, GitCommand, ImportArgs, ReportArgs};
use values::closed;

#[derive(Debug, Parser)]
#[command(
    name = "debrief",
    version,
    about = "A workbench for the post-incident review of security incidents",
    long_about = "A workbench for the post-incident review of security incidents.\n\n\
        Without a subcommand, opens the full-screen workbench. Everything is kept in one \
        local SQLite file: --db PATH, else $DEBRIEF_DB, else the platform data folder."
)]
pub struct Cli {
    /// The database file (created 0600 if missing)
    #[arg(long, global = true, env = "DEBRIEF_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, list and change incidents
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// Add and list timeline events
    #[command(subcommand)]
    Event(EventCommand),
    /// Record what went wrong (findings of six kinds) and list them
    #[command(subcommand)]
    Finding(FindingCommand),
    /// Classify the actors of an incident
    #[command(subcommand)]
    Actor(ActorCommand),
    /// Attach evidence (hashed files, URLs, tickets) and re-verify it
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Log improvement actions and record their reviews
    #[command(subcommand)]
    Action(ActionCommand),
    /// The improvement backlog, across incidents or of one
    Backlog(BacklogArgs),
    /// People and groups that own actions
    #[command(subcommand)]
    Owner(OwnerCommand),
    /// Which standard operating procedures the actions changed
    #[command(subcommand)]
    Sop(SopCommand),
    /// Rate the response, area by area (sufficiency and completeness)
    #[command(subcommand)]
    Evaluation(EvaluationCommand),
    /// Write the postmortem report (Markdown, self-contained HTML, or JSON)
    Report(ReportArgs),
    /// Import a timeline (Timesketch, Plaso, DFIR-IRIS, or any CSV) into an incident
    Import(ImportArgs),
    /// Share an incident whole: one deterministic JSON file, imported or merged elsewhere
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Set a folder up as the team's git repository of bundles (the merge driver)
    #[command(subcommand)]
    Git(GitCommand),
    /// Export the timeline (Timesketch, DFIR-IRIS) or the actions (a ticket tracker's CSV)
    Export {
        /// The incident's key
        key: String,
        /// What to write (actions-csv: Jira's columns and priority names)
        #[arg(long, value_parser = closed::<ExportFormat>())]
        format: ExportFormat,
        /// actions-csv: keep the rejected actions and those that already have a ticket
        #[arg(long)]
        all: bool,
        /// Write to this file (created 0600) instead of printing; - prints
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write a consistent copy of the database while it is in use (created 0600)
    Backup {
        /// Where (default: beside the database, named with the time); - prints the copy
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Read the whole database file and say whether it is intact (exit 1 if damaged)
    Check,
    /// Load the demo incident (does nothing when it is already loaded)
    Demo,
    /// Show the latest recorded changes (what, old, new, when, by whom)
    History {
        /// Only the changes of this incident
        key: Option<String>,
        /// How many changes to show
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
    /// Undo the latest change not yet undone, made by anyone (a workbench window, another
    /// command); the workbench's `u` undoes only that window's own changes
    Undo {
        /// Only a change of this incident
        key: Option<String>,
    },
    /// Redo the most recently undone change, unless a change came after the undo
    Redo {
        /// Only a change of this incident
        key: Option<String>,
    },
    // Completions, the manual page, the paths in use, the example config (cli/setup.rs).
    #[command(flatten)]
    Setup(SetupCommand),
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Open a new incident
    New {
        /// A unique key such as IR-2026-014
        key: String,
        /// A one-line title (what happened, to whom)
        #[arg(long, allow_hyphen_values = true)]
        title: String,
        /// How bad it is
        #[arg(long, default_value = "medium", value_parser = closed::<Severity>())]
        severity: Severity,
        /// When it was detected (e.g. 2026-03-11T10:19:44+01:00, or 2026-03-11 10:19 in --zone)
        #[arg(long, value_name = "AT")]
        detected: Option<String>,
        /// The IANA time zone naive times are read in (e.g. Europe/Madrid)
        #[arg(long, default_value = "UTC", value_name = "ZONE")]
        zone: String,
    },
    /// List the incidents, most recently changed first
    List {
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
    /// Change an incident's fields
    Edit(IncidentEdit),
}

#[derive(Debug, Args)]
pub struct IncidentEdit {
    /// The incident's key
    pub key: String,
    /// A new title
    #[arg(long, allow_hyphen_values = true)]
    pub title: Option<String>,
    /// A new severity
    #[arg(long, value_parser = closed::<Severity>())]
    pub severity: Option<Severity>,
    /// Where the review stands
    #[arg(long, value_parser = closed::<Status>())]
    pub status: Option<Status>,
    /// When it was detected (a bare HH:MM is read on the incident's date)
    #[arg(long, value_name = "AT")]
    pub detected: Option<String>,
    /// The IANA time zone naive times are read in
    #[arg(long, value_name = "ZONE")]
    pub zone: Option<String>,
    /// Whether customers were affected
    #[arg(long, value_name = "true|false")]
    pub customer_impact: Option<bool>,
    /// Whether personal data was breached (a notification may be due)
    #[arg(long, value_name = "true|false")]
    pub data_breach: Option<bool>,
    /// The impact in words: who and what was affected, how much (shown in the reports)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub impact: Option<String>,
    /// A classification or TLP marking printed on every page of the report, e.g.
    /// TLP:AMBER ("" removes it)
    #[arg(long, value_name = "MARKING")]
    pub classification: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum EventCommand {
    /// Add an event to an incident's timeline; prints the new event's id
    Add(EventAdd),
    /// Change an event's fields (only those given); one change, undone as one
    Edit(EventEdit),
    /// Delete an event (its effects keep existing, without the link; u in the workbench undoes it)
    Delete {
        /// Any unique start or end of the event's id
        id: String,
    },
    /// List an incident's events in time order
    List {
        /// The incident's key
        key: String,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
        /// Only events whose text, source or tags hold all these words (prefixes match)
        #[arg(long, value_name = "QUERY")]
        search: Option<String>,
        /// Only events of this actor
        #[arg(long)]
        actor: Option<String>,
        /// Only events with this tag
        #[arg(long)]
        tag: Option<String>,
        /// Only events of this phase
        #[arg(long, value_parser = closed::<Phase>())]
        phase: Option<Phase>,
    },
}

#[derive(Debug, Args)]
pub struct EventAdd {
    /// The incident's key
    pub key: String,
    /// When: RFC 3339, YYYY-MM-DD HH:MM[:SS][offset], or HH:MM on the incident's date; ~ for approximate
    #[arg(long, value_name = "AT")]
    pub at: String,
    /// What happened (text starting with - is taken as it is: --text "-rf ran")
    #[arg(long, allow_hyphen_values = true)]
    pub text: String,
    /// Who or what did it (created in the incident if new)
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// Where it was seen (a log, an alert, a person)
    #[arg(long)]
    pub source: Option<String>,
    /// The phase of the attack or the response it belongs to
    #[arg(long, value_parser = closed::<Phase>())]
    pub phase: Option<Phase>,
    /// A tag (repeat for more)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A MITRE ATT&CK technique id, e.g. T1078.004
    #[arg(long, value_name = "ATTACK_ID")]
    pub technique: Option<String>,
}

#[derive(Debug, Args)]
pub struct EventEdit {
    /// Any unique start or end of the event's id
    pub id: String,
    /// When: as for `event add` (a day, YYYY-MM-DD, too); naive times read in the incident's zone
    #[arg(long, value_name = "AT")]
    pub at: Option<String>,
    /// What happened
    #[arg(long, allow_hyphen_values = true)]
    pub text: Option<String>,
    /// Who or what did it ("" removes it)
    #[arg(long, value_name = "NAME")]
    pub actor: Option<String>,
    /// Where it was seen ("" removes it)
    #[arg(long)]
    pub source: Option<String>,
    /// The phase ("" removes it)
    #[arg(long)]
    pub phase: Option<String>,
    /// The tags, replacing the event's (repeat for more; --tag "" removes them all)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A MITRE ATT&CK technique id ("" removes it)
    #[arg(long, value_name = "ATTACK_ID")]
    pub technique: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum FindingCommand {
    /// Record a finding; prints its id
    Add {
        /// The incident's key
        key: String,
        /// technical-lapse, procedural-failure, manual-error, process-flaw, communication-glitch, unknown-vector
        #[arg(long, value_parser = closed::<LapseKind>())]
        kind: LapseKind,
        /// What went wrong, in one line
        #[arg(long, allow_hyphen_values = true)]
        title: String,
        /// How it went wrong, and why
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        description: String,
        /// What it cost: time, data, money
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        impact: String,
        /// The group outside the team that must act on it (marks it cross-organizational)
        #[arg(long, value_name = "GROUP")]
        cross_org: Option<String>,
        /// A supporting event: any unique start or end of its id (repeat for more)
        #[arg(long = "event", value_name = "ID")]
        events: Vec<String>,
        /// Evidence it rests on: any unique start or end of its id (repeat for more)
        #[arg(long = "evidence", value_name = "ID")]
        evidence: Vec<String>,
    },
    /// List an incident's findings by kind
    List {
        /// The incident's key
        key: String,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ActorCommand {
    /// Add an actor, or reclassify the one with that name
    Add {
        /// The incident's key
        key: String,
        /// The actor's name, as events name it
        name: String,
        /// threat-actor, person, team, external-org, system
        #[arg(long, value_parser = closed::<ActorKind>())]
        kind: ActorKind,
        /// Attribution is suspected, not known
        #[arg(long)]
        suspected: bool,
        /// Who they are, what they did
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
    },
    /// List an incident's actors
    List {
        /// The incident's key
        key: String,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
    /// Rename an actor; its events follow (undo reverses it)
    Rename {
        /// The incident's key
        key: String,
        /// The actor's name now
        name: String,
        /// The name it gets
        new_name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Add a local file (hashed with SHA-256) or a URL / ticket reference; prints its id
    Add {
        /// The incident's key
        key: String,
        /// A local file: its SHA-256, size and modification time are recorded
        #[arg(
            long,
            value_name = "FILE",
            conflicts_with = "url",
            required_unless_present = "url"
        )]
        path: Option<std::path::PathBuf>,
        /// A URL or a ticket reference such as SEC-4521
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// What it is (default: the file's name or the URL)
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        title: String,
        /// An event it supports: any unique start or end of its id (repeat for more)
        #[arg(long = "event", value_name = "ID")]
        events: Vec<String>,
        /// A finding it supports: any unique start or end of its id (repeat for more)
        #[arg(long = "finding", value_name = "ID")]
        findings: Vec<String>,
    },
    /// List an incident's evidence
    List {
        /// The incident's key
        key: String,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
    /// Re-hash every evidence file; exits 1 when any changed or is missing
    Verify {
        /// The incident's key
        key: String,
    },
    /// Link evidence already recorded to more events and findings of its incident
    Link {
        /// Any unique start or end of the evidence's id
        id: String,
        /// An event it supports (repeat for more)
        #[arg(long = "event", value_name = "ID")]
        events: Vec<String>,
        /// A finding it supports (repeat for more)
        #[arg(long = "finding", value_name = "ID")]
        findings: Vec<String>,
    },
    /// Remove links from evidence (the evidence itself stays)
    Unlink {
        /// Any unique start or end of the evidence's id
        id: String,
        /// An event it should no longer support (repeat for more)
        #[arg(long = "event", value_name = "ID")]
        events: Vec<String>,
        /// A finding it should no longer support (repeat for more)
        #[arg(long = "finding", value_name = "ID")]
        findings: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Log an action; prints its id
    Add {
        /// The incident's key
        key: String,
        /// What is to be done, in one line
        #[arg(long, allow_hyphen_values = true)]
        title: String,
        /// The person who owns it (created if new)
        #[arg(long, value_name = "NAME")]
        owner: String,
        /// The team that owns it (created if new)
        #[arg(long, value_name = "NAME")]
        group: Option<String>,
        /// bug, change-request, service-investment, process-change, sop-update, documentation, training
        #[arg(long, default_value = "change-request", value_parser = closed::<ActionKind>())]
        kind: ActionKind,
        /// P0 (most urgent) to P3
        #[arg(long, default_value = "P2", value_parser = closed::<Priority>())]
        priority: Priority,
        /// Due date, YYYY-MM-DD
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        /// External ticket: SEC-1234 or a URL
        #[arg(long, value_name = "REF", default_value = "")]
        ticket: String,
        /// The detail: what done looks like
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        description: String,
        /// A finding it addresses: any unique start or end of its id (repeat for more)
        #[arg(long = "finding", value_name = "ID")]
        findings: Vec<String>,
    },
    /// Review an action: a note and any new status, owner, group or due date
    Update {
        /// Any unique start or end of the action's id
        id: String,
        /// proposed, accepted, in-progress, resolved, verified, rejected (needs --note)
        #[arg(long, value_parser = closed::<ActionStatus>())]
        status: Option<ActionStatus>,
        /// What the review found (kept in the action's history)
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        note: String,
        /// A new owner (created if new)
        #[arg(long, value_name = "NAME")]
        owner: Option<String>,
        /// A new owning team (created if new)
        #[arg(long, value_name = "NAME")]
        group: Option<String>,
        /// New due date, YYYY-MM-DD ("none" clears it)
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
        /// Link a finding it addresses: any unique start or end of its id (repeat for more)
        #[arg(long = "finding", value_name = "ID")]
        findings: Vec<String>,
        /// Unlink a finding (repeat for more)
        #[arg(long = "unlink-finding", value_name = "ID")]
        unlink_findings: Vec<String>,
    },
    /// An action with its findings and review history
    Show {
        /// Any unique start or end of the action's id
        id: String,
        /// Print one JSON object
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct BacklogArgs {
    /// Only this incident's actions
    #[arg(long, value_name = "KEY")]
    pub incident: Option<String>,
    /// Only actions of this person or group
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Only actions of this group
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// Only actions in this status
    #[arg(long, value_parser = closed::<ActionStatus>())]
    pub status: Option<ActionStatus>,
    /// Only open actions past their due date
    #[arg(long)]
    pub overdue: bool,
    /// The day to judge "overdue" and "not reviewed" by (default: today), YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Print one JSON array
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum OwnerCommand {
    /// Every owner with open, overdue and due-this-week counts
    List {
        /// The day to count "overdue" and "this week" from (default: today), YYYY-MM-DD
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
    /// Rename an owner; their actions follow
    Rename {
        /// The owner's name now
        name: String,
        /// The name they get
        new_name: String,
    },
    /// Merge one owner into another; every assignment moves
    Merge {
        /// The owner that goes away
        from: String,
        /// The owner that takes their actions
        into: String,
    },
    /// Set how an owner is reached; an e-mail address becomes the Assignee in the
    /// actions CSV ("" clears it)
    Contact {
        /// The owner's name
        name: String,
        /// An e-mail address, or any one line (a channel, a phone number)
        contact: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SopCommand {
    /// Record that an action changed a procedure
    Add {
        /// Any unique start or end of the action's id
        action: String,
        /// The procedure's document, e.g. "SOP-IR-03 Business email compromise response"
        #[arg(long)]
        document: String,
        /// The section that changed, e.g. "4.2 Containment"
        #[arg(long, default_value = "")]
        section: String,
        /// When the procedure took the change, YYYY-MM-DD
        #[arg(long, value_name = "DATE")]
        incorporated: Option<String>,
    },
    /// SOP changes, of one incident or all
    List {
        /// Only this incident's SOP changes
        #[arg(long, value_name = "KEY")]
        incident: Option<String>,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
}

/// Parses a value with the domain's own `FromStr`, so the CLI and the store accept the
/// same names and give the same message.
fn parse<T: std::str::FromStr>(s: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    s.parse().map_err(|e: T::Err| e.to_string())
}
