//! One table of key bindings: (where, key, command, description). The footer, the `?`
//! help overlay and the key handling all read it, so what the screen says is what the
//! keys do. Users may rebind keys in config.toml (`[keys]`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;

/// Where a binding applies. `Global` bindings apply on every screen without a text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Global,
    Welcome,
    Incidents,
    Overview,
    Timeline,
    Findings,
    Evidence,
    Backlog,
    Owners,
    Evaluation,
    Report,
}

impl Scope {
    pub const ALL: [Scope; 11] = [
        Scope::Global,
        Scope::Welcome,
        Scope::Incidents,
        Scope::Overview,
        Scope::Timeline,
        Scope::Findings,
        Scope::Evidence,
        Scope::Backlog,
        Scope::Owners,
        Scope::Evaluation,
        Scope::Report,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Welcome => "welcome",
            Scope::Incidents => "incidents",
            Scope::Overview => "overview",
            Scope::Timeline => "timeline",
            Scope::Findings => "findings",
            Scope::Evidence => "evidence",
            Scope::Backlog => "backlog",
            Scope::Owners => "owners",
            Scope::Evaluation => "evaluation",
            Scope::Report => "report",
        }
    }
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    MarkKey,
    LinkCause,
    LoadDemo,
    TagLapse,
    AttachEvidence,
    GoToFinding,
    Verify,
    SwitchPane,
    Walk,
    ToggleAll,
    ActionFromFinding,
    Sort,
    RateSufficiency,
    RateCompleteness,
    LinkFindings,
    WriteReport,
    ToggleScope,
    Import,
}

impl Command {
    /// The name used in config.toml and the command palette.
    pub fn name(self) -> &'static str {
        use Command::*;
        match self {
            Quit => "quit",
            Help => "help",
            Palette => "palette",
            Back => "back",
            Up => "up",
            Down => "down",
            PageUp => "page-up",
            PageDown => "page-down",
            Top => "top",
            Bottom => "bottom",
            NextView => "next-view",
            PrevView => "prev-view",
            ViewIncidents => "view-incidents",
            ViewOverview => "view-overview",
            ViewTimeline => "view-timeline",
            ViewFindings => "view-findings",
            ViewEvidence => "view-evidence",
            ViewBacklog => "view-backlog",
            ViewOwners => "view-owners",
            ViewEvaluation => "view-evaluation",
            ViewReport => "view-report",
            Open => "open",
            Add => "add",
            Edit => "edit",
            Delete => "delete",
            Undo => "undo",
            Redo => "redo",
            Capture => "capture",
            Filter => "filter",
            ClearFilter => "clear-filter",
            JumpTime => "jump-time",
            ToggleZone => "toggle-zone",
            MarkKey => "mark-key",
            LinkCause => "link-cause",
            LoadDemo => "load-demo",
            TagLapse => "tag-lapse",
            AttachEvidence => "attach-evidence",
            GoToFinding => "go-to-finding",
            Verify => "verify",
            SwitchPane => "switch-pane",
            Walk => "review-walk",
            ToggleAll => "all-incidents",
            ActionFromFinding => "action-from-finding",
            Sort => "sort",
            RateSufficiency => "rate-sufficiency",
            RateCompleteness => "rate-completeness",
            LinkFindings => "link-findings",
            WriteReport => "write-report",
            ToggleScope => "toggle-timeline-scope",
            Import => "import",
        }
    }
}

