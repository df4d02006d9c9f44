//! The examples each command's `--help` ends with: one table, applied to the clap command
//! tree by [`command`], so cli.rs stays the arguments alone. Every command without
//! subcommands has an entry (a test walks the tree). The ids stand for those of the reader's
//! own database: any unique start or end of an id, as the listings print them (`debrief
//! backlog`, `debrief finding list KEY`, the `id` of `debrief event list KEY --json`).

use super::Cli;
use clap::CommandFactory;

/// The command tree as debrief parses it, completes and documents it: the derived
/// arguments with each command's examples (the table below) at the end of its help.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    for (path, examples) in EXAMPLES {
        let lines: Vec<String> = examples.lines().map(|l| format!("  {l}")).collect();
        let text = format!("Examples:\n{}", lines.join("\n"));
        cmd = with_after_help(cmd, &path.split(' ').collect::<Vec<_>>(), text);
    }
    cmd
}

fn with_after_help(cmd: clap::Command, path: &[&str], text: String) -> clap::Command {
    match path {
        [] => cmd.after_help(text),
        [first, rest @ ..] => cmd.mut_subcommand(*first, |sub| with_after_help(sub, rest, text)),
    }
}

/// Parses the process's arguments with [`command`] (so `--help` shows the examples).
pub fn parse_args() -> Cli {
    use clap::FromArgMatches;
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// (the command's path, its examples: one command a line).
pub const EXAMPLES: &[(&str, &str)] = &[
    ("incident new", "\
debrief incident new IR-2026-015 --title \"Ransomware on the file server\" --severity high
debrief incident new IR-2026-016 --title \"Lost laptop\" --detected \"2026-04-02 09:30\" --zone Europe/Madrid"),
    ("incident list", "\
debrief incident list
debrief incident list --json"),
    ("incident edit", "\
debrief incident edit IR-2026-014 --status in-review --severity critical
debrief incident edit IR-2026-014 --data-breach true --classification TLP:AMBER"),
    ("event add", "\
debrief event add IR-2026-014 --at 10:19 --text \"Impossible-travel alert 88213 fires\" --actor SIEM --phase detection
debrief event add IR-2026-014 --at \"~2026-03-09\" --text \"Kit deployed\" --technique T1608.005 --tag aitm"),
    ("event edit", "\
debrief event edit 8e20f1 --text \"Alert 88213 acknowledged by L. Ortega\"
debrief event edit 3f54 --phase containment --tag contained --tag key"),
    ("event delete", "\
debrief event delete 8e20f1"),
    ("event list", "\
debrief event list IR-2026-014 --phase initial-access
debrief event list IR-2026-014 --search \"mailbox rule\" --json"),
    ("finding add", "\
debrief finding add IR-2026-014 --kind procedural-failure --title \"Alert waited 40 minutes at the handover\"
debrief finding add IR-2026-014 --kind communication-glitch --title \"Customer warned late\" --cross-org Sales --event 3f54"),
    ("finding list", "\
debrief finding list IR-2026-014
debrief finding list IR-2026-014 --json"),
    ("actor add", "\
debrief actor add IR-2026-014 TA-NWL-01 --kind threat-actor --suspected
debrief actor add IR-2026-014 \"L. Ortega\" --kind person --note \"SOC analyst on duty\""),
    ("actor list", "\
debrief actor list IR-2026-014
debrief actor list IR-2026-014 --json"),
    ("actor rename", "\
debrief actor rename IR-2026-014 TA-NWL-01 \"Storm-NWL\""),
    ("evidence add", "\
debrief evidence add IR-2026-014 --path ./message-trace.csv --title \"Message trace, 10 Mar\"
debrief evidence add IR-2026-014 --url SEC-4521 --event 3f54 --finding 64180e0b"),
    ("evidence list", "\
debrief evidence list IR-2026-014
debrief evidence list IR-2026-014 --json"),
    ("evidence verify", "\
debrief evidence verify IR-2026-014"),
    ("evidence link", "\
debrief evidence link f59a7569 --event 3f54 --finding 64180e0b"),
    ("evidence unlink", "\
debrief evidence unlink f59a7569 --finding 64180e0b"),
    ("action add", "\
debrief action add IR-2026-014 --title \"Cover alerts at the shift handover\" --owner \"L. Ortega\" --group SOC --priority P1 --due 2026-05-15
debrief action add IR-2026-014 --title \"Update the BEC playbook\" --owner \"D. Castillo\" --kind sop-update --finding 64180e0b"),
    ("action update", "\
debrief action update b4f2b08d --status resolved --note \"Handover checklist in place\"
debrief action update b4f2b08d --due 2026-07-31 --note \"Waiting for the rota change\""),
    ("action show", "\
debrief action show b4f2b08d
debrief action show b4f2b08d --json"),
    ("backlog", "\
debrief backlog --overdue
debrief backlog --owner \"J. Alonso\" --status in-progress --json"),
    ("owner list", "\
debrief owner list
debrief owner list --today 2026-06-01 --json"),
    ("owner rename", "\
debrief owner rename \"J. Alonso\" \"Javier Alonso\""),
    ("owner merge", "\
debrief owner merge \"J Alonso\" \"J. Alonso\""),
    ("owner contact", "\
debrief owner contact \"J. Alonso\" j.alonso@example.org
debrief owner contact SOC \"#soc-oncall\""),
    ("sop add", "\
debrief sop add f2aa2a26 --document \"SOP-IR-03 Business email compromise response\" --section \"4.2 Containment\" --incorporated 2026-05-05"),
    ("sop list", "\
debrief sop list
debrief sop list --incident IR-2026-014 --json"),
    ("evaluation start", "\
debrief evaluation start IR-2026-014"),
    ("evaluation list", "\
debrief evaluation list IR-2026-014
debrief evaluation list IR-2026-014 --json"),
    ("evaluation set", "\
debrief evaluation set IR-2026-014 detection --sufficiency not-met --note \"The risk alert fired 25 hours earlier\"
debrief evaluation set IR-2026-014 2 --completeness met --finding 64180e0b"),
    ("evaluation add", "\
debrief evaluation add IR-2026-014 \"Supplier contact\" --question \"Was the supplier told in time?\""),
    ("evaluation remove", "\
debrief evaluation remove IR-2026-014 \"Supplier contact\""),
    ("report", "\
debrief report IR-2026-014 -o postmortem.html
debrief report IR-2026-014 --key-events-only --zone utc --defang -o postmortem.md
debrief report IR-2026-014 --format json | jq .incident"),
    ("import", "\
debrief import IR-2026-014 timesketch-export.csv --dry-run
debrief import IR-2026-014 plaso.csv --tz Europe/Madrid --skip-bad
debrief import IR-2026-014 - --format timesketch-jsonl < sketch.jsonl"),
    ("bundle export", "\
debrief bundle export IR-2026-014 -o IR-2026-014.debrief.json
debrief bundle export --all -o team-repo/"),
    ("bundle import", "\
debrief bundle import IR-2026-014.debrief.json --dry-run
debrief bundle import team-repo/"),
    ("bundle merge", "\
debrief bundle merge base.json ours.json theirs.json -o merged.json
debrief bundle merge base.json ours.json theirs.json -o - | jq .conflicts"),
    ("bundle resolve", "\
debrief bundle resolve merged.json --take theirs
debrief bundle resolve merged.json --field incidents:01a23ad1-ccca-7654-a7c4-ced712b3eb29:title=ours"),
    ("git init", "\
debrief git init team-repo"),
    ("export", "\
debrief export IR-2026-014 --format timesketch-jsonl -o sketch.jsonl
debrief export IR-2026-014 --format iris-csv | head -3
debrief export IR-2026-014 --format actions-csv --all -o actions.csv"),
    ("backup", "\
debrief backup
debrief backup -o /media/usb/debrief-2026-03-12.db
debrief backup -o - | gzip > debrief.db.gz"),
    ("check", "\
debrief check
debrief --db /media/usb/debrief-2026-03-12.db check"),
    ("demo", "\
debrief demo
debrief --db demo.db demo"),
    ("history", "\
debrief history IR-2026-014 --limit 5
debrief history --json"),
    ("undo", "\
debrief undo
debrief undo IR-2026-014"),
    ("redo", "\
debrief redo
debrief redo IR-2026-014"),
    ("completions", "\
debrief completions bash > ~/.local/share/bash-completion/completions/debrief
debrief completions zsh > ~/.zfunc/_debrief
debrief completions fish > ~/.config/fish/completions/debrief.fish"),
    ("man", "\
debrief man | man -l -
debrief man export > debrief-export.1"),
    ("paths", "\
debrief paths
debrief --db case.db paths --json"),
    ("config example", "\
debrief config example
debrief config example > my-config.toml && DEBRIEF_CONFIG=my-config.toml debrief paths"),
];
