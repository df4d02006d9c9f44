//! The Timeline screen: a window of events paged from SQLite around the selection, never
//! the whole incident, what the detail pane shows of the selected event, and the
//! screen's keys (capture, add, edit, delete, filter, jump, key events, causes).

use super::super::effect::Effect;
use super::super::overlays::{
    Overlay, Pending, event_form::EventForm, key_picker::KeyPicker, prompt::Prompt,
};
use super::super::shell::Cx;
use crate::domain::{Event, Incident, TimeContext};
use crate::keymap::{Command, Key};
use crate::store::{Density, EventFilter, PageCursor, Result, Store, StoreError};
use crate::text::{clip, inert};
use crossterm::event::KeyCode;

/// How many events are fetched at a time, and the most the window keeps.
pub(super) const PAGE: usize = 100;
pub(super) const MAX_WINDOW: usize = 3 * PAGE;
/// Filtered timelines are counted this far: past it the title says `10000+` (counting a
/// million matches would hold up every filter by a second).
pub const COUNT_CAP: i64 = 10_000;
/// Up to this many events the density strip is read as soon as something changed (about
/// 10 ms); a larger incident's is read at the next poll, after the frame is drawn.
pub const DENSITY_NOW: i64 = 100_000;

#[derive(Debug, Clone)]
pub struct TimelineState {
    pub filter: EventFilter,
    /// The filter as typed, shown above the list.
    pub filter_text: String,
    /// A contiguous slice of the (filtered) timeline around the selection.
    pub rows: Vec<Event>,
    pub more_before: bool,
    pub more_after: bool,
    /// Index into `rows`.
    pub selected: usize,
    /// First visible index into `rows`.
    pub offset: usize,
    /// How many rows fit on screen (set from the layout in update).
    pub viewport: usize,
    /// Matching events in all, or the first [`COUNT_CAP`] of them when `total_exact` is false.
    pub total: i64,
    pub total_exact: bool,
    /// Position of the first row within the whole filtered timeline, when known.
    pub first_index: Option<i64>,
    /// The causes of the selected event, nearest first.
    pub chain: Vec<Event>,
    /// The evidence the selected event rests on.
    pub evidence: Vec<crate::domain::Evidence>,
    /// Completion candidates: actors and tags the incident already has.
    pub actors: Vec<String>,
    pub tags: Vec<String>,
    /// Set while choosing the cause of this event.
    pub linking: Option<Event>,
    /// Times in the incident's zone instead of UTC.
    pub local_times: bool,
    /// What was typed in quick capture when it was closed, offered again next time.
    pub capture_draft: String,
    /// Whether the detail pane is shown (`v` hides it, giving the list the room).
    pub show_detail: bool,
    /// Events per column of the density strip over the whole incident, read in update
    /// from the per-slot counts ([`Store::event_density`]) whenever the events or the
    /// width change; `strip_width` is the width it was read for.
    pub density: Density,
    pub strip_width: usize,
    /// The incident's key events (at most four), marked on the strip.
    pub key_events: Vec<Event>,
    /// The strip is to be read again at the next poll (a large incident: reading it
    /// costs about 0.1 s per million events, so it never holds up a key or a frame).
    pub density_due: bool,
}

impl TimelineState {
    pub fn open(store: &Store, incident: &Incident, viewport: usize) -> Result<Self> {
        let filter = EventFilter::incident(&incident.id);
        let mut t = TimelineState {
            filter,
            filter_text: String::new(),
            rows: Vec::new(),
            more_before: false,
            more_after: false,
            selected: 0,
            offset: 0,
            viewport: 10,
            total: 0,
            total_exact: true,
            first_index: Some(0),
            chain: Vec::new(),
            evidence: Vec::new(),
            actors: Vec::new(),
            tags: Vec::new(),
            linking: None,
            local_times: false,
            capture_draft: String::new(),
            show_detail: true,
            density: Density::default(),
            strip_width: 0,
            key_events: Vec::new(),
            density_due: false,
        };
        t.viewport = viewport;
        t.refresh_lookups(store)?;
        t.load_start(store)?;
        Ok(t)
    }

