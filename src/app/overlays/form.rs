//! What every form has: labelled fields on an editor widget, read by label, and the keys
//! they share (move between fields, complete, save, cancel, type). Every field is
//! validated as it is typed; nothing typed is lost until the analyst saves or confirms
//! discarding it.

use super::super::effect::Effect;
use super::super::shell::Cx;
use super::{Outcome, Overlay, Pending};
use crate::domain::Timestamp;
use crate::text::inert_with;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

/// One labelled field backed by an editor widget.
#[derive(Debug, Clone)]
pub struct Field {
    pub label: &'static str,
    pub area: TextArea<'static>,
    pub multiline: bool,
    /// What was there when the form opened, shown inert; to tell "changed".
    pub initial: String,
    /// The untrusted original, kept when the field is left unchanged.
    pub original: String,
    pub hint: &'static str,
    pub readonly: bool,
}

impl Field {
    pub fn new(label: &'static str, value: &str, multiline: bool, hint: &'static str) -> Field {
        let shown = inert_with(value, multiline).into_owned();
        let mut area = TextArea::new(shown.lines().map(str::to_string).collect());
        if shown.is_empty() {
            area = TextArea::default();
        }
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        area.set_placeholder_text(hint);
        if multiline {
            // Paragraphs of a summary wrap at words instead of scrolling sideways.
            area.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
        }
        // "Unchanged" is judged against what the editor holds (it drops a final newline).
        let initial = area.lines().join("\n");
        Field {
            label,
            area,
            multiline,
            initial,
            original: value.to_string(),
            hint,
            readonly: false,
        }
    }

    /// The text as typed; the untrusted original when the field was not touched.
    pub fn value(&self) -> String {
        let typed = self.area.lines().join("\n");
        if typed == self.initial {
            self.original.clone()
        } else {
            typed
        }
    }

    pub fn changed(&self) -> bool {
        self.area.lines().join("\n") != self.initial
    }

    /// The word being typed (after the last space), for completion.
    pub fn current_word(&self) -> String {
        let text = self.area.lines().join(" ");
        text.rsplit(' ').next().unwrap_or_default().to_string()
    }

    /// Replaces the field's text (a completion), cursor at the end.
    pub fn set_text(&mut self, text: &str) {
        let mut area = TextArea::new(vec![text.to_string()]);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        area.set_placeholder_text(self.hint);
        self.area = area;
    }
}

/// A form's fields, one of them focused. Fields are found by their label.
#[derive(Debug, Clone)]
pub struct Fields {
    pub list: Vec<Field>,
    pub focus: usize,
}

impl Fields {
    pub fn new(list: Vec<Field>, focus: &str) -> Fields {
        let mut f = Fields { list, focus: 0 };
        f.focus_on(focus);
        f
    }

    /// The field with this label. A label the form does not have is a bug in the form.
    pub fn get(&self, label: &str) -> &Field {
        self.list
            .iter()
            .find(|f| f.label == label)
            .unwrap_or_else(|| panic!("the form has no field {label:?}"))
    }

    pub fn get_mut(&mut self, label: &str) -> &mut Field {
        self.list
            .iter_mut()
            .find(|f| f.label == label)
            .unwrap_or_else(|| panic!("the form has no field {label:?}"))
    }

    /// The text of the field with this label (the untrusted original when untouched).
    pub fn value(&self, label: &str) -> String {
        self.get(label).value()
    }

    pub fn focused(&self) -> &Field {
        &self.list[self.focus]
    }

