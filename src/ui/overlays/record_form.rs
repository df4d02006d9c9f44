//! Drawing of the finding, overview, actor, action and evaluation forms.

use crate::app::overlays::record_form::RecordForm;
use crate::ui::overlays::form::fields;
use crate::ui::overlays::form_box;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;

pub(crate) fn record_form(frame: &mut Frame<'_>, area: Rect, theme: &Theme, form: &RecordForm) {
    let inner = form_box(frame, area, theme, form.title(), 96, 28);
    let mut extra = vec![Vec::new(); form.fields.list.len()];
    extra[form.fields.focus] = form.suggestions();
    fields(frame, inner, theme, &form.fields, &form.errors(), &extra);
}