    pub fn selected_event(&self) -> Option<&Event> {
        self.rows.get(self.selected)
    }

    /// Re-reads the counts and completion lists after a change.
    pub fn refresh_lookups(&mut self, store: &Store) -> Result<()> {
        (self.total, self.total_exact) =
            store.count_matching_up_to(&self.filter, Some(COUNT_CAP))?;
        self.actors = store
            .list_actors(&self.filter.incident_id)?
            .into_iter()
            .map(|a| a.name)
            .collect();
        self.tags = store.list_tags(&self.filter.incident_id)?;
        self.refresh_density(store)
    }

    /// Re-reads the density strip and the key events: at once for
    /// an incident of up to [`DENSITY_NOW`] events, else at the next poll.
    pub fn refresh_density(&mut self, store: &Store) -> Result<()> {
        self.key_events = store.key_events(&self.filter.incident_id)?;
        if store.count_events(&self.filter.incident_id)? <= DENSITY_NOW {
            self.read_density(store)
        } else {
            self.density_due = true;
            Ok(())
        }
    }

    /// Reads the strip's buckets now.
    pub fn read_density(&mut self, store: &Store) -> Result<()> {
        self.density_due = false;
        self.density = store.event_density(&self.filter.incident_id, self.strip_width)?;
        Ok(())
    }

    /// The strip's width changed (a resize): read its buckets again.
    pub fn set_strip_width(&mut self, store: &Store, width: usize) -> Result<()> {
        if width == self.strip_width {
            return Ok(());
        }
        self.strip_width = width;
        self.refresh_density(store)
    }

    /// `]` / `[`: the next (or previous) busy stretch of the strip or key event from the
    /// selection. A bucket is busy when it holds at least the mean of the non-empty ones;
    /// a stretch starts where a busy bucket follows a quiet one.
    pub fn jump_busy(&mut self, store: &Store, forward: bool) -> Result<Option<String>> {
        let d = &self.density;
        let Some(here) = self.selected_event().map(|e| e.at.micros()) else {
            return Ok(None);
        };
        if d.counts.is_empty() {
            return Ok(None);
        }
        let nonempty: Vec<u32> = d.counts.iter().copied().filter(|c| *c > 0).collect();
        let mean = nonempty.iter().map(|c| *c as u64).sum::<u64>() / nonempty.len().max(1) as u64;
        let busy = |i: usize| d.counts[i] as u64 >= mean.max(1);
        let starts: Vec<i64> = (0..d.counts.len())
            .filter(|&i| busy(i) && (i == 0 || !busy(i - 1)))
            .map(|i| d.bucket_start(i))
            .collect();
        let mut targets: Vec<(i64, String)> = starts
            .into_iter()
            .map(|t| (t, "busy stretch".to_string()))
            .collect();
        for k in &self.key_events {
            if let Some(kind) = k.key_kind {
                targets.push((k.at.micros(), format!("key event: {}", kind.label())));
            }
        }
        let target = if forward {
            targets
                .into_iter()
                .filter(|(t, _)| *t > here)
                .min_by_key(|(t, _)| *t)
        } else {
            targets
                .into_iter()
                .filter(|(t, _)| *t < here)
                .max_by_key(|(t, _)| *t)
        };
        let Some((at_us, what)) = target else {
            return Ok(None);
        };
        self.load_around(store, PageCursor { at_us, seq: 0 })?;
        Ok(Some(what))
    }

    /// Applies a filter typed as `words @actor #tag !phase`.
    pub fn set_filter(&mut self, store: &Store, text: &str) -> std::result::Result<(), String> {
        let parsed = crate::app::queries::parse_filter(&self.filter.incident_id, text)?;
        self.filter = parsed;
        self.filter_text = text.trim().to_string();
        (self.total, self.total_exact) = store
            .count_matching_up_to(&self.filter, Some(COUNT_CAP))
            .map_err(|e| e.to_string())?;
        self.load_start(store).map_err(|e| e.to_string())
    }

