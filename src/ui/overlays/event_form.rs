//! Drawing of the event form.

use crate::app::App;
use crate::app::overlays::event_form::EventForm;
use crate::ui::overlays::form::fields;
use crate::ui::overlays::form_box;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(crate) fn event_form(
    app: &App,
    frame: &mut Frame<'_>,
    area: Rect,
    theme: &Theme,
    form: &EventForm,
) {
    let title = if form.editing.is_some() {
        " Edit event "
    } else {
        " New event "
    };
    let inner = form_box(frame, area, theme, title, 96, 22);
    let (actors, tags) = app
        .timeline()
        .map(|t| (t.actors.as_slice(), t.tags.as_slice()))
        .unwrap_or_default();
    let mut extra = vec![Vec::new(); form.fields.list.len()];
    extra[form.fields.focus] = form.suggestions(actors, tags);
    let errors = form.errors();
    fields(frame, inner, theme, &form.fields, &errors, &extra);
    // What the time and technique will be saved as.
    let mut preview = Vec::new();
    if let Ok(new) = form.to_new_event() {
        preview.push(Span::styled(
            format!("→ {}", new.at.rfc3339_utc()),
            theme.ok(),
        ));
        if let Some(t) = new
            .technique
            .as_deref()
            .and_then(crate::domain::attack::technique)
        {
            preview.push(Span::styled(
                format!("  {} {} ({})", t.id, t.name, t.tactics.join(", ")),
                theme.ok(),
            ));
        }
    }
    let bottom = Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1);
    frame.render_widget(Paragraph::new(Line::from(preview)), bottom);
}
