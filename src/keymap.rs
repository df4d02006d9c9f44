//! One table of key bindings: (where, key, command, description), and beside it the
//! commands each screen's footer names. The footer, the `?` help overlay, the command
//! palette and the key handling all read the bindings, so what the screen says is what
//! the keys do. Users may rebind keys in config.toml (`[keys.<screen>]`).

mod key;

pub use key::Key;

use crate::view::View;
use std::collections::BTreeMap;
use strum::IntoEnumIterator;

/// Where a binding applies: on every screen (unless the screen binds the same key to
/// something else), or on one screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Where {
    Global,
    On(View),
}

impl Where {
    /// The config section's name: `global` or the screen's.
    pub fn name(self) -> &'static str {
        match self {
            Where::Global => "global",
            Where::On(view) => view.name(),
        }
    }

    /// Every place a binding can have: `global`, then each screen.
    pub fn all() -> impl Iterator<Item = Where> {
        std::iter::once(Where::Global).chain(View::ALL.into_iter().map(Where::On))
    }

    fn from_name(name: &str) -> Option<Where> {
        Where::all().find(|w| w.name() == name)
    }
}

/// What a key asks for. Its name (`Command::name`) is what config.toml and the command
/// palette use: the variant in kebab case unless a `serialize` says otherwise.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr, strum::EnumIter,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Command {
    Quit,
    Help,
    Palette,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextView,
    PrevView,
    ViewIncidents,
    ViewOverview,
    ViewTimeline,
    ViewFindings,
    ViewEvidence,
    ViewBacklog,
    ViewOwners,
    ViewEvaluation,
    ViewReport,
    Open,
    Add,
    Edit,
    Delete,
    Undo,
    Redo,
    Capture,
    Filter,
    ClearFilter,
    JumpTime,
    ToggleZone,
    ToggleDetail,
    NextBusy,
    PrevBusy,
    MarkKey,
    LinkCause,
    LoadDemo,
    TagLapse,
    AttachEvidence,
    GoToFinding,
    Verify,
    SwitchPane,
    #[strum(serialize = "review-walk")]
    Walk,
    #[strum(serialize = "all-incidents")]
    ToggleAll,
    ActionFromFinding,
    Sort,
    RateSufficiency,
    RateCompleteness,
    LinkFindings,
    LinkEvidence,
    #[strum(serialize = "sop-change")]
    AddSop,
    WriteReport,
    #[strum(serialize = "toggle-timeline-scope")]
    ToggleScope,
    Import,
}

impl Command {
    /// The name used in config.toml and the command palette.
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn from_name(name: &str) -> Option<Command> {
        Command::iter().find(|c| c.name() == name)
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub place: Where,
    pub key: Key,
    pub command: Command,
    pub description: &'static str,
}

/// The default bindings and footers, one line each.
#[rustfmt::skip]
mod defaults {
    use super::Command::{self, *};
    use super::Where::{self, *};
    use crate::view::View::*;

