//! The Report preview screen: the Markdown report as it will be written, `t` for the
//! key events only, `w` to write it (Markdown, HTML or JSON by the file's extension).

use super::super::effect::Effect;
use super::super::overlays::{Overlay, Pending, prompt::Prompt};
use super::super::settings::Settings;
use super::super::shell::Cx;
use crate::domain::Incident;
use crate::io::report::{ReportOptions, ReportZone, TimelineScope, render_report, write_report};
use crate::io::template::ReportFormat;
use crate::keymap::Command;
use crate::store::Store;
use crate::text::inert;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct ReportState {
    /// The Markdown report, one entry per line, already inert.
    pub lines: Vec<String>,
    pub scroll: u16,
    pub scope: TimelineScope,
    /// The zone the report's times are in (`z`).
    pub zone: ReportZone,
    /// Why the report could not be made (a broken template in the config folder).
    pub error: Option<String>,
}

impl ReportState {
    pub fn load(
        &mut self,
        store: &Store,
        incident: &Incident,
        settings: &Settings,
    ) -> crate::store::Result<()> {
        let made = settings.template(ReportFormat::Markdown).and_then(|t| {
            render_report(store, incident, ReportFormat::Markdown, self.options(), t)
        });
        match made {
            Ok(text) => {
                // A template from the config folder may itself hold control characters.
                self.lines = text.lines().map(|l| inert(l).into_owned()).collect();
                self.error = None;
            }
            Err(e) => {
                self.lines.clear();
                self.error = Some(e);
            }
        }
        let last = self.lines.len().saturating_sub(1) as u16;
        self.scroll = self.scroll.min(last);
        Ok(())
    }
}

/// How many timeline events the Report view previews (the written report has them all).
pub const PREVIEW_EVENTS: usize = 500;

impl ReportState {
    /// What the preview is made with.
    pub fn options(&self) -> ReportOptions {
        ReportOptions {
            scope: self.scope,
            zone: self.zone,
            defang: false,
            // The preview holds the report's first pages, not a million rows.
            limit: Some(PREVIEW_EVENTS),
        }
    }
}

/// The file name offered for the report: `IR-2026-014-postmortem.md` in the working folder.
pub fn default_report_path(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}-postmortem.md")
}

impl ReportState {
    /// One command of the Report screen.
    pub fn command(&mut self, incident: &Incident, command: Command, cx: &mut Cx<'_>) -> Effect {
        let page = cx.shell.height.saturating_sub(8).max(1);
        let last = self.lines.len().saturating_sub(1) as u16;
        let scroll = &mut self.scroll;
        match command {
            Command::Down => *scroll = (*scroll + 1).min(last),
            Command::Up => *scroll = scroll.saturating_sub(1),
            Command::PageDown => *scroll = scroll.saturating_add(page).min(last),
            Command::PageUp => *scroll = scroll.saturating_sub(page),
            Command::Top => *scroll = 0,
            Command::Bottom => *scroll = last,
            Command::ToggleScope => {
                self.scope = match self.scope {
                    TimelineScope::Full => TimelineScope::Key,
                    TimelineScope::Key => TimelineScope::Full,
                };
                if let Err(e) = self.load(cx.store, incident, &cx.shell.settings) {
                    cx.shell.error(format!("cannot read the incident: {e}"));
                    return Effect::None;
                }
                cx.shell.info(match self.scope {
                    TimelineScope::Full => "the timeline shows every event",
                    TimelineScope::Key => "the timeline shows key events and lapses only",
                });
            }
            Command::ToggleZone => {
                self.zone = self.zone.toggled();
                if let Err(e) = self.load(cx.store, incident, &cx.shell.settings) {
                    cx.shell.error(format!("cannot read the incident: {e}"));
                    return Effect::None;
                }
                cx.shell.info(match self.zone {
                    ReportZone::Utc => "the report's times are in UTC".to_string(),
                    _ => format!(
                        "the report's times are in {} (UTC beside them)",
                        incident.zone.name()
                    ),
                });
            }
            Command::WriteReport => {
                let prompt = Prompt::report_path(&default_report_path(&incident.key));
                return Effect::Open(Overlay::Prompt(Box::new(prompt)));
            }
            _ => {}
        }
        Effect::None
    }
}

/// What writing the report to `typed` will do, for the prompt.
pub fn report_path_note(typed: &str) -> String {
    let typed = typed.trim();
    if typed.is_empty() {
        return "type a file name".into();
    }
    let replaces = if Path::new(typed).exists() {
        "; replaces the file there"
    } else {
        ""
    };
    format!(
        "writes the {} report (readable by you only){replaces}",
        format_for(typed).label()
    )
}

/// The format a path asks for by its extension (Markdown unless .html or .json).
pub fn format_for(path: &str) -> ReportFormat {
    ReportFormat::for_path(path).unwrap_or(ReportFormat::Markdown)
}

impl ReportState {
    /// The report prompt's enter. A file already there is replaced only once the analyst
    /// said so (`overwrite`): otherwise a confirmation is asked first.
    pub fn write(
        &self,
        incident: &Incident,
        typed: &str,
        overwrite: bool,
        cx: &mut Cx<'_>,
    ) -> Effect {
        let typed = typed.trim();
        if typed.is_empty() {
            cx.shell.info("no report written");
            return Effect::None;
        }
        let path = PathBuf::from(typed);
        if !overwrite && path.exists() {
            let question = format!(
                "{} exists. Replace it with the report? (y replaces, n keeps it)",
                inert(typed)
            );
            let pending = Pending::ReplaceReport(typed.to_string());
            return Effect::Open(Overlay::confirm(question, pending));
        }
        let format = format_for(typed);
        let options = ReportOptions {
            limit: None,
            ..self.options()
        };
        let cannot = |e: std::io::Error| format!("cannot write {}: {e}", inert(typed));
        let result = cx.shell.settings.template(format).and_then(|t| {
            let mut file = crate::io::files::PrivateFile::create(&path).map_err(cannot)?;
            write_report(cx.store, incident, format, options, t, &mut file)?;
            file.commit().map_err(cannot)
        });
        match result {
            Ok(()) => cx.shell.success(format!(
                "wrote the {} report to {}",
                format.label(),
                inert(typed)
            )),
            Err(e) => cx.shell.error(format!("report not written: {e}")),
        }
        Effect::None
    }
}
