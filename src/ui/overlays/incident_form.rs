//! Drawing of the incident form.

use crate::app::overlays::incident_form::IncidentForm;
use crate::ui::overlays::form::fields;
use crate::ui::overlays::form_box;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;

pub(crate) fn incident_form(frame: &mut Frame<'_>, area: Rect, theme: &Theme, form: &IncidentForm) {
    let title = if form.editing.is_some() {
        " Edit incident "
    } else {
        " New incident "
    };
    let inner = form_box(frame, area, theme, title, 80, 14);
    fields(frame, inner, theme, &form.fields, &form.errors(), &[]);
}