/// A key with its modifiers, as typed in config (`ctrl-r`, `shift-tab`, `G`, `pagedown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub const fn new(code: KeyCode, mods: KeyModifiers) -> Self {
        Key { code, mods }
    }

    pub const fn plain(code: KeyCode) -> Self {
        Key::new(code, KeyModifiers::NONE)
    }

    pub const fn char(c: char) -> Self {
        Key::plain(KeyCode::Char(c))
    }

    /// The key of a terminal event; SHIFT is dropped for characters (it is in the char).
    pub fn from_event(e: &KeyEvent) -> Self {
        let mut mods =
            e.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        if matches!(e.code, KeyCode::Char(_)) {
            mods.remove(KeyModifiers::SHIFT);
        }
        let code = match e.code {
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key::new(code, mods)
    }

    pub fn parse(text: &str) -> Result<Key, String> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if lower.starts_with("ctrl-") {
                mods |= KeyModifiers::CONTROL;
            } else if lower.starts_with("alt-") {
                mods |= KeyModifiers::ALT;
            } else {
                break;
            }
            rest = &rest[rest.find('-').map(|i| i + 1).unwrap_or(0)..];
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "shift-tab" | "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "delete" | "del" => KeyCode::Delete,
            "backspace" => KeyCode::Backspace,
            _ if rest.chars().count() == 1 => KeyCode::Char(rest.chars().next().unwrap_or(' ')),
            _ if rest.len() > 1 && rest.starts_with(['f', 'F']) => KeyCode::F(
                rest[1..]
                    .parse()
                    .map_err(|_| format!("unknown key {text:?}"))?,
            ),
            _ => {
                return Err(format!(
                    "unknown key {text:?} (e.g. a, G, ctrl-r, enter, pagedown, f2)"
                ));
            }
        };
        Ok(Key::new(code, mods))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Up => f.write_str("up"),
            KeyCode::Down => f.write_str("down"),
            KeyCode::Left => f.write_str("left"),
            KeyCode::Right => f.write_str("right"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::PageUp => f.write_str("pageup"),
            KeyCode::PageDown => f.write_str("pagedown"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub scope: Scope,
    pub key: Key,
    pub command: Command,
    pub description: &'static str,
    /// The short label in the footer, for the keys that matter most on that screen.
    pub footer: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        use Command::*;
        use KeyCode as K;
        use Scope::*;
        let ctrl = |c| Key::new(K::Char(c), KeyModifiers::CONTROL);
        let rows: Vec<(Scope, Key, Command, &'static str, Option<&'static str>)> = vec![
            (
                Global,
                Key::char('q'),
                Quit,
                "quit (everything is already saved)",
                Some("quit"),
            ),
            (
                Global,
                Key::char('?'),
                Help,
                "help: every key on this screen",
                Some("help"),
            ),
            (Global, Key::char(':'), Palette, "command palette", None),
            (Global, Key::plain(K::Esc), Back, "back / close", None),
            (Global, Key::plain(K::Tab), NextView, "next view", None),
            (
                Global,
                Key::plain(K::BackTab),
                PrevView,
                "previous view",
                None,
            ),
            (
                Global,
                Key::char('1'),
                ViewIncidents,
                "Incidents view",
                None,
            ),
            (Global, Key::char('2'), ViewOverview, "Overview view", None),
            (Global, Key::char('3'), ViewTimeline, "Timeline view", None),
            (Global, Key::char('4'), ViewFindings, "Findings view", None),
            (
                Global,
                Key::char('5'),
                ViewEvidence,
                "Evidence & actors view",
                None,
            ),
            (Global, Key::plain(K::Up), Up, "previous row", None),
            (Global, Key::char('k'), Up, "previous row", None),
            (Global, Key::plain(K::Down), Down, "next row", None),
            (Global, Key::char('j'), Down, "next row", None),
            (Global, Key::plain(K::PageUp), PageUp, "page up", None),
            (Global, ctrl('u'), PageUp, "page up", None),
            (Global, Key::plain(K::PageDown), PageDown, "page down", None),
            (Global, ctrl('d'), PageDown, "page down", None),
            (Global, Key::plain(K::Home), Top, "first row", None),
            (Global, Key::char('g'), Top, "first row", None),
            (Global, Key::plain(K::End), Bottom, "last row", None),
            (Global, Key::char('G'), Bottom, "last row", None),
            (Global, Key::char('u'), Undo, "undo the last change", None),
            (Global, ctrl('r'), Redo, "redo", None),
            (
                Welcome,
                Key::char('n'),
                Add,
                "new incident",
                Some("new incident"),
            ),
            (
                Welcome,
                Key::char('d'),
                LoadDemo,
                "load the demo incident",
                Some("demo incident"),
            ),
            (
                Incidents,
                Key::plain(K::Enter),
                Open,
                "open the incident's timeline",
                Some("open"),
            ),
            (Incidents, Key::char('a'), Add, "new incident", Some("new")),
            (
                Incidents,
                Key::char('e'),
                Edit,
                "edit the incident",
                Some("edit"),
            ),
            (
                Incidents,
                Key::char('d'),
                Delete,
                "delete the incident (asks first)",
                Some("delete"),
            ),
            (
                Incidents,
                Key::char('D'),
                LoadDemo,
                "load the demo incident",
                None,
            ),
            (
                Incidents,
                Key::char('u'),
                Undo,
                "undo the last change",
                Some("undo"),
            ),
            (
                Timeline,
                Key::char('c'),
                Capture,
                "quick capture: 14:02 @who what #tag T1078",
                Some("capture"),
            ),
            (
                Timeline,
                Key::char('a'),
                Add,
                "add an event with the form",
                Some("add"),
            ),
            (
                Timeline,
                Key::plain(K::Enter),
                Edit,
                "edit the event",
                Some("edit"),
            ),
            (Timeline, Key::char('e'), Edit, "edit the event", None),
            (
                Timeline,
                Key::char('d'),
                Delete,
                "delete the event (asks first)",
                Some("delete"),
            ),
            (
                Timeline,
                Key::char('/'),
                Filter,
                "filter: words, @actor, #tag, !phase",
                Some("filter"),
            ),
            (
                Timeline,
                Key::char('x'),
                ClearFilter,
                "clear the filter",
                None,
            ),
            (Timeline, Key::char('t'), JumpTime, "jump to a time", None),
            (
                Timeline,
                Key::char('z'),
                ToggleZone,
                "times in UTC / the incident's zone",
                Some("UTC/local"),
            ),
            (
                Timeline,
                Key::char('K'),
                MarkKey,
                "mark as key event (cycles)",
                None,
            ),
            (
                Timeline,
                Key::char('l'),
                LinkCause,
                "link to the event that caused it",
                None,
            ),
            (
                Timeline,
                Key::char('u'),
                Undo,
                "undo the last change",
                Some("undo"),
            ),
            (
                Timeline,
                Key::char('f'),
                TagLapse,
                "tag what went wrong: link to a finding or start one",
                Some("lapse"),
            ),
            (
                Timeline,
                Key::char('E'),
                AttachEvidence,
                "attach evidence (a file path, URL or ticket)",
                None,
            ),
            (
                Timeline,
                Key::char('F'),
                GoToFinding,
                "go to the event's finding",
                None,
            ),
            (
                Overview,
                Key::char('e'),
                Edit,
                "edit the summary, response, takeaways and fields",
                Some("edit"),
            ),
            (
                Findings,
                Key::plain(K::Enter),
                Open,
                "show the finding's events in the timeline",
                Some("events"),
            ),
            (Findings, Key::char('a'), Add, "add a finding", Some("add")),
            (
                Findings,
                Key::char('e'),
                Edit,
                "edit the finding",
                Some("edit"),
            ),
            (
                Findings,
                Key::char('d'),
                Delete,
                "delete the finding (asks first)",
                Some("delete"),
            ),
            (
                Findings,
                Key::char('u'),
                Undo,
                "undo the last change",
                Some("undo"),
            ),
            (
                Evidence,
                Key::plain(K::Enter),
                Open,
                "show the actor's or the evidence's events",
                Some("events"),
            ),
            (
                Evidence,
                Key::plain(K::Right),
                SwitchPane,
                "switch between actors and evidence",
                Some("actors/evidence"),
            ),
            (
                Evidence,
                Key::plain(K::Left),
                SwitchPane,
                "switch between actors and evidence",
                None,
            ),
            (
                Evidence,
                Key::char('e'),
                Edit,
                "classify the actor",
                Some("edit"),
            ),
            (
                Evidence,
                Key::char('a'),
                AttachEvidence,
                "add evidence (a file path, URL or ticket)",
                Some("add"),
            ),
            (
                Evidence,
                Key::char('v'),
                Verify,
                "re-verify evidence files (hash)",
                Some("verify"),
            ),
            (
                Evidence,
                Key::char('u'),
                Undo,
                "undo the last change",
                Some("undo"),
            ),
            (Global, Key::char('6'), ViewBacklog, "Backlog view", None),
            (Global, Key::char('7'), ViewOwners, "Owners view", None),
            (
                Global,
                Key::char('8'),
                ViewEvaluation,
                "Response evaluation view",
                None,
            ),
            (Global, Key::char('9'), ViewReport, "Report preview", None),
            (
                Evaluation,
                Key::char('s'),
                RateSufficiency,
                "rate sufficiency: met, partly, not met, n/a, unrated",
                Some("sufficiency"),
            ),
            (
                Evaluation,
                Key::char('c'),
                RateCompleteness,
                "rate completeness: met, partly, not met, n/a, unrated",
                Some("completeness"),
            ),
            (
                Evaluation,
                Key::plain(K::Enter),
                Edit,
                "edit the area's note and ratings (starts the checklist when empty)",
                Some("note"),
            ),
            (
                Evaluation,
                Key::char('f'),
                LinkFindings,
                "link the findings the rating rests on",
                Some("findings"),
            ),
            (
                Evaluation,
                Key::char('a'),
                Add,
                "add an area of this incident's own",
                Some("add"),
            ),
            (
                Evaluation,
                Key::char('d'),
                Delete,
                "remove the area from this incident",
                None,
            ),
            (
                Evaluation,
                Key::char('u'),
                Undo,
                "undo the last change",
                Some("undo"),
            ),
            (
                Timeline,
                Key::char('I'),
                Import,
                "import a timeline file (Timesketch, Plaso, DFIR-IRIS, CSV)",
                Some("import"),
            ),
            (
                Report,
                Key::char('w'),
                WriteReport,
                "write the report to a file (.md, .html or .json)",
                Some("write"),
            ),
            (
                Report,
                Key::char('t'),
                ToggleScope,
                "timeline: every event / key events only",
                Some("timeline"),
            ),
            (
                Report,
                Key::char('z'),
                ToggleZone,
                "times in the incident's zone (UTC beside) / UTC only",
                Some("zone"),
            ),
            (
                Findings,
                Key::char('A'),
                ActionFromFinding,
                "log an action that addresses the finding",
                Some("action"),
            ),
            (
                Backlog,
                Key::char('w'),
                Walk,
                "review walk: every open action, overdue first",
                Some("walk"),
            ),
            (
                Backlog,
                Key::plain(K::Enter),
                Edit,
                "review the selected action",
                Some("review"),
            ),
            (Backlog, Key::char('a'), Add, "log an action", Some("add")),
            (
                Backlog,
                Key::char('s'),
                Sort,
                "sort by: walk order, due, priority, owner, status",
                Some("sort"),
            ),
            (
                Backlog,
                Key::char('A'),
                ToggleAll,
                "this incident / all incidents",
                Some("all"),
            ),
            (
                Backlog,
                Key::char('/'),
                Filter,
                "filter: @owner #group !status P1 before:DATE overdue stale",
                Some("filter"),
            ),
            (
                Backlog,
                Key::char('x'),
                ClearFilter,
                "clear the filter",
                None,
            ),
            (
                Backlog,
                Key::char('u'),
                Undo,
                "undo the last change",
                Some("undo"),
            ),
            (
                Owners,
                Key::plain(K::Enter),
                Open,
                "the owner's actions in the backlog",
                Some("actions"),
            ),
            (
                Owners,
                Key::char('w'),
                Walk,
                "review walk of the owner's open actions",
                Some("walk"),
            ),
            (
                Owners,
                Key::char('u'),
                Undo,
                "undo the last change",
                Some("undo"),
            ),
        ];
        Keymap {
            bindings: rows
                .into_iter()
                .map(|(scope, key, command, description, footer)| Binding {
                    scope,
                    key,
                    command,
                    description,
                    footer,
                })
                .collect(),
        }
    }
}

