//! The command line's arguments for what leaves debrief or comes in: bundles and their
//! merge, the team's git set-up, timeline imports, the report and the evaluation.

use super::*;

#[derive(Debug, Subcommand)]
pub enum GitCommand {
    /// Write .gitattributes (*.debrief.json merge=debrief) and set merge.debrief.driver
    /// in the repository at DIR (created with `git init` if it is not one)
    Init {
        /// The repository's folder
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write the incident with everything attached (events, actors, evidence records,
    /// findings, actions, reviews, owners, evaluation) as pretty, stable JSON
    Export {
        /// The incident's key
        #[arg(required_unless_present = "all")]
        key: Option<String>,
        /// Every incident, one KEY.debrief.json each, into the folder given by -o
        #[arg(long, conflicts_with = "key", requires = "output")]
        all: bool,
        /// Write to this file (created 0600) instead of printing (- prints); with --all, a
        /// folder
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Recreate a bundle's incident here, or merge it into the one already here: field by
    /// field against the bundle last imported from or exported to that file (a field
    /// changed only here is kept; both sides changed differently: refused, listing them);
    /// with no such bundle remembered, record by record (the newer change wins)
    Import {
        /// A bundle, or a folder: every KEY.debrief.json in it
        file: PathBuf,
        /// Say what would change, without writing
        #[arg(long)]
        dry_run: bool,
        /// Settle every conflict not named by --field or --set with this side: ours (this
        /// database) or theirs (the file)
        #[arg(long, value_name = "SIDE")]
        take: Option<String>,
        /// TABLE:ID:FIELD=ours|theirs for one conflict (repeatable)
        #[arg(long = "field", value_name = "TABLE:ID:FIELD=SIDE")]
        fields: Vec<String>,
        /// TABLE:ID:FIELD=VALUE: a new value for one conflicting field (repeatable)
        #[arg(long = "set", value_name = "TABLE:ID:FIELD=VALUE")]
        set: Vec<String>,
    },
    /// Three-way merge of bundles of one incident, field by field against their common
    /// ancestor; a git merge driver as `debrief bundle merge %O %A %B`. Exits 1 when
    /// fields conflict, listing them in the bundle's "conflicts" section
    Merge {
        /// The common ancestor
        base: PathBuf,
        /// Our side (written with the result when there is no -o)
        ours: PathBuf,
        /// Their side
        theirs: PathBuf,
        /// Write the result here instead of over OURS; - prints it
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Settle a merged bundle's conflicts, each by choosing a side or writing a new value;
    /// with none of --take, --field or --set, on screen: a list of the conflicts
    Resolve {
        /// The merged bundle (from `bundle merge`, or git's conflicted file)
        file: PathBuf,
        /// Take this side (ours or theirs) for every conflict not named by --field or --set
        #[arg(long, value_name = "SIDE")]
        take: Option<String>,
        /// TABLE:ID:FIELD=ours|theirs for one conflict (repeatable)
        #[arg(long = "field", value_name = "TABLE:ID:FIELD=SIDE")]
        fields: Vec<String>,
        /// TABLE:ID:FIELD=VALUE: a new value for one conflicting field (repeatable)
        #[arg(long = "set", value_name = "TABLE:ID:FIELD=VALUE")]
        set: Vec<String>,
        /// Write here instead of over FILE; - prints it
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The incident's key
    pub key: String,
    /// The timeline file; - reads standard input
    pub file: PathBuf,
    /// The file's format (auto: told from the header)
    #[arg(long, default_value = "auto", value_parser = closed::<ImportFormat>())]
    pub format: ImportFormat,
    /// COLUMN=FIELD: what a column holds (at, epoch, text, actor, source, phase, tags,
    /// technique, zone, attr, ignore); repeat for each column to map
    #[arg(long = "map", value_name = "COLUMN=FIELD", value_parser = parse_map)]
    pub maps: Vec<(String, Field)>,
    /// A chrono format for the time column, e.g. "%d/%m/%Y %H:%M:%S"
    #[arg(long, value_name = "FMT")]
    pub time_format: Option<String>,
    /// The IANA zone of times written without an offset (e.g. Europe/Madrid)
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Import the good rows; write the bad ones to FILE.rejects.csv beside the input
    #[arg(long)]
    pub skip_bad: bool,
    /// Read and check everything and say what would be imported, without writing
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_map(s: &str) -> Result<(String, Field), String> {
    let (column, field) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("{s:?}: write COLUMN=FIELD, e.g. 'Time=at'"))?;
    let field: Field = field.parse()?;
    Ok((column.to_string(), field))
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The incident's key
    pub key: String,
    /// markdown, html or json; by default the output file's extension (.md, .html, .json)
    /// says, and Markdown otherwise
    #[arg(long, value_parser = closed::<ReportFormat>())]
    pub format: Option<ReportFormat>,
    /// A minijinja template to use instead of the shipped one (Markdown and HTML)
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Only key events and events tagged with a lapse in the timeline section
    #[arg(long)]
    pub key_events_only: bool,
    /// The zone times are written in: `incident` (the default, with UTC beside it when
    /// they differ), `utc`, or an IANA zone such as America/Los_Angeles
    #[arg(long, value_name = "ZONE", default_value = "incident", value_parser = parse::<ReportZone>)]
    pub zone: ReportZone,
    /// Write IOCs defanged (hxxp://, example[.]com, 203.0.113[.]45) and make no links
    #[arg(long)]
    pub defang: bool,
    /// Write to this file (created 0600) instead of printing; - prints
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum EvaluationCommand {
    /// Start the incident's evaluation from the checklist (the shipped one, or
    /// evaluation.toml in the config folder)
    Start {
        /// The incident's key
        key: String,
    },
    /// The areas with their ratings
    List {
        /// The incident's key
        key: String,
        /// Print one JSON array
        #[arg(long)]
        json: bool,
    },
    /// Rate an area, note it, link findings, or rename it (one recorded change)
    Set {
        /// The incident's key
        key: String,
        /// The area's number or the start of its name (e.g. 3, contain)
        area: String,
        /// met, partly, not-met, n/a, or - to clear
        #[arg(long, value_name = "RATING")]
        sufficiency: Option<String>,
        /// met, partly, not-met, n/a, or - to clear
        #[arg(long, value_name = "RATING")]
        completeness: Option<String>,
        /// What the rating rests on, in words
        #[arg(long, allow_hyphen_values = true)]
        note: Option<String>,
        /// A finding the rating rests on (any 4+ characters of its id); repeat for more.
        /// Replaces the linked findings; --finding - clears them
        #[arg(long = "finding", value_name = "ID")]
        findings: Vec<String>,
        /// A new name for the area
        #[arg(long, value_name = "NAME")]
        rename: Option<String>,
        /// The question the area answers
        #[arg(long)]
        question: Option<String>,
    },
    /// Add an area of the incident's own to the checklist
    Add {
        /// The incident's key
        key: String,
        /// The area's name
        area: String,
        /// The question the area answers
        #[arg(long, default_value = "", allow_hyphen_values = true)]
        question: String,
    },
    /// Remove an area from the incident's checklist
    Remove {
        /// The incident's key
        key: String,
        /// The area's number or the start of its name
        area: String,
    },
}