    /// (where, key as written in config.toml, command, what it does). Within a place the
    /// order is the help overlay's, and a command's first key is the one hints show.
    pub const BINDINGS: &[(Where, &str, Command, &str)] = &[
        (Global, "q", Quit, "quit (everything is already saved)"),
        (Global, "?", Help, "help: every key on this screen"),
        (Global, ":", Palette, "command palette"),
        (Global, "esc", Back, "back / close"),
        (Global, "tab", NextView, "next view"),
        (Global, "shift-tab", PrevView, "previous view"),
        (Global, "1", ViewIncidents, "Incidents view"),
        (Global, "2", ViewOverview, "Overview view"),
        (Global, "3", ViewTimeline, "Timeline view"),
        (Global, "4", ViewFindings, "Findings view"),
        (Global, "5", ViewEvidence, "Evidence & actors view"),
        (Global, "up", Up, "previous row"),
        (Global, "k", Up, "previous row"),
        (Global, "down", Down, "next row"),
        (Global, "j", Down, "next row"),
        (Global, "pageup", PageUp, "page up"),
        (Global, "ctrl-u", PageUp, "page up"),
        (Global, "pagedown", PageDown, "page down"),
        (Global, "ctrl-d", PageDown, "page down"),
        (Global, "home", Top, "first row"),
        (Global, "g", Top, "first row"),
        (Global, "end", Bottom, "last row"),
        (Global, "G", Bottom, "last row"),
        (Global, "u", Undo, "undo the last change"),
        (Global, "ctrl-r", Redo, "redo"),
        (Global, "6", ViewBacklog, "Backlog view"),
        (Global, "7", ViewOwners, "Owners view"),
        (Global, "8", ViewEvaluation, "Response evaluation view"),
        (Global, "9", ViewReport, "Report preview"),

        (On(Welcome), "n", Add, "new incident"),
        (On(Welcome), "d", LoadDemo, "load the demo incident"),

        (On(Incidents), "enter", Open, "open the incident's timeline"),
        (On(Incidents), "a", Add, "new incident"),
        (On(Incidents), "e", Edit, "edit the incident"),
        (On(Incidents), "d", Delete, "delete the incident (asks first)"),
        (On(Incidents), "D", LoadDemo, "load the demo incident"),

        (On(Overview), "e", Edit, "edit the summary, response, takeaways and fields"),

        (On(Timeline), "c", Capture, "quick capture: 14:02 @who what #tag T1078"),
        (On(Timeline), "a", Add, "add an event with the form"),
        (On(Timeline), "enter", Edit, "edit the event"),
        (On(Timeline), "e", Edit, "edit the event"),
        (On(Timeline), "d", Delete, "delete the event (asks first)"),
        (On(Timeline), "/", Filter, "filter: words, @actor, #tag, !phase"),
        (On(Timeline), "x", ClearFilter, "clear the filter"),
        (On(Timeline), "t", JumpTime, "jump to a time"),
        (On(Timeline), "z", ToggleZone, "times in UTC / the incident's zone"),
        (On(Timeline), "]", NextBusy, "jump to the next busy stretch or key event"),
        (On(Timeline), "[", PrevBusy, "jump to the previous busy stretch or key event"),
        (On(Timeline), "v", ToggleDetail, "show / hide the detail pane"),
        (On(Timeline), "K", MarkKey, "mark as key event: 1-4 a kind, 0 none"),
        (On(Timeline), "l", LinkCause, "link to the event that caused it"),
        (On(Timeline), "f", TagLapse, "tag what went wrong: link to a finding or start one"),
        (On(Timeline), "E", AttachEvidence, "attach evidence (a file path, URL or ticket)"),
        (On(Timeline), "F", GoToFinding, "go to the event's finding"),
        (On(Timeline), "I", Import, "import a timeline file (Timesketch, Plaso, DFIR-IRIS, CSV)"),

        (On(Findings), "enter", Open, "show the finding's events in the timeline"),
        (On(Findings), "a", Add, "add a finding"),
        (On(Findings), "e", Edit, "edit the finding"),
        (On(Findings), "d", Delete, "delete the finding (asks first)"),
        (On(Findings), "A", ActionFromFinding, "log an action that addresses the finding"),
        (On(Findings), "l", LinkEvidence, "tick the evidence the finding rests on"),

        (On(Evidence), "enter", Open, "show the actor's or the evidence's events"),
        (On(Evidence), "right", SwitchPane, "switch between actors and evidence"),
        (On(Evidence), "left", SwitchPane, "switch between actors and evidence"),
        (On(Evidence), "e", Edit, "classify or rename the actor"),
        (On(Evidence), "a", AttachEvidence, "add evidence (a file path, URL or ticket)"),
        (On(Evidence), "l", LinkEvidence, "link the evidence to findings and the timeline's selected event"),
        (On(Evidence), "v", Verify, "re-verify evidence files (hash)"),

        (On(Backlog), "w", Walk, "review walk: every open action, overdue first"),
        (On(Backlog), "enter", Edit, "review the selected action"),
        (On(Backlog), "a", Add, "log an action"),
        (On(Backlog), "p", AddSop, "record an SOP change (procedure) the action made"),
        (On(Backlog), "f", LinkFindings, "link the action to the findings it addresses"),
        (On(Backlog), "s", Sort, "sort by: walk order, due, priority, owner, status"),
        (On(Backlog), "A", ToggleAll, "this incident / all incidents"),
        (On(Backlog), "/", Filter, "filter: @owner #group !status P1 before:DATE overdue stale"),
        (On(Backlog), "x", ClearFilter, "clear the filter"),

        (On(Owners), "enter", Open, "the owner's actions in the backlog"),
        (On(Owners), "w", Walk, "review walk of the owner's open actions"),
        (On(Owners), "e", Edit, "set how the owner is reached (an e-mail becomes the Jira Assignee)"),

        (On(Evaluation), "s", RateSufficiency, "rate sufficiency: met, partly, not met, n/a, unrated"),
        (On(Evaluation), "c", RateCompleteness, "rate completeness: met, partly, not met, n/a, unrated"),
        (On(Evaluation), "enter", Edit, "edit the area's note and ratings (starts the checklist when empty)"),
        (On(Evaluation), "f", LinkFindings, "link the findings the rating rests on"),
        (On(Evaluation), "a", Add, "add an area of this incident's own"),
        (On(Evaluation), "d", Delete, "remove the area from this incident"),

        (On(Report), "w", WriteReport, "write the report to a file (.md, .html or .json)"),
        (On(Report), "t", ToggleScope, "timeline: every event / key events only"),
        (On(Report), "z", ToggleZone, "times in the incident's zone (UTC beside) / in UTC"),
    ];