    /// Shows only some events (a finding's, an actor's, an evidence's) under a label.
    pub fn show_only(&mut self, store: &Store, filter: EventFilter, label: &str) -> Result<()> {
        self.filter = filter;
        self.filter_text = label.to_string();
        (self.total, self.total_exact) =
            store.count_matching_up_to(&self.filter, Some(COUNT_CAP))?;
        self.load_start(store)
    }

    /// Whether the filter was set from another view (a label, not typed words).
    fn filter_from_view(&self) -> bool {
        self.filter.finding.is_some()
            || self.filter.evidence.is_some()
            || self.filter_text.starts_with("actor: ")
    }

    /// What a naive time typed in capture or `t` is read against: the zone the list shows
    /// (UTC, or the incident's), on the incident's day.
    pub fn typing_ctx(&self, ctx: &TimeContext) -> TimeContext {
        TimeContext {
            zone: if self.local_times {
                ctx.zone
            } else {
                chrono_tz::Tz::UTC
            },
            date: ctx.date,
        }
    }

    /// The position of the selected row in the whole filtered timeline, when known.
    pub fn position_label(&self) -> String {
        let total = self.total_label();
        match (self.first_index, self.rows.is_empty()) {
            (_, true) => format!("0/{total}"),
            (Some(first), false) => format!("{}/{total}", first + self.selected as i64 + 1),
            (None, false) => format!("?/{total}"),
        }
    }

    /// The number of matching events as shown: `47`, or `10000+` past the counting cap.
    pub fn total_label(&self) -> String {
        if self.total_exact {
            self.total.to_string()
        } else {
            format!("{}+", self.total)
        }
    }
}

/// The open incident as the timeline's keys need it.
pub struct Incidental<'a> {
    pub incident: &'a Incident,
    pub ctx: &'a TimeContext,
}

impl TimelineState {
    /// One command of the Timeline screen.
    pub fn command(&mut self, on: Incidental<'_>, command: Command, cx: &mut Cx<'_>) -> Effect {
        use Command::*;
        let page = self.viewport.max(1) as isize;
        let moved = match command {
            Up => self.move_by(cx.store, -1),
            Down => self.move_by(cx.store, 1),
            PageUp => self.move_by(cx.store, -page),
            PageDown => self.move_by(cx.store, page),
            Top => self.load_start(cx.store),
            Bottom => self.load_end(cx.store),
            _ => Ok(()),
        };
        if let Err(e) = moved {
            cx.shell.error(format!("cannot read the timeline: {e}"));
            return Effect::None;
        }
        let selected = self.selected_event().cloned();
        let open = |o: Overlay| Effect::Open(o);
        match command {
            Capture => {
                let draft = std::mem::take(&mut self.capture_draft);
                open(Overlay::Prompt(Box::new(Prompt::capture(&draft))))
            }
            Add => {
                let form =
                    EventForm::add(self.typing_ctx(on.ctx), selected.as_ref().map(|e| &e.at));
                open(Overlay::EventForm(Box::new(form)))
            }
            Edit => match selected {
                Some(e) => {
                    let form = EventForm::edit(self.typing_ctx(on.ctx), &e);
                    open(Overlay::EventForm(Box::new(form)))
                }
                None => {
                    cx.shell
                        .info("no event to edit: c captures one, a opens the form");
                    Effect::None
                }
            },
            Delete => match selected {
                Some(e) => {
                    let summary = clip(&inert(&e.text), 50);
                    let question = format!("Delete the event \"{summary}\"? (u undoes)");
                    open(Overlay::confirm(
                        question,
                        Pending::DeleteEvent { id: e.id, summary },
                    ))
                }
                None => Effect::None,
            },
            Filter => {
                // A filter set from another view (a finding's events) is a label, not typed words.
                let text = if self.filter_from_view() {
                    String::new()
                } else {
                    self.filter_text.clone()
                };
                open(Overlay::Prompt(Box::new(Prompt::filter(&text))))
            }
            ClearFilter => {
                self.apply_filter(cx, "");
                Effect::None
            }
            JumpTime => open(Overlay::Prompt(Box::new(Prompt::jump()))),
            Command::Import => {
                let prompt = Prompt::import();
                open(Overlay::Prompt(Box::new(prompt)))
            }
            ToggleZone => {
                self.local_times = !self.local_times;
                let zone = if self.local_times {
                    on.incident.zone.name().to_string()
                } else {
                    "UTC".into()
                };
                cx.shell.info(format!("times shown in {zone}"));
                Effect::None
            }
            NextBusy | PrevBusy => {
                let forward = command == NextBusy;
                match self.jump_busy(cx.store, forward) {
                    Ok(Some(what)) => cx.shell.info(format!("at the {what}")),
                    Ok(None) => cx.shell.info(if forward {
                        "nothing busier after this: the strip above shows where events are"
                    } else {
                        "nothing busier before this: the strip above shows where events are"
                    }),
                    Err(e) => cx.shell.error(format!("cannot read the timeline: {e}")),
                }
                Effect::None
            }
            ToggleDetail => {
                self.show_detail = !self.show_detail;
                let shown = if self.show_detail { "shown" } else { "hidden" };
                cx.shell.info(format!("detail pane {shown} (v toggles)"));
                Effect::None
            }
            MarkKey => match selected {
                Some(e) => KeyPicker::open(cx, e),
                None => {
                    cx.shell.info("no event to mark");
                    Effect::None
                }
            },
            TagLapse => match selected {
                Some(e) => super::findings::lapse_picker(cx, e),
                None => {
                    cx.shell.info("no event to tag");
                    Effect::None
                }
            },
            AttachEvidence => open(Overlay::Prompt(Box::new(Prompt::evidence(
                selected.map(|e| e.id),
            )))),
            GoToFinding => match selected {
                Some(e) => go_to_finding(cx, &e),
                None => Effect::None,
            },
            LinkCause => {
                if let Some(e) = selected {
                    self.linking = Some(e);
                    cx.shell.info("move to the event that caused it and press enter; backspace removes the link; esc cancels");
                }
                Effect::None
            }
            _ => Effect::None,
        }
    }

