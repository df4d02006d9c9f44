//! The density strip above the timeline: the whole incident in one row, events per
//! column (read in update, one aggregate query), key events as their numbers, the
//! selection's place marked.

use crate::app::OpenIncident;
use crate::domain::KeyEventKind;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const LEVELS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

pub fn strip(open: &OpenIncident, frame: &mut Frame<'_>, area: Rect, theme: &Theme) {
    let t = &open.timeline;
    let d = &t.density;
    if area.height == 0 || d.counts.is_empty() || d.counts.iter().all(|c| *c == 0) {
        return;
    }
    let max = d.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    // A logarithmic scale: one event still shows beside a bucket of a hundred thousand.
    let level = |c: u32| -> char {
        if c == 0 {
            return LEVELS[0];
        }
        let l = ((c as f64).ln_1p() / max.ln_1p() * 8.0).ceil() as usize;
        LEVELS[l.clamp(1, 8)]
    };
    let mut cells: Vec<(String, ratatui::style::Style)> = d
        .counts
        .iter()
        .map(|c| (level(*c).to_string(), theme.dim()))
        .collect();
    for k in &t.key_events {
        if let Some(kind) = k.key_kind {
            let n = KeyEventKind::ALL
                .iter()
                .position(|x| *x == kind)
                .unwrap_or(0)
                + 1;
            let b = d.bucket_of(k.at.micros());
            cells[b] = (n.to_string(), theme.key_event());
        }
    }
    if let Some(e) = t.selected_event() {
        let b = d.bucket_of(e.at.micros());
        cells[b].1 = theme.selected();
        if cells[b].0 == " " {
            cells[b].0 = "│".into();
        }
    }
    let spans: Vec<Span<'static>> = cells
        .into_iter()
        .take(area.width as usize)
        .map(|(s, style)| Span::styled(s, style))
        .collect();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
