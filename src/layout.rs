//! Where things are on screen: sizes in, rectangles out. Shared by render and by update
//! (mouse clicks, how many rows a page holds), so a click lands on what was drawn there.

use crate::app::View;
use ratatui::layout::Rect;

/// The smallest screen the workbench draws on; below it, it says how big it needs to be.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub tabs: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub fn areas(width: u16, height: u16) -> Areas {
    let row = |y: u16| Rect::new(0, y.min(height.saturating_sub(1)), width, 1.min(height));
    Areas {
        header: row(0),
        tabs: row(1),
        body: Rect::new(0, 2.min(height), width, height.saturating_sub(4)),
        status: row(height.saturating_sub(2)),
        footer: row(height.saturating_sub(1)),
    }
}

pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineAreas {
    /// The list, with a border line on top and a header row.
    pub list: Rect,
    pub detail: Rect,
    /// Rows of events the list shows.
    pub list_rows: u16,
}

/// The list beside the detail pane on wide screens, above it on narrow ones.
pub fn timeline_areas(body: Rect) -> TimelineAreas {
    let (list, detail) = if body.width >= 120 {
        let list_w = body.width * 62 / 100;
        (
            Rect::new(body.x, body.y, list_w, body.height),
            Rect::new(body.x + list_w, body.y, body.width - list_w, body.height),
        )
    } else {
        let list_h = (body.height * 3 / 5).max(3.min(body.height));
        (
            Rect::new(body.x, body.y, body.width, list_h),
            Rect::new(body.x, body.y + list_h, body.width, body.height - list_h),
        )
    };
    TimelineAreas {
        list,
        detail,
        list_rows: list.height.saturating_sub(2),
    }
}

/// What the tab row depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabBar {
    pub width: u16,
    /// The view shown (Welcome counts as Incidents).
    pub current: View,
    /// Whether the incident's views are there (an incident is open or exists).
    pub incident_tabs: bool,
}

/// The tabs and their titles, in order; the incident's views once one exists. Titles
/// shorten with the width so all nine fit: full names from 110 columns, shorter ones from
/// 100, and below that only the current tab keeps its name.
pub fn tabs(bar: TabBar) -> Vec<(View, String)> {
    const ALL: [(View, &str, &str, &str); 9] = [
        (View::Incidents, "Incidents", "Incidents", "Inc"),
        (View::Overview, "Overview", "Overview", "Over"),
        (View::Timeline, "Timeline", "Timeline", "Time"),
        (View::Findings, "Findings", "Findings", "Find"),
        (View::Evidence, "Evidence & actors", "Evidence", "Evid"),
        (View::Backlog, "Backlog", "Backlog", "Back"),
        (View::Owners, "Owners", "Owners", "Own"),
        (View::Evaluation, "Evaluation", "Evaluation", "Eval"),
        (View::Report, "Report", "Report", "Rep"),
    ];
    let shown = if bar.incident_tabs { ALL.len() } else { 1 };
    let current = if bar.current == View::Welcome {
        View::Incidents
    } else {
        bar.current
    };
    ALL.iter()
        .take(shown)
        .enumerate()
        .map(|(n, (view, full, medium, short))| {
            let name = match bar.width {
                110.. => full,
                100.. => medium,
                _ if *view == current => medium,
                _ => short,
            };
            (*view, format!("{} {name}", n + 1))
        })
        .collect()
}

/// What stands between two tabs: narrow screens give up the spaces so all nine fit.
pub fn tab_separator(width: u16) -> &'static str {
    if width < 110 { "│" } else { " │ " }
}

/// Which tab is at a column of the tab row (one space margin, then titles and separators).
pub fn tab_at(bar: TabBar, column: u16) -> Option<View> {
    let gap = tab_separator(bar.width).chars().count() as u16;
    let mut x = 1u16;
    for (view, title) in tabs(bar) {
        let w = title.chars().count() as u16;
        if column >= x && column < x + w {
            return Some(view);
        }
        x += w + gap;
    }
    None
}

/// Rows a list in the body shows (a border line and a header row above it).
pub fn list_rows(height: u16) -> usize {
    areas(80, height).body.height.saturating_sub(4).max(1) as usize
}