    /// Keys while choosing a cause; `None` when the key is not one of them.
    pub fn linking_key(&mut self, ctx: &TimeContext, k: Key, cx: &mut Cx<'_>) -> Option<Effect> {
        let effect = self.linking.clone()?;
        let cause = match k.code {
            KeyCode::Esc => {
                self.linking = None;
                cx.shell.info("linking cancelled");
                return Some(Effect::None);
            }
            KeyCode::Enter => match self.selected_event() {
                Some(c) if c.id == effect.id => {
                    cx.shell
                        .error("an event cannot cause itself; move to another event");
                    return Some(Effect::None);
                }
                Some(c) => Some(c.id.clone()),
                None => return Some(Effect::None),
            },
            KeyCode::Backspace | KeyCode::Delete => None,
            _ => return None,
        };
        self.linking = None;
        let what = if cause.is_some() {
            "linked to its cause"
        } else {
            "cause removed"
        };
        Some(save_edit(cx, ctx, &effect, what, |new| {
            new.caused_by = cause
        }))
    }

    /// Applies a typed filter and says how many events match.
    pub fn apply_filter(&mut self, cx: &mut Cx<'_>, text: &str) {
        let result = self.set_filter(cx.store, text).map(|()| self.total_label());
        match result {
            Ok(total) if text.trim().is_empty() => {
                cx.shell.info(format!("filter cleared · {total} events"))
            }
            Ok(total) => {
                // After a large import, search covers the events indexed so far.
                let waiting = match self.filter.search {
                    Some(_) => cx.store.search_backlog().unwrap_or(0),
                    None => 0,
                };
                // Short enough to sit beside "indexing for search… N%" at 80 columns.
                let so_far = if waiting > 0 {
                    " among the events indexed so far"
                } else {
                    ""
                };
                cx.shell.info(format!(
                    "{total} events match {}{so_far}",
                    inert(text.trim())
                ))
            }
            Err(e) => cx.shell.error(format!("filter: {e}")),
        }
    }