impl Keymap {
    /// The command a key means in a scope: the scope's own bindings first, then global.
    pub fn command(&self, scope: Scope, key: Key) -> Option<Command> {
        let find = |s: Scope| {
            self.bindings
                .iter()
                .find(|b| b.scope == s && b.key == key)
                .map(|b| b.command)
        };
        find(scope).or_else(|| find(Scope::Global))
    }

    /// Every binding that applies in a scope (its own, then global), for the help overlay.
    pub fn help(&self, scope: Scope) -> Vec<&Binding> {
        let own = self.bindings.iter().filter(|b| b.scope == scope);
        let global = self.bindings.iter().filter(|b| {
            b.scope == Scope::Global
                && scope != Scope::Global
                && self.command(scope, b.key) == Some(b.command)
        });
        own.chain(global).collect()
    }

    /// The footer: a scope's marked bindings, then the marked global ones.
    pub fn footer(&self, scope: Scope) -> Vec<&Binding> {
        self.help(scope)
            .into_iter()
            .filter(|b| b.footer.is_some())
            .collect()
    }

    /// The first key bound to a command in a scope, for hints ("press c to capture").
    pub fn key_for(&self, scope: Scope, command: Command) -> Option<Key> {
        self.help(scope)
            .into_iter()
            .find(|b| b.command == command)
            .map(|b| b.key)
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// Applies user overrides: `{"timeline": {"capture": "C"}}` rebinds every key of that
    /// command in that scope to the given key(s). Errors name the scope and command.
    pub fn apply_overrides(
        &mut self,
        overrides: &BTreeMap<String, BTreeMap<String, KeySpec>>,
    ) -> Result<(), String> {
        for (scope_name, commands) in overrides {
            let scope = [
                Scope::Global,
                Scope::Welcome,
                Scope::Incidents,
                Scope::Timeline,
            ]
            .into_iter()
            .find(|s| s.name() == scope_name)
            .ok_or_else(|| {
                format!(
                    "[keys.{scope_name}]: unknown screen (global, welcome, incidents, overview, timeline, findings, evidence, backlog, owners)"
                )
            })?;
            for (command_name, spec) in commands {
                let template = self
                    .bindings
                    .iter()
                    .find(|b| b.scope == scope && b.command.name() == command_name)
                    .cloned()
                    .ok_or_else(|| {
                        format!(
                            "[keys.{scope_name}] {command_name}: no such command on that screen"
                        )
                    })?;
                let keys = spec
                    .keys()
                    .iter()
                    .map(|k| {
                        Key::parse(k)
                            .map_err(|e| format!("[keys.{scope_name}] {command_name}: {e}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                self.bindings
                    .retain(|b| !(b.scope == scope && b.command == template.command));
                for (i, key) in keys.into_iter().enumerate() {
                    self.bindings
                        .retain(|b| !(b.scope == scope && b.key == key));
                    self.bindings.push(Binding {
                        key,
                        footer: template.footer.filter(|_| i == 0),
                        ..template.clone()
                    });
                }
            }
        }
        Ok(())
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

/// The default keys as a Markdown table, as the README shows them.
pub fn markdown_table(map: &Keymap) -> String {
    let mut out = String::from("| screen | keys | command | what it does |\n|---|---|---|---|\n");
    let mut rows: Vec<(Scope, Command, Vec<String>, &str)> = Vec::new();
    for b in map.bindings() {
        match rows
            .iter_mut()
            .find(|(s, c, _, _)| *s == b.scope && *c == b.command)
        {
            Some((_, _, keys, _)) => keys.push(format!("`{}`", b.key)),
            None => rows.push((
                b.scope,
                b.command,
                vec![format!("`{}`", b.key)],
                b.description,
            )),
        }
    }
    for (scope, command, keys, description) in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            scope.name(),
            keys.join(" ").replace('|', "\\|"),
            command.name(),
            description
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_keys_win_over_global_ones() {
        let map = Keymap::default();
        assert_eq!(
            map.command(Scope::Timeline, Key::char('d')),
            Some(Command::Delete)
        );
        assert_eq!(
            map.command(Scope::Welcome, Key::char('d')),
            Some(Command::LoadDemo)
        );
        assert_eq!(
            map.command(Scope::Timeline, Key::char('j')),
            Some(Command::Down)
        );
        assert_eq!(map.command(Scope::Timeline, Key::char('§')), None);
    }

    #[test]
    fn help_and_footer_come_from_the_table() {
        let map = Keymap::default();
        let help = map.help(Scope::Timeline);
        assert!(help.iter().any(|b| b.command == Command::Capture));
        assert!(help.iter().any(|b| b.command == Command::Quit));
        let footer = map.footer(Scope::Timeline);
        assert!(footer.iter().all(|b| b.footer.is_some()));
        assert!(footer.len() < help.len());
    }

    #[test]
    fn overrides_rebind_and_errors_name_the_place() {
        let mut map = Keymap::default();
        let mut timeline = BTreeMap::new();
        timeline.insert("capture".to_string(), KeySpec::One("C".into()));
        let mut all = BTreeMap::new();
        all.insert("timeline".to_string(), timeline);
        map.apply_overrides(&all).unwrap();
        assert_eq!(
            map.command(Scope::Timeline, Key::char('C')),
            Some(Command::Capture)
        );
        assert_eq!(map.command(Scope::Timeline, Key::char('c')), None);

        let mut bad = BTreeMap::new();
        bad.insert(
            "timeline".to_string(),
            BTreeMap::from([("fly".to_string(), KeySpec::One("f".into()))]),
        );
        assert!(map.apply_overrides(&bad).unwrap_err().contains("fly"));
    }

    #[test]
    fn every_default_key_reads_back_from_its_name() {
        for b in Keymap::default().bindings() {
            assert_eq!(Key::parse(&b.key.to_string()).unwrap(), b.key, "{}", b.key);
        }
    }

    #[test]
    fn keys_parse_and_print() {
        for text in ["a", "G", "ctrl-r", "enter", "pagedown", "f2", "shift-tab"] {
            Key::parse(text).unwrap();
        }
        assert_eq!(Key::parse("ctrl-r").unwrap().to_string(), "ctrl-r");
        assert!(Key::parse("hyper-x").is_err());
    }
}