    /// The label of the focused field.
    pub fn focus_label(&self) -> &'static str {
        self.list[self.focus].label
    }

    /// Moves the focus to the field with this label (tests fill forms this way).
    pub fn focus_on(&mut self, label: &str) -> bool {
        match self.list.iter().position(|f| f.label == label) {
            Some(i) => {
                self.focus = i;
                true
            }
            None => false,
        }
    }

    pub fn changed(&self) -> bool {
        self.list.iter().any(Field::changed)
    }

    /// Each field's problem (`None`: fine), in the order of the fields, by label.
    pub fn check(&self, problem: impl Fn(&str) -> Option<String>) -> Vec<Option<String>> {
        self.list.iter().map(|f| problem(f.label)).collect()
    }

    /// The first problem as `Label: reason`, given each field's problem in order.
    pub fn first_error(&self, errors: &[Option<String>]) -> Result<(), String> {
        match self
            .list
            .iter()
            .zip(errors)
            .find_map(|(f, e)| e.as_ref().map(|e| (f, e)))
        {
            Some((f, e)) => Err(format!("{}: {e}", f.label)),
            None => Ok(()),
        }
    }

    /// Pasted text goes into the focused field, made inert first (pasted logs may hold
    /// escape sequences); newlines are kept only in multi-line fields.
    pub fn paste(&mut self, text: &str) {
        let field = &mut self.list[self.focus];
        if !field.readonly {
            field.area.insert_str(inert_with(text, field.multiline));
        }
    }
}

/// What a key did in a form.
pub enum FormAction {
    Save,
    Cancel,
    Handled,
}

/// Keys common to every form: move between fields, complete, save, cancel, type.
pub fn form_key(fields: &mut Fields, suggestions: &[String], key: KeyEvent) -> FormAction {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let count = fields.list.len();
    let last = count - 1;
    let focus = &mut fields.focus;
    let multiline = fields.list[*focus].multiline;
    match key.code {
        KeyCode::Char('s') if ctrl => return FormAction::Save,
        KeyCode::Esc => return FormAction::Cancel,
        KeyCode::Tab => match suggestions.first() {
            Some(s) => fields.list[*focus].set_text(s),
            None => *focus = (*focus + 1) % count,
        },
        KeyCode::BackTab => *focus = (*focus + last) % count,
        KeyCode::Down if !multiline => *focus = (*focus + 1).min(last),
        KeyCode::Up if !multiline => *focus = focus.saturating_sub(1),
        KeyCode::Enter if !multiline => {
            if *focus == last {
                return FormAction::Save;
            }
            *focus += 1;
        }
        _ if fields.list[*focus].readonly => {}
        _ => type_into(&mut fields.list[*focus].area, key),
    }
    FormAction::Handled
}

/// A key typed into a text field. As in a shell, ctrl-u deletes back to the start of
/// the line (the editor widget would otherwise take it as its own undo).
pub fn type_into(area: &mut TextArea<'static>, key: KeyEvent) {
    if key.code == KeyCode::Char('u') && key.modifiers.contains(KeyModifiers::CONTROL) {
        area.delete_line_by_head();
    } else {
        area.input(key);
    }
}

/// Esc in a form: closes it at once when nothing was typed, else asks first.
pub fn cancel(changed: bool, cx: &mut Cx<'_>) -> Outcome {
    if changed {
        let question = "Discard what you typed? (y discards, n keeps editing)".to_string();
        Outcome::KeepAnd(Effect::Open(Overlay::confirm(
            question,
            Pending::DiscardForm,
        )))
    } else {
        cx.shell.info("closed without changes");
        Outcome::Close(Effect::None)
    }
}

/// Why a typed value breaks its field's rule, for the line under the field.
pub(super) fn problem<T>(checked: crate::domain::Checked<T>) -> Option<String> {
    checked.err().map(|e| e.reason)
}

pub(super) fn optional(text: &str) -> Option<String> {
    crate::domain::optional(Some(text))
}

/// A time as the form shows it: in the zone it will be read back in, with its offset,
/// so saving an untouched form never moves an event.
pub fn show_time(t: &Timestamp, zone: chrono_tz::Tz) -> String {
    let local = t.utc.with_timezone(&zone);
    if t.precision == crate::domain::Precision::Day {
        // The day as typed; its offset only when the zone would read it elsewhere.
        use chrono::Offset;
        return if local.offset().fix().local_minus_utc() == t.offset_secs {
            format!("~{}", t.date_text())
        } else {
            format!("~{} {}", t.date_text(), t.original().format("%:z"))
        };
    }
    let prefix = if t.precision == crate::domain::Precision::Approximate {
        "~"
    } else {
        ""
    };
    let format = if t.precision == crate::domain::Precision::Exact {
        "%Y-%m-%d %H:%M:%S%:z"
    } else {
        "%Y-%m-%d %H:%M%:z"
    };
    format!("{prefix}{}", local.format(format))
}
