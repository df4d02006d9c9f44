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
    /// One row above the list: the density strip of the whole incident.
    pub strip: Rect,
    /// The list, with a border line on top and a header row.
    pub list: Rect,
    /// The detail pane, when shown.
    pub detail: Option<Rect>,
    /// Rows of events the list shows.
    pub list_rows: u16,
}

/// From this width the detail pane sits beside the list; below it, under the list, so
/// the event text keeps the width.
pub const DETAIL_BESIDE_FROM: u16 = 160;

/// The density strip on top, then the list, with the detail pane beside it on very wide
/// screens, below it otherwise, or not at all when the analyst hid it.
pub fn timeline_areas(body: Rect, detail: bool) -> TimelineAreas {
    let strip_h = if body.height >= 8 { 1 } else { 0 };
    let strip = Rect::new(body.x, body.y, body.width, strip_h);
    let rest = Rect::new(body.x, body.y + strip_h, body.width, body.height - strip_h);
    let (list, detail) = if !detail {
        (rest, None)
    } else if rest.width >= DETAIL_BESIDE_FROM {
        let list_w = rest.width * 62 / 100;
        (
            Rect::new(rest.x, rest.y, list_w, rest.height),
            Some(Rect::new(
                rest.x + list_w,
                rest.y,
                rest.width - list_w,
                rest.height,
            )),
        )
    } else {
        let list_h = (rest.height * 3 / 5).max(3.min(rest.height));
        (
            Rect::new(rest.x, rest.y, rest.width, list_h),
            Some(Rect::new(
                rest.x,
                rest.y + list_h,
                rest.width,
                rest.height - list_h,
            )),
        )
    };
    TimelineAreas {
        strip,
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
/// shorten until the row fits: full names with wide separators, then narrow separators,
/// shorter names, short names, and last numbers only (the current tab keeps its name).
pub fn tabs(bar: TabBar) -> Vec<(View, String)> {
    let (titles, _) = tab_row(bar);
    titles
}

/// The tab titles and the separator between them, the first of the shortening steps that
/// fits the width.
fn tab_row(bar: TabBar) -> (Vec<(View, String)>, &'static str) {
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
    // (step, separator): 0 full, 1 medium, 2 short but the current one, 3 numbers only
    // but the current one.
    const STEPS: [(u8, &str); 5] = [(0, " │ "), (0, "│"), (1, "│"), (2, "│"), (3, "│")];
    let row = |step: u8| -> Vec<(View, String)> {
        ALL.iter()
            .take(shown)
            .enumerate()
            .map(|(n, (view, full, medium, short))| {
                let name = match step {
                    0 => Some(*full),
                    1 => Some(*medium),
                    _ if *view == current => Some(*medium),
                    2 => Some(*short),
                    _ => None,
                };
                let title = match name {
                    Some(name) => format!("{} {name}", n + 1),
                    None => format!("{}", n + 1),
                };
                (*view, title)
            })
            .collect()
    };
    let width_of = |titles: &[(View, String)], sep: &str| -> usize {
        let names: usize = titles.iter().map(|(_, t)| t.chars().count()).sum();
        1 + names + sep.chars().count() * titles.len().saturating_sub(1)
    };
    for (step, sep) in STEPS {
        let titles = row(step);
        if width_of(&titles, sep) <= bar.width as usize || step == 3 {
            return (titles, sep);
        }
    }
    (row(3), "│")
}

/// What stands between two tabs: narrow screens give up the spaces so all nine fit.
pub fn tab_separator(bar: TabBar) -> &'static str {
    tab_row(bar).1
}

/// Which tab is at a column of the tab row (one space margin, then titles and separators).
pub fn tab_at(bar: TabBar, column: u16) -> Option<View> {
    let (titles, sep) = tab_row(bar);
    let gap = sep.chars().count() as u16;
    let mut x = 1u16;
    for (view, title) in titles {
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