    /// The jump prompt's enter: the window around a time. `Err` keeps the prompt open.
    pub fn jump(
        &mut self,
        ctx: &TimeContext,
        cx: &mut Cx<'_>,
        typed: &str,
    ) -> std::result::Result<(), String> {
        let at = crate::domain::parse_time(typed, &self.typing_ctx(ctx))
            .map_err(|e| format!("jump: {}", e.reason))?;
        let cursor = PageCursor {
            at_us: at.micros(),
            seq: 0,
        };
        match self.load_around(cx.store, cursor) {
            Ok(()) => cx.shell.info(format!("at {}", at.rfc3339_utc())),
            Err(e) => cx.shell.error(format!("cannot read the timeline: {e}")),
        }
        Ok(())
    }

    /// The capture prompt's enter: one line into one event. `Err` keeps the prompt open
    /// with what was typed.
    pub fn capture(
        &mut self,
        on: Incidental<'_>,
        cx: &mut Cx<'_>,
        typed: &str,
    ) -> std::result::Result<Effect, String> {
        let previous = self.selected_event().map(|e| e.at);
        let ctx = self.typing_ctx(on.ctx);
        let new = crate::domain::capture::parse_capture(typed, &ctx, previous.as_ref())
            .and_then(|c| c.into_new_event())
            .map_err(|e| format!("not captured: {e}"))?;
        let saved = cx
            .store
            .add_event(&on.incident.id, &new)
            .map_err(|e| format!("not captured: {e}"))?;
        cx.shell
            .success(format!("captured: {}", clip(&inert(&saved.text), 60)));
        Ok(Effect::Changed(Some(saved.id)))
    }

    /// The capture prompt closed with esc: keep what was typed for next time.
    pub fn keep_draft(&mut self, cx: &mut Cx<'_>, typed: String) {
        if !typed.trim().is_empty() {
            cx.shell.info("capture kept: press c to go on with it");
        }
        self.capture_draft = typed;
    }
}

/// Deletes an event the analyst confirmed.
pub fn delete_event(cx: &mut Cx<'_>, id: &str, summary: &str) -> Effect {
    match cx.store.delete_event(id) {
        Ok(_) => {
            cx.shell
                .success(format!("deleted: \"{summary}\" (u undoes)"));
            Effect::Changed(Some(id.to_string()))
        }
        Err(e) => {
            cx.shell.error(format!("not deleted: {e}"));
            Effect::None
        }
    }
}

/// Saves one change to an event made by a key (its cause, its key-event mark).
fn save_edit(
    cx: &mut Cx<'_>,
    ctx: &TimeContext,
    before: &Event,
    what: &str,
    change: impl FnOnce(&mut crate::domain::NewEvent),
) -> Effect {
    let mut new = match EventForm::edit(*ctx, before).to_new_event() {
        Ok(n) => n,
        Err(e) => {
            cx.shell.error(e.to_string());
            return Effect::None;
        }
    };
    change(&mut new);
    match cx
        .store
        .update_event(&before.id, &new, Some(before.version))
    {
        Ok(saved) => {
            cx.shell.success(format!("saved: {what}"));
            Effect::Changed(Some(saved.id))
        }
        Err(StoreError::Stale(_)) => {
            cx.shell.error("not saved: another window changed this event; it is shown as it is now, press again");
            Effect::Changed(Some(before.id.clone()))
        }
        Err(e) => {
            cx.shell.error(format!("not saved: {e}"));
            Effect::None
        }
    }
}

/// From an event to (the first of) its findings.
fn go_to_finding(cx: &mut Cx<'_>, event: &Event) -> Effect {
    match cx.store.findings_of_event(&event.id) {
        Ok(fs) if fs.is_empty() => {
            cx.shell
                .info("this event supports no finding yet: f tags it");
            Effect::None
        }
        Ok(fs) => Effect::ShowFinding(fs[0].id.clone()),
        Err(e) => {
            cx.shell.error(format!("cannot read the findings: {e}"));
            Effect::None
        }
    }
}