    /// (where, command, label): what each screen's footer names, in order; the global
    /// ones follow every screen's own. The key shown is the command's current first key.
    pub const FOOTERS: &[(Where, Command, &str)] = &[
        (On(Welcome), Add, "new incident"),
        (On(Welcome), LoadDemo, "demo incident"),

        (On(Incidents), Open, "open"),
        (On(Incidents), Add, "new"),
        (On(Incidents), Edit, "edit"),
        (On(Incidents), Delete, "delete"),
        (On(Incidents), Undo, "undo"),

        (On(Overview), Edit, "edit"),

        (On(Timeline), Capture, "capture"),
        (On(Timeline), Add, "add"),
        (On(Timeline), Edit, "edit"),
        (On(Timeline), Delete, "delete"),
        (On(Timeline), Filter, "filter"),
        (On(Timeline), ToggleZone, "UTC/local"),
        (On(Timeline), Undo, "undo"),
        (On(Timeline), TagLapse, "lapse"),
        (On(Timeline), Import, "import"),

        (On(Findings), Open, "events"),
        (On(Findings), Add, "add"),
        (On(Findings), Edit, "edit"),
        (On(Findings), Delete, "delete"),
        (On(Findings), Undo, "undo"),
        (On(Findings), ActionFromFinding, "action"),

        (On(Evidence), Open, "events"),
        (On(Evidence), SwitchPane, "actors/evidence"),
        (On(Evidence), Edit, "edit"),
        (On(Evidence), AttachEvidence, "add"),
        (On(Evidence), LinkEvidence, "link"),
        (On(Evidence), Verify, "verify"),
        (On(Evidence), Undo, "undo"),

        (On(Backlog), Walk, "walk"),
        (On(Backlog), Edit, "review"),
        (On(Backlog), Add, "add"),
        (On(Backlog), LinkFindings, "findings"),
        (On(Backlog), AddSop, "SOP"),
        (On(Backlog), Sort, "sort"),
        (On(Backlog), ToggleAll, "all"),
        (On(Backlog), Filter, "filter"),
        (On(Backlog), Undo, "undo"),

        (On(Owners), Open, "actions"),
        (On(Owners), Walk, "walk"),
        (On(Owners), Edit, "contact"),
        (On(Owners), Undo, "undo"),

        (On(Evaluation), RateSufficiency, "sufficiency"),
        (On(Evaluation), RateCompleteness, "completeness"),
        (On(Evaluation), Edit, "note"),
        (On(Evaluation), LinkFindings, "findings"),
        (On(Evaluation), Add, "add"),
        (On(Evaluation), Undo, "undo"),

        (On(Report), WriteReport, "write"),
        (On(Report), ToggleScope, "timeline"),
        (On(Report), ToggleZone, "zone"),

        (Global, Quit, "quit"),
        (Global, Help, "help"),
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = defaults::BINDINGS
            .iter()
            .map(|&(place, key, command, description)| Binding {
                place,
                // The table is checked by a test and at every start; a typo is a bug here.
                key: Key::parse(key).unwrap_or_else(|e| panic!("default key table: {e}")),
                command,
                description,
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// The command a key means on a screen: the screen's own bindings first, then global.
    pub fn command(&self, view: View, key: Key) -> Option<Command> {
        let find = |place: Where| {
            self.bindings
                .iter()
                .find(|b| b.place == place && b.key == key)
                .map(|b| b.command)
        };
        find(Where::On(view)).or_else(|| find(Where::Global))
    }

    /// Every binding that works on a screen (its own, then the global ones it does not
    /// shadow), for the help overlay and the palette.
    pub fn help(&self, view: View) -> Vec<&Binding> {
        let own = self.bindings.iter().filter(|b| b.place == Where::On(view));
        let global = self
            .bindings
            .iter()
            .filter(|b| b.place == Where::Global && self.command(view, b.key) == Some(b.command));
        own.chain(global).collect()
    }

    /// The footer: (current key, label) for each command the screen's footer names, then
    /// the global ones; a command with no working key on the screen is left out.
    pub fn footer(&self, view: View) -> Vec<(Key, &'static str)> {
        let listed = |place: Where| {
            defaults::FOOTERS
                .iter()
                .filter(move |(p, _, _)| *p == place)
        };
        listed(Where::On(view))
            .chain(listed(Where::Global))
            .filter_map(|&(_, command, label)| Some((self.key_for(view, command)?, label)))
            .collect()
    }

    /// The first key that runs a command on a screen, for hints ("press c to capture").
    pub fn key_for(&self, view: View, command: Command) -> Option<Key> {
        self.help(view)
            .into_iter()
            .find(|b| b.command == command)
            .map(|b| b.key)
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// Applies user overrides: `{"timeline": {"capture": "C"}}` rebinds every key of that
    /// command in that place to the given key(s). A global command under a screen's
    /// section gets keys on that screen only (its global keys keep working elsewhere and
    /// there). Errors name the section, the command and what is accepted.
    pub fn apply_overrides(
        &mut self,
        overrides: &BTreeMap<String, BTreeMap<String, KeySpec>>,
    ) -> Result<(), String> {
        for (section, commands) in overrides {
            let place = Where::from_name(section).ok_or_else(|| {
                let names: Vec<&str> = Where::all().map(Where::name).collect();
                format!(
                    "[keys.{section}]: unknown screen; the sections are {}",
                    names.join(", ")
                )
            })?;
            for (name, spec) in commands {
                let at = |what: String| format!("[keys.{section}] {name}: {what}");
                let (command, description) = Command::from_name(name)
                    .and_then(|c| Some((c, self.template(place, c)?)))
                    .ok_or_else(|| at(self.no_such_command(place)))?;
                let keys = spec
                    .keys()
                    .iter()
                    .map(|k| Key::parse(k).map_err(at))
                    .collect::<Result<Vec<_>, _>>()?;
                self.bindings
                    .retain(|b| !(b.place == place && b.command == command));
                for key in keys {
                    self.bindings
                        .retain(|b| !(b.place == place && b.key == key));
                    self.bindings.push(Binding {
                        place,
                        key,
                        command,
                        description,
                    });
                }
            }
        }
        Ok(())
    }

    /// The description a command has in a place: its own binding's, or on a screen, the
    /// global binding's. None: the command cannot be bound there.
    fn template(&self, place: Where, command: Command) -> Option<&'static str> {
        let find = |p: Where| {
            self.bindings
                .iter()
                .find(|b| b.place == p && b.command == command)
                .map(|b| b.description)
        };
        find(place).or_else(|| match place {
            Where::On(_) => find(Where::Global),
            Where::Global => None,
        })
    }

    /// The error for a command a section does not have, listing the ones it has.
    fn no_such_command(&self, place: Where) -> String {
        let mut names: Vec<&str> = Vec::new();
        let places = match place {
            Where::Global => vec![Where::Global],
            Where::On(_) => vec![place, Where::Global],
        };
        for p in places {
            for b in self.bindings.iter().filter(|b| b.place == p) {
                if !names.contains(&b.command.name()) {
                    names.push(b.command.name());
                }
            }
        }
        let names = names.join(", ");
        match place {
            Where::Global => format!("no such global command; the global commands are {names}"),
            Where::On(view) => format!(
                "no such command on the {} screen; its commands are {names}",
                view.name()
            ),
        }
    }
}

/// One key or several, as written in config.toml.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(untagged)]
pub enum KeySpec {
    One(String),
    Many(Vec<String>),
}

impl KeySpec {
    fn keys(&self) -> Vec<String> {
        match self {
            KeySpec::One(k) => vec![k.clone()],
            KeySpec::Many(ks) => ks.clone(),
        }
    }
}

/// The default keys as a Markdown table, as the README shows them: one row per command
/// and place, with all its keys.
pub fn markdown_table(map: &Keymap) -> String {
    let mut out = String::from("| screen | keys | command | what it does |\n|---|---|---|---|\n");
    let mut rows: Vec<(Where, Command, Vec<String>, &str)> = Vec::new();
    for b in map.bindings() {
        match rows
            .iter_mut()
            .find(|(p, c, _, _)| *p == b.place && *c == b.command)
        {
            Some((_, _, keys, _)) => keys.push(format!("`{}`", b.key)),
            None => rows.push((
                b.place,
                b.command,
                vec![format!("`{}`", b.key)],
                b.description,
            )),
        }
    }
    for (place, command, keys, description) in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            place.name(),
            keys.join(" ").replace('|', "\\|"),
            command.name(),
            description
        ));
    }
    out
}

#[cfg(test)]
mod tests;
